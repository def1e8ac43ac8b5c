//! The schema of a policy file: the `[policy]` table and one section per measure of the
//! catalogue. The sections are not written out here: the catalogue drives deserialization,
//! so a measure's section exists as soon as the measure is listed.
//!
//! Deserialization mirrors what `#[derive(Deserialize)]` with `deny_unknown_fields` does
//! for a struct with a field per section (same messages, same locations): an unknown
//! section is reported at its key, naming the known ones (`policy` first, then the
//! measures in catalogue order).

use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::Collector;

use super::measure::{Change, EachMeasure, Entry, Measure, Section};
use super::measures::catalogue;

/// A policy file as written.
pub(crate) struct RawPolicy {
    /// The `[policy]` table.
    pub(crate) policy: RawPolicyMeta,
    /// One section per measure of the catalogue, in application order (empty when the
    /// policy does not use the measure).
    pub(crate) sections: Vec<Section>,
}

/// The `[policy]` table.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPolicyMeta {
    /// The policy's name, as the comparison labels its variant.
    pub(crate) name: String,
    /// The measure it stands for, in words (e.g. "risk management, WTO TFA 7.4").
    #[serde(default)]
    pub(crate) measure: Option<String>,
    /// Free text, for readers of the file only.
    #[serde(default)]
    pub(crate) description: Option<String>,
    /// In a region: the crossing the policy changes.
    #[serde(default)]
    pub(crate) crossing: Option<String>,
    /// The scenario file the policy was written for, relative to the policy file
    /// (documentation; the bundled-policy tests use it).
    #[serde(default)]
    pub(crate) baseline: Option<String>,
}

/// The section names of the catalogue, in order.
struct Names(Vec<&'static str>);

impl EachMeasure for Names {
    fn measure<M: Measure>(&mut self) {
        self.0.push(M::NAME);
    }
}

/// The keys a policy file may have: `policy`, then the catalogue's sections.
fn fields() -> &'static [&'static str] {
    static FIELDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        let mut names = Names(vec!["policy"]);
        catalogue(&mut names);
        names.0
    })
}

/// A key of the policy file: `policy`, or the section of the measure at this position of
/// [`fields`].
enum Key {
    Policy,
    Measure(usize),
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        match fields().iter().position(|f| *f == key) {
            Some(0) => Ok(Key::Policy),
            Some(i) => Ok(Key::Measure(i)),
            None => Err(E::unknown_field(key, fields())),
        }
    }
}

/// Reads the value of the current key as the section of the measure at position `wanted`
/// of the catalogue.
struct ReadSection<'m, A, E> {
    map: &'m mut A,
    wanted: usize,
    at: usize,
    read: Option<Section>,
    error: Option<E>,
}

impl<'de, A: MapAccess<'de>> EachMeasure for ReadSection<'_, A, A::Error> {
    fn measure<M: Measure>(&mut self) {
        if self.at == self.wanted {
            match self.map.next_value::<Vec<M::Raw>>() {
                Ok(raws) => {
                    self.read = Some(Section::whole(
                        M::NAME,
                        raws.into_iter().map(Entry::<M>::boxed).collect(),
                    ));
                }
                Err(e) => self.error = Some(e),
            }
        }
        self.at += 1;
    }
}

struct PolicyVisitor;

impl<'de> Visitor<'de> for PolicyVisitor {
    type Value = RawPolicy;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct RawPolicy")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPolicy, A::Error> {
        let mut policy: Option<RawPolicyMeta> = None;
        // Position i + 1 of `fields()` is section i.
        let mut sections: Vec<Option<Section>> = Vec::new();
        sections.resize_with(fields().len() - 1, || None);
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match key {
                Key::Policy => {
                    if policy.is_some() {
                        return Err(de::Error::duplicate_field("policy"));
                    }
                    policy = Some(map.next_value()?);
                }
                Key::Measure(i) => {
                    if sections[i - 1].is_some() {
                        return Err(de::Error::duplicate_field(fields()[i]));
                    }
                    let mut read = ReadSection {
                        map: &mut map,
                        wanted: i - 1,
                        at: 0,
                        read: None,
                        error: None,
                    };
                    catalogue(&mut read);
                    if let Some(e) = read.error {
                        return Err(e);
                    }
                    // Every key of `fields()` after `policy` is a measure of the catalogue.
                    sections[i - 1] = read.read;
                }
            }
        }
        let policy = policy.ok_or_else(|| de::Error::missing_field("policy"))?;
        let sections = sections
            .into_iter()
            .zip(&fields()[1..])
            .map(|(section, name)| section.unwrap_or_else(|| Section::whole(name, Vec::new())))
            .collect();
        Ok(RawPolicy { policy, sections })
    }
}

impl<'de> Deserialize<'de> for RawPolicy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("RawPolicy", fields(), PolicyVisitor)
    }
}

/// Reads the entries of the section named `wanted` (one of the catalogue's) from its value,
/// each entry on its own, so that one bad entry does not hide the problems of the others.
struct ReadEntries<'v, 'de> {
    wanted: &'v str,
    value: &'v Spanned<DeValue<'de>>,
    read: Option<Section>,
    errors: Vec<toml::de::Error>,
}

impl EachMeasure for ReadEntries<'_, '_> {
    fn measure<M: Measure>(&mut self) {
        if M::NAME != self.wanted {
            return;
        }
        let mut changes: Vec<Box<dyn Change>> = Vec::new();
        let mut positions = Vec::new();
        match self.value.get_ref() {
            DeValue::Array(entries) => {
                for (i, entry) in entries.iter().enumerate() {
                    match crate::scenario::shape::read_every::<M::Raw>(entry) {
                        Ok(raw) => {
                            changes.push(Entry::<M>::boxed(raw));
                            positions.push(i);
                        }
                        Err(errors) => self.errors.extend(errors),
                    }
                }
            }
            // Not a list of entries: serde's own message says what was found.
            _ => {
                if let Err(e) = Vec::<M::Raw>::deserialize(self.value.clone().into_deserializer()) {
                    self.errors.push(e);
                }
            }
        }
        self.read = Some(Section {
            name: M::NAME,
            changes,
            positions,
        });
    }
}

/// Reads a parsed policy file, reporting every problem of its schema to `cx` (an unknown
/// section, a missing or mistyped field, an unknown field, in each entry on its own); the
/// entries that read well are kept, so that their own problems can be reported in the same
/// pass. `None` when the `[policy]` table cannot be read.
pub(crate) fn read_policy(
    cx: &mut Collector<'_>,
    root: &Spanned<DeTable<'_>>,
) -> Option<RawPolicy> {
    let report = |cx: &mut Collector<'_>, e: &toml::de::Error, base: &str| {
        let path = cx
            .spans()
            .and_then(|s| e.span().and_then(|span| s.path_at(&span)))
            .unwrap_or_else(|| base.to_owned());
        let offset = e.span().map_or_else(|| cx.value_start(base), |s| s.start);
        let (path, message) = crate::scenario::messages::rephrase(e.message(), path);
        cx.error_at(offset, &path, message);
    };
    let mut policy: Option<RawPolicyMeta> = None;
    let mut policy_seen = false;
    let mut sections: Vec<Section> = Vec::new();
    for (key, value) in root.get_ref().iter() {
        let name = key.get_ref().as_ref();
        if name == "policy" {
            policy_seen = true;
            match crate::scenario::shape::read_every::<RawPolicyMeta>(value) {
                Ok(meta) => policy = Some(meta),
                Err(errors) => {
                    for e in &errors {
                        report(cx, e, "policy");
                    }
                }
            }
            continue;
        }
        if !fields().contains(&name) {
            let e = <toml::de::Error as de::Error>::unknown_field(name, fields());
            let (path, message) = crate::scenario::messages::rephrase(e.message(), String::new());
            let offset = key.span().start;
            cx.error_at(offset, &path, message);
            continue;
        }
        let mut read = ReadEntries {
            wanted: name,
            value,
            read: None,
            errors: Vec::new(),
        };
        catalogue(&mut read);
        for e in &read.errors {
            report(cx, e, name);
        }
        sections.extend(read.read);
    }
    if !policy_seen {
        cx.error_at(
            0,
            "policy",
            "missing the [policy] table; start the file with [policy] and its `name`",
        );
    }
    let policy = policy?;
    // Every measure has a section, in catalogue order (empty when the policy does not use it).
    let sections = fields()[1..]
        .iter()
        .map(|name| {
            let at = sections.iter().position(|s| s.name == *name);
            match at {
                Some(i) => sections.swap_remove(i),
                None => Section::whole(name, Vec::new()),
            }
        })
        .collect();
    Some(RawPolicy { policy, sections })
}

//! What a measure of the reform catalogue is: one type that carries its section name, its
//! WTO Trade Facilitation Agreement article, its help line, the schema of its entries, the
//! scenario fields it writes and how it changes the baseline — the way each command-line flag
//! of a well-kept tool carries its own name, docs and update.
//!
//! The measures themselves are in [`super::measures`], one file per measure;
//! [`super::measures::catalogue`] lists them in the order policies apply them.

use crate::diagnostic::Collector;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use toml::Table;

/// One measure of the reform catalogue: a `[[NAME]]` section of a policy file.
///
/// A measure is a unit type; its entries are [`Measure::Raw`] values deserialized from the
/// policy file (unknown fields rejected), and it never sees the rest of the policy.
pub(crate) trait Measure: 'static {
    /// The section's name in a policy file (`staffing` for `[[staffing]]`).
    const NAME: &'static str;
    /// The article of the WTO Trade Facilitation Agreement (2014) the measure implements
    /// (`"7.1"`), or `None` for capacity measures outside it.
    const ARTICLE: Option<&'static str>;
    /// One line for help listings: what the measure changes.
    const HELP: &'static str;
    /// The field of an entry that holds the value it writes, where one does (`value` of an
    /// `[[override]]`): a problem of the changed scenario with that value is reported there;
    /// `None` reports it at the entry.
    const VALUE_FIELD: Option<&'static str> = None;
    /// One entry of the section, as written in the policy file (its doc comments are the
    /// policy schema's descriptions).
    #[cfg(feature = "schema")]
    type Raw: DeserializeOwned + schemars::JsonSchema + 'static;
    /// One entry of the section, as written in the policy file.
    #[cfg(not(feature = "schema"))]
    type Raw: DeserializeOwned + 'static;

    /// The scenario fields one entry writes, as dot paths into the baseline document
    /// (`stations.X.servers`, `classes.C.channels`, `stations.X` for a whole station); two
    /// entries whose paths overlap conflict. `baseline` is the document before any change
    /// (for entries that default to every class, say).
    fn writes(raw: &Self::Raw, baseline: &Table) -> Vec<String>;

    /// Checks one entry against the document as changed by the entries applied before it
    /// (names it refers to, shares in [0, 1], positive factors), reporting each problem
    /// at a field path under `path` (`staffing[0]`); when the checks pass, writes the
    /// entry's fields into `doc`.
    fn apply(raw: &Self::Raw, cx: &mut Collector<'_>, doc: &mut Table, path: &str);
}

/// What the catalogue is walked with: called once per measure type, in application order.
pub(crate) trait EachMeasure {
    /// Called for measure `M`.
    fn measure<M: Measure>(&mut self);
}

/// One entry of a policy's section, its measure erased: what conflict detection and
/// application need.
pub(crate) trait Change {
    /// [`Measure::writes`] of the entry.
    fn writes(&self, baseline: &Table) -> Vec<String>;
    /// [`Measure::apply`] of the entry.
    fn apply(&self, cx: &mut Collector<'_>, doc: &mut Table, path: &str);
    /// [`Measure::VALUE_FIELD`] of the entry's measure.
    fn value_field(&self) -> Option<&'static str>;
}

/// An entry of measure `M`.
pub(crate) struct Entry<M: Measure> {
    raw: M::Raw,
    measure: PhantomData<fn() -> M>,
}

impl<M: Measure> Entry<M> {
    /// The entry `raw`, boxed as a [`Change`].
    pub(crate) fn boxed(raw: M::Raw) -> Box<dyn Change> {
        Box::new(Entry::<M> {
            raw,
            measure: PhantomData,
        })
    }
}

impl<M: Measure> Change for Entry<M> {
    fn writes(&self, baseline: &Table) -> Vec<String> {
        M::writes(&self.raw, baseline)
    }

    fn apply(&self, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        M::apply(&self.raw, cx, doc, path);
    }

    fn value_field(&self) -> Option<&'static str> {
        M::VALUE_FIELD
    }
}

/// The entries a policy gives for one measure, in file order.
pub(crate) struct Section {
    /// The measure's [`Measure::NAME`]; entry `i` is at path `NAME[i]` of the policy file.
    pub(crate) name: &'static str,
    /// The entries that could be read.
    pub(crate) changes: Vec<Box<dyn Change>>,
    /// The position in the file's section of each of `changes` (an entry that could not be
    /// read leaves a gap, so the others keep their paths).
    pub(crate) positions: Vec<usize>,
}

impl Section {
    /// A section whose entries are all read, in file order.
    pub(crate) fn whole(name: &'static str, changes: Vec<Box<dyn Change>>) -> Section {
        let positions = (0..changes.len()).collect();
        Section {
            name,
            changes,
            positions,
        }
    }

    /// Each entry with its path in the policy file (`staffing[1]`).
    pub(crate) fn entries(&self) -> impl Iterator<Item = (String, &dyn Change)> {
        self.positions
            .iter()
            .zip(&self.changes)
            .map(|(&i, change)| (crate::spans::index(self.name, i), change.as_ref()))
    }
}

/// One measure of the reform catalogue, as listed for users (help, documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeasureInfo {
    /// The section's name in a policy file (`pre_arrival_processing`).
    pub name: &'static str,
    /// The article of the WTO Trade Facilitation Agreement (2014) the measure implements
    /// (`"7.1"`), or `None` for capacity measures and `override`.
    pub article: Option<&'static str>,
    /// One line: what the measure changes.
    pub help: &'static str,
}

/// Collects [`MeasureInfo`]s.
struct Infos(Vec<MeasureInfo>);

impl EachMeasure for Infos {
    fn measure<M: Measure>(&mut self) {
        self.0.push(MeasureInfo {
            name: M::NAME,
            article: M::ARTICLE,
            help: M::HELP,
        });
    }
}

/// Every measure of the reform catalogue, in the order a policy's changes are applied
/// (which is also the order of conflict detection).
pub fn policy_catalogue() -> Vec<MeasureInfo> {
    let mut infos = Infos(Vec::new());
    super::measures::catalogue(&mut infos);
    infos.0
}

/// The section names of the reform catalogue, in application order, separated by `, `
/// (`single_window, one_stop_border_post, …, override`): the list a command's help shows.
pub fn catalogue_help() -> String {
    policy_catalogue()
        .iter()
        .map(|m| m.name)
        .collect::<Vec<_>>()
        .join(", ")
}

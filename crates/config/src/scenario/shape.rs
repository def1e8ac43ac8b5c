//! Phase 2, shape: each table is read on its own into its [`crate::raw`] struct, so a wrong
//! type in one station does not hide a missing field in another.

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::Cx;
use crate::raw::{
    RawClass, RawConfig, RawDirection, RawProgramme, RawScenario, RawSource, RawStation,
};
use crate::spans::{child, index};
use crate::suggest::did_you_mean;

/// One entry of a `[[section]]`: its raw struct if it could be read, and its id either way
/// (so references to it are not reported as unknown).
pub(super) struct Item<T> {
    pub(super) raw: Option<T>,
    pub(super) id: Option<String>,
}

#[derive(Default)]
pub(super) struct Document {
    pub(super) scenario: Option<RawScenario>,
    pub(super) scenario_written: bool,
    pub(super) directions: Vec<Item<RawDirection>>,
    pub(super) programmes: Vec<Item<RawProgramme>>,
    pub(super) classes: Vec<Item<RawClass>>,
    pub(super) stations: Vec<Item<RawStation>>,
    pub(super) sources: Vec<Item<RawSource>>,
    /// Sections written in the wrong form (e.g. `[classes]` instead of `[[classes]]`),
    /// already reported.
    pub(super) malformed: Vec<&'static str>,
}

pub(super) fn read_document(cx: &mut Cx<'_>, root: DeTable<'_>) -> Document {
    let mut doc = Document::default();
    for (key, value) in root {
        let key = key.into_inner();
        match key.as_ref() {
            "scenario" => {
                doc.scenario_written = true;
                // A section written below [scenario] without its own header lands in the
                // scenario table: reported there as misplaced, and not again as missing.
                if let Some(table) = value.get_ref().as_table() {
                    for &section in &RawConfig::SECTIONS[1..] {
                        if table.contains_key(section) {
                            doc.malformed.push(section);
                        }
                    }
                }
                doc.scenario = read(cx, "scenario", value);
            }
            "directions" => match read_array(cx, "directions", value) {
                Some(items) => doc.directions = items,
                None => doc.malformed.push("directions"),
            },
            "programmes" => match read_array(cx, "programmes", value) {
                Some(items) => doc.programmes = items,
                None => doc.malformed.push("programmes"),
            },
            "classes" => match read_array(cx, "classes", value) {
                Some(items) => doc.classes = items,
                None => doc.malformed.push("classes"),
            },
            "stations" => match read_array(cx, "stations", value) {
                Some(items) => doc.stations = items,
                None => doc.malformed.push("stations"),
            },
            "sources" => match read_array(cx, "sources", value) {
                Some(items) => doc.sources = items,
                None => doc.malformed.push("sources"),
            },
            other => {
                const SCENARIO_FIELDS: [&str; 7] = [
                    "name",
                    "horizon",
                    "warmup",
                    "replications",
                    "seed",
                    "start_weekday",
                    "max_in_system",
                ];
                let path = child("", other);
                let message = if SCENARIO_FIELDS.contains(&other) {
                    format!(
                        "`{other}` belongs in the [scenario] table; move it below the \
                         [scenario] header"
                    )
                } else {
                    format!(
                        "unknown section `{other}`{}; a scenario file has {}",
                        did_you_mean(other, RawConfig::SECTIONS),
                        "[scenario], [[directions]], [[programmes]], [[classes]], [[stations]] \
                         and [[sources]]"
                    )
                };
                cx.structure_ok = false;
                cx.error_at_key(&path, message);
            }
        }
    }
    doc
}

pub(super) fn read<'i, T: Deserialize<'i>>(
    cx: &mut Cx<'_>,
    path: &str,
    value: Spanned<DeValue<'i>>,
) -> Option<T> {
    match T::deserialize(ValueDeserializer::from(value)) {
        Ok(t) => Some(t),
        Err(e) => {
            cx.serde_error(path, &e);
            None
        }
    }
}

/// Reads every entry of a `[[section]]`; `None` if the section is not a list of tables.
pub(super) fn read_array<'i, T: Deserialize<'i>>(
    cx: &mut Cx<'_>,
    section: &str,
    value: Spanned<DeValue<'i>>,
) -> Option<Vec<Item<T>>> {
    let DeValue::Array(items) = value.get_ref() else {
        cx.structural(
            section,
            format!(
                "`{section}` must be a list of tables: write each entry under its own \
                 [[{section}]] header (two brackets); found {}",
                a_type(value.get_ref())
            ),
        );
        return None;
    };
    let items = items
        .iter()
        .enumerate()
        .map(|(i, item)| Item {
            id: item
                .get_ref()
                .as_table()
                .and_then(|t| t.get("id"))
                .and_then(|v| v.get_ref().as_str())
                .map(str::to_owned),
            raw: read(cx, &index(section, i), item.clone()),
        })
        .collect();
    Some(items)
}

pub(super) fn a_type(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a single table ([header] with one bracket)",
    }
}

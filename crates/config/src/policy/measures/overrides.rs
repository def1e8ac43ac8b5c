//! `[[override]]`: any parameter of the baseline set by its path, for what the catalogue
//! lacks.

use crate::diagnostic::Collector;
use serde::Deserialize;
use toml::{Table, Value};

use crate::policy::lookup::{entry_mut, ids, suggestion};
use crate::policy::measure::Measure;
use crate::spans::child;
use crate::suggest::did_you_mean;

/// One parameter of the baseline set to a value.
pub(crate) struct Override;

/// One `[[override]]` entry.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOverride {
    /// Dot-separated path into the scenario (`stations.nb-xray.service.mean`); an entry of
    /// an array of tables is named by its `id`.
    pub(crate) path: String,
    /// The value written there, as TOML (any type the field takes).
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Value"))]
    pub(crate) value: Value,
}

impl Measure for Override {
    const NAME: &'static str = "override";
    const ARTICLE: Option<&'static str> = None;
    const HELP: &'static str = "any parameter by its path, for what the catalogue lacks";
    const VALUE_FIELD: Option<&'static str> = Some("value");
    type Raw = RawOverride;

    fn writes(o: &RawOverride, _baseline: &Table) -> Vec<String> {
        vec![o.path.clone()]
    }

    fn apply(o: &RawOverride, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        if let Err(message) = set_path(doc, &o.path, o.value.clone()) {
            cx.error(&child(path, "path"), message);
        }
    }
}

/// Sets `value` at `path` (dot-separated; an entry of an array of tables is named by its
/// `id`). The last key may be new; every step before it must exist.
fn set_path(doc: &mut Table, path: &str, value: Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').collect();
    set_parts(doc, &parts, path, value)
}

fn set_parts(table: &mut Table, parts: &[&str], path: &str, value: Value) -> Result<(), String> {
    match parts {
        [] | [""] => Err("the path is empty".into()),
        [last] => {
            table.insert((*last).to_string(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            if matches!(table.get(*first), Some(Value::Array(_))) {
                let [id, rest @ ..] = rest else {
                    return Err(format!(
                        "`{first}` is a list: name an entry by its id (path `{path}`)"
                    ));
                };
                if rest.is_empty() {
                    return Err(format!(
                        "path `{path}` ends at an entry: name a field of it"
                    ));
                }
                let known = ids(table, first);
                let hint = suggestion(table, first, id);
                let entry = entry_mut(table, first, id).ok_or_else(|| {
                    format!("`{first}` has no entry `{id}`{hint}; its entries: {known}")
                })?;
                set_parts(entry, rest, path, value)
            } else {
                match table.get_mut(*first) {
                    Some(Value::Table(t)) => set_parts(t, rest, path, value),
                    _ => Err(format!(
                        "`{first}` is not in the baseline (path `{path}`){}",
                        did_you_mean(first, table.keys().map(String::as_str))
                    )),
                }
            }
        }
    }
}

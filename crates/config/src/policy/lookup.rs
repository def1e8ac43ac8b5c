//! What every measure needs to find its way in the baseline: lookups of entries by `id`, and the checks shared by measures (shares,
//! factors, named classes and stations).

use toml::{Table, Value};

use crate::diagnostic::Collector;
use crate::spans::index;
use crate::suggest::did_you_mean;

/// The entry of the array `array` of `doc` whose `id` is `id`.
pub(crate) fn entry_mut<'a>(doc: &'a mut Table, array: &str, id: &str) -> Option<&'a mut Table> {
    doc.get_mut(array)?
        .as_array_mut()?
        .iter_mut()
        .filter_map(Value::as_table_mut)
        .find(|t| t.get("id").and_then(Value::as_str) == Some(id))
}

/// The `id`s of the entries of the array `array` of `doc`, in order.
pub(crate) fn id_list(doc: &Table, array: &str) -> Vec<String> {
    doc.get(array)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.get("id").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The `id`s of the entries of `array`, quoted, for messages.
pub(crate) fn ids(doc: &Table, array: &str) -> String {
    id_list(doc, array)
        .iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `" (did you mean `x`?)"` when an entry of `array` is close to the unknown `id`.
pub(crate) fn suggestion(doc: &Table, array: &str, id: &str) -> String {
    let known = id_list(doc, array);
    did_you_mean(id, known.iter().map(String::as_str))
}

/// The entry `id` of the array `array` (whose entries are `kind`s), or an error at `path`
/// naming the ones there are.
pub(crate) fn known_entry<'d>(
    cx: &mut Collector<'_>,
    doc: &'d mut Table,
    (array, kind): (&str, &str),
    id: &str,
    path: &str,
) -> Option<&'d mut Table> {
    if entry_mut(doc, array, id).is_none() {
        cx.error(
            path,
            format!(
                "unknown {kind} `{id}`{}; known {array}: {}",
                suggestion(doc, array, id),
                ids(doc, array)
            ),
        );
        return None;
    }
    entry_mut(doc, array, id)
}

/// The lane group `lanes` of station `station_id` (its table `station`), or the station
/// itself when `lanes` is `None`; an unknown group is an error at `path`.
pub(crate) fn lanes_target<'d>(
    cx: &mut Collector<'_>,
    station: &'d mut Table,
    station_id: &str,
    lanes: Option<&str>,
    path: &str,
) -> Option<&'d mut Table> {
    let Some(group) = lanes else {
        return Some(station);
    };
    if entry_mut(station, "lanes", group).is_none() {
        cx.error(
            path,
            format!(
                "station `{station_id}` has no lane group `{group}`{}; its groups: {}",
                suggestion(station, "lanes", group),
                ids(station, "lanes")
            ),
        );
        return None;
    }
    entry_mut(station, "lanes", group)
}

/// A share in [0, 1]; an error at `path` otherwise.
pub(crate) fn share_ok(cx: &mut Collector<'_>, path: &str, share: f64) -> bool {
    let ok = share.is_finite() && (0.0..=1.0).contains(&share);
    if !ok {
        cx.error(path, format!("a share must be in [0, 1], got {share}"));
    }
    ok
}

/// A positive factor on service times; an error at `path` otherwise.
pub(crate) fn factor_ok(cx: &mut Collector<'_>, path: &str, factor: f64) -> bool {
    let ok = factor.is_finite() && factor > 0.0;
    if !ok {
        cx.error(
            path,
            format!("a service-time factor must be positive, got {factor}"),
        );
    }
    ok
}

/// The stations of a scenario document, for [`known_entry`]: (array, kind of entry).
pub(crate) const STATIONS: (&str, &str) = ("stations", "station");
/// The vehicle classes of a scenario document, for [`known_entry`]: (array, kind of entry).
pub(crate) const CLASSES: (&str, &str) = ("classes", "class");

/// The classes named (all the baseline's when `None`), each checked against the baseline;
/// `None` when some is unknown (each reported at its index under `path`).
pub(crate) fn classes_named(
    cx: &mut Collector<'_>,
    doc: &Table,
    path: &str,
    named: Option<&Vec<String>>,
) -> Option<Vec<String>> {
    let known = id_list(doc, "classes");
    let Some(named) = named else {
        return Some(known);
    };
    let mut ok = true;
    for (i, class) in named.iter().enumerate() {
        if !known.contains(class) {
            cx.error(
                &index(path, i),
                format!(
                    "unknown class `{class}`{}; known classes: {}",
                    suggestion(doc, "classes", class),
                    ids(doc, "classes")
                ),
            );
            ok = false;
        }
    }
    ok.then(|| named.clone())
}

/// Whether the baseline has station `id`; an error at `path` otherwise.
pub(crate) fn station_exists(
    cx: &mut Collector<'_>,
    doc: &mut Table,
    path: &str,
    id: &str,
) -> bool {
    known_entry(cx, doc, STATIONS, id, path).is_some()
}

//! `[[pre_arrival_processing]]` — WTO TFA Art. 7.1: shipments whose declaration is lodged
//! before arrival, so that customs processes it before the vehicle reaches the border.

use crate::diagnostic::Collector;
use std::collections::BTreeMap;

use serde::Deserialize;
use toml::{Table, Value};

use crate::policy::lookup::{
    classes_named, entry_mut, factor_ok, id_list, ids, share_ok, station_exists, suggestion,
};
use crate::policy::measure::Measure;
use crate::spans::{child, index};
use crate::suggest::list;

/// A share of shipments lodged in advance skip or shorten the stations named; green ones
/// can be released on arrival.
pub(crate) struct PreArrivalProcessing;

/// One `[[pre_arrival_processing]]` entry.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPreArrival {
    /// Share of shipments lodged before arrival.
    pub(crate) share: f64,
    /// The classes concerned; default every class.
    #[serde(default)]
    pub(crate) classes: Option<Vec<String>>,
    /// Stations a pre-lodged vehicle passes without stopping.
    #[serde(default)]
    pub(crate) skip: Vec<String>,
    /// Station id → factor on a pre-lodged vehicle's service time there.
    #[serde(default)]
    pub(crate) service_factor: BTreeMap<String, f64>,
    /// Pre-lodged green shipments are released on arrival; default true.
    #[cfg_attr(feature = "schema", schemars(extend("default" = true)))]
    #[serde(default)]
    pub(crate) release_on_arrival: Option<bool>,
    /// The directions whose vehicles may be lodged in advance (a rule of one country's
    /// customs, such as the U.S. e-manifest for northbound trucks); default every direction.
    #[serde(default)]
    pub(crate) directions: Option<Vec<String>>,
}

impl Measure for PreArrivalProcessing {
    const NAME: &'static str = "pre_arrival_processing";
    const ARTICLE: Option<&'static str> = Some("7.1");
    const HELP: &'static str = "a share of shipments lodged in advance skip or shorten the document stage; green ones can be released on arrival";
    type Raw = RawPreArrival;

    fn writes(p: &RawPreArrival, baseline: &Table) -> Vec<String> {
        let classes = p
            .classes
            .clone()
            .unwrap_or_else(|| id_list(baseline, "classes"));
        let mut targets: Vec<String> = classes
            .iter()
            .flat_map(|c| {
                [
                    format!("classes.{c}.pre_lodged_share"),
                    format!("classes.{c}.pre_lodged_release_on_arrival"),
                    format!("classes.{c}.pre_lodged_directions"),
                ]
            })
            .collect();
        for s in p.skip.iter().chain(p.service_factor.keys()) {
            targets.push(format!("stations.{s}.pre_lodged"));
        }
        targets
    }

    /// `[[pre_arrival_processing]]`: a share of shipments lodged in advance skip or shorten
    /// the stations named.
    fn apply(p: &RawPreArrival, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        // Every problem of the entry is reported, not only the first.
        let mut ok = share_ok(cx, &child(path, "share"), p.share);
        let classes = classes_named(cx, doc, &child(path, "classes"), p.classes.as_ref());
        ok &= classes.is_some();
        let directions =
            directions_named(cx, doc, &child(path, "directions"), p.directions.as_ref());
        ok &= directions.is_some();
        if p.skip.is_empty() && p.service_factor.is_empty() && p.release_on_arrival == Some(false) {
            cx.error(
                path,
                "this changes nothing: name stations to `skip` or a `service_factor` for pre-lodged \
                 vehicles, or let them be released on arrival",
            );
            ok = false;
        }
        // Stations are checked against the directions named even when one is misspelt.
        let limited = p.directions.clone().filter(|d| !d.is_empty());
        for (i, station) in p.skip.iter().enumerate() {
            let at = index(&child(path, "skip"), i);
            ok &= station_exists(cx, doc, &at, station)
                && in_directions(cx, doc, &at, station, limited.as_deref());
            if p.service_factor.contains_key(station) {
                cx.error(
                    &at,
                    format!("station `{station}` is both skipped and given a service_factor"),
                );
                ok = false;
            }
        }
        for (station, &factor) in &p.service_factor {
            let at = child(&child(path, "service_factor"), station);
            ok &= station_exists(cx, doc, &at, station)
                && in_directions(cx, doc, &at, station, limited.as_deref())
                && factor_ok(cx, &at, factor);
        }
        let (Some(classes), Some(limited)) = (classes.filter(|_| ok), directions) else {
            return;
        };
        for class in &classes {
            if let Some(t) = entry_mut(doc, "classes", class) {
                t.insert("pre_lodged_share".into(), Value::Float(p.share));
                t.insert(
                    "pre_lodged_release_on_arrival".into(),
                    Value::Boolean(p.release_on_arrival.unwrap_or(true)),
                );
                if let Some(directions) = &limited {
                    t.insert(
                        "pre_lodged_directions".into(),
                        Value::Array(directions.iter().cloned().map(Value::String).collect()),
                    );
                }
            }
        }
        for station in &p.skip {
            if let Some(t) = entry_mut(doc, "stations", station) {
                t.insert("pre_lodged".into(), Value::String("skip".into()));
            }
        }
        for (station, &factor) in &p.service_factor {
            if let Some(t) = entry_mut(doc, "stations", station) {
                t.insert("pre_lodged".into(), Value::Float(factor));
            }
        }
    }
}

/// The directions named (`None` inside: every direction), each checked against the
/// baseline's `[[directions]]`; `None` when some is unknown (each reported at its index
/// under `path`) or the list is empty.
fn directions_named(
    cx: &mut Collector<'_>,
    doc: &Table,
    path: &str,
    named: Option<&Vec<String>>,
) -> Option<Option<Vec<String>>> {
    let Some(named) = named else {
        return Some(None);
    };
    let known = id_list(doc, "directions");
    if named.is_empty() {
        cx.error(
            path,
            format!(
                "name at least one direction, or leave `directions` out for every direction \
                 (the baseline's: {})",
                ids(doc, "directions")
            ),
        );
        return None;
    }
    let mut ok = true;
    for (i, direction) in named.iter().enumerate() {
        if !known.contains(direction) {
            let declared = if known.is_empty() {
                "the baseline declares no [[directions]]".to_owned()
            } else {
                format!("known directions: {}", ids(doc, "directions"))
            };
            cx.error(
                &index(path, i),
                format!(
                    "unknown direction `{direction}`{}; {declared}",
                    suggestion(doc, "directions", direction)
                ),
            );
            ok = false;
        }
    }
    ok.then(|| Some(named.clone()))
}

/// Whether station `id` serves one of `directions` (`None`: any); an error at `path`
/// otherwise. A station with no `direction` serves every direction.
fn in_directions(
    cx: &mut Collector<'_>,
    doc: &mut Table,
    path: &str,
    id: &str,
    directions: Option<&[String]>,
) -> bool {
    let Some(directions) = directions else {
        return true;
    };
    let served = entry_mut(doc, "stations", id).and_then(|t| {
        t.get("direction")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    match served {
        Some(d) if !directions.contains(&d) => {
            cx.error(
                path,
                format!(
                    "station `{id}` serves direction `{d}`, but this change is limited to {}",
                    list(directions.iter().map(String::as_str))
                ),
            );
            false
        }
        _ => true,
    }
}

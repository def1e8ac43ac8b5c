//! `[[pre_arrival_processing]]` — WTO TFA Art. 7.1: shipments whose declaration is lodged
//! before arrival, so that customs processes it before the vehicle reaches the border.

use crate::diagnostic::Collector;
use std::collections::BTreeMap;

use serde::Deserialize;
use toml::{Table, Value};

use crate::policy::lookup::{
    classes_named, entry_mut, factor_ok, id_list, share_ok, station_exists,
};
use crate::policy::measure::Measure;
use crate::spans::{child, index};

/// A share of shipments lodged in advance skip or shorten the stations named; green ones
/// can be released on arrival.
pub(crate) struct PreArrivalProcessing;

/// One `[[pre_arrival_processing]]` entry.
#[derive(Debug, Deserialize)]
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
    /// Stations where a pre-lodged vehicle's service time is multiplied by a factor.
    #[serde(default)]
    pub(crate) service_factor: BTreeMap<String, f64>,
    /// Pre-lodged green shipments are released on arrival; default true.
    #[serde(default)]
    pub(crate) release_on_arrival: Option<bool>,
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
            .map(|c| format!("classes.{c}.pre_lodged_share"))
            .collect();
        for s in p.skip.iter().chain(p.service_factor.keys()) {
            targets.push(format!("stations.{s}.pre_lodged"));
        }
        targets
    }

    /// `[[pre_arrival_processing]]`: a share of shipments lodged in advance skip or shorten
    /// the stations named.
    fn apply(p: &RawPreArrival, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        if !share_ok(cx, &child(path, "share"), p.share) {
            return;
        }
        let Some(classes) = classes_named(cx, doc, &child(path, "classes"), p.classes.as_ref())
        else {
            return;
        };
        if p.skip.is_empty() && p.service_factor.is_empty() && p.release_on_arrival == Some(false) {
            cx.error(
                path,
                "this changes nothing: name stations to `skip` or a `service_factor` for pre-lodged \
                 vehicles, or let them be released on arrival",
            );
            return;
        }
        let mut ok = true;
        for (i, station) in p.skip.iter().enumerate() {
            ok &= station_exists(cx, doc, &index(&child(path, "skip"), i), station);
            if p.service_factor.contains_key(station) {
                cx.error(
                    &index(&child(path, "skip"), i),
                    format!("station `{station}` is both skipped and given a service_factor"),
                );
                ok = false;
            }
        }
        for (station, &factor) in &p.service_factor {
            let at = child(&child(path, "service_factor"), station);
            ok &= station_exists(cx, doc, &at, station) && factor_ok(cx, &at, factor);
        }
        if !ok {
            return;
        }
        for class in &classes {
            if let Some(t) = entry_mut(doc, "classes", class) {
                t.insert("pre_lodged_share".into(), Value::Float(p.share));
                t.insert(
                    "pre_lodged_release_on_arrival".into(),
                    Value::Boolean(p.release_on_arrival.unwrap_or(true)),
                );
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

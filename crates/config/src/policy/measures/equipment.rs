//! `[[equipment]]`: more or faster scanners (e.g. drive-through non-intrusive inspection).

use crate::diagnostic::Collector;
use serde::Deserialize;
use toml::{Table, Value};

use super::staffing::{RawStaffing, add_servers};
use crate::policy::lookup::{STATIONS, entry_mut, factor_ok, known_entry};
use crate::policy::measure::Measure;
use crate::spans::child;
use crate::units::{format_duration, parse_duration};

/// Servers added at a station, as [`Staffing`](super::staffing::Staffing) adds them, and
/// every service time of the station scaled.
pub(crate) struct Equipment;

/// One `[[equipment]]` entry.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEquipment {
    /// The station's `id`.
    pub(crate) station: String,
    /// Servers added; default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0)))]
    #[serde(default)]
    pub(crate) add: Option<i64>,
    /// Factor (> 0) on every service time of the station; default 1.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1.0)))]
    #[serde(default)]
    pub(crate) service_factor: Option<f64>,
}

impl Measure for Equipment {
    const NAME: &'static str = "equipment";
    const ARTICLE: Option<&'static str> = None;
    const HELP: &'static str = "more or faster scanners";
    type Raw = RawEquipment;

    fn writes(e: &RawEquipment, _baseline: &Table) -> Vec<String> {
        let mut targets = Vec::new();
        if e.add.is_some() {
            targets.push(format!("stations.{}.servers", e.station));
        }
        if e.service_factor.is_some() {
            targets.push(format!("stations.{}.service", e.station));
        }
        targets
    }

    fn apply(e: &RawEquipment, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        if e.add.is_some() {
            let as_staffing = RawStaffing {
                station: e.station.clone(),
                lanes: None,
                add: e.add,
                all_day: None,
            };
            add_servers(cx, doc, path, &as_staffing);
        }
        let Some(factor) = e.service_factor else {
            return;
        };
        if !factor_ok(cx, &child(path, "service_factor"), factor) {
            return;
        }
        // With `add`, staffing has already said if the station is unknown.
        if e.add.is_some() && entry_mut(doc, "stations", &e.station).is_none() {
            return;
        }
        let Some(station) = known_entry(cx, doc, STATIONS, &e.station, &child(path, "station"))
        else {
            return;
        };
        let mut scaled = 0;
        for key in ["service", "service_by_class", "service_by_programme"] {
            match station.get_mut(key) {
                Some(Value::Table(t)) if key == "service" => scaled += scale_service(t, factor),
                Some(Value::Table(by)) => {
                    for (_, spec) in by.iter_mut() {
                        if let Value::Table(t) = spec {
                            scaled += scale_service(t, factor);
                        }
                    }
                }
                _ => {}
            }
        }
        if scaled == 0 {
            cx.error(
                &child(path, "service_factor"),
                format!("station `{}` has no service time to scale", e.station),
            );
        }
    }
}

/// `ms` written as a duration that reads back as exactly `ms`: in a readable unit when
/// that is exact (`"30s"`), else in milliseconds with every decimal kept (`"93324ms"`,
/// `"0.5ms"`), never rounded on the way. A time finer than the clock's whole milliseconds is
/// then refused by the changed scenario's validation, at this measure's `service_factor`,
/// not silently rounded.
fn exact_duration(ms: f64) -> String {
    let readable = format_duration(ms);
    if parse_duration(&readable).is_ok_and(|back| (back - ms).abs() <= 1e-9 * ms.abs().max(1.0)) {
        return readable;
    }
    let text = format!("{ms}");
    format!("{text}ms")
}

/// Multiplies every duration parameter of a service-time table by `factor` (the cv, a
/// ratio, stays); returns how many it changed.
fn scale_service(service: &mut Table, factor: f64) -> usize {
    if service.get("dist").and_then(Value::as_str) == Some("sum") {
        let scale = match service.get("scale") {
            Some(Value::Float(f)) => *f,
            Some(Value::Integer(n)) => *n as f64,
            _ => 1.0,
        };
        service.insert("scale".into(), Value::Float(scale * factor));
        return 1;
    }
    let mut changed = 0;
    for key in ["mean", "value", "min", "mode", "max"] {
        if let Some(Value::String(s)) = service.get(key)
            && let Ok(ms) = parse_duration(s)
        {
            service.insert(key.into(), Value::String(exact_duration(ms * factor)));
            changed += 1;
        }
    }
    if let Some(Value::Array(values)) = service.get("values") {
        let scaled: Vec<Value> = values
            .iter()
            .map(|v| match v.as_str().and_then(|s| parse_duration(s).ok()) {
                Some(ms) => Value::String(exact_duration(ms * factor)),
                None => v.clone(),
            })
            .collect();
        changed += scaled.len();
        service.insert("values".into(), Value::Array(scaled));
    }
    changed
}

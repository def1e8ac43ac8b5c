//! `[[staffing]]`: lanes added, hours extended, 24-hour operation.

use crate::diagnostic::Collector;
use serde::Deserialize;
use toml::{Table, Value};

use crate::policy::lookup::{STATIONS, known_entry, lanes_target};
use crate::policy::measure::Measure;
use crate::spans::child;

/// More servers at a station or one of its lane groups, or its busiest hour's count all day.
pub(crate) struct Staffing;

/// One `[[staffing]]` entry.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStaffing {
    /// The station's `id`.
    pub(crate) station: String,
    /// A lane group of the station; omitted, the station's own servers.
    #[serde(default)]
    pub(crate) lanes: Option<String>,
    /// Servers added in every hour that has any open; default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0)))]
    #[serde(default)]
    pub(crate) add: Option<i64>,
    /// With `servers_by_hour`: the day's busiest count at every hour, plus `add`; default
    /// false.
    #[cfg_attr(feature = "schema", schemars(extend("default" = false)))]
    #[serde(default)]
    pub(crate) all_day: Option<bool>,
}

impl Measure for Staffing {
    const NAME: &'static str = "staffing";
    const ARTICLE: Option<&'static str> = None;
    const HELP: &'static str = "lanes added, hours extended, 24-hour operation";
    type Raw = RawStaffing;

    fn writes(s: &RawStaffing, _baseline: &Table) -> Vec<String> {
        vec![match &s.lanes {
            Some(g) => format!("stations.{}.lanes.{g}.servers", s.station),
            None => format!("stations.{}.servers", s.station),
        }]
    }

    fn apply(s: &RawStaffing, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        add_servers(cx, doc, path, s);
    }
}

/// Adds `s.add` servers (or opens the busiest hour's count all day) at the station or lane
/// group `s` names; [`Equipment`](super::equipment::Equipment) adds scanners the same way.
pub(super) fn add_servers(cx: &mut Collector<'_>, doc: &mut Table, path: &str, s: &RawStaffing) {
    // Checked before the names, so that both problems are reported at once.
    let add = s.add.unwrap_or(0);
    if add < 0 {
        cx.error(
            &child(path, "add"),
            format!("add must not be negative, got {add}; to close lanes, use [[override]]"),
        );
    }
    let Some(station) = known_entry(cx, doc, STATIONS, &s.station, &child(path, "station")) else {
        return;
    };
    let Some(target) = lanes_target(
        cx,
        station,
        &s.station,
        s.lanes.as_deref(),
        &child(path, "lanes"),
    ) else {
        return;
    };
    if add < 0 {
        return;
    }
    let all_day = s.all_day.unwrap_or(false);
    let bump = |n: i64| if n > 0 { n + add } else { n };
    if let Some(Value::Integer(n)) = target.get("servers").cloned() {
        target.insert("servers".into(), Value::Integer(n + add));
    } else if let Some(Value::Array(hours)) = target.get("servers_by_hour").cloned() {
        let hours: Vec<i64> = hours.iter().filter_map(Value::as_integer).collect();
        let peak = hours.iter().copied().max().unwrap_or(0);
        let changed: Vec<Value> = hours
            .iter()
            .map(|&n| Value::Integer(if all_day { peak + add } else { bump(n) }))
            .collect();
        target.insert("servers_by_hour".into(), Value::Array(changed));
    } else {
        cx.error(
            path,
            "the target has neither `servers` nor `servers_by_hour` to change (per-day \
             schedules and lane groups: name the group with `lanes`, or use [[override]])",
        );
    }
}

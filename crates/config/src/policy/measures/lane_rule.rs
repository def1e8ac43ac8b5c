//! `[[lane_rule]]`: lanes of a station or lane group opened and closed when the wait leaves
//! a band (as SANDAG plans for Otay Mesa East).

use crate::diagnostic::Collector;
use serde::Deserialize;
use toml::{Table, Value};

use crate::policy::lookup::{entry_mut, ids, lanes_target, station_exists};
use crate::policy::measure::Measure;
use crate::spans::child;
use crate::units::parse_duration;

/// A lane rule on a station's own servers or one of its lane groups.
pub(crate) struct LaneRule;

/// One `[[lane_rule]]` entry.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLaneRulePolicy {
    /// The station's `id`.
    pub(crate) station: String,
    /// A lane group; omit for the station's own servers.
    #[serde(default)]
    pub(crate) lanes: Option<String>,
    /// A lane closes at a review when the median wait is below this (a duration, e.g.
    /// `"5min"`).
    #[cfg_attr(feature = "schema", schemars(with = "crate::raw::RawDuration"))]
    pub(crate) min_wait: String,
    /// A lane opens at a review when the median wait is above this (a duration).
    #[cfg_attr(feature = "schema", schemars(with = "crate::raw::RawDuration"))]
    pub(crate) max_wait: String,
    /// Fewest lanes open; default 1.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1)))]
    #[serde(default)]
    pub(crate) min_lanes: Option<i64>,
    /// Most lanes open.
    pub(crate) max_lanes: i64,
    /// Time between reviews (a duration); default `"15min"`.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::raw::RawDuration>", extend("default" = "15min"))
    )]
    #[serde(default)]
    pub(crate) review: Option<String>,
    /// Lanes open at the start; default the most the baseline opens, within the bounds.
    #[serde(default)]
    pub(crate) start: Option<i64>,
}

impl Measure for LaneRule {
    const NAME: &'static str = "lane_rule";
    const ARTICLE: Option<&'static str> = None;
    const HELP: &'static str =
        "lanes opened and closed when the wait leaves a band (SANDAG Otay Mesa East)";
    type Raw = RawLaneRulePolicy;

    fn writes(r: &RawLaneRulePolicy, _baseline: &Table) -> Vec<String> {
        let owner = match &r.lanes {
            Some(g) => format!("stations.{}.lanes.{g}", r.station),
            None => format!("stations.{}", r.station),
        };
        vec![format!("{owner}.servers"), format!("{owner}.lane_rule")]
    }

    /// `[[lane_rule]]`: lanes of a station or lane group opened and closed by the wait.
    fn apply(r: &RawLaneRulePolicy, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        let mut ok = true;
        for (field, value) in [
            ("min_wait", Some(&r.min_wait)),
            ("max_wait", Some(&r.max_wait)),
            ("review", r.review.as_ref()),
        ] {
            if let Some(v) = value
                && let Err(e) = parse_duration(v)
            {
                cx.error(&child(path, field), e);
                ok = false;
            }
        }
        let min_lanes = r.min_lanes.unwrap_or(1);
        if min_lanes < 0 || r.max_lanes < 1 || min_lanes > r.max_lanes {
            cx.error(
                &child(path, "max_lanes"),
                format!(
                    "need 0 <= min_lanes <= max_lanes and max_lanes >= 1, got {min_lanes} and {}",
                    r.max_lanes
                ),
            );
            ok = false;
        }
        if let (Ok(lo), Ok(hi)) = (parse_duration(&r.min_wait), parse_duration(&r.max_wait))
            && lo > hi
        {
            cx.error(
                &child(path, "min_wait"),
                "min_wait must not exceed max_wait: lanes close below min_wait and open above max_wait",
            );
            ok = false;
        }
        // The station is checked even when a field is wrong, so every problem is reported.
        if !station_exists(cx, doc, &child(path, "station"), &r.station) || !ok {
            return;
        }
        let station = entry_mut(doc, "stations", &r.station).expect("checked above");
        if r.lanes.is_none() && station.contains_key("lanes") {
            cx.error(
                &child(path, "lanes"),
                format!(
                    "station `{}` has lane groups ({}): name the one the rule opens and closes",
                    r.station,
                    ids(station, "lanes")
                ),
            );
            return;
        }
        let Some(target) = lanes_target(
            cx,
            station,
            &r.station,
            r.lanes.as_deref(),
            &child(path, "lanes"),
        ) else {
            return;
        };
        // The baseline's most lanes open, as the default start.
        let baseline_peak = match (target.get("servers"), target.get("servers_by_hour")) {
            (Some(Value::Integer(n)), _) => *n,
            (_, Some(Value::Array(h))) => h.iter().filter_map(Value::as_integer).max().unwrap_or(1),
            _ => 1,
        };
        let start = r
            .start
            .unwrap_or(baseline_peak)
            .clamp(min_lanes.max(1), r.max_lanes);
        if let Some(s) = r.start
            && !(min_lanes..=r.max_lanes).contains(&s)
        {
            cx.error(
                &child(path, "start"),
                format!(
                    "the lanes open at the start ({s}) must be within min_lanes ({min_lanes}) and \
                     max_lanes ({})",
                    r.max_lanes
                ),
            );
            return;
        }
        for key in ["servers_by_hour", "servers_by_day"] {
            target.remove(key);
        }
        target.insert("servers".into(), Value::Integer(r.start.unwrap_or(start)));
        let mut rule = Table::new();
        rule.insert("min_wait".into(), Value::String(r.min_wait.clone()));
        rule.insert("max_wait".into(), Value::String(r.max_wait.clone()));
        rule.insert("min_lanes".into(), Value::Integer(min_lanes));
        rule.insert("max_lanes".into(), Value::Integer(r.max_lanes));
        if let Some(review) = &r.review {
            rule.insert("review".into(), Value::String(review.clone()));
        }
        target.insert("lane_rule".into(), Value::Table(rule));
    }
}

//! `[[stations]]` as written: servers, lane groups, schedules, service-time distributions
//! and routes.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::ChannelName;
use super::RawDuration;
use super::quantity::{Quantity, QuantityVisitor};

/// `[[stations]]`: a queue with servers, given as `servers`, `servers_by_hour` or lane
/// groups (exactly one of the three).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawStation {
    /// Unique among stations; `"exit"` is reserved.
    pub id: String,
    /// The direction of the vehicles it serves; required when more than one is declared.
    pub direction: Option<String>,
    /// One lane group serving everyone, always this many open (at least 1).
    // Signed so that a negative value gets a clear message.
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 1)))]
    pub servers: Option<i64>,
    /// One lane group serving everyone, open servers for each hour of the day (24 values).
    pub servers_by_hour: Option<Vec<i64>>,
    /// Per-day overrides of `servers` / `servers_by_hour` (24 values per day).
    pub servers_by_day: Option<RawDays>,
    /// Lane groups, each serving some classes / programmes on its own schedule.
    pub lanes: Option<Vec<RawLaneGroup>>,
    /// Free text, for readers of the file only.
    pub description: Option<String>,
    /// Service time for every class that has no entry in `service_by_class`.
    pub service: Option<RawService>,
    /// Service time per class id, overriding `service`.
    #[serde(default)]
    pub service_by_class: BTreeMap<String, RawService>,
    /// Service time per programme id (whatever the class), overriding `service` and
    /// `service_by_class`.
    #[serde(default)]
    pub service_by_programme: BTreeMap<String, RawService>,
    /// Where vehicles go next; none means straight to the exit.
    #[serde(default)]
    pub routes: Vec<RawRoute>,
    /// The end of service here releases the goods (Time Release Study "release").
    #[cfg_attr(feature = "schema", schemars(extend("default" = false)))]
    pub releases: Option<bool>,
    /// The queue holds at most this many vehicles (give this or `queue_length`).
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 0)))]
    pub queue_capacity: Option<i64>,
    /// The queue holds this much road (`"2.5km"`, `"800m"`), each vehicle taking its
    /// class's `length_m`.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_export::Length>")
    )]
    pub queue_length: Option<String>,
    /// What an arrival does when the queue is full; default `spillback`.
    #[cfg_attr(feature = "schema", schemars(extend("default" = "spillback")))]
    pub when_full: Option<WhenFullKind>,
    /// What vehicles whose declaration was lodged before arrival do here: `"skip"` (pass
    /// without stopping) or a factor on their service time; default the same as others.
    pub pre_lodged: Option<RawPreLodged>,
    /// Opens and closes the station's lanes by the wait (with `servers` only; lane groups
    /// carry their own).
    pub lane_rule: Option<RawLaneRule>,
    /// This control's work is done at that station (single window, one-stop border post):
    /// vehicles pass here without stopping.
    pub merged_into: Option<String>,
    /// Cost of one staffed lane-hour (officers' pay and overheads), money, at most
    /// 1,000,000,000; default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0, "maximum" = 1e9)))]
    pub staff_cost_per_lane_h: Option<f64>,
    /// At a station others are merged into: factor on the combined service time; default 1.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1.0)))]
    #[cfg_attr(feature = "schema", schemars(extend("exclusiveMinimum" = 0)))]
    pub joint_service_factor: Option<f64>,
    /// Factor on the service time of each programme's vehicles (by programme id); 1 for a
    /// programme not listed.
    #[serde(default)]
    pub service_factor_by_programme: BTreeMap<String, f64>,
    /// Factor on the service time of vehicles starting service in each hour of the day (24
    /// positive values, midnight first); multiplies a lane group's own; default 1 in every
    /// hour.
    pub service_factor_by_hour: Option<Vec<f64>>,
    /// Vehicles standing in the queue at time zero; default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0)))]
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 0)))]
    pub initial_queue: Option<i64>,
    /// The class of the vehicles standing at time zero; default the mix of the sources
    /// entering here, by their mean rates.
    pub initial_queue_class: Option<String>,
}

/// `lane_rule`: lanes opened and closed when the wait leaves a band.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawLaneRule {
    /// Below this median wait a lane closes.
    pub min_wait: RawDuration,
    /// Above this median wait a lane opens.
    pub max_wait: RawDuration,
    /// Default 1.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1)))]
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 0)))]
    pub min_lanes: Option<i64>,
    /// The most lanes the rule may open.
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 1)))]
    pub max_lanes: i64,
    /// How often the wait is reviewed; default 15 min.
    #[cfg_attr(feature = "schema", schemars(extend("default" = "15min")))]
    pub review: Option<RawDuration>,
}

/// `pre_lodged` as written: a word (`"skip"`) or a number (a factor); validated later.
#[derive(Clone, Debug, PartialEq)]
pub enum RawPreLodged {
    /// A treatment by name: `"skip"` (the station is passed without service).
    Word(String),
    /// A factor on the service time, in [0, 1].
    Factor(f64),
}

impl<'de> Deserialize<'de> for RawPreLodged {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let q = d.deserialize_any(QuantityVisitor(
            "\"skip\" or a factor on the service time, like 0.5",
        ))?;
        Ok(match q {
            Quantity::Text(s) => RawPreLodged::Word(s),
            Quantity::Number(n) => RawPreLodged::Factor(n),
        })
    }
}

/// `[[stations.lanes]]`: servers sharing a schedule and serving the same vehicles.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawLaneGroup {
    /// Unique within the station.
    pub id: String,
    /// Free text, for readers of the file only.
    pub description: Option<String>,
    /// The vehicles these lanes serve; omitted, everyone.
    pub serves: Option<RawLaneFilter>,
    /// Whether an idle lane takes other traffic when none of its own waits; default false.
    #[cfg_attr(feature = "schema", schemars(extend("default" = false)))]
    pub share_when_idle: Option<bool>,
    /// Always this many open (give this or `servers_by_hour`).
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 1)))]
    pub servers: Option<i64>,
    /// Open servers for each hour of the day (24 values).
    pub servers_by_hour: Option<Vec<i64>>,
    /// Per-day overrides (24 values per day).
    pub servers_by_day: Option<RawDays>,
    /// Opens and closes this group's lanes by the wait; `servers` is then the count open at
    /// the start.
    pub lane_rule: Option<RawLaneRule>,
    /// The group's own approach (a dedicated lane to its booths) holds at most this many
    /// waiting vehicles (give this or `queue_length`); omitted, its vehicles queue in the
    /// station's storage.
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 0)))]
    pub queue_capacity: Option<i64>,
    /// The group's own approach is this much road (`"500m"`).
    pub queue_length: Option<String>,
    /// What a vehicle finding the group's own approach full does; default `spillback`.
    #[cfg_attr(feature = "schema", schemars(extend("default" = "spillback")))]
    pub when_full: Option<WhenFullKind>,
    /// Cost of one staffed lane-hour of this group, money, at most 1,000,000,000; default
    /// the station's.
    #[cfg_attr(feature = "schema", schemars(extend("maximum" = 1e9)))]
    pub staff_cost_per_lane_h: Option<f64>,
    /// Factor on the service time of vehicles this group starts serving in each hour of the
    /// day (24 positive values); multiplies the station's; default 1 in every hour.
    pub service_factor_by_hour: Option<Vec<f64>>,
    /// Vehicles this group serves standing in the queue at time zero; default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0)))]
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 0)))]
    pub initial_queue: Option<i64>,
    /// Their class; default the mix of the sources entering at the station, restricted
    /// to the vehicles this group serves.
    pub initial_queue_class: Option<String>,
}

/// Which vehicles a lane group serves (lanes ignore the risk channel).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawLaneFilter {
    /// One class id served …
    pub class: Option<String>,
    /// … or several; neither: every class.
    pub classes: Option<Vec<String>>,
    /// One programme id served …
    pub programme: Option<String>,
    /// … or several; neither: every programme.
    pub programmes: Option<Vec<String>>,
}

/// 24 hourly values for some days of the week.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawDays {
    /// Servers open on Mondays, 24 values, one per hour from midnight (the first for
    /// 00:00-01:00); a day left out keeps `servers_by_hour` (or `servers`).
    pub mon: Option<Vec<i64>>,
    /// Servers open on Tuesdays, 24 values, one per hour from midnight (the first for
    /// 00:00-01:00); a day left out keeps `servers_by_hour` (or `servers`).
    pub tue: Option<Vec<i64>>,
    /// Servers open on Wednesdays, 24 values, one per hour from midnight (the first for
    /// 00:00-01:00); a day left out keeps `servers_by_hour` (or `servers`).
    pub wed: Option<Vec<i64>>,
    /// Servers open on Thursdays, 24 values, one per hour from midnight (the first for
    /// 00:00-01:00); a day left out keeps `servers_by_hour` (or `servers`).
    pub thu: Option<Vec<i64>>,
    /// Servers open on Fridays, 24 values, one per hour from midnight (the first for
    /// 00:00-01:00); a day left out keeps `servers_by_hour` (or `servers`).
    pub fri: Option<Vec<i64>>,
    /// Servers open on Saturdays, 24 values, one per hour from midnight (the first for
    /// 00:00-01:00); a day left out keeps `servers_by_hour` (or `servers`).
    pub sat: Option<Vec<i64>>,
    /// Servers open on Sundays, 24 values, one per hour from midnight (the first for
    /// 00:00-01:00); a day left out keeps `servers_by_hour` (or `servers`).
    pub sun: Option<Vec<i64>>,
}

impl RawDays {
    /// The field names, Monday first.
    pub const NAMES: [&'static str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// Monday first.
    pub fn days(&self) -> [Option<&Vec<i64>>; 7] {
        [
            self.mon.as_ref(),
            self.tue.as_ref(),
            self.wed.as_ref(),
            self.thu.as_ref(),
            self.fri.as_ref(),
            self.sat.as_ref(),
            self.sun.as_ref(),
        ]
    }
}

/// What an arrival does when a station's queue is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum WhenFullKind {
    /// Wait upstream, outside the facility (counted).
    Spillback,
    /// Leave unserved (lost, counted).
    Balk,
    /// Stay in the lane of the station it comes from until there is room (blocking after
    /// service); from the road, wait there.
    Block,
}

/// A service-time distribution: `dist` names it, the other fields are its parameters
/// (exponential: `mean`; deterministic: `value`; uniform: `min`, `max`; triangular: `min`,
/// `mode`, `max`; lognormal and gamma: `mean`, `cv`; empirical: `values`; sum: `parts` and
/// optionally `scale`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Which distribution.
    pub dist: DistKind,
    /// Mean duration (`exponential`, `lognormal`, `gamma`).
    pub mean: Option<RawDuration>,
    /// Coefficient of variation (standard deviation / mean), a plain number.
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 0)))]
    pub cv: Option<f64>,
    /// The one duration (`deterministic`).
    pub value: Option<RawDuration>,
    /// Shortest duration (`uniform`, `triangular`).
    pub min: Option<RawDuration>,
    /// Most likely duration (`triangular`).
    pub mode: Option<RawDuration>,
    /// Longest duration (`uniform`, `triangular`).
    pub max: Option<RawDuration>,
    /// Observed durations, each drawn with equal probability (`empirical`).
    // At most 100,000: refused at the first value past it, before the rest is read.
    #[serde(default, deserialize_with = "empirical_values")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<RawDuration>>"))]
    pub values: Option<Vec<RawDuration>>,
    /// `sum`: the distributions whose independent draws are added.
    pub parts: Option<Vec<RawService>>,
    /// `sum`: a positive factor on the total (default 1).
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1.0)))]
    #[cfg_attr(feature = "schema", schemars(extend("exclusiveMinimum" = 0)))]
    pub scale: Option<f64>,
}

impl RawService {
    /// The parameters written in this table, by name, in schema order.
    pub fn given_parameters(&self) -> Vec<&'static str> {
        let mut given = Vec::new();
        let mut add = |name, present: bool| {
            if present {
                given.push(name);
            }
        };
        add("mean", self.mean.is_some());
        add("cv", self.cv.is_some());
        add("value", self.value.is_some());
        add("min", self.min.is_some());
        add("mode", self.mode.is_some());
        add("max", self.max.is_some());
        add("values", self.values.is_some());
        add("parts", self.parts.is_some());
        add("scale", self.scale.is_some());
        given
    }
}

/// Which service-time distribution (`dist`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum DistKind {
    /// Exponential: `mean`.
    Exponential,
    /// Always the same: `value`.
    Deterministic,
    /// Uniform between `min` and `max`.
    Uniform,
    /// Triangular: `min`, `mode`, `max`.
    Triangular,
    /// Lognormal: `mean` and `cv`.
    Lognormal,
    /// Gamma: `mean` and `cv`.
    Gamma,
    /// Resampled from observed `values`.
    Empirical,
    /// The sum of independent `parts`, times `scale`.
    Sum,
}

impl DistKind {
    /// Every distribution, in the order messages list them.
    pub const ALL: [DistKind; 8] = [
        DistKind::Exponential,
        DistKind::Deterministic,
        DistKind::Uniform,
        DistKind::Triangular,
        DistKind::Lognormal,
        DistKind::Gamma,
        DistKind::Empirical,
        DistKind::Sum,
    ];

    /// The name written in configs.
    pub fn name(self) -> &'static str {
        match self {
            DistKind::Exponential => "exponential",
            DistKind::Deterministic => "deterministic",
            DistKind::Uniform => "uniform",
            DistKind::Triangular => "triangular",
            DistKind::Lognormal => "lognormal",
            DistKind::Gamma => "gamma",
            DistKind::Empirical => "empirical",
            DistKind::Sum => "sum",
        }
    }

    /// The parameters this distribution requires (and the only ones it accepts).
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            DistKind::Exponential => &["mean"],
            DistKind::Deterministic => &["value"],
            DistKind::Uniform => &["min", "max"],
            DistKind::Triangular => &["min", "mode", "max"],
            DistKind::Lognormal | DistKind::Gamma => &["mean", "cv"],
            DistKind::Empirical => &["values"],
            DistKind::Sum => &["parts"],
        }
    }

    /// Parameters this distribution accepts but does not require.
    pub fn optional_parameters(self) -> &'static [&'static str] {
        match self {
            DistKind::Sum => &["scale"],
            _ => &[],
        }
    }
}

/// One branch out of a station.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    /// A station id, or `"exit"`.
    pub to: String,
    /// Probability in [0, 1]; per vehicle kind, the branches that apply must sum to 1.
    pub p: f64,
    /// Restricts the branch to one class …
    pub class: Option<String>,
    /// … or to several (give `class` or `classes`, not both).
    pub classes: Option<Vec<String>>,
    /// Restricts the branch to one programme …
    pub programme: Option<String>,
    /// … or to several.
    pub programmes: Option<Vec<String>>,
    /// Restricts the branch to one risk channel …
    pub channel: Option<ChannelName>,
    /// … or to several.
    pub channels: Option<Vec<ChannelName>>,
}

/// An empirical distribution's `values`, counted as they are read: the first value past
/// the most it may hold (100,000) stops the reading with one error
/// (a list of millions is not read whole, nor each value checked, to be refused).
fn empirical_values<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<RawDuration>>, D::Error> {
    struct Counted;

    impl<'de> Visitor<'de> for Counted {
        type Value = Vec<RawDuration>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of durations, like [\"90s\", \"2.5min\"]")
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let most = crate::scenario::MAX_EMPIRICAL_VALUES;
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(most));
            while let Some(v) = seq.next_element::<RawDuration>()? {
                if out.len() == most {
                    return Err(de::Error::custom(format!(
                        "an empirical distribution holds at most {most} values, got {} or \
                         more; give a random sample of {most} of them (it describes the \
                         service time as well), or fit a distribution (e.g. lognormal with \
                         the sample's mean and cv)",
                        most + 1
                    )));
                }
                out.push(v);
            }
            Ok(out)
        }
    }

    d.deserialize_seq(Counted).map(Some)
}

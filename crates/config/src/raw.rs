//! The file's shape exactly as written: plain serde structs, one per TOML table, with no
//! meaning attached. Validation (in this crate's loader) turns them into model types.
//!
//! Every struct denies unknown fields, so a misspelt key is an error rather than silently
//! ignored. Optional fields are `Option`s or default to empty collections, which keeps the
//! schema easy to extend: a new optional field breaks no existing file. Durations and rates
//! stay strings here ([`RawDuration`], [`RawRate`]); their units are read during validation
//! so that a bad one is reported with its field path and position.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// `[scenario]`: name, run length, replications, seed.
    pub scenario: RawScenario,
    /// Default: one direction, `"inbound"`.
    #[serde(default)]
    pub directions: Vec<RawDirection>,
    /// Programme `"none"` always exists; these are the others.
    #[serde(default)]
    pub programmes: Vec<RawProgramme>,
    /// `[[classes]]`: the kinds of vehicle.
    #[serde(default)]
    pub classes: Vec<RawClass>,
    /// `[[stations]]`: the queues and their servers.
    #[serde(default)]
    pub stations: Vec<RawStation>,
    /// `[[sources]]`: where vehicles come from.
    #[serde(default)]
    pub sources: Vec<RawSource>,
}

impl RawConfig {
    /// The top-level tables, in the order the documentation presents them.
    pub const SECTIONS: [&'static str; 6] = [
        "scenario",
        "directions",
        "programmes",
        "classes",
        "stations",
        "sources",
    ];
}

/// `[scenario]`: what the run is called and how long it lasts.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// The scenario name reports show.
    pub name: String,
    /// Absolute end of the run, warm-up included.
    pub horizon: RawDuration,
    /// Statistics are reset at this time; default `"0s"`.
    #[cfg_attr(feature = "schema", schemars(extend("default" = "0s")))]
    pub warmup: Option<RawDuration>,
    /// Independent replications of the run; at least 1.
    // Signed so that a negative value gets a clear message.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 10)))]
    pub replications: Option<i64>,
    /// Default 1.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1)))]
    pub seed: Option<u64>,
    /// The day of the week at time zero (midnight): `"monday"` … `"sunday"` (or `"mon"` …
    /// `"sun"`); default `"monday"`.
    #[cfg_attr(
        feature = "schema",
        schemars(extend("default" = "monday", "examples" = [
            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "mon", "tue", "wed", "thu", "fri", "sat", "sun"
        ]))
    )]
    pub start_weekday: Option<String>,
    /// A run stops as unstable once more vehicles than this are in the crossing at once;
    /// default 1,000,000. Signed so that a negative value gets a clear message.
    pub max_in_system: Option<i64>,
    /// `[[scenario.events]]`: outages, closures, demand surges and drops, slowdowns and
    /// date-specific schedules on dates and times (docs/events.md).
    #[serde(default)]
    pub events: Vec<RawEvent>,
    /// `[scenario.detection]`: the probability that one inspection finds an irregularity,
    /// per channel and selection kind; defaults are illustrative (docs/economics.md).
    pub detection: Option<RawDetection>,
}

/// `[scenario.detection]`: the probability (0 to 1) that one inspection of each kind finds
/// an irregularity. An appraisal input: the simulation does not read it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawDetection {
    /// A documentary check (yellow channel); default 0.02 (illustrative).
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.02)))]
    pub documentary_check: Option<f64>,
    /// A physical inspection selected by risk targeting (red channel); default 0.054
    /// (illustrative: 2.7 × the random rate, Grigoriou 2019).
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.054)))]
    pub targeted_inspection: Option<f64>,
    /// A physical inspection selected at random (red channel); default 0.02 (illustrative).
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.02)))]
    pub random_inspection: Option<f64>,
}

/// `[[scenario.events]]`: something that happens in a window of the run. Times are a
/// duration from time zero in the file's units (`"34h"`, `"2d"`) or a day and a clock
/// time, `"day 2 10:00"` (day 1 is the run's first day).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// `outage` (lanes out of service), `closure` (the station shut), `demand` (arrivals
    /// times `factor`: a surge above 1, a drop below), `slowdown` (service times times
    /// `factor`) or `schedule` (lanes by hour for the window, e.g. a holiday).
    #[cfg_attr(
        feature = "schema",
        schemars(extend("examples" = ["outage", "closure", "demand", "slowdown", "schedule"]))
    )]
    pub kind: String,
    /// Free text, for readers of the file only.
    pub description: Option<String>,
    /// Start: a duration from time zero (`"34h"`) or `"day N HH:MM"`.
    pub from: Option<String>,
    /// End (exclusive), in the same forms; within the horizon.
    pub to: Option<String>,
    /// The whole day N of the run (1 = the first), instead of `from` and `to`.
    pub day: Option<i64>,
    /// The station (outage, closure, slowdown, schedule).
    pub station: Option<String>,
    /// One lane group of the station (its `id`); omitted, every group (a schedule needs
    /// one when the station has lane groups).
    pub lane_group: Option<String>,
    /// Outage: how many lanes fail in each group concerned; omitted, all of them.
    pub lanes: Option<i64>,
    /// Demand: factor on arrival rates (≥ 0); slowdown: factor on service times (> 0).
    pub factor: Option<f64>,
    /// Demand: the classes concerned (by id); omitted, every class.
    pub classes: Option<Vec<String>>,
    /// Schedule: lanes open in each hour of the day during the window (24 values).
    pub servers_by_hour: Option<Vec<i64>>,
}

/// `[[directions]]`: a traffic direction (e.g. `northbound`), with its own stations and
/// demand.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawDirection {
    /// Unique among directions; stations and trace rows name it.
    pub id: String,
    /// Free text, for readers of the file only.
    pub description: Option<String>,
}

/// `[[programmes]]`: a trusted-trader or traveller programme (FAST, AEO, SENTRI, Ready).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawProgramme {
    /// Unique; `"none"` is built in.
    pub id: String,
    /// Free text, for readers of the file only.
    pub description: Option<String>,
}

/// `[[classes]]`: a kind of vehicle.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawClass {
    /// Unique among classes; sources, routes and lane groups name it.
    pub id: String,
    /// Free text, for readers of the file only.
    pub description: Option<String>,
    /// Road space one vehicle takes in a queue, metres; default 10.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 10.0)))]
    pub length_m: Option<f64>,
    /// Served first within a queue (non-preemptive), 0–255; default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0)))]
    pub priority: Option<i64>,
    /// Share of each programme (by id) among this class's vehicles; must sum to 1. Default
    /// `{ none = 1 }`; a programme left out has share 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = { "none": 1.0 })))]
    pub programmes: Option<BTreeMap<String, f64>>,
    /// Risk-channel probabilities of every programme without its own entry in
    /// `channels_by_programme`; default all green.
    #[cfg_attr(feature = "schema", schemars(extend("default" = { "green": 1.0 })))]
    pub channels: Option<RawChannels>,
    /// Risk-channel probabilities per programme id, overriding `channels`.
    #[serde(default)]
    pub channels_by_programme: BTreeMap<String, RawChannels>,
    /// Probability of random selection for physical inspection, independent of targeting;
    /// default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub random_inspection: Option<f64>,
    /// Value of one vehicle-hour of delay, in the report's currency; default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub value_of_time_per_h: Option<f64>,
    /// Share of this class's shipments lodged and processed before arrival (TFA Art. 7.1),
    /// in [0, 1]; default 0. Stations say what such vehicles do there (`pre_lodged`).
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub pre_lodged_share: Option<f64>,
    /// Pre-lodged shipments in the green channel are released on arrival; default true.
    #[cfg_attr(feature = "schema", schemars(extend("default" = true)))]
    pub pre_lodged_release_on_arrival: Option<bool>,
    /// The directions whose vehicles may be pre-lodged; default every direction.
    pub pre_lodged_directions: Option<Vec<String>>,
    /// Resource cost of one vehicle-hour of delay (driver and vehicle operating cost), money
    /// per vehicle-hour, for appraisal; default 0.
    pub resource_cost_per_h: Option<f64>,
    /// Value of the goods one vehicle carries, money; default 0.
    pub cargo_value_per_vehicle: Option<f64>,
    /// Time cost of the goods, share of their value per day of delay; default 0.
    pub cargo_time_cost_share_per_day: Option<f64>,
    /// Idle emission profile: `heavy_duty_diesel_truck`, `bus`, `passenger_car` or `none`
    /// (default).
    pub idle_emissions: Option<String>,
    /// Overrides the profile's CO2 at idle, grams per vehicle-hour.
    pub idle_co2_g_per_h: Option<f64>,
    /// Overrides the profile's NOx at idle, grams per vehicle-hour.
    pub idle_nox_g_per_h: Option<f64>,
    /// Overrides the profile's PM2.5 at idle, grams per vehicle-hour.
    pub idle_pm25_g_per_h: Option<f64>,
}

/// Risk-channel probabilities; a channel left out has probability 0, and the three must
/// sum to 1.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawChannels {
    /// Probability of the green channel (released without inspection), in [0, 1].
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub green: Option<f64>,
    /// Probability of the yellow channel (documentary check), in [0, 1].
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub yellow: Option<f64>,
    /// Probability of the red channel (physical inspection), in [0, 1].
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub red: Option<f64>,
}

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
    /// Cost of one staffed lane-hour (officers' pay and overheads), money; default 0.
    pub staff_cost_per_lane_h: Option<f64>,
    /// At a station others are merged into: factor on the combined service time; default 1.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1.0)))]
    pub joint_service_factor: Option<f64>,
    /// Factor on the service time of each programme's vehicles (by programme id); default 1.
    #[serde(default)]
    pub service_factor_by_programme: BTreeMap<String, f64>,
    /// Factor on the service time of vehicles starting service in each hour of the day (24
    /// positive values, midnight first); multiplies a lane group's own; default 1.
    pub service_factor_by_hour: Option<Vec<f64>>,
    /// Vehicles standing in the queue at time zero; default 0.
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
    pub min_lanes: Option<i64>,
    /// The most lanes the rule may open.
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
    pub queue_capacity: Option<i64>,
    /// The group's own approach is this much road (`"500m"`).
    pub queue_length: Option<String>,
    /// What a vehicle finding the group's own approach full does; default `spillback`.
    pub when_full: Option<WhenFullKind>,
    /// Cost of one staffed lane-hour of this group, money; default the station's.
    pub staff_cost_per_lane_h: Option<f64>,
    /// Factor on the service time of vehicles this group starts serving in each hour of the
    /// day (24 positive values); multiplies the station's; default 1.
    pub service_factor_by_hour: Option<Vec<f64>>,
    /// Vehicles this group serves standing in the queue at time zero; default 0.
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
    /// Monday.
    pub mon: Option<Vec<i64>>,
    /// Tuesday.
    pub tue: Option<Vec<i64>>,
    /// Wednesday.
    pub wed: Option<Vec<i64>>,
    /// Thursday.
    pub thu: Option<Vec<i64>>,
    /// Friday.
    pub fri: Option<Vec<i64>>,
    /// Saturday.
    pub sat: Option<Vec<i64>>,
    /// Sunday.
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

/// A risk channel as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum ChannelName {
    /// Released without inspection.
    Green,
    /// Documentary check.
    Yellow,
    /// Physical inspection.
    Red,
}

/// `[[sources]]`: vehicles entering at one station, from a Poisson `rate`, an hourly
/// `profile` or a recorded `trace` (exactly one of the three).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// Unique among sources; it also seeds the source's random stream.
    pub id: String,
    /// The class of every vehicle (not with `trace`, whose rows name theirs).
    pub class: Option<String>,
    /// Poisson arrivals at this rate.
    pub rate: Option<RawRate>,
    /// Vehicles per hour in each hour of the day (24 values).
    pub profile: Option<Vec<f64>>,
    /// Monday … Sunday multipliers of `profile`; default all 1.
    #[cfg_attr(feature = "schema", schemars(extend("default" = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])))]
    pub day_factors: Option<Vec<f64>>,
    /// A CSV file of recorded arrivals, relative to the scenario file.
    pub trace: Option<String>,
    /// With `trace` only: the date whose midnight is time zero (`"2024-03-01"`), so that
    /// the trace's rows may give dates and times (`2024-03-01T06:15:00`); it must fall on
    /// the scenario's `start_weekday`.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema_export::Date>")
    )]
    pub start: Option<String>,
    /// A station id, or (for a trace) a table of station ids by direction.
    pub entry: RawEntry,
}

/// Where a source's vehicles enter: one station, or one per direction (traces).
#[derive(Clone, Debug, PartialEq)]
pub enum RawEntry {
    /// One station id, for every vehicle.
    Station(String),
    /// Station id by direction id (traces whose rows name their direction).
    ByDirection(BTreeMap<String, String>),
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = RawEntry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a station id, or a table of station ids by direction")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawEntry, E> {
        Ok(RawEntry::Station(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<RawEntry, E> {
        Ok(RawEntry::Station(v))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<RawEntry, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((k, v)) = map.next_entry::<String, String>()? {
            out.insert(k, v);
        }
        Ok(RawEntry::ByDirection(out))
    }
}

impl<'de> Deserialize<'de> for RawEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EntryVisitor)
    }
}

/// A duration as written: a string with a unit (`"90s"`). A bare number is kept (not
/// rejected by serde) so that validation can say which unit to add and where.
#[derive(Clone, Debug, PartialEq)]
pub enum RawDuration {
    /// A number and a unit, e.g. `"90s"`, `"2.5min"`.
    Text(String),
    /// A bare number: an error (no unit), kept to say so precisely.
    Number(f64),
}

/// A rate as written: a string with a time unit (`"30/h"`). A bare number is kept so that
/// validation can say which unit to add and where.
#[derive(Clone, Debug, PartialEq)]
pub enum RawRate {
    /// A count per unit of time, e.g. `"30/h"`.
    Text(String),
    /// A bare number: an error (no unit), kept to say so precisely.
    Number(f64),
}

enum Quantity {
    Text(String),
    Number(f64),
}

struct QuantityVisitor(&'static str);

impl Visitor<'_> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
        Ok(Quantity::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Quantity, E> {
        Ok(Quantity::Text(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
        Ok(Quantity::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
        Ok(Quantity::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
        Ok(Quantity::Number(v))
    }
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let q = d.deserialize_any(QuantityVisitor(
            "a duration: a string with a unit, like \"90s\" or \"2.5min\"",
        ))?;
        Ok(match q {
            Quantity::Text(s) => RawDuration::Text(s),
            Quantity::Number(n) => RawDuration::Number(n),
        })
    }
}

impl<'de> Deserialize<'de> for RawRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let q = d.deserialize_any(QuantityVisitor(
            "a rate: a string with a time unit, like \"30/h\"",
        ))?;
        Ok(match q {
            Quantity::Text(s) => RawRate::Text(s),
            Quantity::Number(n) => RawRate::Number(n),
        })
    }
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

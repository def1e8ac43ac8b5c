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

mod appointments;
mod quantity;
mod station;

pub use appointments::RawAppointment;
pub use quantity::{RawDuration, RawRate};
pub use station::{
    DistKind, RawDays, RawLaneFilter, RawLaneGroup, RawLaneRule, RawPreLodged, RawRoute,
    RawService, RawStation, WhenFullKind,
};

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
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 1)))]
    pub replications: Option<i64>,
    /// Master random seed (any non-negative integer; default 1): replication `r` is
    /// seeded from (seed, r) alone, so the same seed gives the same results byte for byte
    /// on any machine and thread count, and variants compared on one seed see the same
    /// vehicles. `--seed` overrides it.
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
    /// default 1,000,000.
    // Signed so that a negative value gets a clear message.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1_000_000)))]
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 1, "maximum" = 100_000_000)))]
    pub max_in_system: Option<i64>,
    /// Width of the time bins of the queues and waits over time (the JSON's `series`,
    /// `run --series`, the report's charts over time), e.g. `"15 min"` or `"1h"`: at least
    /// 1 ms, at most 20,000 bins over the horizon. Setting it collects the series in every
    /// run of the scenario; `run --series-bin` overrides it. Without it the series are
    /// collected only when asked for, in bins of 15 min.
    #[cfg_attr(
        feature = "schema",
        schemars(extend("examples" = ["15 min", "1h", "5 min"]))
    )]
    pub series_bin: Option<RawDuration>,
    /// `[[scenario.events]]`: outages, closures, demand surges and drops, slowdowns and
    /// date-specific schedules on dates and times (docs/events.md).
    #[serde(default)]
    pub events: Vec<RawEvent>,
    /// `[scenario.detection]`: the probability that one inspection finds an irregularity,
    /// per channel and selection kind; defaults are illustrative (docs/economics.md).
    pub detection: Option<RawDetection>,
    /// `[[scenario.appointments]]`: booked arrival slots for a share of a class
    /// (docs/planning.md).
    #[serde(default)]
    pub appointments: Vec<RawAppointment>,
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
        schemars(extend("enum" = ["outage", "closure", "demand", "slowdown", "schedule"]))
    )]
    pub kind: String,
    /// Free text, for readers of the file only.
    pub description: Option<String>,
    /// Start: a duration from time zero (`"34h"`) or `"day N HH:MM"`.
    pub from: Option<String>,
    /// End (exclusive), in the same forms; within the horizon.
    pub to: Option<String>,
    /// The whole day N of the run (1 = the first), instead of `from` and `to`.
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 1)))]
    pub day: Option<i64>,
    /// The station (outage, closure, slowdown, schedule).
    pub station: Option<String>,
    /// One lane group of the station (its `id`); omitted, every group (a schedule needs
    /// one when the station has lane groups).
    pub lane_group: Option<String>,
    /// Outage: how many lanes fail in each group concerned; omitted, all of them.
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 1)))]
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
    #[cfg_attr(feature = "schema", schemars(extend("exclusiveMinimum" = 0)))]
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
    /// per vehicle-hour, for appraisal, at most 1,000,000,000; default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0, "maximum" = 1e9)))]
    pub resource_cost_per_h: Option<f64>,
    /// Value of the goods one vehicle carries, money, at most 1,000,000,000; default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0, "maximum" = 1e9)))]
    pub cargo_value_per_vehicle: Option<f64>,
    /// Time cost of the goods, share of their value per day of delay (0 to 1; it prices
    /// `cargo_value_per_vehicle`); default 0.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub cargo_time_cost_share_per_day: Option<f64>,
    /// Idle emission profile: `heavy_duty_diesel_truck`, `bus`, `passenger_car` or `none`;
    /// default `none`.
    #[cfg_attr(
        feature = "schema",
        schemars(extend(
            "default" = "none",
            "enum" = ["heavy_duty_diesel_truck", "bus", "passenger_car", "none"]
        ))
    )]
    pub idle_emissions: Option<String>,
    /// Overrides the profile's CO2 at idle, grams per vehicle-hour, at most 10,000,000.
    #[cfg_attr(feature = "schema", schemars(extend("maximum" = 1e7)))]
    pub idle_co2_g_per_h: Option<f64>,
    /// Overrides the profile's NOx at idle, grams per vehicle-hour, at most 10,000,000.
    #[cfg_attr(feature = "schema", schemars(extend("maximum" = 1e7)))]
    pub idle_nox_g_per_h: Option<f64>,
    /// Overrides the profile's PM2.5 at idle, grams per vehicle-hour, at most 10,000,000.
    #[cfg_attr(feature = "schema", schemars(extend("maximum" = 1e7)))]
    pub idle_pm25_g_per_h: Option<f64>,
    /// How long a vehicle waits in a station's queue before giving up and leaving the
    /// crossing unserved (reneging), counted from reaching the station; a duration
    /// distribution as a station's `service` (e.g. `{ dist = "exponential", mean = "20 min"
    /// }`), its mean above 0. Default: vehicles never give up.
    pub patience: Option<RawService>,
    /// The stations (by id) where the class's vehicles give up; default every station
    /// where they queue. Needs `patience`.
    pub patience_at: Option<Vec<String>>,
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

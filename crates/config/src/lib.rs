//! The scenario file format: TOML in, a validated [`bordersim_model::Scenario`] out.
//!
//! ```toml
//! [scenario]
//! name = "Otay Mesa commercial"
//! horizon = "7d"             # absolute end of the run, warm-up included
//! warmup = "1d"              # optional, default "0s"
//! replications = 10          # optional, default 10
//! seed = 1                   # optional, default 1
//! start_weekday = "monday"   # optional: the day at time zero (midnight), default monday
//!
//! [[directions]]             # optional; default one direction, "inbound"
//! id = "northbound"
//! [[directions]]
//! id = "southbound"
//!
//! [[programmes]]             # optional; "none" always exists (vehicles in no programme)
//! id = "fast"
//!
//! [[classes]]
//! id = "truck"
//! length_m = 20.0            # default 10: road space in a queue
//! priority = 0               # 0-255, higher served first within a queue; default 0
//! programmes = { fast = 0.2, none = 0.8 }                  # shares, sum 1; default none = 1
//! channels = { green = 0.80, yellow = 0.05, red = 0.15 }   # sum 1; default all green
//! channels_by_programme = { fast = { green = 0.97, yellow = 0.02, red = 0.01 } }
//! random_inspection = 0.02   # probability, independent of the channel; default 0
//!                            # (selected vehicles take the routes filtered on "red")
//!
//! [[stations]]
//! id = "nb-primary"
//! direction = "northbound"   # required when more than one direction is declared
//! service = { dist = "lognormal", mean = "2.1min", cv = 0.5 }
//! queue_length = "2km"       # or queue_capacity = 100 (vehicles); default unlimited
//! when_full = "spillback"    # or "balk"; only with a finite queue
//! releases = false           # true: the end of service here is the customs release
//! routes = [                 # filters: class(es), programme(s), channel(s)
//!   { channel = "red", to = "nb-xray", p = 1 },
//!   { to = "exit", p = 1 },
//! ]
//! # Servers: exactly one of `servers = 10` (always open), `servers_by_hour = [24 values]`
//! # (optionally with `servers_by_day = { sat = [24 values], ... }`), or lane groups:
//! [[stations.lanes]]
//! id = "general"
//! servers_by_hour = [3, 3, 3, 3, 3, 3, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 3, 3]
//! [[stations.lanes]]
//! id = "fast"
//! serves = { programmes = ["fast"] }   # and/or classes = [...]; omitted: everyone
//! share_when_idle = false              # may an idle lane take other traffic?
//! servers = 2
//!
//! [[stations]]
//! id = "nb-xray"
//! direction = "northbound"
//! servers = 1
//! service = { dist = "exponential", mean = "72s" }
//!
//! [[stations]]
//! id = "sb-primary"
//! direction = "southbound"
//! servers = 2
//! service = { dist = "exponential", mean = "1min" }
//!
//! [[sources]]                # exactly one of rate, profile, trace
//! id = "trucks-nb"
//! class = "truck"
//! entry = "nb-primary"
//! profile = [15, 11, 9, 9, 11, 23, 68, 135, 180, 190, 180, 165,
//!            158, 158, 150, 143, 128, 105, 83, 60, 45, 34, 26, 19]   # vehicles/h by hour
//! day_factors = [1, 1, 1, 1, 1, 0.5, 0.25]                         # Monday..Sunday
//!
//! [[sources]]
//! id = "recorded"
//! trace = "traces/day.csv"   # CSV: time,class[,direction][,programme]; rows sorted by time
//! start = "2024-03-04"       # optional: the date whose midnight is time zero (on the
//!                            # start_weekday); rows may then give 2024-03-04T06:15:00
//! entry = { northbound = "nb-primary", southbound = "sb-primary" }
//! ```
//!
//! This crate only knows formats: it never reads files or prints. The caller reads the
//! text and passes it to [`parse_scenario`] with the file name for diagnostics; a scenario
//! that replays a recorded trace goes through [`parse_scenario_with`], whose reader returns
//! the text of the files the scenario names. Every problem is reported, not just the first,
//! each as a [`Diagnostic`] with the file, the field path (`stations[2].routes[1].to`) and the
//! 1-based `line:column`; problems inside a trace name the CSV file, its line and column, and
//! the row and column concerned (`row 12, column time`).
//!
//! [`raw`] holds the serde structs that mirror the file (a JSON Schema can be derived from
//! them); validation turns them into model types.
//!
//! # Where things are
//!
//! - `diagnostic`: [`Diagnostic`], [`ConfigError`] and the collector every loader reports
//!   through (file, `line:column` from byte offsets, field paths from spans);
//! - `scenario/`: the scenario loader, one file per phase or section (`shape`, `messages`
//!   for serde's messages in the config's words, `settings`, `names`, `population`,
//!   `station`, `lanes`, `service`, `source`, `trace`, `structure`, `warnings`, `build`);
//! - `region/`: the region loader, one file per section (`settings`, `choice`, `zones`,
//!   `classes`, `crossings`, `tolls`, `demand`) and `policy` (a policy applied to one
//!   crossing);
//! - `policy/`: the reform catalogue, applied to a scenario;
//! - `spans`, `units`, `suggest`: positions and field paths, units, "did you mean".

#![warn(missing_docs)]

mod diagnostic;
mod policy;
pub mod raw;
mod region;
mod scenario;
#[cfg(feature = "schema")]
mod schema_export;
#[cfg(feature = "schema")]
mod schema_probe;
mod spans;
mod suggest;
pub mod sweep;
mod units;

#[cfg(test)]
mod tests;

pub use diagnostic::{ConfigError, Diagnostic};
pub use policy::{
    MeasureInfo, PolicyError, PolicyScenario, apply_policy_with, catalogue_help, policy_catalogue,
};
pub use policy::{PolicyApplied, apply_policy};
pub use region::{
    CrossingText, DEFAULT_ELASTICITY_PER_DAY, DEFAULT_MAX_ITERATIONS, DEFAULT_REGION_REPLICATIONS,
    DEFAULT_SRA_BETTER, DEFAULT_SRA_WORSE, DEFAULT_TOLERANCE, LoadedRegion, RegionPolicyApplied,
    apply_region_policy, is_region, parse_region_with, policy_crossing,
};
pub use scenario::{
    EXIT, FileReader, Loaded, lone_cr_to_lf, parse_scenario, parse_scenario_with, source_count,
};
#[cfg(feature = "schema")]
pub use schema_export::{
    SchemaKind, duration_pattern, length_pattern, rate_pattern, schema_json, schema_value,
    serde_schema_json,
};
pub use suggest::closest;
pub use units::{
    DURATION_UNITS, LENGTH_UNITS, RATE_UNITS, format_duration, parse_duration, parse_length_m,
    parse_rate_per_hour, parse_sim_time,
};

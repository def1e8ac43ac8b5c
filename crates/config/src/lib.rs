//! The scenario file format: TOML in, a validated [`bordersim_model::Scenario`] out.
//!
//! ```toml
//! [scenario]
//! name = "Otay Mesa commercial, northbound"
//! horizon = "7d"          # absolute end of the run, warm-up included
//! warmup = "1d"           # optional, default "0s"
//! replications = 10       # optional, default 10
//! seed = 1                # optional, default 1
//!
//! [[classes]]
//! id = "truck"
//!
//! [[stations]]
//! id = "primary"
//! servers = 10
//! service = { dist = "lognormal", mean = "2.1min", cv = 0.5 }
//! routes = [ { to = "xray", p = 0.15 }, { to = "exit", p = 0.85 } ]
//!
//! [[stations]]
//! id = "xray"
//! servers = 1
//! service = { dist = "exponential", mean = "72s" }
//!
//! [[sources]]
//! id = "trucks-north"
//! class = "truck"
//! rate = "30/h"
//! entry = "primary"
//! ```
//!
//! This crate only knows formats: it never reads files or prints. The caller reads the
//! text and passes it to [`parse_scenario`] with the file name for diagnostics. Every
//! problem is reported, not just the first, each as a [`Diagnostic`] with the file, the field
//! path (`stations[2].routes[1].to`) and the 1-based `line:column`.
//!
//! [`raw`] holds the serde structs that mirror the file (a JSON Schema can be derived from
//! them); validation turns them into model types.

mod diagnostic;
mod load;
pub mod raw;
mod spans;
mod suggest;
mod units;

#[cfg(test)]
mod tests;

pub use diagnostic::{ConfigError, Diagnostic};
pub use load::{EXIT, Loaded, parse_scenario};
pub use units::{
    DURATION_UNITS, RATE_UNITS, format_duration, parse_duration, parse_rate_per_hour,
    parse_sim_time,
};

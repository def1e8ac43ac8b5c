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
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub scenario: RawScenario,
    #[serde(default)]
    pub classes: Vec<RawClass>,
    #[serde(default)]
    pub stations: Vec<RawStation>,
    #[serde(default)]
    pub sources: Vec<RawSource>,
}

impl RawConfig {
    /// The top-level tables, in the order the documentation presents them.
    pub const SECTIONS: [&'static str; 4] = ["scenario", "classes", "stations", "sources"];
}

/// `[scenario]`: what the run is called and how long it lasts.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: String,
    /// Absolute end of the run, warm-up included.
    pub horizon: RawDuration,
    /// Statistics are reset at this time; default `"0s"`.
    pub warmup: Option<RawDuration>,
    /// Default 10; at least 1. Signed so that a negative value gets a clear message.
    pub replications: Option<i64>,
    /// Default 1.
    pub seed: Option<u64>,
}

/// `[[classes]]`: a kind of vehicle.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClass {
    pub id: String,
    pub description: Option<String>,
}

/// `[[stations]]`: a queue with identical servers.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStation {
    /// Unique among stations; `"exit"` is reserved.
    pub id: String,
    /// At least 1. Signed so that a negative value gets a clear message.
    pub servers: i64,
    pub description: Option<String>,
    /// Service time for every class that has no entry in `service_by_class`.
    pub service: Option<RawService>,
    /// Service time per class id, overriding `service`.
    #[serde(default)]
    pub service_by_class: BTreeMap<String, RawService>,
    /// Where vehicles go next; none means straight to the exit.
    #[serde(default)]
    pub routes: Vec<RawRoute>,
}

/// A service-time distribution: `dist` names it, the other fields are its parameters.
/// Which parameters each distribution takes is [`DistKind::parameters`].
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub dist: DistKind,
    pub mean: Option<RawDuration>,
    /// Coefficient of variation (standard deviation / mean), a plain number.
    pub cv: Option<f64>,
    pub value: Option<RawDuration>,
    pub min: Option<RawDuration>,
    pub mode: Option<RawDuration>,
    pub max: Option<RawDuration>,
    pub values: Option<Vec<RawDuration>>,
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
        given
    }
}

/// The `dist` tag of a [`RawService`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DistKind {
    Exponential,
    Deterministic,
    Uniform,
    Triangular,
    Lognormal,
    Gamma,
    Empirical,
}

impl DistKind {
    pub const ALL: [DistKind; 7] = [
        DistKind::Exponential,
        DistKind::Deterministic,
        DistKind::Uniform,
        DistKind::Triangular,
        DistKind::Lognormal,
        DistKind::Gamma,
        DistKind::Empirical,
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
        }
    }
}

/// One branch out of a station.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    /// A station id, or `"exit"`.
    pub to: String,
    /// Probability in [0, 1]; per class, the branches that apply must sum to 1.
    pub p: f64,
    /// Restricts the branch to one class …
    pub class: Option<String>,
    /// … or to several (give `class` or `classes`, not both).
    pub classes: Option<Vec<String>>,
}

/// `[[sources]]`: a Poisson stream of vehicles of one class entering at one station.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: String,
    pub class: String,
    pub rate: RawRate,
    pub entry: String,
}

/// A duration as written: a string with a unit (`"90s"`). A bare number is kept (not
/// rejected by serde) so that validation can say which unit to add and where.
#[derive(Clone, Debug, PartialEq)]
pub enum RawDuration {
    Text(String),
    Number(f64),
}

/// A rate as written: a string with a time unit (`"30/h"`). A bare number is kept so that
/// validation can say which unit to add and where.
#[derive(Clone, Debug, PartialEq)]
pub enum RawRate {
    Text(String),
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

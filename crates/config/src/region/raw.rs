//! The serde structs that mirror a region file, one per table.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegionFile {
    pub(super) region: RawRegionMeta,
    #[serde(default)]
    pub(super) choice: Option<RawChoice>,
    #[serde(default)]
    pub(super) equilibrium: Option<RawEquilibrium>,
    #[serde(default)]
    pub(super) zones: Vec<RawZone>,
    #[serde(default)]
    pub(super) classes: Vec<RawRegionClass>,
    #[serde(default)]
    pub(super) crossings: Vec<RawRegionCrossing>,
    #[serde(default)]
    pub(super) tolls: Vec<RawToll>,
    #[serde(default)]
    pub(super) demand: Vec<RawDemand>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegionMeta {
    pub(super) name: String,
    pub(super) sides: Vec<String>,
    pub(super) replications: Option<i64>,
    pub(super) seed: Option<u64>,
    pub(super) horizon: Option<String>,
    pub(super) warmup: Option<String>,
    pub(super) elasticity_per_day: Option<f64>,
    #[allow(dead_code, reason = "documentation only")]
    pub(super) description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEquilibrium {
    pub(super) max_iterations: Option<i64>,
    pub(super) tolerance: Option<f64>,
    pub(super) averaging: Option<String>,
    pub(super) exponent: Option<f64>,
    pub(super) worse: Option<f64>,
    pub(super) better: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChoice {
    pub(super) time_coefficient: Option<f64>,
    pub(super) border_weight: Option<f64>,
    pub(super) toll_weight: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawZone {
    pub(super) id: String,
    pub(super) side: String,
    #[serde(default)]
    pub(super) travel: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) travel_from: BTreeMap<String, String>,
    #[allow(dead_code, reason = "documentation only")]
    pub(super) description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegionClass {
    pub(super) id: String,
    pub(super) value_of_time_per_h: Option<f64>,
    pub(super) cargo_value: Option<f64>,
    pub(super) elasticity_per_day: Option<f64>,
    pub(super) profile: Option<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegionCrossing {
    pub(super) id: String,
    pub(super) file: Option<String>,
    pub(super) scenario: Option<String>,
    #[serde(default)]
    pub(super) directions: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) entries: BTreeMap<String, String>,
    pub(super) constant: Option<f64>,
    pub(super) closed: Option<bool>,
    #[allow(dead_code, reason = "documentation only")]
    pub(super) description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawToll {
    pub(super) crossing: String,
    pub(super) class: Option<String>,
    pub(super) from: Option<String>,
    pub(super) amount: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDemand {
    pub(super) from: String,
    pub(super) to: String,
    pub(super) class: String,
    pub(super) commodity: Option<String>,
    pub(super) vehicles_per_day: f64,
    pub(super) cargo_value: Option<f64>,
    pub(super) value_of_time_per_h: Option<f64>,
    pub(super) elasticity_per_day: Option<f64>,
    pub(super) profile: Option<Vec<f64>>,
}

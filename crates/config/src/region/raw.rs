//! The serde structs that mirror a region file, one per table. Their doc comments are the
//! descriptions of the region file's JSON Schema (`bordersim schema region`).

use std::collections::BTreeMap;

use serde::Deserialize;

#[cfg(feature = "schema")]
use crate::raw::RawDuration;

/// A region file: several crossings, the zones on both sides of the border, travel times,
/// tolls and origin–destination demand.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRegionFile {
    /// `[region]`: the name, the two sides and the settings every crossing shares.
    pub(super) region: RawRegionMeta,
    /// `[choice]`: the logit crossing choice; defaults from the SANDAG SR-11 OME model.
    #[serde(default)]
    pub(super) choice: Option<RawChoice>,
    /// `[equilibrium]`: how the equilibrium iterates and when it stops.
    #[serde(default)]
    pub(super) equilibrium: Option<RawEquilibrium>,
    /// `[[zones]]`: origins and destinations on either side, with travel times to each
    /// crossing.
    #[serde(default)]
    pub(super) zones: Vec<RawZone>,
    /// `[[classes]]`: per vehicle class (the crossings' class of the same id), the defaults
    /// of its demand.
    #[serde(default)]
    pub(super) classes: Vec<RawRegionClass>,
    /// `[[crossings]]`: the alternatives, each a scenario file.
    #[serde(default)]
    pub(super) crossings: Vec<RawRegionCrossing>,
    /// `[[tolls]]`: amounts charged at a crossing.
    #[serde(default)]
    pub(super) tolls: Vec<RawToll>,
    /// `[[demand]]`: vehicles per day from a zone on one side to a zone on the other.
    #[serde(default)]
    pub(super) demand: Vec<RawDemand>,
}

/// `[region]`: what the region is called, its two sides and the run settings every crossing
/// shares.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegionMeta {
    /// The name reports show.
    pub(super) name: String,
    /// Exactly two side ids (e.g. `["mx", "us"]`); a direction is named by the side it
    /// leaves.
    pub(super) sides: Vec<String>,
    /// Replications of each crossing per equilibrium iteration; at least 1.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 4)))]
    pub(super) replications: Option<i64>,
    /// The seed of every crossing's random streams.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1)))]
    pub(super) seed: Option<u64>,
    /// Every crossing's run length, warm-up included; default each crossing's own.
    #[cfg_attr(feature = "schema", schemars(with = "Option<RawDuration>"))]
    pub(super) horizon: Option<String>,
    /// Every crossing's warm-up; default each crossing's own.
    #[cfg_attr(feature = "schema", schemars(with = "Option<RawDuration>"))]
    pub(super) warmup: Option<String>,
    /// Relative change in traffic per day of border delay, for demand whose class gives
    /// none (Djankov, Freund & Pham 2010).
    #[cfg_attr(feature = "schema", schemars(extend("default" = -0.01)))]
    pub(super) elasticity_per_day: Option<f64>,
    /// Free text, for readers of the file only.
    #[allow(dead_code, reason = "documentation only")]
    pub(super) description: Option<String>,
}

/// `[equilibrium]`: how the equilibrium iterates and when it stops.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawEquilibrium {
    /// Iterations at most.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 50)))]
    pub(super) max_iterations: Option<i64>,
    /// Converged when the gap (the share of traffic that would still change crossing) is
    /// below this.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.02)))]
    pub(super) tolerance: Option<f64>,
    /// `"self_regulated"` (the step shrinks faster when the gap rises) or `"msa"` (steps
    /// 1/n, or k^exponent-weighted).
    #[cfg_attr(feature = "schema", schemars(extend("default" = "self_regulated", "enum" = ["self_regulated", "msa"])))]
    pub(super) averaging: Option<String>,
    /// With `msa`: response k weighs k^exponent, between 0 (the classic MSA) and 4.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub(super) exponent: Option<f64>,
    /// With `self_regulated`: β grows by this when the gap rose.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1.5)))]
    pub(super) worse: Option<f64>,
    /// With `self_regulated`: β grows by this when the gap fell.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.3)))]
    pub(super) better: Option<f64>,
}

/// `[choice]`: the logit crossing choice on generalized minutes.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawChoice {
    /// Utils per generalized minute (the logit scale); negative.
    #[cfg_attr(feature = "schema", schemars(extend("default" = -0.025)))]
    pub(super) time_coefficient: Option<f64>,
    /// How many driving minutes a minute at the border weighs.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 2.5)))]
    pub(super) border_weight: Option<f64>,
    /// How much a toll's minutes (toll / value of time) weigh.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 1.0)))]
    pub(super) toll_weight: Option<f64>,
}

/// `[[zones]]`: an origin or destination on one side of the border.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawZone {
    /// Unique among zones; demand names it.
    pub(super) id: String,
    /// One of `[region] sides`.
    pub(super) side: String,
    /// The country the zone's trade starts or ends in when it is not its side's (e.g.
    /// `"za"` for South African traffic entering Zimbabwe's side): its flows are then
    /// transit for the side, not the side's exports or imports. Default: the side.
    pub(super) country: Option<String>,
    /// Travel time between the zone and each crossing (by crossing id), both ways unless
    /// `travel_from` says otherwise.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, RawDuration>"))]
    pub(super) travel: BTreeMap<String, String>,
    /// Travel time from a crossing (by id) back to the zone, where it differs from `travel`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, RawDuration>"))]
    pub(super) travel_from: BTreeMap<String, String>,
    /// Free text, for readers of the file only.
    #[allow(dead_code, reason = "documentation only")]
    pub(super) description: Option<String>,
}

/// `[[classes]]`: the defaults of one vehicle class's demand.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegionClass {
    /// The crossings' class of the same id.
    pub(super) id: String,
    /// Value of one vehicle-hour of delay, in the report's currency; needed where tolls
    /// apply.
    pub(super) value_of_time_per_h: Option<f64>,
    /// Value of the cargo of one vehicle, in the report's currency.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub(super) cargo_value: Option<f64>,
    /// Relative change in traffic per day of border delay; default the region's.
    pub(super) elasticity_per_day: Option<f64>,
    /// Hour-of-day shape of its demand (24 weights); default each crossing's own.
    pub(super) profile: Option<Vec<f64>>,
}

/// `[[crossings]]`: one alternative, a scenario given as a file or inline.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegionCrossing {
    /// Unique among crossings; zones, tolls and policies name it.
    pub(super) id: String,
    /// A scenario file, relative to the region file (give this or `scenario`).
    pub(super) file: Option<String>,
    /// A whole scenario file inline (give this or `file`).
    pub(super) scenario: Option<String>,
    /// The crossing's direction id for the traffic leaving each side (by side id).
    #[serde(default)]
    pub(super) directions: BTreeMap<String, String>,
    /// The station where the traffic leaving each side enters (by side id); default where
    /// the crossing's own sources enter.
    #[serde(default)]
    pub(super) entries: BTreeMap<String, String>,
    /// Alternative-specific constant, in utils.
    #[cfg_attr(feature = "schema", schemars(extend("default" = 0.0)))]
    pub(super) constant: Option<f64>,
    /// `true`: not an alternative (e.g. not built yet).
    #[cfg_attr(feature = "schema", schemars(extend("default" = false)))]
    pub(super) closed: Option<bool>,
    /// Free text, for readers of the file only.
    #[allow(dead_code, reason = "documentation only")]
    pub(super) description: Option<String>,
}

/// `[[tolls]]`: an amount charged at a crossing.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawToll {
    /// The crossing id.
    pub(super) crossing: String,
    /// The class charged; default every class.
    pub(super) class: Option<String>,
    /// The side whose leaving traffic is charged; default both directions.
    pub(super) from: Option<String>,
    /// The toll, in the report's currency.
    pub(super) amount: f64,
}

/// `[[demand]]`: vehicles per day from a zone on one side to a zone on the other.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(super) struct RawDemand {
    /// A zone id on one side.
    pub(super) from: String,
    /// A zone id on the other side.
    pub(super) to: String,
    /// A class id of the region's `[[classes]]`.
    pub(super) class: String,
    /// A group reported separately (e.g. `"electronics"`).
    pub(super) commodity: Option<String>,
    /// Vehicles per day with no border delay.
    pub(super) vehicles_per_day: f64,
    /// Value of the cargo of one vehicle; default the class's.
    pub(super) cargo_value: Option<f64>,
    /// Value of one vehicle-hour of delay; default the class's.
    pub(super) value_of_time_per_h: Option<f64>,
    /// Relative change in traffic per day of border delay; default the class's, else the
    /// region's.
    pub(super) elasticity_per_day: Option<f64>,
    /// Hour-of-day shape (24 weights); default the class's, else the crossing's own.
    pub(super) profile: Option<Vec<f64>>,
}

//! A region ready to run: the trade model of [`Region`] together with a validated
//! simulation model of each of its crossings, and the settings of the equilibrium between
//! them.
//!
//! These are the validated inputs of the equilibrium driver (`bordersim-experiment`): a
//! file format builds them, the driver runs them, neither needs the other.

use bordersim_model::{ClassId, DirectionId, Scenario, StationId};

use crate::{Region, SIDES, StepRule};

/// How one crossing of the region is simulated.
#[derive(Clone, Debug)]
pub struct RegionCrossing {
    /// The crossing's id in the region.
    pub id: String,
    /// The crossing model with its run timing; its own sources are replaced by the
    /// region's flows, but they still give the default hour-of-day shape of each flow.
    pub scenario: Scenario,
    /// The crossing's direction taken by traffic leaving each side (`None`: it does not
    /// carry traffic that way).
    pub directions: [Option<DirectionId>; SIDES],
    /// Where the region's traffic leaving each side enters the crossing.
    pub entries: [Option<StationId>; SIDES],
    /// The crossing's class for each region class (`None`: it does not carry that class).
    pub classes: Vec<Option<ClassId>>,
    /// Closed by the region (e.g. not built): no share at all.
    pub closed: bool,
}

/// A region ready to run: the trade model and a simulation model for each crossing (in the
/// order of `region.crossings`).
#[derive(Clone, Debug)]
pub struct RegionModel {
    /// The trade model: zones, crossings as alternatives, demand, choice parameters.
    pub region: Region,
    /// One simulation model per crossing, in the order of `region.crossings`.
    pub crossings: Vec<RegionCrossing>,
    /// Hour-of-day shape of each flow (`region.demand` order; 24 weights summing to 1);
    /// `None`: the shape of the crossing's own source of that direction and class (flat if
    /// it has none).
    pub profiles: Vec<Option<[f64; 24]>>,
    /// Iterations of the equilibrium at most (each simulates every crossing).
    pub max_iterations: u32,
    /// The equilibrium is reached when the gap falls below this.
    pub tolerance: f64,
    /// How the successive averages step (see [`crate::averaging`]).
    pub averaging: StepRule,
}

/// Small regions for the crate's tests.
#[cfg(test)]
pub(crate) mod examples {
    use crate::{ChoiceParams, CrossingAlternative, Grid, OdDemand, Region, Zone};

    /// A zone on `side` in no country of its own (its side's).
    pub(crate) fn zone(id: &str, side: usize) -> Zone {
        Zone {
            id: id.into(),
            side,
            country: None,
        }
    }

    /// A flow of class 0 with no commodity and no demand response.
    pub(crate) fn flow(
        origin: usize,
        destination: usize,
        vehicles_per_day: f64,
        cargo_value: f64,
        value_of_time_per_h: f64,
    ) -> OdDemand {
        OdDemand {
            origin,
            destination,
            class: 0,
            commodity: None,
            vehicles_per_day,
            cargo_value,
            value_of_time_per_h,
            elasticity_per_day: 0.0,
        }
    }

    /// Sides `a` and `b` with one zone each (`a1`, `b1`) and one class (`truck`); the
    /// crossings as (id, constant), `to[k]` and `from[k]` the minutes between either zone
    /// and crossing `k`; no tolls, no demand.
    pub(crate) fn two_zones(crossings: &[(&str, f64)], to: &[f64], from: &[f64]) -> Region {
        let minutes = |m: &[f64]| vec![m.iter().copied().map(Some).collect::<Vec<_>>(); 2];
        Region {
            name: "r".into(),
            sides: ["a".into(), "b".into()],
            zones: vec![zone("a1", 0), zone("b1", 1)],
            crossings: crossings
                .iter()
                .map(|&(id, constant)| CrossingAlternative {
                    id: id.into(),
                    constant,
                })
                .collect(),
            classes: vec!["truck".into()],
            to_crossing: minutes(to),
            from_crossing: minutes(from),
            tolls: Grid::new(crossings.len(), 1, 0.0),
            demand: Vec::new(),
            choice: ChoiceParams::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use bordersim_des::SimTime;
    use bordersim_model::{Crossing, Population, ServiceDist, Source, Station};

    use super::examples;
    use super::*;

    fn scenario(name: &str) -> Scenario {
        let population = Population::simple(&["truck"]);
        let station = Station::simple(
            "primary",
            1,
            vec![Some(ServiceDist::Exponential { mean_ms: 60_000.0 })],
            vec![],
        );
        let own = Source::poisson("own", ClassId(0), 10.0, StationId(0));
        Scenario {
            name: name.into(),
            crossing: Crossing::new(name, &population, vec![station], vec![own]).expect("valid"),
            horizon: SimTime::from_hours(24),
            warmup: SimTime::from_hours(0),
            replications: 1,
            seed: 1,
            start_weekday: 0,
        }
    }

    #[test]
    fn a_region_model_pairs_each_crossing_of_the_region_with_its_simulation() {
        let ids = ["east", "west"];
        let region = examples::two_zones(&[("east", 0.0), ("west", 0.0)], &[5.0; 2], &[5.0; 2]);
        let model = RegionModel {
            crossings: ids
                .iter()
                .map(|id| RegionCrossing {
                    id: (*id).into(),
                    scenario: scenario(id),
                    directions: [Some(DirectionId(0)), None],
                    entries: [Some(StationId(0)), None],
                    classes: vec![Some(ClassId(0))],
                    closed: false,
                })
                .collect(),
            region,
            profiles: Vec::new(),
            max_iterations: 10,
            tolerance: 0.01,
            averaging: StepRule::Weighted { exponent: 0.0 },
        };
        let copy = model.clone();
        for (alternative, crossing) in copy.region.crossings.iter().zip(&copy.crossings) {
            assert_eq!(alternative.id, crossing.id);
            assert_eq!(crossing.scenario.name, crossing.id);
            assert_eq!(crossing.classes.len(), copy.region.classes.len());
        }
        assert_eq!(copy.region, model.region);
    }
}

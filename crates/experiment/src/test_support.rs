//! Small scenarios and regions for the unit tests, built with the model's and the trade
//! model's constructors.

use bordersim_des::SimTime;
use bordersim_model::{
    ClassId, Crossing, DirectionId, Population, Scenario, ServiceDist, Source, Station, StationId,
};
use bordersim_trade::{
    ChoiceParams, CrossingAlternative, Grid, OdDemand, Region, RegionCrossing, RegionModel,
    StepRule, Zone,
};

use crate::RunOptions;

/// A one-direction crossing of one class (`truck`): one station of `servers` lanes with
/// exponential service of mean `mean_min` minutes, fed by Poisson arrivals at
/// `rate_per_hour`; 36 observed hours after 12 hours of warm-up.
pub(crate) fn one_station(name: &str, servers: u32, mean_min: f64, rate_per_hour: f64) -> Scenario {
    let population = Population::simple(&["truck"]);
    let station = Station::simple(
        "primary",
        servers,
        vec![Some(ServiceDist::Exponential {
            mean_ms: mean_min * 60_000.0,
        })],
        vec![],
    );
    let own = Source::poisson("own", ClassId(0), rate_per_hour, StationId(0));
    Scenario {
        name: name.into(),
        crossing: Crossing::new(name, &population, vec![station], vec![own]).expect("valid"),
        horizon: SimTime::from_hours(48),
        warmup: SimTime::from_hours(12),
        replications: 4,
        seed: 1,
        start_weekday: 0,
    }
}

/// Run options with the given replications, seed 3 and every core.
pub(crate) fn options(replications: u32) -> RunOptions {
    RunOptions {
        replications,
        seed: 3,
        threads: None,
    }
}

/// A region with one zone on each side (`a1` on side `a`, `b1` on side `b`) and one flow of
/// trucks from `a1` to `b1`, through the given crossings (each 10 + 10 driving minutes
/// away, entered at station 0 in direction 0).
pub(crate) fn one_way_region(
    crossings: Vec<Scenario>,
    vehicles_per_day: f64,
    elasticity_per_day: f64,
) -> RegionModel {
    let n = crossings.len();
    let region = Region {
        name: "test region".into(),
        sides: ["a".into(), "b".into()],
        zones: vec![
            Zone {
                id: "a1".into(),
                side: 0,
                country: None,
            },
            Zone {
                id: "b1".into(),
                side: 1,
                country: None,
            },
        ],
        crossings: crossings
            .iter()
            .map(|s| CrossingAlternative {
                id: s.name.clone(),
                constant: 0.0,
            })
            .collect(),
        classes: vec!["truck".into()],
        to_crossing: vec![vec![Some(10.0); n]; 2],
        from_crossing: vec![vec![Some(10.0); n]; 2],
        tolls: Grid::new(n, 1, 0.0),
        demand: vec![OdDemand {
            origin: 0,
            destination: 1,
            class: 0,
            commodity: None,
            vehicles_per_day,
            cargo_value: 10_000.0,
            value_of_time_per_h: 20.0,
            elasticity_per_day,
        }],
        choice: ChoiceParams::default(),
    };
    RegionModel {
        region,
        crossings: crossings
            .into_iter()
            .map(|scenario| RegionCrossing {
                id: scenario.name.clone(),
                scenario,
                directions: [Some(DirectionId(0)), None],
                entries: [Some(StationId(0)), None],
                classes: vec![Some(ClassId(0))],
                closed: false,
            })
            .collect(),
        profiles: vec![None],
        max_iterations: 30,
        tolerance: 0.01,
        averaging: StepRule::SelfRegulated {
            worse: 1.5,
            better: 0.3,
        },
    }
}

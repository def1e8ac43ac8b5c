//! Shared fixtures for the workspace tests: textbook queueing models built in code, and the
//! exact answers queueing theory gives for them.

use bordersim_des::SimTime;
use bordersim_model::{
    Crossing, Population, Route, Scenario, ServiceDist, Source, Station, StationId, Target,
    VehicleFilter,
};

/// A scenario of one crossing built from parts, with one direction, no programme and every
/// vehicle green.
pub fn scenario_of(
    name: &str,
    classes: &[&str],
    stations: Vec<Station>,
    sources: Vec<Source>,
    horizon: SimTime,
    warmup: SimTime,
) -> Scenario {
    let population = Population::simple(classes);
    Scenario {
        name: name.into(),
        crossing: Crossing::new(name, &population, stations, sources)
            .expect("a valid textbook model"),
        horizon,
        warmup,
        replications: 1,
        seed: 1,
        start_weekday: 0,
    }
}

/// A single station with `servers` servers fed by Poisson arrivals at `rate_per_min`.
pub fn single_station(
    rate_per_min: f64,
    servers: u32,
    service: ServiceDist,
    horizon: SimTime,
    warmup: SimTime,
) -> Scenario {
    let station = Station::simple("server", servers, vec![Some(service)], vec![]);
    let source = Source::poisson(
        "arrivals",
        bordersim_model::ClassId(0),
        rate_per_min * 60.0,
        StationId(0),
    );
    let mut s = scenario_of(
        "single station",
        &["customer"],
        vec![station],
        vec![source],
        horizon,
        warmup,
    );
    s.name = format!("single station, {servers} servers");
    s
}

/// Model 2 of DESIGN.md §7: Poisson(1/min) → A (2 servers, Exp mean 1.5 min) → with
/// p = 0.3 to B (1 server, Exp mean 2 min), else exit.
pub fn jackson(horizon: SimTime, warmup: SimTime) -> Scenario {
    let exp = |mins: f64| {
        Some(ServiceDist::Exponential {
            mean_ms: mins * 60_000.0,
        })
    };
    let route = |to, probability| Route {
        when: VehicleFilter::any(),
        to,
        probability,
    };
    let a = Station::simple(
        "A",
        2,
        vec![exp(1.5)],
        vec![
            route(Target::Station(StationId(1)), 0.3),
            route(Target::Exit, 0.7),
        ],
    );
    let b = Station::simple("B", 1, vec![exp(2.0)], vec![]);
    let source = Source::poisson("arrivals", bordersim_model::ClassId(0), 60.0, StationId(0));
    scenario_of(
        "jackson",
        &["customer"],
        vec![a, b],
        vec![source],
        horizon,
        warmup,
    )
}

/// Erlang C: probability that an arrival waits in M/M/c with offered load `a = λ/μ`.
pub fn erlang_c(servers: u32, a: f64) -> f64 {
    let c = f64::from(servers);
    let rho = a / c;
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..servers {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / c;
    let top = last / (1.0 - rho);
    top / (sum + top)
}

/// Exact mean wait in queue of M/M/c (same unit as `1/mu`).
pub fn mmc_wq(lambda: f64, mu: f64, servers: u32) -> f64 {
    erlang_c(servers, lambda / mu) / (f64::from(servers) * mu - lambda)
}

/// Pollaczek–Khinchine mean wait in queue of M/G/1, given the service mean and squared
/// coefficient of variation.
pub fn mg1_wq(lambda: f64, mean_service: f64, scv: f64) -> f64 {
    let rho = lambda * mean_service;
    rho * mean_service * (1.0 + scv) / (2.0 * (1.0 - rho))
}

/// `scenario` with the service time of every class at station `station` replaced by
/// `service` (the crossing is rebuilt and re-validated; everything else is unchanged).
pub fn with_service(scenario: &Scenario, station: StationId, service: ServiceDist) -> Scenario {
    let mut stations = scenario.crossing.stations().to_vec();
    let st = &mut stations[station.index()];
    st.service = vec![Some(service); st.service.len()];
    let crossing = Crossing::new(
        scenario.crossing.name.clone(),
        scenario.population(),
        stations,
        scenario.crossing.sources().to_vec(),
    )
    .expect("changing a service time keeps a crossing valid");
    Scenario {
        crossing,
        ..scenario.clone()
    }
}

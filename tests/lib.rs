//! Shared fixtures for the workspace tests: textbook queueing models built in code, and the
//! exact answers queueing theory gives for them.

#![warn(missing_docs)]

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, Channel, ClassId, Crossing, LaneGroup, LaneSchedule, LogRecord, Population,
    ProgrammeId, RateProfile, Route, Scenario, ServiceDist, Source, Station, StationId, Target,
    TraceArrival, VehicleFilter, VehicleLog,
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

/// Reference model 2 of `docs/sources.md` ("Queueing theory"), an open Jackson network:
/// Poisson(1/min) → A (2 servers, Exp mean 1.5 min) → with p = 0.3 to B (1 server, Exp
/// mean 2 min), else exit.
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

/// A scenario of one crossing with a full population (programmes, channels, directions).
pub fn scenario_with(
    name: &str,
    population: &Population,
    stations: Vec<Station>,
    sources: Vec<Source>,
    horizon: SimTime,
    warmup: SimTime,
) -> Scenario {
    Scenario {
        name: name.into(),
        crossing: Crossing::new(name, population, stations, sources)
            .unwrap_or_else(|e| panic!("{name}: an invalid test model: {e:?}")),
        horizon,
        warmup,
        replications: 1,
        seed: 1,
        start_weekday: 0,
    }
}

/// Time `h:m` on the first day.
pub fn at(h: u64, m: u64) -> SimTime {
    SimTime::from_mins(h * 60 + m)
}

/// Deterministic service of `mins` minutes.
pub fn fixed_min(mins: f64) -> ServiceDist {
    ServiceDist::Deterministic {
        value_ms: mins * 60_000.0,
    }
}

/// A lane group.
pub fn lanes(
    id: &str,
    serves: VehicleFilter,
    share_when_idle: bool,
    schedule: LaneSchedule,
) -> LaneGroup {
    LaneGroup {
        id: id.into(),
        serves,
        share_when_idle,
        schedule,
        rule: None,
    }
}

/// Vehicles of these programmes (any class, any channel).
pub fn programmes(ids: &[u8]) -> VehicleFilter {
    VehicleFilter {
        programmes: Some(ids.iter().map(|&p| ProgrammeId(p)).collect()),
        ..VehicleFilter::default()
    }
}

/// Vehicles of these channels.
pub fn channels(channels: &[Channel]) -> VehicleFilter {
    VehicleFilter {
        channels: Some(channels.to_vec()),
        ..VehicleFilter::default()
    }
}

/// A route taken with `probability` by the vehicles `when` selects.
pub fn route(when: VehicleFilter, to: Target, probability: f64) -> Route {
    Route {
        when,
        to,
        probability,
    }
}

/// A source replaying `rows` at `entry`.
pub fn trace_source(id: &str, entry: StationId, arrivals: Vec<TraceArrival>) -> Source {
    Source {
        id: id.into(),
        entry,
        arrivals: Arrivals::Trace { arrivals },
    }
}

/// A source of one class following an hour-of-day profile and day-of-week factors.
pub fn profile_source(
    id: &str,
    class: ClassId,
    entry: StationId,
    hourly_per_hour: [f64; 24],
    day_factors: [f64; 7],
) -> Source {
    Source {
        id: id.into(),
        entry,
        arrivals: Arrivals::Profile {
            class,
            profile: RateProfile {
                hourly_per_hour,
                day_factors,
            },
        },
    }
}

/// One recorded arrival of `class` at `time`, its programme drawn (`None`) or given.
pub fn row(time: SimTime, class: u16, programme: Option<u8>) -> TraceArrival {
    TraceArrival {
        time,
        class: ClassId(class),
        programme: programme.map(ProgrammeId),
    }
}

/// A vehicle log that keeps every event of every vehicle, in the order the engine emits
/// them (non-decreasing time).
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// Every event logged so far, in the order the engine emitted them.
    pub records: Vec<LogRecord>,
}

impl VehicleLog for Recorder {
    fn wants(&mut self, _vehicle: u64) -> bool {
        true
    }

    fn record(&mut self, record: &LogRecord) {
        self.records.push(*record);
    }
}

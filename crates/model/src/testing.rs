//! A small builder of scenarios for the unit tests: deterministic service times and traced
//! arrivals, so that every expected value is exact.

use bordersim_des::SimTime;

use crate::dist::ServiceDist;
use crate::engine::{CompiledScenario, run_replication, run_replication_logged};
use crate::ids::{ClassId, StationId};
use crate::log::{LogKind, LogRecord, VehicleLog};
use crate::population::{Population, VehicleFilter};
use crate::scenario::Scenario;
use crate::schedule::LaneSchedule;
use crate::source::{Arrivals, Source, TraceArrival};
use crate::station::{LaneGroup, Route, Station, Target};
use crate::stats::ReplicationStats;

/// Every class takes `minutes` of service (deterministic), for `classes` classes.
pub(crate) fn minutes(minutes: f64, classes: usize) -> Vec<Option<ServiceDist>> {
    vec![
        Some(ServiceDist::Deterministic {
            value_ms: minutes * 60_000.0
        });
        classes
    ]
}

/// A lane group of `lanes` always-open lanes serving only `classes`.
pub(crate) fn dedicated(id: &str, classes: &[u16], lanes: LaneSchedule) -> LaneGroup {
    LaneGroup {
        id: id.into(),
        serves: VehicleFilter::classes(classes.iter().map(|&c| ClassId(c)).collect()),
        share_when_idle: false,
        schedule: lanes,
        rule: None,
    }
}

/// A daily schedule with `lanes` open in the hours `open` (start inclusive, end exclusive).
pub(crate) fn open_hours(open: std::ops::Range<usize>, lanes: u32) -> LaneSchedule {
    let mut hours = [0; 24];
    for h in open {
        hours[h] = lanes;
    }
    LaneSchedule::daily(hours)
}

/// Everyone goes to `to` with probability `p`, else exits.
pub(crate) fn to_station(to: u32, p: f64) -> Vec<Route> {
    vec![
        Route {
            when: VehicleFilter::any(),
            to: Target::Station(StationId(to)),
            probability: p,
        },
        Route {
            when: VehicleFilter::any(),
            to: Target::Exit,
            probability: 1.0 - p,
        },
    ]
}

/// A recorded source entering at station 0: (minute of arrival, class) pairs, sorted.
pub(crate) fn trace(arrivals: &[(u64, u16)]) -> Source {
    Source {
        id: "trace".into(),
        entry: StationId(0),
        arrivals: Arrivals::Trace {
            arrivals: arrivals
                .iter()
                .map(|&(minute, class)| TraceArrival {
                    time: SimTime::from_mins(minute),
                    class: ClassId(class),
                    programme: None,
                })
                .collect(),
        },
    }
}

/// A scenario of `stations` fed by `sources`, classes named `c0`, `c1`, …, run for
/// `horizon_min` minutes after `warmup_min` minutes of warm-up (included in the horizon).
pub(crate) fn scenario(
    classes: usize,
    stations: Vec<Station>,
    sources: Vec<Source>,
    warmup_min: u64,
    horizon_min: u64,
) -> Scenario {
    let names: Vec<String> = (0..classes).map(|c| format!("c{c}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    scenario_of(
        &Population::simple(&names),
        stations,
        sources,
        warmup_min,
        horizon_min,
    )
}

/// As [`scenario`], with classes `c0`, `c1`, … of these lengths (metres) in a queue.
pub(crate) fn scenario_with_lengths(
    lengths_m: &[f64],
    stations: Vec<Station>,
    sources: Vec<Source>,
    warmup_min: u64,
    horizon_min: u64,
) -> Scenario {
    let names: Vec<String> = (0..lengths_m.len()).map(|c| format!("c{c}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut population = Population::simple(&names);
    for (class, &length_m) in population.classes.iter_mut().zip(lengths_m) {
        class.length_m = length_m;
    }
    scenario_of(&population, stations, sources, warmup_min, horizon_min)
}

/// A scenario of `population`, `stations` fed by `sources`, run for `horizon_min` minutes
/// after `warmup_min` minutes of warm-up (included in the horizon).
fn scenario_of(
    population: &Population,
    stations: Vec<Station>,
    sources: Vec<Source>,
    warmup_min: u64,
    horizon_min: u64,
) -> Scenario {
    let crossing = crate::crossing::Crossing::new("test", population, stations, sources)
        .unwrap_or_else(|e| panic!("test crossing is invalid: {e:?}"));
    Scenario {
        name: "test".into(),
        crossing,
        horizon: SimTime::from_mins(horizon_min),
        warmup: SimTime::from_mins(warmup_min),
        replications: 1,
        seed: 1,
        start_weekday: 0,
    }
}

/// Runs replication 0 with seed 1.
pub(crate) fn run(scenario: &Scenario) -> ReplicationStats {
    run_replication(&CompiledScenario::new(scenario).unwrap(), 1, 0)
}

/// Every logged event, in order.
#[derive(Default)]
pub(crate) struct Everything(pub(crate) Vec<LogRecord>);

impl VehicleLog for Everything {
    fn wants(&mut self, _vehicle: u64) -> bool {
        true
    }

    fn record(&mut self, record: &LogRecord) {
        self.0.push(*record);
    }
}

/// Runs replication 0 with seed 1, logging every vehicle.
pub(crate) fn run_logged(scenario: &Scenario) -> (ReplicationStats, Vec<LogRecord>) {
    let mut log = Everything::default();
    let stats = run_replication_logged(&CompiledScenario::new(scenario).unwrap(), 1, 0, &mut log);
    (stats, log.0)
}

/// The minute vehicle `vehicle` had an event of `kind` (at any station), if it had one.
pub(crate) fn minute_of(log: &[LogRecord], vehicle: u64, kind: LogKind) -> Option<f64> {
    log.iter()
        .find(|r| r.vehicle == vehicle && r.kind == kind)
        .map(|r| r.time.as_millis() as f64 / 60_000.0)
}

//! Properties of every run, checked on generated crossings (ARCHITECTURE.md, "Invariants"):
//! vehicles are conserved in every replication, the report does not depend on the thread
//! count, and common random numbers hold under a change of one station — every vehicle
//! keeps its arrival time, class, programme and channel, and its draws at the other
//! stations.
//!
//! Each case is a small crossing written as scenario text (a few stations in series, with
//! routing probabilities, a red-channel detour, server counts, exponential or deterministic
//! service, optional finite queues, Poisson or recorded arrivals, a short horizon) and
//! loaded through `bordersim_config`, as a user's file would be. Case counts are modest and
//! the generator's seed is fixed, so the suite runs in about a second and never flakes.

use std::fmt::Write as _;

use bordersim_des::SimTime;
use bordersim_experiment::RunOptions;
use bordersim_model::{LogKind, LogRecord, Scenario, StationId};
use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, RngSeed};

use crate::support::{by_vehicle, logged};

/// A fixed generator seed and no failure files: every run tests the same cases.
fn config(cases: u32, seed: u64) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A service-time distribution as the scenario file writes it.
#[derive(Clone, Debug, PartialEq)]
enum Service {
    /// Exponential with this mean, seconds.
    Exponential(u32),
    /// Always this long, seconds.
    Deterministic(u32),
}

impl Service {
    fn toml(&self) -> String {
        match self {
            Service::Exponential(s) => format!("{{ dist = \"exponential\", mean = \"{s}s\" }}"),
            Service::Deterministic(s) => {
                format!("{{ dist = \"deterministic\", value = \"{s}s\" }}")
            }
        }
    }
}

fn service() -> impl Strategy<Value = Service> {
    prop_oneof![
        (20u32..300).prop_map(Service::Exponential),
        (20u32..300).prop_map(Service::Deterministic),
    ]
}

/// What a full queue does to the next vehicle.
#[derive(Clone, Copy, Debug)]
enum WhenFull {
    Balk,
    Spillback,
}

#[derive(Clone, Debug)]
struct StationSpec {
    servers: u32,
    service: Service,
    /// Tenths of the vehicles (those not sent to the detour) that go on to the next
    /// station; the rest leave the crossing.
    onward_tenths: u32,
    /// Red-channel vehicles go to the last station instead (if this is not it).
    red_to_last: bool,
    /// A finite queue (vehicles, at least 1) and what happens when it is full.
    queue: Option<(u32, WhenFull)>,
}

fn station(finite_queues: bool) -> impl Strategy<Value = StationSpec> {
    let queue = if finite_queues {
        prop::option::weighted(
            0.3,
            (
                1u32..6,
                prop_oneof![Just(WhenFull::Balk), Just(WhenFull::Spillback)],
            ),
        )
        .boxed()
    } else {
        Just(None).boxed()
    };
    (1u32..4, service(), 0u32..=10, any::<bool>(), queue).prop_map(
        |(servers, service, onward_tenths, red_to_last, queue)| StationSpec {
            servers,
            service,
            onward_tenths,
            red_to_last,
            queue,
        },
    )
}

/// Where the vehicles come from.
#[derive(Clone, Debug)]
enum Arrivals {
    /// A Poisson source per class: trucks and cars per hour.
    Poisson { trucks: u32, cars: u32 },
    /// A recorded trace: (seconds from time zero, is a truck, programme if recorded).
    Trace(Vec<(u32, bool, Option<bool>)>),
}

/// A small crossing, as the parameters of its scenario text.
#[derive(Clone, Debug)]
struct Crossing {
    stations: Vec<StationSpec>,
    arrivals: Arrivals,
    horizon_h: u32,
    warmup_h: u32,
    replications: u32,
    seed: u64,
}

/// Name of the trace file a generated scenario names; its text is [`Crossing::trace_csv`].
const TRACE_FILE: &str = "recorded.csv";

impl Crossing {
    fn toml(&self) -> String {
        let mut t = String::new();
        let _ = write!(
            t,
            "[scenario]\nname = \"generated\"\nhorizon = \"{}h\"\nwarmup = \"{}h\"\n\
             replications = {}\nseed = {}\n\n",
            self.horizon_h, self.warmup_h, self.replications, self.seed
        );
        t.push_str("[[programmes]]\nid = \"fast\"\n\n");
        t.push_str(
            "[[classes]]\nid = \"truck\"\nprogrammes = { fast = 0.25, none = 0.75 }\n\
             channels = { green = 0.8, red = 0.2 }\n\n",
        );
        t.push_str("[[classes]]\nid = \"car\"\nchannels = { green = 0.9, red = 0.1 }\n\n");
        let last = self.stations.len() - 1;
        for (i, s) in self.stations.iter().enumerate() {
            let _ = write!(
                t,
                "[[stations]]\nid = \"s{i}\"\nservers = {}\nservice = {}\n",
                s.servers,
                s.service.toml()
            );
            if let Some((capacity, when_full)) = s.queue {
                let when_full = match when_full {
                    WhenFull::Balk => "balk",
                    WhenFull::Spillback => "spillback",
                };
                let _ = writeln!(
                    t,
                    "queue_capacity = {capacity}\nwhen_full = \"{when_full}\""
                );
            }
            if i < last {
                let mut routes = Vec::new();
                if s.red_to_last && i + 1 < last {
                    routes.push(format!("{{ channel = \"red\", to = \"s{last}\", p = 1 }}"));
                }
                let onward = s.onward_tenths;
                if onward > 0 {
                    routes.push(format!(
                        "{{ to = \"s{}\", p = {} }}",
                        i + 1,
                        f64::from(onward) / 10.0
                    ));
                }
                if onward < 10 {
                    routes.push(format!(
                        "{{ to = \"exit\", p = {} }}",
                        f64::from(10 - onward) / 10.0
                    ));
                }
                let _ = writeln!(t, "routes = [{}]", routes.join(", "));
            }
            t.push('\n');
        }
        match &self.arrivals {
            Arrivals::Poisson { trucks, cars } => {
                for (class, rate) in [("truck", trucks), ("car", cars)] {
                    let _ = write!(
                        t,
                        "[[sources]]\nid = \"{class}s\"\nclass = \"{class}\"\n\
                         rate = \"{rate}/h\"\nentry = \"s0\"\n\n"
                    );
                }
            }
            Arrivals::Trace(_) => {
                let _ = write!(
                    t,
                    "[[sources]]\nid = \"recorded\"\ntrace = \"{TRACE_FILE}\"\nentry = \"s0\"\n"
                );
            }
        }
        t
    }

    fn trace_csv(&self) -> String {
        let mut csv = String::from("time,class,programme\n");
        if let Arrivals::Trace(rows) = &self.arrivals {
            let mut rows = rows.clone();
            rows.sort_by_key(|&(time, _, _)| time);
            for (time, truck, programme) in rows {
                let class = if truck { "truck" } else { "car" };
                let programme = match programme {
                    None => "",
                    Some(true) => "fast",
                    Some(false) => "none",
                };
                let _ = writeln!(csv, "{time},{class},{programme}");
            }
        }
        csv
    }

    fn scenario(&self) -> Scenario {
        let text = self.toml();
        let csv = self.trace_csv();
        let read = |path: &str| {
            if path == TRACE_FILE {
                Ok(csv.clone())
            } else {
                Err(format!("no file {path}"))
            }
        };
        bordersim_config::parse_scenario_with(&text, "generated.toml", &read)
            .unwrap_or_else(|e| panic!("a generated scenario is valid: {e}\n{text}\n{csv}"))
            .scenario
    }
}

fn crossing(finite_queues: bool) -> impl Strategy<Value = Crossing> {
    (1u32..8).prop_flat_map(move |horizon_h| {
        let arrivals = prop_oneof![
            (1u32..40, 1u32..40).prop_map(|(trucks, cars)| Arrivals::Poisson { trucks, cars }),
            prop::collection::vec(
                (
                    0..horizon_h * 3600,
                    any::<bool>(),
                    prop::option::of(any::<bool>())
                ),
                1..150,
            )
            .prop_map(Arrivals::Trace),
        ];
        (
            prop::collection::vec(station(finite_queues), 1..5),
            arrivals,
            0..horizon_h,
            1u32..4,
            0u64..1_000_000,
        )
            .prop_map(
                move |(stations, arrivals, warmup_h, replications, seed)| Crossing {
                    stations,
                    arrivals,
                    horizon_h,
                    warmup_h,
                    replications,
                    seed,
                },
            )
    })
}

fn run(scenario: &Scenario, threads: usize) -> bordersim_experiment::Outcome {
    let options = RunOptions {
        replications: scenario.replications,
        seed: scenario.seed,
        threads: Some(threads),
    };
    bordersim_experiment::run(scenario, &options).expect("a generated scenario runs")
}

/// The visits of one vehicle in the order it made them: the station and, once its service
/// ended, how long the service took.
fn visits(records: &[LogRecord]) -> Vec<(StationId, Option<SimTime>)> {
    let mut out: Vec<(StationId, SimTime, Option<SimTime>)> = Vec::new();
    for r in records {
        match (r.kind, r.station) {
            (LogKind::Start, Some(station)) => out.push((station, r.time, None)),
            (LogKind::End, Some(station)) => {
                let visit = out.last_mut().expect("a service ends after it starts");
                assert_eq!(visit.0, station, "a service ends where it started");
                visit.2 = Some(r.time - visit.1);
            }
            _ => {}
        }
    }
    out.into_iter()
        .map(|(station, _, service)| (station, service))
        .collect()
}

/// Arrival time, class, programme and channel of every vehicle, by vehicle number.
fn arrivals(records: &[LogRecord]) -> Vec<impl PartialEq + std::fmt::Debug> {
    records
        .iter()
        .filter(|r| r.kind == LogKind::Arrive)
        .map(|r| (r.vehicle, r.time, r.class, r.programme, r.channel))
        .collect()
}

/// A change to one station: its service time, its number of servers, or both.
#[derive(Clone, Debug)]
struct Change {
    station: usize,
    servers: Option<u32>,
    service: Option<Service>,
}

fn change() -> impl Strategy<Value = Change> {
    (
        any::<prop::sample::Index>(),
        prop::option::of(1u32..5),
        prop::option::of(service()),
    )
        .prop_map(|(station, servers, service)| Change {
            // Resolved against the number of stations when applied.
            station: station.index(usize::MAX),
            servers,
            service,
        })
}

proptest! {
    #![proptest_config(config(48, 0x00c0_05e7))]

    /// In every replication, vehicles in the system at the start of the window + arrivals =
    /// departures + balked + vehicles in the system at the end, and the classes add up to
    /// the totals.
    #[test]
    fn vehicles_are_conserved_in_every_replication(crossing in crossing(true)) {
        let scenario = crossing.scenario();
        let outcome = run(&scenario, 1);
        prop_assert_eq!(outcome.replications.len(), scenario.replications as usize);
        for rep in &outcome.replications {
            let v = &rep.vehicles;
            prop_assert!(v.is_conserved(), "replication {}: {:?}", rep.replication, v);
            let arrived: u64 = rep.classes.iter().map(|c| c.arrived).sum();
            let departed: u64 = rep.classes.iter().map(|c| c.departed).sum();
            prop_assert_eq!(arrived, v.arrived);
            prop_assert_eq!(departed, v.departed);
        }
    }
}

proptest! {
    #![proptest_config(config(32, 0x0007_4ead))]

    /// The report and every replication are the same on one thread and on two.
    #[test]
    fn the_thread_count_changes_nothing(crossing in crossing(true)) {
        let scenario = crossing.scenario();
        let (one, two) = (run(&scenario, 1), run(&scenario, 2));
        let json = |o: &bordersim_experiment::Outcome| {
            serde_json::to_string(&o.report).expect("the report serialises")
        };
        prop_assert_eq!(json(&one), json(&two));
        for (a, b) in one.replications.iter().zip(&two.replications) {
            prop_assert_eq!(a.replication, b.replication);
            prop_assert_eq!(a.events, b.events);
            prop_assert_eq!(&a.vehicles, &b.vehicles);
        }
    }
}

proptest! {
    #![proptest_config(config(48, 0x0000_c4a1))]

    /// Common random numbers: changing one station's service time or servers leaves every
    /// vehicle's arrival time, class, programme and channel as they were, every routing
    /// decision, and every service time drawn at the other stations. A vehicle's visits in
    /// one run are a prefix of its visits in the other (a run may end, or a full queue turn
    /// it away, before it made them all).
    #[test]
    fn one_station_change_keeps_every_other_draw(
        crossing in crossing(true),
        change in change(),
        replication in 0u64..3,
    ) {
        let k = change.station % crossing.stations.len();
        let mut changed = crossing.clone();
        if let Some(servers) = change.servers {
            changed.stations[k].servers = servers;
        }
        if let Some(service) = change.service {
            changed.stations[k].service = service;
        }
        let seed = crossing.seed;
        let (_, base) = logged(&crossing.scenario(), seed, replication);
        let (_, other) = logged(&changed.scenario(), seed, replication);

        prop_assert_eq!(arrivals(&base), arrivals(&other));
        let (base, other) = (by_vehicle(&base), by_vehicle(&other));
        prop_assert_eq!(base.len(), other.len());
        let changed_station = StationId(k as u32);
        for (vehicle, records) in &base {
            // Every vehicle arrived in both runs (checked above), so both logged it.
            let records_other = &other[vehicle];
            let (a, b) = (visits(records), visits(records_other));
            for (i, (va, vb)) in a.iter().zip(&b).enumerate() {
                prop_assert_eq!(
                    va.0, vb.0,
                    "vehicle {}: visit {} of {}/{} went elsewhere", vehicle, i, a.len(), b.len()
                );
                if va.0 != changed_station && va.1.is_some() && vb.1.is_some() {
                    prop_assert_eq!(
                        va.1, vb.1,
                        "vehicle {}: service time at station {} changed", vehicle, va.0.0
                    );
                }
            }
        }
    }
}

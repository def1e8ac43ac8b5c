//! The catalogue of reforms (policies) on small crossings whose outcome is known in advance:
//! by construction (stops removed, documents skipped, lanes opened to their limit) or from
//! queueing theory (Pollaczek–Khinchine for the changed service-time mixes).

use bordersim_experiment::{Report, summarise};
use bordersim_model::{ReplicationStats, Scenario};

use crate::support::{
    MIN, assert_count, assert_near_exact, mean_wait_min, per_rep, replicate, share_waiting,
};

/// The baseline with the policy applied, loaded like a scenario file.
fn with_policy(base: &str, policy: &str) -> Scenario {
    let applied = bordersim_config::apply_policy(base, policy, "policy.toml")
        .unwrap_or_else(|e| panic!("the policy applies: {e}"));
    bordersim_config::parse_scenario(&applied.scenario_text, "changed")
        .unwrap_or_else(|e| {
            panic!(
                "the changed scenario is valid: {e}\n{}",
                applied.scenario_text
            )
        })
        .scenario
}

fn scenario(text: &str) -> Scenario {
    bordersim_config::parse_scenario(text, "base.toml")
        .expect("valid baseline")
        .scenario
}

fn report(scenario: &Scenario, reps: &[ReplicationStats]) -> Report {
    summarise(scenario, scenario.seed, reps)
}

fn station(scenario: &Scenario, id: &str) -> usize {
    scenario.station_id(id).expect("station exists").index()
}

/// Mean service time at a station in one replication, minutes: stage time minus wait.
fn mean_service_min(rep: &ReplicationStats, station: usize) -> f64 {
    let s = &rep.stations[station];
    let stage = s.stages.merged(|_| true);
    let wait = s.wait();
    (stage.sum_ms() - wait.sum_ms()) as f64 / stage.count() as f64 / MIN
}

/// Four sequential controls: exit customs and immigration of country A, entry immigration
/// and customs of country B.
const CORRIDOR: &str = r#"
[scenario]
name = "two-country corridor"
horizon = "60d"
warmup = "1d"
replications = 10
seed = 5

[[classes]]
id = "truck"

[[stations]]
id = "a-customs"
servers = 2
service = { dist = "exponential", mean = "4min" }
routes = [{ to = "a-immigration", p = 1 }]

[[stations]]
id = "a-immigration"
servers = 2
service = { dist = "exponential", mean = "3min" }
routes = [{ to = "b-immigration", p = 1 }]

[[stations]]
id = "b-immigration"
servers = 2
service = { dist = "exponential", mean = "3min" }
routes = [{ to = "b-customs", p = 1 }]

[[stations]]
id = "b-customs"
servers = 2
service = { dist = "exponential", mean = "4min" }
releases = true

[[sources]]
id = "trucks"
class = "truck"
rate = "20/h"
entry = "a-customs"
"#;

const OSBP: &str = r#"
[policy]
name = "one-stop border post"
measure = "one_stop_border_post"

[[one_stop_border_post]]
stations = ["a-customs", "b-customs"]
service_factor = 0.75
servers = 4

# Servers default to both countries' officers together: 2 + 2.
[[one_stop_border_post]]
stations = ["a-immigration", "b-immigration"]
"#;

/// A one-stop border post merging each pair of national controls halves the stops: the
/// merged controls see no vehicle stop, the joint stops see every vehicle, and the joint
/// customs stop's service is the sum of both customs' work times the factor (0.75 × 8 min).
#[test]
fn a_one_stop_border_post_halves_the_stops() {
    let base = scenario(CORRIDOR);
    let osbp = with_policy(CORRIDOR, OSBP);
    let base_reps = replicate(&base, 10, 5);
    let osbp_reps = replicate(&osbp, 10, 5);
    let stops = |reps: &[ReplicationStats]| -> f64 {
        let entered: u64 = reps
            .iter()
            .flat_map(|r| r.stations.iter().map(|s| s.entered))
            .sum();
        let departed: u64 = reps.iter().map(|r| r.vehicles.departed).sum();
        entered as f64 / departed as f64
    };
    // Vehicles under way at the window's edges make the ratio inexact by a few in 10^4.
    assert!(
        (stops(&base_reps) - 4.0).abs() < 0.01,
        "{}",
        stops(&base_reps)
    );
    assert!(
        (stops(&osbp_reps) - 2.0).abs() < 0.01,
        "{}",
        stops(&osbp_reps)
    );
    for merged in ["b-customs", "b-immigration"] {
        let s = station(&osbp, merged);
        for r in &osbp_reps {
            assert_eq!(r.stations[s].entered, 0, "{merged}");
            assert!(r.stations[s].passed > 0, "{merged}");
        }
    }
    let joint = station(&osbp, "a-customs");
    let service = per_rep(&osbp_reps, |r| mean_service_min(r, joint));
    assert_near_exact(
        "joint customs service (min)",
        &service,
        0.75 * 8.0,
        0.01,
        0.0,
    );
    // The release moved to the joint stop with the customs work; the crossing is faster.
    let (b, o) = (report(&base, &base_reps), report(&osbp, &osbp_reps));
    assert!(
        o.system.release.mean_s.unwrap() < b.system.release.mean_s.unwrap(),
        "{:?} vs {:?}",
        o.system.release,
        b.system.release
    );
}

/// Two document desks in series (exponential 3 and 2 min) merged into a single window
/// whose service is 0.6 × their sum, staffed by one officer: an M/G/1 queue whose mean wait
/// Pollaczek–Khinchine gives exactly.
#[test]
fn a_single_window_queue_matches_pollaczek_khinchine() {
    let base = r#"
[scenario]
name = "two document desks"
horizon = "400d"
warmup = "2d"

[[classes]]
id = "truck"

[[stations]]
id = "customs-docs"
servers = 1
service = { dist = "exponential", mean = "3min" }
routes = [{ to = "health-docs", p = 1 }]

[[stations]]
id = "health-docs"
servers = 1
service = { dist = "exponential", mean = "2min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "12/h"
entry = "customs-docs"
"#;
    let policy = r#"
[policy]
name = "single window"
[[single_window]]
stations = ["customs-docs", "health-docs"]
service_factor = 0.6
servers = 1
"#;
    let sw = with_policy(base, policy);
    let reps = replicate(&sw, 10, 21);
    // S = 0.6 (X1 + X2), X1 ~ exp(3), X2 ~ exp(2): E[S] = 3, E[S²] = 0.36 (2·9 + 2·4 + 2·3·2).
    let (lambda, mean, second) = (0.2, 3.0, 0.36 * 38.0);
    let wq = lambda * second / (2.0 * (1.0 - lambda * mean));
    let s = station(&sw, "customs-docs");
    let waits = per_rep(&reps, |r| mean_wait_min(r, s));
    assert_near_exact("single-window Wq (min)", &waits, wq, 0.03, 0.0);
    let h = station(&sw, "health-docs");
    assert!(reps.iter().all(|r| r.stations[h].entered == 0));
}

const DOCUMENTS: &str = r#"
[scenario]
name = "primary then documents"
horizon = "30d"
warmup = "1d"

[[classes]]
id = "truck"

[[stations]]
id = "primary"
servers = 2
service = { dist = "exponential", mean = "2min" }
routes = [{ to = "documents", p = 1 }]

[[stations]]
id = "documents"
servers = 1
service = { dist = "exponential", mean = "5min" }
releases = true

[[sources]]
id = "trucks"
class = "truck"
rate = "10/h"
entry = "primary"
"#;

/// With every shipment lodged in advance, no truck stops at the document desk and every
/// (green) truck is released on arrival: an arrival-to-release time of zero.
#[test]
fn full_pre_arrival_processing_removes_the_document_stage() {
    let policy = r#"
[policy]
name = "pre-arrival processing"
[[pre_arrival_processing]]
share = 1.0
skip = ["documents"]
"#;
    let pre = with_policy(DOCUMENTS, policy);
    let reps = replicate(&pre, 10, 8);
    let docs = station(&pre, "documents");
    for r in &reps {
        assert_eq!(r.stations[docs].entered, 0);
        assert_eq!(r.stations[docs].wait().count(), 0);
        assert!(r.stations[docs].passed > 0);
        assert_eq!(r.released_on_arrival[0], r.vehicles.departed);
        assert_eq!(r.pre_lodged_exits[0], r.vehicles.departed);
    }
    let rep = report(&pre, &reps);
    assert_eq!(rep.system.release.max_s, Some(0.0));
    assert_eq!(rep.trs.pre_arrival[0].share_released_on_arrival, 1.0);
    // Without release on arrival the release comes when the truck passes the desk: after
    // primary, never later.
    let later = with_policy(
        DOCUMENTS,
        "[policy]\nname = \"p\"\n[[pre_arrival_processing]]\nshare = 1.0\nskip = [\"documents\"]\nrelease_on_arrival = false\n",
    );
    let later_reps = replicate(&later, 4, 8);
    let primary = station(&later, "primary");
    for r in &later_reps {
        assert_eq!(r.released_on_arrival[0], 0);
        let release = r.release.merged(|_| true);
        let exit = r.exit.merged(|_| true);
        assert_eq!(release.sum_ms(), exit.sum_ms(), "passing is the last stop");
        assert!(r.stations[primary].served > 0);
    }
}

/// A share p of shipments lodged in advance: the number passing the desk is binomial, and
/// the desk's wait falls as its load does (an M/M/1 queue thinned to (1 − p)·λ).
#[test]
fn partial_pre_arrival_processing_thins_the_document_queue() {
    let policy = r#"
[policy]
name = "pre-arrival processing, 60%"
[[pre_arrival_processing]]
share = 0.6
skip = ["documents"]
"#;
    let pre = with_policy(DOCUMENTS, policy);
    let reps = replicate(&pre, 10, 9);
    let docs = station(&pre, "documents");
    let passed: u64 = reps.iter().map(|r| r.stations[docs].passed).sum();
    let stopped: u64 = reps.iter().map(|r| r.stations[docs].entered).sum();
    let n = (passed + stopped) as f64;
    assert_count("pre-lodged trucks", passed, 0.6 * n, n * 0.6 * 0.4);
    // Thinned Poisson at the desk: 4/h, exp(5 min), ρ = 1/3: Wq = ρ / (μ − λ) = 2.5 min.
    let waits = per_rep(&reps, |r| mean_wait_min(r, docs));
    let ci = bordersim_stats::MeanCi::from_samples(&waits).unwrap();
    let hw = ci.half_width_95.unwrap();
    assert!((ci.mean - 2.5).abs() <= 2.0 * hw + 0.02, "{ci:?}");
}

/// Authorised operators: half the trucks join a programme served twice as fast at primary
/// and inspected half as often. The primary queue is M/G/1 with a two-point mix of
/// exponentials (P-K again), and the share sent to X-ray is binomial with the mixed rate.
#[test]
fn authorised_operators_match_theory() {
    let base = r#"
[scenario]
name = "primary and X-ray"
horizon = "300d"
warmup = "2d"

[[classes]]
id = "truck"
channels = { green = 0.8, red = 0.2 }

[[stations]]
id = "primary"
servers = 1
service = { dist = "exponential", mean = "2min" }
routes = [{ channel = "red", to = "xray", p = 1 }, { to = "exit", p = 1 }]

[[stations]]
id = "xray"
servers = 2
service = { dist = "exponential", mean = "3min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "24/h"
entry = "primary"
"#;
    let policy = r#"
[policy]
name = "AEO"
[[authorised_operators]]
programme = "aeo"
share = 0.5
inspection_factor = 0.5
faster = { primary = 0.5 }
"#;
    let aeo = with_policy(base, policy);
    let reps = replicate(&aeo, 10, 13);
    // S = exp(2) or exp(1) with probability ½ each: E[S] = 1.5, E[S²] = ½·8 + ½·2 = 5.
    let (lambda, mean, second) = (0.4, 1.5, 5.0);
    let wq = lambda * second / (2.0 * (1.0 - lambda * mean));
    let primary = station(&aeo, "primary");
    let waits = per_rep(&reps, |r| mean_wait_min(r, primary));
    assert_near_exact("primary Wq with AEO (min)", &waits, wq, 0.03, 0.0);
    let xray = station(&aeo, "xray");
    let red: u64 = reps.iter().map(|r| r.stations[xray].entered).sum();
    let served: u64 = reps.iter().map(|r| r.stations[primary].served).sum();
    let p = 0.5 * 0.2 + 0.5 * 0.1;
    assert_count(
        "trucks sent to X-ray",
        red,
        p * served as f64,
        served as f64 * p * (1.0 - p),
    );
}

/// Dedicated lanes for authorised operators turn the station's servers into a `general`
/// group beside the programme's own, which serves only the programme (sharing when idle).
#[test]
fn authorised_operators_get_dedicated_lanes() {
    let policy = r#"
[policy]
name = "AEO lanes"
[[authorised_operators]]
programme = "aeo"
share = 0.3
dedicated_lanes = [{ station = "primary", servers = 1, share_when_idle = false }]
"#;
    let aeo = with_policy(DOCUMENTS, policy);
    let primary = &aeo.crossing.stations()[station(&aeo, "primary")];
    assert_eq!(primary.lanes.len(), 2);
    assert_eq!(primary.lanes[0].id, "general");
    assert_eq!(primary.lanes[1].id, "aeo");
    assert_eq!(primary.max_servers(), 3);
    let reps = replicate(&aeo, 4, 2);
    let p = station(&aeo, "primary");
    let served_dedicated: f64 = reps
        .iter()
        .map(|r| r.stations[p].lanes[1].served as f64)
        .sum();
    let served: f64 = reps.iter().map(|r| r.stations[p].served as f64).sum();
    // Only programme vehicles use the dedicated lane: at most its share of the traffic.
    assert!(served_dedicated > 0.0 && served_dedicated < 0.3 * served * 1.1);
}

fn lane_rule_case(rate: &str, start: u32, max_lanes: u32) -> (Scenario, Vec<ReplicationStats>) {
    let base = format!(
        r#"
[scenario]
name = "lane rule"
horizon = "5d"

[[classes]]
id = "car"

[[stations]]
id = "booths"
servers = 2
service = {{ dist = "exponential", mean = "2min" }}

[[sources]]
id = "cars"
class = "car"
rate = "{rate}"
entry = "booths"
"#
    );
    let policy = format!(
        r#"
[policy]
name = "lane rule"
[[lane_rule]]
station = "booths"
min_wait = "1min"
max_wait = "5min"
min_lanes = 1
max_lanes = {max_lanes}
start = {start}
review = "15min"
"#
    );
    let s = with_policy(&base, &policy);
    let reps = replicate(&s, 4, 17);
    (s, reps)
}

/// A lane rule opens lanes one at a time up to its maximum under overload (120/h against
/// at most 3 lanes × 30/h), and closes them down to its minimum when nobody waits.
#[test]
fn a_lane_rule_opens_to_its_maximum_and_closes_to_its_minimum() {
    let (_, reps) = lane_rule_case("120/h", 1, 3);
    for r in &reps {
        let lanes = &r.stations[0].lanes[0];
        assert_eq!(lanes.rule_openings, 2);
        assert_eq!(lanes.rule_closings, 0);
        assert_eq!(lanes.open.max(), 3);
        assert_eq!(lanes.open.level(), 3);
    }
    let (_, reps) = lane_rule_case("3/h", 4, 6);
    for r in &reps {
        let lanes = &r.stations[0].lanes[0];
        // Every change is one lane: the count moved from 4 by openings − closings.
        assert_eq!(
            4 + lanes.rule_openings - lanes.rule_closings,
            lanes.open.level()
        );
        assert!(lanes.rule_closings >= 3);
        // One lane at ρ = 0.1 rarely makes anyone wait 5 min, so it stays near one lane.
        assert!(lanes.open.mean_until(r.window_end_ms) < 1.2);
        assert!(share_waiting(r, 0) < 0.2);
    }
}

/// Between the extremes, the rule keeps the reviewed wait inside its band most of the
/// time, and uses fewer lane-hours than keeping the most lanes open all day.
#[test]
fn a_lane_rule_holds_the_wait_near_its_band_with_fewer_lanes() {
    let (s, reps) = lane_rule_case("100/h", 4, 8);
    let rep = report(&s, &reps);
    let booths = &rep.stations[0];
    let group = &booths.lane_groups[0];
    assert!(group.rule_openings.unwrap() > 0.0 && group.rule_closings.unwrap() > 0.0);
    assert!(
        booths.wait.mean_s.unwrap() < 5.0 * 60.0,
        "{:?}",
        booths.wait
    );
    let always_max = 8.0 * rep.horizon_s / 3600.0;
    assert!(
        booths.lane_hours < 0.9 * always_max,
        "{}",
        booths.lane_hours
    );
}

/// The reforms that change how a station works (pre-arrival processing, a lane rule, a
/// single window) leave every vehicle as it was: the same arrival time, class, programme
/// and risk channel, vehicle by vehicle, as the event logs show.
#[test]
fn process_reforms_keep_every_vehicle_arrival_class_and_channel() {
    let base = r#"
[scenario]
name = "mixed traffic"
horizon = "2d"

[[programmes]]
id = "fast"

[[classes]]
id = "loaded"
programmes = { fast = 0.3, none = 0.7 }
channels = { green = 0.7, yellow = 0.2, red = 0.1 }
random_inspection = 0.02

[[classes]]
id = "empty"
channels = { green = 0.9, red = 0.1 }

[[stations]]
id = "primary"
servers = 3
service = { dist = "lognormal", mean = "2min", cv = 0.5 }
routes = [
  { channel = "red", to = "xray", p = 1 },
  { channel = "yellow", to = "documents", p = 1 },
  { to = "exit", p = 1 },
]

[[stations]]
id = "xray"
servers = 1
service = { dist = "exponential", mean = "3min" }
routes = [{ to = "documents", p = 0.2 }, { to = "exit", p = 0.8 }]

[[stations]]
id = "documents"
servers = 2
service = { dist = "triangular", min = "3min", mode = "5min", max = "12min" }
routes = [{ to = "health", p = 1 }]

[[stations]]
id = "health"
servers = 2
service = { dist = "exponential", mean = "2min" }

[[sources]]
id = "loaded"
class = "loaded"
rate = "50/h"
entry = "primary"

[[sources]]
id = "empty"
class = "empty"
rate = "20/h"
entry = "primary"
"#;
    let policies = [
        "[policy]\nname = \"pre\"\n[[pre_arrival_processing]]\nshare = 0.6\nclasses = [\"loaded\"]\nskip = [\"documents\"]\nservice_factor = { primary = 0.8 }\n",
        "[policy]\nname = \"rule\"\n[[lane_rule]]\nstation = \"primary\"\nmin_wait = \"1min\"\nmax_wait = \"3min\"\nmax_lanes = 5\n",
        "[policy]\nname = \"sw\"\n[[single_window]]\nstations = [\"documents\", \"health\"]\nservice_factor = 0.7\n",
    ];
    let arrivals = |s: &Scenario| {
        let model = bordersim_model::CompiledScenario::new(s).expect("valid");
        let mut log = bordersim_tests::Recorder::default();
        bordersim_model::run_replication_logged(&model, 77, 0, &mut log);
        log.records
            .into_iter()
            .filter(|r| r.kind == bordersim_model::LogKind::Arrive)
            .map(|r| (r.vehicle, r.time, r.class, r.programme, r.channel))
            .collect::<Vec<_>>()
    };
    let baseline = arrivals(&scenario(base));
    assert!(baseline.len() > 3000, "{}", baseline.len());
    for policy in policies {
        let reformed = arrivals(&with_policy(base, policy));
        assert_eq!(baseline, reformed, "{policy}");
    }
}

const ONE_BOOTH: &str = r#"
[scenario]
name = "one booth, then X-ray for red"
horizon = "300d"
warmup = "2d"

[[classes]]
id = "truck"
channels = { green = 0.9, red = 0.1 }

[[stations]]
id = "booth"
servers = 1
service = { dist = "exponential", mean = "2min" }
routes = [{ channel = "red", to = "xray", p = 1 }, { to = "exit", p = 1 }]

[[stations]]
id = "xray"
servers = 1
service = { dist = "exponential", mean = "5min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "24/h"
entry = "booth"
"#;

/// Staffing: a second booth turns the M/M/1 booth (ρ = 0.8) into M/M/2, whose wait
/// Erlang-C gives.
#[test]
fn staffing_matches_erlang_c() {
    let s = with_policy(
        ONE_BOOTH,
        "[policy]\nname = \"+1 booth\"\n[[staffing]]\nstation = \"booth\"\nadd = 1\n",
    );
    let reps = replicate(&s, 10, 31);
    let waits = per_rep(&reps, |r| mean_wait_min(r, 0));
    let exact = bordersim_tests::mmc_wq(0.4, 0.5, 2);
    assert_near_exact("M/M/2 Wq after staffing (min)", &waits, exact, 0.03, 0.0);
}

/// Equipment: a scanner twice as fast halves every X-ray time: the X-ray queue (red trucks,
/// 2.4/h, now exponential 2.5 min) is M/M/1 at ρ = 0.1.
#[test]
fn faster_equipment_matches_mm1() {
    let s = with_policy(
        ONE_BOOTH,
        "[policy]\nname = \"scanner\"\n[[equipment]]\nstation = \"xray\"\nservice_factor = 0.5\n",
    );
    let reps = replicate(&s, 10, 32);
    let xray = station(&s, "xray");
    let busy = per_rep(&reps, |r| crate::support::utilization(r, xray));
    assert_near_exact("X-ray utilization", &busy, 0.04 * 2.5, 0.03, 0.0);
}

/// Risk management: targeting 4% red plus 1% random selection sends
/// 0.04 + 0.96 × 0.01 of the trucks to X-ray (binomial).
#[test]
fn risk_management_sets_the_inspection_rate() {
    let s = with_policy(
        ONE_BOOTH,
        "[policy]\nname = \"risk\"\n[[risk_management]]\nclass = \"truck\"\nchannels = { green = 0.96, red = 0.04 }\nrandom_inspection = 0.01\n",
    );
    let reps = replicate(&s, 4, 33);
    let xray = station(&s, "xray");
    let red: u64 = reps.iter().map(|r| r.stations[xray].entered).sum();
    let served: u64 = reps.iter().map(|r| r.stations[0].served).sum();
    let p = 0.04 + 0.96 * 0.01;
    assert_count(
        "trucks sent to X-ray",
        red,
        p * served as f64,
        served as f64 * p * (1.0 - p),
    );
}

/// Pre-arrival processing limited to one direction: the other direction's vehicles are never
/// pre-lodged, so none of them is released on arrival, whatever the share; without the
/// limit, both directions' are.
#[test]
fn pre_arrival_processing_limited_to_a_direction_leaves_the_other_alone() {
    const TWO_WAYS: &str = r#"
[scenario]
name = "two ways"
horizon = "2d"
replications = 3
seed = 3

[[directions]]
id = "northbound"

[[directions]]
id = "southbound"

[[classes]]
id = "truck"

[[stations]]
id = "nb-documents"
direction = "northbound"
servers = 4
service = { dist = "exponential", mean = "3min" }

[[stations]]
id = "sb-aduana"
direction = "southbound"
servers = 4
service = { dist = "exponential", mean = "3min" }

[[sources]]
id = "nb"
class = "truck"
rate = "30/h"
entry = "nb-documents"

[[sources]]
id = "sb"
class = "truck"
rate = "30/h"
entry = "sb-aduana"
"#;
    let limited = with_policy(
        TWO_WAYS,
        "[policy]\nname = \"nb\"\n[[pre_arrival_processing]]\nshare = 0.8\ndirections = [\"northbound\"]\nskip = [\"nb-documents\"]\n",
    );
    let everywhere = with_policy(
        TWO_WAYS,
        "[policy]\nname = \"all\"\n[[pre_arrival_processing]]\nshare = 0.8\nskip = [\"nb-documents\"]\n",
    );
    for rep in replicate(&limited, 3, 3) {
        assert_eq!(rep.pre_lodged_exits[1], 0);
        assert_eq!(rep.released_on_arrival[1], 0);
        assert!(rep.released_on_arrival[0] > 0);
    }
    for rep in replicate(&everywhere, 3, 3) {
        assert!(rep.released_on_arrival[1] > 0);
    }
    // The northbound vehicles are the same ones, pre-lodged alike.
    let (a, b) = (replicate(&limited, 3, 3), replicate(&everywhere, 3, 3));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.pre_lodged_exits[0], y.pre_lodged_exits[0]);
        assert_eq!(x.released_on_arrival[0], y.released_on_arrival[0]);
    }
}

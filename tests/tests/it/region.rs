//! Border regions: the coupled arrivals behind common random numbers across iterations, the
//! equilibrium against a single simulation, monotonicity, the demand response, the bundled
//! examples, and bad region files.

use std::collections::BTreeMap;
use std::path::Path;

use bordersim_config::{LoadedRegion, apply_region_policy, parse_region_with};
use bordersim_des::SimTime;
use bordersim_experiment::RunOptions;
use bordersim_experiment::region::{
    CountryShift, RegionComparison, RegionCrossing, RegionModel, candidate_peak, compare_regions,
    regional_source, run_region,
};
use bordersim_model::{
    Arrivals, ClassId, Crossing, DirectionId, LogKind, Population, RateProfile, Scenario, Source,
    Station, StationId,
};
use bordersim_trade::{ChoiceParams, CrossingAlternative, Grid, OdDemand, Region, StepRule, Zone};

use crate::support::{by_vehicle, exponential, logged};

const HORIZON: SimTime = SimTime::from_hours(48);
const WARMUP: SimTime = SimTime::from_hours(12);

/// A one-direction crossing: one station of `servers` lanes with exponential service.
fn crossing(name: &str, servers: u32, mean_min: f64) -> Scenario {
    let population = Population::simple(&["truck"]);
    let station = Station::simple(
        "primary",
        servers,
        vec![Some(exponential(mean_min))],
        vec![],
    );
    let own = Source::poisson("own", ClassId(0), 10.0, StationId(0));
    Scenario {
        name: name.into(),
        crossing: Crossing::new(name, &population, vec![station], vec![own]).expect("valid"),
        horizon: HORIZON,
        warmup: WARMUP,
        replications: 4,
        seed: 1,
        start_weekday: 0,
    }
}

/// A region with one zone on each side and traffic one way (`a1` → `b1`), through the given
/// crossings (all 10 + 10 driving minutes away).
fn region(crossings: Vec<Scenario>, vehicles_per_day: f64, elasticity_per_day: f64) -> RegionModel {
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
        max_iterations: 60,
        tolerance: 0.01,
        averaging: StepRule::SelfRegulated {
            worse: 1.5,
            better: 0.3,
        },
    }
}

fn options(replications: u32) -> RunOptions {
    RunOptions {
        replications,
        seed: 3,
        threads: None,
    }
}

fn thinned(rate_per_hour: f64, peak_per_hour: f64) -> Scenario {
    let mut s = crossing("thinned", 1000, 5.0);
    let source = Source {
        id: "coupled".into(),
        entry: StationId(0),
        arrivals: Arrivals::Thinned {
            class: ClassId(0),
            peak_per_hour,
            profile: RateProfile {
                hourly_per_hour: [rate_per_hour; 24],
                day_factors: [1.0; 7],
            },
        },
    };
    s.crossing = Crossing::new(
        "thinned",
        s.population(),
        s.crossing.stations().to_vec(),
        vec![source],
    )
    .expect("valid");
    s
}

/// Arrival time → service time of every vehicle of one replication (no queue: 1000 lanes).
fn services(scenario: &Scenario) -> BTreeMap<u64, u64> {
    let (_, records) = logged(scenario, 5, 0);
    by_vehicle(&records)
        .values()
        .map(|events| {
            let at = |kind| {
                events
                    .iter()
                    .find(|e| e.kind == kind)
                    .map(|e| e.time.as_millis())
            };
            let arrive = at(LogKind::Arrive).expect("arrival");
            let service = at(LogKind::End).unwrap_or(u64::MAX) - at(LogKind::Start).unwrap_or(0);
            (arrive, service)
        })
        .collect()
}

#[test]
fn thinned_arrivals_keep_their_vehicles_when_the_rate_changes() {
    let fewer = services(&thinned(20.0, 60.0));
    let more = services(&thinned(30.0, 60.0));
    assert!(
        fewer.len() > 500 && more.len() > fewer.len() + 100,
        "{} {}",
        fewer.len(),
        more.len()
    );
    // Every vehicle of the smaller flow is in the larger one, at the same time, with the
    // same service draw: only the candidates kept differ.
    for (arrival, service) in &fewer {
        assert_eq!(
            more.get(arrival),
            Some(service),
            "vehicle arriving at {arrival} ms"
        );
    }
    // The same rate with the same peak gives the same vehicles.
    assert_eq!(services(&thinned(20.0, 60.0)), fewer);
}

#[test]
fn one_crossing_with_fixed_demand_is_one_simulation() {
    let model = region(vec![crossing("only", 2, 4.0)], 600.0, 0.0);
    let options = options(4);
    let outcome = run_region(&model, &options).expect("runs");
    let report = &outcome.report;
    assert!(report.converged);
    assert_eq!(report.iterations.len(), 1);
    assert_eq!(report.iterations[0].gap, 0.0);
    let flow = &report.flows[0];
    assert_eq!(flow.volume_per_day, 600.0);
    assert_eq!(flow.share, 1.0);

    // The same crossing simulated once, by hand, with the region's flow as its source.
    let alone = crossing("only", 2, 4.0);
    let source = regional_source(
        "only",
        "a_to_b",
        "truck",
        ClassId(0),
        StationId(0),
        candidate_peak(600.0 / 24.0),
        [600.0 / 24.0; 24],
    );
    let scenario = Scenario {
        crossing: Crossing::new(
            "only",
            alone.population(),
            alone.crossing.stations().to_vec(),
            vec![source],
        )
        .expect("valid"),
        ..alone
    };
    let single = bordersim_experiment::run(&scenario, &options).expect("runs");
    assert_eq!(flow.border_time, single.report.classes[0].time_in_system);
    assert!(flow.border_time.count > 500, "{:?}", flow.border_time);
}

#[test]
fn making_a_crossing_faster_never_moves_traffic_away_from_it() {
    let mut volumes = Vec::new();
    for mean_min in [5.0, 4.0, 3.0, 2.0] {
        let model = region(
            vec![crossing("x", 2, mean_min), crossing("y", 2, 3.0)],
            1200.0,
            -0.5,
        );
        let outcome = run_region(&model, &options(4)).expect("runs");
        assert!(outcome.report.converged, "{:?}", outcome.report.iterations);
        let at_x = outcome
            .report
            .flows
            .iter()
            .find(|f| f.crossing == "x")
            .expect("x")
            .volume_per_day;
        volumes.push(at_x);
    }
    for pair in volumes.windows(2) {
        assert!(
            pair[1] > pair[0],
            "x gets faster but loses traffic: {volumes:?}"
        );
    }
}

#[test]
fn demand_responds_to_delay_as_the_formula_says() {
    // One crossing, so the composite cost rises by the border weight times the border time
    // and each hour's volume is V0 · shape(h) · exp(ε · B(h) / 1440 min) at an equilibrium:
    // undoing the response hour by hour gives back V0 (the shape sums to 1).
    let (v0, elasticity) = (600.0, -3.0);
    let model = region(vec![crossing("only", 2, 4.4)], v0, elasticity);
    let outcome = run_region(&model, &options(4)).expect("runs");
    let report = &outcome.report;
    assert!(report.converged, "{:?}", report.iterations);
    let flow = &report.flows[0];
    let border_min = flow.border_time_used_s.expect("measured") / 60.0;
    assert!(border_min > 10.0, "the queue matters: {border_min} min");
    let expected = v0 * (elasticity * border_min / 1440.0).exp();
    assert!(flow.volume_per_day < v0);
    let undone: f64 = flow
        .hourly
        .iter()
        .map(|h| {
            let minutes = h.border_time_used_s.expect("open") / 60.0;
            h.volume * (-elasticity * minutes / 1440.0).exp()
        })
        .sum();
    assert!(
        (undone - v0).abs() <= model.tolerance * v0,
        "{undone} vs {v0}"
    );
    // Converged: the best response is within the tolerance of the flow it responds to.
    assert!(
        (flow.volume_per_day - expected).abs() <= model.tolerance * flow.volume_per_day,
        "{} vs {expected}",
        flow.volume_per_day
    );
    // The trade lost to delay is the volume lost times the cargo value.
    let lost = report.trade.sides[0].exports_lost_to_delay_per_day;
    assert!((lost - (v0 - flow.volume_per_day) * 10_000.0).abs() < 1e-6 * v0 * 10_000.0);
}

// ---------------------------------------------------------------------------------------
// Bundled examples

fn regions_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../configs/regions")
}

fn load_bundled(name: &str) -> (String, String, LoadedRegion) {
    let path = regions_dir().join(name);
    let text = std::fs::read_to_string(&path).expect("bundled region");
    let file = path.display().to_string();
    let dir = regions_dir();
    let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    let loaded = parse_region_with(&text, &file, &read).unwrap_or_else(|e| panic!("{e}"));
    (text, file, loaded)
}

#[test]
fn the_bundled_regions_converge() {
    for name in ["san_diego_tijuana.toml", "corridor_osbp.toml"] {
        let (_, _, loaded) = load_bundled(name);
        let options = RunOptions {
            replications: loaded.replications,
            seed: loaded.seed,
            threads: None,
        };
        let outcome = run_region(&loaded.model, &options).expect("runs");
        let report = &outcome.report;
        assert!(report.converged, "{name}: {:?}", report.iterations);
        assert!(report.iterations.last().unwrap().gap < report.tolerance);
        // Shares of each direction and class sum to one; balances to zero.
        for direction in [0, 1] {
            let label = &report
                .flows
                .iter()
                .map(|f| &f.direction)
                .collect::<Vec<_>>();
            let d = format!(
                "{}_to_{}",
                report.sides[direction],
                report.sides[1 - direction]
            );
            assert!(label.contains(&&d), "{name}: {d}");
            let sum: f64 = report
                .flows
                .iter()
                .filter(|f| f.direction == d)
                .map(|f| f.share)
                .sum();
            assert!((sum - 1.0).abs() < 1e-9, "{name} {d}: {sum}");
        }
        let balances: f64 = report.trade.sides.iter().map(|s| s.balance_per_day).sum();
        assert!(balances.abs() < 1e-6 * report.trade.total_per_day);
        // Every open flow was simulated and measured.
        for f in &report.flows {
            assert!(f.border_time.count > 0, "{name}: {f:?}");
        }
    }
}

/// The corridor and the corridor with `policy` (a file under `configs/regions/policies/`)
/// compared on the corridor's own replications and seed.
fn corridor_with(policy: &str) -> RegionComparison {
    let (text, file, base) = load_bundled("corridor_osbp.toml");
    let policy_path = regions_dir().join("policies").join(policy);
    let policy = std::fs::read_to_string(&policy_path).expect("policy");
    let dir = regions_dir();
    let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    let applied = apply_region_policy(
        &text,
        &file,
        &read,
        &policy,
        &policy_path.display().to_string(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied.crossing, "chirundu");
    let options = RunOptions {
        replications: base.replications,
        seed: base.seed,
        threads: None,
    };
    compare_regions(&base.model, &applied.name, &applied.region.model, &options).expect("runs")
}

#[test]
fn a_faster_chirundu_draws_traffic_and_trade_from_victoria_falls() {
    let c = corridor_with("chirundu_24h_joint_exit.toml");
    assert!(c.baseline.converged && c.reform.converged);
    for f in &c.shift.flows {
        match f.crossing.as_str() {
            "chirundu" => {
                assert!(f.volume_change > 10.0, "{f:?}");
                assert!(f.border_mean_reform_s < f.border_mean_baseline_s, "{f:?}");
            }
            _ => assert!(f.volume_change < -10.0, "{f:?}"),
        }
    }
    let t = &c.shift.trade;
    assert!(t.diverted_per_day > 0.0, "{t:?}");
    // Less delay in all: trade is created, not destroyed.
    assert!(t.created_per_day > 0.0, "{t:?}");
    let balance: f64 = t.sides.iter().map(|s| s.balance_change_per_day).sum();
    assert!(balance.abs() < 1e-6);
}

// ---------------------------------------------------------------------------------------
// Bad region files: every problem named with its file, field and line.

const CROSSING: &str = r#"[scenario]
name = "x"
horizon = "1d"

[[directions]]
id = "northbound"

[[classes]]
id = "truck"

[[stations]]
id = "primary"
servers = 2
service = { dist = "exponential", mean = "2min" }

[[sources]]
id = "trucks"
class = "truck"
rate = "20/h"
entry = "primary"
"#;

const REGION: &str = r#"[region]
name = "r"
sides = ["mx", "us"]

[[zones]]
id = "tijuana"
side = "mx"
travel = { x = "20min", y = "30min" }

[[zones]]
id = "san_diego"
side = "us"
travel = { x = "10min", y = "10min" }

[[classes]]
id = "truck"

[[crossings]]
id = "x"
file = "x.toml"
directions = { mx = "northbound" }

[[crossings]]
id = "y"
file = "x.toml"
directions = { mx = "northbound" }

[[demand]]
from = "tijuana"
to = "san_diego"
class = "truck"
vehicles_per_day = 100
"#;

fn parse(text: &str) -> Result<LoadedRegion, bordersim_config::ConfigError> {
    let read = |p: &str| match p {
        "x.toml" => Ok(CROSSING.to_owned()),
        other => Err(format!("no file {other}")),
    };
    parse_region_with(text, "region.toml", &read)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in the text"))
        + 1
}

#[track_caller]
fn rejected(text: &str, needle: &str, field: &str, words: &str) {
    let error = parse(text).expect_err("rejected");
    let line = line_of(text, needle);
    assert!(
        error.diagnostics.iter().any(|d| d.file == "region.toml"
            && d.line == line
            && d.path == field
            && d.message.contains(words)),
        "expected region.toml:{line}: {field}: …{words}… in\n{error}"
    );
}

#[test]
fn the_test_region_is_valid() {
    let loaded = parse(REGION).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.model.crossings.len(), 2);
}

#[test]
fn an_unknown_zone_is_named() {
    let text = REGION.replace("to = \"san_diego\"", "to = \"san_deigo\"");
    rejected(
        &text,
        "san_deigo",
        "demand[0].to",
        "did you mean `san_diego`",
    );
}

#[test]
fn a_crossing_unreachable_from_a_zone_with_demand_is_named() {
    let text = REGION.replace(
        "travel = { x = \"20min\", y = \"30min\" }",
        "travel = { x = \"20min\" }",
    );
    rejected(
        &text,
        "travel = { x = \"20min\" }",
        "zones[0].travel",
        "crossing `y` is unreachable",
    );
}

#[test]
fn a_negative_travel_time_is_named() {
    let text = REGION.replace("y = \"30min\"", "y = \"-30min\"");
    rejected(&text, "-30min", "zones[0].travel.y", "negative");
}

#[test]
fn a_logit_scale_of_zero_is_named() {
    let text = format!("{REGION}\n[choice]\ntime_coefficient = 0.0\n");
    rejected(
        &text,
        "time_coefficient",
        "choice.time_coefficient",
        "a logit scale of zero",
    );
}

#[test]
fn problems_in_an_inline_crossing_are_located_in_the_region_file() {
    let inline = CROSSING.replace("servers = 2", "servers = -2");
    let text = REGION.replacen(
        "file = \"x.toml\"",
        &format!("scenario = '''\n{inline}'''"),
        1,
    );
    let error = parse(&text).expect_err("rejected");
    let line = line_of(&text, "servers = -2");
    assert!(
        error.diagnostics.iter().any(|d| d.file == "region.toml"
            && d.line == line
            && d.path
                .starts_with("crossings[0].scenario.stations[0].servers")),
        "{error}"
    );
}

#[test]
fn region_policies_apply_to_the_crossing_they_name() {
    let (text, file, base) = load_bundled("corridor_osbp.toml");
    let dir = regions_dir();
    let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    let mut policies: Vec<_> = std::fs::read_dir(regions_dir().join("policies"))
        .expect("region policies")
        .map(|e| e.expect("entry").path())
        .collect();
    policies.sort();
    assert!(policies.len() >= 2, "{policies:?}");
    for path in policies {
        let name = path.display().to_string();
        let policy = std::fs::read_to_string(&path).expect("policy");
        let applied = apply_region_policy(&text, &file, &read, &policy, &name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(applied.crossing, "chirundu", "{name}");
        let changed = &applied.region.model.crossings[0].scenario.crossing;
        let before = &base.model.crossings[0].scenario.crossing;
        assert_ne!(changed.stations(), before.stations(), "{name}");
        // The other crossing is untouched.
        assert_eq!(
            applied.region.model.crossings[1]
                .scenario
                .crossing
                .stations(),
            base.model.crossings[1].scenario.crossing.stations()
        );
    }
}

#[test]
fn a_policy_names_its_crossing_in_a_region_of_several() {
    let read = |p: &str| match p {
        "x.toml" => Ok(CROSSING.to_owned()),
        other => Err(format!("no file {other}")),
    };
    let staffing = "[policy]\nname = \"more\"\n\n[[staffing]]\nstation = \"primary\"\nadd = 1\n";
    let error = apply_region_policy(REGION, "region.toml", &read, staffing, "p.toml")
        .expect_err("which crossing?");
    assert!(
        error
            .to_string()
            .contains("p.toml:1:1: policy: the region has several crossings")
    );
    let typo = staffing.replace("name = \"more\"", "name = \"more\"\ncrossing = \"z\"");
    let error = apply_region_policy(REGION, "region.toml", &read, &typo, "p.toml")
        .expect_err("unknown crossing");
    assert!(
        error
            .to_string()
            .contains("p.toml:3:12: policy.crossing: unknown crossing `z`"),
        "{error}"
    );
    let named = staffing.replace("name = \"more\"", "name = \"more\"\ncrossing = \"y\"");
    let applied = apply_region_policy(REGION, "region.toml", &read, &named, "p.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied.crossing, "y");
    let servers = |r: &LoadedRegion, c: usize| {
        r.model.crossings[c].scenario.crossing.stations()[0].max_servers()
    };
    assert_eq!(servers(&applied.region, 0), 2);
    assert_eq!(servers(&applied.region, 1), 3);
    // A problem in the policy is located in the policy file, lines unchanged by the removal
    // of the `crossing` key.
    let bad = named.replace("station = \"primary\"", "station = \"nowhere\"");
    let error = apply_region_policy(REGION, "region.toml", &read, &bad, "p.toml")
        .expect_err("unknown station");
    assert!(error.to_string().contains("p.toml:6:"), "{error}");
}

#[test]
fn several_problems_are_reported_together() {
    let text = REGION
        .replace("side = \"us\"", "side = \"usa\"")
        .replace("vehicles_per_day = 100", "vehicles_per_day = -1")
        .replace(
            "directions = { mx = \"northbound\" }\n\n[[crossings]]",
            "directions = { mx = \"eastbound\" }\n\n[[crossings]]",
        );
    let error = parse(&text).expect_err("rejected");
    let text_of = error.to_string();
    for expected in [
        "zones[1].side",
        "demand[0].vehicles_per_day",
        "crossings[0].directions.mx",
    ] {
        assert!(
            text_of.contains(expected),
            "{expected} missing in\n{text_of}"
        );
    }
}

#[test]
fn the_equilibrium_does_not_depend_on_the_thread_count() {
    let model = region(
        vec![crossing("x", 2, 3.0), crossing("y", 2, 3.0)],
        1200.0,
        -0.5,
    );
    let run_with = |threads| {
        let options = RunOptions {
            replications: 3,
            seed: 9,
            threads: Some(threads),
        };
        run_region(&model, &options).expect("runs").report
    };
    assert_eq!(run_with(1), run_with(3));
}

#[test]
fn a_closed_crossing_gets_no_traffic() {
    let share_of_x = |model: &RegionModel| {
        let outcome = run_region(model, &options(2)).expect("runs");
        let x = outcome
            .report
            .flows
            .iter()
            .find(|f| f.crossing == "x")
            .expect("x")
            .clone();
        (x.open, x.volume_per_day, outcome.report.converged)
    };
    // Closed by the region (e.g. not built).
    let mut model = region(
        vec![crossing("x", 4, 1.0), crossing("y", 2, 3.0)],
        600.0,
        0.0,
    );
    assert!(share_of_x(&model).1 > 0.0);
    model.crossings[0].closed = true;
    assert_eq!(share_of_x(&model), (false, 0.0, true));

    // Closed by its lanes: the only lanes that serve trucks at its entry never open.
    let mut model = region(
        vec![crossing("x", 4, 1.0), crossing("y", 2, 3.0)],
        600.0,
        0.0,
    );
    let x = &mut model.crossings[0].scenario;
    let population = Population::simple(&["truck", "car"]);
    let mut station = x.crossing.stations()[0].clone();
    station.service.push(Some(exponential(1.0)));
    station.lanes = vec![
        bordersim_model::LaneGroup {
            id: "cars".into(),
            serves: bordersim_model::VehicleFilter::classes(vec![ClassId(1)]),
            share_when_idle: false,
            schedule: bordersim_model::LaneSchedule::Constant(4),
            rule: None,
        },
        bordersim_model::LaneGroup {
            id: "trucks".into(),
            serves: bordersim_model::VehicleFilter::classes(vec![ClassId(0)]),
            share_when_idle: false,
            schedule: bordersim_model::LaneSchedule::Constant(0),
            rule: None,
        },
    ];
    let cars = Source::poisson("cars", ClassId(1), 10.0, StationId(0));
    x.crossing = Crossing::new("x", &population, vec![station], vec![cars]).expect("valid");
    assert_eq!(share_of_x(&model), (false, 0.0, true));
}

#[test]
fn two_sides_cannot_share_a_crossing_direction() {
    let text = REGION.replacen(
        "directions = { mx = \"northbound\" }",
        "directions = { mx = \"northbound\", us = \"northbound\" }",
        1,
    );
    rejected(
        &text,
        "us = \"northbound\"",
        "crossings[0].directions.us",
        "both sides take direction `northbound`",
    );
}

/// A crossing closed at night takes no night traffic while another is open, and its share
/// of the day's traffic comes back when it opens; a region whose crossings all close at night
/// still carries its night demand (it waits for the morning), and says so in its times.
#[test]
fn a_crossing_closed_at_night_gets_no_night_traffic() {
    let night_closed = |name: &str| {
        let mut s = crossing(name, 4, 1.0);
        let mut station = s.crossing.stations()[0].clone();
        let mut hours = [4u32; 24];
        for h in hours.iter_mut().take(6) {
            *h = 0;
        }
        hours[22] = 0;
        hours[23] = 0;
        station.lanes[0].schedule = bordersim_model::LaneSchedule::daily(hours);
        let own = Source::poisson("own", ClassId(0), 10.0, StationId(0));
        s.crossing =
            Crossing::new(name, s.crossing.population(), vec![station], vec![own]).expect("valid");
        s
    };
    let model = region(vec![night_closed("x"), crossing("y", 4, 1.0)], 600.0, 0.0);
    let outcome = run_region(&model, &options(2)).expect("runs");
    let flow = |id: &str| {
        outcome
            .report
            .flows
            .iter()
            .find(|f| f.crossing == id)
            .expect("a flow")
            .clone()
    };
    let (x, y) = (flow("x"), flow("y"));
    for h in [0, 1, 2, 3, 4, 5, 22, 23] {
        assert_eq!(x.hourly[h].volume, 0.0, "hour {h}");
        assert_eq!(x.hourly[h].border_time_used_s, None, "hour {h}");
        assert!(y.hourly[h].volume > 0.0, "hour {h}");
    }
    for h in 8..20 {
        assert!(x.hourly[h].volume > 0.0, "hour {h}");
    }
    // Both closed at night: the night's traffic still crosses, facing the wait.
    let model = region(vec![night_closed("x"), night_closed("y")], 600.0, 0.0);
    let outcome = run_region(&model, &options(2)).expect("runs");
    let x = outcome
        .report
        .flows
        .iter()
        .find(|f| f.crossing == "x")
        .expect("a flow");
    let night = &x.hourly[2];
    assert!(night.volume > 0.0);
    assert!(
        night.border_time_used_s.unwrap() > 3.0 * 3600.0,
        "{night:?}"
    );
}

#[test]
fn a_zones_country_is_read_and_an_empty_one_is_named() {
    let text = REGION.replace("id = \"tijuana\"\n", "id = \"tijuana\"\ncountry = \"gt\"\n");
    let loaded = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let zones = &loaded.model.region.zones;
    assert_eq!(zones[0].country.as_deref(), Some("gt"));
    assert_eq!(zones[1].country, None);
    let text = REGION.replace("id = \"tijuana\"\n", "id = \"tijuana\"\ncountry = \" \"\n");
    rejected(
        &text,
        "country = \" \"",
        "zones[0].country",
        "must not be empty",
    );
}

/// South Africa to the DRC through Zimbabwe and Zambia: za's exports, cd's imports, and
/// transit for zw and zm, not their trade.
#[test]
fn transit_through_the_corridor_is_booked_as_transit() {
    let (_, _, loaded) = load_bundled("corridor_osbp.toml");
    let options = RunOptions {
        replications: loaded.replications,
        seed: loaded.seed,
        threads: None,
    };
    let outcome = run_region(&loaded.model, &options).expect("runs");
    let region = &loaded.model.region;
    let zone = |i: usize| region.zones[i].id.as_str();
    let value = |from: &str, to: &str| -> f64 {
        region
            .demand
            .iter()
            .enumerate()
            .filter(|(_, d)| zone(d.origin) == from && zone(d.destination) == to)
            .map(|(i, d)| outcome.assignment.od_volume(i) * d.cargo_value)
            .sum()
    };
    let north = value("south_africa", "drc");
    let south = value("drc", "south_africa");
    assert!(north > 0.0 && south > 0.0, "{north} {south}");
    let trade = &outcome.report.trade;
    let country = |c: &str| {
        trade
            .by_country
            .iter()
            .find(|t| t.country == c)
            .unwrap_or_else(|| panic!("{c} in {:?}", trade.by_country))
            .clone()
    };
    let names: Vec<&str> = trade
        .by_country
        .iter()
        .map(|c| c.country.as_str())
        .collect();
    assert_eq!(names, ["zw", "zm", "za", "cd"]);
    let close = |a: f64, b: f64| assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
    for (transit_country, side) in [("zw", 0), ("zm", 1)] {
        let c = country(transit_country);
        close(c.transit, north + south);
        // The side's exports and imports include the transit; the country's do not.
        let s = &trade.sides[side];
        let (out_of_side, into_side) = if side == 0 {
            (north, south)
        } else {
            (south, north)
        };
        close(c.exports, s.exports_per_day - out_of_side);
        close(c.imports, s.imports_per_day - into_side);
    }
    let za = country("za");
    close(za.exports, north);
    close(za.imports, south);
    assert_eq!(za.transit, 0.0);
    let cd = country("cd");
    close(cd.exports, south);
    close(cd.imports, north);
    assert_eq!(cd.transit, 0.0);
    // All trade is counted once: the countries' exports add up to the sides'.
    let exports: f64 = trade.by_country.iter().map(|c| c.exports).sum();
    close(exports, trade.total_per_day);
}

/// A corridor reform's shift by country: South Africa - DRC trade (zones `south_africa` on
/// Zimbabwe's side, `drc` on Zambia's, with their own countries) moves as za's and cd's
/// exports and imports and as transit for zw and zm, never as zw's or zm's own trade; each
/// side's change is its country's plus what its transit zones send and receive.
#[test]
fn a_corridor_reforms_transit_is_shifted_as_transit_not_as_trade() {
    let c = corridor_with("chirundu_24h_joint_exit.toml");
    let t = &c.shift.trade;
    let names: Vec<&str> = t.by_country.iter().map(|k| k.country.as_str()).collect();
    assert_eq!(names, ["zw", "zm", "za", "cd"]);
    let country = |id: &str| -> &CountryShift {
        t.by_country
            .iter()
            .find(|k| k.country == id)
            .expect("country")
    };
    let close = |a: f64, b: f64| assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
    // Each run's figures are that run's own accounting by country.
    for (k, (b, r)) in t.by_country.iter().zip(
        c.baseline
            .trade
            .by_country
            .iter()
            .zip(&c.reform.trade.by_country),
    ) {
        for (x, before, after) in [
            (&k.exports, b.exports, r.exports),
            (&k.imports, b.imports, r.imports),
            (&k.balance, b.balance, r.balance),
            (&k.transit, b.transit, r.transit),
        ] {
            assert_eq!((x.baseline_per_day, x.reform_per_day), (before, after));
            close(x.change_per_day, after - before);
            assert!(x.change_per_day_ci95.is_some(), "{k:?}");
        }
    }
    // South Africa -> DRC is za's export and cd's import, DRC -> South Africa the reverse.
    let (za, cd) = (country("za"), country("cd"));
    let north = za.exports.change_per_day;
    let south = za.imports.change_per_day;
    close(cd.imports.change_per_day, north);
    close(cd.exports.change_per_day, south);
    assert_eq!(
        (za.transit.change_per_day, cd.transit.change_per_day),
        (0.0, 0.0)
    );
    // The reform moves the transit trade, and zw and zm carry it as transit.
    assert!(north.abs() + south.abs() > 0.0, "{za:?}");
    for (id, side, out_of, into) in [("zw", 0, north, south), ("zm", 1, south, north)] {
        let k = country(id);
        close(k.transit.change_per_day, north + south);
        let s = &t.sides[side];
        close(k.exports.change_per_day, s.exports_change_per_day - out_of);
        close(k.imports.change_per_day, s.imports_change_per_day - into);
    }
}

/// A policy that changes nothing changes no country's trade or transit, with intervals of 0.
#[test]
fn a_corridor_policy_that_changes_nothing_shifts_no_country() {
    let (_, _, base) = load_bundled("corridor_osbp.toml");
    let options = RunOptions {
        replications: base.replications,
        seed: base.seed,
        threads: None,
    };
    let c = compare_regions(&base.model, "same", &base.model, &options).expect("runs");
    let t = &c.shift.trade;
    assert_eq!(t.by_country.len(), 4);
    for k in &t.by_country {
        for x in [&k.exports, &k.imports, &k.balance, &k.transit] {
            assert_eq!(x.baseline_per_day, x.reform_per_day, "{k:?}");
            assert_eq!(x.change_per_day, 0.0, "{k:?}");
            assert_eq!(x.change_per_day_ci95, Some(0.0), "{k:?}");
        }
    }
    assert!(
        t.by_country
            .iter()
            .any(|k| k.transit.baseline_per_day > 0.0)
    );
}

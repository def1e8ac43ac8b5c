//! Operations loader tests: bundled examples.

use std::path::Path;

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, CompiledScenario, ProgrammeId, StationId, StorageLimit, WhenFull, run_replication,
};

use super::*;
use crate::tests::at;
use crate::{Loaded, parse_scenario_with};

fn example(file: &str) -> Loaded {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/examples");
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    parse_scenario_with(&text, file, &read).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn commercial_example_has_the_cited_operations() {
    let s = example("commercial_truck_crossing.toml").scenario;
    let pop = s.population();
    assert_eq!(pop.directions.len(), 2);
    let loaded = &pop.classes[s.class_id("loaded").unwrap().index()];
    // FAST share within 6-22.5%; NII referral (red, with random selection) ~15%.
    let fast = pop.programme_id("fast").unwrap().index();
    assert!((0.06..=0.225).contains(&loaded.programme_shares[fast]));
    let red: f64 = loaded
        .programme_shares
        .iter()
        .zip(&loaded.channel_probabilities)
        .map(|(share, ch)| share * (ch[2] + (1.0 - ch[2]) * loaded.random_inspection))
        .sum();
    assert!((red - 0.15).abs() < 0.01, "{red}");
    let primary = s.crossing.station(s.station_id("nb-primary").unwrap());
    let fast_lanes = primary.lanes.iter().find(|g| g.id == "fast").unwrap();
    assert_eq!(
        fast_lanes.serves.programmes,
        Some(vec![ProgrammeId(fast as u8)])
    );
    assert!(!fast_lanes.share_when_idle);
    // Some lanes close at night.
    let night = SimTime::from_hours(2);
    let noon = SimTime::from_hours(12);
    let open = |t| -> u32 {
        primary
            .lanes
            .iter()
            .map(|g| g.schedule.servers_at(t, 0))
            .sum()
    };
    assert!(open(night) < open(noon));
    assert_eq!(primary.storage.when_full, WhenFull::Spillback);
    assert!(matches!(primary.storage.limit, StorageLimit::Metres(_)));
    assert!(
        s.crossing
            .station(s.station_id("nb-cbp-exit").unwrap())
            .releases
    );
    // Southbound at least northbound (SANDAG's 2017 Otay Mesa volumes: ~3,900 against
    // ~3,490 a weekday).
    let mut by_direction = [0.0; 2];
    for (i, src) in s.crossing.sources().iter().enumerate() {
        by_direction[s.crossing.source_direction(i).index()] +=
            src.arrivals.mean_rate_per_hour().unwrap();
    }
    assert!(by_direction[1] >= by_direction[0], "{by_direction:?}");
    // No northbound processing from 20:00 to 05:00: no general or FAST booth open then.
    for h in (20..24).chain(0..5) {
        assert_eq!(
            open(SimTime::from_hours(h)),
            0,
            "northbound booths open at {h}:00"
        );
    }
    assert!(
        s.crossing
            .sources()
            .iter()
            .any(|src| matches!(src.arrivals, Arrivals::Profile { .. }))
    );
    assert_eq!(
        (s.horizon, s.warmup),
        (SimTime::from_hours(168), SimTime::from_hours(24))
    );
}

#[test]
fn passenger_example_has_general_ready_and_sentri_lanes() {
    let s = example("passenger_car_crossing.toml").scenario;
    let primary = s.crossing.station(StationId(0));
    let groups: Vec<&str> = primary.lanes.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(groups, vec!["general", "ready", "sentri"]);
    let pop = s.population();
    // Each car class belongs to one programme, whose service time applies at primary.
    let mean = |class: &str, programme: &str| {
        primary
            .service_for(
                s.class_id(class).unwrap(),
                pop.programme_id(programme).unwrap(),
            )
            .unwrap()
            .mean_ms()
    };
    // Ready ~20% faster than general; SENTRI 80-150 cars/h/lane.
    let ready = mean("ready-car", "ready") / mean("car", "none");
    assert!((0.75..=0.85).contains(&ready), "{ready}");
    let sentri_per_hour = 3_600_000.0 / mean("sentri-car", "sentri");
    assert!(
        (80.0..=150.0).contains(&sentri_per_hour),
        "{sentri_per_hour}"
    );
    assert_eq!(pop.programmes.len(), 3);
}

#[test]
fn osbp_example_has_sequential_controls_and_limited_hours() {
    let s = example("osbp_corridor_crossing.toml").scenario;
    assert_eq!(s.population().directions.len(), 2);
    let stations = s.crossing.stations();
    let customs = s
        .crossing
        .station(s.station_id("nb-zm-entry-customs").unwrap());
    assert!(customs.service[0].as_ref().unwrap().mean_ms() >= 3_600_000.0);
    // Closed at night.
    assert_eq!(
        customs.lanes[0]
            .schedule
            .servers_at(SimTime::from_hours(2), 0),
        0
    );
    assert!(
        customs.lanes[0]
            .schedule
            .servers_at(SimTime::from_hours(10), 0)
            > 0
    );
    // Four controls in sequence before the document stage's outcome, per direction.
    for prefix in ["nb-", "sb-"] {
        let n = stations
            .iter()
            .filter(|st| st.id.starts_with(prefix))
            .count();
        assert!(n >= 5, "{prefix}: {n}");
    }
}

/// Runs one replication of every example: they compile, conserve vehicles, see traffic in
/// every direction, and show the delays their comments promise.
#[test]
fn examples_run_one_replication() {
    for file in [
        "commercial_truck_crossing.toml",
        "passenger_car_crossing.toml",
        "osbp_corridor_crossing.toml",
        "trace_replay.toml",
    ] {
        let s = example(file).scenario;
        let model = CompiledScenario::new(&s).unwrap();
        let stats = run_replication(&model, s.seed, 0);
        assert!(
            stats.vehicles.is_conserved(),
            "{file}: {:?}",
            stats.vehicles
        );
        assert!(stats.direction_arrivals.iter().all(|&n| n > 0), "{file}");
        // Mean arrival to exit and arrival to release per direction, hours.
        let hours = |cells: &bordersim_model::Cells, d: usize| {
            let tally = cells.merged(|cell| stats.shape.decode_system_cell(cell).0.index() == d);
            tally.mean_ms().unwrap_or(0.0) / 3_600_000.0
        };
        match file {
            "commercial_truck_crossing.toml" => {
                // Inbound delays well above outbound ones (FHWA: 16.0 vs 8.1 min).
                let (nb, sb) = (hours(&stats.exit, 0), hours(&stats.exit, 1));
                assert!(nb > 1.5 * sb && nb < 1.0, "{file}: {nb} h vs {sb} h");
            }
            "osbp_corridor_crossing.toml" => {
                // Pre-OSBP: of the order of a day to release.
                let nb = hours(&stats.release, 0);
                assert!((12.0..72.0).contains(&nb), "{file}: {nb} h");
            }
            _ => {}
        }
    }
}

#[test]
fn shape_errors_in_new_fields() {
    let lanes =
        &OPS[OPS.find("[[stations.lanes]]").unwrap()..OPS.find("servers = 2\n").unwrap() + 12];
    ops_one(
        &ops_edit(lanes, "[stations.lanes]\nid = \"general\"\nservers = 1\n"),
        "stations[0].lanes",
        &[
            "found a table, expected an array; write each lane group under its own [[stations.lanes]] header",
        ],
    );
    ops_one(
        &ops_edit("channel = \"red\" }", "channel = 1 }"),
        "stations[0].routes[0].channel",
        &["wrong type: expected one of `green`, `yellow`, `red`"],
    );
    ops_one(
        &ops_edit("when_full = \"balk\"", "when_full = 3"),
        "stations[2].when_full",
        &["wrong type: expected one of `spillback`, `balk`"],
    );
    ops_one(
        &ops_edit("entry = \"nb-primary\"\nrate", "entry = 3\nrate"),
        "sources[1].entry",
        &["found integer `3`, expected a station id, or a table of station ids by direction"],
    );
    ops_one(
        &ops_edit(
            "{ northbound = \"nb-primary\", southbound",
            "{ northbound = 3, southbound",
        ),
        "sources[2].entry.northbound",
        &["found integer `3`, expected a string"],
    );
    ops_one(
        &ops_edit("queue_capacity = 40", "queue_capacity = 40.5"),
        "stations[2].queue_capacity",
        &["found float `40.5`, expected an integer"],
    );
    ops_one(
        &ops_edit("start_weekday = \"saturday\"", "start_weekday = 5"),
        "scenario.start_weekday",
        &["found integer `5`, expected a string"],
    );
    // A malformed section is reported once; the names it would have held are not reported
    // as unknown, in the scenario or in the trace.
    let err = check_ops(
        &ops_edit(
            "[[programmes]]\nid = \"fast\"",
            "[programmes]\nid = \"fast\"",
        ),
        TRACE,
        &["`programmes` must be a list of tables"],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
}

#[test]
fn the_crate_documentation_example_loads() {
    let lib = include_str!("../../lib.rs");
    let start = lib.find("//! ```toml\n").unwrap() + "//! ```toml\n".len();
    let end = start + lib[start..].find("//! ```\n").unwrap();
    let example: String = lib[start..end]
        .lines()
        .map(|l| {
            l.strip_prefix("//! ")
                .unwrap_or(l.trim_start_matches("//!"))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let trace = "time,class,direction\n0,truck,northbound\n30h,truck,southbound\n";
    let read = |p: &str| {
        assert_eq!(p, "traces/day.csv");
        Ok(trace.to_owned())
    };
    let loaded = parse_scenario_with(&example, "doc.toml", &read).unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.scenario.crossing.sources().len(), 3);
}

#[test]
fn undeclared_programmes_and_directions_say_where_to_declare_them() {
    let input = crate::tests::edit("servers = 1\n", "").replacen(
        "max = \"2min\" }\n",
        "max = \"2min\" }\ndirection = \"eastbound\"\n[[stations.lanes]]\nid = \"x\"\nserves = { programme = \"aeo\" }\nservers = 1\n",
        1,
    );
    let err = check_ops(&input, TRACE, &[]);
    assert_eq!(err.diagnostics.len(), 2, "{err}");
    let d = at(&err.diagnostics, "stations[1].direction");
    assert!(
        d.message
            .ends_with("known directions: `inbound` (declare it in a [[directions]] table)"),
        "{d}"
    );
    let d = at(&err.diagnostics, "stations[1].lanes[0].serves.programme");
    assert!(
        d.message
            .ends_with("known programmes: `none` (declare it in a [[programmes]] table)"),
        "{d}"
    );
}

#[test]
fn per_direction_parts_of_a_trace_keep_unique_names() {
    let input = ops_edit("id = \"reefers\"", "id = \"recorded/northbound\"");
    let err = check_ops(
        &input,
        TRACE,
        &["source name `recorded/northbound` is taken twice"],
    );
    assert_eq!(err.diagnostics.len(), 1, "{err}");
    at(&err.diagnostics, "sources[2].id");
}

#[test]
fn a_byte_order_mark_before_the_header_is_ignored() {
    let s = ok_trace(OPS, &format!("\u{feff}{TRACE}")).scenario;
    assert_eq!(s.crossing.sources().len(), 4);
}

#[test]
fn service_by_programme_overrides_the_class_service() {
    let input = ops_edit(
        r#"service = { dist = "exponential", mean = "2min" }
queue_length = "2.5km""#,
        r#"service = { dist = "exponential", mean = "2min" }
service_by_programme = { fast = { dist = "deterministic", value = "30s" } }
queue_length = "2.5km""#,
    );
    let loaded = ok_ops(&input);
    let s = &loaded.scenario;
    let primary = s
        .crossing
        .station(s.station_id("nb-primary").expect("primary"));
    let fast = s.population().programme_id("fast").expect("fast");
    let none = s.population().programme_id("none").expect("none");
    let truck = s.class_id("truck").expect("truck");
    assert_eq!(
        primary.service_for(truck, fast),
        Some(&bordersim_model::ServiceDist::Deterministic { value_ms: 30_000.0 })
    );
    assert_eq!(
        primary.service_for(truck, none),
        Some(&bordersim_model::ServiceDist::Exponential { mean_ms: 120_000.0 })
    );
}

#[test]
fn service_by_programme_names_a_known_programme() {
    let input = ops_edit(
        r#"service = { dist = "exponential", mean = "2min" }
queue_length = "2.5km""#,
        r#"service = { dist = "exponential", mean = "2min" }
service_by_programme = { fats = { dist = "deterministic", value = "30s" } }
queue_length = "2.5km""#,
    );
    let d = ops_one(
        &input,
        "stations[0].service_by_programme.fats",
        &["unknown programme `fats`", "did you mean `fast`"],
    );
    assert!(d.column > 1);
}

#[test]
fn value_of_time_per_class() {
    let input = ops_edit(
        "random_inspection = 0.02\n",
        "random_inspection = 0.02\nvalue_of_time_per_h = 35.82\n",
    );
    let loaded = ok_ops(&input);
    assert_eq!(
        loaded.scenario.population().classes[0].value_of_time_per_h,
        35.82
    );
    let input = ops_edit(
        "random_inspection = 0.02\n",
        "random_inspection = 0.02\nvalue_of_time_per_h = -1.0\n",
    );
    ops_one(&input, "classes[0].value_of_time_per_h", &["zero or more"]);
}

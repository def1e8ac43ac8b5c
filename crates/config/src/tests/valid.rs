//! Scenario loader tests: valid files.

use bordersim_des::SimTime;
use bordersim_model::{Arrivals, ClassId, ServiceDist, StationId, Target};

use super::*;

#[test]
fn base_scenario_loads_into_model_types() {
    let loaded = ok(BASE);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.scenario;
    assert_eq!(s.name, "test");
    assert_eq!(s.horizon, SimTime::from_hours(24));
    assert_eq!(s.warmup, SimTime::from_hours(1));
    assert_eq!(s.replications, 10);
    assert_eq!(s.seed, 1);
    assert_eq!(s.population().classes.len(), 2);
    assert_eq!(s.class_id("car"), Some(ClassId(1)));
    let primary = s.crossing.station(StationId(0));
    assert_eq!(primary.id, "primary");
    assert_eq!(primary.max_servers(), 4);
    assert_eq!(
        primary.service,
        vec![
            Some(ServiceDist::Exponential { mean_ms: 120_000.0 }),
            Some(ServiceDist::Deterministic { value_ms: 60_000.0 }),
        ]
    );
    assert_eq!(primary.routes.len(), 2);
    assert_eq!(primary.routes[0].to, Target::Station(StationId(1)));
    assert_eq!(primary.routes[0].when.classes, None);
    assert_eq!(primary.routes[1].to, Target::Exit);
    let xray = s.crossing.station(StationId(1));
    assert!(xray.routes.is_empty());
    let src = &s.crossing.sources()[1];
    assert_eq!(src.id, "cars");
    assert_eq!(src.entry, StationId(0));
    assert_eq!(
        src.arrivals,
        Arrivals::Poisson {
            class: ClassId(1),
            rate_per_hour: 20.0
        }
    );
}

#[test]
fn optional_scenario_fields_take_their_values() {
    let input = edit(
        "warmup = \"1h\"\n",
        "warmup = \"90min\"\nreplications = 3\nseed = 42\n",
    );
    let s = ok(&input).scenario;
    assert_eq!(s.warmup, SimTime::from_mins(90));
    assert_eq!(s.replications, 3);
    assert_eq!(s.seed, 42);
    let s = ok(&edit("warmup = \"1h\"\n", "")).scenario;
    assert_eq!(s.warmup, SimTime::ZERO);
}

#[test]
fn every_distribution_and_route_filter_loads() {
    let input = r#"[scenario]
name = "all"
horizon = "2h"

[[classes]]
id = "a"
description = "first"
[[classes]]
id = "b"
[[classes]]
id = "c"

[[stations]]
id = "s1"
servers = 2
description = "entry"
service = { dist = "triangular", min = "10s", mode = "20s", max = "1min" }
service_by_class.b = { dist = "lognormal", mean = "30s", cv = 0.5 }
service_by_class.c = { dist = "gamma", mean = "250ms", cv = 0 }
routes = [
  { class = "a", to = "s2", p = 1 },
  { classes = ["b", "c", "b"], to = "exit", p = 1.0 },
]

[[stations]]
id = "s2"
servers = 1

[stations.service]
dist = "empirical"
values = ["10s", "20s", "1.5 min"]

[[sources]]
id = "x"
class = "a"
rate = "1/min"
entry = "s1"
[[sources]]
id = "y"
class = "b"
rate = "0.5/min"
entry = "s1"
[[sources]]
id = "z"
class = "c"
rate = "48/d"
entry = "s1"
"#;
    let loaded = ok(input);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let st = loaded.scenario.crossing.stations();
    assert_eq!(
        st[0].service[0],
        Some(ServiceDist::Triangular {
            min_ms: 10_000.0,
            mode_ms: 20_000.0,
            max_ms: 60_000.0
        })
    );
    assert_eq!(
        st[0].service[1],
        Some(ServiceDist::LogNormal {
            mean_ms: 30_000.0,
            cv: 0.5
        })
    );
    assert_eq!(
        st[0].service[2],
        Some(ServiceDist::Gamma {
            mean_ms: 250.0,
            cv: 0.0
        })
    );
    assert_eq!(st[0].routes[0].when.classes, Some(vec![ClassId(0)]));
    assert_eq!(
        st[0].routes[1].when.classes,
        Some(vec![ClassId(1), ClassId(2)])
    );
    assert_eq!(
        st[1].service[0],
        Some(ServiceDist::Empirical {
            values_ms: vec![10_000.0, 20_000.0, 90_000.0]
        })
    );
    // s2 has a service time for every class though only `a` visits it.
    assert!(st[1].service.iter().all(Option::is_some));
    let rates: Vec<f64> = loaded
        .scenario
        .crossing
        .sources()
        .iter()
        .map(|s| s.arrivals.mean_rate_per_hour().unwrap_or(0.0))
        .collect();
    assert_eq!(rates, vec![60.0, 30.0, 2.0]);
}

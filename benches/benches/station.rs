//! One station on its own, with the features that cost on the hot path: two classes with
//! priorities, a trusted-trader programme with dedicated lanes that take other traffic when
//! idle, risk channels, and lognormal service. About 200,000 vehicles through one replication,
//! so the number is the cost of a station visit (arrival, queue, lane choice, service, exit)
//! rather than of a particular queueing model.

use std::hint::black_box;
use std::time::Duration;

use bordersim_model::{CompiledScenario, run_replication};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const STATION: &str = r#"
[scenario]
name = "One primary station with dedicated lanes"
horizon = "70d"
warmup = "0s"
replications = 1
seed = 1

[[programmes]]
id = "fast"

[[classes]]
id = "truck"
programmes = { fast = 0.2, none = 0.8 }
channels = { green = 0.8, yellow = 0.05, red = 0.15 }

[[classes]]
id = "bus"
priority = 1

[[stations]]
id = "primary"
service = { dist = "lognormal", mean = "2min", cv = 0.5 }

[[stations.lanes]]
id = "general"
servers = 3

[[stations.lanes]]
id = "fast"
servers = 1
serves = { programmes = ["fast"] }
share_when_idle = true

[[sources]]
id = "trucks"
class = "truck"
rate = "110/h"
entry = "primary"

[[sources]]
id = "buses"
class = "bus"
rate = "10/h"
entry = "primary"
"#;

fn station(c: &mut Criterion) {
    let scenario = bordersim_config::parse_scenario(STATION, "station.toml")
        .expect("the bench scenario is valid")
        .scenario;
    let model = CompiledScenario::new(&scenario).expect("a valid scenario compiles");
    let stats = run_replication(&model, 1, 0);
    let mut group = c.benchmark_group("station");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(stats.vehicles.arrived));
    group.bench_function("lanes_priorities_channels/vehicles", |b| {
        b.iter(|| black_box(run_replication(&model, black_box(1), 0).events));
    });
    group.finish();
}

criterion_group!(benches, station);
criterion_main!(benches);

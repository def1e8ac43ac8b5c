//! Whole replications of the bundled models: parsing excluded, model preparation and the
//! event loop included. Throughput is in events (arrivals and service completions, plus lane
//! changes where the model has them), the unit of the README's targets.
//!
//! - `mm4`: configs/bench/mm4.toml, M/M/4 at ρ = 0.9, about one million customers;
//! - `jackson`: configs/bench/jackson.toml, two stations with feedback-free routing;
//! - `commercial_week`: one week of configs/examples/commercial_truck_crossing.toml, the
//!   largest bundled example (both directions, FAST lanes, risk channels, schedules,
//!   spillback), one replication.

use std::hint::black_box;
use std::time::Duration;

use bordersim_model::{CompiledScenario, run_replication};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn compiled(relative: &str) -> CompiledScenario {
    let path = format!("{}/../{relative}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("a bundled config");
    let scenario = bordersim_config::parse_scenario(&text, &path)
        .expect("bundled configs are valid")
        .scenario;
    CompiledScenario::new(&scenario).expect("a valid scenario compiles")
}

fn runs(c: &mut Criterion) {
    let mut group = c.benchmark_group("run");
    // A run takes 0.1-0.5 s: ten samples in a few seconds are enough to see a 5% change.
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(4));
    for (name, config) in [
        ("mm4", "configs/bench/mm4.toml"),
        ("jackson", "configs/bench/jackson.toml"),
        (
            "commercial_week",
            "configs/examples/commercial_truck_crossing.toml",
        ),
    ] {
        let model = compiled(config);
        let events = run_replication(&model, 1, 0).events;
        group.throughput(Throughput::Elements(events));
        group.bench_function(name, |b| {
            b.iter(|| black_box(run_replication(&model, black_box(1), 0).events));
        });
    }
    group.finish();
}

criterion_group!(benches, runs);
criterion_main!(benches);

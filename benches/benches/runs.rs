//! Whole replications of the bundled models: parsing excluded, model preparation and the
//! event loop included. Throughput is in events (arrivals and service completions, plus lane
//! changes where the model has them), the unit of the README's targets.
//!
//! - `mm4`: configs/bench/mm4.toml, M/M/4 at ρ = 0.9, about one million customers;
//! - `jackson`: configs/bench/jackson.toml, two stations with feedback-free routing;
//! - `commercial_week`: one week of configs/examples/commercial_truck_crossing.toml, the
//!   largest bundled example (both directions, FAST lanes, risk channels, schedules,
//!   spillback), one replication;
//! - `region_equilibrium`: configs/regions/san_diego_tijuana.toml solved to its equilibrium
//!   (three crossings, both directions, a day observed after a day of warm-up), two
//!   replications per crossing and iteration, one thread.

use std::hint::black_box;
use std::time::Duration;

use bordersim_experiment::RunOptions;
use bordersim_experiment::region::run_region;
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

fn region_equilibrium(c: &mut Criterion) {
    let path = format!(
        "{}/../configs/regions/san_diego_tijuana.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("the bundled region");
    let directory = std::path::Path::new(&path)
        .parent()
        .expect("a directory")
        .to_owned();
    let read =
        move |name: &str| std::fs::read_to_string(directory.join(name)).map_err(|e| e.to_string());
    let loaded = bordersim_config::parse_region_with(&text, &path, &read)
        .expect("the bundled region is valid");
    let options = RunOptions {
        replications: 2,
        seed: 1,
        threads: Some(1),
    };
    let mut group = c.benchmark_group("region");
    // One equilibrium takes about a second: the fewest samples criterion allows.
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("san_diego_tijuana", |b| {
        b.iter(|| {
            let outcome = run_region(black_box(&loaded.model), &options).expect("runs");
            black_box(outcome.report.events)
        });
    });
    group.finish();
}

criterion_group!(benches, runs, region_equilibrium);
criterion_main!(benches);

//! A whole replication of `configs/bench/mm4.toml` (M/M/4 at ρ = 0.9, about one million
//! customers): parsing excluded, model preparation and the event loop included.

use std::hint::black_box;

use bordersim_model::{CompiledScenario, run_replication};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn mm4(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../configs/bench/mm4.toml");
    let text = std::fs::read_to_string(path).expect("configs/bench/mm4.toml is bundled");
    let scenario = bordersim_config::parse_scenario(&text, path)
        .expect("the bundled M/M/4 config is valid")
        .scenario;
    let model = CompiledScenario::new(&scenario).expect("a valid scenario compiles");
    let customers = run_replication(&model, 1, 0).vehicles.arrived;

    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.throughput(Throughput::Elements(customers));
    group.bench_function("mm4_one_million_customers", |b| {
        b.iter(|| black_box(run_replication(&model, black_box(1), 0).events));
    });
    group.finish();
}

criterion_group!(benches, mm4);
criterion_main!(benches);

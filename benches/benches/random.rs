//! The costs the README's profiling section weighs: the generator behind named streams
//! (ChaCha8, as used, against PCG64 from `rand_pcg`), a vehicle's stage sub-stream
//! (SplitMix64: seeding plus two draws), an exponential variate from each, and recording a
//! delay into a tally (one tally, and 24 of them as the hourly TRS profile does, which is
//! what puts the histograms out of the first-level cache).

use std::hint::black_box;
use std::time::Duration;

use bordersim_des::{RandomStreams, stage_rng};
use bordersim_stats::Tally;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp};
use rand_pcg::Pcg64;

const DRAWS: u64 = 100_000;

fn configure<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(DRAWS));
    group
}

fn generators(c: &mut Criterion) {
    let mut group = configure(c, "random/next_u64");
    let mut chacha = RandomStreams::new(1, 0).stream("source/arrivals");
    group.bench_function("chacha8_named_stream", |b| {
        b.iter(|| (0..DRAWS).fold(0u64, |acc, _| acc ^ chacha.next_u64()))
    });
    let mut pcg = Pcg64::seed_from_u64(1);
    group.bench_function("pcg64", |b| {
        b.iter(|| (0..DRAWS).fold(0u64, |acc, _| acc ^ pcg.next_u64()))
    });
    group.bench_function("splitmix64_stage_seed_and_two_draws", |b| {
        b.iter(|| {
            (0..DRAWS).fold(0u64, |acc, i| {
                let mut rng = stage_rng(black_box(0x1234_5678), i);
                acc ^ rng.next_u64() ^ rng.next_u64()
            })
        })
    });
    group.finish();

    let mut group = configure(c, "random/exponential");
    let exp = Exp::new(1.0 / 60_000.0).expect("a positive rate");
    let mut chacha = RandomStreams::new(1, 0).stream("source/arrivals");
    group.bench_function("chacha8_named_stream", |b| {
        b.iter(|| (0..DRAWS).fold(0.0, |acc, _| acc + exp.sample(&mut chacha)))
    });
    let mut pcg = Pcg64::seed_from_u64(1);
    group.bench_function("pcg64", |b| {
        b.iter(|| (0..DRAWS).fold(0.0, |acc, _| acc + exp.sample(&mut pcg)))
    });
    group.finish();
}

fn tallies(c: &mut Criterion) {
    // Delays like an M/M/4 queue's: exponential, mean two minutes, in milliseconds.
    let exp = Exp::new(1.0 / 120_000.0).expect("a positive rate");
    let mut rng = stage_rng(7, 0);
    let values: Vec<u64> = (0..DRAWS).map(|_| exp.sample(&mut rng) as u64).collect();
    let mut group = configure(c, "tally/record");
    let mut one = Tally::new();
    group.bench_function("one_tally", |b| {
        b.iter(|| values.iter().for_each(|&v| one.record(black_box(v))))
    });
    let mut hourly = vec![Tally::new(); 24];
    group.bench_function("24_tallies_round_robin", |b| {
        b.iter(|| {
            values
                .iter()
                .enumerate()
                .for_each(|(i, &v)| hourly[i % 24].record(black_box(v)))
        })
    });
    group.finish();
}

criterion_group!(benches, generators, tallies);
criterion_main!(benches);

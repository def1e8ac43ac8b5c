//! The future event list on its own: the hold model (pop the earliest event, schedule a new
//! one a random time later) at several queue sizes, the classic benchmark for event sets.

use std::hint::black_box;
use std::time::Duration;

use bordersim_des::{EventQueue, SimTime, stage_rng};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::Rng;

const HOLDS: u64 = 100_000;

fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue/hold");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(HOLDS));
    for size in [4usize, 64, 1024, 16_384] {
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, &size| {
            let mut rng = stage_rng(1, 0);
            let mut queue = EventQueue::with_capacity(size + 1);
            for i in 0..size {
                queue.schedule(SimTime(rng.next_u64() % 100_000), i as u32);
            }
            b.iter(|| {
                for _ in 0..HOLDS {
                    let ev = queue
                        .pop()
                        .expect("the queue never empties in the hold model");
                    let delay = SimTime(rng.next_u64() % 100_000);
                    queue.schedule_in(delay, black_box(ev.event));
                }
            });
        });
    }
    group.finish();
}

fn simultaneous_events(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue/ties");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(HOLDS));
    group.bench_function("fifo_same_instant", |b| {
        let mut queue = EventQueue::with_capacity(HOLDS as usize);
        b.iter(|| {
            for i in 0..HOLDS {
                queue.schedule(SimTime(7), i);
            }
            while let Some(ev) = queue.pop() {
                black_box(ev.event);
            }
        });
    });
    group.finish();
}

criterion_group!(benches, hold, simultaneous_events);
criterion_main!(benches);

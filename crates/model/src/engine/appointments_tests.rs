//! Booked arrival slots: exact cases by construction, the baseline at a share of 0, and the
//! waiting-area wait of Poisson arrivals against the slotted queue's theory.

use bordersim_des::SimTime;

use crate::appointments::{Appointment, AppointmentError, WaitingAreaFull};
use crate::engine::{CompiledScenario, run_replication};
use crate::ids::{ClassId, StationId};
use crate::scenario::{Scenario, Station};
use crate::source::{Arrivals, Source, TraceArrival};
use crate::stats::ReplicationStats;
use crate::testing::{minutes, run, scenario};

const S: u64 = 1_000;
const MIN: u64 = 60 * S;

/// Every vehicle of class 0 entering at station 0 books slots of `slot_min` minutes taking
/// `capacity` each, bookable `horizon_h` hours ahead, with an unlimited waiting area.
fn booking(share: f64, slot_min: u64, capacity: u32, horizon_h: u64) -> Appointment {
    Appointment {
        id: "goswift".into(),
        station: StationId(0),
        class: ClassId(0),
        programme: None,
        share,
        slot: SimTime::from_mins(slot_min),
        capacity_by_hour: [capacity; 24],
        horizon: SimTime::from_hours(horizon_h),
        waiting_area: None,
        when_full: WaitingAreaFull::Road,
        value_of_time_per_hour: None,
    }
}

/// A trace entering at station 0: class 0 at these times, ms.
fn trace_ms(times: impl IntoIterator<Item = u64>) -> Source {
    Source {
        id: "trace".into(),
        entry: StationId(0),
        arrivals: Arrivals::Trace {
            arrivals: times
                .into_iter()
                .map(|t| TraceArrival {
                    time: SimTime(t),
                    class: ClassId(0),
                    programme: None,
                })
                .collect(),
        },
    }
}

fn with(mut s: Scenario, appointments: Vec<Appointment>) -> Scenario {
    s.crossing = s.crossing.with_appointments(appointments).unwrap();
    s
}

/// One booth of one minute a vehicle, 120 lorries one every 30 s for an hour, a 4-hour run.
fn overloaded_hour() -> Scenario {
    let st = Station::simple("border", 1, minutes(1.0, 1), Vec::new());
    scenario(
        1,
        vec![st],
        vec![trace_ms((0..120).map(|n| n * 30 * S))],
        0,
        240,
    )
}

#[test]
fn booking_at_the_service_capacity_moves_the_whole_queue_off_the_road() {
    // Without booking, lorry n (from 0) arrives at 30n s and starts at 60n s: it waits
    // 30n s on the road, 30 × (0 + … + 119) = 214,200 s in all. With every lorry booking
    // slots of 15 per 15 minutes (the booth's 60 an hour), lorry n is the n-th booking
    // from the first slot's start and is called forward at 60n s: the same 30n s in the
    // waiting area, none on the road, and the booth takes each one as it frees.
    let base = run(&overloaded_hour());
    let booked = run(&with(overloaded_hour(), vec![booking(1.0, 15, 15, 24)]));
    let total = 30 * S * (0..120).sum::<u64>();
    assert_eq!(total, 214_200 * S);
    assert_eq!(base.stations[0].wait().sum_ms(), u128::from(total));
    assert_eq!(base.stations[0].queue_length.max(), 60);
    let b = &booked.appointments[0];
    assert_eq!((b.booked, b.area_full, b.no_slot), (120, 0, 0));
    assert_eq!(b.wait.count(), 120);
    assert_eq!(b.wait.sum_ms(), u128::from(total));
    assert_eq!(b.wait.max_ms(), Some(119 * 30 * S));
    // The road: nobody ever waits in the queue.
    let station = &booked.stations[0];
    assert_eq!(station.wait().sum_ms(), 0);
    assert_eq!(station.queue_length.max(), 0);
    assert_eq!(station.outside_vehicles.max(), 0);
    // Time in the crossing counts from the call forward: the minute of service alone.
    let exit = booked.time_in_system();
    assert_eq!((exit.count(), exit.sum_ms()), (120, u128::from(120 * MIN)));
    assert_eq!(
        base.time_in_system().sum_ms(),
        u128::from(total + 120 * MIN)
    );
    // The waiting area held up to 60 lorries (at 30 min: 60 arrived, 0 called… the n-th
    // called at 60n s), on average its waits over the run: 214,200 s / 4 h.
    assert_eq!(b.in_area.max(), 60);
    let mean = b.in_area.mean_until(240 * MIN);
    assert!((mean - 214_200.0 / (4.0 * 3600.0)).abs() < 1e-9, "{mean}");
    assert!(booked.vehicles.is_conserved());
}

/// Every field of two runs' statistics, the booking systems' aside.
fn without_bookings(mut s: ReplicationStats) -> String {
    s.appointments.clear();
    format!("{s:?}")
}

#[test]
fn a_share_of_zero_runs_exactly_as_without_booking() {
    let st = Station::simple("border", 2, minutes(1.5, 2), Vec::new());
    let sources = vec![
        Source::poisson("lorries", ClassId(0), 57.0, StationId(0)),
        Source::poisson("cars", ClassId(1), 20.0, StationId(0)),
    ];
    let base = scenario(2, vec![st], sources, 60, 24 * 60);
    let zero = with(base.clone(), vec![booking(0.0, 15, 10, 24)]);
    for r in 0..3 {
        let a = run_replication(&CompiledScenario::new(&base).unwrap(), 7, r);
        let b = run_replication(&CompiledScenario::new(&zero).unwrap(), 7, r);
        assert_eq!(b.appointments[0].booked, 0);
        assert_eq!(without_bookings(a), without_bookings(b));
    }
}

#[test]
fn the_booked_at_a_share_are_among_those_booked_at_a_larger_one_and_others_do_not_move() {
    // Half the lorries book: the other half arrive exactly as before (their own draws), and
    // the run conserves vehicles.
    let st = Station::simple("border", 1, minutes(1.0, 1), Vec::new());
    let s = scenario(
        1,
        vec![st],
        vec![Source::poisson("l", ClassId(0), 55.0, StationId(0))],
        0,
        48 * 60,
    );
    let half = run(&with(s.clone(), vec![booking(0.5, 15, 15, 48)]));
    let all = run(&with(s.clone(), vec![booking(1.0, 15, 15, 48)]));
    assert!(half.appointments[0].booked < all.appointments[0].booked);
    assert_eq!(half.vehicles.arrived, all.vehicles.arrived);
    let share = half.appointments[0].booked as f64 / half.vehicles.arrived as f64;
    assert!((share - 0.5).abs() < 0.05, "{share}");
    assert!(half.vehicles.is_conserved() && all.vehicles.is_conserved());
}

#[test]
fn a_full_waiting_area_sends_lorries_to_the_road_or_away_and_the_horizon_bounds_booking() {
    // Five lorries at time zero, one slot an hour. The first is called at once (its slot
    // has begun); the second waits an hour in an area for one; the others find it full.
    let st = Station::simple("border", 1, minutes(1.0, 1), Vec::new());
    let s = scenario(1, vec![st], vec![trace_ms([0; 5])], 0, 600);
    let mut small = booking(1.0, 60, 1, 24);
    small.waiting_area = Some(1);
    let road = run(&with(s.clone(), vec![small.clone()]));
    let b = &road.appointments[0];
    assert_eq!((b.booked, b.area_full, b.no_slot), (2, 3, 0));
    assert_eq!((b.wait.count(), b.wait.sum_ms()), (2, u128::from(60 * MIN)));
    assert_eq!(road.vehicles.departed, 5);
    small.when_full = WaitingAreaFull::Balk;
    let away = run(&with(s.clone(), vec![small]));
    assert_eq!(away.appointments[0].area_full, 3);
    assert_eq!((away.vehicles.balked, away.vehicles.departed), (3, 2));
    assert_eq!(away.stations[0].balked, 3);
    assert!(away.vehicles.is_conserved());
    // A three-hour horizon: slots starting at 0, 1 and 2 h only; two lorries get none.
    let short = run(&with(s, vec![booking(1.0, 60, 1, 3)]));
    let b = &short.appointments[0];
    assert_eq!((b.booked, b.no_slot), (3, 2));
    assert_eq!(b.wait.sum_ms(), u128::from((60 + 120) * MIN));
}

#[test]
fn capacity_by_hour_skips_closed_hours_and_the_ring_forgets_past_slots() {
    // Slots only from 02:00 to 03:00 (two of 30 minutes, 1 each); lorries at 00:10 and
    // 00:20 of days 1 and 2. Each day the first waits until 02:00, the second until 02:30.
    let st = Station::simple("border", 1, minutes(1.0, 1), Vec::new());
    let day = 24 * 60 * MIN;
    let times = [10 * MIN, 20 * MIN, day + 10 * MIN, day + 20 * MIN];
    let s = scenario(1, vec![st], vec![trace_ms(times)], 0, 2 * 24 * 60);
    let mut a = booking(1.0, 30, 0, 30);
    a.capacity_by_hour[2] = 1;
    let stats = run(&with(s, vec![a]));
    let b = &stats.appointments[0];
    assert_eq!(b.booked, 4);
    let waits = 2 * ((120 - 10) + (150 - 20)) * MIN;
    assert_eq!(b.wait.sum_ms(), u128::from(waits));
}

#[test]
fn bad_bookings_are_refused_with_their_field() {
    let st = Station::simple("border", 1, minutes(1.0, 1), Vec::new());
    let s = scenario(1, vec![st], vec![trace_ms([0])], 0, 60);
    let fields = |a: Appointment| -> Vec<&'static str> {
        let e: Vec<AppointmentError> = s.crossing.clone().with_appointments(vec![a]).unwrap_err();
        e.iter().map(|e| e.field).collect()
    };
    assert_eq!(fields(booking(1.5, 15, 10, 24)), ["share"]);
    assert_eq!(fields(booking(-0.1, 15, 10, 24)), ["share"]);
    assert_eq!(fields(booking(0.5, 15, 0, 24)), ["capacity"]);
    assert_eq!(fields(booking(0.5, 7, 1, 24)), ["slot"]);
    let mut a = booking(0.5, 15, 1, 24);
    a.station = StationId(3);
    assert_eq!(fields(a), ["station"]);
    let mut a = booking(0.5, 15, 1, 24);
    a.class = ClassId(2);
    assert_eq!(fields(a), ["class"]);
    let mut a = booking(0.5, 15, 1, 24);
    a.waiting_area = Some(0);
    assert_eq!(fields(a), ["waiting_area"]);
    // Capacity zero is fine when nobody books.
    assert!(
        s.crossing
            .clone()
            .with_appointments(vec![booking(0.0, 15, 0, 24)])
            .is_ok()
    );
}

/// The mean time in the waiting area of Poisson arrivals at `rate` per slot, all booking
/// slots of capacity `c` (in slot lengths): the bookings outstanding at a slot's start, B,
/// follow B' = max(B + A − c, 0) with A ~ Poisson(rate); an arrival at u (a fraction of
/// the slot) after `i` others in the slot is the n = B + i-th booking from the slot's start
/// and is called at n / c, waiting max(0, n / c − u). Arrivals in a slot before u are
/// Poisson(rate · u), independent of B.
fn slotted_mean_wait(rate: f64, c: usize) -> f64 {
    let n = 400;
    let poisson = |mean: f64| -> Vec<f64> {
        let mut p = vec![0.0; n];
        p[0] = (-mean).exp();
        for k in 1..n {
            p[k] = p[k - 1] * mean / k as f64;
        }
        p
    };
    let a = poisson(rate);
    let mut b = vec![0.0; n];
    b[0] = 1.0;
    for _ in 0..20_000 {
        let mut next = vec![0.0; n];
        for (x, px) in b.iter().enumerate().filter(|(_, p)| **p > 1e-300) {
            for (k, pk) in a.iter().enumerate().take(n - x) {
                next[(x + k).saturating_sub(c)] += px * pk;
            }
        }
        let change: f64 = next.iter().zip(&b).map(|(x, y)| (x - y).abs()).sum();
        b = next;
        if change < 1e-14 {
            break;
        }
    }
    let steps = 400;
    let mut total = 0.0;
    for s in 0..steps {
        let u = (s as f64 + 0.5) / steps as f64;
        let before = poisson(rate * u);
        // Distribution of n = B + i.
        let mut wait = 0.0;
        for (x, px) in b.iter().enumerate().filter(|(_, p)| **p > 1e-16) {
            for (i, pi) in before.iter().enumerate().take(n - x) {
                wait += px * pi * ((x + i) as f64 / c as f64 - u).max(0.0);
            }
        }
        total += wait;
    }
    total / steps as f64
}

#[test]
fn the_waiting_area_wait_of_poisson_arrivals_matches_the_slotted_queue() {
    // 57 lorries an hour book slots of 15 minutes taking 15 each (60 an hour); the border
    // has ample lanes. Theory: the slotted queue above, 0.511 slots (7.7 min); 10
    // replications of 400 hours gave 0.506 ± 0.046 (seed 11).
    let st = Station::simple("border", 50, minutes(1.0, 1), Vec::new());
    let s = scenario(
        1,
        vec![st],
        vec![Source::poisson("lorries", ClassId(0), 57.0, StationId(0))],
        20 * 60,
        420 * 60,
    );
    let s = with(s, vec![booking(1.0, 15, 15, 400)]);
    let model = CompiledScenario::new(&s).unwrap();
    let means: Vec<f64> = (0..10)
        .map(|r| {
            let stats = run_replication(&model, 11, r);
            let b = &stats.appointments[0];
            assert_eq!(b.no_slot, 0);
            b.wait.mean_ms().unwrap() / (15 * MIN) as f64
        })
        .collect();
    let theory = slotted_mean_wait(14.25, 15);
    let mean = means.iter().sum::<f64>() / 10.0;
    let sd = (means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / 9.0).sqrt();
    let half = 2.262 * sd / 10f64.sqrt();
    assert!(
        (mean - theory).abs() < half.max(0.01 * theory),
        "simulated {mean} ± {half} slots, theory {theory}"
    );
    assert!(theory > 0.3, "simulated {mean} ± {half}, theory {theory}");
}

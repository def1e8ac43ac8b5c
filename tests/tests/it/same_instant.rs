//! Events of one instant and the run window.
//!
//! Rule: at any instant the warm-up's end comes first, then schedule boundaries, then
//! lane-rule reviews, then departures and arrivals — whatever the order the engine scheduled
//! them in. A lane a schedule closes at t is closed for a vehicle that arrives, or whose
//! predecessor leaves, at t. The run covers the half-open window [0, horizon): nothing at the
//! horizon itself is processed.
//!
//! Deterministic service and recorded arrivals make every expected number exact. The
//! property test splits one trace into several sources, which changes the order in which
//! simultaneous arrivals, departures and lane changes are scheduled, and checks that the run
//! does not change.

use bordersim_des::SimTime;
use bordersim_model::{
    LaneSchedule, LogKind, LogRecord, Population, ReplicationStats, Scenario, Source, Station,
    StationId, TraceArrival, VehicleFilter,
};
use bordersim_tests::{at, fixed_min, lanes, row, scenario_with, trace_source};
use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, RngSeed};

use crate::support::logged;

const HOUR: u128 = SimTime::MS_PER_HOUR as u128;

/// One station of one lane group following `hours` every day, `service_min` minutes of
/// service, fed by `sources`.
fn one_station(
    hours: [u32; 24],
    service_min: f64,
    sources: Vec<Source>,
    horizon: SimTime,
) -> Scenario {
    let group = lanes(
        "booth",
        VehicleFilter::any(),
        false,
        LaneSchedule::daily(hours),
    );
    let station = Station {
        lanes: vec![group],
        ..Station::simple("booths", 1, vec![Some(fixed_min(service_min))], vec![])
    };
    scenario_with(
        "same instant",
        &Population::simple(&["truck"]),
        vec![station],
        sources,
        horizon,
        SimTime::ZERO,
    )
}

fn rows(times: &[SimTime]) -> Vec<TraceArrival> {
    times.iter().map(|&t| row(t, 0, None)).collect()
}

/// When vehicle `v` starts service, if it does.
fn start_of(records: &[LogRecord], v: u64) -> Option<SimTime> {
    records
        .iter()
        .find(|r| r.vehicle == v && r.kind == LogKind::Start)
        .map(|r| r.time)
}

fn counts(stats: &ReplicationStats) -> (u64, u64, u64) {
    (
        stats.vehicles.arrived,
        stats.vehicles.departed,
        stats.vehicles.in_system_at_end,
    )
}

/// Two booths in hour 0, one in hour 1, none after; three trucks at 00:00, 2 h of service.
/// Trucks A and B end at 02:00, the instant the last booth closes: truck C does not start
/// then but at the next opening, 00:00 on day 2, and ends at 02:00 on day 2.
///
/// Staffed lane-hours: day 1, 2 (hour 0) + 2 (hour 1: the closing booth finishes its truck);
/// day 2, 2 (hour 0) + 1 (hour 1, C alone) = 7. Open lane-hours 3 a day = 6. If C started at
/// 02:00 in a closed booth, it would add 2 staffed lane-hours on day 1.
#[test]
fn a_lane_closing_as_a_service_ends_starts_nobody() {
    let mut hours = [0u32; 24];
    hours[0] = 2;
    hours[1] = 1;
    let trace = trace_source("recorded", StationId(0), rows(&[at(0, 0); 3]));
    let scenario = one_station(hours, 120.0, vec![trace], at(48, 0));
    let (stats, records) = logged(&scenario, 1, 0);
    assert_eq!(start_of(&records, 0), Some(at(0, 0)));
    assert_eq!(start_of(&records, 1), Some(at(0, 0)));
    assert_eq!(
        start_of(&records, 2),
        Some(at(24, 0)),
        "C waits for the next opening"
    );
    let st = &stats.stations[0];
    let end = stats.window_end_ms;
    assert_eq!(st.lanes[0].staffed.area_until(end), 7 * HOUR);
    assert_eq!(st.lanes[0].open.area_until(end), 6 * HOUR);
    assert_eq!(st.lanes[0].busy.area_until(end), 6 * HOUR);
    assert_eq!(st.wait().sum_ms(), 24 * HOUR);
    assert_eq!(counts(&stats), (3, 3, 0));

    // Over day 1 alone, C is never served: it waits in the queue at the horizon.
    let scenario = one_station(
        hours,
        120.0,
        vec![trace_source("recorded", StationId(0), rows(&[at(0, 0); 3]))],
        at(24, 0),
    );
    let (stats, records) = logged(&scenario, 1, 0);
    assert_eq!(start_of(&records, 2), None);
    assert_eq!(
        stats.stations[0].lanes[0]
            .staffed
            .area_until(stats.window_end_ms),
        4 * HOUR
    );
    assert_eq!(counts(&stats), (3, 2, 1));
}

/// One lane, closed 00:00–06:00 every day, 10 min of service. A vehicle arriving at exactly
/// 00:00 on day 2 waits the 6 h to 06:00, whatever came before it in the trace: a row at
/// 03:00 of day 1 (its arrival scheduled before the 00:00 boundary was) or at 23:00.
#[test]
fn an_arrival_at_a_closing_instant_finds_the_lane_closed() {
    let mut hours = [1u32; 24];
    hours[0..6].fill(0);
    for earlier in [at(3, 0), at(23, 0), at(6, 0), at(0, 0)] {
        let trace = trace_source("recorded", StationId(0), rows(&[earlier, at(24, 0)]));
        let (stats, records) = logged(&one_station(hours, 10.0, vec![trace], at(48, 0)), 1, 0);
        assert_eq!(
            start_of(&records, 1),
            Some(at(30, 0)),
            "earlier row at {earlier:?}"
        );
        let first_wait = at(6, 0).as_millis().saturating_sub(earlier.as_millis());
        let first_wait = if earlier >= at(6, 0) { 0 } else { first_wait };
        assert_eq!(
            stats.stations[0].wait().sum_ms(),
            u128::from(first_wait) + 6 * HOUR,
            "earlier row at {earlier:?}"
        );
    }
}

/// A vehicle arriving at a lane's opening instant finds it open, whatever was scheduled
/// first: here the opening at 06:00 was scheduled at 00:00, the arrival at 05:00.
#[test]
fn an_arrival_at_an_opening_instant_finds_the_lane_open() {
    let mut hours = [1u32; 24];
    hours[0..6].fill(0);
    let trace = trace_source("recorded", StationId(0), rows(&[at(5, 0), at(6, 0)]));
    let (stats, records) = logged(&one_station(hours, 10.0, vec![trace], at(12, 0)), 1, 0);
    assert_eq!(start_of(&records, 0), Some(at(6, 0)));
    assert_eq!(start_of(&records, 1), Some(at(6, 10)));
    assert_eq!(
        stats.stations[0].wait().sum_ms(),
        u128::from(70 * 60_000u64)
    );
}

// ----- the run window [0, horizon) ----------------------------------------------------------

/// A trace row exactly at the horizon is not replayed; one a millisecond before it is.
#[test]
fn a_trace_row_at_the_horizon_is_not_replayed() {
    let hours = [1u32; 24];
    let horizon = at(2, 0);
    let trace = trace_source("recorded", StationId(0), rows(&[at(0, 0), horizon]));
    let (stats, records) = logged(&one_station(hours, 10.0, vec![trace], horizon), 1, 0);
    assert_eq!(counts(&stats), (1, 1, 0));
    assert!(records.iter().all(|r| r.time < horizon));

    let just_before = SimTime(horizon.as_millis() - 1);
    let trace = trace_source("recorded", StationId(0), rows(&[at(0, 0), just_before]));
    let (stats, records) = logged(&one_station(hours, 10.0, vec![trace], horizon), 1, 0);
    assert_eq!(counts(&stats), (2, 1, 1));
    assert_eq!(start_of(&records, 1), Some(just_before));
}

/// A lane opening exactly at the horizon starts nothing: the vehicles that waited for it are
/// still waiting when the run ends, and no wait is recorded.
#[test]
fn a_lane_opening_at_the_horizon_starts_nothing() {
    let mut hours = [1u32; 24];
    hours[0..6].fill(0);
    let trace = trace_source(
        "recorded",
        StationId(0),
        rows(&[at(1, 0), at(2, 0), at(3, 0)]),
    );
    let (stats, records) = logged(&one_station(hours, 10.0, vec![trace], at(6, 0)), 1, 0);
    assert_eq!(start_of(&records, 0), None);
    let st = &stats.stations[0];
    assert_eq!(st.wait().count(), 0);
    assert_eq!(st.lanes[0].open.area_until(stats.window_end_ms), 0);
    assert_eq!(st.lanes[0].staffed.area_until(stats.window_end_ms), 0);
    assert_eq!(counts(&stats), (3, 0, 3));
}

/// A service ending exactly at the horizon has not ended: its vehicle is in the system at
/// the end, and the next one does not start.
#[test]
fn a_service_ending_at_the_horizon_has_not_ended() {
    let hours = [1u32; 24];
    let trace = trace_source("recorded", StationId(0), rows(&[at(0, 0), at(0, 0)]));
    let (stats, records) = logged(&one_station(hours, 30.0, vec![trace], at(0, 30)), 1, 0);
    assert!(records.iter().all(|r| r.kind != LogKind::End));
    assert_eq!(start_of(&records, 1), None);
    assert_eq!(counts(&stats), (2, 0, 2));
    let st = &stats.stations[0];
    assert_eq!(st.lanes[0].busy.area_until(stats.window_end_ms), HOUR / 2);
}

/// A row exactly at the warm-up's end is observed (the window it opens is [warm-up,
/// horizon)); one a millisecond earlier is not, though its wait, recorded after the warm-up,
/// is.
#[test]
fn a_row_at_the_end_of_the_warm_up_is_observed() {
    let hours = [1u32; 24];
    let warmup = at(1, 0);
    let before = SimTime(warmup.as_millis() - 1);
    let trace = trace_source("recorded", StationId(0), rows(&[at(0, 50), before, warmup]));
    let mut scenario = one_station(hours, 20.0, vec![trace], at(3, 0));
    scenario.warmup = warmup;
    let (stats, _) = logged(&scenario, 1, 0);
    assert_eq!(stats.vehicles.in_system_at_start, 2);
    assert_eq!(counts(&stats), (1, 3, 0));
    // The 00:50 truck started before the warm-up ended (ending at 01:10); the other two wait
    // 10 min + 1 ms and 30 min for it.
    let waits = stats.stations[0].wait();
    assert_eq!(waits.count(), 2);
    assert_eq!(waits.sum_ms(), u128::from(40 * 60_000u64 + 1));
}

// ----- the rule, whatever the scheduling order ----------------------------------------------

/// A fixed generator seed and no failure files: every run tests the same cases.
fn config(cases: u32, seed: u64) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// What a run of one class through one station gives, as exact integers: vehicle counts,
/// wait count, sum and maximum, and the open, staffed and busy lane-time.
fn outcome(stats: &ReplicationStats) -> (u64, u64, u64, u64, u128, Option<u64>, u128, u128, u128) {
    let st = &stats.stations[0];
    let end = stats.window_end_ms;
    let w = st.wait();
    let lane = &st.lanes[0];
    (
        stats.vehicles.arrived,
        stats.vehicles.departed,
        stats.vehicles.in_system_at_end,
        w.count(),
        w.sum_ms(),
        w.max_ms(),
        lane.open.area_until(end),
        lane.staffed.area_until(end),
        lane.busy.area_until(end),
    )
}

proptest! {
    #![proptest_config(config(96, 0x5a3e_1257))]

    /// Arrivals on whole hours (so they coincide with schedule boundaries and with the ends
    /// of whole-hour services), split over one to four trace sources in any assignment: each
    /// split schedules the same simultaneous arrivals, departures and lane changes in a
    /// different order, and the run is the same.
    #[test]
    fn the_scheduling_order_of_simultaneous_events_changes_nothing(
        hours in prop::collection::vec(0u32..3, 24),
        service_hours in 1u64..4,
        arrivals in prop::collection::vec((0u64..30, 0usize..4), 1..20),
        horizon_hours in 6u64..36,
    ) {
        let hours: [u32; 24] = hours.try_into().expect("24 hours");
        let mut times: Vec<(SimTime, usize)> =
            arrivals.iter().map(|&(h, s)| (at(h, 0), s)).collect();
        times.sort();
        let one = vec![trace_source(
            "all",
            StationId(0),
            rows(&times.iter().map(|&(t, _)| t).collect::<Vec<_>>()),
        )];
        let split: Vec<Source> = (0..4)
            .filter_map(|s| {
                let mine: Vec<SimTime> =
                    times.iter().filter(|&&(_, of)| of == s).map(|&(t, _)| t).collect();
                (!mine.is_empty())
                    .then(|| trace_source(&format!("part{s}"), StationId(0), rows(&mine)))
            })
            .collect();
        let service = (service_hours * 60) as f64;
        let horizon = at(horizon_hours, 0);
        let (whole, _) = logged(&one_station(hours, service, one, horizon), 1, 0);
        let (parts, _) = logged(&one_station(hours, service, split, horizon), 1, 0);
        prop_assert_eq!(outcome(&whole), outcome(&parts));
    }
}

//! Report fields of storage and lanes with exact values: utilisation against staffed time
//! (overtime included, as lane-hours count it; undefined without a scheduled lane), and the
//! lanes held by vehicles blocked after service.

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, ClassId, Crossing, LaneSchedule, Population, Route, Scenario, ServiceDist, Source,
    Station, StationId, Storage, StorageLimit, Target, TraceArrival, VehicleFilter, WhenFull,
};

use crate::test_support::options;
use crate::{Report, run};

fn fixed_min(minutes: f64) -> Option<ServiceDist> {
    Some(ServiceDist::Deterministic {
        value_ms: minutes * 60_000.0,
    })
}

/// A trace entering at station 0: (second of arrival, class) rows.
fn trace(rows: &[(u64, u16)]) -> Source {
    Source {
        id: "trace".into(),
        entry: StationId(0),
        arrivals: Arrivals::Trace {
            arrivals: rows
                .iter()
                .map(|&(s, class)| TraceArrival {
                    time: SimTime(s * 1_000),
                    class: ClassId(class),
                    programme: None,
                })
                .collect(),
        },
    }
}

fn report(
    population: &Population,
    stations: Vec<Station>,
    source: Source,
    warmup_min: u64,
    horizon_min: u64,
) -> Report {
    let scenario = Scenario {
        name: "storage".into(),
        crossing: Crossing::new("x", population, stations, vec![source]).expect("valid"),
        horizon: SimTime::from_mins(horizon_min),
        warmup: SimTime::from_mins(warmup_min),
        replications: 2,
        seed: 1,
        start_weekday: 0,
    };
    run(&scenario, &options(2)).expect("runs").report
}

/// One booth open from 00:00 to 01:00 and `reopen` (hour, lanes) later; a truck arriving at
/// 00:50 is served for 20 minutes, to 01:10. Observed from 01:00 to 03:00.
fn overtime(reopen: Option<usize>) -> Report {
    let mut hours = [0u32; 24];
    hours[0] = 1;
    if let Some(h) = reopen {
        hours[h] = 1;
    }
    let mut booth = Station::simple("booth", 1, vec![fixed_min(20.0)], vec![]);
    booth.lanes[0].schedule = LaneSchedule::daily(hours);
    report(
        &Population::simple(&["truck"]),
        vec![booth],
        trace(&[(50 * 60, 0)]),
        60,
        180,
    )
}

#[test]
fn a_window_with_no_scheduled_lane_has_no_utilisation_though_its_overtime_is_staffed() {
    // Only the closing booth's 10 minutes of overtime are staffed in the window, all busy:
    // 100% would describe nothing the schedule offered. Lane-hours still count them.
    let r = overtime(None);
    let st = &r.stations[0];
    assert_eq!(st.utilization, None);
    assert_eq!(st.utilization_ci95, None);
    assert_eq!(st.lane_groups[0].utilization, None);
    assert!(
        (st.lane_hours - 10.0 / 60.0).abs() < 1e-12,
        "{}",
        st.lane_hours
    );
    assert!((st.lane_groups[0].lane_hours - 10.0 / 60.0).abs() < 1e-12);
}

#[test]
fn utilisation_is_busy_over_staffed_time_overtime_included() {
    // The booth reopens from 02:00 to 03:00 (idle): staffed 10 minutes of overtime plus 60
    // scheduled, busy 10 — 1/7, and 70 staffed minutes in lane-hours.
    let r = overtime(Some(2));
    let st = &r.stations[0];
    let expected = 10.0 / 70.0;
    assert!((st.utilization.expect("a lane was scheduled") - expected).abs() < 1e-12);
    assert!((st.lane_groups[0].utilization.expect("scheduled") - expected).abs() < 1e-12);
    assert!((st.lane_hours - 70.0 / 60.0).abs() < 1e-12);
}

#[test]
fn the_report_gives_the_lanes_held_by_vehicles_blocked_after_service() {
    // Two booths (1 minute), trucks on to an X-ray (10 minutes) with one waiting place that
    // blocks: of three trucks at 0 s, the third finishes its booth at 120 s and holds it
    // until the first leaves the X-ray at 660 s — 540 s, 0.15 lane-hours, per replication.
    let primary = Station::simple(
        "primary",
        2,
        vec![fixed_min(1.0)],
        vec![Route {
            when: VehicleFilter::any(),
            to: Target::Station(StationId(1)),
            probability: 1.0,
        }],
    );
    let mut xray = Station::simple("xray", 1, vec![fixed_min(10.0)], vec![]);
    xray.storage = Storage {
        limit: StorageLimit::Vehicles(1),
        when_full: WhenFull::Block,
    };
    let r = report(
        &Population::simple(&["truck"]),
        vec![primary, xray],
        trace(&[(0, 0), (0, 0), (0, 0)]),
        0,
        60,
    );
    let held = &r.stations[0].blocking;
    assert_eq!(held.time_held.count, 2);
    assert_eq!(held.time_held.mean_s, Some(540.0));
    assert_eq!(held.time_held.max_s, Some(540.0));
    assert!(
        (held.lane_hours - 0.15).abs() < 1e-12,
        "{}",
        held.lane_hours
    );
    assert_eq!(held.held_at_end, 0);
    assert_eq!(r.stations[1].blocking.time_held.count, 0);
    // The same time, by segment, in the Time Release Study's table.
    let rows: Vec<_> = r
        .trs
        .intervals
        .iter()
        .filter(|i| i.interval == "primary:held")
        .map(|i| (i.dimension.as_str(), i.stats.count, i.stats.mean_s))
        .collect();
    assert!(rows.contains(&("all", 2, Some(540.0))), "{rows:?}");
    assert!(rows.contains(&("class", 2, Some(540.0))), "{rows:?}");
    assert!(!r.trs.intervals.iter().any(|i| i.interval == "xray:held"));
    assert_eq!(r.stations[1].spillback.vehicles, 0);
}

//! The engine's rules, as specifications: each test builds a small crossing with
//! deterministic service and recorded arrivals, so every expected number is exact.

use bordersim_des::SimTime;

use crate::log::LogKind;
use crate::scenario::{LaneGroup, Station, Storage, StorageLimit, WhenFull};
use crate::schedule::LaneSchedule;
use crate::testing::{
    dedicated, minute_of, minutes, open_hours, run, run_logged, scenario, to_station, trace,
};

const MIN: u64 = 60_000;

/// One station with these lane groups and `service_min` minutes of service for every class.
fn station(groups: Vec<LaneGroup>, classes: usize, service_min: f64) -> Station {
    let mut st = Station::simple("booths", 1, minutes(service_min, classes), Vec::new());
    st.lanes = groups;
    st
}

// ----- lane dispatch ----------------------------------------------------------------------

#[test]
fn a_dedicated_lane_serves_only_its_own_vehicles() {
    // Class 0 has one lane, class 1 another that does not share: the second class-0 vehicle
    // waits for its own lane though the other is idle.
    let st = station(
        vec![
            dedicated("c0", &[0], LaneSchedule::Constant(1)),
            dedicated("c1", &[1], LaneSchedule::Constant(1)),
        ],
        2,
        10.0,
    );
    let stats = run(&scenario(
        2,
        vec![st],
        vec![trace(&[(0, 0), (0, 0)])],
        0,
        60,
    ));
    let s = &stats.stations[0];
    assert_eq!(s.lanes[0].served, 2);
    assert_eq!(s.lanes[1].served, 0);
    assert_eq!(s.wait().count(), 2);
    assert_eq!(s.wait().sum_ms(), u128::from(10 * MIN));
}

#[test]
fn a_lane_that_shares_when_idle_takes_other_vehicles() {
    let mut shared = dedicated("c1", &[1], LaneSchedule::Constant(1));
    shared.share_when_idle = true;
    let st = station(
        vec![dedicated("c0", &[0], LaneSchedule::Constant(1)), shared],
        2,
        10.0,
    );
    let stats = run(&scenario(
        2,
        vec![st],
        vec![trace(&[(0, 0), (0, 0)])],
        0,
        60,
    ));
    let s = &stats.stations[0];
    // Its own lane first, then the idle one of the other group: nobody waits.
    assert_eq!(s.lanes[0].served, 1);
    assert_eq!(s.lanes[1].served, 1);
    assert_eq!(s.wait().sum_ms(), 0);
}

#[test]
fn an_idle_sharing_lane_prefers_its_own_class_over_an_earlier_other() {
    // The class-0 lane is busy for 60 minutes; the shared class-1 lane frees at minute 10
    // with a class-0 vehicle waiting since minute 1 and a class-1 vehicle since minute 2:
    // it takes the class-1 vehicle.
    let mut shared = dedicated("c1", &[1], LaneSchedule::Constant(1));
    shared.share_when_idle = true;
    let st = station(
        vec![dedicated("c0", &[0], LaneSchedule::Constant(1)), shared],
        2,
        10.0,
    );
    let mut st = st;
    st.service = vec![minutes(60.0, 1)[0].clone(), minutes(10.0, 1)[0].clone()];
    // Vehicle 1 is class 1 here, so the shared lane is busy with its own until minute 10.
    let arrivals = [(0, 0), (0, 1), (1, 0), (2, 1)];
    let (_, log) = run_logged(&scenario(2, vec![st], vec![trace(&arrivals)], 0, 300));
    assert_eq!(minute_of(&log, 3, LogKind::Start), Some(10.0));
    // The class-0 vehicle then takes the shared lane when it frees again.
    assert_eq!(minute_of(&log, 2, LogKind::Start), Some(20.0));
}

// ----- schedules --------------------------------------------------------------------------

#[test]
fn a_lane_opens_at_its_scheduled_hour() {
    // Closed in hour 0, open from 01:00: a vehicle arriving at 00:30 starts at 01:00.
    let st = station(vec![dedicated("all", &[0], open_hours(1..24, 1))], 1, 10.0);
    let (stats, log) = run_logged(&scenario(1, vec![st], vec![trace(&[(30, 0)])], 0, 180));
    assert_eq!(minute_of(&log, 0, LogKind::Start), Some(60.0));
    assert_eq!(stats.stations[0].wait().sum_ms(), u128::from(30 * MIN));
}

#[test]
fn a_closing_lane_finishes_its_vehicle() {
    // Open in hour 0 only. A vehicle starting at 00:50 for 20 minutes ends at 01:10, after
    // the lane closed; the lane stays staffed until then. The next vehicle is never served.
    let st = station(vec![dedicated("all", &[0], open_hours(0..1, 1))], 1, 20.0);
    let (stats, log) = run_logged(&scenario(
        1,
        vec![st],
        vec![trace(&[(50, 0), (90, 0)])],
        0,
        180,
    ));
    assert_eq!(minute_of(&log, 0, LogKind::End), Some(70.0));
    assert_eq!(minute_of(&log, 1, LogKind::Start), None);
    let lane = &stats.stations[0].lanes[0];
    let end = 180 * MIN;
    assert_eq!(lane.open.area_until(end), u128::from(60 * MIN));
    assert_eq!(lane.staffed.area_until(end), u128::from(70 * MIN));
    assert_eq!(stats.vehicles.departed, 1);
    assert_eq!(stats.vehicles.in_system_at_end, 1);
}

// ----- storage ----------------------------------------------------------------------------

/// One lane, 10-minute service, room for one waiting vehicle; three arrive at once.
fn full_queue(when_full: WhenFull) -> crate::scenario::Scenario {
    let mut st = station(
        vec![dedicated("all", &[0], LaneSchedule::Constant(1))],
        1,
        10.0,
    );
    st.storage = Storage {
        limit: StorageLimit::Vehicles(1),
        when_full,
    };
    scenario(1, vec![st], vec![trace(&[(0, 0), (0, 0), (0, 0)])], 0, 120)
}

#[test]
fn a_vehicle_finding_the_queue_full_balks() {
    let stats = run(&full_queue(WhenFull::Balk));
    assert_eq!(stats.stations[0].balked, 1);
    assert_eq!(stats.vehicles.balked, 1);
    assert_eq!(stats.vehicles.departed, 2);
    assert_eq!(stats.stations[0].spilled, 0);
}

#[test]
fn a_vehicle_finding_the_queue_full_waits_upstream_and_enters_when_there_is_room() {
    let (stats, log) = run_logged(&full_queue(WhenFull::Spillback));
    let s = &stats.stations[0];
    assert_eq!(s.spilled, 1);
    assert_eq!(s.balked, 0);
    // The third vehicle enters the queue when the first leaves service (minute 10), and
    // starts when the second does (minute 20).
    assert_eq!(s.time_outside.sum_ms(), u128::from(10 * MIN));
    assert_eq!(minute_of(&log, 2, LogKind::Queue), Some(10.0));
    assert_eq!(minute_of(&log, 2, LogKind::Start), Some(20.0));
    assert_eq!(stats.vehicles.departed, 3);
}

// ----- warm-up ----------------------------------------------------------------------------

#[test]
fn warm_up_resets_the_statistics_and_keeps_the_vehicles() {
    // Warm-up ends at minute 15: vehicle 0 has left (minute 10), vehicle 1 is in service
    // (10 to 20), vehicle 2 arrives at minute 20.
    let st = station(
        vec![dedicated("all", &[0], LaneSchedule::Constant(1))],
        1,
        10.0,
    );
    let stats = run(&scenario(
        1,
        vec![st],
        vec![trace(&[(0, 0), (0, 0), (20, 0)])],
        15,
        120,
    ));
    assert_eq!(stats.window_start_ms, 15 * MIN);
    assert_eq!(stats.vehicles.in_system_at_start, 1);
    assert_eq!(stats.vehicles.arrived, 1);
    assert_eq!(stats.vehicles.departed, 2);
    let s = &stats.stations[0];
    // Vehicle 1's wait was recorded before the warm-up ended; only vehicle 2's remains.
    assert_eq!(s.wait().count(), 1);
    assert_eq!(s.served, 2);
    // Busy from the end of warm-up to 30 minutes, all but nothing idle.
    assert_eq!(s.busy_servers.area_until(120 * MIN), u128::from(15 * MIN));
}

// ----- conservation -----------------------------------------------------------------------

#[test]
fn vehicles_are_conserved_through_warm_up_balking_and_routing() {
    // Two stations, storage of two vehicles with balking at the first, a quarter routed on
    // to the second; vehicles still inside at the horizon count as in the system.
    let mut first = station(
        vec![dedicated("all", &[0], LaneSchedule::Constant(1))],
        1,
        4.0,
    );
    first.routes = to_station(1, 0.25);
    first.storage = Storage {
        limit: StorageLimit::Vehicles(2),
        when_full: WhenFull::Balk,
    };
    let second = Station::simple("second", 1, minutes(7.0, 1), Vec::new());
    let arrivals: Vec<(u64, u16)> = (0..200).map(|i| (i * 3 / 2, 0)).collect();
    let s = scenario(1, vec![first, second], vec![trace(&arrivals)], 59, 281);
    let stats = run(&s);
    let v = stats.vehicles;
    assert!(v.is_conserved(), "{v:?}");
    assert_eq!(
        v.in_system_at_start + v.arrived,
        v.departed + v.balked + v.in_system_at_end
    );
    assert!(v.balked > 0 && v.in_system_at_start > 0 && v.in_system_at_end > 0);
    // Arrivals at minutes ⌊3i/2⌋: i = 40 (minute 60) to i = 187 (minute 280) are in the
    // window from minute 59 to 281.
    assert_eq!(v.arrived, 148);
    assert_eq!(SimTime::from_mins(281).as_millis(), stats.window_end_ms);
}

//! The engine's rules, as specifications: each test builds a small crossing with
//! deterministic service and recorded arrivals, so every expected number is exact.

use bordersim_des::SimTime;

use crate::log::LogKind;
use crate::scenario::{LaneGroup, LaneRule, Station, Storage, StorageLimit, WhenFull};
use crate::schedule::LaneSchedule;
use crate::testing::{
    dedicated, minute_of, minutes, open_hours, run, run_logged, scenario, scenario_with_lengths,
    to_station, trace,
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

// ----- lane rules -------------------------------------------------------------------------

/// A group serving class 0 with `start` lanes open at the start, under a lane rule: a review
/// every `review_min` minutes; a lane opens above a median wait of 5 minutes and closes
/// below 1 minute, within `min_lanes..=max_lanes`.
fn ruled(start: u32, min_lanes: u32, max_lanes: u32, review_min: u64) -> LaneGroup {
    let mut group = dedicated("ruled", &[0], LaneSchedule::Constant(start));
    group.rule = Some(LaneRule {
        min_wait: SimTime::from_mins(1),
        max_wait: SimTime::from_mins(5),
        min_lanes,
        max_lanes,
        review: SimTime::from_mins(review_min),
    });
    group
}

#[test]
fn under_overload_a_lane_rule_opens_one_lane_a_review_up_to_max_lanes_and_no_more() {
    // 100 vehicles at minute 0, an hour of service each; one lane at the start, at most 3.
    // Review at 10: the one vehicle served since the start waited 0, no change. At 20: none
    // served since, the longest wait (20 minutes) stands in: a second lane opens and takes
    // vehicle 1. At 30: vehicle 1 waited 20 minutes, a third opens and takes vehicle 2.
    // From 40 on every median exceeds 5 minutes, but 3 lanes are the most.
    let st = station(vec![ruled(1, 1, 3, 10)], 1, 60.0);
    let arrivals = [(0, 0); 100];
    let (stats, log) = run_logged(&scenario(1, vec![st], vec![trace(&arrivals)], 0, 290));
    assert_eq!(minute_of(&log, 1, LogKind::Start), Some(20.0));
    assert_eq!(minute_of(&log, 2, LogKind::Start), Some(30.0));
    let s = &stats.stations[0];
    let lane = &s.lanes[0];
    assert_eq!(lane.rule_openings, 2);
    assert_eq!(lane.rule_closings, 0);
    assert_eq!(lane.open.max(), 3);
    assert_eq!(lane.open.level(), 3);
    assert_eq!(s.max_open_servers(), 3);
    // Lanes open: 1 for 20 minutes, 2 for 10, 3 for the last 260.
    assert_eq!(
        lane.open.area_until(290 * MIN),
        u128::from((20 + 2 * 10 + 3 * 260) * MIN)
    );
    // The lanes opened at minutes 0, 20 and 30 each finish a vehicle an hour: 4 each by 290.
    assert_eq!(lane.served, 12);
}

#[test]
fn with_no_load_a_lane_rule_closes_one_lane_a_review_down_to_min_lanes_and_no_fewer() {
    // 4 lanes at the start, at least 2. One vehicle at minute 0, served at once (wait 0).
    // Review at 10: its wait, 0, is below 1 minute: a lane closes (3 open). At 20: none
    // served since and none waiting, the stand-in wait is 0: another closes (2). From 30 on
    // the wait stays 0, but 2 lanes are the fewest.
    let st = station(vec![ruled(4, 2, 5, 10)], 1, 5.0);
    let stats = run(&scenario(1, vec![st], vec![trace(&[(0, 0)])], 0, 120));
    let lane = &stats.stations[0].lanes[0];
    assert_eq!(lane.rule_closings, 2);
    assert_eq!(lane.rule_openings, 0);
    assert_eq!(lane.open.max(), 4);
    assert_eq!(lane.open.level(), 2);
    assert_eq!(
        lane.open.area_until(120 * MIN),
        u128::from((4 * 10 + 3 * 10 + 2 * 100) * MIN)
    );
}

#[test]
fn a_lane_rule_reads_the_median_wait_the_upper_middle_one_of_an_even_count() {
    // One lane at the start, at most 2, a review at minute 25 (then 50, …). Class 1 is not
    // the group's (it shares when idle to serve it) and takes 20 minutes; class 0 takes 1.
    let run_with = |arrivals: &[(u64, u16)]| {
        let mut group = ruled(1, 1, 2, 25);
        group.share_when_idle = true;
        let mut st = station(vec![group], 2, 1.0);
        st.service = vec![minutes(1.0, 1)[0].clone(), minutes(20.0, 1)[0].clone()];
        let stats = run(&scenario(2, vec![st], vec![trace(arrivals)], 0, 40));
        stats.stations[0].lanes[0].rule_openings
    };
    // Waits 0 (class 1 at 0), 20 minutes (class 0 at 0, served at 20) and 0 (class 0 at 22):
    // the median is 0, no lane opens (the mean, 6.7 minutes, or the longest would open one).
    assert_eq!(run_with(&[(0, 1), (0, 0), (22, 0)]), 0);
    // Waits 0 and 20 minutes: the upper middle one, 20 minutes, opens a lane.
    assert_eq!(run_with(&[(0, 1), (0, 0)]), 1);
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

/// One lane serving `classes` classes, an hour of service, a queue `metres` long.
fn road(metres: f64, when_full: WhenFull, classes: u16) -> Station {
    let all: Vec<u16> = (0..classes).collect();
    let mut st = station(
        vec![dedicated("all", &all, LaneSchedule::Constant(1))],
        usize::from(classes),
        60.0,
    );
    st.storage = Storage {
        limit: StorageLimit::Metres(metres),
        when_full,
    };
    st
}

#[test]
fn a_queue_of_n_metres_holds_n_over_the_length_rounded_down() {
    // 10 vehicles of 16.5 m at once, balking: one takes the lane, the others queue while
    // they fit. 49.5 m is exactly 3 vehicles; a centimetre less holds 2.
    for (metres, held) in [(49.4, 2), (49.5, 3), (65.9, 3), (66.0, 4)] {
        let st = road(metres, WhenFull::Balk, 1);
        let stats = run(&scenario_with_lengths(
            &[16.5],
            vec![st],
            vec![trace(&[(0, 0); 10])],
            0,
            30,
        ));
        let s = &stats.stations[0];
        assert_eq!(s.queue_length.max(), held, "{metres} m");
        assert_eq!(s.balked, 9 - held, "{metres} m");
    }
}

#[test]
fn a_vehicle_too_long_for_the_room_left_balks_and_a_shorter_one_behind_it_may_enter() {
    // Trucks (class 0) of 20 m and cars (class 1) of 5 m, a 25 m queue, balking. At minute
    // 0: a truck takes the lane, a truck queues (20 m), a truck balks (40 m), a car queues
    // (25 m: exactly full), a car balks (30 m).
    let st = road(25.0, WhenFull::Balk, 2);
    let arrivals = [(0, 0), (0, 0), (0, 0), (0, 1), (0, 1)];
    let (stats, log) = run_logged(&scenario_with_lengths(
        &[20.0, 5.0],
        vec![st],
        vec![trace(&arrivals)],
        0,
        30,
    ));
    let balked: Vec<u64> = log
        .iter()
        .filter(|r| r.kind == LogKind::Balk)
        .map(|r| r.vehicle)
        .collect();
    assert_eq!(balked, [2, 4]);
    assert_eq!(stats.classes[0].balked, 1);
    assert_eq!(stats.classes[1].balked, 1);
    assert_eq!(stats.stations[0].queue_length.max(), 2);
}

#[test]
fn vehicles_upstream_of_a_full_road_enter_first_come_as_their_lengths_fit() {
    // The same road, spilling back. A truck takes the lane, a truck queues (20 m), a truck
    // waits upstream (40 m would not fit), and a car waits upstream behind it though its 5 m
    // would fit: upstream is first come, first in. At minute 60 the first truck leaves, the
    // queued one starts, and both upstream vehicles enter (20 + 5 = 25 m).
    let st = road(25.0, WhenFull::Spillback, 2);
    let arrivals = [(0, 0), (0, 0), (0, 0), (0, 1)];
    let (stats, log) = run_logged(&scenario_with_lengths(
        &[20.0, 5.0],
        vec![st],
        vec![trace(&arrivals)],
        0,
        90,
    ));
    let s = &stats.stations[0];
    assert_eq!(s.spilled, 2);
    assert_eq!(s.balked, 0);
    assert_eq!(minute_of(&log, 3, LogKind::Spillback), Some(0.0));
    assert_eq!(minute_of(&log, 2, LogKind::Queue), Some(60.0));
    assert_eq!(minute_of(&log, 3, LogKind::Queue), Some(60.0));
    assert_eq!(s.outside_vehicles.max(), 2);
    assert_eq!(s.outside_length_cm.max(), 2_500);
    assert_eq!(s.time_outside.sum_ms(), u128::from(2 * 60 * MIN));
    assert_eq!(s.queue_length.max(), 2);
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

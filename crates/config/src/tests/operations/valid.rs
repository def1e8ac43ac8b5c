//! Operations loader tests: valid files.

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, Channel, ClassId, DirectionId, HOURS_PER_WEEK, LaneSchedule, ProgrammeId,
    RateProfile, StationId, StorageLimit, Target, TraceArrival, WhenFull,
};

use super::*;
use crate::parse_scenario_with;
use crate::tests::{BASE, ok};

#[test]
fn operations_load_into_model_types() {
    let loaded = ok_ops(OPS);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.scenario;
    assert_eq!(s.start_weekday, 5);
    let pop = s.population();
    let ids = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        pop.directions
            .iter()
            .map(|d| d.id.clone())
            .collect::<Vec<_>>(),
        ids(vec!["northbound", "southbound"])
    );
    assert_eq!(
        pop.programmes
            .iter()
            .map(|p| p.id.clone())
            .collect::<Vec<_>>(),
        ids(vec!["none", "fast"])
    );
    let truck = &pop.classes[0];
    assert_eq!(truck.length_m, 20.0);
    assert_eq!(truck.priority, 0);
    assert_eq!(truck.programme_shares, vec![0.8, 0.2]);
    assert_eq!(
        truck.channel_probabilities,
        vec![[0.80, 0.05, 0.15], [0.97, 0.02, 0.01]]
    );
    assert_eq!(truck.random_inspection, 0.02);
    let reefer = &pop.classes[1];
    assert_eq!(reefer.length_m, 10.0);
    assert_eq!(reefer.priority, 2);
    assert_eq!(reefer.programme_shares, vec![1.0, 0.0]);
    assert_eq!(reefer.channel_probabilities, vec![[1.0, 0.0, 0.0]; 2]);

    let st = s.crossing.stations();
    let primary = &st[0];
    assert_eq!(primary.direction, DirectionId(0));
    assert_eq!(st[3].direction, DirectionId(1));
    assert_eq!(primary.lanes.len(), 2);
    let general = &primary.lanes[0];
    assert_eq!(general.id, "general");
    assert!(general.serves.is_any());
    assert!(!general.share_when_idle);
    let LaneSchedule::Weekly(week) = &general.schedule else {
        panic!("{:?}", general.schedule);
    };
    let mut day = [6u32; 24];
    day[..6].fill(2);
    day[22..].fill(2);
    let mut sunday = [3u32; 24];
    sunday[..6].fill(1);
    sunday[22..].fill(1);
    for d in 0..6 {
        assert_eq!(week[d * 24..(d + 1) * 24].to_vec(), hours(day), "day {d}");
    }
    assert_eq!(week[6 * 24..].to_vec(), hours(sunday));
    assert_eq!(week.len(), HOURS_PER_WEEK);
    let fast = &primary.lanes[1];
    assert_eq!(fast.serves.programmes, Some(vec![ProgrammeId(1)]));
    assert_eq!(fast.serves.classes, None);
    assert!(fast.share_when_idle);
    assert_eq!(fast.schedule, LaneSchedule::Constant(2));
    assert_eq!(primary.storage.limit, StorageLimit::Metres(2500.0));
    assert_eq!(primary.storage.when_full, WhenFull::Spillback);
    assert!(!primary.releases);
    let channels: Vec<_> = primary
        .routes
        .iter()
        .map(|r| (r.when.channels.clone(), r.to))
        .collect();
    assert_eq!(
        channels,
        vec![
            (Some(vec![Channel::Red]), Target::Station(StationId(1))),
            (Some(vec![Channel::Yellow]), Target::Station(StationId(2))),
            (Some(vec![Channel::Green]), Target::Exit),
        ]
    );
    assert!(st[1].releases);
    assert_eq!(st[2].storage.limit, StorageLimit::Vehicles(40));
    assert_eq!(st[2].storage.when_full, WhenFull::Balk);
    assert_eq!(st[3].storage.limit, StorageLimit::Unlimited);
    assert_eq!(st[3].lanes[0].schedule, LaneSchedule::Constant(3));

    let src = s.crossing.sources();
    assert_eq!(
        src.len(),
        4,
        "the trace splits into one source per direction"
    );
    let mut profile = [0.0; 24];
    for (h, v) in [
        4, 3, 2, 2, 3, 6, 12, 20, 28, 30, 28, 26, 24, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 5,
    ]
    .into_iter()
    .enumerate()
    {
        profile[h] = f64::from(v);
    }
    assert_eq!(
        src[0].arrivals,
        Arrivals::Profile {
            class: ClassId(0),
            profile: RateProfile {
                hourly_per_hour: profile,
                day_factors: [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.25],
            }
        }
    );
    assert_eq!(
        src[1].arrivals,
        Arrivals::Poisson {
            class: ClassId(1),
            rate_per_hour: 3.0
        }
    );
    assert_eq!(src[2].id, "recorded/northbound");
    assert_eq!(src[2].entry, StationId(0));
    assert_eq!(
        src[2].arrivals,
        Arrivals::Trace {
            arrivals: vec![
                TraceArrival {
                    time: SimTime::ZERO,
                    class: ClassId(0),
                    programme: Some(ProgrammeId(1)),
                },
                TraceArrival {
                    time: SimTime::from_secs(600),
                    class: ClassId(1),
                    programme: Some(ProgrammeId(0)),
                },
                TraceArrival {
                    time: SimTime::from_secs(5400),
                    class: ClassId(0),
                    programme: None,
                },
            ]
        }
    );
    assert_eq!(src[3].id, "recorded/southbound");
    assert_eq!(src[3].entry, StationId(3));
    assert_eq!(
        src[3].arrivals,
        Arrivals::Trace {
            arrivals: vec![TraceArrival {
                time: SimTime::from_millis(90_500),
                class: ClassId(0),
                programme: None,
            }]
        }
    );
    assert_eq!(s.crossing.source_direction(3), DirectionId(1));
}

#[test]
fn issue_two_files_get_the_defaults() {
    let s = ok(BASE).scenario;
    assert_eq!(s.start_weekday, 0);
    let pop = s.population();
    assert_eq!(pop.directions.len(), 1);
    assert_eq!(pop.directions[0].id, "inbound");
    assert_eq!(pop.programmes.len(), 1);
    assert_eq!(pop.programmes[0].id, "none");
    for class in &pop.classes {
        assert_eq!(class.length_m, 10.0);
        assert_eq!(class.priority, 0);
        assert_eq!(class.programme_shares, vec![1.0]);
        assert_eq!(class.channel_probabilities, vec![[1.0, 0.0, 0.0]]);
        assert_eq!(class.random_inspection, 0.0);
    }
    for st in s.crossing.stations() {
        assert_eq!(st.direction, DirectionId(0));
        assert_eq!(st.lanes.len(), 1);
        assert!(st.lanes[0].serves.is_any());
        assert!(matches!(st.lanes[0].schedule, LaneSchedule::Constant(_)));
        assert_eq!(st.storage.limit, StorageLimit::Unlimited);
        assert!(!st.releases);
    }
    // The same file through the reader-taking entry point: identical.
    let read = |_: &str| -> Result<String, String> { panic!("no file is read") };
    let again = parse_scenario_with(BASE, "test.toml", &read)
        .unwrap()
        .scenario;
    assert_eq!(again.crossing.stations(), s.crossing.stations());
}

#[test]
fn one_declared_direction_needs_no_station_direction() {
    let input = crate::tests::edit(
        "[[classes]]\nid = \"truck\"",
        "[[directions]]\nid = \"eastbound\"\n\n[[classes]]\nid = \"truck\"",
    );
    let s = ok(&input).scenario;
    assert_eq!(s.population().directions[0].id, "eastbound");
    assert!(
        s.crossing
            .stations()
            .iter()
            .all(|st| st.direction == DirectionId(0))
    );
}

#[test]
fn start_weekday_forms() {
    for (written, day) in [("monday", 0), ("Sunday", 6), ("tue", 1), ("FRI", 4)] {
        let s = ok_ops(&ops_edit(
            "start_weekday = \"saturday\"",
            &format!("start_weekday = \"{written}\""),
        ))
        .scenario;
        assert_eq!(s.start_weekday, day, "{written}");
    }
    let d = ops_one(
        &ops_edit("\"saturday\"", "\"satruday\""),
        "scenario.start_weekday",
        &[
            "unknown day `satruday`",
            "did you mean `saturday`?",
            "`monday`",
        ],
    );
    assert_eq!(d.column, 17);
}

#[test]
fn schedule_shorthands() {
    // `servers_by_hour` on the station: one group for everyone on a daily schedule.
    let input = ops_edit(
        "servers = 3\nservice = { dist = \"exponential\", mean = \"1min\" }",
        "servers_by_hour = [1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 1, 1]\nservice = { dist = \"exponential\", mean = \"1min\" }",
    );
    let s = ok_ops(&input).scenario;
    let mut day = [1u32; 24];
    day[8..20].fill(4);
    assert_eq!(
        s.crossing.stations()[3].lanes[0].schedule,
        LaneSchedule::daily(day)
    );
    assert_eq!(s.crossing.stations()[3].lanes[0].id, "lanes");
    // `servers_by_day` overrides some days of a constant `servers`.
    let input = ops_edit(
        "servers = 3\nservice",
        "servers = 3\nservers_by_day = { sat = [0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }\nservice",
    );
    let s = ok_ops(&input).scenario;
    let LaneSchedule::Weekly(week) = &s.crossing.stations()[3].lanes[0].schedule else {
        panic!()
    };
    assert!(week[..5 * 24].iter().all(|&n| n == 3));
    assert_eq!(week[5 * 24 + 7..5 * 24 + 9].to_vec(), vec![0, 2]);
    assert!(week[6 * 24..].iter().all(|&n| n == 3));
    // All seven days given: no base needed.
    let day = "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]";
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(|d| format!("{d} = {day}"))
        .join(", ");
    let input = ops_edit(
        "servers = 3\nservice",
        &format!("servers_by_day = {{ {days} }}\nservice"),
    );
    let s = ok_ops(&input).scenario;
    assert_eq!(s.crossing.stations()[3].max_servers(), 1);
}

#[test]
fn filters_in_every_form() {
    let input = ops_edit(
        "  { to = \"exit\", p = 1, channel = \"green\" },\n",
        "  { to = \"exit\", p = 1, channels = [\"green\"], programmes = [\"none\", \"fast\"] },\n",
    );
    let input = input.replacen(
        "serves = { programmes = [\"fast\"] }",
        "serves = { classes = [\"truck\", \"reefer\"], programme = \"fast\" }",
        1,
    );
    let s = ok_ops(&input).scenario;
    let primary = &s.crossing.stations()[0];
    assert_eq!(
        primary.routes[2].when.programmes,
        Some(vec![ProgrammeId(0), ProgrammeId(1)])
    );
    assert_eq!(
        primary.lanes[1].serves.classes,
        Some(vec![ClassId(0), ClassId(1)])
    );
    assert_eq!(
        primary.lanes[1].serves.programmes,
        Some(vec![ProgrammeId(1)])
    );
}

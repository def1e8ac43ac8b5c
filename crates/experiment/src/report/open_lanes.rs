//! Lanes actually open by hour of the day, per station and lane group: the time-weighted
//! mean of the lanes open in each hour of the day over the observation window, as the
//! engine opened them (schedules, lane rules, outages and closures), with its 95% interval
//! across replications. The schedule (`lanes_by_hour`) says what should open; a lane rule
//! opens lanes only as its reviews decide, so these are what it did.
//!
//! Rows depend on the scenario alone: one per station (every lane group together, `all`),
//! then one per lane group of a station with more than one. Each row asks for one list of
//! samples per hour of the day the observation window holds, so the aggregates asked of a
//! summary are the same in number and order for every replication.

use bordersim_model::{ReplicationStats, Scenario};
use serde::Serialize;

use super::hourly_groups::{ALL, exposure_ms};
use super::summarise::mean_ci;

/// One hour of the day of an [`OpenLanesReport`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenLaneHour {
    /// Hour of day, 0 (00:00–01:00) to 23.
    pub hour: u8,
    /// Lanes open in this hour of the day, time-weighted over its hours in the observation
    /// window (lane-hours per hour), mean over replications; null when the window holds none
    /// of this hour.
    pub lanes_mean: Option<f64>,
    /// Half-width of the 95% Student-t interval of `lanes_mean` across replications (lanes;
    /// null with a single replication; 0 when every replication opened the same lanes).
    pub lanes_ci95: Option<f64>,
}

/// The lanes actually open by hour of the day at one station, or at one of its lane groups.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenLanesReport {
    /// The station's id.
    pub station: String,
    /// The id of the direction the station serves.
    pub direction: String,
    /// The lane group's id, or `all` (every lane group of the station together).
    pub lane_group: String,
    /// Whether a lane rule sets the lanes of the group (of some group, for `all`): then the
    /// schedule counts the rule's largest number of lanes, and these are what it opened.
    pub lane_rule: bool,
    /// 24 entries, hour 0 first.
    pub hours: Vec<OpenLaneHour>,
}

/// The rows of every station (see the module documentation).
pub(super) fn open_lanes(scenario: &Scenario, reps: &[ReplicationStats]) -> Vec<OpenLanesReport> {
    let window = (scenario.warmup.as_millis(), scenario.horizon.as_millis());
    let directions = &scenario.population().directions;
    let mut rows = Vec::new();
    for (s, st) in scenario.crossing.stations().iter().enumerate() {
        let groups = st.lanes.len();
        // Lane groups by id, so that the order of the groups in the file changes no row (the
        // station's row adds integers: its order does not matter).
        let mut by_id: Vec<usize> = if groups > 1 {
            (0..groups).collect()
        } else {
            Vec::new()
        };
        by_id.sort_by(|&a, &b| st.lanes[a].id.cmp(&st.lanes[b].id));
        let selections = std::iter::once(None).chain(by_id.into_iter().map(Some));
        for selection in selections {
            let (lane_group, lane_rule, chosen) = match selection {
                None => (
                    ALL.to_owned(),
                    st.lanes.iter().any(|g| g.rule.is_some()),
                    0..groups,
                ),
                Some(g) => (st.lanes[g].id.clone(), st.lanes[g].rule.is_some(), g..g + 1),
            };
            // Per replication, the lane·ms of each hour of the day, the chosen groups added.
            let areas: Vec<[u128; 24]> = reps
                .iter()
                .map(|r| {
                    let mut area = [0u128; 24];
                    for lane in &r.stations[s].lanes[chosen.clone()] {
                        let a = lane.open_hours.area_until(r.window_end_ms);
                        area.iter_mut().zip(a).for_each(|(x, y)| *x += y);
                    }
                    area
                })
                .collect();
            rows.push(OpenLanesReport {
                station: st.id.clone(),
                direction: directions[st.direction.index()].id.clone(),
                lane_group,
                lane_rule,
                hours: (0..24).map(|h| hour_of(&areas, window, h)).collect(),
            });
        }
    }
    rows
}

/// Hour `h` of a row whose replications held `areas` (lane·ms by hour of the day) in the
/// observation window `window` (ms).
fn hour_of(areas: &[[u128; 24]], (start, end): (u64, u64), h: usize) -> OpenLaneHour {
    let exposure = exposure_ms(start, end, h);
    let (lanes_mean, lanes_ci95) = if exposure == 0 {
        (None, None)
    } else {
        let lanes: Vec<f64> = areas
            .iter()
            .map(|a| a[h] as f64 / exposure as f64)
            .collect();
        let (mean, ci95) = mean_ci(&lanes);
        (Some(mean), ci95)
    };
    OpenLaneHour {
        hour: h as u8,
        lanes_mean,
        lanes_ci95,
    }
}

#[cfg(test)]
mod tests {
    use bordersim_des::SimTime;
    use bordersim_model::{Crossing, LaneGroup, LaneRule, LaneSchedule};

    use super::*;
    use crate::test_support::{one_station, options};

    /// Two lanes from 06:00 to 20:00, none at night.
    fn day_schedule() -> [u32; 24] {
        std::array::from_fn(|h| if (6..20).contains(&h) { 2 } else { 0 })
    }

    /// The one-station crossing of `one_station` (trucks at 30/h, 5 minutes of service,
    /// 36 observed hours) with two lane groups: `day`, open by [`day_schedule`], and `ruled`,
    /// one to three lanes under a lane rule reviewed every 15 minutes.
    fn two_groups() -> Scenario {
        let mut scenario = one_station("open lanes", 1, 5.0, 30.0);
        let population = scenario.crossing.population().clone();
        let mut station = scenario.crossing.stations()[0].clone();
        let mut day = LaneGroup::general(0);
        day.id = "day".into();
        day.schedule = LaneSchedule::daily(day_schedule());
        let mut ruled = LaneGroup::general(1);
        ruled.id = "ruled".into();
        ruled.rule = Some(LaneRule {
            min_wait: SimTime::from_mins(1),
            max_wait: SimTime::from_mins(4),
            min_lanes: 1,
            max_lanes: 3,
            review: SimTime::from_mins(15),
        });
        station.lanes = vec![day, ruled];
        let sources = scenario.crossing.sources().to_vec();
        scenario.crossing =
            Crossing::new("open lanes", &population, vec![station], sources).expect("valid");
        scenario
    }

    #[test]
    fn hours_outside_the_window_have_no_mean() {
        let areas = [[0u128; 24]];
        // A window of [1 h, 3 h): hours 1 and 2 only.
        let window = (3_600_000, 10_800_000);
        assert_eq!(hour_of(&areas, window, 0).lanes_mean, None);
        assert_eq!(hour_of(&areas, window, 2).lanes_mean, Some(0.0));
    }

    #[test]
    fn scheduled_lanes_are_their_schedule_and_ruled_lanes_lie_within_the_rule() {
        let scenario = two_groups();
        let report = crate::run(&scenario, &options(4)).expect("runs").report;
        let rows = &report.open_lanes;
        let names: Vec<(&str, bool)> = rows
            .iter()
            .map(|r| (r.lane_group.as_str(), r.lane_rule))
            .collect();
        assert_eq!(names, [(ALL, true), ("day", false), ("ruled", true)]);
        // The scheduled group: exactly its schedule in every hour, in every replication.
        for (h, hour) in rows[1].hours.iter().enumerate() {
            assert_eq!(
                hour.lanes_mean,
                Some(f64::from(day_schedule()[h])),
                "hour {h}"
            );
            assert_eq!(hour.lanes_ci95, Some(0.0), "hour {h}");
        }
        // The ruled group: between its fewest and most lanes, and below the most (which
        // the schedule counts) in some hour.
        let ruled: Vec<f64> = rows[2]
            .hours
            .iter()
            .map(|h| h.lanes_mean.expect("observed"))
            .collect();
        assert!(ruled.iter().all(|&l| (1.0..=3.0).contains(&l)), "{ruled:?}");
        assert!(ruled.iter().any(|&l| l < 3.0), "{ruled:?}");
        assert_eq!(report.lanes_by_hour[0].lanes_by_hour[3], 3);
        // The station is the sum of its groups.
        for (h, ruled) in ruled.iter().enumerate() {
            let all = rows[0].hours[h].lanes_mean.expect("observed");
            let groups = rows[1].hours[h].lanes_mean.unwrap() + ruled;
            assert!(
                (all - groups).abs() < 1e-9,
                "hour {h}: {all} against {groups}"
            );
        }
    }

    #[test]
    fn a_station_of_one_group_has_one_row() {
        let report = crate::run(&one_station("one", 2, 5.0, 10.0), &options(2))
            .expect("runs")
            .report;
        assert_eq!(report.open_lanes.len(), 1);
        let row = &report.open_lanes[0];
        assert_eq!((row.lane_group.as_str(), row.lane_rule), (ALL, false));
        assert!(row.hours.iter().all(|h| h.lanes_mean == Some(2.0)));
    }
}

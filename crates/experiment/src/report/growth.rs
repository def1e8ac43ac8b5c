//! A crossing that cannot keep up: the number of vehicles in it grows steadily across the
//! run, so its waits depend on the run's length. The static load checks of a scenario file
//! flag the overloads they can see; this one reads what the runs did.

use bordersim_des::SimTime;
use bordersim_model::{ReplicationStats, Scenario, growth_sample_times};
use bordersim_stats::MeanCi;

use crate::sweep::summary::samples;

/// Fewest vehicles the count must grow by between the first and the last sample before it
/// is called growth (a handful of vehicles more is noise at any crossing).
const MIN_GROWTH: f64 = 20.0;

/// The warnings of a run: today, steady growth of the vehicles in the crossing.
///
/// Vehicles in the crossing are counted at the end of the warm-up and at three equal steps
/// after it ([`growth_sample_times`]: whole weeks or days apart when the window allows, so
/// every count falls at the same time of the week or day). The first step is left out (a
/// run that starts empty fills up); growth is flagged when the mean count (over
/// replications) rises at both later steps by comparable amounts (neither less than a
/// quarter of the other), the last is at least half as large again as the first and 20
/// vehicles more, and, with two replications or more, the rise from the first to the last
/// count is significant (its 95% interval above 0).
pub(crate) fn warnings(scenario: &Scenario, reps: &[ReplicationStats]) -> Vec<String> {
    let mut out = Vec::new();
    // Every per-replication count goes through `summary::samples`, in replication order,
    // so a mergeable summary of the replications gives the same warning.
    let count = |k: usize| -> Vec<f64> {
        samples(
            &reps
                .iter()
                .map(|r| r.in_system_samples[k] as f64)
                .collect::<Vec<_>>(),
        )
    };
    let start: Vec<f64> = samples(
        &reps
            .iter()
            .map(|r| r.vehicles.in_system_at_start as f64)
            .collect::<Vec<_>>(),
    );
    let (n1, n2, n3) = (count(0), count(1), count(2));
    let replications = n1.len();
    if replications == 0 {
        return out;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (m1, m2, m3) = (mean(&n1), mean(&n2), mean(&n3));
    // Both later steps rise, by comparable amounts (a one-off jump is not steady growth).
    let (d2, d3) = (m2 - m1, m3 - m2);
    let steady = d2 > 0.0
        && d3 > 0.0
        && d2.min(d3) >= 0.25 * d2.max(d3)
        && m3 >= 1.5 * m1
        && m3 - m1 >= MIN_GROWTH;
    let rise: Vec<f64> = n3.iter().zip(&n1).map(|(c, a)| c - a).collect();
    let significant = MeanCi::from_samples(&rise)
        .is_some_and(|ci| ci.half_width_95.is_none_or(|hw| ci.mean - hw > 0.0));
    if steady && significant {
        let times = growth_sample_times(scenario.warmup, scenario.horizon);
        let at = |t: SimTime| clock(t);
        out.push(format!(
            "vehicles in the crossing grow steadily across the run: {:.0} at {} (end of \
             warm-up), {:.0} at {}, {:.0} at {} and {:.0} at {} (mean of {} replication{}). \
             The crossing cannot keep up with its arrivals, so its waits grow with the \
             run's length and the means reported depend on it; see the unstable warnings \
             of `bordersim validate` (a station, a lane group, an hour) or add lanes",
            mean(&start),
            at(scenario.warmup),
            m1,
            at(times[0]),
            m2,
            at(times[1]),
            m3,
            at(times[2]),
            replications,
            if replications == 1 { "" } else { "s" }
        ));
    }
    out
}

/// `"day 2 06:00"`: day (from 1) and clock time of a simulation time.
fn clock(t: SimTime) -> String {
    let m = t.as_millis() / SimTime::MS_PER_MINUTE;
    format!("day {} {:02}:{:02}", m / 1440 + 1, m / 60 % 24, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{RunOptions, run};
    use bordersim_model::{
        ClassId, Crossing, LaneGroup, Population, ServiceDist, Source, Station, StationId,
        VehicleFilter,
    };

    /// One station with a general lane and a lane dedicated to class 1 (neither shares),
    /// 1 min of service; class 0 (general) at `general_per_hour`, class 1 at 30/h.
    fn dedicated(general_per_hour: f64, days: u64) -> Scenario {
        let dedicated_group = LaneGroup {
            id: "dedicated".into(),
            serves: VehicleFilter::classes(vec![ClassId(1)]),
            share_when_idle: false,
            schedule: bordersim_model::LaneSchedule::Constant(1),
            rule: None,
        };
        let mut general = LaneGroup::general(1);
        general.serves = VehicleFilter::classes(vec![ClassId(0)]);
        let mut station = Station::simple(
            "primary",
            1,
            vec![Some(ServiceDist::Exponential { mean_ms: 60_000.0 }); 2],
            Vec::new(),
        );
        station.lanes = vec![general, dedicated_group];
        let crossing = Crossing::new(
            "x",
            &Population::simple(&["general", "dedicated"]),
            vec![station],
            vec![
                Source::poisson("g", ClassId(0), general_per_hour, StationId(0)),
                Source::poisson("d", ClassId(1), 30.0, StationId(0)),
            ],
        )
        .unwrap();
        Scenario {
            name: "x".into(),
            crossing,
            horizon: SimTime::from_hours(24 * days),
            warmup: SimTime::from_hours(24),
            replications: 5,
            seed: 3,
            start_weekday: 0,
        }
    }

    fn warned(scenario: &Scenario) -> Vec<String> {
        run(scenario, &RunOptions::from_scenario(scenario))
            .unwrap()
            .report
            .warnings
    }

    #[test]
    fn a_dedicated_lane_past_capacity_is_seen_growing() {
        // The general lane gets 66/h for 60/h of service (load 1.1) while the station as a
        // whole is at (66 + 30) / 120 = 0.8: the general queue grows by about 6 an hour.
        let found = warned(&dedicated(66.0, 7));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("vehicles in the crossing grow steadily"),
            "{}",
            found[0]
        );
        // Counted at the warm-up's end (day 2) and every 2 days after it.
        assert!(
            found[0].contains("at day 2 00:00 (end of warm-up)"),
            "{}",
            found[0]
        );
        assert!(found[0].contains("at day 8 00:00"), "{}", found[0]);
        assert!(
            found[0].contains("(mean of 5 replications)"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn a_stable_crossing_is_not_flagged() {
        // Load 0.9 on the general lane: long queues, but no growth.
        assert!(warned(&dedicated(54.0, 7)).is_empty());
        assert!(warned(&dedicated(30.0, 2)).is_empty());
    }

    #[test]
    fn counts_are_taken_whole_weeks_or_days_apart_when_the_window_allows() {
        let t = growth_sample_times(SimTime::from_hours(72), SimTime::from_hours(24 * 30));
        assert_eq!(t, [10, 17, 24].map(|d| SimTime::from_hours(24 * d)));
        let t = growth_sample_times(SimTime::from_hours(6), SimTime::from_hours(6 + 24 * 7));
        assert_eq!(t, [2, 4, 6].map(|d| SimTime::from_hours(6 + 24 * d)));
        let t = growth_sample_times(SimTime::ZERO, SimTime::from_hours(24));
        assert_eq!(t, [8, 16, 24].map(SimTime::from_hours));
    }
}

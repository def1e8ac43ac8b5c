//! Lanes actually open by hour of the day: the time integral of one lane group's open lanes
//! over the observation window, split by the hour of the day it falls in. A schedule says
//! what should open; a lane rule, an outage or a closure decides what does, and only the
//! engine knows it.
//!
//! Memory is 24 integrals per lane group, whatever the length of the run; a change of the
//! level costs a few additions (a change that spans days adds whole days at once), and
//! lanes change only at schedule boundaries, lane-rule reviews and events, never per vehicle.

/// Milliseconds in an hour.
const HOUR_MS: u64 = 3_600_000;
/// Milliseconds in a day.
const DAY_MS: u64 = 24 * HOUR_MS;

/// The open lanes of one lane group and their integral by hour of the day (lane·ms) since
/// the observation window opened. Simulation time 0 is midnight, as for every hour of day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenHours {
    level: u64,
    last_change_ms: u64,
    area: [u128; 24],
}

impl OpenHours {
    /// `level` lanes open from `now_ms` on.
    #[inline]
    pub fn set(&mut self, now_ms: u64, level: u64) {
        if level != self.level {
            self.accumulate(now_ms);
            self.level = level;
        }
    }

    /// The lanes open now.
    pub fn level(&self) -> u64 {
        self.level
    }

    /// Opens the observation window at `now_ms`: the lanes open stay, the integrals restart.
    pub fn reset(&mut self, now_ms: u64) {
        self.accumulate(now_ms);
        self.area = [0; 24];
    }

    /// The integrals of the open lanes from the window's start to `end_ms`, by hour of the
    /// day (index 0: 00:00–01:00), lane·ms.
    pub fn area_until(&self, end_ms: u64) -> [u128; 24] {
        let mut until = *self;
        until.accumulate(end_ms);
        until.area
    }

    /// Adds the current level over `[last change, now_ms)` to the hours it covers.
    fn accumulate(&mut self, now_ms: u64) {
        let from = self.last_change_ms;
        self.last_change_ms = from.max(now_ms);
        if self.level == 0 || now_ms <= from {
            return;
        }
        let level = u128::from(self.level);
        let mut t = from;
        // Up to the next midnight (or `now_ms`), hour by hour.
        let midnight = (from / DAY_MS + 1) * DAY_MS;
        while t < now_ms.min(midnight) {
            let end = ((t / HOUR_MS + 1) * HOUR_MS).min(now_ms);
            self.area[hour_of(t)] += level * u128::from(end - t);
            t = end;
        }
        // Whole days at once.
        let days = (now_ms - t) / DAY_MS;
        if days > 0 {
            let whole = level * u128::from(days) * u128::from(HOUR_MS);
            self.area.iter_mut().for_each(|a| *a += whole);
            t += days * DAY_MS;
        }
        // The rest of the last day.
        while t < now_ms {
            let end = ((t / HOUR_MS + 1) * HOUR_MS).min(now_ms);
            self.area[hour_of(t)] += level * u128::from(end - t);
            t = end;
        }
    }
}

/// The hour of the day of `ms`, 0–23.
fn hour_of(ms: u64) -> usize {
    ((ms / HOUR_MS) % 24) as usize
}

#[cfg(test)]
mod tests {
    use bordersim_des::SimTime;

    use super::*;
    use crate::scenario::{LaneRule, Station};
    use crate::schedule::LaneSchedule;
    use crate::testing::{dedicated, minutes, open_hours, run, scenario, trace};

    const MIN: u64 = 60_000;

    /// The integral of a level path `[(from_ms, level)]` by hour of the day, hour by hour
    /// over every hour of the path (no whole days at once): the definition the splitting
    /// into hours and days must meet.
    fn hour_by_hour(path: &[(u64, u64)], end_ms: u64) -> [u128; 24] {
        let mut area = [0u128; 24];
        for (i, &(from, level)) in path.iter().enumerate() {
            let to = path.get(i + 1).map_or(end_ms, |p| p.0);
            let mut t = from;
            while t < to {
                let next = ((t / HOUR_MS + 1) * HOUR_MS).min(to);
                area[hour_of(t)] += u128::from(level) * u128::from(next - t);
                t = next;
            }
        }
        area
    }

    #[test]
    fn a_level_is_split_exactly_over_the_hours_and_days_it_covers() {
        // Changes inside an hour, across midnight and over more than two whole days.
        let path = [
            (0, 2),
            (30 * MIN, 3),
            (90 * MIN + 7, 0),
            (23 * 60 * MIN + 11, 4),
            (3 * DAY_MS + 5 * HOUR_MS + 13, 1),
        ];
        let end = 4 * DAY_MS + 17;
        let mut open = OpenHours::default();
        for &(t, level) in &path {
            open.set(t, level);
        }
        assert_eq!(open.area_until(end), hour_by_hour(&path, end));
        // Reading does not change what is kept.
        assert_eq!(open.area_until(end), hour_by_hour(&path, end));
    }

    #[test]
    fn the_window_forgets_what_came_before_and_keeps_the_lanes_open() {
        let mut open = OpenHours::default();
        open.set(0, 5);
        open.reset(90 * MIN);
        let area = open.area_until(3 * HOUR_MS);
        assert_eq!(area[0], 0);
        assert_eq!(area[1], u128::from(5 * 30 * MIN));
        assert_eq!(area[2], u128::from(5 * HOUR_MS));
        assert_eq!(area[3..], [0; 21]);
    }

    #[test]
    fn a_scheduled_group_is_open_exactly_by_its_schedule() {
        // Two lanes from 06:00 to 18:00, none at night, two days after a 3-hour warm-up.
        let mut st = Station::simple("booth", 1, minutes(1.0, 1), Vec::new());
        st.lanes = vec![dedicated("g", &[0], open_hours(6..18, 2))];
        let stats = run(&scenario(1, vec![st], vec![trace(&[(0, 0)])], 180, 48 * 60));
        let area = stats.stations[0].lanes[0]
            .open_hours
            .area_until(stats.window_end_ms);
        for (h, &a) in area.iter().enumerate() {
            let days = if h < 3 { 1 } else { 2 };
            let lanes = if (6..18).contains(&h) { 2 } else { 0 };
            assert_eq!(a, u128::from(lanes * days * HOUR_MS), "hour {h}");
        }
    }

    #[test]
    fn a_lane_rule_opens_lanes_at_the_reviews_and_the_hours_hold_exactly_that() {
        // 100 vehicles at minute 0, an hour of service each; one lane at the start, at most
        // 3, a review every 10 minutes opening a lane above a median wait of 5 minutes. At
        // 20 nobody was served since the start and the longest wait (20 minutes) opens a
        // second lane; at 30 the vehicle it took had waited 20 minutes: a third. So 1 lane on
        // [0, 20), 2 on [20, 30), 3 from 30 min. A warm-up of 10 minutes and a horizon of
        // 290: hour 0 holds 10 lane-min of one lane, 10 of two, 30 of three.
        let mut group = dedicated("ruled", &[0], LaneSchedule::Constant(1));
        group.rule = Some(LaneRule {
            min_wait: SimTime::from_mins(1),
            max_wait: SimTime::from_mins(5),
            min_lanes: 1,
            max_lanes: 3,
            review: SimTime::from_mins(10),
        });
        let mut st = Station::simple("booths", 1, minutes(60.0, 1), Vec::new());
        st.lanes = vec![group];
        let stats = run(&scenario(1, vec![st], vec![trace(&[(0, 0); 100])], 10, 290));
        let lane = &stats.stations[0].lanes[0];
        let area = lane.open_hours.area_until(stats.window_end_ms);
        assert_eq!(area[0], u128::from((10 + 2 * 10 + 3 * 30) * MIN));
        assert_eq!(area[1..4], [u128::from(3 * HOUR_MS); 3]);
        assert_eq!(area[4], u128::from(3 * 50 * MIN));
        assert_eq!(area[5..], [0; 19]);
        // The same lanes as the window's whole integral.
        assert_eq!(
            area.iter().sum::<u128>(),
            lane.open.area_until(stats.window_end_ms)
        );
    }
}

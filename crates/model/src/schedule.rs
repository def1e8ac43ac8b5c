//! Weekly, hour-by-hour quantities: open lanes, arrival rates.

use bordersim_des::SimTime;

/// Hours in a week: the length of weekly schedules and profiles.
pub const HOURS_PER_WEEK: usize = 168;

/// Hour-of-week index (0 = Monday 00:00–01:00 when the week starts on Monday) of time `t`,
/// for a run whose time zero falls on `start_weekday` (0 = Monday … 6 = Sunday) at midnight.
pub fn hour_of_week(t: SimTime, start_weekday: u8) -> usize {
    let hours = t.as_millis() / SimTime::MS_PER_HOUR;
    ((hours + u64::from(start_weekday) * 24) % HOURS_PER_WEEK as u64) as usize
}

/// Hour of day (0–23) of time `t`.
pub fn hour_of_day(t: SimTime) -> usize {
    ((t.as_millis() / SimTime::MS_PER_HOUR) % 24) as usize
}

/// The number of open servers of a lane group over the week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LaneSchedule {
    /// Always this many.
    Constant(u32),
    /// One value per hour of the week, Monday 00:00 first.
    Weekly(Box<[u32; HOURS_PER_WEEK]>),
}

impl LaneSchedule {
    /// The same 24 hourly values every day.
    pub fn daily(hours: [u32; 24]) -> Self {
        let mut week = [0u32; HOURS_PER_WEEK];
        for (i, slot) in week.iter_mut().enumerate() {
            *slot = hours[i % 24];
        }
        LaneSchedule::Weekly(Box::new(week))
    }

    /// Servers open at time `t` of a run whose time zero is midnight of `start_weekday`
    /// (0 = Monday).
    pub fn servers_at(&self, t: SimTime, start_weekday: u8) -> u32 {
        match self {
            LaneSchedule::Constant(n) => *n,
            LaneSchedule::Weekly(week) => week[hour_of_week(t, start_weekday)],
        }
    }

    /// The most servers ever open.
    pub fn max(&self) -> u32 {
        match self {
            LaneSchedule::Constant(n) => *n,
            LaneSchedule::Weekly(week) => week.iter().copied().max().unwrap_or(0),
        }
    }

    /// Mean open servers over the week.
    pub fn mean(&self) -> f64 {
        match self {
            LaneSchedule::Constant(n) => f64::from(*n),
            LaneSchedule::Weekly(week) => {
                week.iter().map(|&n| f64::from(n)).sum::<f64>() / HOURS_PER_WEEK as f64
            }
        }
    }

    /// The first hour boundary after `t` at which the number of open servers changes, if
    /// it ever does.
    pub fn next_change_after(&self, t: SimTime, start_weekday: u8) -> Option<SimTime> {
        let LaneSchedule::Weekly(week) = self else {
            return None;
        };
        let current = week[hour_of_week(t, start_weekday)];
        let hour_start = t.as_millis() / SimTime::MS_PER_HOUR * SimTime::MS_PER_HOUR;
        (1..=HOURS_PER_WEEK as u64)
            .map(|k| SimTime(hour_start + k * SimTime::MS_PER_HOUR))
            .find(|&at| week[hour_of_week(at, start_weekday)] != current)
    }
}

/// An arrival rate that varies by hour of day and day of week.
#[derive(Clone, Debug, PartialEq)]
pub struct RateProfile {
    /// Vehicles per hour in each hour of the day (0 = midnight to 1 am).
    pub hourly_per_hour: [f64; 24],
    /// Multipliers for Monday … Sunday.
    pub day_factors: [f64; 7],
}

impl RateProfile {
    /// Arrivals per hour at time `t` of a run whose time zero is midnight of `start_weekday`:
    /// the hour's rate times the day's factor.
    pub fn rate_per_hour_at(&self, t: SimTime, start_weekday: u8) -> f64 {
        let how = hour_of_week(t, start_weekday);
        self.hourly_per_hour[how % 24] * self.day_factors[how / 24]
    }

    /// The highest rate over the week, per hour (highest hourly rate × highest day factor).
    pub fn max_rate_per_hour(&self) -> f64 {
        let h = self.hourly_per_hour.iter().copied().fold(0.0, f64::max);
        let d = self.day_factors.iter().copied().fold(0.0, f64::max);
        h * d
    }

    /// The mean rate over the week, per hour.
    pub fn mean_rate_per_hour(&self) -> f64 {
        let h = self.hourly_per_hour.iter().sum::<f64>() / 24.0;
        let d = self.day_factors.iter().sum::<f64>() / 7.0;
        h * d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_of_week_wraps_and_starts_on_the_given_day() {
        assert_eq!(hour_of_week(SimTime::from_hours(0), 0), 0);
        assert_eq!(hour_of_week(SimTime::from_hours(169), 0), 1);
        assert_eq!(hour_of_week(SimTime::from_hours(1), 2), 49);
    }

    #[test]
    fn next_change_finds_the_boundary() {
        let mut hours = [2u32; 24];
        hours[6..22].fill(10);
        let s = LaneSchedule::daily(hours);
        assert_eq!(s.servers_at(SimTime::from_hours(3), 0), 2);
        assert_eq!(
            s.next_change_after(SimTime::from_mins(90), 0),
            Some(SimTime::from_hours(6))
        );
        assert_eq!(
            s.next_change_after(SimTime::from_hours(6), 0),
            Some(SimTime::from_hours(22))
        );
        assert_eq!(
            LaneSchedule::Constant(3).next_change_after(SimTime::ZERO, 0),
            None
        );
        assert_eq!(
            LaneSchedule::daily([4; 24]).next_change_after(SimTime::ZERO, 0),
            None
        );
        assert!((s.mean() - (16.0 * 10.0 + 8.0 * 2.0) / 24.0).abs() < 1e-12);
    }
}

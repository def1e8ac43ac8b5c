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

    /// The time (ms) of the first arrival after `from_ms` of a Poisson process at this
    /// profile's rate, or the first time at or after `end_ms` if none comes before it;
    /// `standard_exponential` draws an exponential of mean 1.
    ///
    /// The profile is constant within each hour, so each hour is its own segment with its
    /// own peak: inside it the process is Poisson at that hour's rate, and a gap that runs
    /// past the hour's end is dropped and the next hour starts afresh (exact: the
    /// exponential is memoryless). The work is one draw per arrival plus at most one per
    /// hour boundary crossed; an hour at rate zero costs no draw, and rates in hours the
    /// run never reaches cost nothing (thinning at the profile's highest rate would draw
    /// candidates at that rate in every hour).
    pub fn next_arrival_ms(
        &self,
        from_ms: f64,
        end_ms: f64,
        start_weekday: u8,
        mut standard_exponential: impl FnMut() -> f64,
    ) -> f64 {
        const HOUR_MS: f64 = SimTime::MS_PER_HOUR as f64;
        let mut t = from_ms;
        while t < end_ms {
            let hour_end = ((t / HOUR_MS).floor() + 1.0) * HOUR_MS;
            let rate = self.rate_per_hour_at(SimTime(t as u64), start_weekday);
            if rate > 0.0 {
                let at = t + standard_exponential() * (HOUR_MS / rate);
                if at < hour_end {
                    return at;
                }
            }
            t = hour_end;
        }
        t
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

    /// A profile of `base` per hour with `peak` per hour in hour `peak_hour` of every day.
    fn spiked(base: f64, peak_hour: usize, peak: f64) -> RateProfile {
        let mut hourly_per_hour = [base; 24];
        hourly_per_hour[peak_hour] = peak;
        RateProfile {
            hourly_per_hour,
            day_factors: [1.0; 7],
        }
    }

    #[test]
    fn a_peak_outside_the_window_costs_no_draws() {
        // 1 vehicle/h in the simulated hour, 1e12/h at 05:00, outside a one-hour run: the
        // arrivals of that hour take one draw each plus one for the gap past the hour's end;
        // thinning at the profile's peak would take about 1e12.
        let profile = spiked(1.0, 5, 1e12);
        let mut rng = bordersim_des::stage_rng(7, 0);
        let mut draws = 0u64;
        let mut arrivals = 0u64;
        let mut t = 0.0;
        loop {
            t = profile.next_arrival_ms(t, 3_600_000.0, 0, || {
                draws += 1;
                rand_distr::Distribution::<f64>::sample(&rand_distr::Exp1, &mut rng)
            });
            if t >= 3_600_000.0 {
                break;
            }
            arrivals += 1;
        }
        assert_eq!(t, 3_600_000.0);
        assert_eq!(draws, arrivals + 1);
    }

    #[test]
    fn hours_at_rate_zero_are_skipped_without_draws() {
        let profile = spiked(0.0, 23, 10.0);
        let mut draws = 0u64;
        let t = profile.next_arrival_ms(0.0, 23.0 * 3_600_000.0, 0, || {
            draws += 1;
            1.0
        });
        assert_eq!((t, draws), (23.0 * 3_600_000.0, 0));
        // In the open hour, a gap of 1 (mean) lasts 1/10 h.
        let t = profile.next_arrival_ms(t, 24.0 * 3_600_000.0, 0, || 1.0);
        assert_eq!(t, 23.1 * 3_600_000.0);
    }

    #[test]
    fn arrivals_per_hour_follow_the_profile() {
        // Rates 2, 0, 30 and 1000/h (and 5/h elsewhere); day factors 1 except 3 on Tuesday.
        // Over 400 weeks, the mean count in each hour of the week matches rate x factor
        // within its 99.9% interval (Poisson: variance = mean).
        let mut hourly_per_hour = [5.0; 24];
        hourly_per_hour[..4].copy_from_slice(&[2.0, 0.0, 30.0, 1e3]);
        let mut day_factors = [1.0; 7];
        day_factors[1] = 3.0;
        let profile = RateProfile {
            hourly_per_hour,
            day_factors,
        };
        let weeks = 400u64;
        let end = (weeks * 168 * SimTime::MS_PER_HOUR) as f64;
        let mut rng = bordersim_des::stage_rng(11, 0);
        let mut counts = [0u64; HOURS_PER_WEEK];
        let mut t = 0.0;
        loop {
            t = profile.next_arrival_ms(t, end, 0, || {
                rand_distr::Distribution::<f64>::sample(&rand_distr::Exp1, &mut rng)
            });
            if t >= end {
                break;
            }
            counts[hour_of_week(SimTime(t as u64), 0)] += 1;
        }
        for (how, &count) in counts.iter().enumerate() {
            let expected = profile.rate_per_hour_at(SimTime::from_hours(how as u64), 0);
            let mean = count as f64 / weeks as f64;
            let half_width = 3.3 * (expected / weeks as f64).sqrt();
            assert!(
                (mean - expected).abs() <= half_width,
                "hour {how}: {mean} per hour, expected {expected} ± {half_width}"
            );
        }
    }
}

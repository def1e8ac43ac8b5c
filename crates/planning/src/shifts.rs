//! The staffing of one lane group on a set of days as shifts: how many shifts start at each
//! allowed hour, the lanes open each hour that gives, and the smallest cover of the minimum
//! lanes.
//!
//! A day's pattern wraps around midnight (a shift from 22:00 for 8 hours covers 22:00–06:00
//! of the same pattern), as the weekly schedules of a scenario repeat.

/// Hours in the daily pattern.
pub const HOURS: usize = 24;

/// One block of the decision: a lane group's daily pattern on some days, its shift rules,
/// bounds and budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Hours per shift (1–24): each shift adds one lane to this many consecutive hours.
    pub shift_hours: usize,
    /// The hours (0–23) a shift may start at, ascending, without repeats.
    pub starts: Vec<usize>,
    /// Fewest lanes open in each hour (night minimum included).
    pub min_lanes: [u32; HOURS],
    /// Most lanes open in each hour (the booths there are).
    pub max_lanes: [u32; HOURS],
    /// Lane-hours per day the pattern may use at most.
    pub budget_lane_hours: u32,
}

/// Why no schedule satisfies a block's rules.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CoverError {
    /// The minimum exceeds the maximum at this hour.
    #[error(
        "at {hour:02}:00 the minimum of {min} lanes is above the maximum of {max}: no schedule \
         satisfies both"
    )]
    MinAboveMax {
        /// The hour (0–23).
        hour: usize,
        /// Its minimum lanes.
        min: u32,
        /// Its maximum lanes.
        max: u32,
    },
    /// No allowed shift covers this hour, which needs lanes.
    #[error(
        "at {hour:02}:00 at least {min} lanes must be open, but no shift of {shift_hours} h \
         starting at an allowed hour ({starts}) covers it: no schedule satisfies the shift rules"
    )]
    Uncovered {
        /// The hour (0–23).
        hour: usize,
        /// Its minimum lanes.
        min: u32,
        /// The shift length, hours.
        shift_hours: usize,
        /// The allowed start hours, as written.
        starts: String,
    },
    /// Covering the minimum forces more lanes than the maximum at some hour.
    #[error(
        "the shifts that keep the minimum lanes (a shift of {shift_hours} h from an allowed \
         start covering {needed:02}:00) open {lanes} lanes at {hour:02}:00, above its maximum \
         of {max}: no cover of the minimum by these shifts was found within the maximum"
    )]
    Overfull {
        /// The hour whose minimum forced the shift.
        needed: usize,
        /// The hour over its maximum.
        hour: usize,
        /// Lanes there.
        lanes: u32,
        /// Its maximum.
        max: u32,
        /// The shift length, hours.
        shift_hours: usize,
    },
    /// The minimum lanes alone need more lane-hours than the budget.
    #[error(
        "the budget of {budget} lane-hours per day is below the {needed} lane-hours the \
         minimum lanes need ({what})"
    )]
    OverBudget {
        /// The budget, lane-hours per day.
        budget: u32,
        /// Lane-hours the minimum needs.
        needed: u32,
        /// How that figure arises.
        what: String,
    },
}

impl Block {
    /// Whether a shift starting at `start` covers `hour`.
    pub fn covers(&self, start: usize, hour: usize) -> bool {
        (hour + HOURS - start) % HOURS < self.shift_hours
    }

    /// Lanes open in each hour when `counts[i]` shifts start at `starts[i]`.
    pub fn lanes(&self, counts: &[u32]) -> [u32; HOURS] {
        let mut lanes = [0u32; HOURS];
        for (&start, &n) in self.starts.iter().zip(counts) {
            for k in 0..self.shift_hours {
                lanes[(start + k) % HOURS] += n;
            }
        }
        lanes
    }

    /// Lane-hours per day of `counts`.
    pub fn lane_hours(&self, counts: &[u32]) -> u32 {
        counts.iter().sum::<u32>() * self.shift_hours as u32
    }

    /// Whether `counts` keeps every hour within its bounds and the day within its budget.
    pub fn feasible(&self, counts: &[u32]) -> bool {
        let lanes = self.lanes(counts);
        self.lane_hours(counts) <= self.budget_lane_hours
            && (0..HOURS).all(|h| lanes[h] >= self.min_lanes[h] && lanes[h] <= self.max_lanes[h])
    }

    /// The smallest staffing found that keeps the minimum lanes: hour by hour from midnight,
    /// an hour short of its minimum gets a shift from the allowed start that covers the most
    /// hours still short (the latest such start on a tie: it reaches furthest ahead). With
    /// one-hour shifts this is exactly the minimum; with longer shifts it is a cover (the
    /// cyclic covering problem is an integer program in general). [`CoverError::MinAboveMax`]
    /// and [`CoverError::Uncovered`] are exact (no schedule exists); with one-hour shifts, or
    /// when every short hour has a single covering start, so are the others.
    ///
    /// # Errors
    ///
    /// The first [`CoverError`] found: minimum above maximum, an hour no shift covers, a
    /// cover over the maximum, or one over the budget.
    pub fn minimum_cover(&self) -> Result<Vec<u32>, CoverError> {
        for h in 0..HOURS {
            if self.min_lanes[h] > self.max_lanes[h] {
                return Err(CoverError::MinAboveMax {
                    hour: h,
                    min: self.min_lanes[h],
                    max: self.max_lanes[h],
                });
            }
            if self.min_lanes[h] > 0 && !self.starts.iter().any(|&s| self.covers(s, h)) {
                return Err(CoverError::Uncovered {
                    hour: h,
                    min: self.min_lanes[h],
                    shift_hours: self.shift_hours,
                    starts: format!("{:?}", self.starts),
                });
            }
        }
        let needed: u32 = self.min_lanes.iter().sum();
        if needed > self.budget_lane_hours {
            return Err(CoverError::OverBudget {
                budget: self.budget_lane_hours,
                needed,
                what: "the sum over the hours of the minimum lanes".to_owned(),
            });
        }
        let mut counts = vec![0u32; self.starts.len()];
        let mut lanes = [0u32; HOURS];
        for h in 0..HOURS {
            while lanes[h] < self.min_lanes[h] {
                let short = |s: usize| {
                    (0..self.shift_hours)
                        .filter(|k| {
                            let hour = (s + k) % HOURS;
                            lanes[hour] < self.min_lanes[hour]
                        })
                        .count()
                };
                let fits = |s: usize| {
                    (0..self.shift_hours).all(|k| {
                        let hour = (s + k) % HOURS;
                        lanes[hour] < self.max_lanes[hour]
                    })
                };
                // Every hour with a minimum has a covering start (checked above).
                let Some(i) = (0..self.starts.len())
                    .filter(|&i| self.covers(self.starts[i], h))
                    .max_by_key(|&i| (fits(self.starts[i]), short(self.starts[i]), i))
                else {
                    break;
                };
                counts[i] += 1;
                for k in 0..self.shift_hours {
                    lanes[(self.starts[i] + k) % HOURS] += 1;
                }
                if let Some(over) = (0..HOURS).find(|&k| lanes[k] > self.max_lanes[k]) {
                    return Err(CoverError::Overfull {
                        needed: h,
                        hour: over,
                        lanes: lanes[over],
                        max: self.max_lanes[over],
                        shift_hours: self.shift_hours,
                    });
                }
            }
        }
        let used = self.lane_hours(&counts);
        if used > self.budget_lane_hours {
            return Err(CoverError::OverBudget {
                budget: self.budget_lane_hours,
                needed: used,
                what: format!(
                    "shifts of {} h from the allowed starts that keep every hour's minimum",
                    self.shift_hours
                ),
            });
        }
        Ok(counts)
    }
}

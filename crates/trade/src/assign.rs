//! Assigning every flow to the crossings, given border times.

use crate::choice::{composite_cost, generalized_cost, logit_shares};
use crate::demand::demand_factor;
use crate::region::{Grid, OdDemand, Region, SIDES};

/// Hours in the day: flows, border times and choices are hourly.
pub const HOURS: usize = 24;

/// Border minutes by crossing × direction × class, for each hour of the day of arrival;
/// `None` where the crossing is closed to that direction and class (in that hour).
pub type HourlyBorder = Grid<[Option<f64>; HOURS]>;

/// Vehicles of every flow at every crossing in every hour of the day (vehicles in that
/// hour, so also vehicles per hour), `[(od × HOURS + hour) × crossings + crossing]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    crossings: usize,
    volumes: Vec<f64>,
}

/// Why flows cannot be assigned to crossings.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AssignError {
    /// A flow with demand has no crossing it may use (all closed to its class and direction,
    /// or no road given).
    #[error(
        "demand #{od} has no open crossing: every crossing is closed to its class in its direction or has no travel time from its origin or to its destination"
    )]
    NoOpenCrossing {
        /// Index of the flow into [`Region::demand`].
        od: usize,
    },
}

impl Assignment {
    /// No traffic anywhere.
    pub fn empty(region: &Region) -> Self {
        Assignment {
            crossings: region.crossings.len(),
            volumes: vec![0.0; region.demand.len() * HOURS * region.crossings.len()],
        }
    }

    fn at(&self, od: usize, hour: usize, crossing: usize) -> usize {
        (od * HOURS + hour) * self.crossings + crossing
    }

    /// Vehicles of flow `od` through `crossing` arriving in `hour`.
    pub fn hourly_volume(&self, od: usize, hour: usize, crossing: usize) -> f64 {
        self.volumes[self.at(od, hour, crossing)]
    }

    /// Vehicles per day of flow `od` through `crossing`.
    pub fn volume(&self, od: usize, crossing: usize) -> f64 {
        (0..HOURS)
            .map(|h| self.hourly_volume(od, h, crossing))
            .sum()
    }

    /// A flow's volume per day over all crossings.
    pub fn od_volume(&self, od: usize) -> f64 {
        self.volumes[od * HOURS * self.crossings..(od + 1) * HOURS * self.crossings]
            .iter()
            .sum()
    }

    /// Every flow at every crossing in every hour, flat (for averaging and the gap).
    pub fn as_slice(&self) -> &[f64] {
        &self.volumes
    }

    /// Every flow at every crossing in every hour, flat and writable (the averaging step
    /// moves it towards the best response); same layout as [`Assignment::as_slice`].
    pub fn as_mut_slice(&mut self) -> &mut [f64] {
        &mut self.volumes
    }

    /// Vehicles in each hour of the day at each crossing × direction × class.
    pub fn hourly_by_crossing(&self, region: &Region) -> Grid<[f64; HOURS]> {
        let mut grid = Grid::new(region.crossings.len(), region.classes.len(), [0.0; HOURS]);
        for (i, od) in region.demand.iter().enumerate() {
            let d = region.direction(od);
            for c in 0..self.crossings {
                let hours = grid.get_mut(c, d, od.class);
                for (h, v) in hours.iter_mut().enumerate() {
                    *v += self.hourly_volume(i, h, c);
                }
            }
        }
        grid
    }

    /// Vehicles per day at each crossing × direction × class.
    pub fn by_crossing(&self, region: &Region) -> Grid<f64> {
        let mut grid = Grid::new(region.crossings.len(), region.classes.len(), 0.0);
        for (i, od) in region.demand.iter().enumerate() {
            let d = region.direction(od);
            for c in 0..self.crossings {
                *grid.get_mut(c, d, od.class) += self.volume(i, c);
            }
        }
        grid
    }

    /// Each crossing's share of its direction × class traffic per day (0 where there is
    /// none).
    pub fn shares(&self, region: &Region) -> Grid<f64> {
        let volumes = self.by_crossing(region);
        let mut shares = Grid::new(region.crossings.len(), region.classes.len(), 0.0);
        for d in 0..SIDES {
            for k in 0..region.classes.len() {
                let total: f64 = (0..region.crossings.len())
                    .map(|c| volumes.get(c, d, k))
                    .sum();
                if total > 0.0 {
                    for c in 0..region.crossings.len() {
                        shares.set(c, d, k, volumes.get(c, d, k) / total);
                    }
                }
            }
        }
        shares
    }
}

/// The utilities of the crossings for one flow, `None` where closed to it; `border` gives
/// each crossing's border time in minutes for the flow's direction and class (also the
/// logsum's, in the trade accounting).
pub(crate) fn utilities(
    region: &Region,
    od: &OdDemand,
    border: impl Fn(usize) -> Option<f64>,
) -> Vec<Option<f64>> {
    let p = &region.choice;
    (0..region.crossings.len())
        .map(|c| {
            let travel = region.travel_minutes(od, c)?;
            let b = border(c)?;
            let cost = generalized_cost(p, travel, b, region.toll(od, c), od.value_of_time_per_h);
            Some(region.crossings[c].constant + p.time_coefficient * cost)
        })
        .collect()
}

/// The best response to border times, hour by hour: in each hour of the day, a flow's
/// vehicles (its volume × `shapes[od][hour]`, after the demand response to that hour's
/// cost) split over its crossings by the logit on that hour's border times. `border` holds
/// minutes per crossing × direction × class and hour; `None` marks a crossing closed to
/// that direction and class. `shapes` gives each flow's hour-of-day shape (summing to 1).
///
/// # Errors
///
/// [`AssignError::NoOpenCrossing`] when a flow with demand has no crossing it may use in an
/// hour it travels.
///
/// # Panics
///
/// If `shapes` does not hold one shape per flow of `region.demand`.
pub fn assign(
    region: &Region,
    border: &HourlyBorder,
    shapes: &[[f64; HOURS]],
) -> Result<Assignment, AssignError> {
    assert_eq!(shapes.len(), region.demand.len(), "one shape per flow");
    let mut out = Assignment::empty(region);
    for (i, od) in region.demand.iter().enumerate() {
        if od.vehicles_per_day <= 0.0 {
            continue;
        }
        let d = region.direction(od);
        for (h, &weight) in shapes[i].iter().enumerate() {
            if weight <= 0.0 {
                continue;
            }
            let with_delay = utilities(region, od, |c| border.get(c, d, od.class)[h]);
            let Some(cost) = composite_cost(&region.choice, &with_delay) else {
                return Err(AssignError::NoOpenCrossing { od: i });
            };
            let shares = logit_shares(&with_delay);
            let volume = od.vehicles_per_day * weight;
            let volume = if od.elasticity_per_day == 0.0 {
                volume
            } else {
                // The same choice with no border delay at the crossings open now.
                let free = utilities(region, od, |c| border.get(c, d, od.class)[h].map(|_| 0.0));
                let reference = composite_cost(&region.choice, &free).unwrap_or(cost);
                volume
                    * demand_factor(
                        od.elasticity_per_day,
                        cost - reference,
                        region.choice.border_weight,
                    )
            };
            for (c, share) in shares.into_iter().enumerate() {
                let at = out.at(i, h, c);
                out.volumes[at] = volume * share;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::{ChoiceParams, CrossingAlternative, Zone};

    /// Two zones (one per side), two crossings, one class, one flow each way.
    fn region(elasticity: f64) -> Region {
        let zone = |id: &str, side| Zone {
            id: id.into(),
            side,
            country: None,
        };
        let crossing = |id: &str| CrossingAlternative {
            id: id.into(),
            constant: 0.0,
        };
        let od = |origin, destination, v| OdDemand {
            origin,
            destination,
            class: 0,
            commodity: None,
            vehicles_per_day: v,
            cargo_value: 1000.0,
            value_of_time_per_h: 30.0,
            elasticity_per_day: elasticity,
        };
        Region {
            name: "test".into(),
            sides: ["a".into(), "b".into()],
            zones: vec![zone("a1", 0), zone("b1", 1)],
            crossings: vec![crossing("x"), crossing("y")],
            classes: vec!["truck".into()],
            to_crossing: vec![vec![Some(10.0), Some(20.0)], vec![Some(5.0), Some(5.0)]],
            from_crossing: vec![vec![Some(10.0), Some(20.0)], vec![Some(5.0), Some(5.0)]],
            tolls: Grid::new(2, 1, 0.0),
            demand: vec![od(0, 1, 1000.0), od(1, 0, 400.0)],
            choice: ChoiceParams::default(),
        }
    }

    fn border(x: Option<f64>, y: Option<f64>) -> HourlyBorder {
        let mut g = Grid::new(2, 1, [None; HOURS]);
        for d in 0..SIDES {
            g.set(0, d, 0, [x; HOURS]);
            g.set(1, d, 0, [y; HOURS]);
        }
        g
    }

    /// Every flow spread evenly over the day.
    fn flat(r: &Region) -> Vec<[f64; HOURS]> {
        vec![[1.0 / HOURS as f64; HOURS]; r.demand.len()]
    }

    #[test]
    fn shares_follow_the_logit_and_volumes_are_kept_with_zero_elasticity() {
        let r = region(0.0);
        let a = assign(&r, &border(Some(30.0), Some(10.0)), &flat(&r)).unwrap();
        // Northbound: x costs 10 + 5 + 2.5 × 30 = 90, y 20 + 5 + 25 = 50.
        let p_x = 1.0 / (1.0 + (-0.025f64 * (50.0 - 90.0)).exp());
        assert!((a.volume(0, 0) - 1000.0 * p_x).abs() < 1e-9);
        assert!((a.od_volume(0) - 1000.0).abs() < 1e-9);
        assert!((a.od_volume(1) - 400.0).abs() < 1e-9);
        let shares = a.shares(&r);
        assert!((shares.get(0, 0, 0) + shares.get(1, 0, 0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_closed_crossing_takes_nothing_and_all_closed_is_an_error() {
        let r = region(0.0);
        let a = assign(&r, &border(None, Some(10.0)), &flat(&r)).unwrap();
        assert_eq!(a.volume(0, 0), 0.0);
        assert!((a.volume(0, 1) - 1000.0).abs() < 1e-9);
        assert_eq!(
            assign(&r, &border(None, None), &flat(&r)),
            Err(AssignError::NoOpenCrossing { od: 0 })
        );
    }

    #[test]
    fn demand_falls_with_delay_by_the_formula() {
        let r = region(-0.01);
        // Equal border times everywhere: the logsum rises by exactly 2.5 × B.
        let b = 600.0;
        let a = assign(&r, &border(Some(b), Some(b)), &flat(&r)).unwrap();
        let expected = 1000.0 * (-0.01f64 * b / 1440.0).exp();
        assert!(
            (a.od_volume(0) - expected).abs() < 1e-9,
            "{}",
            a.od_volume(0)
        );
        // No delay: the full volume.
        let a = assign(&r, &border(Some(0.0), Some(0.0)), &flat(&r)).unwrap();
        assert!((a.od_volume(0) - 1000.0).abs() < 1e-9);
    }

    #[test]
    fn a_faster_crossing_never_loses_traffic() {
        for elasticity in [0.0, -0.01, -0.5] {
            let r = region(elasticity);
            let mut last = 0.0;
            for x in [300.0, 120.0, 60.0, 10.0, 0.0] {
                let a = assign(&r, &border(Some(x), Some(40.0)), &flat(&r)).unwrap();
                let at_x = *a.by_crossing(&r).get(0, 0, 0);
                assert!(at_x >= last, "{x}: {at_x} < {last}");
                last = at_x;
            }
        }
    }

    /// The choice is made hour by hour: a crossing slow only in the morning loses the
    /// morning's traffic and keeps the rest of the day's.
    #[test]
    fn each_hour_chooses_on_its_own_border_times() {
        let r = region(0.0);
        let mut b = border(Some(10.0), Some(10.0));
        for d in 0..SIDES {
            let x = b.get_mut(0, d, 0);
            for hour in x.iter_mut().take(10).skip(7) {
                *hour = Some(300.0);
            }
        }
        let a = assign(&r, &b, &flat(&r)).unwrap();
        let (morning, noon) = (a.hourly_volume(0, 8, 0), a.hourly_volume(0, 12, 0));
        assert!(morning < 0.01 * noon, "{morning} vs {noon}");
        // Each hour still carries its share of the day, split over the crossings.
        for h in 0..HOURS {
            let all = a.hourly_volume(0, h, 0) + a.hourly_volume(0, h, 1);
            assert!((all - 1000.0 / 24.0).abs() < 1e-9);
        }
        let hourly = a.hourly_by_crossing(&r);
        let daily = a.by_crossing(&r);
        let sum: f64 = hourly.get(0, 0, 0).iter().sum();
        assert!((sum - daily.get(0, 0, 0)).abs() < 1e-9);
    }
}

//! Trade diverted by a reform: the cargo value of the vehicles of each flow that moved from
//! one crossing to another.
//!
//! A *flow* is one row of the region's demand (origin, destination, class and commodity,
//! with its cargo value). Between a baseline and a reform, flow `i` gains `gᵢ` vehicles a
//! day at the crossings where it grows and loses `lᵢ` where it shrinks; `min(gᵢ, lᵢ)` of
//! its vehicles changed crossing, and the rest of its change, `gᵢ − lᵢ`, is trade created
//! (or destroyed) by the demand response. The trade diverted is
//! `Σᵢ cargo valueᵢ × min(gᵢ, lᵢ)`, so for every flow `gains = diverted + max(created, 0)`.
//!
//! The matching is within a flow only: one flow's gain is never matched with another
//! flow's loss — another commodity, another origin, or the other direction — which would
//! call diverted what is trade created in one place and destroyed in another.

use crate::assign::Assignment;
use crate::region::Region;

/// The trade diverted per day from `base` to `reform` (two assignments of `region`'s
/// demand), in the unit of the demand's cargo value: for each flow, its vehicles that moved
/// from a crossing where it shrank to one where it grew, at its cargo value per vehicle.
/// Never negative; 0 when no flow changes crossing.
pub fn diverted(region: &Region, base: &Assignment, reform: &Assignment) -> f64 {
    region
        .demand
        .iter()
        .enumerate()
        .map(|(i, od)| {
            let (mut gains, mut losses) = (0.0, 0.0);
            for c in 0..region.crossings.len() {
                let change = reform.volume(i, c) - base.volume(i, c);
                if change > 0.0 {
                    gains += change;
                } else {
                    losses -= change;
                }
            }
            od.cargo_value * f64::min(gains, losses)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::diverted;
    use crate::assign::{Assignment, HOURS};
    use crate::region::{ChoiceParams, CrossingAlternative, Grid, OdDemand, Region, Zone};

    /// Two crossings `x` and `y` between side `a` (zones `a1`, `a2`) and side `b` (zone
    /// `b1`), and the flows `(origin, destination, cargo value)`.
    fn region(flows: &[(usize, usize, f64)]) -> Region {
        let zone = |id: &str, side| Zone {
            id: id.into(),
            side,
            country: None,
        };
        Region {
            name: "two crossings".into(),
            sides: ["a".into(), "b".into()],
            zones: vec![zone("a1", 0), zone("a2", 0), zone("b1", 1)],
            crossings: ["x", "y"]
                .iter()
                .map(|id| CrossingAlternative {
                    id: (*id).into(),
                    constant: 0.0,
                })
                .collect(),
            classes: vec!["truck".into()],
            to_crossing: vec![vec![Some(10.0); 2]; 3],
            from_crossing: vec![vec![Some(10.0); 2]; 3],
            tolls: Grid::new(2, 1, 0.0),
            demand: flows
                .iter()
                .map(|&(origin, destination, cargo_value)| OdDemand {
                    origin,
                    destination,
                    class: 0,
                    commodity: None,
                    vehicles_per_day: 100.0,
                    cargo_value,
                    value_of_time_per_h: 20.0,
                    elasticity_per_day: 0.0,
                })
                .collect(),
            choice: ChoiceParams::default(),
        }
    }

    /// Each flow's vehicles a day at `x` and at `y`, all in the first hour.
    fn assignment(region: &Region, volumes: &[[f64; 2]]) -> Assignment {
        let mut a = Assignment::empty(region);
        let slice = a.as_mut_slice();
        for (od, per_crossing) in volumes.iter().enumerate() {
            for (c, v) in per_crossing.iter().enumerate() {
                slice[od * HOURS * 2 + c] = *v;
            }
        }
        a
    }

    #[test]
    fn vehicles_that_change_crossing_are_diverted_at_their_cargo_value() {
        // a1 -> b1 at 1,000 a truck: 4 move from y to x, 3 more are created at x.
        // b1 -> a1 at 500 a truck: 2 move from x to y.
        let r = region(&[(0, 2, 1_000.0), (2, 0, 500.0)]);
        let base = assignment(&r, &[[10.0, 10.0], [6.0, 6.0]]);
        let reform = assignment(&r, &[[17.0, 6.0], [4.0, 8.0]]);
        assert_eq!(diverted(&r, &base, &reform), 4.0 * 1_000.0 + 2.0 * 500.0);
        assert_eq!(diverted(&r, &reform, &base), 4.0 * 1_000.0 + 2.0 * 500.0);
        assert_eq!(diverted(&r, &base, &base), 0.0);
    }

    #[test]
    fn one_flows_gain_is_never_matched_with_another_flows_loss() {
        // a1 -> b1 grows by 4 at x; the other direction, b1 -> a1, shrinks by 4 at y: trade
        // created in one place and destroyed in another, none diverted (the value at each
        // crossing × direction moves by +4,000 and −2,000, which matched across crossings
        // would call 2,000 diverted).
        let r = region(&[(0, 2, 1_000.0), (2, 0, 500.0)]);
        let base = assignment(&r, &[[10.0, 10.0], [6.0, 6.0]]);
        let reform = assignment(&r, &[[14.0, 10.0], [6.0, 2.0]]);
        assert_eq!(diverted(&r, &base, &reform), 0.0);
        // The same within one direction: a1 -> b1 grows at x, a2 -> b1 shrinks at y.
        let r = region(&[(0, 2, 1_000.0), (1, 2, 1_000.0)]);
        let base = assignment(&r, &[[10.0, 10.0], [10.0, 10.0]]);
        let reform = assignment(&r, &[[13.0, 10.0], [10.0, 7.0]]);
        assert_eq!(diverted(&r, &base, &reform), 0.0);
    }
}

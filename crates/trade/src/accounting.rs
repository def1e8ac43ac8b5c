//! Trade accounting: what the flows carry, per side and per crossing, and how a reform moves
//! it.
//!
//! A flow from a zone on side `s` to the other side carries `volume × cargo value` per day:
//! exports of `s`, imports of the other side. A side's balance is its exports minus its
//! imports.
//!
//! Between a baseline and a reform, each crossing × direction gains or loses trade value.
//! The **trade created** is the net change of all trade (negative: trade destroyed); the
//! **trade diverted** is the part of the gains at gaining crossings that is matched by losses
//! at losing ones: `min(Σ gains, Σ losses)`. So `gains = diverted + max(created, 0)` and
//! `losses = diverted + max(−created, 0)`.

use serde::Serialize;

use crate::assign::Assignment;
use crate::region::{Region, SIDES};

/// Trade value per day of one side.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SideTrade {
    /// The side's id (e.g. `us`).
    pub side: String,
    /// Cargo value per day of the flows leaving this side (the unit of
    /// [`OdDemand::cargo_value`](crate::OdDemand::cargo_value)).
    pub exports: f64,
    /// Cargo value per day of the flows entering this side.
    pub imports: f64,
    /// Exports minus imports.
    pub balance: f64,
    /// Exports the side would have if the border added no delay, minus its exports: what
    /// delay costs it through the demand response.
    pub exports_lost_to_delay: f64,
}

/// Trade value per day, by side and by crossing × direction, and by commodity × direction.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TradeAccount {
    /// One entry per side, in the order of [`Region::sides`].
    pub sides: Vec<SideTrade>,
    /// `[crossing][direction]`: value carried through each crossing in each direction.
    pub by_crossing: Vec<[f64; SIDES]>,
    /// (commodity, direction, value); flows without a commodity are under `""`.
    pub by_commodity: Vec<(String, usize, f64)>,
    /// All trade per day: the sum of every side's exports.
    pub total: f64,
}

/// Accounts the trade an assignment carries.
pub fn account(region: &Region, assignment: &Assignment) -> TradeAccount {
    let mut sides: Vec<SideTrade> = region
        .sides
        .iter()
        .map(|s| SideTrade {
            side: s.clone(),
            ..SideTrade::default()
        })
        .collect();
    let mut by_crossing = vec![[0.0; SIDES]; region.crossings.len()];
    let mut by_commodity: Vec<(String, usize, f64)> = Vec::new();
    for (i, od) in region.demand.iter().enumerate() {
        let d = region.direction(od);
        let exporter = d;
        let importer = 1 - d;
        let value = assignment.od_volume(i) * od.cargo_value;
        sides[exporter].exports += value;
        sides[importer].imports += value;
        sides[exporter].exports_lost_to_delay += od.vehicles_per_day * od.cargo_value - value;
        for (c, per_direction) in by_crossing.iter_mut().enumerate() {
            per_direction[d] += assignment.volume(i, c) * od.cargo_value;
        }
        let commodity = od.commodity.clone().unwrap_or_default();
        match by_commodity
            .iter_mut()
            .find(|(name, dir, _)| *name == commodity && *dir == d)
        {
            Some(entry) => entry.2 += value,
            None => by_commodity.push((commodity, d, value)),
        }
    }
    for s in &mut sides {
        s.balance = s.exports - s.imports;
    }
    by_commodity.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let total = sides.iter().map(|s| s.exports).sum();
    TradeAccount {
        sides,
        by_crossing,
        by_commodity,
        total,
    }
}

/// How a reform moves trade, per day.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TradeShift {
    /// Net change of all trade (negative: destroyed).
    pub created: f64,
    /// Trade moved from losing to gaining crossings.
    pub diverted: f64,
    /// `[crossing][direction]`: change of the value carried.
    pub by_crossing: Vec<[f64; SIDES]>,
    /// Per side (index into [`Region::sides`]): change of exports per day.
    pub exports_change: [f64; SIDES],
    /// Per side: change of imports per day.
    pub imports_change: [f64; SIDES],
    /// Per side: change of the balance (exports − imports) per day.
    pub balance_change: [f64; SIDES],
}

/// The shift from `base` to `reform` (same region, same crossings).
pub fn shift(base: &TradeAccount, reform: &TradeAccount) -> TradeShift {
    let by_crossing: Vec<[f64; SIDES]> = base
        .by_crossing
        .iter()
        .zip(&reform.by_crossing)
        .map(|(b, r)| [r[0] - b[0], r[1] - b[1]])
        .collect();
    let gains: f64 = by_crossing.iter().flatten().map(|d| d.max(0.0)).sum();
    let losses: f64 = by_crossing.iter().flatten().map(|d| (-d).max(0.0)).sum();
    let mut out = TradeShift {
        created: reform.total - base.total,
        diverted: gains.min(losses),
        by_crossing,
        ..TradeShift::default()
    };
    for s in 0..SIDES.min(base.sides.len()).min(reform.sides.len()) {
        out.exports_change[s] = reform.sides[s].exports - base.sides[s].exports;
        out.imports_change[s] = reform.sides[s].imports - base.sides[s].imports;
        out.balance_change[s] = reform.sides[s].balance - base.sides[s].balance;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account_of(by_crossing: Vec<[f64; 2]>, exports: [f64; 2]) -> TradeAccount {
        let sides = exports
            .iter()
            .enumerate()
            .map(|(s, &e)| SideTrade {
                side: format!("s{s}"),
                exports: e,
                imports: exports[1 - s],
                balance: e - exports[1 - s],
                exports_lost_to_delay: 0.0,
            })
            .collect();
        TradeAccount {
            sides,
            by_crossing,
            by_commodity: Vec::new(),
            total: exports.iter().sum(),
        }
    }

    #[test]
    fn created_and_diverted_by_hand() {
        // 30 moves from crossing 0 to crossing 1 northbound, and 5 more is created there.
        let base = account_of(vec![[100.0, 50.0], [20.0, 10.0]], [120.0, 60.0]);
        let reform = account_of(vec![[70.0, 50.0], [55.0, 10.0]], [125.0, 60.0]);
        let s = shift(&base, &reform);
        assert!((s.created - 5.0).abs() < 1e-12);
        assert!((s.diverted - 30.0).abs() < 1e-12);
        assert_eq!(s.by_crossing, vec![[-30.0, 0.0], [35.0, 0.0]]);
        assert!((s.balance_change[0] - 5.0).abs() < 1e-12);
        assert!((s.balance_change[1] + 5.0).abs() < 1e-12);
    }

    #[test]
    fn balances_sum_to_zero() {
        use crate::region::{ChoiceParams, CrossingAlternative, Grid, OdDemand, Zone};
        let od = |origin, destination, v, value| OdDemand {
            origin,
            destination,
            class: 0,
            commodity: Some("parts".into()),
            vehicles_per_day: v,
            cargo_value: value,
            value_of_time_per_h: 30.0,
            elasticity_per_day: 0.0,
        };
        let region = Region {
            name: "r".into(),
            sides: ["a".into(), "b".into()],
            zones: vec![
                Zone {
                    id: "a1".into(),
                    side: 0,
                },
                Zone {
                    id: "b1".into(),
                    side: 1,
                },
            ],
            crossings: vec![CrossingAlternative {
                id: "x".into(),
                constant: 0.0,
            }],
            classes: vec!["truck".into()],
            to_crossing: vec![vec![Some(1.0)]; 2],
            from_crossing: vec![vec![Some(1.0)]; 2],
            tolls: Grid::new(1, 1, 0.0),
            demand: vec![od(0, 1, 10.0, 50_000.0), od(1, 0, 4.0, 20_000.0)],
            choice: ChoiceParams::default(),
        };
        let mut border = Grid::new(1, 1, [None; crate::HOURS]);
        border.set(0, 0, 0, [Some(10.0); crate::HOURS]);
        border.set(0, 1, 0, [Some(10.0); crate::HOURS]);
        // Every vehicle in the first hour, so that the sums are exact.
        let mut shape = [0.0; crate::HOURS];
        shape[0] = 1.0;
        let a = crate::assign(&region, &border, &[shape; 2]).unwrap();
        let t = account(&region, &a);
        assert_eq!(t.sides[0].exports, 500_000.0);
        assert_eq!(t.sides[0].imports, 80_000.0);
        assert_eq!(t.sides[0].balance + t.sides[1].balance, 0.0);
        assert_eq!(t.by_crossing, vec![[500_000.0, 80_000.0]]);
        assert_eq!(t.total, 580_000.0);
        assert_eq!(t.by_commodity.len(), 2);
    }
}

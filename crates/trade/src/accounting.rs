//! Trade accounting: what the flows carry, per side and per crossing, and how a reform moves
//! it.
//!
//! A flow from a zone on side `s` to the other side carries `volume × cargo value` per day:
//! exports of `s`, imports of the other side. A side's balance is its exports minus its
//! imports.
//!
//! Between a baseline and a reform, each crossing × direction gains or loses trade value.
//! The **trade created** is the net change of all trade (negative: trade destroyed); the
//! **trade diverted** — each demand flow's vehicles that changed crossing, at their cargo
//! value — is in `diversion.rs`, since it needs the flows, not these totals.
//!
//! Flows can also be labelled by the *country* of their origin and destination
//! ([`account_by_country`]): a flow from South Africa to the DRC through Zimbabwe and Zambia
//! is South Africa's export and the DRC's import, and transit for the two border countries,
//! not their trade.
//!
//! The users' benefit of a reform ([`user_benefit`]) is the change of the logit model's
//! logsum (the consumer surplus of the crossing choice), in money.

use serde::Serialize;

use crate::assign::{Assignment, HOURS, HourlyBorder};
use crate::choice::logsum;
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
    let mut out = TradeShift {
        created: reform.total - base.total,
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

/// The country of each zone, for labelling flows by origin and destination: a zone in a
/// country beyond the border's two (e.g. South Africa behind Zimbabwe's side, the DRC behind
/// Zambia's) sends and receives trade that only *transits* the side it is on.
///
/// [`side_countries`] gives every zone its side's id (no transit).
pub fn side_countries(region: &Region) -> Vec<String> {
    region
        .zones
        .iter()
        .map(|z| region.sides[z.side].clone())
        .collect()
}

/// Each zone's country: its own [`Zone::country`](crate::Zone::country) where stated,
/// else its side's id (as [`side_countries`]).
pub fn zone_countries(region: &Region) -> Vec<String> {
    region
        .zones
        .iter()
        .map(|z| {
            z.country
                .clone()
                .unwrap_or_else(|| region.sides[z.side].clone())
        })
        .collect()
}

/// Trade value per day of one country, with transit kept apart from its own trade.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CountryTrade {
    /// The country's id (a side's id, or a zone's `country`).
    pub country: String,
    /// Cargo value per day of the flows that start in this country.
    pub exports: f64,
    /// Cargo value per day of the flows that end in this country.
    pub imports: f64,
    /// Exports minus imports.
    pub balance: f64,
    /// Cargo value per day of the flows that cross this country's side of the border but
    /// neither start nor end in it: transit, not its exports or imports.
    pub transit: f64,
}

/// Trade by country, flows labelled by their origin's and destination's country
/// (`countries[zone]`, e.g. from [`side_countries`]): a flow is an export of its origin's
/// country and an import of its destination's, and transit for each side of the border it
/// crosses whose country is neither. Countries are listed in order of first appearance:
/// the two sides first, then the zones' countries in zone order.
///
/// # Panics
///
/// If `countries` does not hold one entry per zone.
pub fn account_by_country(
    region: &Region,
    assignment: &Assignment,
    countries: &[String],
) -> Vec<CountryTrade> {
    assert_eq!(countries.len(), region.zones.len(), "one country per zone");
    let mut out: Vec<CountryTrade> = Vec::new();
    let index = |name: &str, out: &mut Vec<CountryTrade>| -> usize {
        match out.iter().position(|c| c.country == name) {
            Some(i) => i,
            None => {
                out.push(CountryTrade {
                    country: name.to_owned(),
                    ..CountryTrade::default()
                });
                out.len() - 1
            }
        }
    };
    for side in &region.sides {
        index(side, &mut out);
    }
    for c in countries {
        index(c, &mut out);
    }
    for (i, od) in region.demand.iter().enumerate() {
        let value = assignment.od_volume(i) * od.cargo_value;
        let origin = index(&countries[od.origin], &mut out);
        let destination = index(&countries[od.destination], &mut out);
        out[origin].exports += value;
        out[destination].imports += value;
        for zone in [od.origin, od.destination] {
            let side = index(&region.sides[region.zones[zone].side], &mut out);
            if side != origin && side != destination {
                out[side].transit += value;
            }
        }
    }
    for c in &mut out {
        c.balance = c.exports - c.imports;
    }
    out
}

/// One flow's users' benefit of a reform, per day.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FlowBenefit {
    /// Index of the flow into [`Region::demand`].
    pub od: usize,
    /// Vehicles per day in the baseline.
    pub volume_baseline: f64,
    /// Vehicles per day in the reform.
    pub volume_reform: f64,
    /// The change of the consumer surplus per day, money (the unit of the value of time):
    /// Σ over hours of ½ (V_base + V_reform) × (LS_reform − LS_base) / (−β) × VOT / 60.
    pub consumer_surplus_change: f64,
}

/// The change of users' benefit from the logit model, per flow: in each hour, the logsum
/// `LS = ln Σ_c exp(U_c)` over the crossings open to the flow, with the baseline's and
/// the reform's border minutes, turned into generalized minutes by the time coefficient
/// `β` (`(LS_r − LS_b) / (−β)`: minutes saved per vehicle, the expected maximum utility's
/// change of the random-utility model) and into money by the flow's behavioural value of
/// time (`× VOT / 60`), times the hour's vehicles by the rule of half
/// (`½ (V_b + V_r)`, exact for fixed demand). Hours where either run has no open crossing
/// for the flow count nothing.
///
/// This is the benefit travellers *perceive*: border minutes weigh `border_weight` driving
/// minutes, and the value of time is the behavioural one that explains the choice, not the
/// resource cost an appraisal of delay uses.
pub fn user_benefit(
    region: &Region,
    base_border: &HourlyBorder,
    base: &Assignment,
    reform_border: &HourlyBorder,
    reform: &Assignment,
) -> Vec<FlowBenefit> {
    let beta = region.choice.time_coefficient;
    region
        .demand
        .iter()
        .enumerate()
        .map(|(i, od)| {
            let d = region.direction(od);
            let mut out = FlowBenefit {
                od: i,
                volume_baseline: base.od_volume(i),
                volume_reform: reform.od_volume(i),
                consumer_surplus_change: 0.0,
            };
            if beta == 0.0 {
                return out;
            }
            for h in 0..HOURS {
                let volume = |a: &Assignment| -> f64 {
                    (0..region.crossings.len())
                        .map(|c| a.hourly_volume(i, h, c))
                        .sum()
                };
                let trips = 0.5 * (volume(base) + volume(reform));
                if trips <= 0.0 {
                    continue;
                }
                let ls = |b: &HourlyBorder| {
                    logsum(&crate::assign::utilities(region, od, |c| {
                        b.get(c, d, od.class)[h]
                    }))
                };
                let (Some(before), Some(after)) = (ls(base_border), ls(reform_border)) else {
                    continue;
                };
                let minutes = (after - before) / -beta;
                out.consumer_surplus_change += trips * minutes * od.value_of_time_per_h / 60.0;
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::OdDemand;
    use crate::region_model::examples::{flow, two_zones, zone};

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
    fn created_and_shifted_by_hand() {
        // 30 moves from crossing 0 to crossing 1 northbound, and 5 more is created there.
        let base = account_of(vec![[100.0, 50.0], [20.0, 10.0]], [120.0, 60.0]);
        let reform = account_of(vec![[70.0, 50.0], [55.0, 10.0]], [125.0, 60.0]);
        let s = shift(&base, &reform);
        assert!((s.created - 5.0).abs() < 1e-12);
        assert_eq!(s.by_crossing, vec![[-30.0, 0.0], [35.0, 0.0]]);
        assert!((s.balance_change[0] - 5.0).abs() < 1e-12);
        assert!((s.balance_change[1] + 5.0).abs() < 1e-12);
    }

    #[test]
    fn balances_sum_to_zero() {
        use crate::region::Grid;
        let od = |origin, destination, v, value| OdDemand {
            commodity: Some("parts".into()),
            ..flow(origin, destination, v, value, 30.0)
        };
        let mut region = two_zones(&[("x", 0.0)], &[1.0], &[1.0]);
        region.demand = vec![od(0, 1, 10.0, 50_000.0), od(1, 0, 4.0, 20_000.0)];
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
    /// Two crossings, one flow from `a1` to `b1`, every vehicle in the first hour;
    /// `countries` labels the zones.
    fn two_crossings(volume: f64) -> Region {
        let mut region = two_zones(&[("x", 0.0), ("y", 0.3)], &[10.0, 25.0], &[10.0, 5.0]);
        region.demand = vec![flow(0, 1, volume, 1000.0, 24.0)];
        region
    }

    fn border(x: f64, y: f64) -> HourlyBorder {
        let mut b = crate::region::Grid::new(2, 1, [None; HOURS]);
        b.set(0, 0, 0, [Some(x); HOURS]);
        b.set(1, 0, 0, [Some(y); HOURS]);
        b
    }

    fn first_hour() -> [f64; HOURS] {
        let mut shape = [0.0; HOURS];
        shape[0] = 1.0;
        shape
    }

    #[test]
    fn logsum_change_of_two_crossings_matches_the_closed_form() {
        let region = two_crossings(200.0);
        let (before, after) = (border(40.0, 30.0), border(20.0, 30.0));
        let a = crate::assign(&region, &before, &[first_hour()]).unwrap();
        let b = crate::assign(&region, &after, &[first_hour()]).unwrap();
        let benefit = user_benefit(&region, &before, &a, &after, &b);
        // U_x = −0.025 × (20 + 2.5 b_x), U_y = 0.3 − 0.025 × (30 + 2.5 × 30).
        let (beta, w) = (-0.025f64, 2.5);
        let uy = 0.3 + beta * (30.0 + w * 30.0);
        let ls = |bx: f64| ((beta * (20.0 + w * bx)).exp() + uy.exp()).ln();
        let expected = 200.0 * (ls(20.0) - ls(40.0)) / -beta * 24.0 / 60.0;
        let got = benefit[0].consumer_surplus_change;
        assert!(
            (got - expected).abs() < 1e-9 * expected,
            "{got} vs {expected}"
        );
        // Between the bounds: no more than every vehicle saving the 50 generalized minutes,
        // no less than the vehicles already at x saving them.
        let share_x = a.volume(0, 0) / 200.0;
        let full = 200.0 * 50.0 * 24.0 / 60.0;
        assert!(got < full && got > share_x * full, "{got} {share_x} {full}");
        // Fixed demand: the rule of half is exact, the volumes unchanged.
        assert!((benefit[0].volume_baseline - 200.0).abs() < 1e-9);
        assert!((benefit[0].volume_reform - 200.0).abs() < 1e-9);
    }

    #[test]
    fn a_reform_that_changes_nothing_has_no_user_benefit() {
        let region = two_crossings(200.0);
        let b = border(40.0, 30.0);
        let a = crate::assign(&region, &b, &[first_hour()]).unwrap();
        let benefit = user_benefit(&region, &b, &a, &b, &a);
        assert_eq!(benefit[0].consumer_surplus_change, 0.0);
    }

    #[test]
    fn one_crossing_gains_the_weighted_minutes_saved_exactly() {
        // Crossing y closed in both runs: the logsum is x's utility, so every vehicle saves
        // border_weight × 12 minutes, at $24/h.
        let region = two_crossings(100.0);
        let mut before = border(40.0, 0.0);
        let mut after = border(28.0, 0.0);
        before.set(1, 0, 0, [None; HOURS]);
        after.set(1, 0, 0, [None; HOURS]);
        let a = crate::assign(&region, &before, &[first_hour()]).unwrap();
        let b = crate::assign(&region, &after, &[first_hour()]).unwrap();
        let got = user_benefit(&region, &before, &a, &after, &b)[0].consumer_surplus_change;
        let expected = 100.0 * 2.5 * 12.0 * 24.0 / 60.0;
        assert!((got - expected).abs() < 1e-9, "{got}");
    }

    #[test]
    fn transit_is_labelled_transit_not_the_border_countries_trade() {
        // South Africa (behind side zw) to the DRC (behind side zm), and Harare to Lusaka.
        let mut region = two_crossings(0.0);
        region.sides = ["zw".into(), "zm".into()];
        region.zones = vec![
            zone("harare", 0),
            zone("south_africa", 0),
            zone("lusaka", 1),
            zone("drc", 1),
        ];
        region.to_crossing = vec![vec![Some(10.0), Some(10.0)]; 4];
        region.from_crossing = vec![vec![Some(10.0), Some(10.0)]; 4];
        region.demand = vec![flow(0, 2, 10.0, 1000.0, 24.0), flow(1, 3, 4.0, 500.0, 24.0)];
        let b = border(10.0, 10.0);
        let a = crate::assign(&region, &b, &[first_hour(); 2]).unwrap();
        let countries: Vec<String> = ["zw", "za", "zm", "cd"].map(String::from).to_vec();
        let by = account_by_country(&region, &a, &countries);
        let get = |c: &str| by.iter().find(|x| x.country == c).unwrap().clone();
        let (zw, zm, za, cd) = (get("zw"), get("zm"), get("za"), get("cd"));
        assert_eq!(by.len(), 4);
        assert_eq!(
            (zw.exports, zw.imports, zw.transit),
            (10_000.0, 0.0, 2_000.0)
        );
        assert_eq!(
            (zm.exports, zm.imports, zm.transit),
            (0.0, 10_000.0, 2_000.0)
        );
        assert_eq!((za.exports, za.imports, za.transit), (2_000.0, 0.0, 0.0));
        assert_eq!((cd.exports, cd.imports, cd.transit), (0.0, 2_000.0, 0.0));
        assert_eq!(za.balance, 2_000.0);
        // With every zone in its side's country, no transit, and the sides' own account.
        let plain = account_by_country(&region, &a, &side_countries(&region));
        let sides = account(&region, &a).sides;
        assert_eq!(plain.len(), 2);
        for (p, s) in plain.iter().zip(&sides) {
            assert_eq!(
                (p.exports, p.imports, p.transit),
                (s.exports, s.imports, 0.0)
            );
        }
    }
}

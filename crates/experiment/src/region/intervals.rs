//! The sampling error of what the equilibrium's flows carry.
//!
//! The flows are a deterministic function (the logit choice and the demand response) of the
//! border times measured in the last iteration, and those times are means over independent
//! replications. Each replication's own border times (taken by the same rule as the pooled
//! ones, [`super::feed`]) give its own best response: every flow re-assigned to what that
//! replication alone measured. A figure computed from the flows (a volume, a share, trade,
//! a cost, a users' benefit) is computed on each replication's best response too, and its
//! 95% interval is Student's t over those values (`t(R−1) × s / √R`), the spread of the
//! figure that the border times' sampling error makes. Between a baseline and a reform the
//! figure's change is taken replication by replication (replication `r` of both runs meets
//! the same candidate vehicles, common random numbers) and the interval is that of the
//! paired differences, so a reform that changes nothing has differences of exactly 0 with
//! an interval of exactly 0. The reported values themselves stay those of the equilibrium's
//! flows; the interval is their half-width.

use bordersim_stats::MeanCi;
use bordersim_trade::accounting::CountryTrade;
use bordersim_trade::{Assignment, Grid, HourlyBorder, Region, SIDES, TradeAccount};

use super::appraisal::RegionCosts;
use super::report::direction_label;

/// One replication's view of the final iteration.
#[derive(Clone, Debug)]
pub(super) struct Replicate {
    /// The border minutes this replication measured, by the pooled rule.
    pub(super) border: HourlyBorder,
    /// Every flow's best response to `border`.
    pub(super) assignment: Assignment,
    /// The trade `assignment` carries.
    pub(super) trade: TradeAccount,
    /// The same trade by country, transit apart (as the report's `by_country`).
    pub(super) by_country: Vec<CountryTrade>,
    /// The money cost of `assignment`'s time at `border`.
    pub(super) costs: RegionCosts,
    /// Vehicles per day at each crossing × direction × class.
    pub(super) volumes: Grid<f64>,
    /// Each crossing's share of its direction × class.
    pub(super) shares: Grid<f64>,
}

/// The half-width of the 95% interval of the mean of `samples` (one per replication, in
/// replication order); `None` with fewer than two.
pub(super) fn ci95(samples: &[f64]) -> Option<f64> {
    MeanCi::from_samples(&crate::sweep::summary::samples(samples)).and_then(|c| c.half_width_95)
}

/// [`ci95`] of `value` of each item.
pub(super) fn ci95_of<T>(items: &[T], value: impl Fn(&T) -> f64) -> Option<f64> {
    ci95(&items.iter().map(value).collect::<Vec<_>>())
}

/// [`ci95`] of the paired differences `value(reform) − value(base)`, replication by
/// replication.
pub(super) fn change_ci95<T>(base: &[T], reform: &[T], value: impl Fn(&T) -> f64) -> Option<f64> {
    let changes: Vec<f64> = base
        .iter()
        .zip(reform)
        .map(|(b, r)| value(r) - value(b))
        .collect();
    ci95(&changes)
}

/// The interval of each entry of a `[crossing][direction]` table, one table per replication.
pub(super) fn table_ci95<T>(
    items: &[T],
    crossings: usize,
    value: impl Fn(&T, usize, usize) -> f64,
) -> Vec<[Option<f64>; SIDES]> {
    (0..crossings)
        .map(|c| std::array::from_fn(|d| ci95_of(items, |t| value(t, c, d))))
        .collect()
}

/// The grid indices (crossing, direction, class) of a flow named by its ids.
pub(super) fn flow_index(
    region: &Region,
    crossing: &str,
    direction: &str,
    class: &str,
) -> Option<(usize, usize, usize)> {
    let c = region.crossings.iter().position(|x| x.id == crossing)?;
    let d = (0..SIDES).find(|&d| direction_label(region, d) == direction)?;
    let k = region.classes.iter().position(|x| x == class)?;
    Some((c, d, k))
}

#[cfg(test)]
mod tests {
    use bordersim_model::{ClassId, DirectionId, StationId};

    use crate::RunOptions;
    use crate::region::{
        RegionModel, candidate_peak, compare_regions, crossing_with_flows, regional_source,
        run_region,
    };
    use crate::test_support::{one_station, one_way_region, options};

    /// Two like crossings, one lane of 2 minutes each, 600 trucks a day from `a1` to `b1`,
    /// one iteration: the flows simulated are the first assignment's, half the trucks at
    /// each crossing, 12.5 an hour all day.
    fn two_like_crossings() -> RegionModel {
        let mut model = one_way_region(
            vec![
                one_station("x", 1, 2.0, 10.0),
                one_station("y", 1, 2.0, 10.0),
            ],
            600.0,
            0.0,
        );
        model.max_iterations = 1;
        model
    }

    /// Each replication's mean border minutes by hour of arrival at crossing `c`, fed
    /// 12.5 trucks an hour, simulated here without the region.
    fn own_times(model: &RegionModel, c: usize, options: &RunOptions) -> Vec<[f64; 24]> {
        let id = &model.region.crossings[c].id;
        let source = regional_source(
            id,
            "a_to_b",
            "truck",
            ClassId(0),
            StationId(0),
            candidate_peak(25.0),
            [12.5; 24],
        );
        let scenario = crossing_with_flows(&model.crossings[c], vec![source])
            .expect("valid")
            .expect("fed");
        let outcome = crate::run(&scenario, options).expect("runs");
        outcome
            .replications
            .iter()
            .map(|r| {
                std::array::from_fn(|h| {
                    r.exit_in_hour(DirectionId(0), ClassId(0), h)
                        .mean_ms()
                        .expect("observed")
                        / 60_000.0
                })
            })
            .collect()
    }

    #[test]
    fn a_shares_interval_is_the_t_interval_of_the_logit_on_each_replications_own_times() {
        let model = two_like_crossings();
        let options = options(4);
        let report = run_region(&model, &options).expect("runs").report;
        let x = &report.flows[0];
        assert_eq!((x.crossing.as_str(), x.share), ("x", 0.5));
        assert!(x.hourly.iter().all(|h| h.observed >= 10), "{:?}", x.hourly);
        // By hand: replication r's share of x is the day's mean of the hourly logit
        // 1 / (1 + exp(β × 2.5 × (B_y − B_x))) on r's own border minutes (same roads).
        let (bx, by) = (
            own_times(&model, 0, &options),
            own_times(&model, 1, &options),
        );
        let beta = model.region.choice.time_coefficient;
        let shares: Vec<f64> = bx
            .iter()
            .zip(&by)
            .map(|(x, y)| {
                (0..24)
                    .map(|h| 1.0 / (1.0 + (beta * 2.5 * (y[h] - x[h])).exp()))
                    .sum::<f64>()
                    / 24.0
            })
            .collect();
        let mean = shares.iter().sum::<f64>() / 4.0;
        let var = shares.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / 3.0;
        // Student's t, 3 degrees of freedom, 0.975.
        let half = 3.182_446_305_284_263 * (var / 4.0).sqrt();
        let got = x.share_ci95.expect("four replications");
        assert!(half > 1e-4, "the replications differ: {shares:?}");
        assert!((got - half).abs() <= 1e-9 * half, "{got} against {half}");
        let volume = x.volume_per_day_ci95.expect("four replications");
        assert!((volume - 600.0 * half).abs() <= 1e-9 * volume, "{volume}");
        // The two crossings' shares move together: the same interval.
        let y = &report.flows[1];
        assert!((y.share_ci95.expect("y") - got).abs() <= 1e-12);
        // Trade goes through x or y, never in or out of existence (fixed demand).
        assert_eq!(report.trade.total_per_day_ci95, Some(0.0));
        let by_x = &report.trade.by_crossing[0];
        assert!(
            (by_x.value_per_day_ci95.expect("x") - 10_000.0 * 600.0 * half).abs()
                <= 1e-6 * by_x.value_per_day_ci95.expect("x")
        );
    }

    #[test]
    fn one_replication_says_nothing_of_its_spread() {
        let report = run_region(&two_like_crossings(), &options(1))
            .expect("runs")
            .report;
        assert!(report.flows.iter().all(|f| f.share_ci95.is_none()));
        assert_eq!(report.trade.sides[0].exports_per_day_ci95, None);
        assert_eq!(report.costs.resource_cost_per_day_ci95, None);
    }

    #[test]
    fn a_policy_that_changes_nothing_changes_nothing_with_an_interval_of_zero() {
        let mut model = two_like_crossings();
        model.max_iterations = 3;
        let c = compare_regions(&model, "same", &model, &options(3)).expect("runs");
        for f in &c.shift.flows {
            assert_eq!((f.volume_change, f.share_change), (0.0, 0.0), "{f:?}");
            assert_eq!(f.volume_change_ci95, Some(0.0), "{f:?}");
            assert_eq!(f.share_change_ci95, Some(0.0), "{f:?}");
        }
        let t = &c.shift.trade;
        assert_eq!(
            (t.created_per_day_ci95, t.diverted_per_day_ci95),
            (Some(0.0), Some(0.0))
        );
        assert!(
            t.by_crossing
                .iter()
                .all(|r| r.value_per_day_ci95 == Some(0.0))
        );
        for s in &t.sides {
            assert_eq!(s.exports_change_per_day_ci95, Some(0.0));
            assert_eq!(s.imports_change_per_day_ci95, Some(0.0));
            assert_eq!(s.balance_change_per_day_ci95, Some(0.0));
        }
        let a = &c.shift.appraisal;
        assert_eq!(a.user_benefit_per_day, 0.0);
        assert_eq!(a.user_benefit_per_day_ci95, Some(0.0));
        assert_eq!(a.user_benefit_per_year_ci95, Some(0.0));
        assert_eq!(a.delay_cost_saved_per_day_ci95, Some(0.0));
        assert_eq!(a.delay_cost_saved_per_year_ci95, Some(0.0));
        assert!(
            a.by_flow
                .iter()
                .all(|f| f.user_benefit_per_day_ci95 == Some(0.0))
        );
        // Each run alone has a spread.
        assert!(c.baseline.flows[0].share_ci95.expect("3 replications") > 0.0);
    }

    #[test]
    fn a_faster_crossing_gains_traffic_with_an_interval_and_users_gain() {
        let mut base = two_like_crossings();
        base.max_iterations = 10;
        let mut reform = base.clone();
        reform.crossings[0].scenario = one_station("x", 3, 2.0, 10.0);
        let c = compare_regions(&base, "lanes at x", &reform, &options(4)).expect("runs");
        let x = &c.shift.flows[0];
        let ci = x.volume_change_ci95.expect("four replications");
        assert!(x.volume_change > 0.0 && ci > 0.0, "{x:?}");
        let a = &c.shift.appraisal;
        let ub = a.user_benefit_per_day_ci95.expect("four replications");
        assert!(a.user_benefit_per_day > 0.0 && ub > 0.0, "{a:?}");
        assert!(
            (a.user_benefit_per_year_ci95.expect("year") - 365.0 * ub).abs() <= 1e-9 * ub * 365.0
        );
    }

    #[test]
    fn the_intervals_are_the_same_whatever_the_thread_count() {
        let base = two_like_crossings();
        let mut reform = base.clone();
        reform.crossings[0].scenario = one_station("x", 2, 2.0, 10.0);
        let with = |threads| RunOptions {
            threads: Some(threads),
            ..options(3)
        };
        let one = compare_regions(&base, "r", &reform, &with(1)).expect("runs");
        let two = compare_regions(&base, "r", &reform, &with(2)).expect("runs");
        assert_eq!(one, two);
        // Every float to the last bit, not only equal as numbers.
        assert_eq!(format!("{one:?}"), format!("{two:?}"));
        assert!(one.shift.flows[0].share_change_ci95.expect("3") > 0.0);
    }
}

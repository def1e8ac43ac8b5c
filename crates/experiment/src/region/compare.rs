//! A baseline against a reform: both run on the same candidate vehicles, and the shift of
//! every flow and of trade between them.

use bordersim_trade::{Region, SIDES, TradeShift, diverted, shift};
use serde::Serialize;

use super::appraisal::{RegionAppraisal, appraise, with_appraisal_intervals};
use super::country_shift::{CountryShift, country_shift};
use super::driver::run_region_with_progress;
use super::intervals::{change_ci95, ci95_of, flow_index, table_ci95};
use super::report::{CrossingTradeReport, RegionOutcome, RegionReport, crossing_trade_rows};
use super::{RegionError, RegionModel};
use crate::{NoProgress, Progress, RunOptions};

/// The change of one crossing × direction × class from the baseline to the reform.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowShift {
    /// The crossing's id in the region.
    pub crossing: String,
    /// `<side>_to_<side>`.
    pub direction: String,
    /// The region's class id.
    pub class: String,
    /// Vehicles per day in the baseline (0 where the baseline has no such flow).
    pub volume_baseline: f64,
    /// Vehicles per day in the reform (0 where the reform has no such flow).
    pub volume_reform: f64,
    /// `volume_reform − volume_baseline`, vehicles per day.
    pub volume_change: f64,
    /// Half-width of the 95% interval of `volume_change`: the paired change of each
    /// replication's best response to its own border times (`docs/region.md`); `None`
    /// with fewer than two replications.
    pub volume_change_ci95: Option<f64>,
    /// Share of the direction and class's traffic in the baseline (0 to 1).
    pub share_baseline: f64,
    /// Share in the reform.
    pub share_reform: f64,
    /// `share_reform − share_baseline`.
    pub share_change: f64,
    /// Half-width of the 95% interval of `share_change`, as `volume_change_ci95`.
    pub share_change_ci95: Option<f64>,
    /// Mean arrival-to-exit time in the baseline, seconds (`None` without observations).
    pub border_mean_baseline_s: Option<f64>,
    /// Mean arrival-to-exit time in the reform, seconds.
    pub border_mean_reform_s: Option<f64>,
}

/// The change of one side's trade from the baseline to the reform, per day (in the unit of the demand's cargo value).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideShift {
    /// The side's id.
    pub side: String,
    /// Change of the side's exports per day.
    pub exports_change_per_day: f64,
    /// Change of the side's imports per day.
    pub imports_change_per_day: f64,
    /// Change of the side's balance (exports − imports) per day.
    pub balance_change_per_day: f64,
    /// Half-width of the 95% interval of `exports_change_per_day` (paired over the
    /// replications); `None` with fewer than two replications.
    pub exports_change_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `imports_change_per_day`.
    pub imports_change_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `balance_change_per_day`.
    pub balance_change_per_day_ci95: Option<f64>,
}

/// How the reform moves trade, per day (in the unit of the demand's cargo value).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeShiftReport {
    /// Net change of all trade per day (negative: destroyed).
    pub created_per_day: f64,
    /// Trade per day diverted: for each flow of the demand (origin, destination, class,
    /// commodity), the cargo value of its vehicles that moved from a crossing where it
    /// shrank to one where it grew (`bordersim_trade::diverted`); one flow's gain is never
    /// matched with another flow's loss.
    pub diverted_per_day: f64,
    /// Half-width of the 95% interval of `created_per_day`: the paired change of each
    /// replication's best response (`docs/region.md`); `None` with fewer than two
    /// replications.
    pub created_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `diverted_per_day`: the trade diverted between
    /// each replication's best responses of the two runs (paired by replication), Student-t
    /// over the replications; `None` with fewer than two.
    pub diverted_per_day_ci95: Option<f64>,
    /// Change of the value carried, per crossing × direction.
    pub by_crossing: Vec<CrossingTradeReport>,
    /// Change of each side's trade, in the region's order of sides.
    pub sides: Vec<SideShift>,
    /// Each country's exports, imports, balance and transit in both runs and their change
    /// (flows labelled by their origin's and destination's country, as the report's
    /// `trade.by_country`): a flow through a side whose country is neither its origin's nor
    /// its destination's is that country's transit, not its exports or imports — unlike
    /// `sides`, which books every flow as its sides' trade.
    pub by_country: Vec<CountryShift>,
}

/// Everything the reform moves: each flow and the trade.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionShift {
    /// One row per crossing × direction × class of either run: the baseline's flows in its
    /// order, then those only the reform has.
    pub flows: Vec<FlowShift>,
    /// The change of trade.
    pub trade: TradeShiftReport,
    /// What the reform is worth: users' benefit (logsum) and delay cost saved.
    pub appraisal: RegionAppraisal,
}

/// A baseline region against a reform, each at its equilibrium.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionComparison {
    /// The baseline at its equilibrium.
    pub baseline: RegionReport,
    /// The reform's name.
    pub reform_name: String,
    /// The reform at its equilibrium.
    pub reform: RegionReport,
    /// What moved from the baseline to the reform.
    pub shift: RegionShift,
}

/// Runs the baseline and the reform (same region, same seed and replications, so the same
/// candidate vehicles), and measures the shift.
///
/// # Errors
///
/// The first [`RegionError`] of either run (see [`super::run_region`]), baseline first.
pub fn compare_regions(
    baseline: &RegionModel,
    reform_name: &str,
    reform: &RegionModel,
    options: &RunOptions,
) -> Result<RegionComparison, RegionError> {
    compare_regions_with_progress(baseline, reform_name, reform, options, [&NoProgress; 2])
}

/// As [`compare_regions`], telling `progress[0]` of the baseline's replications and
/// iterations and `progress[1]` of the reform's, and stopping when either asks to (see
/// [`run_region_with_progress`]).
///
/// # Errors
///
/// As [`compare_regions`]; [`RegionError::Cancelled`] when cancelled.
pub fn compare_regions_with_progress(
    baseline: &RegionModel,
    reform_name: &str,
    reform: &RegionModel,
    options: &RunOptions,
    progress: [&dyn Progress; 2],
) -> Result<RegionComparison, RegionError> {
    let base = run_region_with_progress(baseline, options, progress[0])?;
    let new = run_region_with_progress(reform, options, progress[1])?;
    let mut shift = region_shift(&baseline.region, &base, &new);
    let paired: Vec<RegionAppraisal> = base
        .replicates
        .iter()
        .zip(&new.replicates)
        .map(|(b, r)| {
            appraise(
                baseline,
                (&b.assignment, &b.border, &b.costs),
                (&r.assignment, &r.border, &r.costs),
            )
        })
        .collect();
    shift.appraisal = with_appraisal_intervals(
        appraise(
            baseline,
            (&base.assignment, &base.border, &base.report.costs),
            (&new.assignment, &new.border, &new.report.costs),
        ),
        &paired,
    );
    Ok(RegionComparison {
        baseline: base.report,
        reform_name: reform_name.to_owned(),
        reform: new.report,
        shift,
    })
}

fn region_shift(region: &Region, base: &RegionOutcome, reform: &RegionOutcome) -> RegionShift {
    // A flow's change, replication by replication; a flow one run does not carry is 0
    // there in every replication, as it is in the point estimate.
    let (b, r) = (&base.replicates, &reform.replicates);
    let flow_ci = |crossing: &str, direction: &str, class: &str| {
        flow_index(region, crossing, direction, class).map_or((None, None), |(c, d, k)| {
            (
                change_ci95(b, r, |x| *x.volumes.get(c, d, k)),
                change_ci95(b, r, |x| *x.shares.get(c, d, k)),
            )
        })
    };
    let mut flows: Vec<FlowShift> = base
        .report
        .flows
        .iter()
        .map(|b| {
            let r = reform.report.flows.iter().find(|r| {
                r.crossing == b.crossing && r.direction == b.direction && r.class == b.class
            });
            let volume_reform = r.map_or(0.0, |r| r.volume_per_day);
            let share_reform = r.map_or(0.0, |r| r.share);
            let (volume_change_ci95, share_change_ci95) =
                flow_ci(&b.crossing, &b.direction, &b.class);
            FlowShift {
                volume_change_ci95,
                share_change_ci95,
                crossing: b.crossing.clone(),
                direction: b.direction.clone(),
                class: b.class.clone(),
                volume_baseline: b.volume_per_day,
                volume_reform,
                volume_change: volume_reform - b.volume_per_day,
                share_baseline: b.share,
                share_reform,
                share_change: share_reform - b.share,
                border_mean_baseline_s: b.border_time.mean_s,
                border_mean_reform_s: r.and_then(|r| r.border_time.mean_s),
            }
        })
        .collect();
    // Flows only the reform has (a crossing it opens to a class or direction) are listed
    // too, after the baseline's: what a reform creates is never left out.
    for r in &reform.report.flows {
        let in_baseline =
            base.report.flows.iter().any(|b| {
                b.crossing == r.crossing && b.direction == r.direction && b.class == r.class
            });
        if !in_baseline {
            let (volume_change_ci95, share_change_ci95) =
                flow_ci(&r.crossing, &r.direction, &r.class);
            flows.push(FlowShift {
                volume_change_ci95,
                share_change_ci95,
                crossing: r.crossing.clone(),
                direction: r.direction.clone(),
                class: r.class.clone(),
                volume_baseline: 0.0,
                volume_reform: r.volume_per_day,
                volume_change: r.volume_per_day,
                share_baseline: 0.0,
                share_reform: r.share,
                share_change: r.share,
                border_mean_baseline_s: None,
                border_mean_reform_s: r.border_time.mean_s,
            });
        }
    }
    let s: TradeShift = shift(&base.trade, &reform.trade);
    let paired: Vec<TradeShift> = b
        .iter()
        .zip(r)
        .map(|(b, r)| shift(&b.trade, &r.trade))
        .collect();
    // Diverted within each flow: one flow's gain is never another's loss.
    let paired_diverted: Vec<f64> = b
        .iter()
        .zip(r)
        .map(|(b, r)| diverted(region, &b.assignment, &r.assignment))
        .collect();
    let trade = TradeShiftReport {
        created_per_day: s.created,
        diverted_per_day: diverted(region, &base.assignment, &reform.assignment),
        created_per_day_ci95: ci95_of(&paired, |p| p.created),
        diverted_per_day_ci95: ci95_of(&paired_diverted, |d| *d),
        by_crossing: crossing_trade_rows(
            region,
            &s.by_crossing,
            &table_ci95(&paired, s.by_crossing.len(), |p, c, d| p.by_crossing[c][d]),
        ),
        sides: (0..SIDES)
            .map(|i| SideShift {
                side: region.sides[i].clone(),
                exports_change_per_day: s.exports_change[i],
                imports_change_per_day: s.imports_change[i],
                balance_change_per_day: s.balance_change[i],
                exports_change_per_day_ci95: ci95_of(&paired, |p| p.exports_change[i]),
                imports_change_per_day_ci95: ci95_of(&paired, |p| p.imports_change[i]),
                balance_change_per_day_ci95: ci95_of(&paired, |p| p.balance_change[i]),
            })
            .collect(),
        by_country: country_shift(
            &base.report.trade.by_country,
            &reform.report.trade.by_country,
            b,
            r,
        ),
    };
    RegionShift {
        flows,
        trade,
        appraisal: RegionAppraisal::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::run_region;
    use crate::test_support::{one_station, one_way_region, options};

    fn two_crossings() -> RegionModel {
        one_way_region(
            vec![
                one_station("x", 2, 4.0, 10.0),
                one_station("y", 2, 4.0, 10.0),
            ],
            600.0,
            0.0,
        )
    }

    #[test]
    fn a_reform_equal_to_the_baseline_shifts_nothing() {
        let model = two_crossings();
        let comparison = compare_regions(&model, "same", &model, &options(2)).expect("runs");
        assert_eq!(comparison.reform_name, "same");
        assert_eq!(comparison.baseline, comparison.reform);
        assert_eq!(comparison.shift.flows.len(), 2);
        for f in &comparison.shift.flows {
            assert_eq!((f.volume_change, f.share_change), (0.0, 0.0), "{f:?}");
            assert_eq!(f.border_mean_baseline_s, f.border_mean_reform_s);
        }
        let trade = &comparison.shift.trade;
        assert_eq!((trade.created_per_day, trade.diverted_per_day), (0.0, 0.0));
        assert!(trade.by_crossing.iter().all(|c| c.value_per_day == 0.0));
        assert!(trade.sides.iter().all(|s| s.balance_change_per_day == 0.0));
    }

    #[test]
    fn flows_only_the_reform_has_are_listed() {
        let model = two_crossings();
        let full = run_region(&model, &options(2)).expect("runs");
        let mut without_y = full.clone();
        without_y.report.flows.retain(|f| f.crossing != "y");
        let shift = region_shift(&model.region, &without_y, &full);
        assert_eq!(shift.flows.len(), 2);
        let y = &shift.flows[1];
        assert_eq!(y.crossing, "y");
        let reform_y = full
            .report
            .flows
            .iter()
            .find(|f| f.crossing == "y")
            .expect("a flow at y");
        assert_eq!(
            (y.volume_baseline, y.volume_reform, y.volume_change),
            (0.0, reform_y.volume_per_day, reform_y.volume_per_day)
        );
        assert!(y.volume_reform > 0.0, "{y:?}");
        assert_eq!((y.share_baseline, y.share_change), (0.0, reform_y.share));
        assert_eq!(y.border_mean_baseline_s, None);
        assert_eq!(y.border_mean_reform_s, reform_y.border_time.mean_s);
        // And the other way: a flow only the baseline has keeps its row, at 0 in the reform.
        let shift = region_shift(&model.region, &full, &without_y);
        assert_eq!(shift.flows.len(), 2);
        assert_eq!(shift.flows[1].volume_reform, 0.0);
    }

    #[test]
    fn closing_a_crossing_moves_its_traffic_to_the_other() {
        let baseline = two_crossings();
        let mut reform = baseline.clone();
        reform.crossings[1].closed = true;
        let comparison = compare_regions(&baseline, "close y", &reform, &options(2)).expect("runs");
        let flow = |id: &str| {
            comparison
                .shift
                .flows
                .iter()
                .find(|f| f.crossing == id)
                .expect("a flow")
                .clone()
        };
        let (x, y) = (flow("x"), flow("y"));
        assert_eq!(y.volume_reform, 0.0);
        assert_eq!(y.share_reform, 0.0);
        assert!(y.volume_baseline > 0.0);
        // Fixed demand: what y loses, x gains.
        assert!(
            (x.volume_change + y.volume_change).abs() < 1e-6,
            "{x:?} {y:?}"
        );
        assert!((x.volume_reform - 600.0).abs() < 1e-6, "{x:?}");
        // No trade is created or destroyed, only diverted.
        let trade = &comparison.shift.trade;
        assert!(trade.created_per_day.abs() < 1e-3, "{trade:?}");
        assert!(trade.diverted_per_day > 0.0, "{trade:?}");
    }
}

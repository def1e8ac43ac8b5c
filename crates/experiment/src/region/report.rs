//! The region's report at its equilibrium, and how it is built from the last iteration.

use bordersim_trade::accounting::{CountryTrade, SideTrade};
use bordersim_trade::{Assignment, Grid, HOURS, HourlyBorder, Region, SIDES, TradeAccount};
use serde::Serialize;

use super::RegionModel;
use super::appraisal::RegionCosts;
use super::feed::{Cell, Measured};
use super::intervals::{Replicate, ci95_of, table_ci95};
use crate::DelayStats;

/// One iteration of the equilibrium.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IterationRecord {
    /// The iteration's number, from 1.
    pub iteration: u32,
    /// `Σ |best response − current| / Σ current` over every flow at every crossing.
    pub gap: f64,
    /// Vehicles per day simulated in this iteration, all crossings.
    pub vehicles_per_day: f64,
}

/// One crossing × direction × class at the equilibrium.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowReport {
    /// The crossing's id in the region.
    pub crossing: String,
    /// `<side>_to_<side>`.
    pub direction: String,
    /// The crossing's own name for that direction (empty if it has none).
    pub crossing_direction: String,
    /// The region's class id.
    pub class: String,
    /// False when the crossing is closed to this direction and class (share 0).
    pub open: bool,
    /// Vehicles per day assigned to this crossing, direction and class.
    pub volume_per_day: f64,
    /// Half-width of the 95% interval of `volume_per_day` from the border times' sampling
    /// error (the replications' own best responses, see `docs/region.md`); `None` with
    /// fewer than two replications.
    pub volume_per_day_ci95: Option<f64>,
    /// Share of this direction and class's traffic, all crossings.
    pub share: f64,
    /// Half-width of the 95% interval of `share`, as `volume_per_day_ci95`.
    pub share_ci95: Option<f64>,
    /// Arrival to exit at the crossing, seconds (empty without observations).
    pub border_time: DelayStats,
    /// The border time the choice used, seconds, averaged over the day's vehicles (over
    /// the hours, if none came): see `hourly`.
    pub border_time_used_s: Option<f64>,
    /// Hour by hour of arrival: the vehicles assigned and the border time the choice used.
    pub hourly: Vec<HourlyFlow>,
}

/// One hour of a flow at a crossing: the choice is made hour by hour.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HourlyFlow {
    /// Hour of the day of arrival, 0 to 23.
    pub hour: u8,
    /// Vehicles arriving in this hour, per day.
    pub volume: f64,
    /// Vehicles of this hour observed leaving the crossing (all replications).
    pub observed: u64,
    /// The border time the choice used for this hour, seconds: the mean of the vehicles
    /// that arrived in this hour if at least
    /// [`MIN_HOURLY_OBSERVATIONS`](super::MIN_HOURLY_OBSERVATIONS) were observed,
    /// else the day's mean (or the time through the empty crossing) plus the wait until the
    /// entry opens if it is closed then.
    pub border_time_used_s: Option<f64>,
}

/// One side's trade at the equilibrium, per day (in the unit of the demand's cargo value).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideReport {
    /// The side's id.
    pub side: String,
    /// Cargo value per day of the flows leaving this side.
    pub exports_per_day: f64,
    /// Cargo value per day of the flows entering this side.
    pub imports_per_day: f64,
    /// Exports minus imports, per day.
    pub balance_per_day: f64,
    /// Exports the side would have if the border added no delay, minus its exports: what
    /// delay costs it through the demand response.
    pub exports_lost_to_delay_per_day: f64,
    /// Half-width of the 95% interval of `exports_per_day` (the replications' own best
    /// responses); `None` with fewer than two replications.
    pub exports_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `imports_per_day`.
    pub imports_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `balance_per_day`.
    pub balance_per_day_ci95: Option<f64>,
    /// Half-width of the 95% interval of `exports_lost_to_delay_per_day`.
    pub exports_lost_to_delay_per_day_ci95: Option<f64>,
}

/// Trade value through one crossing in one direction, per day (in the unit of the demand's cargo value) (or its change,
/// in a comparison).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossingTradeReport {
    /// The crossing's id in the region.
    pub crossing: String,
    /// `<side>_to_<side>`.
    pub direction: String,
    /// Cargo value per day.
    pub value_per_day: f64,
    /// Half-width of the 95% interval of `value_per_day` (of its change, paired, in a
    /// comparison); `None` with fewer than two replications.
    pub value_per_day_ci95: Option<f64>,
}

/// Trade value of one commodity group in one direction, per day (in the unit of the demand's cargo value).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommodityTradeReport {
    /// The commodity group (empty for flows without one).
    pub commodity: String,
    /// `<side>_to_<side>`.
    pub direction: String,
    /// Cargo value per day.
    pub value_per_day: f64,
    /// Half-width of the 95% interval of `value_per_day` (of its change, paired, in a
    /// comparison); `None` with fewer than two replications.
    pub value_per_day_ci95: Option<f64>,
}

/// The trade the equilibrium flows carry, per day (in the unit of the demand's cargo value).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeReport {
    /// One row per side, in the region's order of sides.
    pub sides: Vec<SideReport>,
    /// One row per crossing × direction, crossing-major.
    pub by_crossing: Vec<CrossingTradeReport>,
    /// One row per commodity × direction, sorted by commodity then direction.
    pub by_commodity: Vec<CommodityTradeReport>,
    /// All trade per day: the sum of every side's exports.
    pub total_per_day: f64,
    /// Half-width of the 95% interval of `total_per_day`; `None` with fewer than two
    /// replications.
    pub total_per_day_ci95: Option<f64>,
    /// Trade by country, flows labelled by their origin's and destination's country (a
    /// zone's `country`, else its side): the two sides first, then the zones' other
    /// countries. A flow through a side whose country is neither its origin's nor its
    /// destination's is that country's transit, not its exports or imports.
    pub by_country: Vec<CountryTrade>,
}

/// The region at its equilibrium (or where the iterations stopped).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionReport {
    /// The region's name.
    pub region: String,
    /// The master seed every crossing simulation ran with.
    pub seed: u64,
    /// Replications of every crossing simulation.
    pub replications: u32,
    /// Whether the gap fell below the tolerance.
    pub converged: bool,
    /// The gap the equilibrium had to fall below.
    pub tolerance: f64,
    /// The most iterations allowed.
    pub max_iterations: u32,
    /// Every iteration run, in order.
    pub iterations: Vec<IterationRecord>,
    /// The two sides' ids.
    pub sides: Vec<String>,
    /// The crossings' ids, in the region's order.
    pub crossings: Vec<String>,
    /// One row per crossing × direction × class a crossing may carry, crossing-major.
    pub flows: Vec<FlowReport>,
    /// The trade of the final flows.
    pub trade: TradeReport,
    /// The money cost of the final flows' time at the border.
    pub costs: RegionCosts,
    /// Crossing simulations run (each with every replication).
    pub simulations: u64,
    /// Simulation events processed, all iterations.
    pub events: u64,
    /// Why the crossings' runs at the last iteration cannot be trusted as steady-state
    /// values, per unstable crossing (`crossing `id`: why`, joined by `; `), by the
    /// definition of an unstable sweep point
    /// ([`unstable_in`](crate::sweep::metrics::unstable_in): a station or a lane group
    /// offered a load of 1 or more, a lane group busy 99% of its staffed time or more, or
    /// steady growth); left out when every crossing is stable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unstable: Option<String>,
}

/// The region's state at the end: the report and what it was computed from.
#[derive(Clone, Debug)]
pub struct RegionOutcome {
    /// The report.
    pub report: RegionReport,
    /// The final flows, hour by hour, of every flow at every crossing.
    pub assignment: Assignment,
    /// The trade those flows carry.
    pub trade: TradeAccount,
    /// The border minutes the last choice used, by crossing × direction × class and hour.
    pub border: HourlyBorder,
    /// Each replication's best response to its own border minutes, in replication order:
    /// the sampling error of every figure above (`docs/region.md`).
    pub(super) replicates: Vec<Replicate>,
}

/// Direction label: `<from>_to_<to>`, from the side `direction` (0 or 1) leaves.
///
/// # Panics
///
/// If `direction` is not 0 or 1.
pub fn direction_label(region: &Region, direction: usize) -> String {
    format!(
        "{}_to_{}",
        region.sides[direction],
        region.sides[1 - direction]
    )
}

pub(super) fn flow_reports(
    model: &RegionModel,
    cells: &Grid<Cell>,
    assignment: &Assignment,
    measured: &Measured,
    replicates: &[Replicate],
) -> Vec<FlowReport> {
    let region = &model.region;
    let volumes = assignment.by_crossing(region);
    let hourly_volumes = assignment.hourly_by_crossing(region);
    let shares = assignment.shares(region);
    let mut out = Vec::new();
    for ((c, d, k), cell) in cells.iter() {
        let rc = &model.crossings[c];
        // Crossings that never carry this class in this direction are left out.
        let (Some(direction), Some(_)) = (cell.direction, cell.class) else {
            continue;
        };
        out.push(FlowReport {
            crossing: rc.id.clone(),
            direction: direction_label(region, d),
            crossing_direction: rc
                .scenario
                .population()
                .directions
                .get(direction.index())
                .map(|x| x.id.clone())
                .unwrap_or_default(),
            class: region.classes[k].clone(),
            open: cell.open,
            volume_per_day: *volumes.get(c, d, k),
            volume_per_day_ci95: ci95_of(replicates, |r| *r.volumes.get(c, d, k)),
            share: *shares.get(c, d, k),
            share_ci95: ci95_of(replicates, |r| *r.shares.get(c, d, k)),
            border_time: measured.stats.get(c, d, k).clone(),
            border_time_used_s: day_mean_seconds(
                measured.used.get(c, d, k),
                hourly_volumes.get(c, d, k),
            ),
            hourly: (0..HOURS)
                .map(|h| HourlyFlow {
                    hour: h as u8,
                    volume: hourly_volumes.get(c, d, k)[h],
                    observed: measured.observed.get(c, d, k)[h],
                    border_time_used_s: measured.used.get(c, d, k)[h].map(|m| m * 60.0),
                })
                .collect(),
        });
    }
    out
}

/// The hourly border minutes averaged over the day's vehicles (over the hours if there are
/// none), in seconds; `None` when closed.
fn day_mean_seconds(minutes: &[Option<f64>; HOURS], volumes: &[f64; HOURS]) -> Option<f64> {
    let open: Vec<(f64, f64)> = minutes
        .iter()
        .zip(volumes)
        .filter_map(|(m, v)| m.map(|m| (m, *v)))
        .collect();
    if open.is_empty() {
        return None;
    }
    let total: f64 = open.iter().map(|(_, v)| v).sum();
    let mean = if total > 0.0 {
        open.iter().map(|(m, v)| m * v).sum::<f64>() / total
    } else {
        open.iter().map(|(m, _)| m).sum::<f64>() / open.len() as f64
    };
    Some(mean * 60.0)
}

/// One row per crossing × direction of a `[crossing][direction]` table of values per day.
/// `ci95` holds each entry's interval half-width.
pub(super) fn crossing_trade_rows(
    region: &Region,
    values: &[[f64; SIDES]],
    ci95: &[[Option<f64>; SIDES]],
) -> Vec<CrossingTradeReport> {
    values
        .iter()
        .zip(ci95)
        .enumerate()
        .flat_map(|(c, (per_direction, ci))| {
            per_direction
                .iter()
                .zip(ci)
                .enumerate()
                .map(move |(d, (v, ci))| CrossingTradeReport {
                    crossing: region.crossings[c].id.clone(),
                    direction: direction_label(region, d),
                    value_per_day: *v,
                    value_per_day_ci95: *ci,
                })
        })
        .collect()
}

pub(super) fn trade_report(
    region: &Region,
    trade: &TradeAccount,
    by_country: Vec<CountryTrade>,
    replicates: &[Replicate],
) -> TradeReport {
    // Every replication's account lists the same sides, crossings and commodities in the
    // same order (every flow is accounted, carrying traffic or not).
    let side = |i: usize, f: fn(&SideTrade) -> f64| ci95_of(replicates, |r| f(&r.trade.sides[i]));
    TradeReport {
        by_country,
        sides: trade
            .sides
            .iter()
            .enumerate()
            .map(|(i, s)| SideReport {
                side: s.side.clone(),
                exports_per_day: s.exports,
                imports_per_day: s.imports,
                balance_per_day: s.balance,
                exports_lost_to_delay_per_day: s.exports_lost_to_delay,
                exports_per_day_ci95: side(i, |t| t.exports),
                imports_per_day_ci95: side(i, |t| t.imports),
                balance_per_day_ci95: side(i, |t| t.balance),
                exports_lost_to_delay_per_day_ci95: side(i, |t| t.exports_lost_to_delay),
            })
            .collect(),
        by_crossing: crossing_trade_rows(
            region,
            &trade.by_crossing,
            &table_ci95(replicates, trade.by_crossing.len(), |r, c, d| {
                r.trade.by_crossing[c][d]
            }),
        ),
        by_commodity: trade
            .by_commodity
            .iter()
            .enumerate()
            .map(|(i, (name, d, v))| CommodityTradeReport {
                commodity: name.clone(),
                direction: direction_label(region, *d),
                value_per_day: *v,
                value_per_day_ci95: ci95_of(replicates, |r| r.trade.by_commodity[i].2),
            })
            .collect(),
        total_per_day: trade.total,
        total_per_day_ci95: ci95_of(replicates, |r| r.trade.total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{one_station, one_way_region};

    #[test]
    fn a_direction_is_named_by_the_side_it_leaves_and_the_side_it_enters() {
        let model = one_way_region(vec![one_station("x", 1, 1.0, 1.0)], 1.0, 0.0);
        assert_eq!(direction_label(&model.region, 0), "a_to_b");
        assert_eq!(direction_label(&model.region, 1), "b_to_a");
    }

    #[test]
    fn the_day_mean_weighs_each_hour_by_its_vehicles() {
        let mut minutes = [None; HOURS];
        let mut volumes = [0.0; HOURS];
        minutes[8] = Some(10.0);
        minutes[9] = Some(20.0);
        volumes[8] = 3.0;
        volumes[9] = 1.0;
        // Hour 10 is open but nobody comes; closed hours carry no weight.
        minutes[10] = Some(100.0);
        volumes[11] = 5.0;
        assert_eq!(day_mean_seconds(&minutes, &volumes), Some(12.5 * 60.0));
    }

    #[test]
    fn without_vehicles_the_day_mean_is_the_mean_of_the_open_hours() {
        let mut minutes = [None; HOURS];
        minutes[1] = Some(10.0);
        minutes[2] = Some(30.0);
        assert_eq!(day_mean_seconds(&minutes, &[0.0; HOURS]), Some(20.0 * 60.0));
        assert_eq!(day_mean_seconds(&[None; HOURS], &[1.0; HOURS]), None);
    }
}

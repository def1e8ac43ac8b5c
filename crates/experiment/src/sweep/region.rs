//! The measures of a region sweep's point: what a plan whose base is a region writes per
//! point (volume, share and border time per crossing × direction × class, trade by side),
//! each with its interval where the replications give one, and its change from the
//! baseline point.
//!
//! A region point is one equilibrium over all its replications (each iteration needs every
//! replication's border times), so a point is the unit of a region sweep and its measures
//! are stored whole: nothing of a region point is merged across units, and sharding cannot
//! change a value.

use serde::{Deserialize, Serialize};

use crate::region::RegionReport;

/// One measure of a region at its equilibrium.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionMeasure {
    /// What is measured: `flow:<crossing>:<direction>:<class>`, `side:<side>` or `region`.
    pub entity: String,
    /// The measure's name, e.g. `volume_per_day`, `border_time_mean_s`, `balance_per_day`.
    pub metric: String,
    /// Its value in [`RegionMeasure::unit`]; `None` when there is none (a flow no vehicle
    /// took has no border time).
    pub value: Option<f64>,
    /// Half-width of its 95% interval, as `bordersim region` reports it: for border times,
    /// the Student-t interval over the replications of the last iteration; for volumes,
    /// shares and trade, the interval from the border times' sampling error (each
    /// replication's best response to its own border times, `docs/region.md`). `None` with
    /// fewer than two replications, and for the 95th percentile and the gap.
    pub ci95: Option<f64>,
    /// The unit of the value: `vehicles/day`, `share`, `s` or `money/day` (the unit of the
    /// demand's cargo value).
    pub unit: String,
}

/// A measure with its change from the baseline point's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionMeasureChange {
    /// The measure at this point.
    #[serde(flatten)]
    pub measure: RegionMeasure,
    /// This point's value minus the baseline point's (0 at the baseline); `None` when
    /// either has no value.
    pub delta: Option<f64>,
}

/// Every measure of `report`, in a fixed order, each with the interval the region's report
/// gives it: per flow (the region's crossing × direction × class order) its volume per day,
/// share, and border time's mean and 95th percentile; per side its exports, imports and
/// balance per day; the region's total trade per day and the last iteration's gap.
pub fn region_measures(report: &RegionReport) -> Vec<RegionMeasure> {
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let measure =
        |entity: &str, metric: &str, value: Option<f64>, ci95: Option<f64>, unit| RegionMeasure {
            entity: entity.to_owned(),
            metric: metric.to_owned(),
            value: finite(value),
            ci95: finite(ci95),
            unit: String::from(unit),
        };
    let mut out = Vec::new();
    for f in &report.flows {
        let entity = format!("flow:{}:{}:{}", f.crossing, f.direction, f.class);
        out.push(measure(
            &entity,
            "volume_per_day",
            Some(f.volume_per_day),
            f.volume_per_day_ci95,
            "vehicles/day",
        ));
        out.push(measure(
            &entity,
            "share",
            Some(f.share),
            f.share_ci95,
            "share",
        ));
        out.push(measure(
            &entity,
            "border_time_mean_s",
            f.border_time.mean_s,
            f.border_time.ci95_s,
            "s",
        ));
        out.push(measure(
            &entity,
            "border_time_p95_s",
            f.border_time.p95_s,
            None,
            "s",
        ));
    }
    for s in &report.trade.sides {
        let entity = format!("side:{}", s.side);
        for (metric, v, ci) in [
            ("exports_per_day", s.exports_per_day, s.exports_per_day_ci95),
            ("imports_per_day", s.imports_per_day, s.imports_per_day_ci95),
            ("balance_per_day", s.balance_per_day, s.balance_per_day_ci95),
        ] {
            out.push(measure(&entity, metric, Some(v), ci, "money/day"));
        }
    }
    out.push(measure(
        "region",
        "trade_per_day",
        Some(report.trade.total_per_day),
        report.trade.total_per_day_ci95,
        "money/day",
    ));
    out.push(measure(
        "region",
        "gap",
        report.iterations.last().map(|i| i.gap),
        None,
        "share",
    ));
    out
}

/// `point`'s measures with their change from `baseline`'s (matched by entity and metric:
/// a flow a policy opens or closes is still listed at both).
pub fn region_changes(
    point: &[RegionMeasure],
    baseline: &[RegionMeasure],
) -> Vec<RegionMeasureChange> {
    point
        .iter()
        .map(|m| {
            let base = baseline
                .iter()
                .find(|b| b.entity == m.entity && b.metric == m.metric)
                .and_then(|b| b.value);
            RegionMeasureChange {
                measure: m.clone(),
                delta: m.value.zip(base).map(|(v, b)| v - b),
            }
        })
        .collect()
}

/// What the page of a region sweep draws: the plan's name, seed, replications, baseline
/// point and axes, and every point's axis values and measures with their changes.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionSweepView {
    /// The study's name (`[sweep] name`).
    pub sweep: String,
    /// The master seed.
    pub seed: u64,
    /// Replications of every point.
    pub replications: u32,
    /// The id of the point every change is from.
    pub baseline: String,
    /// The axes, in the plan's order.
    pub axes: Vec<super::SweepAxis>,
    /// The points, in canonical order.
    pub points: Vec<RegionSweepPointView>,
}

/// One point of a region sweep as its page draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionSweepPointView {
    /// The point's stable id (`p0003`).
    pub id: String,
    /// `(axis name, value as shown)`, in the plan's axis order.
    pub axes: Vec<(String, String)>,
    /// Its measures, in the order of [`region_measures`], with their changes from the
    /// baseline point's.
    pub measures: Vec<RegionMeasureChange>,
    /// Why the point is unstable (a crossing's replication stopped at the cap on vehicles
    /// in it: the point has no values), if it is.
    pub unstable: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(entity: &str, value: Option<f64>) -> RegionMeasure {
        RegionMeasure {
            entity: entity.into(),
            metric: "volume_per_day".into(),
            value,
            ci95: None,
            unit: "vehicles/day".into(),
        }
    }

    #[test]
    fn changes_are_matched_by_entity_and_metric() {
        let base = [m("flow:a", Some(10.0)), m("flow:b", Some(4.0))];
        let point = [
            m("flow:b", Some(6.5)),
            m("flow:a", Some(7.0)),
            m("flow:c", Some(1.0)),
        ];
        let deltas: Vec<Option<f64>> = region_changes(&point, &base)
            .iter()
            .map(|c| c.delta)
            .collect();
        assert_eq!(deltas, [Some(2.5), Some(-3.0), None]);
        let own: Vec<Option<f64>> = region_changes(&base, &base)
            .iter()
            .map(|c| c.delta)
            .collect();
        assert_eq!(own, [Some(0.0), Some(0.0)]);
    }
}

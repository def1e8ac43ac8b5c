//! The region reports as tidy CSV: `region,entity_type,entity,statistic,value` for an
//! equilibrium, `region,entity_type,entity,statistic,baseline,reform,change` for a
//! comparison; times in seconds, money per day, missing values as empty cells.

use anyhow::{Context, Result};
use bordersim_experiment::region::{RegionComparison, RegionReport};

/// A value as written in a cell: empty when missing or not finite.
fn opt(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(String::new, |x| x.to_string())
}

/// The equilibrium as tidy CSV.
pub(super) fn csv(r: &RegionReport) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["region", "entity_type", "entity", "statistic", "value"])?;
    let mut row = |entity_type: &str, entity: &str, statistic: &str, value: String| {
        w.write_record([r.region.as_str(), entity_type, entity, statistic, &value])
    };
    row(
        "equilibrium",
        "all",
        "converged",
        u8::from(r.converged).to_string(),
    )?;
    row(
        "equilibrium",
        "all",
        "iterations",
        r.iterations.len().to_string(),
    )?;
    row("equilibrium", "all", "tolerance", r.tolerance.to_string())?;
    row("equilibrium", "all", "seed", r.seed.to_string())?;
    row(
        "equilibrium",
        "all",
        "replications",
        r.replications.to_string(),
    )?;
    for i in &r.iterations {
        let entity = i.iteration.to_string();
        row("iteration", &entity, "gap", opt(Some(i.gap)))?;
        row(
            "iteration",
            &entity,
            "vehicles_per_day",
            i.vehicles_per_day.to_string(),
        )?;
    }
    for f in &r.flows {
        let entity = format!("{}|{}|{}", f.crossing, f.direction, f.class);
        row("flow", &entity, "open", u8::from(f.open).to_string())?;
        row(
            "flow",
            &entity,
            "volume_per_day",
            f.volume_per_day.to_string(),
        )?;
        row("flow", &entity, "share", f.share.to_string())?;
        row("flow", &entity, "border_mean_s", opt(f.border_time.mean_s))?;
        row("flow", &entity, "border_p95_s", opt(f.border_time.p95_s))?;
        row("flow", &entity, "border_ci95_s", opt(f.border_time.ci95_s))?;
        row(
            "flow",
            &entity,
            "border_count",
            f.border_time.count.to_string(),
        )?;
        row("flow", &entity, "border_used_s", opt(f.border_time_used_s))?;
        for h in &f.hourly {
            let entity = format!("{entity}|{:02}", h.hour);
            row("flow_hour", &entity, "volume", h.volume.to_string())?;
            row("flow_hour", &entity, "observed", h.observed.to_string())?;
            row(
                "flow_hour",
                &entity,
                "border_used_s",
                opt(h.border_time_used_s),
            )?;
        }
    }
    for s in &r.trade.sides {
        row(
            "side",
            &s.side,
            "exports_per_day",
            s.exports_per_day.to_string(),
        )?;
        row(
            "side",
            &s.side,
            "imports_per_day",
            s.imports_per_day.to_string(),
        )?;
        row(
            "side",
            &s.side,
            "balance_per_day",
            s.balance_per_day.to_string(),
        )?;
        row(
            "side",
            &s.side,
            "exports_lost_to_delay_per_day",
            s.exports_lost_to_delay_per_day.to_string(),
        )?;
    }
    for t in &r.trade.by_crossing {
        let entity = format!("{}|{}", t.crossing, t.direction);
        row(
            "crossing_trade",
            &entity,
            "value_per_day",
            t.value_per_day.to_string(),
        )?;
    }
    for t in &r.trade.by_commodity {
        let entity = format!("{}|{}", t.commodity, t.direction);
        row(
            "commodity_trade",
            &entity,
            "value_per_day",
            t.value_per_day.to_string(),
        )?;
    }
    for c in &r.trade.by_country {
        for (statistic, v) in [
            ("exports_per_day", c.exports),
            ("imports_per_day", c.imports),
            ("balance_per_day", c.balance),
            ("transit_per_day", c.transit),
        ] {
            row("country_trade", &c.country, statistic, v.to_string())?;
        }
    }
    row(
        "trade",
        "all",
        "total_per_day",
        r.trade.total_per_day.to_string(),
    )?;
    for k in &r.costs.by_crossing {
        let entity = format!("{}|{}", k.crossing, k.direction);
        for (statistic, v) in [
            (
                "border_vehicle_hours_per_day",
                k.border_vehicle_hours_per_day,
            ),
            ("resource_cost_per_day", k.resource_cost_per_day),
            ("cargo_time_cost_per_day", k.cargo_time_cost_per_day),
            ("annualisation_days", k.annualisation_days),
        ] {
            row("crossing_cost", &entity, statistic, v.to_string())?;
        }
    }
    let k = &r.costs;
    for (statistic, v) in [
        (
            "border_vehicle_hours_per_day",
            k.border_vehicle_hours_per_day,
        ),
        ("resource_cost_per_day", k.resource_cost_per_day),
        ("cargo_time_cost_per_day", k.cargo_time_cost_per_day),
        ("annualisation_days", k.annualisation_days),
        ("resource_cost_per_year", k.resource_cost_per_year),
        ("cargo_time_cost_per_year", k.cargo_time_cost_per_year),
    ] {
        row("cost", "all", statistic, v.to_string())?;
    }
    w.into_inner().context("cannot assemble the CSV")
}

/// The comparison of two equilibria as tidy CSV.
pub(super) fn comparison_csv(c: &RegionComparison) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "region",
        "entity_type",
        "entity",
        "statistic",
        "baseline",
        "reform",
        "change",
    ])?;
    let region = c.baseline.region.clone();
    let mut row =
        |entity_type: &str, entity: &str, statistic: &str, b: Option<f64>, r: Option<f64>| {
            let change = b.zip(r).map(|(b, r)| r - b);
            w.write_record([
                region.as_str(),
                entity_type,
                entity,
                statistic,
                &opt(b),
                &opt(r),
                &opt(change),
            ])
        };
    row(
        "equilibrium",
        "all",
        "converged",
        Some(f64::from(u8::from(c.baseline.converged))),
        Some(f64::from(u8::from(c.reform.converged))),
    )?;
    row(
        "equilibrium",
        "all",
        "iterations",
        Some(c.baseline.iterations.len() as f64),
        Some(c.reform.iterations.len() as f64),
    )?;
    for f in &c.shift.flows {
        let entity = format!("{}|{}|{}", f.crossing, f.direction, f.class);
        row(
            "flow",
            &entity,
            "volume_per_day",
            Some(f.volume_baseline),
            Some(f.volume_reform),
        )?;
        row(
            "flow",
            &entity,
            "share",
            Some(f.share_baseline),
            Some(f.share_reform),
        )?;
        row(
            "flow",
            &entity,
            "border_mean_s",
            f.border_mean_baseline_s,
            f.border_mean_reform_s,
        )?;
    }
    for (b, r) in c.baseline.trade.sides.iter().zip(&c.reform.trade.sides) {
        row(
            "side",
            &b.side,
            "exports_per_day",
            Some(b.exports_per_day),
            Some(r.exports_per_day),
        )?;
        row(
            "side",
            &b.side,
            "imports_per_day",
            Some(b.imports_per_day),
            Some(r.imports_per_day),
        )?;
        row(
            "side",
            &b.side,
            "balance_per_day",
            Some(b.balance_per_day),
            Some(r.balance_per_day),
        )?;
    }
    for (b, r) in c
        .baseline
        .trade
        .by_crossing
        .iter()
        .zip(&c.reform.trade.by_crossing)
    {
        let entity = format!("{}|{}", b.crossing, b.direction);
        row(
            "crossing_trade",
            &entity,
            "value_per_day",
            Some(b.value_per_day),
            Some(r.value_per_day),
        )?;
    }
    row(
        "cost",
        "all",
        "resource_cost_per_day",
        Some(c.baseline.costs.resource_cost_per_day),
        Some(c.reform.costs.resource_cost_per_day),
    )?;
    row(
        "cost",
        "all",
        "cargo_time_cost_per_day",
        Some(c.baseline.costs.cargo_time_cost_per_day),
        Some(c.reform.costs.cargo_time_cost_per_day),
    )?;
    let t = &c.shift.trade;
    w.write_record([
        region.as_str(),
        "trade",
        "all",
        "created_per_day",
        "",
        "",
        &t.created_per_day.to_string(),
    ])?;
    w.write_record([
        region.as_str(),
        "trade",
        "all",
        "diverted_per_day",
        "",
        "",
        &t.diverted_per_day.to_string(),
    ])?;
    let a = &c.shift.appraisal;
    for f in &a.by_flow {
        let entity = format!("{}|{}|{}|{}", f.origin, f.destination, f.class, f.commodity);
        w.write_record([
            region.as_str(),
            "flow_benefit",
            &entity,
            "user_benefit_per_day",
            "",
            "",
            &f.user_benefit_per_day.to_string(),
        ])?;
    }
    for (statistic, v) in [
        ("user_benefit_per_day", a.user_benefit_per_day),
        ("user_benefit_per_year", a.user_benefit_per_year),
        ("delay_cost_saved_per_day", a.delay_cost_saved_per_day),
        ("delay_cost_saved_per_year", a.delay_cost_saved_per_year),
        ("annualisation_days", a.annualisation_days),
    ] {
        w.write_record([
            region.as_str(),
            "appraisal",
            "all",
            statistic,
            "",
            "",
            &v.to_string(),
        ])?;
    }
    w.into_inner().context("cannot assemble the CSV")
}

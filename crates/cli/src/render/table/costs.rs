//! Costs kept apart (resource cost of time, cargo time cost, staff cost) and the emissions
//! of queueing, per day and per year; shown only when the scenario sets a rate.

use bordersim_experiment::Report;
use bordersim_experiment::costs::PerDay;

use super::super::columns::Table;
use super::super::numbers::{decimal, money};

fn with_ci(p: &PerDay, fmt: &dyn Fn(f64) -> String) -> String {
    match p.per_day_ci95 {
        Some(c) if c > 0.0 => format!("{} ±{}", fmt(p.per_day), fmt(c)),
        _ => fmt(p.per_day),
    }
}

/// Costs per entity per day (with 95% half-widths) and per year, then emissions per day;
/// `None` when the scenario sets no rate.
pub(super) fn costs_tables(report: &Report) -> Option<(Table, Table)> {
    if !report.costs.any_rate() {
        return None;
    }
    let m = |v: f64| money(v.max(0.0));
    let mut costs = Table::new(&[
        "entity",
        "time/day",
        "cargo/day",
        "staff/day",
        "total/day",
        "total/year",
    ]);
    for l in &report.costs.costs {
        if l.entity == "system" {
            costs.rule();
        }
        costs.row(vec![
            l.entity.clone(),
            with_ci(&l.resource_cost, &m),
            with_ci(&l.cargo_time_cost, &m),
            with_ci(&l.staff_cost, &m),
            with_ci(&l.total_cost, &m),
            m(l.total_cost.per_year),
        ]);
    }
    let mut emissions = Table::new(&[
        "entity",
        "CO2 kg/day",
        "NOx g/day",
        "PM2.5 g/day",
        "stops/day",
        "CO2 t/year",
    ]);
    let one = |v: f64| decimal(v.max(0.0), 1);
    for e in &report.costs.emissions {
        if e.entity == "system" {
            emissions.rule();
        }
        emissions.row(vec![
            e.entity.clone(),
            with_ci(&e.co2_kg, &one),
            with_ci(&e.nox_g, &one),
            with_ci(&e.pm25_g, &one),
            with_ci(&e.stops_in_queue, &one),
            one(e.co2_kg.per_year / 1000.0),
        ]);
    }
    Some((costs, emissions))
}

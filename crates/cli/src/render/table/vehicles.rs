//! Sections about the vehicles: time in system per class and per direction, and the cost
//! of delay (vehicle-hours waiting per day and their value).

use bordersim_experiment::{DelayStats, Report};

use super::super::columns::Table;
use super::super::numbers::{decimal, minutes, money, ratio, thousands};
use super::{DELAY_COLUMNS, delay_cells};

/// Time in system per class, then for all vehicles when there are several classes.
pub(super) fn class_table(report: &Report) -> Table {
    let any_balked = report.vehicles.balked > 0 || report.classes.iter().any(|c| c.balked > 0);
    let mut titles = vec!["class", "arrived", "exited"];
    if any_balked {
        titles.push("balked");
    }
    let first = titles.len();
    titles.extend(DELAY_COLUMNS);
    let mut table = Table::new(&titles);
    table.group(first, first + 6, "time in system, min");
    let row = |id: &str, arrived: u64, balked: u64, d: &DelayStats| {
        let mut row = vec![id.to_owned(), thousands(arrived), thousands(d.count)];
        if any_balked {
            row.push(thousands(balked));
        }
        row.extend(delay_cells(d));
        row
    };
    for class in &report.classes {
        table.row(row(
            &class.id,
            class.arrived,
            class.balked,
            &class.time_in_system,
        ));
    }
    // With one class, the total would repeat its row.
    if report.classes.len() > 1 {
        table.rule();
        table.row(row(
            "all vehicles",
            report.vehicles.arrived,
            report.vehicles.balked,
            &report.system.time_in_system,
        ));
    }
    table
}

/// Time in system and arrival to release per direction, then for all directions.
pub(super) fn direction_table(report: &Report) -> Table {
    let mut table = Table::new(&[
        "direction",
        "arrived",
        "released",
        "exited",
        "mean",
        "±95%",
        "p95",
        "mean",
        "±95%",
        "p95",
        "buffer",
        "index",
    ]);
    table.group(4, 6, "in system");
    table.group(7, 11, "arrival to release");
    let row = |id: &str, arrived: u64, exited: u64, system: &DelayStats, release: &DelayStats| {
        vec![
            id.to_owned(),
            thousands(arrived),
            thousands(release.count),
            thousands(exited),
            minutes(system.mean_s),
            minutes(system.ci95_s),
            minutes(system.p95_s),
            minutes(release.mean_s),
            minutes(release.ci95_s),
            minutes(release.p95_s),
            minutes(release.buffer_time_s),
            ratio(release.buffer_index),
        ]
    };
    for d in &report.directions {
        table.row(row(
            &d.id,
            d.arrived,
            d.departed,
            &d.time_in_system,
            &d.release,
        ));
    }
    if report.directions.len() != 1 {
        table.rule();
        table.row(row(
            "all directions",
            report.vehicles.arrived,
            report.vehicles.departed,
            &report.system.time_in_system,
            &report.system.release,
        ));
    }
    table
}

/// Vehicle-hours of delay per day per class and their value (money per hour, day, year).
pub(super) fn economics_table(report: &Report) -> Table {
    let mut table = Table::new(&[
        "class",
        "value/h",
        "veh-h/day",
        "±95%",
        "value/day",
        "±95%",
        "value/year",
    ]);
    // A cost is never negative; a rounding error must not print `-0`.
    let money = |v: f64| money(v.max(0.0));
    for e in &report.economics {
        if e.id == "all" {
            table.rule();
        }
        table.row(vec![
            if e.id == "all" {
                "all classes".to_owned()
            } else {
                e.id.clone()
            },
            e.value_of_time_per_h
                .map_or_else(String::new, |v| decimal(v, 2)),
            decimal(e.delay_vehicle_hours_per_day, 1),
            e.delay_vehicle_hours_per_day_ci95
                .map_or_else(|| "-".to_owned(), |c| decimal(c, 1)),
            money(e.value_per_day),
            e.value_per_day_ci95.map_or_else(|| "-".to_owned(), &money),
            money(e.value_per_year),
        ]);
    }
    table
}

//! The cost of delay: vehicle-hours waiting per day, per class, and their value.

use bordersim_experiment::Report;

use crate::format::{number, opt};
use crate::html::{Page, Table};
use crate::svg::{CategoryChart, Style, Value};

pub(super) fn economics(page: &mut Page, report: &Report) {
    page.section("economics", "Cost of delay");
    let reps = report.replications;
    let days = number(report.costs.annualisation_days, 2);
    let rows: Vec<(String, Vec<Option<Value>>)> = report
        .economics
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                vec![Some(Value::with_ci(
                    e.delay_vehicle_hours_per_day,
                    e.delay_vehicle_hours_per_day_ci95,
                ))],
            )
        })
        .collect();
    let chart = CategoryChart {
        title: "Vehicle-hours of delay per day".into(),
        x_title: "vehicle-hours waiting per day (vehicle-h/day)".into(),
        rows,
        style: Style::Grouped,
        non_negative: true,
        ..CategoryChart::default()
    };
    let mut data = Table::new(
        &[
            "class",
            "value of time per hour",
            "vehicle-hours per day",
            "±95%",
            "value per day",
            "±95%",
            "value per year",
        ],
        1,
    );
    for e in &report.economics {
        data.row(vec![
            e.id.clone(),
            opt(e.value_of_time_per_h, 2),
            number(e.delay_vehicle_hours_per_day, 1),
            opt(e.delay_vehicle_hours_per_day_ci95, 1),
            number(e.value_per_day, 0),
            opt(e.value_per_day_ci95, 0),
            number(e.value_per_year, 0),
        ]);
    }
    // The section heading holds the id `economics`; ids are unique on a page.
    page.figure(
        "economics-delay",
        &chart.render(),
        &format!(
            "Vehicle-hours spent waiting (in queues and upstream of full ones) per day of the \
             observation window, per class and in all: mean over {reps} replications with its \
             95% interval; the table values them at each class's value of time (money in the \
             unit of the scenario's values of time, a year = {days} days: the day-of-week \
             annualisation of the scenario's demand, docs/economics.md). A row \
             waiting_area:<booking> is the time booked vehicles spend in that waiting area, \
             off the road, at the booking's value of time (not in all)."
        ),
        &data,
    );
}

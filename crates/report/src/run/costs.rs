//! The run page's costs kept apart (resource cost of time, cargo time cost, staff cost), the
//! emissions of queueing and what inspections find: the run's `costs` block, per day with
//! the half-width of its 95% interval and per year, in the units of the run's table and
//! JSON. Costs and emissions only when the scenario sets some rate (otherwise every figure
//! is 0), detections only when something was inspected.

use bordersim_experiment::Report;
use bordersim_experiment::costs::PerDay;

use crate::format::{number, opt, percent};
use crate::html::{Page, Table};

/// The per-day mean and its half-width, in two cells, with `decimals`.
fn cells(p: &PerDay, decimals: usize) -> [String; 2] {
    [number(p.per_day, decimals), opt(p.per_day_ci95, decimals)]
}

/// The sections "Costs of delay and staff", "Emissions of queueing" and "Detections".
pub(super) fn write(page: &mut Page, report: &Report) {
    let c = &report.costs;
    let reps = report.replications;
    let days = number(c.annualisation_days, 2);
    if c.any_rate() {
        page.section("costs", "Costs of delay and staff");
        let mut t = Table::new(
            &[
                "entity",
                "queue vehicle-h/day",
                "±95%",
                "waiting-area vehicle-h/day",
                "±95%",
                "resource cost/day",
                "±95%",
                "cargo time cost/day",
                "±95%",
                "lane-h/day",
                "staff cost/day",
                "±95%",
                "total cost/day",
                "±95%",
                "total cost/year",
            ],
            1,
        );
        for l in &c.costs {
            let mut row = vec![l.entity.clone()];
            row.extend(cells(&l.queue_vehicle_hours, 1));
            row.extend(cells(&l.waiting_area_vehicle_hours, 1));
            row.extend(cells(&l.resource_cost, 0));
            row.extend(cells(&l.cargo_time_cost, 0));
            row.push(number(l.lane_hours.per_day, 1));
            row.extend(cells(&l.staff_cost, 0));
            row.extend(cells(&l.total_cost, 0));
            row.push(number(l.total_cost.per_year, 0));
            t.row(row);
        }
        page.table(&t);
        page.note(&format!(
            "Per day of the observation window: mean over {reps} replications with the \
             half-width of its 95% interval; a year = {days} days (the day-of-week \
             annualisation of the scenario's demand, docs/economics.md). Money in the unit \
             of the scenario's cost rates. Resource cost (driver and vehicle) and cargo \
             time cost price the time in queue and in a booking system's waiting area; staff \
             cost prices the staffed lane-hours."
        ));
        page.section("emissions", "Emissions of queueing");
        let mut t = Table::new(
            &[
                "entity",
                "CO2 kg/day",
                "±95%",
                "NOx g/day",
                "±95%",
                "PM2.5 g/day",
                "±95%",
                "stops/day",
                "±95%",
                "CO2 t/year",
            ],
            1,
        );
        for e in &c.emissions {
            let mut row = vec![e.entity.clone()];
            row.extend(cells(&e.co2_kg, 1));
            row.extend(cells(&e.nox_g, 1));
            row.extend(cells(&e.pm25_g, 2));
            row.extend(cells(&e.stops_in_queue, 1));
            row.push(number(e.co2_kg.per_year / 1000.0, 1));
            t.row(row);
        }
        page.table(&t);
        page.note(&format!(
            "Exhaust of vehicles idling in queue and of their stop-and-go cycles there, per \
             day (mean over {reps} replications, 95% interval) and CO2 per year ({days} days). \
             Vehicles in a booking system's waiting area are taken as parked with the engine \
             off: they emit nothing there."
        ));
    }
    let d = &c.detections;
    if d.inspections_per_day > 0.0 {
        page.section("detections", "Detections");
        let mut t = Table::new(
            &[
                "channel",
                "selection",
                "probability of finding",
                "inspections/day",
                "±95%",
                "detections/day",
                "±95%",
            ],
            2,
        );
        for k in &d.by_kind {
            t.row(vec![
                k.channel.clone(),
                k.selection.clone(),
                percent(k.probability_of_finding),
                number(k.inspections_per_day, 1),
                opt(k.inspections_per_day_ci95, 1),
                number(k.detections.per_day, 2),
                opt(k.detections.per_day_ci95, 2),
            ]);
        }
        t.row(vec![
            "all".into(),
            String::new(),
            percent(d.detection_rate),
            number(d.inspections_per_day, 1),
            opt(d.inspections_per_day_ci95, 1),
            number(d.detections.per_day, 2),
            opt(d.detections.per_day_ci95, 2),
        ]);
        page.table(&t);
        page.note(&format!(
            "Expected irregularities found per day by each kind of inspection (mean over \
             {reps} replications; the interval includes the binomial chance of the \
             inspections' outcomes); the all row's probability is the detection rate \
             (detections per inspection). {} detections a year ({days} days). The \
             probabilities of finding are illustrative unless the scenario sets them \
             (docs/economics.md).",
            number(d.detections_per_year, 0)
        ));
    }
}

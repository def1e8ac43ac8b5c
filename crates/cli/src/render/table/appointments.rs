//! Booked arrival slots: per booking system, the vehicles that booked or could not, the
//! time in the waiting area (apart from the road queue and the border wait of the station
//! tables), the vehicles waiting there and on the road, and the value of the waiting-area
//! time; shown only when the scenario has a booking system.

use bordersim_experiment::Report;

use super::super::columns::Table;
use super::super::numbers::{minutes, money, thousands, with_ci};

/// One row per booking system; `None` without any.
pub(super) fn appointments_table(report: &Report) -> Option<Table> {
    if report.appointments.is_empty() {
        return None;
    }
    let mut table = Table::new(&[
        "booking",
        "station/class",
        "share",
        "booked",
        "area full",
        "no slot",
        "area mean",
        "area p95",
        "in area",
        "max",
        "road queue",
        "area veh-h/day",
        "value/day",
    ]);
    for a in &report.appointments {
        table.row(vec![
            a.id.clone(),
            format!("{}/{}", a.station, a.class),
            format!("{:.2}", a.share),
            thousands(a.booked),
            thousands(a.area_full),
            thousands(a.no_slot),
            minutes(a.waiting_area.mean_s),
            minutes(a.waiting_area.p95_s),
            with_ci(a.in_area_mean, a.in_area_ci95, 1),
            thousands(a.in_area_max),
            with_ci(a.road_queue_mean, a.road_queue_ci95, 1),
            with_ci(
                a.area_vehicle_hours_per_day,
                a.area_vehicle_hours_per_day_ci95,
                1,
            ),
            money(a.area_value_per_day),
        ]);
    }
    Some(table)
}

//! The run page's section on booked arrival slots: per booking system, the vehicles that
//! booked or could not, the time in the waiting area (apart from the road queue and the
//! border wait of the station tables), the vehicles waiting there and on the road, and the
//! value of the waiting-area time; only when the scenario has a booking system.

use bordersim_experiment::Report;

use crate::format::{count, minutes, number, opt};
use crate::html::{Page, Table};

/// The "Booked arrival slots" section, when the scenario has booking systems.
pub(super) fn write(page: &mut Page, report: &Report) {
    if report.appointments.is_empty() {
        return;
    }
    page.section(
        "appointments",
        "Booked arrival slots: waiting area and road queue",
    );
    let mut t = Table::new(
        &[
            "booking",
            "station",
            "class",
            "share",
            "booked",
            "area full",
            "no slot",
            "waiting area mean (min)",
            "±95%",
            "waiting area p95 (min)",
            "in area (vehicles)",
            "road queue (vehicles)",
            "±95%",
            "area vehicle-h per day",
            "value per day",
            "±95%",
        ],
        3,
    );
    for a in &report.appointments {
        t.row(vec![
            a.id.clone(),
            a.station.clone(),
            a.class.clone(),
            number(a.share, 2),
            count(a.booked),
            count(a.area_full),
            count(a.no_slot),
            minutes(a.waiting_area.mean_s),
            minutes(a.waiting_area.ci95_s),
            minutes(a.waiting_area.p95_s),
            number(a.in_area_mean, 1),
            number(a.road_queue_mean, 1),
            opt(a.road_queue_ci95, 1),
            number(a.area_vehicle_hours_per_day, 1),
            number(a.area_value_per_day, 0),
            opt(a.area_value_per_day_ci95, 0),
        ]);
    }
    page.table(&t);
    page.note(
        "Booked vehicles wait in the waiting area, off the road, until called forward for \
         their slot: that time is apart from the road queue (vehicles in the station's queue \
         and upstream of it, time-weighted mean) and from the border wait in the station \
         table. Counts are totals over all replications; area full and no slot are vehicles \
         of the booking share that could not book (they queued on the road, or left, as the \
         booking system says). The value is at the booking's value of time.",
    );
}

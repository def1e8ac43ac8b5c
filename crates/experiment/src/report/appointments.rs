//! Booked arrival slots in the report: per booking system, the time in the waiting area
//! (apart from the queue on the road and the border wait, which the stations report), the
//! vehicles waiting there, the road queue at the station, and the value of the
//! waiting-area time (docs/planning.md, "Booked arrival slots").
//!
//! Every aggregate goes through `sweep/summary.rs`, asked for per booking system of the
//! scenario (never per entry of a replication's statistics, which a summary's stand-in
//! leaves empty): what is asked depends on the scenario alone.

use bordersim_model::appointments::AppointmentStats;
use bordersim_model::{ReplicationStats, Scenario};
use bordersim_stats::Tally;
use serde::Serialize;

use super::DelayStats;
use super::costs::annualisation_days;
use super::summarise::mean_ci;
use crate::sweep::summary::{largest, total};

/// One booking system over the replications.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppointmentReport {
    /// The booking system's id.
    pub id: String,
    /// The station its slots are for.
    pub station: String,
    /// The class that books.
    pub class: String,
    /// Share of the class's vehicles that book.
    pub share: f64,
    /// Vehicles that booked a slot, over all replications' windows.
    pub booked: u64,
    /// Vehicles of the booking share that found the waiting area full (they queued on the
    /// road, or balked, as the system says).
    pub area_full: u64,
    /// Vehicles of the booking share that found no slot with room within the booking
    /// horizon (they queued on the road).
    pub no_slot: u64,
    /// Time in the waiting area of the vehicles called forward, seconds (0 for a vehicle
    /// whose slot had begun).
    pub waiting_area: DelayStats,
    /// Vehicles in the waiting area, time-weighted mean over the window (mean over
    /// replications).
    pub in_area_mean: f64,
    /// Half-width of its 95% interval.
    pub in_area_ci95: Option<f64>,
    /// Most vehicles in the waiting area at once.
    pub in_area_max: u64,
    /// Vehicles queued at the station — in its queue and on the road upstream of a full
    /// one — time-weighted mean over the window (mean over replications).
    pub road_queue_mean: f64,
    /// Half-width of its 95% interval.
    pub road_queue_ci95: Option<f64>,
    /// Value of an hour in the waiting area, money per vehicle-hour (the system's own, or
    /// the class's value of time).
    pub value_of_time_per_h: f64,
    /// Vehicle-hours in the waiting area per day.
    pub area_vehicle_hours_per_day: f64,
    /// Half-width of its 95% interval.
    pub area_vehicle_hours_per_day_ci95: Option<f64>,
    /// Their value per day.
    pub area_value_per_day: f64,
    /// Half-width of its 95% interval.
    pub area_value_per_day_ci95: Option<f64>,
    /// Their value per year (the day-of-week annualisation of the costs).
    pub area_value_per_year: f64,
}

/// The report of every booking system of `scenario` (empty without any).
pub(crate) fn appointments(
    scenario: &Scenario,
    reps: &[ReplicationStats],
) -> Vec<AppointmentReport> {
    let population = scenario.population();
    let empty = AppointmentStats::default();
    let year = annualisation_days(scenario);
    scenario
        .crossing
        .appointments()
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let of = |r: &'_ ReplicationStats| -> AppointmentStats {
                r.appointments
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| empty.clone())
            };
            let s = a.station.index();
            let waits: Vec<Tally> = reps.iter().map(|r| of(r).wait).collect();
            let in_area: Vec<f64> = reps
                .iter()
                .map(|r| of(r).in_area.mean_until(r.window_end_ms))
                .collect();
            let road: Vec<f64> = reps
                .iter()
                .map(|r| {
                    let st = &r.stations[s];
                    st.queue_length.mean_until(r.window_end_ms)
                        + st.outside_vehicles.mean_until(r.window_end_ms)
                })
                .collect();
            let vot = value_of_time(scenario, i);
            let hours: Vec<f64> = reps.iter().map(|r| area_hours_per_day(r, i)).collect();
            let values: Vec<f64> = hours.iter().map(|h| h * vot).collect();
            let (in_area_mean, in_area_ci95) = mean_ci(&in_area);
            let (road_queue_mean, road_queue_ci95) = mean_ci(&road);
            let (h, h_ci) = mean_ci(&hours);
            let (v, v_ci) = mean_ci(&values);
            AppointmentReport {
                id: a.id.clone(),
                station: scenario.crossing.station(a.station).id.clone(),
                class: population.classes[a.class.index()].id.clone(),
                share: a.share,
                booked: total(reps.iter().map(|r| of(r).booked)),
                area_full: total(reps.iter().map(|r| of(r).area_full)),
                no_slot: total(reps.iter().map(|r| of(r).no_slot)),
                waiting_area: DelayStats::from_tallies(&waits),
                in_area_mean,
                in_area_ci95,
                in_area_max: largest(reps.iter().map(|r| of(r).in_area.max())),
                road_queue_mean,
                road_queue_ci95,
                value_of_time_per_h: vot,
                area_vehicle_hours_per_day: h,
                area_vehicle_hours_per_day_ci95: h_ci,
                area_value_per_day: v,
                area_value_per_day_ci95: v_ci,
                area_value_per_year: v * year,
            }
        })
        .collect()
}

/// Vehicle-hours per day of the window in the waiting area of booking system `i`, in one
/// replication (0 for a stand-in, which holds no booking statistics).
pub(crate) fn area_hours_per_day(rep: &ReplicationStats, i: usize) -> f64 {
    let days = rep.window_days();
    match rep.appointments.get(i) {
        Some(a) if days > 0.0 => a.wait.sum_ms() as f64 / 3_600_000.0 / days,
        _ => 0.0,
    }
}

/// The value of an hour in booking system `i`'s waiting area, money per vehicle-hour: the
/// system's own, else its class's value of time.
pub(crate) fn value_of_time(scenario: &Scenario, i: usize) -> f64 {
    let a = &scenario.crossing.appointments()[i];
    a.value_of_time_per_hour
        .unwrap_or(scenario.population().classes[a.class.index()].value_of_time_per_h)
}

/// The headline measures of booking system by booking system in one replication, for
/// `compare` (entity `appointment:<id>`): the mean time in the waiting area (s), the road
/// queue at its station (vehicles, time-weighted), the vehicles that booked and that could
/// not (area full or no slot) per day, and the waiting-area vehicle-hours per day and their
/// value.
pub(crate) fn appointment_measures(
    scenario: &Scenario,
    rep: &ReplicationStats,
) -> Vec<(&'static str, String, Option<f64>)> {
    let mut out = Vec::new();
    let days = rep.window_days();
    let per_day = |n: u64| (days > 0.0).then(|| n as f64 / days);
    let empty = AppointmentStats::default();
    for (i, a) in scenario.crossing.appointments().iter().enumerate() {
        let s = rep.appointments.get(i).unwrap_or(&empty);
        let entity = format!("appointment:{}", a.id);
        let st = &rep.stations[a.station.index()];
        let end = rep.window_end_ms;
        let road = st.queue_length.mean_until(end) + st.outside_vehicles.mean_until(end);
        let hours = area_hours_per_day(rep, i);
        out.push((
            "waiting_area_mean_s",
            entity.clone(),
            s.wait.mean_ms().map(|ms| ms / 1000.0),
        ));
        out.push(("road_queue_mean", entity.clone(), Some(road)));
        out.push(("booked_per_day", entity.clone(), per_day(s.booked)));
        out.push((
            "not_booked_per_day",
            entity.clone(),
            per_day(s.area_full + s.no_slot),
        ));
        out.push((
            "waiting_area_vehicle_hours_per_day",
            entity.clone(),
            Some(hours),
        ));
        out.push((
            "waiting_area_value_per_day",
            entity,
            Some(hours * value_of_time(scenario, i)),
        ));
    }
    out
}

/// The note of a booking system's measures in a run that has no such system.
pub(crate) const ABSENT_NOTE: &str =
    "no such booking system here: nobody booked, 0 vehicles in its waiting area";

/// [`appointment_measures`] of the booking systems of `others` (by id) that `scenario` has
/// not: nobody books, so its waiting area holds 0 vehicles and 0 vehicle-hours, worth 0,
/// and the mean time there is 0; the road queue is that of the station of the same id here
/// (`None` when there is none). Each value carries [`ABSENT_NOTE`]. So a comparison of a
/// run with booking against one without differences each figure against 0, replication by
/// replication, in either direction.
pub(crate) fn absent_appointment_measures(
    scenario: &Scenario,
    rep: &ReplicationStats,
    others: &[&Scenario],
) -> Vec<(&'static str, String, Option<f64>)> {
    let own = scenario.crossing.appointments();
    let stations = scenario.crossing.stations();
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for other in others {
        for a in other.crossing.appointments() {
            if own.iter().any(|o| o.id == a.id) || seen.contains(&a.id.as_str()) {
                continue;
            }
            seen.push(&a.id);
            let station = &other.crossing.station(a.station).id;
            let end = rep.window_end_ms;
            let road = stations
                .iter()
                .position(|s| &s.id == station)
                .and_then(|s| rep.stations.get(s))
                .map(|st| st.queue_length.mean_until(end) + st.outside_vehicles.mean_until(end));
            let entity = format!("appointment:{}", a.id);
            for (metric, value) in [
                ("waiting_area_mean_s", Some(0.0)),
                ("road_queue_mean", road),
                ("booked_per_day", Some(0.0)),
                ("not_booked_per_day", Some(0.0)),
                ("waiting_area_vehicle_hours_per_day", Some(0.0)),
                ("waiting_area_value_per_day", Some(0.0)),
            ] {
                out.push((metric, entity.clone(), value));
            }
        }
    }
    out
}

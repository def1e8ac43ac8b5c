//! Emissions of the stop-and-go cycles of a queue, beside those of idling in it.
//!
//! A vehicle in a queue idles (counted per vehicle-hour by the class's idle profile) and
//! moves up: it stops when it joins the queue, and each time a lane ahead takes a vehicle
//! from the line it pulls forward and stops again. Each such cycle burns more than idling
//! for its few seconds (FHWA's ports-of-entry work finds queueing and creeping a large
//! share of a crossing's NOx).
//!
//! **Stops.** A vehicle that waited (wait > 0) stops once on joining, and once more each
//! time the line it stands in moves up. Each open lane is taken to keep its own line, as at a
//! plaza of booths: a line moves up at each service start of its lane, so a vehicle's
//! expected moves are its wait × the station's service starts per hour per open lane, and a
//! class's stops at a station per window are
//! `waited + queue_hours × served / window_hours / mean open lanes`. A single-file approach
//! road feeding several lanes moves up at every start of every lane: there the count is a
//! lower bound (by up to the number of lanes).
//!
//! **Grams per stop.** One stop-and-go cycle emits what the class emits in
//! [`STOP_IDLE_EQUIVALENT_S`] seconds at idle, per pollutant: the class's idle rates (and
//! any overrides of them) carry over, and a class that emits nothing idling emits nothing
//! moving up. These equivalents are **illustrative**: no published per-stop rate for creep
//! in a border queue was found (MOVES models creep through its low-speed operating modes,
//! not per stop); they put one cycle of a loaded truck moving one length at about 80 g of
//! CO2 (≈ 30 ml of diesel), and NOx and particles at a minute of idling, as the load of
//! pulling away raises them more than fuel.

use bordersim_model::{StationStats, VehicleClass};
use bordersim_stats::Tally;

use super::Amounts;

/// Seconds of idling one stop-and-go cycle in queue is worth, per pollutant: CO2, NOx,
/// PM2.5 (illustrative, see the module documentation).
pub const STOP_IDLE_EQUIVALENT_S: [f64; 3] = [35.0, 60.0, 60.0];

/// Service starts per hour per open lane at a station over the window: its vehicles
/// served per hour over its mean open lanes (0 for an empty window or no lane open).
pub fn starts_per_lane_hour(stats: &StationStats, window_hours: f64, window_end_ms: u64) -> f64 {
    let lanes = stats.open_servers.mean_until(window_end_ms);
    if window_hours > 0.0 && lanes > 0.0 {
        stats.served as f64 / window_hours / lanes
    } else {
        0.0
    }
}

/// Stop-and-go cycles of the waits `waits` (one tally of a class's waits at a station) at a
/// station starting `starts_per_hour` services an hour per open lane (see
/// [`starts_per_lane_hour`]): one on joining per vehicle that waited, plus its wait × the
/// starts per hour.
pub fn stops(waits: &Tally, starts_per_hour: f64) -> f64 {
    if waits.count() == 0 {
        return 0.0;
    }
    let waited = waits.count() - waits.histogram().count_at(0).min(waits.count());
    let hours = waits.sum_ms() as f64 / 3_600_000.0;
    waited as f64 + hours * starts_per_hour
}

/// Grams of each pollutant one stop-and-go cycle of a vehicle of a class emits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PerStop {
    /// CO2, g per stop.
    pub co2_g: f64,
    /// NOx, g per stop.
    pub nox_g: f64,
    /// PM2.5, g per stop.
    pub pm25_g: f64,
}

/// What one stop-and-go cycle of `class` emits: its idle rates × [`STOP_IDLE_EQUIVALENT_S`].
pub fn per_stop(class: &VehicleClass) -> PerStop {
    let e = class.idle_emissions;
    let [co2, nox, pm] = STOP_IDLE_EQUIVALENT_S;
    PerStop {
        co2_g: e.co2_g_per_h * co2 / 3600.0,
        nox_g: e.nox_g_per_h * nox / 3600.0,
        pm25_g: e.pm25_g_per_h * pm / 3600.0,
    }
}

/// The emissions of `stops` stop-and-go cycles per day of vehicles of `class`.
pub fn stop_amounts(class: &VehicleClass, stops: f64) -> Amounts {
    let p = per_stop(class);
    let (co2_kg, nox_g, pm25_g) = (stops * p.co2_g / 1000.0, stops * p.nox_g, stops * p.pm25_g);
    Amounts {
        stops,
        co2_kg,
        nox_g,
        pm25_g,
        stop_co2_kg: co2_kg,
        stop_nox_g: nox_g,
        stop_pm25_g: pm25_g,
        ..Amounts::default()
    }
}

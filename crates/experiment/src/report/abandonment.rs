//! Reneging in the report: per station and class whose vehicles may give up there, how many
//! abandoned, their share of the vehicles that queued or were served, and how long they had
//! waited — kept apart from the waits of the vehicles served (see
//! [`Patience`](bordersim_model::Patience)).
//!
//! The rows depend on the scenario alone (a station, a class with a patience there that can
//! reach it), and every figure goes through the summary's aggregates, so merged summaries
//! give the same rows bit for bit.

use bordersim_model::{ClassId, ReplicationStats, Scenario, StationId};
use serde::Serialize;

use super::DelayStats;
use super::summarise::mean_ci;
use crate::sweep::summary::total;

/// The vehicles of one class that gave up waiting at one station.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AbandonmentReport {
    /// The station's id.
    pub station: String,
    /// The id of the station's direction.
    pub direction: String,
    /// The class's id.
    pub class: String,
    /// Vehicles that gave up waiting there (all replications).
    pub abandoned: u64,
    /// Vehicles of the class served there (all replications).
    pub served: u64,
    /// Abandoned / (abandoned + served), mean over replications (0 to 1).
    pub share: f64,
    /// Half-width of the 95% interval of `share` across replications.
    pub share_ci95: Option<f64>,
    /// Vehicles that gave up per day of the observation window, mean over replications.
    pub per_day: f64,
    /// Half-width of the 95% interval of `per_day`.
    pub per_day_ci95: Option<f64>,
    /// How long they had waited, from reaching the station to giving up (not part of the
    /// station's `wait`, which is the served vehicles').
    pub wait: DelayStats,
}

/// The rows of every (station, class) where vehicles may give up, in station then class
/// order; empty when no class has a patience.
pub(crate) fn abandonment(
    scenario: &Scenario,
    reps: &[ReplicationStats],
) -> Vec<AbandonmentReport> {
    let crossing = &scenario.crossing;
    let population = crossing.population();
    let mut rows = Vec::new();
    for (c, class) in population.classes.iter().enumerate() {
        let Some(patience) = &class.patience else {
            continue;
        };
        let reached = crossing.stations_reached_by(ClassId(c as u16));
        for (s, station) in crossing.stations().iter().enumerate() {
            if !reached[s] || !patience.applies_at(StationId(s as u32)) {
                continue;
            }
            rows.push((s, c, station));
        }
    }
    rows.sort_by_key(|&(s, c, _)| (s, c));
    rows.into_iter()
        .map(|(s, c, station)| row(scenario, reps, s, c, &station.id))
        .collect()
}

fn row(
    scenario: &Scenario,
    reps: &[ReplicationStats],
    s: usize,
    c: usize,
    station: &str,
) -> AbandonmentReport {
    let population = scenario.population();
    let directions = population.directions.len();
    let count = |r: &ReplicationStats| {
        (0..directions)
            .map(|d| r.abandonment.count(s, d, c))
            .sum::<u64>()
    };
    let served = |r: &ReplicationStats| {
        let shape = r.shape;
        r.stations[s]
            .waits
            .merged(|cell| shape.decode_station_cell(cell).0.index() == c)
            .count()
    };
    let shares: Vec<f64> = reps
        .iter()
        .map(|r| {
            let (a, n) = (count(r), served(r));
            if a + n == 0 {
                0.0
            } else {
                a as f64 / (a + n) as f64
            }
        })
        .collect();
    let per_day: Vec<f64> = reps
        .iter()
        .map(|r| {
            let days = r.window_days();
            if days > 0.0 {
                count(r) as f64 / days
            } else {
                0.0
            }
        })
        .collect();
    let waits: Vec<_> = reps
        .iter()
        .map(|r| {
            let mut all = bordersim_stats::Tally::new();
            for d in 0..directions {
                all.merge(&r.abandonment.waits(s, d, c));
            }
            all
        })
        .collect();
    let (share, share_ci95) = mean_ci(&shares);
    let (per_day, per_day_ci95) = mean_ci(&per_day);
    let st = &scenario.crossing.stations()[s];
    AbandonmentReport {
        station: station.to_owned(),
        direction: population.directions[st.direction.0 as usize].id.clone(),
        class: population.classes[c].id.clone(),
        abandoned: total(reps.iter().map(count)),
        served: total(reps.iter().map(served)),
        share,
        share_ci95,
        per_day,
        per_day_ci95,
        wait: DelayStats::from_tallies(&waits),
    }
}

//! What one replication measures of the vehicles that gave up waiting (reneging, see
//! [`Patience`](crate::Patience)): per station × direction × class, how many and how long
//! they had waited. Fixed-size: one tally per (station, direction, class), allocating only
//! when it first records, whatever the number of vehicles.

use bordersim_stats::Tally;

use crate::stats::{CellShape, Cells};

/// The vehicles that abandoned a station's queue in the observation window.
#[derive(Clone, Debug, Default)]
pub struct AbandonmentStats {
    /// Stations of the crossing.
    stations: usize,
    /// Directions × classes per station.
    per_station: usize,
    classes: usize,
    /// Wait (ms, from reaching the station to giving up) of each vehicle that abandoned,
    /// per station × direction × class; the count of a tally is the number that abandoned.
    waits: Cells,
}

impl AbandonmentStats {
    /// Empty statistics for `stations` stations of a crossing of shape `shape`.
    pub fn new(stations: usize, shape: CellShape) -> Self {
        let per_station = shape.directions * shape.classes;
        AbandonmentStats {
            stations,
            per_station,
            classes: shape.classes,
            waits: Cells::new(stations * per_station),
        }
    }

    #[inline]
    fn index(&self, station: usize, direction: usize, class: usize) -> usize {
        station * self.per_station + direction * self.classes + class
    }

    /// A vehicle of `class` travelling `direction` gave up at `station` after waiting
    /// `wait_ms` ms.
    #[inline]
    pub fn record(&mut self, station: usize, direction: usize, class: usize, wait_ms: u64) {
        let i = self.index(station, direction, class);
        self.waits.record(i, wait_ms);
    }

    /// The waits of the vehicles of `class` travelling `direction` that gave up at
    /// `station` (ms; empty if none did).
    pub fn waits(&self, station: usize, direction: usize, class: usize) -> Tally {
        self.waits
            .get(self.index(station, direction, class))
            .cloned()
            .unwrap_or_default()
    }

    /// How many vehicles of `class` travelling `direction` gave up at `station`.
    pub fn count(&self, station: usize, direction: usize, class: usize) -> u64 {
        self.waits
            .get(self.index(station, direction, class))
            .map_or(0, Tally::count)
    }

    /// How many vehicles gave up, every station, direction and class together.
    pub fn total(&self) -> u64 {
        self.waits.iter().map(|(_, t)| t.count()).sum()
    }

    /// Stations covered.
    pub fn stations(&self) -> usize {
        self.stations
    }

    /// Opens the observation window: forgets everything recorded before it.
    pub(crate) fn reset(&mut self) {
        self.waits = Cells::new(self.stations * self.per_station);
    }
}

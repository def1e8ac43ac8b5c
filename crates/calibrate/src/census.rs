//! Which joiners the hourly waits count.
//!
//! The hourly waits a calibration compares are keyed on the hour of day a vehicle joined
//! the queue and recorded when its service starts inside the observation window (warm-up
//! to horizon). A vehicle that joins late in the window and has not started by the horizon
//! is not counted: where queues are long at the window's end, its hour keeps only the
//! vehicles that were served quickly and looks short. Over a window of whole days in a
//! periodic regime the warm-up's joiners of the same hours, which start after the warm-up
//! and are counted, stand in for them one for one; otherwise they do not.
//!
//! [`Census`] is a vehicle log that counts, per station, vehicle kind and hour of day, the
//! vehicles that joined the queue inside the window and those of them whose wait was
//! counted; [`Census::censored_share`] is the share left out.

use std::collections::BTreeMap;

use bordersim_model::{LogKind, LogRecord, Scenario, VehicleLog};

/// An hour whose window joiners went uncounted beyond this share is flagged `censored` in
/// the comparison: its simulated wait is biased short (see the module's text).
pub const CENSORED_MAX: f64 = 0.10;

/// Joiners and counted waits of one replication, per station × vehicle kind × hour.
#[derive(Debug)]
pub struct Census {
    /// Vehicle kinds (class × programme) per station.
    kinds: usize,
    /// Programmes, to make a kind of a class and a programme.
    programmes: usize,
    /// Start and end of the observation window, ms.
    window: (u64, u64),
    /// Vehicles in a queue: (cell, joined inside the window).
    pending: BTreeMap<u64, (usize, bool)>,
    /// Joiners inside the window, per cell.
    joined: Vec<u64>,
    /// Those of them whose service started inside the window, per cell.
    counted: Vec<u64>,
}

impl Census {
    /// An empty census for a run of `scenario`.
    pub fn new(scenario: &Scenario) -> Census {
        let population = scenario.population();
        let programmes = population.programmes.len().max(1);
        let kinds = population.classes.len() * programmes;
        let cells = scenario.crossing.stations().len() * kinds * 24;
        Census {
            kinds,
            programmes,
            window: (scenario.warmup.0, scenario.horizon.0),
            pending: BTreeMap::new(),
            joined: vec![0; cells],
            counted: vec![0; cells],
        }
    }

    fn cell(&self, station: usize, kind: usize, hour: usize) -> usize {
        (station * self.kinds + kind) * 24 + hour
    }

    /// Adds `other` (another replication of the same scenario) to this one.
    pub fn add(&mut self, other: &Census) {
        for (a, b) in self.joined.iter_mut().zip(&other.joined) {
            *a += b;
        }
        for (a, b) in self.counted.iter_mut().zip(&other.counted) {
            *a += b;
        }
    }

    /// The share of the vehicles of `kinds` (class, programme indices) that joined the
    /// queue of `station` in hour of day `hour` inside the window and whose wait was not
    /// counted; `None` when none joined.
    pub fn censored_share(
        &self,
        station: usize,
        kinds: &[(usize, usize)],
        hour: usize,
    ) -> Option<f64> {
        let (mut joined, mut counted) = (0u64, 0u64);
        for &(c, p) in kinds {
            let i = self.cell(station, c * self.programmes + p, hour);
            joined += self.joined[i];
            counted += self.counted[i];
        }
        (joined > 0).then(|| 1.0 - counted as f64 / joined as f64)
    }
}

impl VehicleLog for Census {
    fn wants(&mut self, _vehicle: u64) -> bool {
        true
    }

    fn record(&mut self, r: &LogRecord) {
        let Some(station) = r.station else { return };
        let t = r.time.0;
        match r.kind {
            LogKind::Queue => {
                let kind = usize::from(r.class.0) * self.programmes + usize::from(r.programme.0);
                let hour = ((t / 3_600_000) % 24) as usize;
                let cell = self.cell(station.0 as usize, kind, hour);
                let inside = (self.window.0..self.window.1).contains(&t);
                if inside {
                    self.joined[cell] += 1;
                }
                self.pending.insert(r.vehicle, (cell, inside));
            }
            LogKind::Start => {
                if let Some((cell, inside)) = self.pending.remove(&r.vehicle)
                    && inside
                    && (self.window.0..self.window.1).contains(&t)
                {
                    self.counted[cell] += 1;
                }
            }
            // A vehicle that gave up was not cut off by the window's end.
            LogKind::Abandon => {
                if let Some((cell, true)) = self.pending.remove(&r.vehicle) {
                    self.joined[cell] -= 1;
                }
            }
            _ => {}
        }
    }
}

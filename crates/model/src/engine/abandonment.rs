//! Reneging: a queued vehicle whose patience runs out leaves the queue and the crossing.
//!
//! When a vehicle of a class with a patience ([`Patience`](crate::Patience)) joins a
//! station's queue, its patience is drawn and an [`Event::Abandon`] scheduled for the
//! moment it runs out, counted from when the vehicle reached the station. The event carries
//! the low half of the join's sequence number as a stamp: if the vehicle has meanwhile
//! started service (or left, and its slot serves another vehicle), the stamp or the queue no
//! longer matches and the event does nothing. A vehicle still waiting is taken out of its
//! queue where it stands: the queue is ordered by join sequence, so it is found by binary
//! search and removed by shifting the shorter side of the ring buffer — no allocation, and
//! every queue's front stays a waiting vehicle, so lane dispatch needs no change.
//!
//! Randomness: the patience at a station visit comes from its own sub-stream of the
//! vehicle's seed, keyed by the station and the visit (as service draws are, with a salt),
//! so giving a class a patience changes no other draw of any vehicle. A vehicle's 16th and
//! later visits to one station, and visits to stations past the 32nd, key it by the join's
//! sequence number instead (deterministic, but not paired across variants).

use bordersim_des::{SimTime, stage_rng};

use super::{Engine, Event, visits};
use crate::dist::Sampler;
use crate::log::{LogKind, VehicleLog};
use crate::scenario::{ClassId, Crossing, ModelError, StationId};

/// Salt on the station's stream key for patience draws: a family of sub-streams apart from
/// the routing and service draws.
const PATIENCE_SALT: u64 = 0x7061_7469_656e_6365;

/// Patience samplers per station × class; empty when no class gives up anywhere.
///
/// # Errors
///
/// [`ModelError::BadServiceTime`] (its reason naming the patience) when a patience
/// distribution cannot be sampled (normally caught when the file is read).
pub(super) fn compile_patience(crossing: &Crossing) -> Result<Vec<Option<Sampler>>, ModelError> {
    let classes = &crossing.population().classes;
    if classes.iter().all(|c| c.patience.is_none()) {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(crossing.stations().len() * classes.len());
    for s in 0..crossing.stations().len() {
        let station = StationId(s as u32);
        for (c, class) in classes.iter().enumerate() {
            let sampler = match &class.patience {
                Some(p) if p.applies_at(station) => {
                    Some(p.dist.sampler().map_err(|e| ModelError::BadServiceTime {
                        station,
                        class: ClassId(c as u16),
                        reason: format!("patience: {}", e.0),
                    })?)
                }
                _ => None,
            };
            out.push(sampler);
        }
    }
    Ok(out)
}

impl<L: VehicleLog> Engine<'_, L> {
    /// Vehicle `id` has just joined the queue of station `s`: if its class gives up there,
    /// its patience is drawn and the moment it runs out scheduled.
    #[inline(never)]
    pub(super) fn arm_patience(&mut self, now: u64, id: u32, s: usize) {
        let classes = self.model.shape.classes;
        let v = &mut self.vehicles[id as usize];
        let Some(sampler) = &self.model.patience[s * classes + v.class as usize] else {
            return;
        };
        let visit = if s < 32 && ((v.visits >> (s * 4)) & 0xF) < 15 {
            ((v.visits >> (s * 4)) & 0xF) as u64
        } else {
            (1 << 63) | v.queue_seq
        };
        let key = self.model.stations[s].stream_key ^ PATIENCE_SALT;
        let mut rng = stage_rng(v.seed, visits::stage_index(key, visit));
        let patience = SimTime::from_millis_f64(sampler.sample_ms(&mut rng));
        v.waiting_at = s as u32;
        // Counted from reaching the station; already over (a long wait on the road
        // upstream): it gives up now, as it enters.
        let at = (SimTime(v.queued_ms) + patience).max(SimTime(now));
        let stamp = v.queue_seq as u32;
        self.events
            .schedule(at, Event::Abandon { vehicle: id, stamp });
    }

    /// The patience of vehicle `id` (stamped `stamp` when it joined a queue) runs out: if it
    /// is still in that queue it leaves the crossing unserved.
    #[inline(never)]
    pub(super) fn on_abandon(&mut self, now: u64, id: u32, stamp: u32) {
        let v = self.vehicles[id as usize];
        if v.queue_seq as u32 != stamp {
            return;
        }
        let s = v.waiting_at as usize;
        let key = v.key as usize;
        let vehicles = &self.vehicles;
        let st = &mut self.stations[s];
        let queue = &mut st.queues[key];
        let Ok(pos) = queue.binary_search_by_key(&v.queue_seq, |&w| vehicles[w as usize].queue_seq)
        else {
            return;
        };
        if queue[pos] != id {
            return;
        }
        queue.remove(pos);
        st.queued -= 1;
        if self.model.stations[s].limited {
            let area = &mut st.areas[self.model.area_of(s, key)];
            area.queued -= 1;
            area.queued_mm -= self.model.class_length_mm[v.class as usize];
        }
        self.stats.stations[s].queue_length.set(now, st.queued);
        let class = v.class as usize;
        self.stats
            .abandonment
            .record(s, v.direction as usize, class, now - v.queued_ms);
        self.stats.classes[class].abandoned += 1;
        self.stats.vehicles.abandoned += 1;
        // The event log has no kind of its own for it yet: a vehicle leaving unserved.
        self.log_event(id, LogKind::Abandon, Some(s as u32), now);
        self.live -= 1;
        self.free.push(id);
        // Its room in the storage frees: the line upstream moves up.
        self.admit_from_outside(now, s);
    }
}

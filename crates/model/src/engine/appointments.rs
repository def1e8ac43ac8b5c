//! Booked arrival slots in the event loop: a booking vehicle takes the first slot with
//! room at or after its arrival, waits off the road, and is called forward for its slot
//! (the rules in [`crate::appointments`]). Per booking system the engine keeps one count per
//! slot of the booking horizon in a ring, reused as time passes: nothing grows with the
//! vehicles, and nothing allocates per event.

use bordersim_des::{SimTime, stage_rng};
use rand::Rng;

use super::{CompiledScenario, Engine, Event, unit_f64};
use crate::appointments::{AppointmentStats, WaitingAreaFull};
use crate::log::{LogKind, VehicleLog};

/// The vehicle sub-stream of its booking draw (never used for anything else).
const BOOKING_SUBSTREAM: u64 = u64::MAX - 2;
/// "Books with no system" in [`CompiledScenario::booking_of`].
pub(super) const NO_BOOKING: u32 = u32::MAX;

/// One booking system's state in a replication.
#[derive(Debug)]
pub(super) struct Booking {
    /// Bookings per slot, slot `k` at `k % len`, for the slots from `current` on.
    ring: Vec<u32>,
    /// The slot of the latest booking's time: the slots before it have passed.
    current: u64,
    /// Every slot in [`current`, `first_free`) is full.
    first_free: u64,
    /// Vehicles in the waiting area.
    in_area: u64,
}

/// Each booking system's state at the start of a replication.
pub(super) fn bookings(model: &CompiledScenario) -> Vec<Booking> {
    model
        .appointments
        .iter()
        .map(|a| Booking {
            ring: vec![0; a.ring_slots()],
            current: 0,
            first_free: 0,
            in_area: 0,
        })
        .collect()
}

/// Each booking system's empty statistics.
pub(super) fn stats(model: &CompiledScenario) -> Vec<AppointmentStats> {
    vec![AppointmentStats::default(); model.appointments.len()]
}

impl<L: VehicleLog> Engine<'_, L> {
    /// A vehicle of `source` arrives: if it books, it takes a slot and waits for it in the
    /// waiting area (or, full, balks when the system says so). Returns whether the vehicle
    /// is dealt with here; `false`: it goes on to the station now (unbooked, or booked
    /// into a slot that has begun).
    #[inline(never)]
    pub(super) fn book(&mut self, now: u64, id: u32, source: usize) -> bool {
        let model = self.model;
        let keys = model.shape.classes * model.shape.programmes;
        let (seed, key) = {
            let v = &self.vehicles[id as usize];
            (v.seed, usize::from(v.key))
        };
        let index = model.booking_of[source * keys + key];
        if index == NO_BOOKING {
            return false;
        }
        let a = &model.appointments[index as usize];
        if unit_f64(stage_rng(seed, BOOKING_SUBSTREAM).next_u64()) >= a.share {
            return false;
        }
        let slot_ms = a.slot.as_millis();
        let b = &mut self.bookings[index as usize];
        let stats = &mut self.stats.appointments[index as usize];
        let len = b.ring.len() as u64;
        let current = now / slot_ms;
        // Slots that have passed are forgotten: their places in the ring serve later ones.
        if current > b.current {
            for k in b.current..current.min(b.current + len) {
                b.ring[(k % len) as usize] = 0;
            }
            b.current = current;
        }
        // The last slot starting before now + horizon (the ring holds it: see `ring_slots`).
        let last = (now + a.horizon.as_millis() - 1) / slot_ms;
        let mut k = b.first_free.max(current);
        while k <= last && b.ring[(k % len) as usize] >= a.capacity_of_slot(k) {
            k += 1;
        }
        b.first_free = k;
        if k > last {
            stats.no_slot += 1;
            return false;
        }
        let taken = u64::from(b.ring[(k % len) as usize]);
        let capacity = u64::from(a.capacity_of_slot(k));
        let call = (k * slot_ms + taken * slot_ms / capacity).max(now);
        if call > now {
            if let Some(limit) = a.waiting_area
                && b.in_area >= u64::from(limit)
            {
                stats.area_full += 1;
                return match a.when_full {
                    WaitingAreaFull::Road => false,
                    WaitingAreaFull::Balk => {
                        self.balk(now, id, a.station.0);
                        true
                    }
                };
            }
            b.in_area += 1;
            stats.in_area.set(now, b.in_area);
        }
        b.ring[(k % len) as usize] += 1;
        stats.booked += 1;
        if call == now {
            stats.wait.record(0);
        }
        self.log_event(id, LogKind::Book, Some(a.station.0), now);
        if call == now {
            return false;
        }
        self.events.schedule(
            SimTime(call),
            Event::CallForward {
                vehicle: id,
                appointment: index,
            },
        );
        true
    }

    /// A booked vehicle is called forward for its slot: it leaves the waiting area and
    /// reaches the station, its time in the crossing counting from now.
    pub(super) fn on_call_forward(&mut self, now: u64, id: u32, appointment: u32) {
        let a = appointment as usize;
        let b = &mut self.bookings[a];
        b.in_area -= 1;
        let stats = &mut self.stats.appointments[a];
        stats.in_area.set(now, b.in_area);
        let v = &mut self.vehicles[id as usize];
        stats.wait.record(now - v.arrived_ms);
        v.arrived_ms = now;
        let station = self.model.appointments[a].station.0;
        self.log_event(id, LogKind::CallForward, Some(station), now);
        self.reach_border(now, id, station);
    }
}

/// Per compiled source × queue key: the first booking system (in the crossing's order)
/// for vehicles of that kind entering where the source enters, or [`NO_BOOKING`].
pub(super) fn booking_table(
    crossing: &crate::Crossing,
    sources: &[super::compile::CompiledSource],
    shape: crate::CellShape,
) -> Vec<u32> {
    let keys = shape.classes * shape.programmes;
    let mut table = vec![NO_BOOKING; sources.len() * keys];
    if crossing.appointments().is_empty() {
        return table;
    }
    for (s, src) in sources.iter().enumerate() {
        for k in 0..keys {
            let (class, programme) = crate::decode_queue_key(k, shape.programmes);
            if let Some(i) = crossing.appointments().iter().position(|a| {
                a.station.0 == src.entry
                    && a.class == class
                    && a.programme.is_none_or(|p| p == programme)
            }) {
                table[s * keys + k] = i as u32;
            }
        }
    }
    table
}

#[cfg(test)]
#[path = "appointments_tests.rs"]
mod tests;

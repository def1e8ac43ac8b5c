//! A vehicle at a station: it passes without stopping (merged control, skipped by the
//! pre-lodged), takes a free lane, joins the queue, waits upstream of a full one, or balks;
//! then its service and its departure to the next station.

use bordersim_des::SimTime;

use super::{EXIT, Engine, Event, NOT_RELEASED, metres_to_mm, route};
use crate::log::{LogKind, VehicleLog};
use crate::scenario::{PreLodged, StorageLimit, WhenFull};

impl<L: VehicleLog> Engine<'_, L> {
    /// A vehicle reaches a station: it takes a free lane, joins the queue, waits upstream
    /// of a full queue, or balks.
    pub(super) fn enter_station(&mut self, now: u64, id: u32, mut station: u32) {
        // Vehicles pass merged controls, and pre-lodged vehicles the stations they skip,
        // without stopping, taking the route they would have taken after service there.
        while self.model.stations[station as usize].pass_all
            || (self.vehicles[id as usize].pre_lodged
                && self.model.stations[station as usize].pre_lodged == PreLodged::Skip)
        {
            let next = self.pass_through(now, id, station);
            if next == EXIT {
                self.exit(now, id);
                return;
            }
            station = next;
        }
        let s = station as usize;
        self.stats.stations[s].entered += 1;
        let v = &mut self.vehicles[id as usize];
        v.queued_ms = now;
        let (key, length) = (v.key as usize, self.model.class_length_mm[v.class as usize]);
        let st = &self.stations[s];
        if st.outside.is_empty() {
            if let Some(g) = self.free_lane_for(s, key) {
                self.log_event(id, LogKind::Queue, Some(station), now);
                self.start_service(now, id, station, g);
                return;
            }
            if self.fits(s, length) {
                self.log_event(id, LogKind::Queue, Some(station), now);
                self.push_queue(now, id, s);
                return;
            }
        }
        match self.model.stations[s].when_full {
            WhenFull::Balk => self.balk(now, id, station),
            WhenFull::Spillback => {
                let st = &mut self.stations[s];
                st.outside.push_back(id);
                st.outside_mm += length;
                let stats = &mut self.stats.stations[s];
                stats.spilled += 1;
                stats.outside_vehicles.set(now, st.outside.len() as u64);
                stats.outside_length_cm.set(now, st.outside_mm / 10);
                self.log_event(id, LogKind::Spillback, Some(station), now);
            }
        }
    }

    /// A vehicle passes `station` without stopping (pre-lodged, or a merged control): its
    /// routing draw is the one service there would have used, it is released if the station
    /// releases; returns where it goes next.
    pub(super) fn pass_through(&mut self, now: u64, id: u32, station: u32) -> u32 {
        let s = station as usize;
        let model_station = &self.model.stations[s];
        let mut rng = self.stage_stream(id, station, model_station.stream_key);
        let v = &mut self.vehicles[id as usize];
        let next = route(&model_station.routing[v.cell as usize], &mut rng);
        let release = model_station.releases && v.released_ms == NOT_RELEASED;
        if release {
            v.released_ms = now;
        }
        self.stats.stations[s].passed += 1;
        if release {
            self.log_event(id, LogKind::Release, Some(station), now);
        }
        next
    }

    #[inline]
    pub(super) fn fits(&self, s: usize, length_mm: u64) -> bool {
        let st = &self.stations[s];
        match self.model.stations[s].limit {
            StorageLimit::Unlimited => true,
            StorageLimit::Vehicles(n) => st.queued < u64::from(n),
            // Whole millimetres on both sides, rounded alike, so a road exactly N vehicles
            // long holds N of them.
            StorageLimit::Metres(m) => st.queued_mm + length_mm <= metres_to_mm(m),
        }
    }

    pub(super) fn start_service(&mut self, now: u64, id: u32, station: u32, group: usize) {
        let s = station as usize;
        let model_station = &self.model.stations[s];
        let mut rng = self.stage_stream(id, station, model_station.stream_key);
        let v = &mut self.vehicles[id as usize];
        // The routing draw comes first and is always exactly one number, so a change of
        // service distribution here cannot change where the vehicle goes next.
        v.next = route(&model_station.routing[v.cell as usize], &mut rng);
        // Validation guarantees a sampler for every class that can reach this station.
        let mut service_ms = model_station.samplers[v.key as usize]
            .as_ref()
            .map_or(0.0, |d| d.sample_ms(&mut rng));
        if v.pre_lodged
            && let PreLodged::Scale(factor) = model_station.pre_lodged
        {
            // The same draw, scaled: the vehicle keeps its service quantile.
            service_ms *= factor;
        }
        v.group = group as u8;

        let stats = &mut self.stats.stations[s];
        let wait = now - v.queued_ms;
        stats.waits.record(v.cell as usize, wait);
        let st = &mut self.stations[s];
        if model_station.groups[group].rule.is_some() {
            st.rule_waits[group].push(wait);
        }
        let gs = &mut st.groups[group];
        gs.busy += 1;
        let lane = &mut stats.lanes[group];
        if !model_station.single_group {
            lane.busy.set(now, u64::from(gs.busy));
        }
        // Staffed = max(open, busy): it moves with `busy` only while a closed lane finishes.
        if gs.busy > gs.open {
            lane.staffed.set(now, u64::from(gs.busy));
        }
        stats.busy_servers.increment(now);
        self.events.schedule(
            SimTime(now) + SimTime::from_millis_f64(service_ms),
            Event::Departure {
                station,
                vehicle: id,
            },
        );
        self.log_event(id, LogKind::Start, Some(station), now);
    }

    pub(super) fn on_departure(&mut self, now: u64, station: u32, id: u32) {
        let s = station as usize;
        let (group, cell, queued_ms) = {
            let v = &self.vehicles[id as usize];
            (v.group as usize, v.cell as usize, v.queued_ms)
        };
        {
            let stats = &mut self.stats.stations[s];
            stats.stages.record(cell, now - queued_ms);
            stats.served += 1;
            stats.busy_servers.decrement(now);
            let gs = &mut self.stations[s].groups[group];
            let lane = &mut stats.lanes[group];
            if gs.busy > gs.open {
                lane.staffed.set(now, u64::from((gs.busy - 1).max(gs.open)));
            }
            gs.busy -= 1;
            lane.served += 1;
            if !self.model.stations[s].single_group {
                lane.busy.set(now, u64::from(gs.busy));
            }
        }
        self.log_event(id, LogKind::End, Some(station), now);
        if self.model.stations[s].releases && self.vehicles[id as usize].released_ms == NOT_RELEASED
        {
            self.vehicles[id as usize].released_ms = now;
            self.log_event(id, LogKind::Release, Some(station), now);
        }
        // The freed lane takes the next vehicle before the departing one moves on, so a
        // vehicle routed back to this station queues behind those already waiting.
        self.fill_lanes(now, s, group);

        let next = self.vehicles[id as usize].next;
        if next == EXIT {
            self.exit(now, id);
        } else {
            self.enter_station(now, id, next);
        }
    }
}

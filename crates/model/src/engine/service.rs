//! A vehicle at a station: it passes without stopping (merged control, skipped by the
//! pre-lodged), takes a free lane, joins the queue, waits upstream of a full one, or balks;
//! then its service and its departure to the next station.

use bordersim_des::SimTime;

use super::{EXIT, Engine, Event, NO_LANE, NOT_RELEASED, Upstream, metres_to_mm, route};
use crate::dist::Sampler;
use crate::log::{LogKind, VehicleLog};
use crate::scenario::{PreLodged, StorageLimit, WhenFull};
use crate::schedule::hour_of_day;
use crate::stats::StationStats;

impl<L: VehicleLog> Engine<'_, L> {
    /// A vehicle reaches a station: it takes a free lane, joins the queue, waits upstream
    /// of a full queue, or balks.
    pub(super) fn enter_station(&mut self, now: u64, id: u32, station: u32) {
        let station = self.pass_stations(now, id, station);
        if station == EXIT {
            self.exit(now, id);
            return;
        }
        self.arrive(now, id, station, NO_LANE);
    }

    /// Vehicles pass merged controls, and pre-lodged vehicles the stations they skip,
    /// without stopping, taking the route they would have taken after service there:
    /// returns the station where the vehicle stops (or [`EXIT`]).
    #[inline]
    pub(super) fn pass_stations(&mut self, now: u64, id: u32, mut station: u32) -> u32 {
        while station != EXIT
            && (self.model.stations[station as usize].pass_all
                || (self.vehicles[id as usize].pre_lodged
                    && self.model.stations[station as usize].pre_lodged == PreLodged::Skip))
        {
            station = self.pass_through(now, id, station);
        }
        station
    }

    /// A vehicle stops at `station`: it takes a free lane, joins its storage's queue, or,
    /// finding the storage full, balks, waits on the road, or (blocking, coming from a lane
    /// of station `held`) stays in that lane. Returns whether it stays in the lane.
    // Always inlined: it is the hot path of every arrival at a station, and a standing
    // queue's placement calling it too must not move it out of line.
    #[inline(always)]
    pub(super) fn arrive(&mut self, now: u64, id: u32, station: u32, held: u32) -> bool {
        let s = station as usize;
        self.stats.stations[s].entered += 1;
        let v = &mut self.vehicles[id as usize];
        v.queued_ms = now;
        let (key, length) = (v.key as usize, self.model.class_length_mm[v.class as usize]);
        let st = &self.stations[s];
        // Nobody waits upstream of the station (the usual case), or not of this storage.
        if st.upstream == 0 || st.areas[self.model.area_of(s, key)].outside.is_empty() {
            if let Some(g) = self.free_lane_for(s, key) {
                self.log_event(id, LogKind::Queue, Some(station), now);
                self.start_service(now, id, station, g);
                return false;
            }
            if self.fits(s, self.model.area_of(s, key), length) {
                self.log_event(id, LogKind::Queue, Some(station), now);
                self.push_queue(now, id, s);
                return false;
            }
        }
        let area = self.model.area_of(s, key);
        match self.model.stations[s].areas[area].when_full {
            WhenFull::Balk => {
                self.balk(now, id, station);
                false
            }
            WhenFull::Block if held != NO_LANE => {
                self.wait_upstream(now, id, s, area, held);
                let blocked = &mut self.stats.stations[held as usize].blocked_servers;
                blocked.increment(now);
                true
            }
            WhenFull::Spillback | WhenFull::Block => {
                self.wait_upstream(now, id, s, area, NO_LANE);
                false
            }
        }
    }

    /// The vehicle joins the first-come line upstream of storage `area` of station `s`: on
    /// the road, or holding its lane at station `held`.
    fn wait_upstream(&mut self, now: u64, id: u32, s: usize, area: usize, held: u32) {
        let v = &mut self.vehicles[id as usize];
        // Its place among everyone waiting upstream of any storage of the station (the
        // queue sequence is free while the vehicle is not queued); one storage, one line.
        if self.model.stations[s].areas.len() > 1 {
            v.queue_seq = self.queue_seq;
            self.queue_seq += 1;
        }
        let length = self.model.class_length_mm[v.class as usize];
        let st = &mut self.stations[s];
        st.areas[area]
            .outside
            .push_back(Upstream { vehicle: id, held });
        st.upstream += 1;
        if held == NO_LANE {
            st.areas[area].road += 1;
            st.areas[area].road_mm += length;
            self.stats.stations[s].spilled += 1;
            self.record_road(now, s);
        }
        self.log_event(id, LogKind::Spillback, Some(s as u32), now);
    }

    /// The vehicles on the road upstream of station `s`, every storage together.
    pub(super) fn record_road(&mut self, now: u64, s: usize) {
        let st = &self.stations[s];
        let (road, road_mm) = st
            .areas
            .iter()
            .fold((0, 0), |(n, mm), a| (n + a.road, mm + a.road_mm));
        let stats = &mut self.stats.stations[s];
        stats.outside_vehicles.set(now, road);
        stats.outside_length_cm.set(now, road_mm / 10);
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

    /// Whether a vehicle `length_mm` long fits in storage `area` of station `s`.
    #[inline]
    pub(super) fn fits(&self, s: usize, area: usize, length_mm: u64) -> bool {
        if !self.model.stations[s].limited {
            return true;
        }
        let st = &self.stations[s].areas[area];
        match self.model.stations[s].areas[area].limit {
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
        let sampler = model_station.samplers[v.key as usize].as_ref();
        let mut service_ms = sampler.map_or(0.0, |d| d.sample_ms(&mut rng));
        // Whether a factor scaled the draw (see `service_duration`).
        let mut scaled = sampler.is_some_and(Sampler::is_scaled);
        if v.pre_lodged
            && let PreLodged::Scale(factor) = model_station.pre_lodged
        {
            // The same draw, scaled: the vehicle keeps its service quantile.
            service_ms *= factor;
            scaled |= factor != 1.0;
        }
        if model_station.scaled {
            // The hour's factor and any slowdown in force, on the same draw: the vehicle
            // keeps its service quantile.
            let hourly = model_station.hourly_factor[group]
                .as_ref()
                .map_or(1.0, |h| h[hour_of_day(SimTime(now))]);
            let factor = hourly * self.stations[s].slowdown[group];
            service_ms *= factor;
            scaled |= factor != 1.0;
        }
        let service = service_duration(service_ms, scaled, v.serial, station);
        v.group = group as u8;

        let stats = &mut self.stats.stations[s];
        let wait = now - v.queued_ms;
        stats.record_wait(now, v.cell as usize, wait);
        let kinds = self.stats.shape.classes * self.stats.shape.programmes;
        stats.hourly_waits.record(
            StationStats::hourly_index(
                kinds,
                group,
                v.cell as usize / 3,
                hour_of_day(SimTime(v.queued_ms)),
            ),
            wait,
        );
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
            SimTime(now) + service,
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
            stats.lanes[group].served += 1;
            let kinds = self.stats.shape.classes * self.stats.shape.programmes;
            stats.hourly_served
                [StationStats::hourly_index(kinds, group, cell / 3, hour_of_day(SimTime(now)))] +=
                1;
        }
        let any_block = self.model.any_block;
        if !any_block {
            self.free_lane(now, s, group);
        }
        self.log_event(id, LogKind::End, Some(station), now);
        if self.model.stations[s].releases && self.vehicles[id as usize].released_ms == NOT_RELEASED
        {
            self.vehicles[id as usize].released_ms = now;
            self.log_event(id, LogKind::Release, Some(station), now);
        }
        if any_block {
            self.move_on_or_block(now, s, group, id);
            return;
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

    /// A lane of group `group` of station `s` frees (its vehicle moved on).
    #[inline(always)]
    pub(super) fn free_lane(&mut self, now: u64, s: usize, group: usize) {
        let stats = &mut self.stats.stations[s];
        stats.busy_servers.decrement(now);
        let gs = &mut self.stations[s].groups[group];
        let lane = &mut stats.lanes[group];
        if gs.busy > gs.open {
            lane.staffed.set(now, u64::from((gs.busy - 1).max(gs.open)));
        }
        gs.busy -= 1;
        if !self.model.stations[s].single_group {
            lane.busy.set(now, u64::from(gs.busy));
        }
    }

    /// After service at station `s` (lane group `group`) in a crossing where some storage
    /// blocks: a vehicle whose next stop blocks when full moves in if there is room, else
    /// keeps its lane until there is; the lane then frees and takes its next vehicle. Any
    /// other vehicle frees its lane at once, as without blocking. (Validation rejects a
    /// cycle of blocking stations, so freeing this lane never frees room at the next stop:
    /// the two orders give the same state.)
    #[inline(never)]
    fn move_on_or_block(&mut self, now: u64, s: usize, group: usize, id: u32) {
        let next = self.vehicles[id as usize].next;
        let stop = if next == EXIT {
            EXIT
        } else {
            self.pass_stations(now, id, next)
        };
        if stop != EXIT && self.model.stations[stop as usize].blocks {
            if self.arrive(now, id, stop, s as u32) {
                return;
            }
            self.free_lane(now, s, group);
            self.fill_lanes(now, s, group);
            return;
        }
        self.free_lane(now, s, group);
        self.fill_lanes(now, s, group);
        if stop == EXIT {
            self.exit(now, id);
        } else {
            self.arrive(now, id, stop, NO_LANE);
        }
    }
}

/// A drawn service time on the clock (whole milliseconds).
///
/// Every service time a file gives is whole milliseconds (validation refuses finer ones),
/// and an unscaled draw is rounded half up: exact for whole values, and unbiased for a
/// continuous distribution. A draw scaled by a factor (pre-lodged, joint control,
/// programme, hour of day, slowdown) is a fraction of a millisecond even from a whole
/// value: a deterministic 1000.4 ms service at factor 0.5 is 500.2 ms, which half-up
/// rounding would run as 500 ms every time. Such a draw is rounded without bias instead:
/// up or down by a dither spread evenly over [0, 1) along the vehicles (a golden-ratio
/// Weyl sequence over the vehicle's serial number, offset by station), so the mean
/// service time is the scaled mean to well within a microsecond over many vehicles.
/// The dither takes no random number, so common random numbers are kept.
#[inline]
fn service_duration(service_ms: f64, scaled: bool, serial: u64, station: u32) -> SimTime {
    if !scaled {
        return SimTime::from_millis_f64(service_ms);
    }
    // 2^64 / golden ratio, and 2^64 × (√2 − 1): the fractional parts of k·φ are spread
    // as evenly as any sequence can be.
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
    const OFFSET: u64 = 0x6A09_E667_F3BC_C909;
    let bits = serial
        .wrapping_mul(GOLDEN)
        .wrapping_add(u64::from(station).wrapping_mul(OFFSET));
    let u = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
    SimTime::from_millis_dithered(service_ms, u)
}

#[cfg(test)]
mod tests {
    use crate::dist::ServiceDist;
    use crate::scenario::PreLodged;
    use crate::station::Station;
    use crate::testing::{run, scenario, trace};

    /// One vehicle a minute for `vehicles` minutes through one booth with a deterministic
    /// service of `value_ms`, changed by `change`: the total of the times at the booth (no
    /// one waits, so each is one service), in ms.
    fn total_service_ms(value_ms: f64, vehicles: u64, change: impl Fn(&mut Station)) -> u128 {
        let mut station = Station::simple(
            "booth",
            1,
            vec![Some(ServiceDist::Deterministic { value_ms })],
            Vec::new(),
        );
        change(&mut station);
        let arrivals: Vec<(u64, u16)> = (0..vehicles).map(|m| (m, 0)).collect();
        let s = scenario(1, vec![station], vec![trace(&arrivals)], 0, vehicles + 1);
        let stats = run(&s);
        let stages = stats.stations[0].stages.merged(|_| true);
        assert_eq!(stages.count(), vehicles);
        stages.sum_ms()
    }

    #[test]
    fn a_factor_on_a_whole_millisecond_service_keeps_its_exact_mean() {
        // 1000.4 ms is not a time a file may give (it is refused as finer than the clock);
        // 1001 ms at factor 0.5 is 500.5 ms, and 1003 ms at 0.3 is 300.9 ms: half-up
        // rounding made them 501 ms and 301 ms every time (means +0.5 and +0.1 ms).
        let n = 10_000;
        for (value_ms, factor, exact_total) in [
            (1001.0, 0.5, 5_005_000),
            (1003.0, 0.3, 3_009_000),
            (7.0, 0.1, 7_000),
        ] {
            let by_programme = total_service_ms(value_ms, n, |s| {
                s.service_factor_by_programme = vec![factor];
            });
            let unscaled = total_service_ms(value_ms, n, |s| {
                s.pre_lodged = PreLodged::Scale(factor);
            });
            // The programme factor reaches every vehicle: the total is exact to the dither's
            // spread (a few ms over 10,000 vehicles, where half-up rounding was 5,000 off).
            let off = by_programme.abs_diff(exact_total);
            assert!(
                off <= 3,
                "{value_ms} × {factor}: {by_programme} for {exact_total}"
            );
            // Pre-lodged scaling applies to no one here (no vehicle is pre-lodged): the
            // whole service, unscaled and exact.
            assert_eq!(unscaled, u128::from(n) * value_ms as u128);
        }
    }

    #[test]
    fn without_a_factor_the_draw_is_rounded_as_before() {
        assert_eq!(total_service_ms(1001.0, 100, |_| {}), 100_100);
        // A factor of 1 is no factor.
        assert_eq!(
            total_service_ms(1001.0, 100, |s| s.service_factor_by_programme = vec![1.0]),
            100_100
        );
    }

    #[test]
    fn the_dither_is_spread_evenly() {
        // Over 100,000 consecutive serials at one station, the share of dithers below each
        // tenth is within 1e-4 of a tenth (a golden-ratio sequence's discrepancy).
        let n = 100_000u64;
        let mut below = [0u64; 10];
        for serial in 0..n {
            // 0.1 ms rounded up exactly when the dither is at least 0.9, and so on.
            for (k, b) in below.iter_mut().enumerate() {
                let frac = (k as f64 + 1.0) / 10.0;
                if frac < 1.0 && super::service_duration(frac, true, serial, 3).0 == 1 {
                    *b += 1;
                }
            }
        }
        for (k, &b) in below.iter().take(9).enumerate() {
            let expected = (k as f64 + 1.0) / 10.0;
            assert!(
                (b as f64 / n as f64 - expected).abs() < 1e-4,
                "{k}: {b} of {n}"
            );
        }
    }
}

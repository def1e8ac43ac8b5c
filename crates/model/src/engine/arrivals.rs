//! Sources: when the next vehicle arrives, and what it is (its seed, programme, risk channel
//! and pre-lodged flag, drawn at arrival in a fixed order).

use rand::Rng;
use rand_distr::{Distribution, Exp1};

use super::{
    ARRIVAL_SUBSTREAM, CompiledArrivals, Engine, Event, NOT_RELEASED, SourceState, Vehicle,
    unit_f64,
};

/// The vehicle sub-stream of its demand-drop draw (never used for anything else).
const DROP_SUBSTREAM: u64 = u64::MAX - 1;
use crate::log::{LogKind, VehicleLog};
use crate::population::Channel;
use bordersim_des::{SimTime, stage_rng};

impl<L: VehicleLog> Engine<'_, L> {
    pub(super) fn schedule_next_arrival(&mut self, source: usize) {
        let src = &self.model.sources[source];
        let horizon = self.model.horizon_ms;
        let at = match (&src.arrivals, &mut self.sources[source]) {
            (
                CompiledArrivals::Poisson {
                    interarrival_ms, ..
                },
                SourceState::Generated { rng, next_ms },
            ) => {
                *next_ms += interarrival_ms.sample(rng);
                SimTime::from_millis_f64(*next_ms)
            }
            (
                CompiledArrivals::Thinning {
                    profile,
                    aligned: false,
                    ..
                },
                SourceState::Generated { rng, next_ms },
            ) => {
                // Exact, one segment per hour: see `RateProfile::next_arrival_ms`.
                *next_ms = profile.next_arrival_ms(
                    *next_ms,
                    self.model.horizon_ms as f64,
                    self.model.start_weekday,
                    || Exp1.sample(rng),
                );
                SimTime::from_millis_f64(*next_ms)
            }
            (
                CompiledArrivals::Thinning {
                    candidate_ms,
                    peak_rate,
                    profile,
                    aligned,
                    ..
                },
                SourceState::Generated { rng, next_ms },
            ) => {
                // A regional source: thinning (Lewis & Shedler), candidates at the peak
                // rate the region's demand fixes, each kept with probability
                // rate(t) / peak. Exact for any piecewise-constant profile. It gives every candidate the same draws whether kept or not —
                // its time, its acceptance uniform, its vehicle seed (drawn in `on_arrival`
                // when kept, skipped here otherwise).
                loop {
                    *next_ms += candidate_ms.sample(rng);
                    let t = SimTime::from_millis_f64(*next_ms);
                    if t.as_millis() >= horizon {
                        break t;
                    }
                    let keep = profile.rate_per_hour_at(t, self.model.start_weekday) / peak_rate;
                    if unit_f64(rng.next_u64()) < keep {
                        break t;
                    }
                    if *aligned {
                        rng.next_u64();
                    }
                }
            }
            (
                CompiledArrivals::Window {
                    profile,
                    from_ms,
                    to_ms,
                    ..
                },
                SourceState::Generated { rng, next_ms },
            ) => {
                // A surge's extra vehicles: the profile's hours inside the window only.
                let end = to_ms.min(horizon as f64);
                *next_ms = profile.next_arrival_ms(
                    next_ms.max(*from_ms),
                    end,
                    self.model.start_weekday,
                    || Exp1.sample(rng),
                );
                if *next_ms >= end {
                    return;
                }
                SimTime::from_millis_f64(*next_ms)
            }
            (CompiledArrivals::Trace(rows), SourceState::Trace { next_row, .. }) => {
                match rows.get(*next_row) {
                    Some(row) => row.time,
                    None => return,
                }
            }
            _ => return,
        };
        // The run window is [0, horizon): an arrival at the horizon is not replayed.
        if at.as_millis() < horizon {
            self.events.schedule(
                at,
                Event::Arrival {
                    source: source as u32,
                },
            );
        }
    }

    pub(super) fn on_arrival(&mut self, now: u64, source: usize) {
        let model = self.model;
        let src = &model.sources[source];
        // The source stream gives the vehicle its seed; everything else about the vehicle
        // comes from its own sub-streams, so skipping a draw a class does not need (one
        // programme, all green) never shifts the source's stream.
        let (rng, class, programme) = match (&src.arrivals, &mut self.sources[source]) {
            (CompiledArrivals::Poisson { class, .. }, SourceState::Generated { rng, .. })
            | (CompiledArrivals::Thinning { class, .. }, SourceState::Generated { rng, .. })
            | (CompiledArrivals::Window { class, .. }, SourceState::Generated { rng, .. }) => {
                (rng, *class, None)
            }
            (CompiledArrivals::Trace(rows), SourceState::Trace { rng, next_row }) => {
                let row = rows[*next_row];
                *next_row += 1;
                (rng, row.class.0, row.programme.map(|p| p.0))
            }
            _ => return,
        };
        let seed = rng.next_u64();
        self.schedule_next_arrival(source);
        if !model.drops.is_empty() && self.dropped(now, class, seed) {
            return;
        }

        let c = class as usize;
        let shape = model.shape;
        let mut pre_lodged = false;
        let (programme, channel) = if model.degenerate_draws[c] && programme.is_none() {
            (0, Channel::Green)
        } else {
            let mut own = stage_rng(seed, ARRIVAL_SUBSTREAM);
            let u_programme = unit_f64(own.next_u64());
            let u_channel = unit_f64(own.next_u64());
            let u_random = unit_f64(own.next_u64());
            // Drawn last, so pre-arrival processing never changes programme or channel; the
            // pre-lodged at a share are among those pre-lodged at any larger share.
            pre_lodged = unit_f64(own.next_u64())
                < model.pre_lodged_share[c * shape.directions + src.direction as usize];
            let programme = programme.unwrap_or_else(|| {
                let cdf = &model.programme_cdf[c];
                cdf.iter()
                    .position(|&bound| u_programme < bound)
                    .unwrap_or(cdf.len() - 1) as u8
            });
            let key = c * shape.programmes + programme as usize;
            let channel = if u_random < model.random_inspection[c] {
                Channel::Red
            } else {
                let [green, yellow] = model.channel_cdf[key];
                if u_channel < green {
                    Channel::Green
                } else if u_channel < yellow {
                    Channel::Yellow
                } else {
                    Channel::Red
                }
            };
            (programme, channel)
        };
        let key = c * shape.programmes + programme as usize;
        let serial = self.serial;
        self.serial += 1;
        let vehicle = Vehicle {
            seed,
            serial,
            arrived_ms: now,
            released_ms: NOT_RELEASED,
            class,
            key: key as u16,
            cell: shape.station_cell(c, programme as usize, channel.index()) as u16,
            programme,
            channel: channel as u8,
            direction: src.direction,
            logged: L::ENABLED && self.log.wants(serial),
            pre_lodged,
            ..Vehicle::default()
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.vehicles[id as usize] = vehicle;
                id
            }
            None => {
                self.vehicles.push(vehicle);
                (self.vehicles.len() - 1) as u32
            }
        };
        self.live += 1;
        self.stats.vehicles.arrived += 1;
        self.stats.classes[c].arrived += 1;
        self.stats.direction_arrivals[src.direction as usize] += 1;
        if self.live > self.model.max_in_system {
            // The vehicle is counted as arrived and in the crossing (conservation holds);
            // the run ends before it enters a station.
            self.stop_at_cap(now);
            return;
        }
        self.log_event(id, LogKind::Arrive, None, now);
        if !model.appointments.is_empty() && self.book(now, id, source) {
            return;
        }
        self.reach_border(now, id, src.entry);
    }

    /// The vehicle reaches the crossing at `entry` (on arrival, or called forward from a
    /// waiting area): released if lodged in advance and green, then at the station.
    pub(super) fn reach_border(&mut self, now: u64, id: u32, entry: u32) {
        let v = &self.vehicles[id as usize];
        if self
            .model
            .released_on_arrival(v.pre_lodged, v.channel, v.class)
        {
            self.vehicles[id as usize].released_ms = now;
            self.log_event(id, LogKind::Release, None, now);
        }
        self.enter_station(now, id, entry);
    }

    /// Standing queue `q` at time zero: its vehicles, in line order, each with a seed from
    /// the queue's stream and its kind (class and programme from the queue's mix), channel
    /// and random selection from its own arrival sub-stream, arrive at time zero at the
    /// queue's station (taking its free lanes first, as any arrival).
    #[cold]
    #[inline(never)]
    pub(super) fn place_initial_queue(&mut self, q: usize) {
        let model = self.model;
        let queue = &model.initial[q];
        let shape = model.shape;
        for _ in 0..queue.vehicles {
            if self.stopped_ms.is_some() {
                return;
            }
            let seed = self.initial[q].next_u64();
            let mut own = stage_rng(seed, ARRIVAL_SUBSTREAM);
            let u_kind = unit_f64(own.next_u64());
            let u_channel = unit_f64(own.next_u64());
            let u_random = unit_f64(own.next_u64());
            let &(_, class, programme) = queue
                .kinds
                .iter()
                .find(|(bound, _, _)| u_kind < *bound)
                .unwrap_or(&queue.kinds[queue.kinds.len() - 1]);
            let c = usize::from(class);
            let key = c * shape.programmes + usize::from(programme);
            let channel = self.channel_of(c, key, u_channel, u_random);
            let serial = self.serial;
            self.serial += 1;
            let vehicle = Vehicle {
                seed,
                serial,
                arrived_ms: 0,
                released_ms: NOT_RELEASED,
                class,
                key: key as u16,
                cell: shape.station_cell(c, usize::from(programme), channel.index()) as u16,
                programme,
                channel: channel as u8,
                direction: queue.direction,
                logged: L::ENABLED && self.log.wants(serial),
                ..Vehicle::default()
            };
            let id = self.add_vehicle(vehicle);
            self.stats.direction_arrivals[usize::from(queue.direction)] += 1;
            if self.live > model.max_in_system {
                self.stop_at_cap(0);
                return;
            }
            self.log_event(id, LogKind::Arrive, None, 0);
            // The station is not merged and the vehicle not pre-lodged, so it stops there.
            self.enter_station(0, id, queue.station);
        }
    }

    /// The risk channel of a vehicle of class `c` and queue key `key` from its two draws.
    #[inline]
    fn channel_of(&self, c: usize, key: usize, u_channel: f64, u_random: f64) -> Channel {
        if u_random < self.model.random_inspection[c] {
            Channel::Red
        } else {
            let [green, yellow] = self.model.channel_cdf[key];
            if u_channel < green {
                Channel::Green
            } else if u_channel < yellow {
                Channel::Yellow
            } else {
                Channel::Red
            }
        }
    }

    /// Whether a demand drop in force at `now` removes the vehicle of `class` with `seed`:
    /// kept with the product of the factors in force, by a uniform of its own sub-stream,
    /// so that the vehicles kept at a factor are among those kept at any larger one and
    /// every other draw is that of the run without the drop.
    #[cold]
    #[inline(never)]
    fn dropped(&self, now: u64, class: u16, seed: u64) -> bool {
        let keep: f64 = self
            .model
            .drops
            .iter()
            .filter(|d| d.from_ms <= now && now < d.to_ms && d.classes[usize::from(class)])
            .map(|d| d.factor)
            .product();
        keep < 1.0 && unit_f64(stage_rng(seed, DROP_SUBSTREAM).next_u64()) >= keep
    }

    /// Puts `vehicle` in a free slot, counts its arrival, and returns its slot.
    #[inline]
    fn add_vehicle(&mut self, vehicle: Vehicle) -> u32 {
        let c = usize::from(vehicle.class);
        let id = match self.free.pop() {
            Some(id) => {
                self.vehicles[id as usize] = vehicle;
                id
            }
            None => {
                self.vehicles.push(vehicle);
                (self.vehicles.len() - 1) as u32
            }
        };
        self.live += 1;
        self.stats.vehicles.arrived += 1;
        self.stats.classes[c].arrived += 1;
        id
    }

    /// More vehicles are in the crossing than it may hold: the run ends here, every pending
    /// event dropped, before the vehicle records exhaust memory.
    #[cold]
    #[inline(never)]
    fn stop_at_cap(&mut self, now: u64) {
        self.stopped_ms = Some(now);
        while self.events.0.pop().is_some() {}
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::{Arrivals, ClassId, Source, Station, StationId};
    use crate::schedule::RateProfile;
    use crate::testing::{minutes, run, scenario};

    /// A profile source of class 0 at `base` per hour, `peak` per hour at 05:00.
    fn spiked(base: f64, peak: f64) -> Source {
        let mut hourly_per_hour = [base; 24];
        hourly_per_hour[5] = peak;
        Source {
            id: "profile".into(),
            entry: StationId(0),
            arrivals: Arrivals::Profile {
                class: ClassId(0),
                profile: RateProfile {
                    hourly_per_hour,
                    day_factors: [1.0; 7],
                },
            },
        }
    }

    #[test]
    fn a_profile_peak_the_run_never_reaches_costs_nothing() {
        // One hour at 1 vehicle/h; 1e12/h at 05:00, outside the run. The run sees the few
        // vehicles of its hour (thinning at the peak would draw about 1e12 candidates).
        let st = Station::simple("booth", 1, minutes(1.0, 1), Vec::new());
        let stats = run(&scenario(1, vec![st], vec![spiked(1.0, 1e12)], 0, 60));
        assert!(stats.vehicles.arrived <= 10, "{:?}", stats.vehicles);
        assert_eq!(
            stats.events,
            2 * stats.vehicles.arrived - stats.vehicles.in_system_at_end
        );
    }

    #[test]
    fn replications_of_a_profile_are_deterministic_and_count_its_rate() {
        // 30/h from 00:00 to 05:00, then 600/h at 05:00, a six-hour run: the same counts
        // every time, and 40 replications average 5 x 30 + 600 within their interval.
        let st = Station::simple("booth", 100, minutes(1.0, 1), Vec::new());
        let sc = scenario(1, vec![st], vec![spiked(30.0, 600.0)], 0, 6 * 60);
        let model = crate::engine::CompiledScenario::new(&sc).unwrap();
        let counts: Vec<u64> = (0..40)
            .map(|r| {
                crate::engine::run_replication(&model, 5, r)
                    .vehicles
                    .arrived
            })
            .collect();
        let again: Vec<u64> = (0..40)
            .map(|r| {
                crate::engine::run_replication(&model, 5, r)
                    .vehicles
                    .arrived
            })
            .collect();
        assert_eq!(counts, again);
        // Expected 5 x 30 + 600 = 750 per run; Poisson sd 27.4, of a mean of 40: 4.3.
        let mean = counts.iter().sum::<u64>() as f64 / counts.len() as f64;
        assert!(
            (mean - 750.0).abs() < 3.3 * (750.0f64 / 40.0).sqrt(),
            "{mean}"
        );
    }
}

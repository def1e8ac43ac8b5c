//! Sources: when the next vehicle arrives, and what it is (its seed, programme, risk channel
//! and pre-lodged flag, drawn at arrival in a fixed order).

use rand::Rng;
use rand_distr::Distribution;

use super::{
    ARRIVAL_SUBSTREAM, CompiledArrivals, Engine, Event, NOT_RELEASED, SourceState, Vehicle,
    unit_f64,
};
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
                    candidate_ms,
                    peak_rate,
                    profile,
                    aligned,
                    ..
                },
                SourceState::Generated { rng, next_ms },
            ) => {
                // Thinning (Lewis & Shedler): candidates at the peak rate, each kept with
                // probability rate(t) / peak. Exact for any piecewise-constant profile. An
                // aligned source gives every candidate the same draws whether kept or not —
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
            | (CompiledArrivals::Thinning { class, .. }, SourceState::Generated { rng, .. }) => {
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
            pre_lodged = unit_f64(own.next_u64()) < model.pre_lodged_share[c];
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
        self.log_event(id, LogKind::Arrive, None, now);
        if model.released_on_arrival(pre_lodged, channel as u8, class) {
            self.vehicles[id as usize].released_ms = now;
            self.log_event(id, LogKind::Release, None, now);
        }
        self.enter_station(now, id, src.entry);
    }
}

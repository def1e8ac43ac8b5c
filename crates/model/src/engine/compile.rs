//! The compile step: a [`Scenario`] turned into flat tables the event loop reads —
//! samplers per (station, queue key), routing tables per station cell, lane eligibility,
//! cumulative draws per class. Built once, shared read-only by every replication.

use bordersim_des::SimTime;
use rand_distr::Exp;

use super::EXIT;
use crate::dist::Sampler;
use crate::ids::{StationId, decode_queue_key};
use crate::population::{Channel, VehicleKey};
use crate::scenario::{
    Arrivals, Crossing, LaneRule, ModelError, PreLodged, Scenario, Station, StorageLimit, Target,
    TraceArrival, WhenFull, branches_for, lane_filter_matches,
};
use crate::schedule::{LaneSchedule, RateProfile};
use crate::source::Source;
use crate::stats::CellShape;

/// A scenario prepared for fast simulation: distributions built, routing tables flattened.
/// Built once and shared (read-only) by every replication.
#[derive(Clone, Debug)]
pub struct CompiledScenario {
    pub(super) horizon_ms: u64,
    pub(super) warmup_ms: u64,
    /// The run stops, as unstable, once more vehicles than this are in the crossing.
    pub(super) max_in_system: u64,
    pub(super) start_weekday: u8,
    pub(super) shape: CellShape,
    /// Priority of each queue key (class × programme).
    pub(super) key_priority: Vec<u8>,
    /// Length of each class, millimetres.
    pub(super) class_length_mm: Vec<u64>,
    /// Cumulative programme shares per class.
    pub(super) programme_cdf: Vec<Vec<f64>>,
    /// Cumulative [green, yellow] channel probabilities per class × programme.
    pub(super) channel_cdf: Vec<[f64; 2]>,
    pub(super) random_inspection: Vec<f64>,
    /// Per class × direction: share of vehicles whose declaration is lodged before arrival.
    pub(super) pre_lodged_share: Vec<f64>,
    /// Per class: pre-lodged green vehicles are released on arrival.
    pub(super) pre_lodged_release: Vec<bool>,
    /// Per class: programme 0 for sure, green for sure, no random selection — the arrival
    /// draws can be skipped.
    pub(super) degenerate_draws: Vec<bool>,
    /// Arrival to release is recorded per cell: some station releases, or some vehicle can
    /// be released on arrival (else it is exactly arrival to exit).
    pub(super) record_release: bool,
    /// Some station's storage blocks when full: departures check, before freeing their
    /// lane, whether the vehicle can move on.
    pub(super) any_block: bool,
    /// A regional (aligned) source feeds the crossing: record the hourly border times the
    /// region's crossing choice reads. Plain runs skip that work on every exit.
    pub(super) hourly_exit_times: bool,
    /// Width of the queue and wait series' bins, ms, when they are collected.
    pub(super) series_bin_ms: Option<u64>,
    pub(super) stations: Vec<CompiledStation>,
    pub(super) sources: Vec<CompiledSource>,
    /// Vehicles standing in queues at time zero.
    pub(super) initial: Vec<CompiledInitial>,
    /// Events that change a station's lanes or service times, in the scenario's order.
    pub(super) disruptions: Vec<CompiledDisruption>,
    /// Demand drops: arrivals in a window kept with a probability.
    pub(super) drops: Vec<CompiledDrop>,
    /// Booked arrival slots, in the crossing's order.
    pub(super) appointments: Vec<crate::appointments::Appointment>,
    /// Per source × queue key: the booking system its vehicles book with
    /// (`appointments::NO_BOOKING`: none).
    pub(super) booking_of: Vec<u32>,
    /// Patience samplers per station × class (`None`: never gives up there); empty when no
    /// class gives up anywhere, so that a run without reneging does no work for it.
    pub(super) patience: Vec<Option<Sampler>>,
}

/// An event acting on a station in the window [`from_ms`, `to_ms`).
#[derive(Clone, Debug)]
pub(super) struct CompiledDisruption {
    pub(super) from_ms: u64,
    pub(super) to_ms: u64,
    pub(super) station: u32,
    /// One lane group, or every group.
    pub(super) group: Option<usize>,
    pub(super) kind: DisruptionKind,
}

#[derive(Clone, Debug)]
pub(super) enum DisruptionKind {
    /// This many lanes out (`u32::MAX`: all).
    Outage(u32),
    /// Service times times this factor.
    Slowdown(f64),
    /// Lanes open by hour of day instead of the weekly pattern.
    Schedule(Box<[u32; 24]>),
}

/// Arrivals in [`from_ms`, `to_ms`) of the classes marked are kept with probability
/// `factor`.
#[derive(Clone, Debug)]
pub(super) struct CompiledDrop {
    pub(super) from_ms: u64,
    pub(super) to_ms: u64,
    pub(super) factor: f64,
    /// Indexed by class.
    pub(super) classes: Vec<bool>,
}

/// A standing queue at time zero: its vehicles' kinds drawn from `kinds`.
#[derive(Clone, Debug)]
pub(super) struct CompiledInitial {
    pub(super) station: u32,
    pub(super) direction: u8,
    pub(super) vehicles: u32,
    /// Names the queue's random stream (one vehicle seed per vehicle, in line order).
    pub(super) stream_name: String,
    /// (cumulative weight, class, programme); the last bound at +∞.
    pub(super) kinds: Vec<(f64, u16, u8)>,
}

#[derive(Clone, Debug)]
pub(super) struct CompiledGroup {
    /// Indexed by queue key.
    pub(super) eligible: Vec<bool>,
    /// How many queue keys it serves as its own (the `true`s of `eligible`): the lane
    /// preference's measure of how dedicated it is, counted once here, not at each dispatch.
    pub(super) kinds: usize,
    pub(super) share_when_idle: bool,
    pub(super) schedule: LaneSchedule,
    pub(super) rule: Option<LaneRule>,
}

/// One storage of a station — its own, or a lane group's own approach.
#[derive(Clone, Copy, Debug)]
pub(super) struct CompiledArea {
    pub(super) limit: StorageLimit,
    pub(super) when_full: WhenFull,
}

#[derive(Clone, Debug)]
pub(super) struct CompiledStation {
    pub(super) groups: Vec<CompiledGroup>,
    /// Indexed by queue key (class × programme); `None` where such vehicles never come.
    pub(super) samplers: Vec<Option<Sampler>>,
    /// Indexed by station cell (class × programme × channel): (cumulative probability,
    /// target) with the last bound at +∞.
    pub(super) routing: Vec<Vec<(f64, u32)>>,
    /// The station's storage first, then each lane group's own storage.
    pub(super) areas: Vec<CompiledArea>,
    /// Per queue key: the index in `areas` of the storage its vehicles queue in.
    pub(super) area_of_key: Vec<u8>,
    /// Some storage blocks when full.
    pub(super) blocks: bool,
    /// Some storage has a limit: only then are its vehicles counted per storage (an
    /// unlimited storage never reads its counts).
    pub(super) limited: bool,
    pub(super) releases: bool,
    pub(super) pre_lodged: PreLodged,
    /// Merged into another station: every vehicle passes without stopping.
    pub(super) pass_all: bool,
    /// One lane group: its busy level is the station's.
    pub(super) single_group: bool,
    /// Per lane group: the factor on service times by hour of day (the station's times the
    /// group's), `None` where there is none.
    pub(super) hourly_factor: Vec<Option<Box<[f64; 24]>>>,
    /// Some service factor (hourly, or a slowdown event) applies here: only then is the
    /// factor looked up at each start of service.
    pub(super) scaled: bool,
    /// Keys the vehicles' sub-streams at this station: a hash of the station's name, so that
    /// adding, removing or reordering other stations leaves these draws unchanged.
    pub(super) stream_key: u64,
}

#[derive(Clone, Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "a scenario has a handful of sources; boxing would only add an indirection"
)]
pub(super) enum CompiledArrivals {
    Poisson {
        class: u16,
        interarrival_ms: Exp<f64>,
    },
    /// Thinning: candidates at `peak_rate`, each kept with probability rate(t) / peak.
    Thinning {
        class: u16,
        candidate_ms: Exp<f64>,
        peak_rate: f64,
        profile: RateProfile,
        /// A rejected candidate also consumes the draw of the vehicle seed it would have
        /// had (regional sources), so that the stream stays aligned whatever the rates.
        aligned: bool,
    },
    Trace(Vec<TraceArrival>),
    /// A demand surge's extra vehicles: a Poisson process at the profile's rate in the
    /// window [`from_ms`, `to_ms`) only.
    Window {
        class: u16,
        profile: RateProfile,
        from_ms: f64,
        to_ms: f64,
    },
}

#[derive(Clone, Debug)]
pub(super) struct CompiledSource {
    pub(super) stream_name: String,
    pub(super) entry: u32,
    pub(super) direction: u8,
    pub(super) arrivals: CompiledArrivals,
}

fn cdf(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    values
        .into_iter()
        .map(|v| {
            acc += v;
            acc
        })
        .collect()
}

impl CompiledScenario {
    /// Compiles `scenario`: builds every service-time sampler and arrival process and
    /// flattens the routing and lane tables.
    ///
    /// # Errors
    ///
    /// [`ModelError::BadServiceTime`] when a service-time distribution cannot be sampled,
    /// [`ModelError::BadArrivalRate`] when an arrival process cannot (both are normally
    /// caught earlier, by [`Crossing::new`]).
    pub fn new(scenario: &Scenario) -> Result<Self, ModelError> {
        let crossing = &scenario.crossing;
        let population = crossing.population();
        let shape = CellShape {
            classes: population.classes.len(),
            programmes: population.programmes.len(),
            directions: population.directions.len(),
        };
        let stations = crossing
            .stations()
            .iter()
            .enumerate()
            .map(|(i, st)| compile_station(crossing, StationId(i as u32), st, shape))
            .collect::<Result<Vec<_>, ModelError>>()?;
        let mut stations = stations;
        apply_hourly_factors(crossing, &mut stations);
        let initial = compile_initial(crossing);

        let sources = crossing
            .sources()
            .iter()
            .enumerate()
            .map(|(i, src)| compile_source(crossing, i, src))
            .collect::<Result<Vec<_>, ModelError>>()?;
        let (disruptions, drops, surges) = compile_events(crossing, &sources, &mut stations);
        let mut sources = sources;
        sources.extend(surges);
        let keys = shape.classes * shape.programmes;
        let booking_of = super::appointments::booking_table(crossing, &sources, shape);
        let mut key_priority = vec![0; keys];
        for (k, p) in key_priority.iter_mut().enumerate() {
            let (class, _) = decode_queue_key(k, shape.programmes);
            *p = population.classes[class.index()].priority;
        }
        let per_class = |f: &dyn Fn(&crate::population::VehicleClass) -> f64| -> Vec<f64> {
            population.classes.iter().map(f).collect()
        };
        Ok(CompiledScenario {
            patience: super::abandonment::compile_patience(crossing)?,
            horizon_ms: scenario.horizon.as_millis(),
            max_in_system: crossing.max_in_system(),
            series_bin_ms: crossing.series_bin_ms(),
            warmup_ms: scenario
                .warmup
                .as_millis()
                .min(scenario.horizon.as_millis()),
            start_weekday: scenario.start_weekday,
            shape,
            key_priority,
            class_length_mm: population
                .classes
                .iter()
                .map(|c| (c.length_m * 1000.0).round() as u64)
                .collect(),
            programme_cdf: population
                .classes
                .iter()
                .map(|c| cdf(c.programme_shares.iter().copied()))
                .collect(),
            channel_cdf: population
                .classes
                .iter()
                .flat_map(|c| c.channel_probabilities.iter().map(|p| [p[0], p[0] + p[1]]))
                .collect(),
            random_inspection: per_class(&|c| c.random_inspection),
            pre_lodged_share: population
                .classes
                .iter()
                .flat_map(|c| {
                    (0..shape.directions)
                        .map(|d| c.pre_lodged_share_in(crate::DirectionId(d as u8)))
                })
                .collect(),
            pre_lodged_release: population
                .classes
                .iter()
                .map(|c| c.pre_lodged_release_on_arrival)
                .collect(),
            degenerate_draws: population
                .classes
                .iter()
                .map(|c| {
                    c.programme_shares.first() == Some(&1.0)
                        && c.channel_probabilities.first().is_some_and(|p| p[0] == 1.0)
                        && c.random_inspection == 0.0
                        && c.pre_lodged_share == 0.0
                })
                .collect(),
            record_release: crossing.stations().iter().any(|s| s.releases)
                || population
                    .classes
                    .iter()
                    .any(|c| c.pre_lodged_release_on_arrival && c.pre_lodged_share > 0.0),
            any_block: crossing.stations().iter().any(Station::blocks),
            hourly_exit_times: sources
                .iter()
                .any(|s| matches!(s.arrivals, CompiledArrivals::Thinning { aligned: true, .. })),
            stations,
            sources,
            initial,
            disruptions,
            drops,
            appointments: crossing.appointments().to_vec(),
            booking_of,
        })
    }

    /// Whether a vehicle's goods are released on its arrival: lodged in advance, found
    /// green, of a class whose pre-lodged shipments are released on arrival.
    #[inline]
    pub(super) fn released_on_arrival(&self, pre_lodged: bool, channel: u8, class: u16) -> bool {
        pre_lodged && channel == Channel::Green as u8 && self.pre_lodged_release[usize::from(class)]
    }

    /// The storage (index in its `areas`) vehicles of queue key `key` use at station `s`.
    #[inline(always)]
    pub(super) fn area_of(&self, s: usize, key: usize) -> usize {
        let st = &self.stations[s];
        if st.areas.len() == 1 {
            0
        } else {
            usize::from(st.area_of_key[key])
        }
    }

    /// The number of stations.
    pub fn station_count(&self) -> usize {
        self.stations.len()
    }
}

/// One station's tables: a sampler per queue key (the effective service time), a routing
/// table per station cell, and each lane group's eligible keys.
fn compile_station(
    crossing: &Crossing,
    station: StationId,
    st: &Station,
    shape: CellShape,
) -> Result<CompiledStation, ModelError> {
    let keys = shape.classes * shape.programmes;
    let mut samplers = Vec::with_capacity(keys);
    for k in 0..keys {
        let (class, programme) = decode_queue_key(k, shape.programmes);
        samplers.push(
            match crossing.effective_service(station, class, programme) {
                Some(d) => Some(d.sampler().map_err(|e| ModelError::BadServiceTime {
                    station,
                    class,
                    reason: e.0,
                })?),
                None => None,
            },
        );
    }
    let routing = (0..shape.station_cells())
        .map(|cell| {
            let (class, programme, channel) = shape.decode_station_cell(cell);
            routing_table(
                st,
                VehicleKey {
                    class,
                    programme,
                    channel,
                },
            )
        })
        .collect();
    // Lanes ignore the channel: eligibility is by queue key, read with the green channel.
    let key_of = |k: usize| {
        let (class, programme) = decode_queue_key(k, shape.programmes);
        VehicleKey {
            class,
            programme,
            channel: Channel::Green,
        }
    };
    let groups = st
        .lanes
        .iter()
        .map(|g| {
            let eligible: Vec<bool> = (0..keys)
                .map(|k| lane_filter_matches(&g.serves, key_of(k)))
                .collect();
            CompiledGroup {
                kinds: eligible.iter().filter(|&&e| e).count(),
                eligible,
                share_when_idle: g.share_when_idle,
                schedule: g.schedule.clone(),
                rule: g.rule,
            }
        })
        .collect();
    let mut areas = vec![CompiledArea {
        limit: st.storage.limit,
        when_full: st.storage.when_full,
    }];
    let mut area_of_group = vec![0u8; st.lanes.len()];
    for (g, storage) in st.group_storage.iter().enumerate() {
        if let Some(storage) = storage {
            area_of_group[g] = areas.len() as u8;
            areas.push(CompiledArea {
                limit: storage.limit,
                when_full: storage.when_full,
            });
        }
    }
    // Validation leaves each key at most one group with its own storage.
    let area_of_key = (0..keys)
        .map(|k| {
            st.groups_storing(key_of(k))
                .next()
                .map_or(0, |g| area_of_group[g])
        })
        .collect();
    Ok(CompiledStation {
        hourly_factor: vec![None; st.lanes.len()],
        scaled: false,
        limited: areas.iter().any(|a| a.limit != StorageLimit::Unlimited),
        blocks: st.blocks(),
        areas,
        area_of_key,
        single_group: st.lanes.len() == 1,
        stream_key: super::visits::station_stream_key(&st.id),
        groups,
        samplers,
        routing,
        releases: st.releases,
        pre_lodged: st.pre_lodged,
        pass_all: st.merged_into.is_some(),
    })
}

/// Each lane group's hourly service factor: the station's times the group's (several
/// entries for one place multiply).
fn apply_hourly_factors(crossing: &Crossing, stations: &mut [CompiledStation]) {
    for f in &crossing.operations().service_factors {
        let st = &mut stations[f.station.index()];
        let groups = match f.group {
            Some(g) => g..g + 1,
            None => 0..st.hourly_factor.len(),
        };
        for g in groups {
            let slot = st.hourly_factor[g].get_or_insert_with(|| Box::new([1.0; 24]));
            for (x, by) in slot.iter_mut().zip(&f.by_hour) {
                *x *= by;
            }
        }
        st.scaled = true;
    }
}

/// The events of `crossing`: station disruptions (marking the stations whose service they
/// scale), demand drops, and the extra sources of demand surges — one per event and
/// generated source of a class concerned, with its own stream, so that the vehicles of
/// the run without the surge are all there, unchanged.
fn compile_events(
    crossing: &Crossing,
    sources: &[CompiledSource],
    stations: &mut [CompiledStation],
) -> (
    Vec<CompiledDisruption>,
    Vec<CompiledDrop>,
    Vec<CompiledSource>,
) {
    use crate::scenario::EventKind;
    let classes = crossing.population().classes.len();
    let (mut disruptions, mut drops, mut surges) = (Vec::new(), Vec::new(), Vec::new());
    for (i, e) in crossing.operations().events.iter().enumerate() {
        let (from_ms, to_ms) = (e.from.as_millis(), e.to.as_millis());
        let mut disruption = |station: crate::ids::StationId, group, kind| {
            disruptions.push(CompiledDisruption {
                from_ms,
                to_ms,
                station: station.0,
                group,
                kind,
            });
        };
        match &e.kind {
            EventKind::Outage {
                station,
                group,
                lanes,
            } => disruption(
                *station,
                *group,
                DisruptionKind::Outage(lanes.unwrap_or(u32::MAX)),
            ),
            EventKind::Closure { station } => {
                disruption(*station, None, DisruptionKind::Outage(u32::MAX));
            }
            EventKind::Slowdown {
                station,
                group,
                factor,
            } => {
                stations[station.index()].scaled = true;
                disruption(*station, *group, DisruptionKind::Slowdown(*factor));
            }
            EventKind::Schedule {
                station,
                group,
                servers_by_hour,
            } => disruption(
                *station,
                Some(*group),
                DisruptionKind::Schedule(Box::new(*servers_by_hour)),
            ),
            EventKind::Demand {
                factor,
                classes: which,
            } => {
                let mut mask = vec![which.is_none(); classes];
                for c in which.iter().flatten() {
                    mask[c.index()] = true;
                }
                if *factor < 1.0 {
                    drops.push(CompiledDrop {
                        from_ms,
                        to_ms,
                        factor: *factor,
                        classes: mask,
                    });
                    continue;
                }
                let extra = *factor - 1.0;
                if extra <= 0.0 {
                    continue;
                }
                for (k, src) in sources.iter().enumerate() {
                    let (class, profile) = match &src.arrivals {
                        CompiledArrivals::Poisson { class, .. } => {
                            let rate = match &crossing.sources()[k].arrivals {
                                Arrivals::Poisson { rate_per_hour, .. } => *rate_per_hour,
                                _ => continue,
                            };
                            (
                                *class,
                                RateProfile {
                                    hourly_per_hour: [rate; 24],
                                    day_factors: [1.0; 7],
                                },
                            )
                        }
                        CompiledArrivals::Thinning { class, profile, .. } => {
                            (*class, profile.clone())
                        }
                        _ => continue,
                    };
                    if !mask[usize::from(class)] {
                        continue;
                    }
                    let mut profile = profile;
                    for r in &mut profile.hourly_per_hour {
                        *r *= extra;
                    }
                    surges.push(CompiledSource {
                        stream_name: format!("event/{i}/{}", src.stream_name),
                        entry: src.entry,
                        direction: src.direction,
                        arrivals: CompiledArrivals::Window {
                            class,
                            profile,
                            from_ms: from_ms as f64,
                            to_ms: to_ms as f64,
                        },
                    });
                }
            }
        }
    }
    (disruptions, drops, surges)
}

/// The standing queues at time zero, with the cumulative weights of their kinds.
fn compile_initial(crossing: &Crossing) -> Vec<CompiledInitial> {
    crossing
        .operations()
        .initial_queues
        .iter()
        .filter(|q| q.vehicles > 0)
        .map(|q| {
            let st = crossing.station(q.station);
            // Validated by `Crossing::with_operations`: never empty.
            let mix = crossing.initial_mix(q).unwrap_or_default();
            let mut acc = 0.0;
            let mut kinds: Vec<(f64, u16, u8)> = mix
                .iter()
                .map(|(key, w)| {
                    acc += w;
                    (acc, key.class.0, key.programme.0)
                })
                .collect();
            if let Some(last) = kinds.last_mut() {
                last.0 = f64::INFINITY;
            }
            CompiledInitial {
                station: q.station.0,
                direction: st.direction.0,
                vehicles: q.vehicles,
                stream_name: match q.group {
                    Some(g) => format!("initial/{}/{}", st.id, st.lanes[g].id),
                    None => format!("initial/{}", st.id),
                },
                kinds,
            }
        })
        .filter(|q| !q.kinds.is_empty())
        .collect()
}

/// The routing table of vehicles of kind `key` at `st`: (cumulative probability, target)
/// over the branches with positive probability, the last bound at +∞.
fn routing_table(st: &Station, key: VehicleKey) -> Vec<(f64, u32)> {
    let mut table = Vec::new();
    let mut cumulative = 0.0;
    for r in branches_for(&st.routes, key) {
        if r.probability <= 0.0 {
            continue;
        }
        cumulative += r.probability;
        let to = match r.to {
            Target::Exit => EXIT,
            Target::Station(s) => s.0,
        };
        table.push((cumulative, to));
    }
    match table.last_mut() {
        // Probabilities sum to 1 within a tolerance; make the last bound infinite so every
        // draw in [0, 1) finds a branch.
        Some(last) => last.0 = f64::INFINITY,
        None => table.push((f64::INFINITY, EXIT)),
    }
    table
}

/// Source `i`'s arrival process, with the name of its random stream.
fn compile_source(
    crossing: &Crossing,
    i: usize,
    src: &Source,
) -> Result<CompiledSource, ModelError> {
    let bad = |reason: String| ModelError::BadArrivalRate { source: i, reason };
    let per_ms = |per_hour: f64| per_hour / SimTime::MS_PER_HOUR as f64;
    let arrivals = match &src.arrivals {
        Arrivals::Poisson {
            class,
            rate_per_hour,
        } => CompiledArrivals::Poisson {
            class: class.0,
            interarrival_ms: Exp::new(per_ms(*rate_per_hour)).map_err(|e| bad(e.to_string()))?,
        },
        Arrivals::Profile { class, profile } => {
            let peak_rate = profile.max_rate_per_hour();
            CompiledArrivals::Thinning {
                class: class.0,
                candidate_ms: Exp::new(per_ms(peak_rate)).map_err(|e| bad(e.to_string()))?,
                peak_rate,
                profile: profile.clone(),
                aligned: false,
            }
        }
        Arrivals::Trace { arrivals } => CompiledArrivals::Trace(arrivals.clone()),
        Arrivals::Thinned {
            class,
            peak_per_hour,
            profile,
        } => CompiledArrivals::Thinning {
            class: class.0,
            candidate_ms: Exp::new(per_ms(*peak_per_hour)).map_err(|e| bad(e.to_string()))?,
            peak_rate: *peak_per_hour,
            profile: profile.clone(),
            aligned: true,
        },
    };
    Ok(CompiledSource {
        stream_name: format!("source/{}", src.id),
        entry: src.entry.0,
        direction: crossing.source_direction(i).0,
        arrivals,
    })
}

//! The structural checks behind [`Crossing::new`](crate::Crossing::new), one function per
//! concern. Each appends what it finds to a list, so every problem is reported, not just
//! the first; the order of the list is the order of the checks.

use super::{ModelError, PROBABILITY_SUM_TOLERANCE};
use crate::dist::ServiceDist;
use crate::ids::{ClassId, ProgrammeId, StationId};
use crate::population::{Channel, Population, VehicleClass, VehicleKey};
use crate::schedule::LaneSchedule;
use crate::source::{Arrivals, Source};
use crate::station::{PreLodged, Station, StorageLimit, Target, WhenFull, branches_for};

fn is_probability(p: f64) -> bool {
    p.is_finite() && (0.0..=1.0).contains(&p)
}

/// The most servers a station may have open at once, summed over its lane groups: the
/// largest count one group holds (`u32::MAX`), so that a count is the same limit whether
/// written as one number or as several groups.
pub const MAX_STATION_SERVERS: u64 = u32::MAX as u64;

/// The population: something of each kind, within the engine's limits, and every class's
/// parameters in range.
pub(crate) fn check_population(population: &Population) -> Vec<ModelError> {
    let mut errors = Vec::new();
    if population.classes.is_empty() {
        errors.push(ModelError::NoClasses);
    }
    if population.directions.is_empty() {
        errors.push(ModelError::NoDirections);
    }
    if population.programmes.is_empty() {
        errors.push(ModelError::NoProgrammes);
    }
    check_population_limits(population, &mut errors);
    for (c, class) in population.classes.iter().enumerate() {
        check_class(
            ClassId(c as u16),
            class,
            population.programmes.len(),
            &mut errors,
        );
    }
    errors
}

fn check_population_limits(population: &Population, errors: &mut Vec<ModelError>) {
    // Vehicle records keep programme and direction in a byte and the station cell
    // (class × programme × channel) in 16 bits.
    let limits = [
        (
            "programmes",
            population.programmes.len(),
            usize::from(u8::MAX),
        ),
        (
            "directions",
            population.directions.len(),
            usize::from(u8::MAX),
        ),
        (
            "class × programme × channel combinations",
            population.classes.len() * population.programmes.len() * 3,
            usize::from(u16::MAX),
        ),
    ];
    for (what, count, limit) in limits {
        if count > limit {
            errors.push(ModelError::TooMany { what, count, limit });
        }
    }
}

fn check_class(
    cid: ClassId,
    class: &VehicleClass,
    programmes: usize,
    errors: &mut Vec<ModelError>,
) {
    let mut bad = |reason: String| {
        errors.push(ModelError::BadClassParameter { class: cid, reason });
    };
    if !(class.length_m.is_finite() && class.length_m > 0.0) {
        bad(format!("length must be positive, got {} m", class.length_m));
    }
    if !is_probability(class.pre_lodged_share) {
        bad(format!(
            "the pre-lodged share must be in [0, 1], got {}",
            class.pre_lodged_share
        ));
    }
    if !is_probability(class.random_inspection) {
        bad(format!(
            "random inspection rate must be in [0, 1], got {}",
            class.random_inspection
        ));
    }
    if class.programme_shares.len() != programmes || class.channel_probabilities.len() != programmes
    {
        bad(format!(
            "needs one share and one channel split for each of the {programmes} programmes"
        ));
        return;
    }
    if class.programme_shares.iter().any(|&s| !is_probability(s)) {
        bad("every programme share must be in [0, 1]".into());
    }
    let sum: f64 = class.programme_shares.iter().sum();
    if (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
        errors.push(ModelError::ProgrammeSharesDoNotSumToOne { class: cid, sum });
    }
    for (p, probs) in class.channel_probabilities.iter().enumerate() {
        if probs.iter().any(|&x| !is_probability(x)) {
            errors.push(ModelError::BadClassParameter {
                class: cid,
                reason: "every channel probability must be in [0, 1]".into(),
            });
        }
        let sum: f64 = probs.iter().sum();
        if (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
            errors.push(ModelError::ChannelProbabilitiesDoNotSumToOne {
                class: cid,
                programme: ProgrammeId(p as u8),
                sum,
            });
        }
    }
}

/// Stations and sources, each on its own (what needs the whole graph is checked once the
/// graph is built, by the crossing's reachability walk).
pub(crate) fn check_parts(
    population: &Population,
    stations: &[Station],
    sources: &[Source],
) -> Vec<ModelError> {
    let mut errors = Vec::new();
    if stations.is_empty() {
        errors.push(ModelError::NoStations);
    }
    if sources.is_empty() {
        errors.push(ModelError::NoSources);
    }
    for i in 0..stations.len() {
        let sid = StationId(i as u32);
        check_lanes(sid, &stations[i], &mut errors);
        check_merge(sid, stations, &mut errors);
        check_service_factors(sid, &stations[i], &mut errors);
        check_storage(sid, &stations[i], population, &mut errors);
        check_routes(sid, stations, &mut errors);
        check_service_times(sid, &stations[i], population, &mut errors);
    }
    for (i, src) in sources.iter().enumerate() {
        check_source(i, src, stations.len(), population, &mut errors);
    }
    if errors.is_empty() {
        errors.extend(super::cycles::check_zero_time_cycles(
            population, stations, sources,
        ));
    }
    if errors.is_empty() {
        errors.extend(super::cycles::check_endless_loops(
            population, stations, sources,
        ));
    }
    errors
}

/// Lane groups: some, within the limit, some lane open at some hour, and workable lane
/// rules.
///
/// A station has at most [`MAX_STATION_SERVERS`] servers open at once, summed over its lane
/// groups, as one constant `servers` has.
fn check_lanes(sid: StationId, st: &Station, errors: &mut Vec<ModelError>) {
    if st.lanes.len() > usize::from(u8::MAX) {
        errors.push(ModelError::TooMany {
            what: "lane groups at one station",
            count: st.lanes.len(),
            limit: usize::from(u8::MAX),
        });
    }
    if st.lanes.is_empty() {
        errors.push(ModelError::NoLanes { station: sid });
    } else if st.max_servers() == 0 {
        errors.push(ModelError::NeverOpen { station: sid });
    } else if st.max_servers() > MAX_STATION_SERVERS {
        // The one limit on servers, whether written as one count or summed over groups.
        errors.push(ModelError::TooManyServers {
            station: sid,
            count: st.max_servers(),
            limit: MAX_STATION_SERVERS,
        });
    }
    for (g, group) in st.lanes.iter().enumerate() {
        let Some(rule) = &group.rule else { continue };
        let reason = match group.schedule {
            LaneSchedule::Constant(start) => rule.problem(start),
            _ => Some(
                "a lane rule opens and closes lanes itself: give the lanes open at the \
                 start as a constant, not an hourly schedule"
                    .into(),
            ),
        };
        if let Some(reason) = reason {
            errors.push(ModelError::BadLaneRule {
                station: sid,
                group: g,
                reason,
            });
        }
    }
}

/// A merged control names another station of its direction that is not merged itself; the
/// joint service factor is positive.
fn check_merge(sid: StationId, stations: &[Station], errors: &mut Vec<ModelError>) {
    let st = &stations[sid.index()];
    if let Some(target) = st.merged_into {
        let reason = if target.index() >= stations.len() {
            Some("it names no station".to_owned())
        } else if target == sid {
            Some("a station cannot be merged into itself".to_owned())
        } else if stations[target.index()].merged_into.is_some() {
            Some(format!(
                "`{}` is itself merged into another station: merge into the joint stop",
                stations[target.index()].id
            ))
        } else if stations[target.index()].direction != st.direction {
            Some(format!(
                "`{}` serves another direction",
                stations[target.index()].id
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            errors.push(ModelError::BadMerge {
                station: sid,
                reason,
            });
        }
    }
    if !(st.joint_service_factor.is_finite() && st.joint_service_factor > 0.0) {
        errors.push(ModelError::BadMerge {
            station: sid,
            reason: format!(
                "the joint service factor must be positive, got {}",
                st.joint_service_factor
            ),
        });
    }
}

/// Programme service-time factors and the pre-lodged factor are positive.
fn check_service_factors(sid: StationId, st: &Station, errors: &mut Vec<ModelError>) {
    for (p, f) in st.service_factor_by_programme.iter().enumerate() {
        if !(f.is_finite() && *f > 0.0) {
            errors.push(ModelError::BadProgrammeServiceTime {
                station: sid,
                programme: ProgrammeId(p as u8),
                reason: format!("the service-time factor must be positive, got {f}"),
            });
        }
    }
    if let PreLodged::Scale(f) = st.pre_lodged
        && !(f.is_finite() && f > 0.0)
    {
        errors.push(ModelError::BadPreLodged {
            station: sid,
            reason: format!(
                "the service factor for pre-lodged vehicles must be positive (to pass \
                 without stopping, skip the station), got {f}"
            ),
        });
    }
}

/// A limited queue holds at least one vehicle (of the longest class, for a length).
fn check_storage(
    sid: StationId,
    st: &Station,
    population: &Population,
    errors: &mut Vec<ModelError>,
) {
    match st.storage.limit {
        StorageLimit::Unlimited => {}
        // No waiting room is a loss system (M/M/c/c) when arrivals that find every server
        // busy leave; with spillback they would wait on the road for a queue that can never
        // hold them.
        // With blocking, a vehicle coming from another lane stays there until a lane here
        // is free (no buffer between the two stations).
        StorageLimit::Vehicles(0)
            if !matches!(st.storage.when_full, WhenFull::Balk | WhenFull::Block) =>
        {
            errors.push(ModelError::BadStorage {
                station: sid,
                reason: "a queue of 0 vehicles (no waiting room) needs arrivals that find every \
                         server busy to leave: when_full = \"balk\""
                    .into(),
            })
        }
        StorageLimit::Vehicles(_) => {}
        StorageLimit::Metres(m) => {
            let longest = population
                .classes
                .iter()
                .map(|c| c.length_m)
                .fold(0.0, f64::max);
            let mm = |metres: f64| (metres * 1000.0).round();
            if !(m.is_finite() && mm(m) >= mm(longest)) {
                errors.push(ModelError::BadStorage {
                    station: sid,
                    reason: format!(
                        "{m} m cannot hold even one vehicle of the longest class ({longest} m)"
                    ),
                });
            }
        }
    }
}

/// Every route leads to a station of the same direction (or the exit), with a probability.
fn check_routes(sid: StationId, stations: &[Station], errors: &mut Vec<ModelError>) {
    let st = &stations[sid.index()];
    for (r, route) in st.routes.iter().enumerate() {
        if let Target::Station(t) = route.to {
            if t.index() >= stations.len() {
                errors.push(ModelError::RouteTargetOutOfRange {
                    station: sid,
                    route: r,
                });
            } else if stations[t.index()].direction != st.direction {
                errors.push(ModelError::RouteCrossesDirection {
                    station: sid,
                    route: r,
                });
            }
        }
        if !is_probability(route.probability) {
            errors.push(ModelError::BadProbability {
                station: sid,
                route: r,
                probability: route.probability,
            });
        }
    }
}

/// Service-time distributions are valid, and for every vehicle kind the branches that
/// apply sum to 1.
fn check_service_times(
    sid: StationId,
    st: &Station,
    population: &Population,
    errors: &mut Vec<ModelError>,
) {
    for (p, d) in st.service_by_programme.iter().enumerate() {
        if let Some(Err(e)) = d.as_ref().map(ServiceDist::validate) {
            errors.push(ModelError::BadProgrammeServiceTime {
                station: sid,
                programme: ProgrammeId(p as u8),
                reason: e.0,
            });
        }
    }
    if st.service_by_programme.len() > population.programmes.len() {
        errors.push(ModelError::TooMany {
            what: "programme service times at one station",
            count: st.service_by_programme.len(),
            limit: population.programmes.len(),
        });
    }
    for c in 0..population.classes.len() {
        let class = ClassId(c as u16);
        if let Some(Some(d)) = st.service.get(c)
            && let Err(e) = d.validate()
        {
            errors.push(ModelError::BadServiceTime {
                station: sid,
                class,
                reason: e.0,
            });
        }
        // Interleaved with the class's service time, so the errors of one class stay
        // together.
        check_route_sums(sid, st, class, population.programmes.len(), errors);
    }
}

fn check_route_sums(
    sid: StationId,
    st: &Station,
    class: ClassId,
    programmes: usize,
    errors: &mut Vec<ModelError>,
) {
    for p in 0..programmes {
        for ch in Channel::ALL {
            let key = VehicleKey {
                class,
                programme: ProgrammeId(p as u8),
                channel: ch,
            };
            let branches = branches_for(&st.routes, key);
            if !branches.is_empty() {
                let sum: f64 = branches.iter().map(|r| r.probability).sum();
                if (sum - 1.0).abs() > PROBABILITY_SUM_TOLERANCE {
                    errors.push(ModelError::ProbabilitiesDoNotSumToOne {
                        station: sid,
                        key,
                        sum,
                    });
                }
            }
        }
    }
}

/// A source enters at a station, names existing classes and programmes, and has a valid
/// arrival process.
fn check_source(
    i: usize,
    src: &Source,
    stations: usize,
    population: &Population,
    errors: &mut Vec<ModelError>,
) {
    let classes = population.classes.len();
    if src.entry.index() >= stations {
        errors.push(ModelError::SourceEntryOutOfRange { source: i });
    }
    let bad_rate = |reason: String| ModelError::BadArrivalRate { source: i, reason };
    // Negative, infinite or NaN rates; zero is allowed.
    let bad_profile = |profile: &crate::schedule::RateProfile| {
        profile
            .hourly_per_hour
            .iter()
            .chain(&profile.day_factors)
            .any(|x| !(x.is_finite() && *x >= 0.0))
    };
    match &src.arrivals {
        Arrivals::Poisson {
            class,
            rate_per_hour,
        } => {
            if class.index() >= classes {
                errors.push(ModelError::SourceClassOutOfRange { source: i });
            }
            if !(rate_per_hour.is_finite() && *rate_per_hour > 0.0) {
                errors.push(bad_rate(format!(
                    "arrival rate must be positive, got {rate_per_hour}/h"
                )));
            }
        }
        Arrivals::Profile { class, profile } => {
            if class.index() >= classes {
                errors.push(ModelError::SourceClassOutOfRange { source: i });
            }
            if bad_profile(profile) || profile.max_rate_per_hour() <= 0.0 {
                errors.push(bad_rate(
                    "profile rates and day factors must be zero or positive, and not all zero"
                        .into(),
                ));
            }
        }
        Arrivals::Thinned {
            class,
            peak_per_hour,
            profile,
        } => {
            if class.index() >= classes {
                errors.push(ModelError::SourceClassOutOfRange { source: i });
            }
            if bad_profile(profile)
                || !(peak_per_hour.is_finite() && *peak_per_hour > 0.0)
                || profile.max_rate_per_hour() > *peak_per_hour
            {
                errors.push(bad_rate(format!(
                    "thinned profile rates must be zero or positive and at most the \
                     peak rate, which must be positive (peak {peak_per_hour}/h, highest \
                     rate {}/h)",
                    profile.max_rate_per_hour()
                )));
            }
        }
        Arrivals::Trace { arrivals } => {
            for (row, pair) in arrivals.windows(2).enumerate() {
                if pair[1].time < pair[0].time {
                    errors.push(ModelError::UnsortedTrace {
                        source: i,
                        row: row + 1,
                    });
                    break;
                }
            }
            if arrivals.iter().any(|a| a.class.index() >= classes) {
                errors.push(ModelError::SourceClassOutOfRange { source: i });
            }
            let programmes = population.programmes.len();
            if arrivals
                .iter()
                .any(|a| a.programme.is_some_and(|p| p.index() >= programmes))
            {
                errors.push(ModelError::SourceProgrammeOutOfRange { source: i });
            }
        }
    }
}

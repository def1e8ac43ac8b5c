//! Checks on the route graph that must stay linear in its size (a crossing of 200,000
//! stations in a chain validates in well under a second): which stations lead to an exit,
//! and routes a vehicle can go round without the clock advancing.

use super::ModelError;
use crate::ids::{ClassId, ProgrammeId, StationId};
use crate::population::{Channel, Population, VehicleKey};
use crate::source::{Arrivals, Source};
use crate::station::{PreLodged, Station, Target, moves};

/// Which stations vehicles of kind `key` can leave the crossing from, by their routes: a
/// walk backwards from the stations that route to the exit, each station and route visited
/// once.
pub(crate) fn stations_leading_to_exit(stations: &[Station], key: VehicleKey) -> Vec<bool> {
    let n = stations.len();
    // Reverse edges in compressed form: `into[start[t]..start[t + 1]]` are the stations
    // that route to `t`.
    let mut edges: Vec<(u32, u32)> = Vec::new();
    let mut can_exit = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    for (i, st) in stations.iter().enumerate() {
        for target in moves(&st.routes, key) {
            match target {
                Target::Exit => {
                    if !can_exit[i] {
                        can_exit[i] = true;
                        stack.push(i as u32);
                    }
                }
                Target::Station(t) if t.index() < n => edges.push((t.0, i as u32)),
                Target::Station(_) => {}
            }
        }
    }
    edges.sort_unstable();
    let mut start = vec![0usize; n + 1];
    for &(t, _) in &edges {
        start[t as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    while let Some(t) = stack.pop() {
        let t = t as usize;
        for &(_, from) in &edges[start[t]..start[t + 1]] {
            if !std::mem::replace(&mut can_exit[from as usize], true) {
                stack.push(from);
            }
        }
    }
    can_exit
}

/// Half a millisecond: a draw shorter than this rounds to 0 ms on the clock.
const ROUNDS_TO_ZERO_MS: f64 = 0.5;

/// Routes a vehicle can go round taking no time at all — every station on the loop passed
/// without stopping (merged into another, skipped when pre-lodged) or served in less than
/// half a millisecond on average, so that its draws round to 0 ms (always, for a fixed
/// time; almost always, for an exponential of mean 0.01 ms) — are refused: the clock would
/// never advance past the instant such a vehicle enters them (a 0 s service with a
/// self-loop at p = 1 − 1e-16 runs about 1e16 rounds at one instant). One error per vehicle class, at the first station of the first
/// such loop found; linear in stations and routes per vehicle kind.
pub(crate) fn check_zero_time_cycles(
    population: &Population,
    stations: &[Station],
    sources: &[Source],
) -> Vec<ModelError> {
    let mut errors = Vec::new();
    for (c, class) in population.classes.iter().enumerate() {
        let cid = ClassId(c as u16);
        let entries: Vec<usize> = sources
            .iter()
            .filter(|src| source_brings(src, cid))
            .map(|src| src.entry.index())
            .filter(|&e| e < stations.len())
            .collect();
        if entries.is_empty() {
            continue;
        }
        let pre_lodged = class.pre_lodged_share > 0.0;
        'programmes: for p in 0..population.programmes.len() {
            let pid = ProgrammeId(p as u8);
            let zero: Vec<bool> = zero_time_stations(stations, cid, pid, pre_lodged);
            if !zero.contains(&true) {
                continue;
            }
            for channel in Channel::ALL {
                let key = VehicleKey {
                    class: cid,
                    programme: pid,
                    channel,
                };
                // Only where these vehicles go: a station they never reach has no service
                // time for them, which is no loop of theirs.
                let reached = reached_from(stations, &entries, key);
                let zero: Vec<bool> = zero.iter().zip(&reached).map(|(z, r)| *z && *r).collect();
                if let Some(cycle) = find_cycle(stations, &zero, key) {
                    let names: Vec<&str> = cycle
                        .iter()
                        .chain(cycle.first())
                        .map(|s| stations[s.index()].id.as_str())
                        .collect();
                    errors.push(ModelError::ZeroTimeCycle {
                        station: cycle[0],
                        class: cid,
                        reason: format!(
                            "vehicles of class `{}` can go round {} without the clock \
                             advancing (every station on the loop is passed without stopping \
                             or serves in under half a millisecond on average, which the clock \
                             counts as 0): give \
                             one of them a service time of at least 1 ms, or break the loop",
                            class.id,
                            names
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(" → ")
                        ),
                    });
                    break 'programmes;
                }
            }
        }
    }
    errors
}

/// Most visits one vehicle may make to one station on average. A loop whose routes keep
/// vehicles almost surely (a self-loop at p = 1 − 1e-16: about 1e16 visits each) takes
/// time, but more of it than any run can give: a cheap file would run for hours.
pub const MAX_MEAN_VISITS: f64 = 1e6;

/// Loops that take time but that a vehicle leaves so rarely that it would visit a station
/// more than [`MAX_MEAN_VISITS`] times on average (the traffic equations per arriving
/// vehicle) are refused, one error per class at the station with the most visits. The
/// visits are those of `station_flows`: exact for a loop of up to [`DENSE_LOOP`](flows::DENSE_LOOP) stations,
/// extrapolated past the sweeps allowed for a larger one, never under-counted by stopping
/// early.
pub(crate) fn check_endless_loops(
    population: &Population,
    stations: &[Station],
    sources: &[Source],
) -> Vec<ModelError> {
    let mut errors = Vec::new();
    for (c, class) in population.classes.iter().enumerate() {
        let cid = ClassId(c as u16);
        let mut entries: Vec<usize> = sources
            .iter()
            .filter(|src| source_brings(src, cid))
            .map(|src| src.entry.index())
            .filter(|&e| e < stations.len())
            .collect();
        entries.sort_unstable();
        entries.dedup();
        'class: for p in 0..population.programmes.len() {
            for channel in Channel::ALL {
                let key = VehicleKey {
                    class: cid,
                    programme: ProgrammeId(p as u8),
                    channel,
                };
                // A loop with no way out at all is the error about vehicles that can never
                // leave, reported with the crossing's structure, not here.
                let can_exit = stations_leading_to_exit(stations, key);
                for &entry in &entries {
                    let flows = station_flows(stations, key, StationId(entry as u32), 1.0);
                    let worst = flows
                        .iter()
                        .enumerate()
                        .filter(|(s, _)| can_exit[*s])
                        .filter(|(_, v)| v.is_nan() || **v > MAX_MEAN_VISITS)
                        .max_by(|a, b| a.1.total_cmp(b.1));
                    if let Some((s, visits)) = worst {
                        errors.push(ModelError::EndlessLoop {
                            station: StationId(s as u32),
                            class: cid,
                            reason: format!(
                                "vehicles of class `{}` would visit station `{}` about {:.1e} \
                                 times each on average: its routes lead back to it almost \
                                 surely (at most {:.0e} visits are allowed, or a run never \
                                 ends); give the routes out of the loop more probability",
                                class.id, stations[s].id, visits, MAX_MEAN_VISITS
                            ),
                        });
                        break 'class;
                    }
                }
            }
        }
    }
    errors
}

/// Whether `source` brings vehicles of `class`.
fn source_brings(source: &Source, class: ClassId) -> bool {
    match &source.arrivals {
        Arrivals::Poisson { class: c, .. }
        | Arrivals::Profile { class: c, .. }
        | Arrivals::Thinned { class: c, .. } => *c == class,
        Arrivals::Trace { arrivals } => arrivals.iter().any(|a| a.class == class),
    }
}

/// The stations vehicles of kind `key` entering at `entries` can reach.
fn reached_from(stations: &[Station], entries: &[usize], key: VehicleKey) -> Vec<bool> {
    let mut reached = vec![false; stations.len()];
    let mut stack = entries.to_vec();
    while let Some(s) = stack.pop() {
        if std::mem::replace(&mut reached[s], true) {
            continue;
        }
        for t in moves(&stations[s].routes, key) {
            if let Target::Station(t) = t
                && t.index() < stations.len()
                && !reached[t.index()]
            {
                stack.push(t.index());
            }
        }
    }
    reached
}

/// The stations vehicles of (`class`, `programme`) can pass taking no time.
fn zero_time_stations(
    stations: &[Station],
    class: ClassId,
    programme: ProgrammeId,
    pre_lodged: bool,
) -> Vec<bool> {
    // Mean of a station's service for these vehicles, before merged controls.
    let own_mean = |st: &Station| -> f64 {
        st.service_for(class, programme).map_or(0.0, |d| {
            d.mean_ms() * st.programme_service_factor(programme)
        })
    };
    // A joint stop also does the work of the controls merged into it.
    let mut merged_mean = vec![0.0f64; stations.len()];
    for st in stations {
        if let Some(target) = st.merged_into
            && target.index() < stations.len()
        {
            merged_mean[target.index()] += own_mean(st);
        }
    }
    stations
        .iter()
        .enumerate()
        .map(|(i, st)| {
            if st.merged_into.is_some() {
                return true;
            }
            let mut mean = if merged_mean[i] > 0.0 {
                (own_mean(st) + merged_mean[i]) * st.joint_service_factor
            } else {
                own_mean(st)
            };
            if pre_lodged {
                match st.pre_lodged {
                    PreLodged::Skip => return true,
                    PreLodged::Scale(f) => mean *= f.min(1.0),
                    PreLodged::Same => {}
                }
            }
            mean < ROUNDS_TO_ZERO_MS
        })
        .collect()
}

/// A loop of routes of vehicles of kind `key` through `zero` stations only, in route order,
/// if there is one (iterative depth-first search: each station and route visited once).
fn find_cycle(stations: &[Station], zero: &[bool], key: VehicleKey) -> Option<Vec<StationId>> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let n = stations.len();
    let mut state = vec![NEW; n];
    let next = |s: usize| -> Vec<usize> {
        moves(&stations[s].routes, key)
            .filter_map(|t| match t {
                Target::Station(t) if t.index() < n && zero[t.index()] => Some(t.index()),
                _ => None,
            })
            .collect()
    };
    for root in 0..n {
        if !zero[root] || state[root] != NEW {
            continue;
        }
        // The path from `root`, each station with the targets it has still to try.
        let mut path: Vec<(usize, Vec<usize>)> = vec![(root, next(root))];
        state[root] = ON_PATH;
        while let Some((_, targets)) = path.last_mut() {
            match targets.pop() {
                Some(t) if state[t] == ON_PATH => {
                    let from = path.iter().position(|(s, _)| *s == t).unwrap_or(0);
                    return Some(
                        path[from..]
                            .iter()
                            .map(|(s, _)| StationId(*s as u32))
                            .collect(),
                    );
                }
                Some(t) if state[t] == NEW => {
                    state[t] = ON_PATH;
                    path.push((t, next(t)));
                }
                Some(_) => {}
                None => {
                    let (s, _) = path.pop().expect("the path is not empty");
                    state[s] = DONE;
                }
            }
        }
    }
    None
}

mod flows;
#[cfg(test)]
mod tests;

pub(crate) use self::flows::station_flows;

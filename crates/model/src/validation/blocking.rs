//! Checks of lane groups' own storage and of blocking after service: each group's storage
//! can hold a vehicle, no vehicle kind has two approaches, and no route cycle blocks at
//! every station (a deadlock: each station's lanes held by vehicles waiting for the next).
//!
//! Blocking can only deadlock around a cycle of *blocking moves*: a vehicle leaving station
//! `u` for a station `t` whose storage blocks when full keeps its lane at `u` until `t`
//! has room, and `t` has room only once one of its own lanes frees. A chain of such waits
//! that does not close on itself ends at a station whose vehicles leave their lanes
//! whatever happens downstream (spill back, balk or exit), so it always moves on. A cycle in
//! which every move blocks can fill and stop for ever; it is rejected before any run, with
//! the stations on it named. Stations vehicles pass without stopping (merged controls,
//! stations pre-lodged vehicles skip) are looked through, since the vehicle keeps its lane
//! while it passes them.

use super::ModelError;
use crate::ids::StationId;
use crate::population::{Channel, Population, VehicleKey};
use crate::station::{PreLodged, Station, Storage, StorageLimit, Target, WhenFull};

/// Every problem of the lane groups' own storage and of blocking cycles.
pub(crate) fn check_blocking(population: &Population, stations: &[Station]) -> Vec<ModelError> {
    let mut errors = Vec::new();
    for (i, st) in stations.iter().enumerate() {
        check_group_storage(StationId(i as u32), st, population, &mut errors);
    }
    if errors.is_empty() && stations.iter().any(Station::blocks) {
        check_cycles(stations, &mut errors);
    }
    errors
}

/// Why `storage` cannot work, if it cannot (the station's own storage is checked in
/// `checks`; this reads a lane group's).
pub(crate) fn storage_problem(storage: &Storage, population: &Population) -> Option<String> {
    match storage.limit {
        StorageLimit::Unlimited => None,
        StorageLimit::Vehicles(0)
            if !matches!(storage.when_full, WhenFull::Balk | WhenFull::Block) =>
        {
            Some(
                "a queue of 0 vehicles (no waiting room) needs arrivals that find every server \
                 busy to leave (when_full = \"balk\") or to stay in the lane they come from \
                 (when_full = \"block\")"
                    .into(),
            )
        }
        StorageLimit::Vehicles(_) => None,
        StorageLimit::Metres(m) => {
            let longest = population
                .classes
                .iter()
                .map(|c| c.length_m)
                .fold(0.0, f64::max);
            let mm = |metres: f64| (metres * 1000.0).round();
            (!(m.is_finite() && mm(m) >= mm(longest))).then(|| {
                format!("{m} m cannot hold even one vehicle of the longest class ({longest} m)")
            })
        }
    }
}

/// Each lane group's own storage holds a vehicle, belongs to a group that exists, and no
/// vehicle kind is served as its own by two groups with their own storage (it would have
/// two approaches).
fn check_group_storage(
    sid: StationId,
    st: &Station,
    population: &Population,
    errors: &mut Vec<ModelError>,
) {
    if st.group_storage.len() > st.lanes.len() {
        errors.push(ModelError::BadGroupStorage {
            station: sid,
            group: st.lanes.len().saturating_sub(1),
            reason: format!(
                "{} lane groups have their own storage, but the station has only {} lane \
                 groups",
                st.group_storage.len(),
                st.lanes.len()
            ),
        });
        return;
    }
    for (g, storage) in st.group_storage.iter().enumerate() {
        if let Some(reason) = storage
            .as_ref()
            .and_then(|s| storage_problem(s, population))
        {
            errors.push(ModelError::BadGroupStorage {
                station: sid,
                group: g,
                reason,
            });
        }
    }
    for (c, _) in population.classes.iter().enumerate() {
        for (p, _) in population.programmes.iter().enumerate() {
            let key = VehicleKey {
                class: crate::ids::ClassId(c as u16),
                programme: crate::ids::ProgrammeId(p as u8),
                channel: Channel::Green,
            };
            let mut storing = st.groups_storing(key);
            if let (Some(first), Some(second)) = (storing.next(), storing.next()) {
                errors.push(ModelError::TwoApproaches {
                    station: sid,
                    groups: (first, second),
                    key,
                });
                return;
            }
        }
    }
}

/// The stations a vehicle served at `from` can be at next, looking through the stations
/// it may pass without stopping (each of those is also a possible stop).
fn next_stops(stations: &[Station], from: usize, seen: &mut [bool], out: &mut Vec<usize>) {
    let mut stack: Vec<usize> = Vec::new();
    let push_targets = |st: &Station, stack: &mut Vec<usize>| {
        for route in &st.routes {
            if let Target::Station(t) = route.to
                && route.probability > 0.0
                && t.index() < stations.len()
            {
                stack.push(t.index());
            }
        }
    };
    push_targets(&stations[from], &mut stack);
    while let Some(t) = stack.pop() {
        if seen[t] {
            continue;
        }
        seen[t] = true;
        out.push(t);
        let st = &stations[t];
        if st.merged_into.is_some() || st.pre_lodged == PreLodged::Skip {
            push_targets(st, &mut stack);
        }
    }
    for &t in out.iter() {
        seen[t] = false;
    }
}

/// Cycles of blocking moves (a move into a station some storage of which blocks), found by
/// one depth-first walk: each reported once, at its first blocking station.
fn check_cycles(stations: &[Station], errors: &mut Vec<ModelError>) {
    let n = stations.len();
    let mut seen = vec![false; n];
    let mut scratch = Vec::new();
    // The blocking moves out of each station.
    let moves: Vec<Vec<usize>> = (0..n)
        .map(|u| {
            scratch.clear();
            next_stops(stations, u, &mut seen, &mut scratch);
            let mut m: Vec<usize> = scratch
                .iter()
                .copied()
                .filter(|&t| stations[t].blocks())
                .collect();
            m.sort_unstable();
            m
        })
        .collect();
    // 0: not visited, 1: on the current path, 2: done.
    let mut state = vec![0u8; n];
    let mut path: Vec<usize> = Vec::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        // Iterative walk: (station, index of the next move to follow).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        path.push(root);
        while let Some(&mut (u, ref mut next)) = stack.last_mut() {
            if let Some(&t) = moves[u].get(*next) {
                *next += 1;
                match state[t] {
                    0 => {
                        state[t] = 1;
                        path.push(t);
                        stack.push((t, 0));
                    }
                    1 => {
                        let start = path.iter().rposition(|&s| s == t).unwrap_or(0);
                        let cycle: Vec<StationId> =
                            path[start..].iter().map(|&s| StationId(s as u32)).collect();
                        errors.push(ModelError::BlockingCycle {
                            station: StationId(t as u32),
                            cycle,
                        });
                    }
                    _ => {}
                }
            } else {
                state[u] = 2;
                path.pop();
                stack.pop();
            }
        }
    }
}

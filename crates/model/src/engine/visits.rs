//! Visit numbers: which visit of a vehicle to a station this is (0 for the first). With the
//! station's name they key the vehicle's sub-stream there, so that each visit draws its own
//! numbers and a change elsewhere on the route never shifts them.
//!
//! The count is exact for any number of stations and visits. The first 15 visits to each of
//! the first 32 stations are counted in four-bit fields of a `u128` kept in the vehicle
//! record: the hot path touches nothing else. Further visits, and visits to stations of
//! index 32 or more, are counted in a small list for the vehicle's slot (the engine reuses
//! slots through a free list), reached only then. A list records which vehicle it counts
//! for, and is cleared when another vehicle of its slot first needs it: nothing is done when
//! a vehicle arrives or leaves, and a list's buffer, once grown, is reused.
//!
//! What "exact" means here: the visit numbers are exact (a plain count, no limit on
//! stations or visits). The streams are distinct up to 64-bit hash collisions of the
//! stations' keys: visit `v` to a station draws from sub-stream `key + v` (mod 2^64), see
//! [`stage_index`], `key` being [`station_stream_key`], a 64-bit hash of the station's
//! name, and for a fixed vehicle seed distinct indices give generators of
//! distinct starting states (`stage_rng` is injective in the index; two stages of `k` draws
//! each then overlap with probability about `2k / 2^64`). So the visits of one station
//! never share a stream; visit `i` to station `a` and visit `j` to station `b` share one
//! only if `key_b - key_a = i - j` (mod 2^64), i.e. the two keys fall within the visits
//! made of each other — probability about `(visits to a + visits to b) / 2^64` for a pair
//! of stations, small but not excluded.

use bordersim_des::stream_id;

/// The key of the vehicles' sub-streams at the station named `station_id`: a hash of the
/// name, so that adding, removing or reordering other stations leaves its draws unchanged.
pub(super) fn station_stream_key(station_id: &str) -> u64 {
    stream_id(&format!("station/{station_id}"))
}

/// The sub-stream index of visit `visit` (0 for the first) to the station of key
/// `stream_key`.
#[inline]
pub(super) fn stage_index(stream_key: u64, visit: u64) -> u64 {
    stream_key.wrapping_add(visit)
}

/// Stations counted in the vehicle record's four-bit fields.
const NIBBLE_STATIONS: u32 = 32;
/// Visits a four-bit field counts before the count moves to the overflow list.
const NIBBLE_VISITS: u64 = 15;

/// The visit counts of one vehicle slot that its vehicle record cannot hold.
#[derive(Debug)]
pub(super) struct VisitOverflow {
    /// Serial number of the vehicle the counts are for.
    owner: u64,
    /// (station index, visits so far).
    counts: Vec<(u32, u64)>,
}

impl VisitOverflow {
    fn new() -> Self {
        VisitOverflow {
            // Serial numbers count up from 0: no vehicle has this one.
            owner: u64::MAX,
            counts: Vec::new(),
        }
    }
}

/// Which visit of the vehicle to `station` this is (0 for the first), counting it in the
/// vehicle record's four-bit counts `nibbles`; `None` when they cannot hold it (the count
/// then goes on in the slot's list, with [`overflow_visit`]).
#[inline]
pub(super) fn nibble_visit(nibbles: &mut u128, station: u32) -> Option<u64> {
    if station < NIBBLE_STATIONS {
        let shift = station * 4;
        let n = ((*nibbles >> shift) & 0xF) as u64;
        if n < NIBBLE_VISITS {
            *nibbles += 1u128 << shift;
            return Some(n);
        }
    }
    None
}

/// The list of vehicle slot `slot`, for the vehicle of serial number `serial`: emptied if it
/// held another vehicle's counts; the lists grown to hold the slot if needed.
#[cold]
pub(super) fn slot_list(
    lists: &mut Vec<VisitOverflow>,
    slot: u32,
    serial: u64,
) -> &mut VisitOverflow {
    let slot = slot as usize;
    if lists.len() <= slot {
        lists.resize_with(slot + 1, VisitOverflow::new);
    }
    let list = &mut lists[slot];
    if list.owner != serial {
        list.owner = serial;
        list.counts.clear();
    }
    list
}

/// Which visit of its vehicle to `station` this is, counted in the slot's list: the count
/// past the four-bit fields (rare, kept off the hot path).
#[cold]
pub(super) fn overflow_visit(overflow: &mut VisitOverflow, station: u32) -> u64 {
    if let Some((_, n)) = overflow.counts.iter_mut().find(|(s, _)| *s == station) {
        let visit = *n;
        *n += 1;
        return visit;
    }
    // A station with a four-bit field reaches the list after its first 15 visits.
    let first = if station < NIBBLE_STATIONS {
        NIBBLE_VISITS
    } else {
        0
    };
    overflow.counts.push((station, first + 1));
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use bordersim_des::stage_rng;
    use rand::Rng;
    use std::collections::BTreeSet;

    /// As the engine counts a visit of the vehicle of serial `serial` in slot `slot`.
    fn visit_number(
        nibbles: &mut u128,
        station: u32,
        lists: &mut Vec<VisitOverflow>,
        slot: u32,
        serial: u64,
    ) -> u64 {
        nibble_visit(nibbles, station)
            .unwrap_or_else(|| overflow_visit(slot_list(lists, slot, serial), station))
    }

    /// The four-bit counter this module replaces, for comparison within its limits.
    fn nibble_only(visits: &mut u128, station: u32, stage: u32) -> u64 {
        if station < 32 {
            let shift = station * 4;
            let n = ((*visits >> shift) & 0xF) as u64;
            if n < 15 {
                *visits += 1u128 << shift;
                return n;
            }
        }
        16 + u64::from(stage)
    }

    #[test]
    fn within_32_stations_and_15_visits_the_numbers_are_the_four_bit_counters() {
        let (mut nibbles, mut lists) = (0u128, Vec::new());
        let mut old = 0u128;
        // A route that revisits stations in an irregular order.
        let route: Vec<u32> = (0..200).map(|i| (i * 7 + i / 3) % 32).collect();
        let mut per_station = [0u32; 32];
        for (stage, &s) in route.iter().enumerate() {
            per_station[s as usize] += 1;
            if per_station[s as usize] > 15 {
                continue; // beyond the old counter's limit
            }
            assert_eq!(
                visit_number(&mut nibbles, s, &mut lists, 0, 7),
                nibble_only(&mut old, s, stage as u32)
            );
        }
        assert!(lists.is_empty());
    }

    #[test]
    fn beyond_32_stations_and_15_visits_every_visit_draws_its_own_numbers() {
        let (mut nibbles, mut lists) = (0u128, Vec::new());
        let seed = 0x5eed;
        let mut draws = BTreeSet::new();
        // 40 stations, each visited 20 times, interleaved.
        for visit in 0..20u64 {
            for station in 0..40u32 {
                assert_eq!(visit_number(&mut nibbles, station, &mut lists, 0, 7), visit);
                // As the engine keys a stage: the hash of the station's name plus the visit
                // number.
                let key = station_stream_key(&format!("s{station}"));
                let first = stage_rng(seed, stage_index(key, visit)).next_u64();
                assert!(
                    draws.insert(first),
                    "station {station} visit {visit} repeats"
                );
            }
        }
        assert_eq!(draws.len(), 40 * 20);
        // Stations 32..40 and the visits past 15 of stations 0..32: one entry each.
        assert_eq!(lists[0].counts.len(), 40);
    }

    #[test]
    fn the_next_vehicle_of_a_slot_counts_from_zero_in_the_same_buffer() {
        let mut lists = Vec::new();
        let mut nibbles = 0u128;
        for _ in 0..3 {
            visit_number(&mut nibbles, 35, &mut lists, 2, 7);
        }
        assert_eq!(lists.len(), 3);
        let capacity = lists[2].counts.capacity();
        // Vehicle 8 takes slot 2 over: fresh nibbles, and the list starts again.
        let mut nibbles = 0u128;
        assert_eq!(visit_number(&mut nibbles, 35, &mut lists, 2, 8), 0);
        assert_eq!(lists[2].counts, [(35, 1)]);
        assert_eq!(lists[2].counts.capacity(), capacity);
    }
}

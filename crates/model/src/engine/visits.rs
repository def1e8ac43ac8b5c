//! Visit numbers: which visit of a vehicle to a station this is (0 for the first). With the
//! station's name they key the vehicle's sub-stream there, so that each visit draws its own
//! numbers and a change elsewhere on the route never shifts them.
//!
//! The count is exact for any number of stations and visits. The first 15 visits to each of
//! the first 32 stations are counted in four-bit fields of a `u128` kept in the vehicle
//! record (no memory access beyond it on the hot path); further visits, and visits to
//! stations of index 32 or more, are counted in a small list per vehicle slot, kept (cleared,
//! not freed) when the slot is reused, so it allocates only the first time a slot needs it.

/// Stations counted in the vehicle record's four-bit fields.
const NIBBLE_STATIONS: u32 = 32;
/// Visits a four-bit field counts before the count moves to the overflow list.
const NIBBLE_VISITS: u64 = 15;

/// Visit counts not held in the vehicle record: (station index, visits so far).
pub(super) type VisitOverflow = Vec<(u32, u64)>;

/// Which visit of the vehicle to `station` this is (0 for the first), counting it.
/// `nibbles` are the vehicle record's four-bit counts, `overflow` its slot's list.
#[inline]
pub(super) fn visit_number(nibbles: &mut u128, overflow: &mut VisitOverflow, station: u32) -> u64 {
    if station < NIBBLE_STATIONS {
        let shift = station * 4;
        let n = ((*nibbles >> shift) & 0xF) as u64;
        if n < NIBBLE_VISITS {
            *nibbles += 1u128 << shift;
            return n;
        }
    }
    overflow_visit(overflow, station)
}

/// The count past the four-bit fields: rare, kept off the hot path.
#[cold]
#[inline(never)]
fn overflow_visit(overflow: &mut VisitOverflow, station: u32) -> u64 {
    if let Some((_, n)) = overflow.iter_mut().find(|(s, _)| *s == station) {
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
    overflow.push((station, first + 1));
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use bordersim_des::stage_rng;
    use rand::Rng;
    use std::collections::BTreeSet;

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
        let (mut nibbles, mut overflow) = (0u128, VisitOverflow::new());
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
                visit_number(&mut nibbles, &mut overflow, s),
                nibble_only(&mut old, s, stage as u32)
            );
        }
        assert!(overflow.is_empty());
    }

    #[test]
    fn beyond_32_stations_and_15_visits_every_visit_draws_its_own_numbers() {
        let (mut nibbles, mut overflow) = (0u128, VisitOverflow::new());
        let seed = 0x5eed;
        let mut draws = BTreeSet::new();
        // 40 stations, each visited 20 times, interleaved.
        for visit in 0..20u64 {
            for station in 0..40u32 {
                assert_eq!(visit_number(&mut nibbles, &mut overflow, station), visit);
                // As the engine keys a stage: the station's key plus the visit number.
                let key = u64::from(station) << 32;
                let first = stage_rng(seed, key.wrapping_add(visit)).next_u64();
                assert!(
                    draws.insert(first),
                    "station {station} visit {visit} repeats"
                );
            }
        }
        assert_eq!(draws.len(), 40 * 20);
        // Stations 32..40 and the visits past 15 of stations 0..32: one entry each.
        assert_eq!(overflow.len(), 40);
    }

    #[test]
    fn a_cleared_slot_counts_from_zero() {
        let (mut nibbles, mut overflow) = (0u128, VisitOverflow::new());
        for _ in 0..3 {
            visit_number(&mut nibbles, &mut overflow, 35);
        }
        let capacity = overflow.capacity();
        overflow.clear();
        nibbles = 0;
        assert_eq!(visit_number(&mut nibbles, &mut overflow, 35), 0);
        assert_eq!(overflow.capacity(), capacity);
    }
}

//! The `[[zones]]` entries: each zone's side and its travel times to and from each crossing.

use bordersim_trade::Zone;

use super::raw::RawRegionFile;
use super::values::{lookup, minutes};
use crate::diagnostic::Collector;
use crate::spans::{child, index};

/// The zones and their travel times, in minutes, by zone then crossing (`None`: the zone
/// cannot reach that crossing).
pub(super) struct Travel {
    pub(super) zones: Vec<Zone>,
    /// Zone to crossing.
    pub(super) to_crossing: Vec<Vec<Option<f64>>>,
    /// Crossing back to zone: the way there unless given.
    pub(super) from_crossing: Vec<Vec<Option<f64>>>,
}

/// `[[zones]]`: sides and crossings by id (`sides`, `crossing_ids`).
pub(super) fn zones(
    cx: &mut Collector<'_>,
    raw: &RawRegionFile,
    sides: &[String],
    crossing_ids: &[String],
) -> Travel {
    let mut zones = Vec::new();
    let mut to_crossing = Vec::new();
    let mut from_crossing = Vec::new();
    for (z, zone) in raw.zones.iter().enumerate() {
        let path = index("zones", z);
        let side = lookup(cx, &child(&path, "side"), "side", &zone.side, sides, false).unwrap_or(0);
        let country = match zone.country.as_deref().map(str::trim) {
            Some("") => {
                cx.error(
                    &child(&path, "country"),
                    "country must not be empty: name the country the zone's trade starts or \
                     ends in (e.g. \"za\"), or leave it out for the side's own",
                );
                None
            }
            Some(c) => Some(c.to_owned()),
            None => None,
        };
        zones.push(Zone {
            id: zone.id.clone(),
            side,
            country,
        });
        let mut to = vec![None; raw.crossings.len()];
        let mut from = vec![None; raw.crossings.len()];
        for (field, map, out) in [
            ("travel", &zone.travel, &mut to),
            ("travel_from", &zone.travel_from, &mut from),
        ] {
            for (crossing, text) in map {
                let p = child(&child(&path, field), crossing);
                if let Some(c) = lookup(cx, &p, "crossing", crossing, crossing_ids, true)
                    && let Some(m) = minutes(cx, &p, text)
                {
                    out[c] = Some(m);
                }
            }
        }
        // The way back is the way there unless given.
        for (f, t) in from.iter_mut().zip(&to) {
            if f.is_none() {
                *f = *t;
            }
        }
        to_crossing.push(to);
        from_crossing.push(from);
    }
    Travel {
        zones,
        to_crossing,
        from_crossing,
    }
}

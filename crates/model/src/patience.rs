//! Reneging: how long a vehicle waits in a station's queue before it gives up and leaves
//! the crossing unserved (a pedestrian leaving a hall, a car turning round on the approach).
//!
//! A class may carry a patience distribution ([`Patience`]); a vehicle of that class draws
//! its patience when it joins a station's queue, counted from the moment it reached the
//! station (its wait on the road upstream of a full storage included). If it is still in the
//! queue when its patience runs out, it abandons: it leaves the queue and the crossing, is
//! counted as abandoned (per station, class and direction), and its wait is reported apart
//! from the waits of the vehicles served. A vehicle on the road upstream of a full storage
//! cannot turn round there: it abandons as soon as it enters the queue if its patience ran
//! out meanwhile. With exponential patience and Poisson arrivals this is Palm's M/M/c+M
//! model (Erlang-A; Garnett, Mandelbaum & Reiman 2002).

use crate::dist::ServiceDist;
use crate::ids::StationId;

/// How long a vehicle of one class waits in a queue before giving up.
#[derive(Clone, Debug, PartialEq)]
pub struct Patience {
    /// The distribution of the patience, ms (any [`ServiceDist`]; its mean must be positive).
    pub dist: ServiceDist,
    /// The stations where vehicles of the class give up; `None`: every station where they
    /// queue.
    pub stations: Option<Vec<StationId>>,
}

impl Patience {
    /// Whether vehicles with this patience give up at `station`.
    pub fn applies_at(&self, station: StationId) -> bool {
        self.stations
            .as_ref()
            .is_none_or(|list| list.contains(&station))
    }
}

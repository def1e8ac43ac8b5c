//! `[[scenario.appointments]]` as written: a booking system of arrival slots.

use serde::Deserialize;

use super::RawDuration;

/// `[[scenario.appointments]]`: a share of a class books arrival slots at a station (a
/// GoSwift-like queue management system), waits for its slot in a waiting area off the
/// road, and is called forward for it (docs/planning.md, "Booked arrival slots").
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawAppointment {
    /// Unique among appointments; reports name the booking system by it.
    pub id: String,
    /// Free text, for readers of the file only.
    pub description: Option<String>,
    /// The station the slots are for: where the booking vehicles enter the crossing.
    pub station: String,
    /// The class that books.
    pub class: String,
    /// Only this programme of the class books; omitted, every programme.
    pub programme: Option<String>,
    /// Share of the class's vehicles (of the programme) that book, 0 to 1.
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 0, "maximum" = 1)))]
    pub share: f64,
    /// Length of a slot, a divisor of an hour; default `"15min"`.
    #[cfg_attr(feature = "schema", schemars(extend("default" = "15min")))]
    pub slot: Option<RawDuration>,
    /// Bookings one slot takes (the same every hour); or give `capacity_by_hour`.
    pub capacity: Option<i64>,
    /// Bookings one slot takes, by the hour of day of the slot's start (24 values from
    /// midnight).
    pub capacity_by_hour: Option<Vec<i64>>,
    /// How far ahead of its arrival a vehicle may book (a slot must start before arrival
    /// plus this); default `"72h"`. No slot with room in it: the vehicle queues on the road.
    #[cfg_attr(feature = "schema", schemars(extend("default" = "72h")))]
    pub horizon: Option<RawDuration>,
    /// Vehicles the waiting area holds at once; omitted, unlimited.
    #[cfg_attr(feature = "schema", schemars(extend("minimum" = 1)))]
    pub waiting_area: Option<i64>,
    /// What a vehicle that would wait does when the waiting area is full: `"road"` (it
    /// queues on the road, unbooked) or `"balk"` (it leaves); default `"road"`.
    #[cfg_attr(
        feature = "schema",
        schemars(extend("default" = "road", "enum" = ["road", "balk"]))
    )]
    pub when_full: Option<String>,
    /// Value of an hour in the waiting area, money per vehicle-hour; omitted, the class's
    /// own value of time.
    pub value_of_time_per_hour: Option<f64>,
}

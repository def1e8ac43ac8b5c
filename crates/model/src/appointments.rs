//! Booked arrival slots (a GoSwift-like queue management system): a share of a class books
//! a slot to enter the crossing at a station, waits for it in a waiting area off the road,
//! and is called forward for its slot; everyone else queues on the road as before.
//!
//! Estonia's GoSwift booking system (2011) moved lorry queues at its road crossings to Russia
//! from the road into waiting areas; a lorry's average wait fell from about 60 hours to about
//! one (The Baltic Course, 2 August 2012; docs/sources.md, "Booked arrival slots").
//!
//! The rules (docs/planning.md, "Booked arrival slots"):
//! - Slots are the intervals `[k·L, (k+1)·L)` of the run, `L` a divisor of an hour; a slot
//!   takes `capacity_by_hour[h]` bookings, `h` the hour of day of its start.
//! - A booking vehicle arriving at `t` takes the **first slot with room at or after the one
//!   holding `t`** (first come, first booked) whose start is before `t + horizon`. The `j`-th
//!   booking of a slot of capacity `c` is called forward at `start + j·L/c` (bookings spread
//!   evenly over the slot), or at `t` if that is already past: its time in the waiting area
//!   is the difference. With a constant capacity, the `n`-th booking counted from a slot's
//!   start is called at `start + n·L/c`, whatever slot it lands in.
//! - No slot with room within the horizon: the vehicle queues on the road, unbooked.
//! - The waiting area full (a vehicle that would wait finds `waiting_area` vehicles there):
//!   the vehicle queues on the road unbooked ([`WaitingAreaFull::Road`]) or leaves, counted
//!   as balking at the station ([`WaitingAreaFull::Balk`]). Its slot is not taken.
//! - A vehicle called forward reaches the station then: its time in the crossing (and its
//!   release) counts from there; its time in the waiting area is reported apart.
//!
//! Which vehicles book is drawn from each vehicle's own sub-stream (one uniform, booked
//! below `share`), so a share of 0 runs exactly as without booking and the vehicles booked
//! at a share are among those booked at any larger one.

use bordersim_des::SimTime;

use crate::ids::{ClassId, ProgrammeId, StationId};

/// What a vehicle that would wait does when the waiting area is full.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WaitingAreaFull {
    /// It queues on the road as an unbooked vehicle (its slot is not taken).
    #[default]
    Road,
    /// It leaves without crossing, counted as balking at the station.
    Balk,
}

/// A booking system for one class (optionally one programme) entering at one station.
#[derive(Clone, Debug, PartialEq)]
pub struct Appointment {
    /// Name, for reports.
    pub id: String,
    /// The station the slots are for: where the booked vehicles' source enters the crossing.
    pub station: StationId,
    /// The class that books.
    pub class: ClassId,
    /// Only this programme of the class books (`None`: every programme).
    pub programme: Option<ProgrammeId>,
    /// Share of the class's vehicles (of the programme) that book, 0 to 1.
    pub share: f64,
    /// Length of a slot (a divisor of an hour, e.g. 15 min or 1 h).
    pub slot: SimTime,
    /// Bookings a slot takes, by the hour of day of its start.
    pub capacity_by_hour: [u32; 24],
    /// How far ahead of its arrival a vehicle may book: a slot must start before
    /// arrival + horizon.
    pub horizon: SimTime,
    /// Vehicles the waiting area holds at once (`None`: unlimited).
    pub waiting_area: Option<u32>,
    /// What a vehicle finding the waiting area full does.
    pub when_full: WaitingAreaFull,
    /// Value of an hour in the waiting area, money per vehicle-hour (`None`: the class's
    /// own value of time).
    pub value_of_time_per_hour: Option<f64>,
}

impl Appointment {
    /// Slots the booking horizon spans, plus the current one: the engine's ring of slot
    /// counts.
    pub fn ring_slots(&self) -> usize {
        (self
            .horizon
            .as_millis()
            .div_ceil(self.slot.as_millis().max(1))
            + 1) as usize
    }

    /// The capacity of the slot of index `k` (starting at `k · slot`).
    #[inline]
    pub fn capacity_of_slot(&self, k: u64) -> u32 {
        let start = k * self.slot.as_millis();
        self.capacity_by_hour[crate::schedule::hour_of_day(SimTime(start))]
    }
}

/// The longest booking horizon, in slots: the engine keeps one count per slot of it.
pub const MAX_RING_SLOTS: usize = 1 << 20;

/// Why an appointment does not fit its crossing: its index and a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentError {
    /// Index of the appointment in the list given.
    pub index: usize,
    /// Which field is at fault (`share`, `capacity`, `station`, …).
    pub field: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for AppointmentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "appointment {} ({}): {}",
            self.index, self.field, self.message
        )
    }
}

impl std::error::Error for AppointmentError {}

/// The checks of one appointment's values, which need no crossing (its station, class and
/// programme are not looked at): a share outside [0, 1], a slot that does not divide an
/// hour, a capacity of zero in every hour with a share above zero, a horizon shorter than
/// a slot or too long, an empty waiting area, a bad value of time. `index` is the
/// appointment's place in its list.
pub fn value_errors(a: &Appointment, index: usize) -> Vec<AppointmentError> {
    check(a, index, true)
}

/// [`value_errors`], and a station where no source of the class enters (`entry_ok` false).
pub(crate) fn check(a: &Appointment, index: usize, entry_ok: bool) -> Vec<AppointmentError> {
    let mut errors = Vec::new();
    let mut err = |field, message: String| {
        errors.push(AppointmentError {
            index,
            field,
            message,
        })
    };
    if !(0.0..=1.0).contains(&a.share) {
        err(
            "share",
            format!(
                "the booked share is a probability from 0 to 1, got {}",
                a.share
            ),
        );
    }
    let slot = a.slot.as_millis();
    if slot == 0 || !SimTime::MS_PER_HOUR.is_multiple_of(slot) {
        err(
            "slot",
            format!(
                "a slot must divide an hour (e.g. 15 min, 20 min, 1 h), got {} ms",
                slot
            ),
        );
    }
    if a.share > 0.0 && a.capacity_by_hour.iter().all(|&c| c == 0) {
        err(
            "capacity",
            format!(
                "slot capacity is zero in every hour while a share of {} books: no vehicle \
                 could ever get a slot; give a capacity of at least 1",
                a.share
            ),
        );
    }
    if slot > 0 && a.horizon.as_millis() < slot {
        err(
            "horizon",
            "the booking horizon must be at least one slot long".to_owned(),
        );
    } else if slot > 0 && a.ring_slots() > MAX_RING_SLOTS {
        err(
            "horizon",
            format!(
                "the booking horizon spans more than {MAX_RING_SLOTS} slots; use a shorter \
                 horizon or longer slots"
            ),
        );
    }
    if a.waiting_area == Some(0) {
        err(
            "waiting_area",
            "a waiting area of 0 vehicles holds nobody; give its capacity, or leave it out \
             for an unlimited one"
                .to_owned(),
        );
    }
    if let Some(v) = a.value_of_time_per_hour
        && !(v.is_finite() && v >= 0.0)
    {
        err(
            "value_of_time_per_hour",
            format!("a value of time must be finite and not negative, got {v}"),
        );
    }
    if !entry_ok {
        err(
            "station",
            "no source of this class enters the crossing at this station: booked vehicles \
             are held before the station where they enter"
                .to_owned(),
        );
    }
    errors
}

/// What one booking system measured over the observation window. Fixed-size.
#[derive(Clone, Debug, Default)]
pub struct AppointmentStats {
    /// Vehicles that booked a slot (counted when they booked).
    pub booked: u64,
    /// Vehicles of the booking share that found the waiting area full (they queued on the
    /// road, or balked, as the appointment says).
    pub area_full: u64,
    /// Vehicles of the booking share that found no slot with room within the horizon (they
    /// queued on the road).
    pub no_slot: u64,
    /// Time in the waiting area of the vehicles called forward in the window, ms (a
    /// vehicle whose slot had begun is called at once and waits 0).
    pub wait: bordersim_stats::Tally,
    /// Vehicles in the waiting area.
    pub in_area: bordersim_stats::TimeWeighted,
}

impl AppointmentStats {
    /// Opens the observation window at `now_ms` (the vehicles in the area stay).
    pub(crate) fn reset(&mut self, now_ms: u64) {
        self.booked = 0;
        self.area_full = 0;
        self.no_slot = 0;
        self.wait.reset();
        self.in_area.reset(now_ms);
    }
}

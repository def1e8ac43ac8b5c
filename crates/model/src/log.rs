//! The per-vehicle event log: a stream of timestamped events for the vehicles a log asks
//! for, handed over as they happen so that nothing is held in memory.

use bordersim_des::SimTime;

use crate::ids::{ClassId, DirectionId, ProgrammeId, StationId};
use crate::population::Channel;

/// What happened to a vehicle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogKind {
    /// Arrived at the crossing.
    Arrive,
    /// Found a full queue and waits upstream of the station.
    Spillback,
    /// Reached the end of the station's queue (inside the facility).
    Queue,
    /// Service started.
    Start,
    /// Service ended.
    End,
    /// Goods released (end of service at a releasing station).
    Release,
    /// Left the crossing.
    Exit,
    /// Found a full queue and left unserved.
    Balk,
    /// Gave up waiting in a queue and left unserved (its patience ran out).
    Abandon,
    /// Booked an arrival slot and went to the waiting area (the station is the slot's).
    Book,
    /// Called forward from the waiting area for its slot (the station is the slot's).
    CallForward,
}

impl LogKind {
    /// The name used in log files (`arrive`, `queue`, `start`, …).
    pub fn name(self) -> &'static str {
        match self {
            LogKind::Arrive => "arrive",
            LogKind::Spillback => "spillback",
            LogKind::Queue => "queue",
            LogKind::Start => "start",
            LogKind::End => "end",
            LogKind::Release => "release",
            LogKind::Exit => "exit",
            LogKind::Balk => "balk",
            LogKind::Abandon => "abandon",
            LogKind::Book => "book",
            LogKind::CallForward => "call_forward",
        }
    }
}

/// One line of the event log.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogRecord {
    /// The vehicle's number within its replication (order of arrival, from 0).
    pub vehicle: u64,
    /// Its class.
    pub class: ClassId,
    /// Its programme.
    pub programme: ProgrammeId,
    /// Its risk channel.
    pub channel: Channel,
    /// Its direction.
    pub direction: DirectionId,
    /// What happened.
    pub kind: LogKind,
    /// Where (`None` for arrival and exit, or a release on arrival).
    pub station: Option<StationId>,
    /// When (absolute simulation time).
    pub time: SimTime,
}

/// Receives the events of the vehicles it asks for.
pub trait VehicleLog {
    /// False for a log that never wants a vehicle: the engine then drops every logging
    /// branch at compile time instead of testing a per-vehicle flag at each event.
    const ENABLED: bool = true;

    /// Whether to log vehicle number `vehicle` (called once, at its arrival).
    fn wants(&mut self, vehicle: u64) -> bool;
    /// Receives one event of a vehicle it wanted.
    fn record(&mut self, record: &LogRecord);
}

/// Logs nothing; the engine compiles the logging away.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoLog;

impl VehicleLog for NoLog {
    const ENABLED: bool = false;

    #[inline(always)]
    fn wants(&mut self, _vehicle: u64) -> bool {
        false
    }

    #[inline(always)]
    fn record(&mut self, _record: &LogRecord) {}
}

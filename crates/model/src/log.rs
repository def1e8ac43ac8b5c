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
    /// Every kind a log file can hold.
    pub const ALL: [LogKind; 11] = [
        LogKind::Arrive,
        LogKind::Spillback,
        LogKind::Queue,
        LogKind::Start,
        LogKind::End,
        LogKind::Release,
        LogKind::Exit,
        LogKind::Balk,
        LogKind::Abandon,
        LogKind::Book,
        LogKind::CallForward,
    ];

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

#[cfg(test)]
mod tests {
    use super::LogKind;

    /// The position of each kind in [`LogKind::ALL`]: the match is exhaustive, so a new kind
    /// cannot be added without being listed (and named in the CLI's help from that list).
    fn position(kind: LogKind) -> usize {
        match kind {
            LogKind::Arrive => 0,
            LogKind::Spillback => 1,
            LogKind::Queue => 2,
            LogKind::Start => 3,
            LogKind::End => 4,
            LogKind::Release => 5,
            LogKind::Exit => 6,
            LogKind::Balk => 7,
            LogKind::Abandon => 8,
            LogKind::Book => 9,
            LogKind::CallForward => 10,
        }
    }

    #[test]
    fn every_kind_is_listed_once_with_its_own_name() {
        for (i, kind) in LogKind::ALL.into_iter().enumerate() {
            assert_eq!(position(kind), i, "{kind:?}");
        }
        let mut names: Vec<_> = LogKind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), LogKind::ALL.len());
    }
}

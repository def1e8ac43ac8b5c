//! The simulation kernel: integer time, a FIFO-on-ties event queue and named random streams.
//!
//! This crate knows nothing about borders. It does no I/O, reads no clock and spawns no
//! thread, so everything built on it is a pure function of its inputs and its seed.

#![warn(missing_docs)]

mod queue;
mod random;
mod time;

pub use queue::{EventQueue, Scheduled};
pub use random::{RandomStreams, StageRng, StreamRng, stage_rng, stream_id};
pub use time::SimTime;

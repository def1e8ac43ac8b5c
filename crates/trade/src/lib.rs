//! Trade flows across a border region: which crossing each origin–destination flow takes,
//! how much of it there is, and what it is worth to each side.
//!
//! A [`Region`] has two sides, zones on each side, crossings, travel times between zones and
//! crossings, tolls, and origin–destination demand per vehicle class (and commodity group)
//! with a cargo value and a value of time. Given the expected border time at every crossing
//! (per direction and class), this crate computes:
//!
//! - the **crossing choice**: a multinomial logit over generalized cost (travel time + weight
//!   × border time + toll / value of time) with alternative-specific constants
//!   ([`choice`]);
//! - the **demand response**: each flow's volume as a function of the generalized cost the
//!   border adds ([`demand`]);
//! - the **assignment** of every flow to the crossings ([`mod@assign`]), its totals per crossing
//!   × direction × class, the **method of successive averages** and the **gap** that says how
//!   far an assignment is from its own best response ([`averaging`]);
//! - the **trade accounting**: exports, imports and the balance of each side, trade value per
//!   crossing and direction, and between two assignments the trade created ([`accounting`])
//!   and diverted — each flow's vehicles that changed crossing ([`diversion`]).
//!
//! It also holds the validated input of a region's equilibrium ([`RegionModel`]: the
//! region with a simulation model of each crossing, [`RegionCrossing`]). It does not know
//! how border times arise: the equilibrium driver that simulates the crossings lives in
//! `bordersim-experiment`. No I/O, no threads, no file formats.

#![warn(missing_docs)]

pub mod accounting;
pub mod assign;
pub mod averaging;
pub mod choice;
pub mod demand;
pub mod diversion;
mod region;
mod region_model;

pub use accounting::{SideTrade, TradeAccount, TradeShift, account, shift};
pub use assign::{AssignError, Assignment, HOURS, HourlyBorder, assign};
pub use averaging::{Averaging, StepRule, msa_step, msa_step_size, relative_gap};
pub use choice::{composite_cost, generalized_cost, logit_shares, logsum};
pub use demand::demand_factor;
pub use diversion::diverted;
pub use region::{
    ChoiceParams, CrossingAlternative, Grid, MINUTES_PER_DAY, OdDemand, Region, SIDES, Zone,
};
pub use region_model::{RegionCrossing, RegionModel};

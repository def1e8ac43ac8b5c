//! The measures of the reform catalogue, one file per measure or small family, and the
//! catalogue itself: [`catalogue`] lists every measure once, in the order a policy's
//! changes are applied. That list drives the policy file's schema, the order of
//! application, conflict detection and the help listing.
//!
//! To add a measure: write its file here (a unit type implementing
//! [`Measure`](super::measure::Measure), its raw entry type, its unit tests), list it in
//! [`catalogue`], and document its section in `docs/policies.md`.

mod authorised_operators;
mod equipment;
mod lane_rule;
mod merge;
mod overrides;
mod pre_arrival;
mod risk_management;
mod staffing;

use super::measure::EachMeasure;

pub(crate) use authorised_operators::AuthorisedOperators;
pub(crate) use equipment::Equipment;
pub(crate) use lane_rule::LaneRule;
pub(crate) use merge::{OneStopBorderPost, SingleWindow};
pub(crate) use overrides::Override;
pub(crate) use pre_arrival::PreArrivalProcessing;
pub(crate) use risk_management::RiskManagement;
pub(crate) use staffing::Staffing;

/// Walks the catalogue: `each` sees every measure once, in application order.
///
/// The order is part of the behaviour: it decides which document each measure's checks
/// see (a station merged by an earlier entry is already `merged_into`; the dedicated lanes
/// of authorised operators turn a station's servers into a lane group `general` before
/// staffing and lane rules look for it), and overrides come last, so they see every other
/// change.
pub(crate) fn catalogue(each: &mut impl EachMeasure) {
    each.measure::<SingleWindow>();
    each.measure::<OneStopBorderPost>();
    each.measure::<AuthorisedOperators>();
    each.measure::<Staffing>();
    each.measure::<Equipment>();
    each.measure::<LaneRule>();
    each.measure::<RiskManagement>();
    each.measure::<PreArrivalProcessing>();
    each.measure::<Override>();
}

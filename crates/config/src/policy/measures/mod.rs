//! The measures of the reform catalogue, one file per measure, and the catalogue itself:
//! [`catalogue`] lists every measure once, in the order a policy's changes are applied.
//! That list drives the policy file's schema, the order of application, conflict detection
//! and the help listing. Code two measures share lives in a helper module that is not
//! itself a measure (`joint_stop`, the merge behind `single_window` and
//! `one_stop_border_post`).
//!
//! To add a measure: write its file here (a unit type implementing
//! [`Measure`](super::measure::Measure), its raw entry type, its unit tests), declare it
//! with a `mod` line below, list it with one line in [`catalogue`], and document its
//! section in `docs/policies.md`.

mod appointments;
mod authorised_operators;
mod equipment;
mod events;
mod joint_stop;
mod lane_rule;
mod one_stop_border_post;
mod overrides;
mod pre_arrival;
mod risk_management;
mod single_window;
mod staffing;

use super::measure::EachMeasure;

/// Walks the catalogue: `each` sees every measure once, in application order.
///
/// The order is part of the behaviour: it decides which document each measure's checks
/// see (a station merged by an earlier entry is already `merged_into`; the dedicated lanes
/// of authorised operators turn a station's servers into a lane group `general` before
/// staffing and lane rules look for it), and overrides come last, so they see every other
/// change.
pub(crate) fn catalogue(each: &mut impl EachMeasure) {
    each.measure::<single_window::SingleWindow>();
    each.measure::<one_stop_border_post::OneStopBorderPost>();
    each.measure::<authorised_operators::AuthorisedOperators>();
    each.measure::<staffing::Staffing>();
    each.measure::<equipment::Equipment>();
    each.measure::<lane_rule::LaneRule>();
    each.measure::<risk_management::RiskManagement>();
    each.measure::<pre_arrival::PreArrivalProcessing>();
    each.measure::<events::Events>();
    each.measure::<appointments::Appointments>();
    each.measure::<overrides::Override>();
}

//! The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched)
//! of a run ([`run`]), a comparison ([`compare`]), a region's equilibrium ([`region`]) or a
//! region compared with a reform ([`region_comparison`]), from the result types of
//! `bordersim-experiment`. The same result gives the same bytes: nothing is read from the
//! clock, and the wall-clock measurements a run may carry are left out.
//!
//! Every plot has axis titles with their units, a caption saying what is plotted over which
//! replications, and the numbers behind it in a `<details>` table. The charts are drawn by
//! hand (`svg`), on a page with its style sheet inline (`html`), numbers printed without
//! negative zeros and with thousands separators (`format`).

#![warn(missing_docs)]

mod calibrate;
mod compare;
mod detections;
mod difference;
mod format;
mod html;
mod region;
mod run;
mod svg;
mod sweep;

pub use detections::detections_summary;
pub use difference::{DifferenceRow, Side, Unit, unit};

use bordersim_experiment::region::{RegionComparison, RegionReport};
use bordersim_experiment::sweep::SweepResult;
use bordersim_experiment::{Comparison, Difference, Report};

/// The report of one run (`bordersim run`) as an HTML document.
pub fn run(report: &Report) -> String {
    run::page(report)
}

/// The report of a comparison (`bordersim compare`) as an HTML document.
pub fn compare(comparison: &Comparison) -> String {
    compare::page(comparison)
}

/// The report of a region's equilibrium (`bordersim region`) as an HTML document.
pub fn region(report: &RegionReport) -> String {
    region::page(report)
}

/// The report of a region compared with a reform (`bordersim compare REGION --policy`) as
/// an HTML document.
pub fn region_comparison(comparison: &RegionComparison) -> String {
    region::comparison_page(comparison)
}

/// Whether the report marks a difference significant: a discovery at false-discovery rate
/// 5% that is non-zero as printed (a change that rounds to zero is never marked).
pub fn marked_significant(difference: &Difference) -> bool {
    compare::marked(difference)
}

/// The report of a sweep (`bordersim sweep --report`, `bordersim merge --report`) as an
/// HTML document: response curves of every axis with interval bands, and every point.
pub fn sweep(result: &SweepResult) -> String {
    sweep::page(result)
}

/// The report of a region sweep (`bordersim sweep --report`, `bordersim merge --report`
/// of a plan whose base is a region) as an HTML document: response curves of the region's
/// measures against every axis, and every point's measures.
pub fn region_sweep(view: &bordersim_experiment::sweep::RegionSweepView) -> String {
    sweep::region_page(view)
}

pub use calibrate::{CalibrationView, GroupView, HourView, MeasureView, ParameterView};

/// The report of a calibration (`bordersim calibrate --report`) as an HTML document:
/// observed against simulated hourly waits and throughput per group with the simulation's
/// 95% band, the fit measures before and after, and the fitted values.
pub fn calibration(view: &CalibrationView) -> String {
    calibrate::page(view)
}

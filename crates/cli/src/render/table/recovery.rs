//! The recovery from the scenario's events: the extra vehicle-hours they cause against the
//! same vehicles without them, and when the crossing is back at its no-event level; shown
//! only when the scenario has events.

use bordersim_experiment::BackToNormal;
use bordersim_experiment::Report;

use super::super::numbers::decimal;

/// `"hour 5.00 ±0.00, 3.00 h after …"`, with the share of replications not back, or that
/// none is.
fn back_text(b: &BackToNormal, after: &str) -> String {
    let Some((at, took)) = b.recovered_h.zip(b.recovery_h) else {
        return "not within the run in any replication".to_owned();
    };
    let ci = b
        .recovered_h_ci95
        .map_or(String::new(), |ci| format!(" ±{ci:.2}"));
    let mut text = format!("hour {at:.2}{ci}, {took:.2} h after {after}");
    if b.not_recovered_share > 0.0 {
        text.push_str(&format!(
            "; {:.0}% of replications not back by the end of the run",
            b.not_recovered_share * 100.0
        ));
    }
    text
}

/// The lines of the recovery section; `None` without events.
pub(super) fn recovery_lines(report: &Report) -> Option<Vec<String>> {
    let r = report.recovery.as_ref()?;
    let extra = match r.extra_vehicle_hours_ci95 {
        Some(ci) => format!("{} ±{}", decimal(r.extra_vehicle_hours, 1), decimal(ci, 1)),
        None => decimal(r.extra_vehicle_hours, 1),
    };
    let mut lines = vec![
        format!("  extra vehicle-hours in the crossing: {extra} (per replication)"),
        format!(
            "  last event ends:                    hour {:.2}",
            r.events_end_h
        ),
        format!(
            "  back to normal for good at:         {}",
            back_text(&r.back, "the last event ends")
        ),
    ];
    for e in &r.events {
        lines.push(format!(
            "  {:<9} hours {:.2}-{:.2}: first back at {}",
            e.kind,
            e.from_h,
            e.to_h,
            back_text(&e.back, "it ends")
        ));
    }
    lines.push(
        "  against the same vehicles without the events (the two runs are identical once \
         the backlog has drained); back to normal for good: in each replication, the end \
         of the last hour in which the two runs differ; after one event: the first whole \
         hour after it in which they do not; mean over the replications back by the end of \
         the run, ±95% interval."
            .to_owned(),
    );
    Some(lines)
}

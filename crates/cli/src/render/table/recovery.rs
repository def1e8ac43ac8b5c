//! The recovery from the scenario's events: the extra vehicle-hours they cause against the
//! same vehicles without them, and when the crossing is back at its no-event level; shown
//! only when the scenario has events.

use bordersim_experiment::Report;

/// The lines of the recovery section; `None` without events.
pub(super) fn recovery_lines(report: &Report) -> Option<Vec<String>> {
    let r = report.recovery.as_ref()?;
    let extra = match r.extra_vehicle_hours_ci95 {
        Some(ci) => format!("{:.1} ±{ci:.1}", r.extra_vehicle_hours),
        None => format!("{:.1}", r.extra_vehicle_hours),
    };
    let back = match (r.recovered_h, r.recovery_h) {
        (Some(h), Some(after)) => {
            format!("hour {h}, {after:.1} h after the last event ends")
        }
        _ => "not within the run".to_owned(),
    };
    let mut lines = vec![
        format!("  extra vehicle-hours in the crossing: {extra} (per replication)"),
        format!(
            "  last event ends:                    hour {:.2}",
            r.events_end_h
        ),
        format!("  back at the no-event level from:    {back}"),
    ];
    for e in &r.events {
        let back = match (e.recovered_h, e.recovery_h) {
            (Some(h), Some(after)) => format!("back at hour {h} ({after:.1} h after)"),
            _ => "not back within the run".to_owned(),
        };
        lines.push(format!(
            "  {:<9} hours {:.2}-{:.2}: {back}",
            e.kind, e.from_h, e.to_h
        ));
    }
    lines.push(
        "  against the same vehicles without the events; back at the no-event level: from \
         that hour on, every hour's 95% interval of the extra vehicles reaches 0; after one \
         event: the first hour after it whose interval reaches 0."
            .to_owned(),
    );
    Some(lines)
}

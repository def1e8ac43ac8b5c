//! What a variant gains or gives up in detections, next to the time it saves: the one
//! sentence the comparison's table and its page both print.

use bordersim_experiment::Difference;

/// `detections: +1.23 ±0.40 a day (gained), inspections +5.0 ±1.1 a day, delay -3.2
/// vehicle-hours a day (illustrative probabilities of finding: docs/economics.md)`: when the
/// comparison measured detections and inspections and either changed; else `None`.
pub fn detections_summary(differences: &[Difference]) -> Option<String> {
    let system = |metric: &str| {
        differences
            .iter()
            .find(|d| d.metric == metric && d.entity == "system")
    };
    let detections = system("detections_per_day")?;
    let inspections = system("inspections_per_day")?;
    let delta = detections.delta?;
    if delta == 0.0 && inspections.delta == Some(0.0) {
        return None;
    }
    let ci = |d: &Difference| d.ci95.map_or_else(String::new, |c| format!(" ±{c:.2}"));
    let time = system("delay_vehicle_hours_per_day")
        .and_then(|d| d.delta)
        .map_or_else(String::new, |h| {
            format!(", delay {:+.1} vehicle-hours a day", h)
        });
    Some(format!(
        "detections: {:+.2}{} a day ({}), inspections {:+.1}{} a day{} (illustrative \
         probabilities of finding: docs/economics.md)",
        delta,
        ci(detections),
        change(detections),
        inspections.delta.unwrap_or(0.0),
        ci(inspections),
        time,
    ))
}

/// What a change in detections amounts to: "no significant change" when its 95% interval
/// includes 0 (as the table leaves such a difference unstarred), else "given up" or "gained".
/// Without an interval (one replication) the sign alone is said.
fn change(d: &Difference) -> &'static str {
    let delta = d.delta.unwrap_or(0.0);
    if d.ci95.is_some_and(|c| delta.abs() <= c) || delta == 0.0 {
        "no significant change"
    } else if delta < 0.0 {
        "given up"
    } else {
        "gained"
    }
}

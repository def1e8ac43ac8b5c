//! The human report of `bordersim run`, in minutes: a header describing the run, then
//! aligned plain-text tables: stations, lane groups, spillback (when any occurred), vehicle
//! classes, directions, the Time Release Study (arrival to release by segment, stages,
//! hourly profile, risk channels), the cost of delay and, when vehicles are inspected, the
//! detections, with short footnotes.
//!
//! One file per group of sections: [`stations`] (stations, lane groups, spillback),
//! [`vehicles`] (classes, directions, cost of delay), [`trs`] (the Time Release Study),
//! [`detections`] (what inspections find).

mod stations;
mod trs;
mod vehicles;

use bordersim_experiment::{DelayStats, Report};

use self::stations::{lane_rule_lines, lane_table, spillback_table, station_table, unstable_note};
use self::trs::{channel_line, hourly_table, pre_arrival_lines, stage_table, trs_table};
use self::vehicles::{class_table, direction_table, economics_table};

mod abandonment;
mod appointments;
mod costs;
mod detections;
mod recovery;
use super::numbers::{duration, minutes, rate, thousands, wall_time};

/// The whole report as text, ending with a newline.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    out.push(format!(
        "bordersim {} | {}",
        env!("CARGO_PKG_VERSION"),
        report.scenario
    ));
    out.push(String::new());
    out.extend(header(report));

    let mut section = |title: &str, lines: Vec<String>| {
        out.push(String::new());
        out.push(title.to_owned());
        out.extend(lines);
    };

    let mut stations = station_table(report).render();
    stations.extend(unstable_note(report));
    section("Stations", stations);
    let mut lanes = lane_table(report).render();
    lanes.extend(lane_rule_lines(report));
    section(
        "Lanes: staffed lane-hours per day and use per lane group (per replication)",
        lanes,
    );
    if let Some(table) = spillback_table(report) {
        let mut lines = table.render();
        lines.push("  at end: still upstream when the run ended (all replications).".to_owned());
        lines.push(
            "  time outside: wait upstream of the vehicles let in before the end; queue: its \
             length on the road."
                .to_owned(),
        );
        section(
            "Full queues: vehicles held upstream (spillback) or lost (balked)",
            lines,
        );
    }
    if let Some(table) = abandonment::abandonment_table(report) {
        let mut lines = table.render();
        lines.push(
            "  share: of the vehicles of the class that gave up or were served there; wait: \
             from reaching the station to giving up (not in the station's wait)."
                .to_owned(),
        );
        section(
            "Reneging: vehicles that gave up waiting (all replications)",
            lines,
        );
    }
    section(
        "Vehicle classes: time in system, arrival to exit",
        class_table(report).render(),
    );
    section(
        "Directions: times in minutes",
        direction_table(report).render(),
    );
    let mut trs = trs_table(report).render();
    trs.push(channel_line(report));
    trs.extend(pre_arrival_lines(report));
    section("Time Release Study: arrival to release, min", trs);
    section(
        "Time Release Study: time per stage (end of queue to end of service), min",
        stage_table(report).render(),
    );
    if let Some(table) = hourly_table(report) {
        section(
            "Time Release Study: arrival to release by hour of arrival, min",
            table.render(),
        );
    }
    section(
        "Cost of delay: vehicle-hours waiting per day (queues and upstream), and their value",
        economics_table(report).render(),
    );
    if let Some((costs, emissions)) = costs::costs_tables(report) {
        section(
            &format!(
                "Costs of delay and staff per day (year: × {:.1} days, by day of the week)",
                report.costs.annualisation_days
            ),
            costs.render(),
        );
        section("Emissions of vehicles idling in queue", emissions.render());
    }
    if let Some(table) = detections::detections_table(report) {
        section(
            "Detections: what yellow and red channel inspections find, per day (95% interval)",
            table.render(),
        );
    }
    if let Some(table) = appointments::appointments_table(report) {
        let mut lines = table.render();
        lines.push(
            "  area: time in the waiting area (min), apart from the road queue and the border \
             wait above; in area, road queue: vehicles (time-weighted mean)."
                .to_owned(),
        );
        section("Booked arrival slots: waiting area and road queue", lines);
    }
    if let Some(lines) = recovery::recovery_lines(report) {
        section("Recovery after events", lines);
    }

    out.push(String::new());
    out.extend(footnotes(report));

    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// The lines under the title: crossings, directions, replications, horizon, vehicles,
/// and (when measured) the simulation speed.
fn header(report: &Report) -> Vec<String> {
    let mut crossings: Vec<&str> = report
        .stations
        .iter()
        .map(|s| s.crossing.as_str())
        .collect();
    crossings.dedup();
    let observed = (report.horizon_s - report.warmup_s).max(0.0);
    let v = &report.vehicles;
    let mut lines = Vec::new();
    if crossings != [report.scenario.as_str()] {
        lines.push(("Crossing", crossings.join(", ")));
    }
    if report.directions.len() > 1 {
        let ids: Vec<&str> = report.directions.iter().map(|d| d.id.as_str()).collect();
        lines.push(("Directions", ids.join(", ")));
    }
    lines.extend([
        (
            "Replications",
            format!("{} (master seed {})", report.replications, report.seed),
        ),
        (
            "Horizon",
            format!(
                "{} per replication, warm-up {}, so {} observed",
                duration(report.horizon_s),
                duration(report.warmup_s),
                duration(observed)
            ),
        ),
        (
            "Vehicles",
            if report.abandonment.is_empty() {
                format!(
                    "{} arrived, {} exited, {} balked (sums over the observed windows)",
                    thousands(v.arrived),
                    thousands(v.departed),
                    thousands(v.balked),
                )
            } else {
                format!(
                    "{} arrived, {} exited, {} balked, {} gave up waiting (sums over the \
                     observed windows)",
                    thousands(v.arrived),
                    thousands(v.departed),
                    thousands(v.balked),
                    thousands(v.abandoned),
                )
            },
        ),
        (
            "In system",
            format!(
                "{} when observation started, {} at the end",
                thousands(v.in_system_at_start),
                thousands(v.in_system_at_end)
            ),
        ),
    ]);
    if let Some(p) = &report.performance {
        lines.push((
            "Simulation",
            format!(
                "{} events in {} ({} events/s, {} thread{})",
                thousands(report.events),
                wall_time(p.wall_s),
                rate(p.events_per_s),
                p.threads,
                if p.threads == 1 { "" } else { "s" }
            ),
        ));
    }
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    lines
        .into_iter()
        .map(|(k, v)| format!("  {k:<width$}  {v}"))
        .collect()
}

/// Columns shared by the station and class tables: the delay distribution in minutes.
pub(super) const DELAY_COLUMNS: [&str; 7] = ["mean", "±95%", "p50", "p90", "p95", "p99", "max"];

/// The cells of [`DELAY_COLUMNS`] for one delay distribution, in minutes.
pub(super) fn delay_cells(d: &DelayStats) -> impl Iterator<Item = String> {
    [
        d.mean_s, d.ci95_s, d.p50_s, d.p90_s, d.p95_s, d.p99_s, d.max_s,
    ]
    .into_iter()
    .map(minutes)
}

/// Whether the crossing is reported per direction (more than one).
pub(super) fn multi_direction(report: &Report) -> bool {
    report.directions.len() > 1
}

/// What the columns mean.
fn footnotes(report: &Report) -> Vec<String> {
    let mut notes = vec![
        "  load: offered load per server from the traffic equations; util: busy / staffed lanes"
            .to_owned(),
        "  (± the 95% half-width in percentage points); veh/h: vehicles served per hour observed;"
            .to_owned(),
        "  queue: vehicles waiting (time-weighted mean, its ±95%, max).".to_owned(),
        "  lanes: most open at once; open: mean open; lane-h/day: staffed lane-hours per day; served: vehicles."
            .to_owned(),
    ];
    if report.replications >= 2 {
        notes.push(format!(
            "  mean, ±95%: mean of the {} replication means and the half-width of its 95% \
             confidence interval;",
            report.replications
        ));
    } else {
        notes.push(
            "  ±95%: needs at least 2 replications (--replications N) to estimate the spread;"
                .to_owned(),
        );
    }
    notes.extend([
        "  p50..max: pooled over every vehicle of every replication (compare's p95_rep is the"
            .to_owned(),
        "  mean of each replication's p95: p95_rep_mean_s and its ±95% in JSON and CSV)."
            .to_owned(),
        "  exited: vehicles that left. release: arrival to release of the goods, 0 for those"
            .to_owned(),
        "  released on arrival, else end of service at a releasing station (exit if none);"
            .to_owned(),
        "  buffer: p95 - mean, both pooled, 0 when the p95 is at or below the mean; index:"
            .to_owned(),
        "  buffer / mean (FHWA travel-time reliability).".to_owned(),
    ]);
    notes
}

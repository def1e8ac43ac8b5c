//! The Time Release Study sections (WCO, Time Release Study guide): arrival to release by
//! segment, time per stage, the profile by hour of arrival, risk channels and pre-arrival
//! processing, with the FHWA reliability measures (buffer time and index).

use bordersim_experiment::{DelayStats, HourlyProfile, Report, TrsInterval};

use super::super::columns::Table;
use super::super::numbers::{minutes, percent, ratio, thousands};

/// The TRS interval from arrival at the crossing to release of the goods.
const ARRIVAL_TO_RELEASE: &str = "arrival_to_release";

/// The TRS interval from arrival at the crossing to leaving it.
const ARRIVAL_TO_EXIT: &str = "arrival_to_exit";

/// The TRS segmentations, in the order they are shown, with their row labels.
const TRS_DIMENSIONS: [(&str, &str); 4] = [
    ("class", "class"),
    ("direction", "direction"),
    ("channel", "channel"),
    ("programme", "programme"),
];

/// Columns of the Time Release Study tables (WCO style): the distribution and the FHWA
/// reliability measures.
const TRS_COLUMNS: [&str; 11] = [
    "vehicles", "mean", "p50", "p90", "p95", "p99", "min", "max", "buffer", "index", "±95%",
];

/// The cells of [`TRS_COLUMNS`] for one distribution (times in minutes).
fn trs_cells(d: &DelayStats) -> Vec<String> {
    let mut cells = vec![thousands(d.count)];
    cells.extend(
        [
            d.mean_s,
            d.p50_s,
            d.p90_s,
            d.p95_s,
            d.p99_s,
            d.min_s,
            d.max_s,
            d.buffer_time_s,
        ]
        .into_iter()
        .map(minutes),
    );
    cells.push(ratio(d.buffer_index));
    cells.push(minutes(d.ci95_s));
    cells
}

/// An empty TRS table: the `first` label columns (after the first, left-aligned), then
/// [`TRS_COLUMNS`].
fn trs_titles(first: &[&'static str]) -> Table {
    let mut titles = first.to_vec();
    titles.extend(TRS_COLUMNS);
    let mut table = Table::new(&titles);
    for column in 1..first.len() {
        table.left_aligned(column);
    }
    table
}

/// Arrival to release for everyone, then by class, direction, channel and programme. A
/// segmentation with a single segment (one direction, no programmes) repeats the first row
/// and is left out.
pub(super) fn trs_table(report: &Report) -> Table {
    let mut table = trs_titles(&["by", "segment"]);
    let release: Vec<&TrsInterval> = report
        .trs
        .intervals
        .iter()
        .filter(|i| i.interval == ARRIVAL_TO_RELEASE)
        .collect();
    let everyone = release.iter().find(|i| i.dimension == "all");
    let cells = |by: &str, segment: &str, d: &DelayStats| {
        let mut row = vec![by.to_owned(), segment.to_owned()];
        row.extend(trs_cells(d));
        row
    };
    match everyone {
        Some(all) => table.row(cells("all", "all vehicles", &all.stats)),
        None => table.row(cells("all", "all vehicles", &DelayStats::default())),
    }
    let everyone_count = everyone.map_or(0, |i| i.stats.count);
    for (dimension, label) in TRS_DIMENSIONS {
        let segments: Vec<&&TrsInterval> = release
            .iter()
            .filter(|i| i.dimension == dimension)
            .collect();
        let repeats_all = segments.len() == 1 && segments[0].stats.count == everyone_count;
        if segments.is_empty() || repeats_all {
            continue;
        }
        table.rule();
        for (k, s) in segments.iter().enumerate() {
            let by = if k == 0 { label } else { "" };
            table.row(cells(by, &s.segment, &s.stats));
        }
    }
    table
}

/// Time at each stage, for everyone; then the whole-crossing intervals.
pub(super) fn stage_table(report: &Report) -> Table {
    let mut table = trs_titles(&["stage"]);
    let everyone = |interval: &str| {
        report
            .trs
            .intervals
            .iter()
            .find(|i| i.interval == interval && i.dimension == "all")
    };
    let row = |label: &str, d: &DelayStats| {
        let mut row = vec![label.to_owned()];
        row.extend(trs_cells(d));
        row
    };
    for st in &report.stations {
        if let Some(i) = everyone(&st.id) {
            table.row(row(&st.id, &i.stats));
        }
    }
    table.rule();
    for (interval, label) in [
        (ARRIVAL_TO_RELEASE, "arrival to release"),
        (ARRIVAL_TO_EXIT, "arrival to exit"),
    ] {
        if let Some(i) = everyone(interval) {
            table.row(row(label, &i.stats));
        }
    }
    table
}

/// Mean and p95 of arrival to release per hour of arrival, one column group per direction.
/// Hours in which no vehicle of any direction arrived are left out.
pub(super) fn hourly_table(report: &Report) -> Option<Table> {
    let hourly = &report.trs.hourly;
    if hourly.iter().all(|h| h.count == 0) {
        return None;
    }
    let directions: Vec<&str> = report.directions.iter().map(|d| d.id.as_str()).collect();
    let mut titles = vec!["hour"];
    for _ in &directions {
        titles.extend(["vehicles", "mean", "±95%", "p95"]);
    }
    let mut table = Table::new(&titles);
    for (k, d) in directions.iter().enumerate() {
        table.group(1 + 4 * k, 4 + 4 * k, d);
    }
    for hour in 0..24u8 {
        let cells: Vec<Option<&HourlyProfile>> = directions
            .iter()
            .map(|d| {
                hourly
                    .iter()
                    .find(|h| h.hour == hour && h.direction == *d && h.count > 0)
            })
            .collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let mut row = vec![format!("{hour:02}:00")];
        for cell in cells {
            match cell {
                Some(h) => row.extend([
                    thousands(h.count),
                    minutes(h.mean_s),
                    minutes(h.mean_ci95_s),
                    minutes(h.p95_s),
                ]),
                None => row.extend(["0", "-", "-", "-"].map(str::to_owned)),
            }
        }
        table.row(row);
    }
    Some(table)
}

/// Pre-arrival processing per direction, when any vehicle was pre-lodged; then the wait
/// before the first inspection point per direction (the FHWA border delay, processing
/// excluded), when any vehicle waited there.
pub(super) fn pre_arrival_lines(report: &Report) -> Vec<String> {
    let pre_arrival = report
        .trs
        .pre_arrival
        .iter()
        .filter(|p| p.pre_lodged > 0)
        .map(|p| {
            format!(
                "  Pre-arrival processing, {}: {} of {} vehicles lodged before arrival; {} ({}) \
                 released on arrival.",
                p.direction,
                thousands(p.pre_lodged),
                thousands(p.departed),
                thousands(p.released_on_arrival),
                percent(p.share_released_on_arrival)
            )
        });
    let with_ci = |value: Option<f64>, ci: Option<f64>| match ci {
        Some(_) => format!("{} ± {}", minutes(value), minutes(ci)),
        None => minutes(value),
    };
    let first_inspection = report
        .trs
        .first_inspection
        .iter()
        .filter(|w| w.count > 0)
        .map(move |w| {
            format!(
                "  Wait before the first inspection point (FHWA border delay), {} at {}: mean \
                 {} min, p95 {} min (per replication {} min), buffer time {} min (index {}).",
                w.direction,
                w.stations.join(", "),
                with_ci(w.mean_s, w.mean_ci95_s),
                minutes(w.p95_s),
                with_ci(w.p95_rep_mean_s, w.p95_rep_mean_ci95_s),
                with_ci(w.buffer_time_s, w.buffer_time_ci95_s),
                ratio(w.buffer_index)
            )
        });
    pre_arrival.chain(first_inspection).collect()
}

/// The share of each risk channel among the vehicles that left, on one line.
pub(super) fn channel_line(report: &Report) -> String {
    let shares: Vec<String> = report
        .trs
        .channels
        .iter()
        .map(|c| {
            format!(
                "{} {} ({})",
                c.channel,
                percent(c.share),
                thousands(c.count)
            )
        })
        .collect();
    format!(
        "  Risk channels of the vehicles that left: {}",
        shares.join(", ")
    )
}

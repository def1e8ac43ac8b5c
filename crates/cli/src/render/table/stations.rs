//! Sections about the stations: the station table with its instability note, lane groups
//! with what their lane rules did, and spillback (vehicles held upstream or lost).

use bordersim_experiment::Report;

use super::super::columns::Table;
use super::super::numbers::{count_f64, decimal, minutes, percent, thousands};
use super::{DELAY_COLUMNS, delay_cells, multi_direction};

/// Offered load per server at or above which a station's queue grows without bound.
const UNSTABLE_LOAD: f64 = 1.0;

/// How a station loaded past its servers fared.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Overload {
    /// Load below 1 per server.
    No,
    /// Its queue grows without bound: waits depend on the horizon.
    Unstable,
    /// Its storage is limited and the excess left unserved (when_full = "balk"): bounded,
    /// the balked share is the result to read (a loss system, Erlang B, at capacity 0).
    Balks,
}

/// Whether `st` is overloaded, and how. A station whose vehicles balked while none waited
/// upstream has a limited storage that balks when full (only that makes vehicles leave
/// unserved without spilling): its queue cannot grow.
fn overload(st: &bordersim_experiment::StationReport) -> Overload {
    if st.offered_load.is_nan() || st.offered_load < UNSTABLE_LOAD {
        Overload::No
    } else if st.spillback.balked > 0 && st.spillback.vehicles == 0 {
        Overload::Balks
    } else {
        Overload::Unstable
    }
}

/// One row per station (and direction): servers, load, use, throughput, wait, queue.
pub(super) fn station_table(report: &Report) -> Table {
    let any_unstable = report.stations.iter().any(|s| overload(s) != Overload::No);
    let by_direction = multi_direction(report);
    let mut titles = vec!["station"];
    if by_direction {
        titles.push("direction");
    }
    let first = titles.len();
    titles.extend(["servers", "load", "util", "veh/h"]);
    titles.extend(DELAY_COLUMNS);
    titles.extend(["mean", "±95%", "max"]);
    if any_unstable {
        titles.push("note");
    }
    let mut table = Table::new(&titles);
    if by_direction {
        table.left_aligned(1);
    }
    table.group(first + 4, first + 10, "wait in queue, min");
    table.group(first + 11, first + 13, "queue");
    if any_unstable {
        table.left_aligned(first + 14);
    }
    for st in &report.stations {
        let mut row = vec![st.id.clone()];
        if by_direction {
            row.push(st.direction.clone());
        }
        row.extend([
            st.servers.to_string(),
            format!("{:.2}", st.offered_load),
            utilisation_ci(st.utilization, st.utilization_ci95),
            decimal(st.throughput_per_h, 1),
        ]);
        row.extend(delay_cells(&st.wait));
        row.push(decimal(st.queue_length.mean, 2));
        row.push(
            st.queue_length
                .ci95
                .map_or_else(|| "-".to_owned(), |c| decimal(c, 2)),
        );
        row.push(thousands(st.queue_length.max));
        if any_unstable {
            row.push(
                match overload(st) {
                    Overload::No => "",
                    Overload::Unstable => "UNSTABLE",
                    Overload::Balks => "OVERLOADED, BALKS",
                }
                .to_owned(),
            );
        }
        table.row(row);
    }
    table
}

/// One row per lane group; a station with several groups gets a total row first.
pub(super) fn lane_table(report: &Report) -> Table {
    let mut table = Table::new(&[
        "station",
        "lane group",
        "lanes",
        "open",
        "lane-h/day",
        "util",
        "served",
    ]);
    table.left_aligned(1);
    // Lane-hours per day of the observation window, the unit `compare` differences.
    let days = (report.horizon_s - report.warmup_s) / 86_400.0;
    for st in &report.stations {
        let mut station = Some(st.id.clone());
        if st.lane_groups.len() > 1 {
            let open: f64 = st.lane_groups.iter().map(|g| g.servers_mean).sum();
            let served: f64 = st.lane_groups.iter().map(|g| g.served).sum();
            table.row(vec![
                station.take().unwrap_or_default(),
                "(all)".to_owned(),
                st.servers.to_string(),
                format!("{open:.2}"),
                decimal(st.lane_hours / days, 1),
                utilisation_ci(st.utilization, st.utilization_ci95),
                count_f64(served),
            ]);
        }
        for g in &st.lane_groups {
            table.row(vec![
                station.take().unwrap_or_default(),
                g.id.clone(),
                g.servers_max.to_string(),
                format!("{:.2}", g.servers_mean),
                decimal(g.lane_hours / days, 1),
                utilisation_ci(g.utilization, g.utilization_ci95),
                count_f64(g.served),
            ]);
        }
    }
    table
}

/// Vehicles held upstream or lost per station; `None` when no queue ever filled.
pub(super) fn spillback_table(report: &Report) -> Option<Table> {
    let any = report
        .stations
        .iter()
        .any(|s| s.spillback.vehicles > 0 || s.spillback.balked > 0);
    if !any {
        return None;
    }
    let mut table = Table::new(&[
        "station", "spilled", "balked", "at end", "mean", "p95", "max", "mean", "max",
    ]);
    table.group(4, 6, "time outside, min");
    table.group(7, 8, "queue, km");
    for st in &report.stations {
        let s = &st.spillback;
        if s.vehicles == 0 && s.balked == 0 {
            continue;
        }
        let t = &s.time_outside;
        table.row(vec![
            st.id.clone(),
            thousands(s.vehicles),
            thousands(s.balked),
            thousands(s.outside_at_end),
            minutes(t.mean_s),
            minutes(t.p95_s),
            minutes(t.max_s),
            format!("{:.2}", s.queue_km_mean),
            format!("{:.2}", s.queue_km_max),
        ]);
    }
    Some(table)
}

/// A utilisation, `-` where none is defined (no lane scheduled in the window).
fn utilisation(share: Option<f64>) -> String {
    share.map_or_else(|| "-".to_owned(), percent)
}

/// A utilisation with the half-width of its 95% interval across replications, in
/// percentage points (`66.3% ±0.4`).
fn utilisation_ci(share: Option<f64>, ci95: Option<f64>) -> String {
    match (share, ci95) {
        (Some(u), Some(c)) => format!("{} ±{:.1}", percent(u), 100.0 * c),
        (u, _) => utilisation(u),
    }
}

/// What each lane rule did, one line per ruled lane group; then, per station where
/// vehicles kept their lane after service because the next station was full, how many,
/// for how long and the lane-hours held.
pub(super) fn lane_rule_lines(report: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    lines.extend(blocking_lines(report));
    for st in &report.stations {
        for g in &st.lane_groups {
            if let (Some(opened), Some(closed)) = (g.rule_openings, g.rule_closings) {
                lines.push(format!(
                    "  Lane rule at {}/{}: {} lanes opened and {} closed per replication; \
                     {:.2} open on average, at most {}.",
                    st.id,
                    g.id,
                    decimal(opened, 1),
                    decimal(closed, 1),
                    g.servers_mean,
                    g.servers_max
                ));
            }
        }
    }
    lines
}

/// One line per station whose lanes were held by vehicles blocked after service.
fn blocking_lines(report: &Report) -> Vec<String> {
    let replications = f64::from(report.replications.max(1));
    report
        .stations
        .iter()
        .filter(|st| st.blocking.time_held.count > 0 || st.blocking.held_at_end > 0)
        .map(|st| {
            let b = &st.blocking;
            format!(
                "  Blocked at {}: {} vehicles per replication kept their lane after service, \
                 the next station being full, {} min on average (p95 {}); {} lane-hours held \
                 per replication; {} still held at the end.",
                st.id,
                decimal(b.time_held.count as f64 / replications, 1),
                minutes(b.time_held.mean_s),
                minutes(b.time_held.p95_s),
                decimal(b.lane_hours, 2),
                thousands(b.held_at_end)
            )
        })
        .collect()
}

/// The notes naming the stations whose queue grows without bound, and those loaded past
/// their servers whose limited storage balks (bounded: the excess leaves), if any.
pub(super) fn unstable_note(report: &Report) -> Option<String> {
    let named = |kind: Overload| -> Vec<&str> {
        report
            .stations
            .iter()
            .filter(|s| overload(s) == kind)
            .map(|s| s.id.as_str())
            .collect()
    };
    let (unstable, balks) = (named(Overload::Unstable), named(Overload::Balks));
    let mut lines = Vec::new();
    if !unstable.is_empty() {
        lines.push(format!(
            "  UNSTABLE: offered load >= 1 per server at {}; the queue grows without bound, so \
             its waits depend on the horizon. Add servers or shorten service.",
            unstable.join(", ")
        ));
    }
    if !balks.is_empty() {
        lines.push(format!(
            "  OVERLOADED, BALKS: offered load >= 1 per server at {}; its storage is limited \
             and balks when full, so the queue stays bounded and the excess leaves unserved \
             (see balked). Add servers or shorten service to carry it.",
            balks.join(", ")
        ));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

//! The human report, in minutes: a header describing the run, then aligned plain-text
//! tables: stations, lane groups, spillback (when any occurred), vehicle classes,
//! directions, and the Time Release Study (arrival to release by segment, stages, hourly
//! profile, risk channels), with short footnotes.

use bordersim_experiment::{DelayStats, Report, TrsInterval};

/// Offered load per server at or above which a station's queue grows without bound.
const UNSTABLE_LOAD: f64 = 1.0;

/// Spaces between columns.
const GAP: usize = 2;

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
        "Lanes: staffed lane-hours and use per lane group (per replication)",
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

    out.push(String::new());
    out.extend(footnotes(report));

    let mut text = out.join("\n");
    text.push('\n');
    text
}

fn economics_table(report: &Report) -> Table {
    let mut table = Table::new(&[
        "class",
        "value/h",
        "veh-h/day",
        "±95%",
        "value/day",
        "±95%",
        "value/year",
    ]);
    let money = |v: f64| thousands(v.round().max(0.0) as u64);
    for e in &report.economics {
        if e.id == "all" {
            table.rule();
        }
        table.row(vec![
            if e.id == "all" {
                "all classes".to_owned()
            } else {
                e.id.clone()
            },
            e.value_of_time_per_h
                .map_or_else(String::new, |v| format!("{v:.2}")),
            format!("{:.1}", e.delay_vehicle_hours_per_day),
            e.delay_vehicle_hours_per_day_ci95
                .map_or_else(|| "-".to_owned(), |c| format!("{c:.1}")),
            money(e.value_per_day),
            e.value_per_day_ci95.map_or_else(|| "-".to_owned(), &money),
            money(e.value_per_year),
        ]);
    }
    table
}

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
            format!(
                "{} arrived, {} exited, {} balked (sums over the observed windows)",
                thousands(v.arrived),
                thousands(v.departed),
                thousands(v.balked),
            ),
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
const DELAY_COLUMNS: [&str; 7] = ["mean", "±95%", "p50", "p90", "p95", "p99", "max"];

fn delay_cells(d: &DelayStats) -> impl Iterator<Item = String> {
    [
        d.mean_s, d.ci95_s, d.p50_s, d.p90_s, d.p95_s, d.p99_s, d.max_s,
    ]
    .into_iter()
    .map(minutes)
}

/// Columns of the Time Release Study tables (WCO style): the distribution and the FHWA
/// reliability measures.
const TRS_COLUMNS: [&str; 11] = [
    "vehicles", "mean", "p50", "p90", "p95", "p99", "min", "max", "buffer", "index", "±95%",
];

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

fn multi_direction(report: &Report) -> bool {
    report.directions.len() > 1
}

fn station_table(report: &Report) -> Table {
    let any_unstable = report
        .stations
        .iter()
        .any(|s| s.offered_load >= UNSTABLE_LOAD);
    let by_direction = multi_direction(report);
    let mut titles = vec!["station"];
    if by_direction {
        titles.push("direction");
    }
    let first = titles.len();
    titles.extend(["servers", "load", "util", "veh/h"]);
    titles.extend(DELAY_COLUMNS);
    titles.extend(["mean", "max"]);
    if any_unstable {
        titles.push("note");
    }
    let mut table = Table::new(&titles);
    if by_direction {
        table.left_aligned(1);
    }
    table.group(first + 4, first + 10, "wait in queue, min");
    table.group(first + 11, first + 12, "queue");
    if any_unstable {
        table.left_aligned(first + 13);
    }
    for st in &report.stations {
        let mut row = vec![st.id.clone()];
        if by_direction {
            row.push(st.direction.clone());
        }
        row.extend([
            st.servers.to_string(),
            format!("{:.2}", st.offered_load),
            percent(st.utilization),
            format!("{:.1}", st.throughput_per_h),
        ]);
        row.extend(delay_cells(&st.wait));
        row.push(format!("{:.2}", st.queue_length.mean));
        row.push(thousands(st.queue_length.max));
        if any_unstable {
            let unstable = st.offered_load >= UNSTABLE_LOAD;
            row.push(if unstable { "UNSTABLE" } else { "" }.to_owned());
        }
        table.row(row);
    }
    table
}

/// One row per lane group; a station with several groups gets a total row first.
fn lane_table(report: &Report) -> Table {
    let mut table = Table::new(&[
        "station",
        "lane group",
        "lanes",
        "open",
        "lane-h",
        "util",
        "served",
    ]);
    table.left_aligned(1);
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
                decimal(st.lane_hours, 1),
                percent(st.utilization),
                count_f64(served),
            ]);
        }
        for g in &st.lane_groups {
            table.row(vec![
                station.take().unwrap_or_default(),
                g.id.clone(),
                g.servers_max.to_string(),
                format!("{:.2}", g.servers_mean),
                decimal(g.lane_hours, 1),
                percent(g.utilization),
                count_f64(g.served),
            ]);
        }
    }
    table
}

fn spillback_table(report: &Report) -> Option<Table> {
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

fn class_table(report: &Report) -> Table {
    let any_balked = report.vehicles.balked > 0 || report.classes.iter().any(|c| c.balked > 0);
    let mut titles = vec!["class", "arrived", "exited"];
    if any_balked {
        titles.push("balked");
    }
    let first = titles.len();
    titles.extend(DELAY_COLUMNS);
    let mut table = Table::new(&titles);
    table.group(first, first + 6, "time in system, min");
    let row = |id: &str, arrived: u64, balked: u64, d: &DelayStats| {
        let mut row = vec![id.to_owned(), thousands(arrived), thousands(d.count)];
        if any_balked {
            row.push(thousands(balked));
        }
        row.extend(delay_cells(d));
        row
    };
    for class in &report.classes {
        table.row(row(
            &class.id,
            class.arrived,
            class.balked,
            &class.time_in_system,
        ));
    }
    // With one class, the total would repeat its row.
    if report.classes.len() > 1 {
        table.rule();
        table.row(row(
            "all vehicles",
            report.vehicles.arrived,
            report.vehicles.balked,
            &report.system.time_in_system,
        ));
    }
    table
}

fn direction_table(report: &Report) -> Table {
    let mut table = Table::new(&[
        "direction",
        "arrived",
        "released",
        "exited",
        "mean",
        "p95",
        "mean",
        "p95",
        "buffer",
        "index",
    ]);
    table.group(4, 5, "in system");
    table.group(6, 9, "arrival to release");
    let row = |id: &str, arrived: u64, exited: u64, system: &DelayStats, release: &DelayStats| {
        vec![
            id.to_owned(),
            thousands(arrived),
            thousands(release.count),
            thousands(exited),
            minutes(system.mean_s),
            minutes(system.p95_s),
            minutes(release.mean_s),
            minutes(release.p95_s),
            minutes(release.buffer_time_s),
            ratio(release.buffer_index),
        ]
    };
    for d in &report.directions {
        table.row(row(
            &d.id,
            d.arrived,
            d.departed,
            &d.time_in_system,
            &d.release,
        ));
    }
    if report.directions.len() != 1 {
        table.rule();
        table.row(row(
            "all directions",
            report.vehicles.arrived,
            report.vehicles.departed,
            &report.system.time_in_system,
            &report.system.release,
        ));
    }
    table
}

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
fn trs_table(report: &Report) -> Table {
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
fn stage_table(report: &Report) -> Table {
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
fn hourly_table(report: &Report) -> Option<Table> {
    let hourly = &report.trs.hourly;
    if hourly.iter().all(|h| h.count == 0) {
        return None;
    }
    let directions: Vec<&str> = report.directions.iter().map(|d| d.id.as_str()).collect();
    let mut titles = vec!["hour"];
    for _ in &directions {
        titles.extend(["vehicles", "mean", "p95"]);
    }
    let mut table = Table::new(&titles);
    for (k, d) in directions.iter().enumerate() {
        table.group(1 + 3 * k, 3 + 3 * k, d);
    }
    for hour in 0..24u8 {
        let cells: Vec<Option<&bordersim_experiment::HourlyProfile>> = directions
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
                Some(h) => row.extend([thousands(h.count), minutes(h.mean_s), minutes(h.p95_s)]),
                None => row.extend(["0".to_owned(), "-".to_owned(), "-".to_owned()]),
            }
        }
        table.row(row);
    }
    Some(table)
}

/// What each lane rule did, one line per ruled lane group.
fn lane_rule_lines(report: &Report) -> Vec<String> {
    let mut lines = Vec::new();
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

/// Pre-arrival processing per direction, when any vehicle was pre-lodged.
fn pre_arrival_lines(report: &Report) -> Vec<String> {
    report
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
        })
        .collect()
}

/// The share of each risk channel among the vehicles that left, on one line.
fn channel_line(report: &Report) -> String {
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

fn unstable_note(report: &Report) -> Option<String> {
    let unstable: Vec<&str> = report
        .stations
        .iter()
        .filter(|s| s.offered_load >= UNSTABLE_LOAD)
        .map(|s| s.id.as_str())
        .collect();
    if unstable.is_empty() {
        return None;
    }
    Some(format!(
        "  UNSTABLE: offered load >= 1 per server at {}; the queue grows without bound, so its \
         waits depend on the horizon. Add servers or shorten service.",
        unstable.join(", ")
    ))
}

fn footnotes(report: &Report) -> Vec<String> {
    let mut notes = vec![
        "  load: offered load per server from the traffic equations; util: busy / staffed lanes;"
            .to_owned(),
        "  veh/h: vehicles served per hour observed; queue: vehicles waiting (time-weighted mean, max)."
            .to_owned(),
        "  lanes: most open at once; open: mean open; lane-h: staffed lane-hours; served: vehicles."
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
        "  p50..max: over every vehicle of every replication. exited: vehicles that left."
            .to_owned(),
        "  release: end of service at a releasing station (exit if none releases);".to_owned(),
        "  buffer: p95 - mean; index: buffer / mean (FHWA travel-time reliability).".to_owned(),
    ]);
    notes
}

/// A share as a percentage with one decimal.
fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{:.1}%", 100.0 * share)
    } else {
        "-".to_owned()
    }
}

/// A ratio with two decimals; `-` when there is no value.
fn ratio(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{v:.2}"),
        _ => "-".to_owned(),
    }
}

/// `1234.56` as `1,234.6` (with `decimals` 1).
fn decimal(x: f64, decimals: usize) -> String {
    if !x.is_finite() || x < 0.0 {
        return format!("{x:.decimals$}");
    }
    let text = format!("{x:.decimals$}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    match whole.parse::<u64>() {
        Ok(n) if fraction.is_empty() => thousands(n),
        Ok(n) => format!("{}.{fraction}", thousands(n)),
        Err(_) => text,
    }
}

/// A mean count (per replication), rounded to a whole vehicle.
fn count_f64(n: f64) -> String {
    if n.is_finite() && n >= 0.0 {
        thousands(n.round() as u64)
    } else {
        "-".to_owned()
    }
}

/// Seconds as minutes with two decimals; `-` when there is no value.
fn minutes(seconds: Option<f64>) -> String {
    match seconds {
        Some(s) if s.is_finite() => format!("{:.2}", s / 60.0),
        _ => "-".to_owned(),
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A rate with an SI suffix: `12.3 M`, `456.0 k`, `78.9`.
fn rate(per_s: f64) -> String {
    if per_s >= 1e9 {
        format!("{:.1} G", per_s / 1e9)
    } else if per_s >= 1e6 {
        format!("{:.1} M", per_s / 1e6)
    } else if per_s >= 1e3 {
        format!("{:.1} k", per_s / 1e3)
    } else {
        format!("{per_s:.1}")
    }
}

/// Wall-clock seconds: `850 ms`, `3.42 s`.
fn wall_time(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.2} s")
    }
}

/// A duration in seconds as `7d`, `1d 12h`, `2h 30min`, `1min 30s`, `0.5s`.
fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds <= 0.0 {
        return "0s".to_owned();
    }
    let ms = (seconds * 1000.0).round() as u64;
    let (days, rest) = (ms / 86_400_000, ms % 86_400_000);
    let (hours, rest) = (rest / 3_600_000, rest % 3_600_000);
    let (mins, rest) = (rest / 60_000, rest % 60_000);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}d"));
    }
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if mins > 0 {
        parts.push(format!("{mins}min"));
    }
    if rest > 0 {
        if rest.is_multiple_of(1000) {
            parts.push(format!("{}s", rest / 1000));
        } else {
            parts.push(format!("{}s", rest as f64 / 1000.0));
        }
    }
    parts.join(" ")
}

/// A plain-text table: first column left-aligned, numbers right-aligned, optional group
/// labels spanning several columns above the titles.
#[derive(Debug)]
struct Table {
    titles: Vec<String>,
    left: Vec<bool>,
    groups: Vec<(usize, usize, String)>,
    rows: Vec<Option<Vec<String>>>,
}

impl Table {
    fn new(titles: &[&str]) -> Table {
        Table {
            titles: titles.iter().map(|t| (*t).to_owned()).collect(),
            left: (0..titles.len()).map(|i| i == 0).collect(),
            groups: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn left_aligned(&mut self, column: usize) {
        self.left[column] = true;
    }

    /// Labels columns `first..=last` together.
    fn group(&mut self, first: usize, last: usize, label: &str) {
        self.groups.push((first, last, label.to_owned()));
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(Some(cells));
    }

    /// A horizontal rule before the next row (e.g. before a total).
    fn rule(&mut self) {
        self.rows.push(None);
    }

    fn render(&self) -> Vec<String> {
        let n = self.titles.len();
        let mut widths: Vec<usize> = self.titles.iter().map(|t| width(t)).collect();
        for cells in self.rows.iter().flatten() {
            for (w, c) in widths.iter_mut().zip(cells) {
                *w = (*w).max(width(c));
            }
        }
        // Widen the columns of a group whose label does not fit, sharing the extra width
        // out from the right.
        for (first, last, label) in &self.groups {
            let span: usize = widths[*first..=*last].iter().sum::<usize>() + GAP * (last - first);
            let need = width(label) + 4;
            if need > span {
                let extra = need - span;
                let n = last - first + 1;
                for (k, w) in widths[*first..=*last].iter_mut().rev().enumerate() {
                    *w += extra / n + usize::from(k < extra % n);
                }
            }
        }

        let mut lines = Vec::new();
        if !self.groups.is_empty() {
            let mut line = String::new();
            let mut column = 0;
            for (first, last, label) in &self.groups {
                while column < *first {
                    line.push_str(&" ".repeat(widths[column] + GAP));
                    column += 1;
                }
                let span: usize =
                    widths[*first..=*last].iter().sum::<usize>() + GAP * (last - first);
                let text = format!(" {label} ");
                let fill = span - width(&text);
                line.push_str(&"-".repeat(fill / 2));
                line.push_str(&text);
                line.push_str(&"-".repeat(fill - fill / 2));
                line.push_str(&" ".repeat(GAP));
                column = last + 1;
            }
            lines.push(indent(line.trim_end()));
        }
        lines.push(self.line(&self.titles, &widths));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        lines.push(self.line(&rule, &widths));
        for row in &self.rows {
            match row {
                Some(cells) => lines.push(self.line(cells, &widths)),
                None => lines.push(self.line(&rule, &widths)),
            }
        }
        debug_assert!(self.rows.iter().flatten().all(|r| r.len() == n));
        lines
    }

    fn line(&self, cells: &[String], widths: &[usize]) -> String {
        let mut line = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str(&" ".repeat(GAP));
            }
            let pad = " ".repeat(w.saturating_sub(width(cell)));
            if self.left[i] {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        indent(line.trim_end())
    }
}

fn indent(line: &str) -> String {
    format!("  {line}")
}

/// Display width of plain text (every character one column; no wide characters here).
fn width(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(minutes(Some(90.0)), "1.50");
        assert_eq!(decimal(1103.96, 1), "1,104.0");
        assert_eq!(decimal(576.06, 1), "576.1");
        assert_eq!(decimal(1234.0, 0), "1,234");
        assert_eq!(minutes(None), "-");
        assert_eq!(rate(26_123_456.0), "26.1 M");
        assert_eq!(duration(7.0 * 86_400.0), "7d");
        assert_eq!(duration(36.0 * 3600.0), "1d 12h");
        assert_eq!(duration(9000.0), "2h 30min");
        assert_eq!(duration(90.0), "1min 30s");
        assert_eq!(duration(0.5), "0.5s");
        assert_eq!(duration(0.0), "0s");
    }

    #[test]
    fn columns_align() {
        // The group label is wider than its columns: they widen to fit it.
        let mut t = Table::new(&["name", "a", "b"]);
        t.group(1, 2, "group label");
        t.row(vec!["x".into(), "1.00".into(), "22".into()]);
        t.rule();
        t.row(vec!["longer".into(), "3".into(), "4".into()]);
        let lines = t.render();
        assert_eq!(
            lines,
            [
                "          - group label -",
                "  name          a       b",
                "  ------  -------  ------",
                "  x          1.00      22",
                "  ------  -------  ------",
                "  longer        3       4",
            ]
        );
    }
}

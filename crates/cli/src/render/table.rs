//! The human report: a header describing the run, then aligned plain-text tables of
//! waiting times per station and times in system per vehicle class, in minutes.

use bordersim_experiment::{DelayStats, Report};

/// Offered load per server at or above which a station's queue grows without bound.
const UNSTABLE_LOAD: f64 = 1.0;

/// Spaces between columns.
const GAP: usize = 2;

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    out.push(format!(
        "bordersim {} | {}",
        env!("CARGO_PKG_VERSION"),
        report.scenario
    ));
    out.push(String::new());
    out.extend(header(report));
    out.push(String::new());

    out.push("Stations".to_owned());
    out.extend(station_table(report).render());
    if let Some(note) = unstable_note(report) {
        out.push(note);
    }
    out.push(String::new());

    out.push("Vehicle classes: time in system, from arrival to release".to_owned());
    out.extend(class_table(report).render());
    out.push(String::new());
    out.extend(footnotes(report));

    let mut text = out.join("\n");
    text.push('\n');
    text
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
                "{} arrived, {} released, {} balked (sums over the observed windows)",
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

fn station_table(report: &Report) -> Table {
    let any_unstable = report
        .stations
        .iter()
        .any(|s| s.offered_load >= UNSTABLE_LOAD);
    let mut titles = vec!["station", "servers", "load", "util", "veh/h"];
    titles.extend(DELAY_COLUMNS);
    titles.extend(["mean", "max"]);
    if any_unstable {
        titles.push("note");
    }
    let mut table = Table::new(&titles);
    table.group(5, 11, "wait in queue, min");
    table.group(12, 13, "queue");
    if any_unstable {
        table.left_aligned(14);
    }
    for st in &report.stations {
        let mut row = vec![
            st.id.clone(),
            st.servers.to_string(),
            format!("{:.2}", st.offered_load),
            format!("{:.1}%", 100.0 * st.utilization),
            format!("{:.1}", st.throughput_per_h),
        ];
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

fn class_table(report: &Report) -> Table {
    let mut titles = vec!["class", "released"];
    titles.extend(DELAY_COLUMNS);
    let mut table = Table::new(&titles);
    table.group(2, 8, "time in system, min");
    let row = |id: &str, d: &DelayStats| {
        let mut row = vec![id.to_owned(), thousands(d.count)];
        row.extend(delay_cells(d));
        row
    };
    for class in &report.classes {
        table.row(row(&class.id, &class.time_in_system));
    }
    // With one class, the total would repeat its row.
    if report.classes.len() > 1 {
        table.rule();
        table.row(row("all vehicles", &report.system.time_in_system));
    }
    table
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
        "  load: offered load per server from the traffic equations; util: busy / open servers;"
            .to_owned(),
        "  veh/h: vehicles served per hour observed; queue: vehicles waiting (time-weighted mean, max)."
            .to_owned(),
    ];
    if report.replications >= 2 {
        notes.push(format!(
            "  mean ±95%: mean of the {} replication means and the half-width of its 95% \
             confidence interval;",
            report.replications
        ));
    } else {
        notes.push(
            "  ±95%: needs at least 2 replications (--replications N) to estimate the spread;"
                .to_owned(),
        );
    }
    notes.push(
        "  p50..max: over every vehicle of every replication. released: vehicles counted."
            .to_owned(),
    );
    notes
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
        // Widen the last column of a group whose label does not fit.
        for (first, last, label) in &self.groups {
            let span: usize = widths[*first..=*last].iter().sum::<usize>() + GAP * (last - first);
            let need = width(label) + 4;
            if need > span {
                widths[*last] += need - span;
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
        // The group label is wider than its columns: the last one widens to fit it.
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
                "  name       a          b",
                "  ------  ----  ---------",
                "  x       1.00         22",
                "  ------  ----  ---------",
                "  longer     3          4",
            ]
        );
    }
}

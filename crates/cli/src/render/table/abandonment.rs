//! Reneging: per station and class whose vehicles may give up there, how many gave up,
//! their share, and how long they had waited (apart from the served waits in the station
//! table); shown only when some class has a patience.

use bordersim_experiment::Report;

use super::super::columns::Table;
use super::super::numbers::{decimal, minutes, thousands};

/// One row per (station, class) where vehicles may give up; `None` when no class has a
/// patience.
pub(super) fn abandonment_table(report: &Report) -> Option<Table> {
    if report.abandonment.is_empty() {
        return None;
    }
    let mut table = Table::new(&[
        "station",
        "class",
        "gave up",
        "served",
        "share",
        "±95%",
        "per day",
        "wait mean",
        "±95%",
        "p95",
    ]);
    for row in &report.abandonment {
        table.row(vec![
            row.station.clone(),
            row.class.clone(),
            thousands(row.abandoned),
            thousands(row.served),
            format!("{:.1}%", 100.0 * row.share),
            row.share_ci95
                .map_or_else(String::new, |c| format!("{:.1}%", 100.0 * c)),
            decimal(row.per_day, 1),
            minutes(row.wait.mean_s),
            minutes(row.wait.ci95_s),
            minutes(row.wait.p95_s),
        ]);
    }
    Some(table)
}

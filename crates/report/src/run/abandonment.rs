//! The run page's section on reneging: per station and class whose vehicles may give up,
//! how many did, their share and how long they had waited; only when a class has a
//! patience.

use bordersim_experiment::Report;

use crate::format::{count, minutes, number, percent};
use crate::html::{Page, Table};

/// The "Reneging" section, when some class has a patience.
pub(super) fn write(page: &mut Page, report: &Report) {
    if report.abandonment.is_empty() {
        return;
    }
    page.section("reneging", "Reneging: vehicles that gave up waiting");
    let mut t = Table::new(
        &[
            "station",
            "class",
            "gave up",
            "served",
            "share",
            "±95%",
            "per day",
            "wait mean (min)",
            "±95%",
            "wait p95 (min)",
        ],
        2,
    );
    for a in &report.abandonment {
        t.row(vec![
            a.station.clone(),
            a.class.clone(),
            count(a.abandoned),
            count(a.served),
            percent(a.share),
            a.share_ci95.map_or_else(|| "–".into(), percent),
            number(a.per_day, 1),
            minutes(a.wait.mean_s),
            minutes(a.wait.ci95_s),
            minutes(a.wait.p95_s),
        ]);
    }
    page.table(&t);
}

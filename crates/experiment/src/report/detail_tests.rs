//! A report built for a page ([`Detail::Page`]) against one built for the data outputs:
//! the same aggregates asked for in the same order, so summaries recorded by any run merge
//! and replay into either, and the page's wait distribution is read off the merged
//! histogram of every vehicle of every replication.

use bordersim_model::NoLog;
use bordersim_stats::Tally;

use super::{Detail, Report, WAIT_DISTRIBUTION_POINTS};
use crate::test_support::{one_station, options};
use crate::{
    NoProgress, report_of_with, run, run_summary, run_summary_for, summarise_replications,
};

/// The report with every station's wait distribution taken out (what a data report holds).
fn without_distributions(mut report: Report) -> Report {
    for s in &mut report.stations {
        s.wait_distribution = None;
    }
    report
}

/// Summaries of replications 0–1 and 2–4, recorded by `summarise_replications` (which knows
/// nothing of pages), merged and replayed for a page, give the page report of all five
/// folded at once; its distribution is exactly the one read off the five replications'
/// waits merged by hand; and the data report is the page report without it (the JSON,
/// which leaves it out, is compared byte for byte by the command line's tests).
#[test]
fn summaries_recorded_for_any_output_replay_into_a_page_with_its_distribution() {
    let scenario = one_station("detail", 2, 5.0, 20.0);
    let opts = options(5);
    let (mut first, _) = summarise_replications(&scenario, &opts, 0..2, |_| NoLog).unwrap();
    let (rest, _) = summarise_replications(&scenario, &opts, 2..5, |_| NoLog).unwrap();
    first.merge(rest).expect("consecutive summaries merge");
    crate::check_summary(&scenario, &first).expect("the summary fits the scenario");
    let merged_page = report_of_with(&scenario, opts.seed, first, Detail::Page);

    let (page, _) =
        run_summary_for(&scenario, &opts, Detail::Page, |_| NoLog, &NoProgress).unwrap();
    assert!(
        merged_page == page,
        "the merged summaries' page report differs"
    );

    let mut waits = Tally::new();
    for r in &run(&scenario, &opts).unwrap().replications {
        waits.merge(&r.stations[0].waits.merged(|_| true));
    }
    assert!(
        waits.count() > 1_000 && waits.max_ms() > Some(60_000),
        "queues form"
    );
    let by_hand: Vec<(f64, f64)> = waits
        .distribution_ms(WAIT_DISTRIBUTION_POINTS)
        .into_iter()
        .map(|(ms, share)| (ms / 1000.0, share))
        .collect();
    let distribution = page.stations[0]
        .wait_distribution
        .as_ref()
        .expect("a page's");
    assert_eq!(*distribution, by_hand);
    assert_eq!(
        distribution.last().unwrap().0,
        page.stations[0].wait.max_s.unwrap()
    );
    assert!(distribution.len() > 50, "{}", distribution.len());

    let data = run_summary(&scenario, &opts).unwrap();
    assert!(data.stations.iter().all(|s| s.wait_distribution.is_none()));
    assert!(data == without_distributions(page));
}

//! Experiments: many replications of a scenario, run in parallel, summarised with
//! confidence intervals.
//!
//! Replication `r` is seeded from (master seed, r) alone, results are collected in
//! replication order and every float is summed sequentially in that order, so a report is
//! bit-identical whatever the number of threads.
//!
//! [`run_summary`] folds each replication, as it finishes, into a [`Summary`] (the
//! aggregates the report needs, merged in replication order), so its memory does not grow
//! with the number of replications; [`run`] keeps every replication's statistics, for the
//! paired comparisons that need them. Both give the same report, bit for bit.

#![warn(missing_docs)]

mod compare;
mod limits;
mod progress;
pub mod region;
mod report;
pub mod sweep;
#[cfg(test)]
mod test_support;
mod workers;

use std::ops::Range;

use bordersim_model::{
    CompiledScenario, ModelError, NoLog, ReplicationStats, Scenario, VehicleCounts, VehicleLog,
};
use report::recovery::{Counterfactual, run_replication};
use workers::on_workers;

pub use compare::{
    Comparison, Difference, FALSE_DISCOVERY_RATE, Measure, NetBenefit, Status, VariantResult,
    compare, compare_folded, compare_with_progress, headline_measures, net_benefit,
    paired_differences,
};
pub use limits::{MAX_REPLICATIONS, MAX_REPLICATIONS_WHY, replications_refusal};
pub use progress::{NoProgress, Progress};
pub use report::costs;
pub use report::hourly_groups;
pub use report::recovery::{BackToNormal, EventRecovery, RecoveryReport};
pub use report::{AbandonmentReport, SeriesReport, SeriesStatistic, StationHours, StationSeries};
pub use report::{
    BlockingReport, ChannelShare, ClassReport, DelayCost, DelayStats, Detail, DirectionReport,
    FirstInspectionWait, HourlyProfile, LaneGroupReport, Performance, PreArrivalShare,
    QueueLengthStats, Report, SpillbackReport, StationReport, SystemReport, TrsInterval, TrsReport,
    VehicleReport, WAIT_DISTRIBUTION_POINTS, check_summary, report_of, report_of_with, summarise,
};
pub use sweep::{MergeError, Summary};
pub use workers::Workers;

/// How to run a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Independent replications to run (≥ 1).
    pub replications: u32,
    /// The master seed: replication `r` draws from streams seeded by (seed, `r`).
    pub seed: u64,
    /// Worker threads; `None` uses every core.
    pub threads: Option<usize>,
}

impl RunOptions {
    /// The scenario's own defaults.
    pub fn from_scenario(scenario: &Scenario) -> Self {
        RunOptions {
            replications: scenario.replications,
            seed: scenario.seed,
            threads: None,
        }
    }
}

/// Why an experiment could not run.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    /// [`RunOptions::replications`] is zero.
    #[error("at least one replication is needed")]
    NoReplications,
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool {
        /// The threads asked for (0: every core).
        threads: usize,
        /// What the thread pool said.
        reason: String,
    },
    /// The scenario failed the compile step of the engine.
    #[error("the scenario cannot be prepared for simulation: {0}")]
    Model(ModelError),
    /// Two summaries of one scenario did not merge: a bug, never a property of the input.
    #[error(
        "the summaries of the replications do not merge ({0}); this is a bug in bordersim, please report it with the scenario file"
    )]
    Merge(MergeError),
    /// A vehicle was created or lost by the engine: a bug, never a property of the input.
    #[error(
        "replication {replication} broke vehicle conservation ({counts:?}); this is a bug in bordersim, please report it with the scenario file"
    )]
    ConservationViolated {
        /// The first replication (from 0) whose vehicles do not add up.
        replication: u64,
        /// Its vehicle counts over the observation window.
        counts: VehicleCounts,
    },
    /// The caller cancelled the run ([`Progress::cancelled`]); nothing was summarised.
    #[error("the run was cancelled")]
    Cancelled,
    /// A replication came to hold more vehicles than the crossing may (arrivals faster than
    /// it can serve them) and was stopped.
    #[error(
        "replication {replication} was stopped at {at}: more than {cap} vehicles were in the crossing at once, so its queues grow without bound (arrivals faster than the lanes can serve them; the warnings of `bordersim validate` name the overloaded stations). Add lanes or lower the demand, or raise `max_in_system` in [scenario] if such a queue is real"
    )]
    Unstable {
        /// The first replication (from 0) that was stopped.
        replication: u64,
        /// When it was stopped, as day and clock time from time zero (`"day 1, 02:03:04"`).
        at: String,
        /// The crossing's limit on vehicles in it at once.
        cap: u64,
    },
}

/// The raw replications and their summary.
#[derive(Debug)]
pub struct Outcome {
    /// Every replication's statistics, in replication order.
    pub replications: Vec<ReplicationStats>,
    /// Their summary.
    pub report: Report,
}

/// Runs `options.replications` replications of `scenario` and summarises them.
///
/// # Errors
///
/// [`ExperimentError::NoReplications`] for zero replications,
/// [`ExperimentError::ThreadPool`] if the worker threads cannot start,
/// [`ExperimentError::Model`] if the engine cannot compile the scenario, and
/// [`ExperimentError::ConservationViolated`] if a replication created or lost a vehicle (a
/// bug in the engine).
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<Outcome, ExperimentError> {
    run_logged(scenario, options, |_| NoLog).map(|(outcome, _)| outcome)
}

/// As [`run`], with a per-vehicle event log for each replication: `make_log(r)` builds the log
/// of replication `r`, which receives the events of the vehicles it asks for as they happen.
/// The logs are returned in replication order, so the caller can assemble one file whatever
/// the thread count.
///
/// # Errors
///
/// As [`run`].
pub fn run_logged<L, F>(
    scenario: &Scenario,
    options: &RunOptions,
    make_log: F,
) -> Result<(Outcome, Vec<L>), ExperimentError>
where
    L: VehicleLog + Send,
    F: Fn(u64) -> L + Sync,
{
    run_with_progress(scenario, options, make_log, &NoProgress)
}

/// As [`run_logged`], telling `progress` as each replication ends.
///
/// # Errors
///
/// As [`run`].
pub fn run_with_progress<L, F>(
    scenario: &Scenario,
    options: &RunOptions,
    make_log: F,
    progress: &dyn Progress,
) -> Result<(Outcome, Vec<L>), ExperimentError>
where
    L: VehicleLog + Send,
    F: Fn(u64) -> L + Sync,
{
    if options.replications == 0 {
        return Err(ExperimentError::NoReplications);
    }
    let model = CompiledScenario::new(scenario).map_err(ExperimentError::Model)?;
    let without_events = Counterfactual::new(scenario).map_err(ExperimentError::Model)?;
    let results: Vec<(ReplicationStats, L)> = on_workers(options, |threads| {
        threads.map(0..u64::from(options.replications), |r| {
            // Asked before each replication: a cancelled run stops within one.
            if progress.cancelled() {
                return None;
            }
            let mut log = make_log(r);
            let stats = run_replication(&model, without_events.as_ref(), options.seed, r, &mut log);
            progress.replication_done(options.replications);
            progress.events_done(stats.events);
            Some((stats, log))
        })
    })?
    .ok_or(ExperimentError::Cancelled)?;
    let (replications, logs): (Vec<ReplicationStats>, Vec<L>) = results.into_iter().unzip();
    check_conservation(&replications)?;
    limits::check_stopped(&model, scenario, &replications)?;
    let report = summarise(scenario, options.seed, &replications);
    Ok((
        Outcome {
            replications,
            report,
        },
        logs,
    ))
}

/// Runs `options.replications` replications of `scenario` and summarises them, folding each
/// replication into the summary as it finishes (in replication order): memory holds the
/// summary and the replications in flight, however many replications run. The report is
/// [`run`]'s, bit for bit.
///
/// # Errors
///
/// As [`run`].
pub fn run_summary(scenario: &Scenario, options: &RunOptions) -> Result<Report, ExperimentError> {
    run_summary_logged(scenario, options, |_| NoLog).map(|(report, _)| report)
}

/// As [`run_summary`], with a per-vehicle event log for each replication (see
/// [`run_logged`]), the logs returned in replication order.
///
/// # Errors
///
/// As [`run`].
pub fn run_summary_logged<L, F>(
    scenario: &Scenario,
    options: &RunOptions,
    make_log: F,
) -> Result<(Report, Vec<L>), ExperimentError>
where
    L: VehicleLog + Send,
    F: Fn(u64) -> L + Sync,
{
    run_summary_with_progress(scenario, options, make_log, &NoProgress)
}

/// As [`run_summary_logged`], telling `progress` of each replication as it finishes.
///
/// # Errors
///
/// As [`run`].
pub fn run_summary_with_progress<L, F>(
    scenario: &Scenario,
    options: &RunOptions,
    make_log: F,
    progress: &dyn Progress,
) -> Result<(Report, Vec<L>), ExperimentError>
where
    L: VehicleLog + Send,
    F: Fn(u64) -> L + Sync,
{
    run_summary_for(scenario, options, Detail::Data, make_log, progress)
}

/// As [`run_summary_with_progress`], the report built for `detail` ([`Detail::Page`] for a
/// run whose report becomes an HTML page).
///
/// # Errors
///
/// As [`run`].
pub fn run_summary_for<L, F>(
    scenario: &Scenario,
    options: &RunOptions,
    detail: Detail,
    make_log: F,
    progress: &dyn Progress,
) -> Result<(Report, Vec<L>), ExperimentError>
where
    L: VehicleLog + Send,
    F: Fn(u64) -> L + Sync,
{
    // No replications is an empty range: `fold_replications` refuses it.
    let (summary, logs, _) = fold_replications(
        scenario,
        options,
        0..u64::from(options.replications),
        make_log,
        |_| (),
        progress,
    )?;
    Ok((
        report_of_with(scenario, options.seed, summary, detail),
        logs,
    ))
}

/// Runs the replications `replications` (a range of replication numbers, each seeded from
/// (`options.seed`, its number) alone) of `scenario` and folds them, in order, into their
/// [`Summary`]; summaries of consecutive ranges merge into the summary of their union.
/// `options.replications` is not read.
///
/// # Errors
///
/// As [`run`]; [`ExperimentError::NoReplications`] for an empty range.
pub fn summarise_replications<L, F>(
    scenario: &Scenario,
    options: &RunOptions,
    replications: Range<u64>,
    make_log: F,
) -> Result<(Summary, Vec<L>), ExperimentError>
where
    L: VehicleLog + Send,
    F: Fn(u64) -> L + Sync,
{
    fold_replications(
        scenario,
        options,
        replications,
        make_log,
        |_| (),
        &NoProgress,
    )
    .map(|(summary, logs, _)| (summary, logs))
}

/// The replications `replications` of `scenario` folded, in order, into their [`Summary`]
/// as they finish, each first handed to `inspect` (what a caller keeps of a replication
/// before its statistics are folded away: the headline measures of a comparison), and
/// `progress` told. Returns the summary, the event logs and what `inspect` returned, in
/// replication order.
///
/// # Errors
///
/// As [`summarise_replications`].
pub fn fold_replications<L, F, T, I>(
    scenario: &Scenario,
    options: &RunOptions,
    replications: Range<u64>,
    make_log: F,
    inspect: I,
    progress: &dyn Progress,
) -> Result<(Summary, Vec<L>, Vec<T>), ExperimentError>
where
    L: VehicleLog + Send,
    F: Fn(u64) -> L + Sync,
    T: Send,
    I: Fn(&ReplicationStats) -> T + Sync,
{
    if replications.is_empty() {
        return Err(ExperimentError::NoReplications);
    }
    let model = CompiledScenario::new(scenario).map_err(ExperimentError::Model)?;
    let without_events = Counterfactual::new(scenario).map_err(ExperimentError::Model)?;
    on_workers(options, |threads| {
        // Replications run in batches of one per thread: a batch's summaries are merged in
        // replication order before the next starts, so memory holds one replication per
        // thread and the summary, and the threads stay busy but for the end of each batch
        // (replications of one scenario take about as long as each other).
        let batch = threads.count().max(1) as u64;
        let mut summary: Option<Summary> = None;
        let mut logs = Vec::new();
        let mut inspected = Vec::new();
        let mut start = replications.start;
        let total = u32::try_from(replications.end - replications.start).unwrap_or(u32::MAX);
        let one = |r: u64| {
            let mut log = make_log(r);
            let stats = run_replication(&model, without_events.as_ref(), options.seed, r, &mut log);
            // Conservation and the vehicle cap are checked before the statistics are
            // folded away; only their verdicts are kept.
            let counts = stats.vehicles;
            let stopped = limits::check_stopped(&model, scenario, std::slice::from_ref(&stats));
            let kept = inspect(&stats);
            let events = stats.events;
            let summary = report::record(scenario, stats);
            progress.replication_done(total);
            progress.events_done(events);
            (counts, stopped, summary, log, kept)
        };
        while start < replications.end {
            if progress.cancelled() {
                return Err(ExperimentError::Cancelled);
            }
            let end = replications.end.min(start + batch);
            // Asked again before each replication of the batch: a cancel that comes while
            // the batch waits for threads other runs hold skips what has not started.
            let done: Vec<Folded<L, T>> = threads
                .map(start..end, |r| (!progress.cancelled()).then(|| one(r)))
                .ok_or(ExperimentError::Cancelled)?;
            for (counts, stopped, next, log, kept) in done {
                check_conserved(next.first_replication(), counts)?;
                stopped?;
                match &mut summary {
                    None => summary = Some(next),
                    Some(s) => s.merge(next).map_err(ExperimentError::Merge)?,
                }
                logs.push(log);
                inspected.push(kept);
            }
            start = end;
        }
        let summary = summary.ok_or(ExperimentError::NoReplications)?;
        Ok((summary, logs, inspected))
    })?
}

/// A finished replication on its way into the summary: its vehicle counts, whether it
/// stopped at the vehicle cap, its summary, its event log and what the caller kept of it.
type Folded<L, T> = (VehicleCounts, Result<(), ExperimentError>, Summary, L, T);

/// Checks vehicle conservation in every replication, in replication order.
///
/// # Errors
///
/// [`ExperimentError::ConservationViolated`] for the first replication whose vehicles at the
/// start plus arrivals differ from departures, balks and vehicles at the end.
fn check_conservation(replications: &[ReplicationStats]) -> Result<(), ExperimentError> {
    for rep in replications {
        check_conserved(rep.replication, rep.vehicles)?;
    }
    Ok(())
}

/// Checks the vehicle conservation of replication `replication`.
///
/// # Errors
///
/// [`ExperimentError::ConservationViolated`] if its vehicles do not add up.
fn check_conserved(replication: u64, counts: VehicleCounts) -> Result<(), ExperimentError> {
    if counts.is_conserved() {
        Ok(())
    } else {
        Err(ExperimentError::ConservationViolated {
            replication,
            counts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{one_station, options};
    use bordersim_model::LogRecord;

    /// A log that wants no vehicle and only remembers which replication made it.
    #[derive(Debug, PartialEq)]
    struct Tag(u64);

    impl VehicleLog for Tag {
        const ENABLED: bool = false;

        fn wants(&mut self, _vehicle: u64) -> bool {
            false
        }

        fn record(&mut self, _record: &LogRecord) {}
    }

    /// Cancels after `after` replications have finished.
    struct CancelAfter {
        after: u32,
        done: std::sync::atomic::AtomicU32,
    }

    impl Progress for CancelAfter {
        fn replication_done(&self, _total: u32) {
            self.done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }

        fn cancelled(&self) -> bool {
            self.done.load(std::sync::atomic::Ordering::SeqCst) >= self.after
        }
    }

    #[test]
    fn a_cancelled_run_stops_within_the_batch_in_flight() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let mut opts = options(20);
        opts.threads = Some(2);
        let progress = CancelAfter {
            after: 1,
            done: std::sync::atomic::AtomicU32::new(0),
        };
        let outcome = run_summary_with_progress(&scenario, &opts, |_| NoLog, &progress);
        assert!(matches!(outcome, Err(ExperimentError::Cancelled)));
        // Of the first batch (one replication per thread), the first replication ran and
        // the second too if it had started before the first ended; nothing after it.
        let done = progress.done.load(std::sync::atomic::Ordering::SeqCst);
        assert!((1..=2).contains(&done), "{done}");
        // Never cancelled: the run is whole.
        let whole = CancelAfter {
            after: u32::MAX,
            done: std::sync::atomic::AtomicU32::new(0),
        };
        assert!(run_summary_with_progress(&scenario, &opts, |_| NoLog, &whole).is_ok());
        assert_eq!(whole.done.load(std::sync::atomic::Ordering::SeqCst), 20);
    }

    #[test]
    fn replication_r_is_seeded_by_the_seed_and_r_alone() {
        // The first three replications of a five-replication run are those of a
        // three-replication run: nothing about a replication depends on how many run.
        let scenario = one_station("x", 2, 4.0, 25.0);
        let three = run(&scenario, &options(3)).expect("runs");
        let five = run(&scenario, &options(5)).expect("runs");
        assert_eq!(
            summarise(&scenario, 3, &five.replications[..3]),
            three.report
        );
        let seeds: Vec<u64> = five.replications.iter().map(|r| r.replication).collect();
        assert_eq!(seeds, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn another_seed_gives_other_vehicles() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let a = run(&scenario, &options(2)).expect("runs");
        let b = run(
            &scenario,
            &RunOptions {
                seed: 4,
                ..options(2)
            },
        )
        .expect("runs");
        assert_ne!(a.report.system, b.report.system);
    }

    #[test]
    fn the_report_does_not_depend_on_the_thread_count() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let with = |threads| {
            run(
                &scenario,
                &RunOptions {
                    threads: Some(threads),
                    ..options(6)
                },
            )
            .expect("runs")
            .report
        };
        let one = with(1);
        assert_eq!(with(2), one);
        assert_eq!(with(4), one);
    }

    #[test]
    fn logs_come_back_in_replication_order() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let (outcome, logs) = run_logged(
            &scenario,
            &RunOptions {
                threads: Some(2),
                ..options(5)
            },
            Tag,
        )
        .expect("runs");
        assert_eq!(logs, [Tag(0), Tag(1), Tag(2), Tag(3), Tag(4)]);
        assert_eq!(outcome.replications.len(), 5);
    }

    /// The report as text: equal text is equal bits in every float (`{:?}` prints the
    /// shortest string that reads back to the same bits).
    fn bits(report: &Report) -> String {
        format!("{report:?}")
    }

    fn summary_of(scenario: &Scenario, range: Range<u64>, threads: usize) -> Summary {
        let options = RunOptions {
            threads: Some(threads),
            ..options(1)
        };
        summarise_replications(scenario, &options, range, |_| NoLog)
            .expect("runs")
            .0
    }

    /// Trucks at `rate_per_hour` through one station with a deterministic 1 min service,
    /// observed for `hours`; half are lodged in advance and, when green, released on
    /// arrival; no station releases.
    fn pre_lodged(rate_per_hour: f64, hours: u64) -> Scenario {
        use bordersim_des::SimTime;
        use bordersim_model::{ClassId, Crossing, Population, ServiceDist, Source, Station};
        let mut population = Population::simple(&["truck"]);
        population.classes[0].pre_lodged_share = 0.5;
        population.classes[0].pre_lodged_release_on_arrival = true;
        let station = Station::simple(
            "primary",
            2,
            vec![Some(ServiceDist::Deterministic { value_ms: 60_000.0 })],
            vec![],
        );
        let own = Source::poisson(
            "own",
            ClassId(0),
            rate_per_hour,
            bordersim_model::StationId(0),
        );
        Scenario {
            name: "pre-lodged".into(),
            crossing: Crossing::new("x", &population, vec![station], vec![own]).expect("valid"),
            horizon: SimTime::from_hours(hours),
            warmup: SimTime::ZERO,
            replications: 1,
            seed: 1,
            start_weekday: 0,
        }
    }

    #[test]
    fn the_folded_report_is_the_report_of_every_replication_at_once() {
        for scenario in [one_station("x", 2, 4.0, 25.0), pre_lodged(30.0, 30)] {
            let all = run(&scenario, &options(7)).expect("runs");
            for threads in [1, 2, 3] {
                let folded = run_summary(
                    &scenario,
                    &RunOptions {
                        threads: Some(threads),
                        ..options(7)
                    },
                )
                .expect("runs");
                assert_eq!(bits(&folded), bits(&all.report), "{threads} threads");
            }
        }
    }

    #[test]
    fn summaries_of_consecutive_replications_merge_into_the_summary_of_all() {
        // 0–9 merged with 10–19 is 0–19, whatever the threads that ran each part; so is any
        // other split into consecutive parts.
        let scenario = one_station("x", 2, 4.0, 25.0);
        let whole = summary_of(&scenario, 0..20, 2);
        let mut merged = summary_of(&scenario, 0..10, 1);
        merged
            .merge(summary_of(&scenario, 10..20, 3))
            .expect("merges");
        assert_eq!(merged, whole);
        assert_eq!((merged.first_replication(), merged.replications()), (0, 20));
        let mut parts = summary_of(&scenario, 0..1, 1);
        for range in [1..7, 7..8, 8..20] {
            parts
                .merge(summary_of(&scenario, range, 2))
                .expect("merges");
        }
        assert_eq!(parts, whole);
        let all = run(&scenario, &options(20)).expect("runs").report;
        assert_eq!(bits(&report_of(&scenario, 3, merged)), bits(&all));
    }

    #[test]
    fn only_consecutive_summaries_of_one_scenario_merge() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let mut first = summary_of(&scenario, 0..3, 1);
        let before = first.clone();
        assert_eq!(
            first.merge(summary_of(&scenario, 4..5, 1)),
            Err(MergeError::NotConsecutive { end: 3, start: 4 })
        );
        let other = pre_lodged(30.0, 30);
        assert!(matches!(
            first.merge(summary_of(&other, 3..4, 1)),
            Err(MergeError::Shape(_))
        ));
        assert_eq!(first, before, "nothing is merged on an error");
    }

    #[test]
    fn replications_in_which_nobody_left_fold_like_the_others() {
        // At 1 truck an hour for one hour, most replications see nobody leave: without a
        // releasing station the arrival-to-release rows still follow the scenario, and the
        // folded report is the report of all replications at once.
        let scenario = pre_lodged(1.0, 1);
        let all = run(&scenario, &options(12)).expect("runs");
        let nobody = all
            .replications
            .iter()
            .filter(|r| r.vehicles.departed == 0)
            .count();
        assert!(
            nobody > 0 && nobody < 12,
            "{nobody} replications without exits"
        );
        let folded = run_summary(&scenario, &options(12)).expect("runs");
        assert_eq!(bits(&folded), bits(&all.report));
        // Nobody leaves in any replication: the table is empty either way.
        let empty = pre_lodged(0.001, 1);
        let all = run(&empty, &options(3)).expect("runs");
        assert_eq!(all.report.vehicles.departed, 0);
        let folded = run_summary(&empty, &options(3)).expect("runs");
        assert_eq!(bits(&folded), bits(&all.report));
    }

    #[test]
    fn progress_hears_of_every_replication() {
        use std::sync::atomic::{AtomicU32, Ordering};
        #[derive(Default)]
        struct Count(AtomicU32);
        impl Progress for Count {
            fn replication_done(&self, total: u32) {
                assert_eq!(total, 7);
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        let scenario = one_station("x", 2, 4.0, 25.0);
        let count = Count::default();
        let options = RunOptions {
            threads: Some(2),
            ..options(7)
        };
        let (outcome, _) = run_with_progress(&scenario, &options, |_| NoLog, &count).expect("runs");
        assert_eq!(count.0.load(Ordering::Relaxed), 7);
        // Watching changes nothing.
        assert_eq!(
            outcome.report,
            run(&scenario, &options).expect("runs").report
        );
    }

    #[test]
    fn zero_replications_is_an_error() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        assert!(matches!(
            run(&scenario, &options(0)),
            Err(ExperimentError::NoReplications)
        ));
    }

    #[test]
    fn a_replication_that_loses_a_vehicle_is_reported() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let mut replications = run(&scenario, &options(3)).expect("runs").replications;
        assert!(check_conservation(&replications).is_ok());
        replications[1].vehicles.departed -= 1;
        replications[2].vehicles.arrived += 1;
        match check_conservation(&replications) {
            Err(ExperimentError::ConservationViolated {
                replication,
                counts,
            }) => {
                assert_eq!(replication, 1, "the first broken replication is named");
                assert_eq!(counts, replications[1].vehicles);
            }
            other => panic!("expected a conservation violation, got {other:?}"),
        }
    }
}

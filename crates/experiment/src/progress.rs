//! What a caller hears of an experiment as it runs (a progress bar, a server's job status),
//! and how it asks it to stop. The experiment knows no terminal and no server: it tells a
//! [`Progress`] and asks it whether to go on.

/// Told how an experiment advances, for a progress bar: called from the worker threads as
/// each replication ends, in no particular order. The experiment knows no terminal; the
/// caller decides what to show.
///
/// Every experiment tells it the same way: runs, comparisons (each scenario's replications in
/// turn), a region's equilibrium (each crossing's replications in every iteration) and a
/// calibration's fit (every evaluation's replications).
pub trait Progress: Sync {
    /// One more of the run's `total` replications has finished.
    fn replication_done(&self, total: u32);

    /// The replication that has just finished simulated `events` events (warm-up included:
    /// the engine's count of the events it processed). Told once per replication, right after
    /// [`Progress::replication_done`] and on the same thread, never per event, so that a
    /// caller can bound an experiment's work (a server's per-job event limit) at no cost to
    /// the event loop.
    fn events_done(&self, events: u64) {
        let _ = events;
    }

    /// Iteration `iteration` (from 1) of at most `max` of a region's equilibrium has ended
    /// with relative gap `gap`.
    fn iteration_done(&self, iteration: u32, max: u32, gap: f64) {
        let _ = (iteration, max, gap);
    }

    /// Whether the caller wants the experiment stopped (a server cancelling a job): asked
    /// before each replication starts (also one that waited for threads another experiment
    /// held, [`crate::Workers::run`]) and after each iteration of a region, so a cancelled
    /// experiment ends with [`crate::ExperimentError::Cancelled`] (a region with
    /// [`crate::region::RegionError::Cancelled`]) after the replications in flight. Never
    /// by default.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Reports no progress.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn replication_done(&self, _total: u32) {}
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

    use bordersim_model::NoLog;

    use super::*;
    use crate::region::{
        RegionError, compare_regions, compare_regions_with_progress, run_region,
        run_region_with_progress,
    };
    use crate::test_support::{one_station, one_way_region, options};
    use crate::{
        ExperimentError, RunOptions, compare_folded, compare_with_progress,
        run_summary_with_progress, run_with_progress,
    };

    /// Counts replications and events; asks to stop once `stop_after` replications ended.
    #[derive(Default)]
    struct Counter {
        replications: AtomicU32,
        events: AtomicU64,
        stop_after: Option<u32>,
    }

    impl Counter {
        fn stopping_after(n: u32) -> Counter {
            Counter {
                stop_after: Some(n),
                ..Counter::default()
            }
        }
        fn replications(&self) -> u32 {
            self.replications.load(Ordering::SeqCst)
        }
        fn events(&self) -> u64 {
            self.events.load(Ordering::SeqCst)
        }
    }

    impl Progress for Counter {
        fn replication_done(&self, _total: u32) {
            self.replications.fetch_add(1, Ordering::SeqCst);
        }
        fn events_done(&self, events: u64) {
            self.events.fetch_add(events, Ordering::SeqCst);
        }
        fn cancelled(&self) -> bool {
            self.stop_after.is_some_and(|n| self.replications() >= n)
        }
    }

    /// One worker thread: a cancel is seen before the very next replication.
    fn one_thread(replications: u32) -> RunOptions {
        RunOptions {
            threads: Some(1),
            ..options(replications)
        }
    }

    fn two_crossings() -> crate::region::RegionModel {
        one_way_region(
            vec![
                one_station("fast", 3, 2.0, 10.0),
                one_station("slow", 1, 9.0, 10.0),
            ],
            400.0,
            0.0,
        )
    }

    #[test]
    fn every_replication_tells_its_events_once_whatever_the_experiment() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        let options = RunOptions {
            threads: Some(2),
            ..options(5)
        };
        // A run, kept or folded: the report's events, summed from the replications.
        let counter = Counter::default();
        let (outcome, _) = run_with_progress(&scenario, &options, |_| NoLog, &counter).unwrap();
        assert_eq!(counter.events(), outcome.report.events);
        assert_eq!(counter.replications(), 5);
        let folded = Counter::default();
        let (report, _) =
            run_summary_with_progress(&scenario, &options, |_| NoLog, &folded).unwrap();
        assert_eq!(folded.events(), report.events);

        // A comparison: every scenario's events.
        let variant = one_station("y", 3, 4.0, 25.0);
        let variants = vec![("three lanes".to_owned(), variant)];
        let counter = Counter::default();
        let comparison = compare_folded(&scenario, &variants, &options, &counter).unwrap();
        let expected = comparison.baseline.events + comparison.variants[0].result.events;
        assert_eq!(counter.events(), expected);
        assert_eq!(counter.replications(), 10);
        let kept = Counter::default();
        compare_with_progress(&scenario, &variants, &options, &kept).unwrap();
        assert_eq!(kept.events(), expected);

        // A region: every crossing's in every iteration, as its report counts them.
        let model = two_crossings();
        let counter = Counter::default();
        let outcome = run_region_with_progress(&model, &options, &counter).unwrap();
        assert!(outcome.report.iterations.len() > 1);
        assert_eq!(counter.events(), outcome.report.events);
        assert_eq!(
            u64::from(counter.replications()),
            5 * outcome.report.simulations
        );
        assert_eq!(
            outcome.report,
            run_region(&model, &options).unwrap().report,
            "watching changes nothing"
        );

        // A region comparison: the baseline's to the first, the reform's to the second.
        let mut reform = two_crossings();
        reform.crossings[1].scenario = one_station("slow", 2, 9.0, 10.0);
        let (first, second) = (Counter::default(), Counter::default());
        let comparison =
            compare_regions_with_progress(&model, "r", &reform, &options, [&first, &second])
                .unwrap();
        assert_eq!(first.events(), comparison.baseline.events);
        assert_eq!(second.events(), comparison.reform.events);
        assert_ne!(first.events(), second.events());
        assert_eq!(
            comparison,
            compare_regions(&model, "r", &reform, &options).unwrap()
        );
    }

    #[test]
    fn a_cancel_stops_every_experiment_within_one_replication() {
        let scenario = one_station("x", 2, 4.0, 25.0);
        // A run that keeps its replications: cancelled after the third, the fourth never
        // starts.
        let counter = Counter::stopping_after(3);
        let outcome = run_with_progress(&scenario, &one_thread(20), |_| NoLog, &counter);
        assert!(matches!(outcome, Err(ExperimentError::Cancelled)));
        assert_eq!(counter.replications(), 3);

        // A comparison, cancelled in its variant's replications.
        let variants = vec![("same".to_owned(), scenario.clone())];
        let counter = Counter::stopping_after(25);
        let outcome = compare_folded(&scenario, &variants, &one_thread(20), &counter);
        assert!(matches!(outcome, Err(ExperimentError::Cancelled)));
        assert_eq!(counter.replications(), 25);

        // A region, cancelled inside its first iteration: between two replications of its
        // first crossing, not at the end of the iteration.
        let model = two_crossings();
        let counter = Counter::stopping_after(2);
        let outcome = run_region_with_progress(&model, &one_thread(10), &counter);
        assert!(
            matches!(outcome, Err(RegionError::Cancelled)),
            "{outcome:?}"
        );
        assert_eq!(counter.replications(), 2);

        // A region comparison, cancelled in the reform's first iteration: the baseline ran
        // to its end, the reform stopped after one replication.
        let whole = Counter::default();
        run_region_with_progress(&model, &one_thread(3), &whole).unwrap();
        let base = whole.replications();
        let (first, second) = (Counter::default(), Counter::stopping_after(1));
        let outcome =
            compare_regions_with_progress(&model, "r", &model, &one_thread(3), [&first, &second]);
        assert!(
            matches!(outcome, Err(RegionError::Cancelled)),
            "{outcome:?}"
        );
        assert_eq!((first.replications(), second.replications()), (base, 1));
    }
}

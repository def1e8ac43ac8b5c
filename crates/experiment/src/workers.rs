//! The threads replications run on: a pool started for one run, or [`Workers`] kept for
//! many, which several runs may share at once (a server's jobs).
//!
//! A run's own loop (batches, folding, the report) never runs as a task on shared workers:
//! a worker that waits inside one run's parallel step takes other tasks meanwhile, and had
//! it taken another run's whole loop, the first run could go on — or see its cancel — only
//! once that other run had ended. So a run inside [`Workers::run`] keeps its loop on the
//! calling thread and hands the workers one task per replication, queued first come, first
//! served with every other run's: runs sharing the workers take turns batch by batch, and a
//! cancelled run's queued replications are skipped as soon as a worker reaches them.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::{ExperimentError, RunOptions};

thread_local! {
    /// The workers of the [`Workers::run`] this thread is inside, if any.
    static SHARED: RefCell<Option<Arc<rayon::ThreadPool>>> = const { RefCell::new(None) };
}

/// Worker threads for many runs: every run started inside [`Workers::run`] runs its
/// replications on them, instead of starting threads of its own and ending them when it
/// ends (a sweep of many small units used to start a pool per unit: two thread starts, and
/// the hand-offs of a new pool's threads to the scheduler, for every unit). Several threads
/// may run on the same workers at once; their runs' replications take turns. Results never
/// depend on the threads: replications are folded in replication order.
#[derive(Debug)]
pub struct Workers {
    pool: Arc<rayon::ThreadPool>,
}

impl Workers {
    /// `threads` worker threads (`None`: one per core).
    ///
    /// # Errors
    ///
    /// [`ExperimentError::ThreadPool`] if the threads cannot start.
    pub fn new(threads: Option<usize>) -> Result<Self, ExperimentError> {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = threads {
            builder = builder.num_threads(n.max(1));
        }
        let pool = builder.build().map_err(|e| ExperimentError::ThreadPool {
            threads: threads.unwrap_or(0),
            reason: e.to_string(),
        })?;
        Ok(Workers {
            pool: Arc::new(pool),
        })
    }

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs `work` on the calling thread and returns what it returns: every run it starts
    /// ([`crate::run`], [`crate::fold_replications`] and everything built on them) runs its
    /// replications on these workers, whatever its `RunOptions::threads` says, each as a
    /// task queued behind those already waiting (other runs' on other threads included). A
    /// replication asks its run's [`crate::Progress::cancelled`] before it starts: a
    /// cancelled run ends once its replications already started have finished and its
    /// queued ones have been reached, each at most one replication later.
    pub fn run<R>(&self, work: impl FnOnce() -> R) -> R {
        /// Puts back the workers of an enclosing [`Workers::run`], even if `work` panics.
        struct Restore(Option<Arc<rayon::ThreadPool>>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let previous = self.0.take();
                SHARED.with(|s| *s.borrow_mut() = previous);
            }
        }
        let _restore = Restore(SHARED.with(|s| s.replace(Some(Arc::clone(&self.pool)))));
        work()
    }

    /// `f` of each of `items`, computed on these workers, in the items' order.
    pub fn map<T: Sync, R: Send>(&self, items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
        self.pool.install(|| items.par_iter().map(f).collect())
    }
}

/// Where a run's replications run.
pub(crate) enum Threads<'a> {
    /// Workers kept by a [`Workers::run`] on this thread, perhaps shared with other runs:
    /// one task per replication, queued first come, first served.
    Shared(&'a rayon::ThreadPool),
    /// The pool this thread is a worker of (started for this run alone): rayon's parallel
    /// iterators.
    Here,
}

impl Threads<'_> {
    /// The number of threads.
    pub(crate) fn count(&self) -> usize {
        match self {
            Threads::Shared(pool) => pool.current_num_threads(),
            Threads::Here => rayon::current_num_threads(),
        }
    }

    /// `f` of each of `items`, in the items' order; `None` if `f` gave `None` for any (a
    /// cancelled run's skipped replications).
    pub(crate) fn map<R: Send>(
        &self,
        items: Range<u64>,
        f: impl Fn(u64) -> Option<R> + Sync + Send,
    ) -> Option<Vec<R>> {
        match self {
            // One item runs on this thread: no other worker is woken for it.
            Threads::Here if items.end - items.start == 1 => f(items.start).map(|r| vec![r]),
            Threads::Here => items.into_par_iter().map(f).collect(),
            Threads::Shared(pool) => {
                // At most one task per thread queued at a time: a run that asks for many
                // replications at once still takes turns with the others.
                let wave = pool.current_num_threads().max(1) as u64;
                let mut all =
                    Vec::with_capacity(usize::try_from(items.end - items.start).unwrap_or(0));
                let mut start = items.start;
                while start < items.end {
                    let end = items.end.min(start + wave);
                    all.extend(wave_on(pool, start..end, &f)?);
                    start = end;
                }
                Some(all)
            }
        }
    }
}

/// `f` of each of `items`, one task each queued on `pool` behind those already waiting, in
/// the items' order; `None` if `f` gave `None` for any.
fn wave_on<R: Send>(
    pool: &rayon::ThreadPool,
    items: Range<u64>,
    f: &(impl Fn(u64) -> Option<R> + Sync + Send),
) -> Option<Vec<R>> {
    let slots: Vec<Mutex<Option<R>>> = items.clone().map(|_| Mutex::new(None)).collect();
    // This thread is no worker of the pool: it waits for the tasks and takes none of them,
    // nor any other run's.
    pool.in_place_scope_fifo(|scope| {
        for (slot, item) in slots.iter().zip(items) {
            scope.spawn_fifo(move |_| {
                let value = f(item);
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = value;
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect()
}

/// Runs `work` (given the threads to run replications on) on the workers of the
/// [`Workers::run`] it is called inside, on the pool this thread is a worker of, or else on
/// a pool of the threads `options` asks for, started for it.
pub(crate) fn on_workers<R: Send>(
    options: &RunOptions,
    work: impl FnOnce(&Threads<'_>) -> R + Send,
) -> Result<R, ExperimentError> {
    if let Some(pool) = SHARED.with(|s| s.borrow().clone()) {
        return Ok(work(&Threads::Shared(&pool)));
    }
    if rayon::current_thread_index().is_some() {
        return Ok(work(&Threads::Here));
    }
    let workers = Workers::new(options.threads)?;
    Ok(workers.pool.install(|| work(&Threads::Here)))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use bordersim_model::NoLog;

    use super::*;
    use crate::test_support::{one_station, options};
    use crate::{Progress, run_summary_with_progress};

    /// Counts its run's replications; asks to stop once both its run and the other have
    /// done `after`.
    struct StopAfterOther<'a> {
        done: &'a AtomicU32,
        other: &'a AtomicU32,
        after: u32,
    }

    impl Progress for StopAfterOther<'_> {
        fn replication_done(&self, _total: u32) {
            self.done.fetch_add(1, Ordering::SeqCst);
        }

        fn cancelled(&self) -> bool {
            self.done.load(Ordering::SeqCst) >= self.after
                && self.other.load(Ordering::SeqCst) >= self.after
        }
    }

    /// Two runs of 400 replications on shared workers of `threads` threads, each stopping
    /// once both have done 3: both must have run 3 before either ran all of its own. Folded
    /// as they finish ([`run_summary_with_progress`]) or all kept
    /// ([`crate::run_with_progress`], which asks for every replication at once), as
    /// `keep_all` says.
    fn two_runs_take_turns(threads: usize, keep_all: bool) {
        let workers = Workers::new(Some(threads)).expect("threads");
        let scenario = one_station("x", 2, 4.0, 25.0);
        let (a, b) = (AtomicU32::new(0), AtomicU32::new(0));
        let run = |done, other| {
            let progress = StopAfterOther {
                done,
                other,
                after: 3,
            };
            workers.run(|| {
                if keep_all {
                    crate::run_with_progress(&scenario, &options(400), |_| NoLog, &progress)
                        .map(|_| ())
                } else {
                    run_summary_with_progress(&scenario, &options(400), |_| NoLog, &progress)
                        .map(|_| ())
                }
            })
        };
        let (ra, rb) = std::thread::scope(|s| {
            let first = s.spawn(|| run(&a, &b));
            let second = s.spawn(|| run(&b, &a));
            (first.join().expect("runs"), second.join().expect("runs"))
        });
        let (a, b) = (a.into_inner(), b.into_inner());
        assert!(
            matches!(ra, Err(ExperimentError::Cancelled))
                && matches!(rb, Err(ExperimentError::Cancelled)),
            "{threads} threads, all kept: {keep_all}: {a} and {b} replications; {:?} {:?}",
            ra.is_ok(),
            rb.is_ok()
        );
        assert!(a >= 3 && b >= 3 && a < 400 && b < 400, "{a} and {b}");
    }

    #[test]
    fn runs_sharing_workers_take_turns_and_each_sees_its_cancel() {
        for threads in [1, 2] {
            for keep_all in [false, true] {
                two_runs_take_turns(threads, keep_all);
            }
        }
    }

    #[test]
    fn a_run_beside_another_on_shared_workers_gives_the_same_summary() {
        let workers = Workers::new(Some(2)).expect("threads");
        let scenario = one_station("x", 2, 4.0, 25.0);
        let small = || workers.run(|| crate::run_summary(&scenario, &options(6)).expect("runs"));
        let alone = small();
        let stop = AtomicU32::new(0);
        let beside = std::thread::scope(|s| {
            let busy = s.spawn(|| {
                let done = AtomicU32::new(0);
                let progress = StopAfterOther {
                    done: &done,
                    other: &stop,
                    after: 1,
                };
                workers.run(|| {
                    run_summary_with_progress(&scenario, &options(400), |_| NoLog, &progress)
                })
            });
            let beside = small();
            stop.store(1, Ordering::SeqCst);
            assert!(
                busy.join().expect("runs").is_err(),
                "the busy run was cancelled"
            );
            beside
        });
        assert_eq!(beside, alone);
    }
}

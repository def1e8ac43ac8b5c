//! Jobs: a run, a comparison, a region equilibrium (alone or with a policy) or a
//! calibration, started by a request and simulated off the async runtime. At most [`Limits::max_running`] jobs simulate at once, each
//! from a blocking thread on the server's one pool of simulation threads, started with the
//! server and kept for its life (never on the runtime's workers); up to
//! [`Limits::max_queued`] more wait their turn, and the next is refused. Progress goes from
//! the simulation to the watchers (status, server-sent events) through a `watch` channel.
//! A job's own loop stays on its blocking thread and queues its replications on the pool,
//! one task each, behind those already waiting ([`Workers::run`]): running jobs take turns
//! batch by batch, and a cancelled job (by a request, its wall-time or event limit, or
//! shutdown) stops once its replications in flight have finished, its queued ones skipped
//! as soon as a thread reaches them — whatever else runs on the pool. Finished jobs are kept, their results compressed
//! ([`crate::stored`]), for a bounded time and count; a finished job's result is also cached
//! under its request's key ([`crate::cache`]) and answers an identical request at once.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bordersim_experiment::{ExperimentError, Progress, Workers};
use serde::Serialize;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;
use utoipa::ToSchema;

use crate::cache::{Cache, CacheLimits};
use crate::stored::Stored;

/// The bounds of the job system.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Jobs simulating at once.
    pub max_running: usize,
    /// Jobs waiting for a slot; one more is refused with 429.
    pub max_queued: usize,
    /// Wall time a job may simulate before it is cancelled.
    pub time_limit: Duration,
    /// Events a job may simulate (summed over its replications, warm-up included) before it
    /// is cancelled; `None`: no limit. Counted as each replication ends, so a job stops
    /// after the replications in flight, and a job whose events pass the limit is cancelled
    /// even when its last replication was already running.
    pub event_limit: Option<u64>,
    /// The result cache's bounds.
    pub cache: CacheLimits,
    /// Finished jobs kept (the oldest are forgotten first).
    pub keep_finished: usize,
    /// How long a finished job is kept.
    pub keep_for: Duration,
    /// Simulation threads, shared by the running jobs; `None`: one per core.
    pub threads: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_running: 2,
            max_queued: 8,
            time_limit: Duration::from_secs(600),
            event_limit: Some(DEFAULT_EVENT_LIMIT),
            cache: CacheLimits::default(),
            keep_finished: 64,
            keep_for: Duration::from_secs(3600),
            threads: None,
        }
    }
}

/// The default [`Limits::event_limit`]: ten billion events, about ten minutes of one core at
/// the engine's usual 15–20 million events a second.
pub const DEFAULT_EVENT_LIMIT: u64 = 10_000_000_000;

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a slot.
    Queued,
    /// Simulating.
    Running,
    /// Finished; its result can be fetched.
    Done,
    /// Stopped by an error (see `error`).
    Failed,
    /// Cancelled by a request, its wall-time or event limit, or the server's shutdown (see
    /// `error`).
    Cancelled,
}

impl JobState {
    /// Whether the job has ended.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Failed | JobState::Cancelled
        )
    }
}

/// A job's progress, as the status endpoint and each server-sent event give it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Snapshot {
    /// The job's id.
    pub id: String,
    /// `run`, `compare`, `region` or `calibrate`.
    pub kind: String,
    /// Where the job is.
    pub state: JobState,
    /// Replications finished (a comparison counts every scenario's, a region every
    /// crossing's in every iteration, a fit every evaluation's).
    pub done: u32,
    /// Replications to run (0 for a region and a fit, whose counts depend on their
    /// iterations).
    pub total: u32,
    /// Events simulated so far (warm-up included), summed as replications end, over every
    /// replication the job runs: each scenario's of a comparison, each crossing's in every
    /// iteration of a region, each evaluation's of a fit.
    pub events: u64,
    /// Whether the result came from the cache: an identical request had finished before.
    pub cached: bool,
    /// Which equilibrium of a region comparison `iteration` and `gap` are of: `baseline`
    /// (the region as it is), then `reform` (with the policy); absent for other jobs.
    pub stage: Option<String>,
    /// A region's last finished equilibrium iteration (from 1; a region comparison counts
    /// each stage's from 1).
    pub iteration: Option<u32>,
    /// A region's iteration limit.
    pub max_iterations: Option<u32>,
    /// A region's relative gap after `iteration` (dimensionless).
    pub gap: Option<f64>,
    /// Why the job failed or was cancelled.
    pub error: Option<String>,
}

/// One job.
#[derive(Debug)]
pub struct Job {
    /// The progress channel; its value is the job's current snapshot.
    progress: watch::Sender<Snapshot>,
    /// Asked to stop.
    cancel: AtomicBool,
    /// Why it was asked to stop.
    cancel_reason: Mutex<Option<String>>,
    /// Replications finished, counted from the worker threads.
    done: AtomicU32,
    /// Events simulated, counted from the worker threads.
    events: AtomicU64,
    /// Set when the events passed the limit.
    over_limit: AtomicBool,
    /// The result, once done.
    output: OnceLock<Arc<Stored>>,
    /// When it ended.
    finished: Mutex<Option<Instant>>,
}

impl Job {
    /// The current snapshot.
    pub fn snapshot(&self) -> Snapshot {
        self.progress.borrow().clone()
    }

    /// A receiver of the job's snapshots.
    pub fn subscribe(&self) -> watch::Receiver<Snapshot> {
        self.progress.subscribe()
    }

    /// The result, once the job is done.
    pub fn output(&self) -> Option<&Stored> {
        self.output.get().map(|s| &**s)
    }

    /// Asks the job to stop, for `reason`; a job already ended is left as it is.
    pub fn cancel(&self, reason: &str) {
        if self.snapshot().state.is_final() {
            return;
        }
        if let Ok(mut r) = self.cancel_reason.lock() {
            r.get_or_insert_with(|| reason.to_owned());
        }
        self.cancel.store(true, Ordering::SeqCst);
    }

    fn cancel_reason(&self) -> String {
        self.cancel_reason
            .lock()
            .ok()
            .and_then(|r| r.clone())
            .unwrap_or_else(|| "cancelled".to_owned())
    }

    fn set(&self, f: impl FnOnce(&mut Snapshot)) {
        self.progress.send_modify(f);
    }
}

/// Tells the job's watchers of each replication and iteration and the events simulated,
/// and the experiment of a cancellation (by a request, a limit or shutdown).
#[derive(Debug)]
pub struct Reporter {
    job: Arc<Job>,
    event_limit: Option<u64>,
    /// The stage of a region comparison it reports (see [`Snapshot::stage`]).
    stage: Option<&'static str>,
}

impl Reporter {
    /// A reporter of the same job for one stage of a region comparison (`baseline`,
    /// `reform`): its iterations are shown as that stage's.
    pub fn stage(&self, stage: &'static str) -> Reporter {
        Reporter {
            job: Arc::clone(&self.job),
            event_limit: self.event_limit,
            stage: Some(stage),
        }
    }

    /// Counts `events` more simulated events (one replication's); past the job's event
    /// limit, cancels it.
    fn add_events(&self, events: u64) {
        let total = self.job.events.fetch_add(events, Ordering::SeqCst) + events;
        self.job.set(|s| s.events = s.events.max(total));
        if let Some(limit) = self.event_limit
            && total > limit
        {
            self.job.over_limit.store(true, Ordering::SeqCst);
            self.job.cancel(&format!(
                "the job passed its limit of {limit} simulated events and was cancelled"
            ));
        }
    }
}

impl Progress for Reporter {
    fn replication_done(&self, _total: u32) {
        let done = self.job.done.fetch_add(1, Ordering::SeqCst) + 1;
        // Replications end on several threads: the count only ever grows.
        self.job.set(|s| s.done = s.done.max(done));
    }

    fn events_done(&self, events: u64) {
        self.add_events(events);
    }

    fn iteration_done(&self, iteration: u32, max: u32, gap: f64) {
        self.job.set(|s| {
            s.stage = self.stage.map(str::to_owned);
            s.iteration = Some(iteration);
            s.max_iterations = Some(max);
            s.gap = Some(gap);
        });
    }

    fn cancelled(&self) -> bool {
        self.job.cancel.load(Ordering::SeqCst)
    }
}

/// The work of a job, run on a blocking thread: given the reporter to tell of its progress,
/// returns its stored result or why there is none.
pub type Work = Box<dyn FnOnce(&Reporter) -> Result<Stored, String> + Send>;

/// Why a job was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Every slot and queue place is taken.
    Busy,
    /// The server is shutting down.
    ShuttingDown,
}

#[derive(Debug, Default)]
struct Table {
    next: u64,
    jobs: BTreeMap<u64, Arc<Job>>,
    /// Jobs queued or running.
    pending: usize,
    closing: bool,
    tasks: Vec<JoinHandle<()>>,
}

/// Every job of the server.
#[derive(Debug)]
pub struct Jobs {
    limits: Limits,
    /// The simulation threads every job runs its replications on. They live as long as the
    /// server: threads that ended with each job would free their memory after the job's
    /// trim (`crate::memory`), so what a finished job gives back would depend on when they
    /// happened to end.
    workers: Arc<Workers>,
    slots: Arc<Semaphore>,
    table: Mutex<Table>,
    cache: Mutex<Cache>,
}

impl Jobs {
    /// No jobs yet, bounded by `limits`, with the simulation threads started.
    ///
    /// # Errors
    ///
    /// [`ExperimentError::ThreadPool`] if the threads cannot start.
    pub fn new(limits: Limits) -> Result<Arc<Jobs>, ExperimentError> {
        Ok(Arc::new(Jobs {
            workers: Arc::new(Workers::new(limits.threads)?),
            slots: Arc::new(Semaphore::new(limits.max_running.max(1))),
            table: Mutex::new(Table::default()),
            cache: Mutex::new(Cache::new(limits.cache)),
            limits,
        }))
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The job `id`, if it is still kept.
    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        let id: u64 = id.parse().ok()?;
        self.table().jobs.get(&id).cloned()
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Results cached, and the bytes they hold.
    pub fn cached(&self) -> (usize, usize) {
        let cache = self.cache();
        (cache.len(), cache.bytes())
    }

    /// Starts `work` (a job of `kind` with `total` replications) once a slot frees; returns
    /// its snapshot at once. When the result of a request with the same `key` is cached, the
    /// job is done at once with it (`cached` set) and `work` is dropped unrun.
    ///
    /// # Errors
    ///
    /// [`Refused::Busy`] when every slot and queue place is taken (a cached result is given
    /// even then), [`Refused::ShuttingDown`] during shutdown.
    pub fn submit(
        self: &Arc<Self>,
        kind: &str,
        total: u32,
        key: Option<Vec<u8>>,
        work: Work,
    ) -> Result<Snapshot, Refused> {
        let hit = key.as_deref().and_then(|k| self.cache().get(k));
        let mut table = self.table();
        if table.closing {
            return Err(Refused::ShuttingDown);
        }
        if hit.is_none() && table.pending >= self.limits.max_running.max(1) + self.limits.max_queued
        {
            return Err(Refused::Busy);
        }
        self.forget_old(&mut table);
        table.next += 1;
        let id = table.next;
        let (progress, _) = watch::channel(Snapshot {
            id: id.to_string(),
            kind: kind.to_owned(),
            state: JobState::Queued,
            done: 0,
            total,
            events: 0,
            cached: false,
            stage: None,
            iteration: None,
            max_iterations: None,
            gap: None,
            error: None,
        });
        let job = Arc::new(Job {
            progress,
            cancel: AtomicBool::new(false),
            cancel_reason: Mutex::new(None),
            done: AtomicU32::new(0),
            events: AtomicU64::new(0),
            over_limit: AtomicBool::new(false),
            output: OnceLock::new(),
            finished: Mutex::new(None),
        });
        table.jobs.insert(id, Arc::clone(&job));
        if let Some((stored, events)) = hit {
            Self::finish(&job, Ok(stored));
            job.set(|s| {
                s.cached = true;
                s.done = s.total;
                // The events the result took to simulate, as the job that made it said.
                s.events = events;
            });
            return Ok(job.snapshot());
        }
        table.pending += 1;
        let snapshot = job.snapshot();
        let task = tokio::spawn(Arc::clone(self).drive(job, key, work));
        table.tasks.retain(|t| !t.is_finished());
        table.tasks.push(task);
        Ok(snapshot)
    }

    /// Waits for a slot, runs the work on a blocking thread within the time limit, records
    /// the end.
    async fn drive(self: Arc<Self>, job: Arc<Job>, key: Option<Vec<u8>>, work: Work) {
        let permit = Arc::clone(&self.slots).acquire_owned().await;
        let end = if job.cancel.load(Ordering::SeqCst) || permit.is_err() {
            Err((JobState::Cancelled, job.cancel_reason()))
        } else {
            job.set(|s| s.state = JobState::Running);
            let reporter = Reporter {
                job: Arc::clone(&job),
                event_limit: self.limits.event_limit,
                stage: None,
            };
            let workers = Arc::clone(&self.workers);
            let mut handle = tokio::task::spawn_blocking(move || {
                // The job's loop runs here, its replications on the shared threads.
                let end = workers.run(|| work(&reporter));
                // Everything but the compressed result is dropped by now; this thread did
                // the rendering, so its heap holds the most to give back.
                crate::memory::release();
                end
            });
            let joined = match tokio::time::timeout(self.limits.time_limit, &mut handle).await {
                Ok(joined) => joined,
                Err(_) => {
                    job.cancel(&format!(
                        "the job passed its wall-time limit of {} s and was cancelled",
                        self.limits.time_limit.as_secs_f64()
                    ));
                    handle.await
                }
            };
            match joined {
                // A job past its event limit has no result, even when its last
                // replications ran to their end.
                Ok(_) if job.over_limit.load(Ordering::SeqCst) => {
                    Err((JobState::Cancelled, job.cancel_reason()))
                }
                Ok(Ok(output)) => Ok(Arc::new(output)),
                Ok(Err(_)) if job.cancel.load(Ordering::SeqCst) => {
                    Err((JobState::Cancelled, job.cancel_reason()))
                }
                Ok(Err(message)) => Err((JobState::Failed, message)),
                Err(e) => Err((
                    JobState::Failed,
                    format!("the job stopped unexpectedly: {e}"),
                )),
            }
        };
        drop(permit);
        if let (Ok(stored), Some(key)) = (&end, key) {
            self.cache()
                .put(key, Arc::clone(stored), job.events.load(Ordering::SeqCst));
        }
        Self::finish(&job, end);
        let mut table = self.table();
        table.pending = table.pending.saturating_sub(1);
    }

    /// Records the end of `job`: its result, or its final state and why.
    #[allow(
        clippy::disallowed_methods,
        reason = "the server keeps finished jobs for a wall-clock time; no simulation reads it"
    )]
    fn finish(job: &Job, end: Result<Arc<Stored>, (JobState, String)>) {
        if let Ok(mut f) = job.finished.lock() {
            *f = Some(Instant::now());
        }
        match end {
            Ok(output) => {
                let _ = job.output.set(output);
                job.set(|s| s.state = JobState::Done);
            }
            Err((state, message)) => job.set(|s| {
                s.state = state;
                s.error = Some(message);
            }),
        }
    }

    /// Forgets finished jobs older than the time limit, then the oldest beyond the count.
    #[allow(
        clippy::disallowed_methods,
        reason = "the server keeps finished jobs for a wall-clock time; no simulation reads it"
    )]
    fn forget_old(&self, table: &mut Table) {
        let now = Instant::now();
        let ended = |job: &Job| job.finished.lock().ok().and_then(|f| *f);
        table.jobs.retain(|_, job| {
            ended(job).is_none_or(|at| now.duration_since(at) < self.limits.keep_for)
        });
        let finished: Vec<u64> = table
            .jobs
            .iter()
            .filter(|(_, job)| ended(job).is_some())
            .map(|(id, _)| *id)
            .collect();
        let excess = finished
            .len()
            .saturating_sub(self.limits.keep_finished.saturating_sub(1));
        for id in finished.into_iter().take(excess) {
            table.jobs.remove(&id);
        }
    }

    /// Refuses new jobs, cancels every queued and running one and waits for them to end.
    pub async fn shut_down(&self) {
        let tasks = {
            let mut table = self.table();
            table.closing = true;
            for job in table.jobs.values() {
                job.cancel("the server is shutting down");
            }
            std::mem::take(&mut table.tasks)
        };
        for task in tasks {
            let _ = task.await;
        }
    }
}

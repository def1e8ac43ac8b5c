//! `bordersim sweep PLAN`: a whole study from one plan file (`docs/sweeps.md`) — every point
//! of its axes, each replication seeded from (master seed, replication) alone, so that
//! results never depend on how the work is split. Run here at once, or as shards that write
//! each work unit's summary into `--out-dir`, merged by `bordersim merge`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use bordersim_config::sweep::{AxisKind, Plan, Point, Unit, parse_plan};
use bordersim_config::{ConfigError, Diagnostic, PolicyError};
use bordersim_experiment::sweep::{Measures, SweepAxis, SweepPoint, SweepResult};
use bordersim_experiment::{RunOptions, Summary, report_of};
use bordersim_model::Scenario;
use serde::{Deserialize, Serialize};

use crate::args::{Format, RunSettings};
use crate::failure::Failure;
use crate::output::{self, write_atomically};

/// `bordersim sweep PLAN`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Shards: --shard-index I --shard-count N run the units whose \
    position in the canonical list is I modulo N; without the flags the shard is read from \
    a Slurm job array (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, of \
    SLURM_ARRAY_TASK_COUNT), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or an AWS Batch \
    array job (AWS_BATCH_JOB_ARRAY_INDEX), the last two with --shard-count. A shard writes \
    each finished unit into --out-dir and skips the units already there; `bordersim merge \
    DIR` merges them. See docs/sweeps.md."
)]
pub struct SweepArgs {
    /// Sweep plan (TOML)
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,

    /// Further plan files: refused with a usage message (one plan per sweep)
    #[arg(value_name = "PLAN", hide = true)]
    pub more_plans: Vec<PathBuf>,

    /// Print the work units (id, point, replications, seed, axis values) and stop
    #[arg(long)]
    pub list: bool,

    /// Write each unit's summary, and this shard's manifest, into DIR; units already there
    /// are skipped
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// This shard's index, from 0 (needs --shard-count and --out-dir)
    #[arg(long, value_name = "I")]
    pub shard_index: Option<u64>,

    /// Number of shards
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub shard_count: Option<u64>,

    /// Print a ready script for a cluster and stop: `slurm`, a script that submits the
    /// shards as an `sbatch --array` job and the merge as a job that depends on it; `k8s`, a
    /// Kubernetes Indexed Job manifest. One shard per unit (at most 1000) unless
    /// --shard-count says; units go into --out-dir [default: sweep-out]
    #[arg(long, value_enum, value_name = "ENGINE", conflicts_with_all = ["list", "shard_index"])]
    pub emit: Option<Engine>,

    // Replications, seed, threads, format and output, as for `run`.
    #[command(flatten)]
    pub settings: RunSettings,
}

/// The cluster engines `--emit` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// A bash script submitting an `sbatch --array` job and a dependent merge job
    Slurm,
    /// A Kubernetes Indexed Job manifest (YAML)
    K8s,
}

/// A loaded plan: its points as scenarios, its units, and its fingerprint.
pub(crate) struct Study {
    pub plan: Plan,
    pub scenarios: Vec<Scenario>,
    pub units: Vec<Unit>,
    pub options: RunOptions,
    pub hash: String,
}

/// What one unit's file holds.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnitFile {
    pub plan_hash: String,
    pub unit: String,
    pub seed: u64,
    pub summary: Summary,
    /// Each replication's headline measures, for the paired differences.
    pub measures: Measures,
}

/// A shard's manifest.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Manifest {
    pub plan: PathBuf,
    pub plan_hash: String,
    pub bordersim: String,
    pub shard_index: u64,
    pub shard_count: u64,
    pub seed: u64,
    pub replications: u32,
    pub units: Vec<ManifestUnit>,
}

/// One unit in a manifest.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ManifestUnit {
    pub id: String,
    pub replications: [u64; 2],
    pub wall_s: Option<f64>,
}

/// Runs `bordersim sweep`.
///
/// # Errors
///
/// [`Failure::BadInput`] or [`Failure::Invalid`] for a bad plan, point, shard or
/// directory (nothing runs); [`Failure::Failed`] when a run or a write fails.
pub fn sweep(args: &SweepArgs) -> Result<(), Failure> {
    if let Some(second) = args.more_plans.first() {
        return Err(Failure::BadInput(anyhow!(
            "one plan per sweep: '{}' and '{}' given. Several base scenarios go in one plan \
             as an axis (`scenario = [\"a.toml\", \"b.toml\"]`, docs/sweeps.md); or run each \
             plan on its own, with its own --out-dir",
            args.plan.display(),
            second.display()
        )));
    }
    // Refuses an output or report name of no format written, before anything runs.
    output::written(&args.settings)?;
    let study = load_study(&args.plan, &args.settings)?;
    if let Some(engine) = args.emit {
        return output::print_stdout(emit_script(args, &study, engine).as_bytes());
    }
    let shard = shard(args)?;
    if args.list {
        return output::print_stdout(list(&study, shard).as_bytes());
    }
    let Some(dir) = &args.out_dir else {
        if shard.is_some() {
            return Err(Failure::BadInput(anyhow!(
                "a shard writes its units into a directory: give --out-dir DIR"
            )));
        }
        output::check_output(&args.settings, &[&args.plan])?;
        return emit(
            &study,
            |units| units.iter().map(|u| run_unit(&study, u)).collect(),
            &args.settings,
        );
    };
    if shard.is_some() {
        // A shard writes units; the result (and its page) is the merge's.
        output::check_text_only(
            &args.settings,
            "a shard (it writes units into --out-dir; `bordersim merge DIR` writes the result)",
        )?;
    }
    let (index, count) = shard.unwrap_or((0, 1));
    std::fs::create_dir_all(dir.join("units"))
        .with_context(|| format!("cannot create '{}'", dir.join("units").display()))
        .map_err(Failure::BadInput)?;
    let mut manifest = Manifest {
        plan: std::fs::canonicalize(&args.plan).unwrap_or_else(|_| args.plan.clone()),
        plan_hash: study.hash.clone(),
        bordersim: env!("CARGO_PKG_VERSION").to_owned(),
        shard_index: index,
        shard_count: count,
        seed: study.options.seed,
        replications: study.options.replications,
        units: Vec::new(),
    };
    let manifest_path = dir.join(format!("manifest-{index:05}-of-{count:05}.json"));
    // The manifest names the plan before any unit runs, so that a directory a shard was
    // killed in is still known as this plan's; the unit files are what counts as finished.
    let mut journal = Journal::new(manifest_path, dir.join("units"));
    journal.checkpoint(&manifest)?;
    // Units run here while a second thread encodes, writes and records the previous ones
    // (encoding a summary costs about as much as running a small unit).
    let (send, receive) = std::sync::mpsc::sync_channel::<Done>(2);
    let ran = std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<(), Failure> {
            for done in receive {
                let wall_s = match done.file {
                    Some((file, wall_s)) => {
                        let bytes =
                            serde_json::to_vec(&file).map_err(|e| Failure::Failed(e.into()))?;
                        journal.write_unit(&done.path, &bytes)?;
                        Some(wall_s)
                    }
                    None => None,
                };
                manifest.units.push(ManifestUnit {
                    id: done.unit.id.clone(),
                    replications: [done.unit.replications.start, done.unit.replications.end],
                    wall_s,
                });
                if journal.due() {
                    journal.checkpoint(&manifest)?;
                }
            }
            journal.checkpoint(&manifest)
        });
        let ran = run_shard(&study, dir, index, count, &send);
        drop(send);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(Failure::Failed(anyhow!("the unit writer stopped"))));
        // An error of the writer (which stops the run) comes first.
        written.and(ran)
    });
    ran?;
    if shard.is_none() {
        // Everything ran here: merge and report, as `bordersim merge DIR` would.
        return super::merge::merge_dir(dir, &args.settings);
    }
    Ok(())
}

/// A unit of a shard, finished: run here (its file and wall time) or found already written.
struct Done<'a> {
    unit: &'a Unit,
    path: PathBuf,
    file: Option<(UnitFile, f64)>,
}

/// Runs the units of shard `index` of `count` that `dir` lacks, in canonical order, and
/// sends each (and each already there) to the writer.
fn run_shard<'a>(
    study: &'a Study,
    dir: &Path,
    index: u64,
    count: u64,
    send: &std::sync::mpsc::SyncSender<Done<'a>>,
) -> Result<(), Failure> {
    for (k, unit) in study.units.iter().enumerate() {
        if k as u64 % count != index {
            continue;
        }
        let path = unit_path(dir, &unit.id);
        let finished = path.exists()
            && match parse_unit(&path) {
                Ok(file) => {
                    // A unit file only ever appears whole (written beside, then renamed): one
                    // that parses is finished; it is checked as `merge` will read it.
                    check_unit(&path, file, study, true)?;
                    true
                }
                Err(e) => {
                    // Only a machine crash (not a killed process) can leave a unit file
                    // that does not parse: one renamed into place but not yet flushed to
                    // disk. Its replications are run again; they give the same summary.
                    crate::failure::warn(&format!("{e}; running unit {} again", unit.id));
                    false
                }
            };
        let file = if finished {
            None
        } else {
            let start = clock();
            let (summary, measures) = run_unit(study, unit)?;
            let file = UnitFile {
                plan_hash: study.hash.clone(),
                unit: unit.id.clone(),
                seed: study.options.seed,
                summary,
                measures,
            };
            Some((file, start.elapsed().as_secs_f64()))
        };
        if send.send(Done { unit, path, file }).is_err() {
            // The writer stopped on an error, which it reports.
            return Ok(());
        }
    }
    Ok(())
}

#[allow(
    clippy::disallowed_methods,
    reason = "the CLI alone reads the clock, for the manifest's wall time"
)]
fn clock() -> std::time::Instant {
    std::time::Instant::now()
}

/// Units written since the manifest was last rewritten after which it is rewritten again.
const CHECKPOINT_UNITS: usize = 256;

/// Seconds after which the manifest is rewritten whatever the count.
const CHECKPOINT_SECONDS: f64 = 30.0;

/// How a shard writes its units and manifest cheaply but safely. Each unit file is written
/// beside and renamed into place, so no process, killed at any instant, leaves a partial
/// unit under a unit's name; what a killed process wrote stays in the kernel's page cache,
/// so it loses no finished unit. Unit files are not flushed to disk one by one: a flush
/// costs a disk round trip per unit (6.5 ms each on the test machine, more than a small
/// unit takes to run), and it only matters if the machine itself crashes, after which a
/// recent unit file may be missing or unreadable: the shard's rerun runs a missing unit,
/// and an unreadable one, again (with a warning), and `merge` names any it cannot read. The
/// manifest, a record of the shard (plan, hash, units, wall times) that `merge` checks
/// the plan against, is rewritten whole (flushed, then renamed) before the first unit and
/// then every [`CHECKPOINT_UNITS`] units or [`CHECKPOINT_SECONDS`] seconds and at the end,
/// not after every unit (a rewrite per unit made a shard's writes grow with the square of
/// its units).
struct Journal {
    manifest: PathBuf,
    units_dir: PathBuf,
    written: usize,
    since: std::time::Instant,
}

impl Journal {
    fn new(manifest: PathBuf, units_dir: PathBuf) -> Self {
        Journal {
            manifest,
            units_dir,
            written: 0,
            since: clock(),
        }
    }

    /// Writes a unit's file whole or not at all.
    fn write_unit(&mut self, path: &Path, bytes: &[u8]) -> Result<(), Failure> {
        use std::io::Write as _;
        let what = || format!("cannot write '{}'", path.display());
        let (mut temp, mut file) = output::TempFile::create_beside(path, "tmp")
            .with_context(what)
            .map_err(Failure::Failed)?;
        file.write_all(bytes)
            .with_context(what)
            .map_err(Failure::Failed)?;
        drop(file);
        std::fs::rename(&temp.path, path)
            .with_context(what)
            .map_err(Failure::Failed)?;
        temp.persisted = true;
        self.written += 1;
        Ok(())
    }

    /// Whether a checkpoint is due.
    fn due(&self) -> bool {
        self.written >= CHECKPOINT_UNITS || self.since.elapsed().as_secs_f64() >= CHECKPOINT_SECONDS
    }

    /// Rewrites the manifest.
    fn checkpoint(&mut self, manifest: &Manifest) -> Result<(), Failure> {
        // The units directory's entries (the renames) are flushed with it, where a
        // directory can be opened to flush it.
        if let Ok(d) = std::fs::File::open(&self.units_dir) {
            let _ = d.sync_all();
        }
        let bytes = serde_json::to_vec_pretty(manifest).map_err(|e| Failure::Failed(e.into()))?;
        write_atomically(&self.manifest, &bytes).map_err(Failure::Failed)?;
        self.written = 0;
        self.since = clock();
        Ok(())
    }
}

/// The file of unit `id` in `dir`.
pub(crate) fn unit_path(dir: &Path, id: &str) -> PathBuf {
    dir.join("units").join(format!("{id}.json"))
}

/// Reads and checks a unit file of `study`; `against_scenario` also checks its aggregates
/// against the point's scenario (otherwise the merge with the point's other units does).
///
/// # Errors
///
/// [`Failure::BadInput`] naming the file: unreadable, not a unit summary (corrupt or
/// truncated), of another plan, or not of this plan's scenario.
pub(crate) fn read_unit(
    path: &Path,
    study: &Study,
    against_scenario: bool,
) -> Result<UnitFile, Failure> {
    let file = parse_unit(path).map_err(|m| Failure::BadInput(anyhow!(m)))?;
    check_unit(path, file, study, against_scenario)
}

/// Reads a unit file; the error, naming the file, when it is unreadable or not a unit
/// summary (corrupt or truncated).
pub(crate) fn parse_unit(path: &Path) -> Result<UnitFile, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("{}: not a unit summary of bordersim: {e}", path.display()))
}

/// Checks a unit file read from `path` against `study` (see [`read_unit`]).
fn check_unit(
    path: &Path,
    file: UnitFile,
    study: &Study,
    against_scenario: bool,
) -> Result<UnitFile, Failure> {
    let bad = |m: String| Failure::BadInput(anyhow!("{}: {m}", path.display()));
    if file.plan_hash != study.hash {
        return Err(bad(format!(
            "written for another plan (or another version of its files): plan hash {}, this plan's {}",
            file.plan_hash, study.hash
        )));
    }
    let Some(unit) = study.units.iter().find(|u| u.id == file.unit) else {
        return Err(bad(format!("unit `{}` is not in the plan", file.unit)));
    };
    let summary = &file.summary;
    let measures = &file.measures;
    if file.seed != study.options.seed
        || summary.first_replication() != unit.replications.start
        || summary.first_replication() + summary.replications() != unit.replications.end
        || measures.first_replication() != unit.replications.start
        || measures.replications() != summary.replications()
        || measures.check().is_err()
    {
        return Err(bad(format!(
            "its seed or replications are not those of unit `{}`",
            unit.id
        )));
    }
    if against_scenario {
        bordersim_experiment::check_summary(&study.scenarios[unit.point], summary)
            .map_err(|e| bad(e.to_string()))?;
    }
    Ok(file)
}

/// Runs one unit: its summary and each replication's headline measures.
fn run_unit(study: &Study, unit: &Unit) -> Result<(Summary, Measures), Failure> {
    let scenario = &study.scenarios[unit.point];
    let context = || format!("cannot run unit {}", unit.id);
    let (summary, _, measures) = bordersim_experiment::fold_replications(
        scenario,
        &study.options,
        unit.replications.clone(),
        |_| bordersim_model::NoLog,
        |r| bordersim_experiment::headline_measures(scenario, r),
        &bordersim_experiment::NoProgress,
    )
    .map_err(|e| Failure::from_experiment(e, context()))?;
    let measures = Measures::new(unit.replications.start, &measures)
        .map_err(|e| Failure::Failed(anyhow!("{}: {e}", context())))?;
    Ok((summary, measures))
}

/// Loads the plan at `path` and every point's scenario (all checked before anything runs).
///
/// # Errors
///
/// [`Failure::BadInput`] / [`Failure::Invalid`] for an unreadable or invalid plan, base
/// scenario or policy, or a point that gives an invalid scenario.
pub(crate) fn load_study(path: &Path, settings: &RunSettings) -> Result<Study, Failure> {
    let text = super::read_input(path, "sweep plan")?;
    let file = path.display().to_string();
    let plan = parse_plan(&text, &file).map_err(|error| Failure::Invalid {
        file: file.clone(),
        error,
    })?;
    let dir = output::directory_of(path);
    let mut hasher = Fnv::default();
    hasher.add(text.as_bytes());
    // Each base scenario file, read and loaded once: (text, path, file name, scenario).
    let mut bases: Vec<(String, String, PathBuf, Scenario)> = Vec::new();
    let mut scenarios = Vec::with_capacity(plan.points.len());
    for point in &plan.points {
        let b = match bases.iter().position(|(name, ..)| *name == point.scenario) {
            Some(b) => b,
            None => {
                let base_path = dir.join(&point.scenario);
                let base_text = super::read_scenario(&base_path)?;
                let base =
                    super::load_text(&base_text, &base_path, base_path.display().to_string())?;
                hasher.add(base_text.as_bytes());
                bases.push((point.scenario.clone(), base_text, base_path, base));
                bases.len() - 1
            }
        };
        let (_, base_text, base_path, base) = &bases[b];
        let base_file = base_path.display().to_string();
        let policy_path = point.policy.as_ref().map(|p| dir.join(p));
        let policy_file = match &policy_path {
            Some(p) => {
                let t = super::read_policy(p)?;
                hasher.add(t.as_bytes());
                Some(t)
            }
            None => None,
        };
        let label = format!("{file} point {}", point.id);
        let (scenario, scenario_text) = match plan.policy_text_lines(point, policy_file.as_deref())
        {
            None => (base.clone(), None),
            Some((policy, starts)) => {
                let relocate =
                    |error| relocate(error, &label, &file, policy_path.as_deref(), &starts, point);
                match bordersim_config::apply_policy_with(
                    base_text,
                    &base_file,
                    &policy,
                    &label,
                    &super::trace_reader(base_path),
                ) {
                    Ok(applied) => (applied.loaded.scenario, Some(applied.applied.scenario_text)),
                    Err(PolicyError::Policy(error) | PolicyError::Scenario { error, .. }) => {
                        return Err(Failure::Invalid {
                            file: file.clone(),
                            error: relocate(error),
                        });
                    }
                }
            }
        };
        if point.demand.is_empty() {
            scenarios.push(scenario);
            continue;
        }
        let scaled =
            scale_demand(scenario_text.as_deref().unwrap_or(base_text), point).map_err(|d| {
                Failure::Invalid {
                    file: file.clone(),
                    error: ConfigError {
                        diagnostics: vec![Diagnostic {
                            file: file.clone(),
                            ..d
                        }],
                    },
                }
            })?;
        // The scaled text is generated: its problems (a station the extra demand
        // overloads) are reported at the point's demand axis in the plan.
        let at = |mut d: Diagnostic| {
            let origin = &point.demand[0].origin;
            d.message = format!("{} (point {}, demand scaled)", d.message, point.id);
            d.file.clone_from(&file);
            d.line = origin.line;
            d.column = origin.column;
            d.path.clone_from(&origin.field);
            d
        };
        let loaded =
            bordersim_config::parse_scenario_with(&scaled, &label, &super::trace_reader(base_path))
                .map_err(|e| Failure::Invalid {
                    file: file.clone(),
                    error: ConfigError {
                        diagnostics: e.diagnostics.into_iter().map(at).collect(),
                    },
                })?;
        for w in loaded.warnings {
            crate::failure::warn(&at(w).to_string());
        }
        scenarios.push(loaded.scenario);
    }
    let replications = settings.replications.unwrap_or(plan.replications);
    // Without a seed in the plan, the first base scenario's.
    let seed = settings
        .seed
        .or(plan.seed)
        .unwrap_or_else(|| bases.first().map_or(0, |b| b.3.seed));
    let mut plan = plan;
    if replications != plan.replications {
        plan.replications = replications;
        plan.block = plan.block.min(replications);
    }
    let units = plan.units();
    hasher.add(format!("{replications} {} {seed}", plan.block).as_bytes());
    Ok(Study {
        options: RunOptions {
            replications,
            seed,
            threads: settings.threads.map(|t| t as usize),
        },
        hash: format!("{:016x}", hasher.0),
        plan,
        scenarios,
        units,
    })
}

/// Diagnostics of point `point`'s generated policy (named `label`) located where they can
/// be fixed: a problem with one of the point's overrides at the axis value in the plan file
/// `plan`, one in the policy file's own lines in that file (`policy`). Others (in the base
/// scenario, a trace) are left as they are.
fn relocate(
    mut error: ConfigError,
    label: &str,
    plan: &str,
    policy: Option<&Path>,
    starts: &[usize],
    point: &Point,
) -> ConfigError {
    for d in &mut error.diagnostics {
        if d.file != label {
            continue;
        }
        if let Some(k) = starts.iter().rposition(|&s| d.line >= s) {
            let origin = &point.origins[k];
            d.message = format!(
                "{} (override `{}` = {} of point {})",
                d.message, point.overrides[k].0, point.overrides[k].1, point.id
            );
            d.file = plan.to_owned();
            d.line = origin.line;
            d.column = origin.column;
            d.path.clone_from(&origin.field);
        } else if let Some(policy) = policy {
            d.file = policy.display().to_string();
        } else if let Some(origin) = point.origins.first() {
            d.file = plan.to_owned();
            d.line = origin.line;
            d.column = origin.column;
            d.path.clone_from(&origin.field);
        }
    }
    error
}

/// Scenario `text` with its sources' arrival rates multiplied by point `point`'s demand
/// factors (a class's sources only, where the axis names one): `rate` (`"40/h"`) and every
/// hour of `profile`.
///
/// # Errors
///
/// A diagnostic at the demand axis (file left for the caller) when a source replays a
/// trace (recorded arrivals have no rate to scale), no source is of the named class, or
/// the text is not a scenario with sources.
fn scale_demand(text: &str, point: &Point) -> Result<String, Diagnostic> {
    let mut doc: toml::Table = toml::from_str(text).map_err(|e| Diagnostic {
        file: String::new(),
        path: String::new(),
        line: 1,
        column: 1,
        message: format!("cannot scale the demand of point {}: {e}", point.id),
    })?;
    for scale in &point.demand {
        let fail = |message: String| Diagnostic {
            file: String::new(),
            path: scale.origin.field.clone(),
            line: scale.origin.line,
            column: scale.origin.column,
            message,
        };
        let Some(toml::Value::Array(sources)) = doc.get_mut("sources") else {
            return Err(fail(
                "the scenario has no [[sources]] whose demand to scale".into(),
            ));
        };
        let mut scaled = 0;
        let mut classes = Vec::new();
        for source in sources.iter_mut() {
            let Some(source) = source.as_table_mut() else {
                continue;
            };
            let id = source
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or("?")
                .to_owned();
            let class = source
                .get("class")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            if let Some(c) = &class {
                classes.push(c.clone());
            }
            if scale.class.is_some() && class != scale.class {
                continue;
            }
            if source.contains_key("trace") {
                return Err(fail(format!(
                    "source `{id}` replays a trace: recorded arrivals have no rate to scale (scale the other classes, or sources, by `class`)"
                )));
            }
            if let Some(toml::Value::String(rate)) = source.get_mut("rate") {
                *rate = scale_rate(rate, scale.factor)
                    .ok_or_else(|| fail(format!("source `{id}`: cannot read the rate `{rate}`")))?;
            }
            if let Some(toml::Value::Array(profile)) = source.get_mut("profile") {
                for v in profile.iter_mut() {
                    let scaled = match &*v {
                        toml::Value::Integer(n) => toml::Value::Float(*n as f64 * scale.factor),
                        toml::Value::Float(x) => toml::Value::Float(*x * scale.factor),
                        other => other.clone(),
                    };
                    *v = scaled;
                }
            }
            scaled += 1;
        }
        if scaled == 0 {
            classes.sort();
            classes.dedup();
            return Err(fail(format!(
                "no source is of class `{}` (the sources' classes: {})",
                scale.class.as_deref().unwrap_or(""),
                classes.join(", ")
            )));
        }
    }
    Ok(toml::to_string(&doc).unwrap_or_default())
}

/// A rate written `NUMBER UNIT` (`"40/h"`, `"1.5 / min"`) with its number multiplied.
fn scale_rate(rate: &str, factor: f64) -> Option<String> {
    let t = rate.trim();
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')))
        .unwrap_or(t.len());
    // An exponent's `e` cannot start the unit: units here begin with `/`.
    let (number, unit) = t.split_at(end);
    let value: f64 = number.parse().ok()?;
    Some(format!("{}{unit}", value * factor))
}

/// FNV-1a, 64 bits: a fingerprint of the plan and the files it names, stable across
/// versions and machines (not a defence against tampering).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // Separates consecutive inputs.
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3) ^ 0xff;
    }
}

/// The shard asked for by flags or by the environment of an array job, if any.
fn shard(args: &SweepArgs) -> Result<Option<(u64, u64)>, Failure> {
    let env = |name: &str| -> Result<Option<u64>, Failure> {
        match std::env::var(name) {
            Ok(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| Failure::BadInput(anyhow!("{name}={v} is not a whole number"))),
            Err(_) => Ok(None),
        }
    };
    let (index, count) = match (args.shard_index, args.shard_count) {
        (Some(i), count) => (i, count),
        (None, count) => {
            if let Some(id) = env("SLURM_ARRAY_TASK_ID")? {
                let min = env("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
                let index = id.checked_sub(min).ok_or_else(|| {
                    Failure::BadInput(anyhow!(
                        "SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"
                    ))
                })?;
                (index, count.or(env("SLURM_ARRAY_TASK_COUNT")?))
            } else if let Some(i) = env("JOB_COMPLETION_INDEX")? {
                (i, count)
            } else if let Some(i) = env("AWS_BATCH_JOB_ARRAY_INDEX")? {
                (i, count)
            } else if count.is_some() {
                return Err(Failure::BadInput(anyhow!(
                    "--shard-count without --shard-index (nor an array job's index in the environment)"
                )));
            } else {
                return Ok(None);
            }
        }
    };
    let Some(count) = count else {
        return Err(Failure::BadInput(anyhow!(
            "shard {index} of how many? Give --shard-count N (Slurm sets SLURM_ARRAY_TASK_COUNT; a Kubernetes Indexed Job or AWS Batch array job needs the flag)"
        )));
    };
    if index >= count {
        return Err(Failure::BadInput(anyhow!(
            "shard index {index} is not below the shard count {count} (shards are numbered from 0)"
        )));
    }
    Ok(Some((index, count)))
}

/// The `--list` text: one line per unit of the shard (every unit without one).
fn list(study: &Study, shard: Option<(u64, u64)>) -> String {
    let mut out = String::new();
    let axes = study.plan.axes.join("\t");
    let _ = writeln!(out, "unit\tpoint\treplications\tseed\t{axes}");
    for (k, u) in study.units.iter().enumerate() {
        if shard.is_some_and(|(i, n)| k as u64 % n != i) {
            continue;
        }
        let point = &study.plan.points[u.point];
        let _ = writeln!(
            out,
            "{}\t{}\t{}..{}\t{}\t{}",
            u.id,
            point.id,
            u.replications.start,
            u.replications.end,
            study.options.seed,
            point.values.join("\t")
        );
    }
    out
}

/// Units read or run at a time before they are merged: memory holds this many summaries.
const CHUNK: usize = 64;

/// Merges the units' summaries (`summaries_of` runs or reads those of a run of consecutive
/// units, at most [`CHUNK`], in their order) point by point, units in canonical order, and
/// writes the sweep's output.
///
/// # Errors
///
/// [`Failure::Failed`] when summaries do not merge or the output cannot be written.
pub(crate) fn emit(
    study: &Study,
    mut summaries_of: impl FnMut(&[Unit]) -> Result<Vec<(Summary, Measures)>, Failure>,
    settings: &RunSettings,
) -> Result<(), Failure> {
    // Each unit's summary is folded into its point's as soon as it is read or run, so
    // memory holds one summary per point (and one chunk's).
    let mut merged: Vec<Option<(Summary, Measures)>> = vec![None; study.plan.points.len()];
    for chunk in study.units.chunks(CHUNK) {
        for (unit, (summary, measures)) in chunk.iter().zip(summaries_of(chunk)?) {
            match &mut merged[unit.point] {
                Some((s, m)) => s
                    .merge(summary)
                    .and_then(|()| m.merge(measures))
                    .map_err(|e| Failure::BadInput(anyhow!("unit {}: {e}", unit.id)))?,
                slot @ None => *slot = Some((summary, measures)),
            }
        }
    }
    let baseline = merged
        .get(study.plan.baseline)
        .and_then(|m| m.as_ref().map(|(_, m)| m.clone()));
    let mut points = Vec::with_capacity(merged.len());
    for ((point, scenario), summary) in study.plan.points.iter().zip(&study.scenarios).zip(merged) {
        let (summary, measures) = summary
            .ok_or_else(|| Failure::Failed(anyhow!("point {} has no replications", point.id)))?;
        let differences = baseline
            .as_ref()
            .map(|b| measures.differences(b))
            .unwrap_or_default();
        points.push(SweepPoint {
            id: point.id.clone(),
            axes: study
                .plan
                .axes
                .iter()
                .cloned()
                .zip(point.values.iter().cloned())
                .collect(),
            report: report_of(scenario, study.options.seed, summary),
            differences,
        });
    }
    let out = SweepResult {
        sweep: study.plan.name.clone(),
        plan_hash: study.hash.clone(),
        seed: study.options.seed,
        replications: study.options.replications,
        baseline: study.plan.points[study.plan.baseline].id.clone(),
        axes: study
            .plan
            .axes
            .iter()
            .zip(&study.plan.kinds)
            .map(|(name, kind)| {
                let (kind, of) = match kind {
                    AxisKind::Override(path) => ("override", Some(path.clone())),
                    AxisKind::Policy => ("policy", None),
                    AxisKind::Demand(class) => ("demand", class.clone()),
                    AxisKind::Scenario => ("scenario", None),
                };
                SweepAxis {
                    name: name.clone(),
                    kind: kind.to_owned(),
                    of,
                }
            })
            .collect(),
        points,
    };
    output::emit(
        settings,
        |format| render(&out, format),
        || bordersim_report::sweep(&out),
    )
}

/// The sweep's output in `format`: JSON (every point's full report), or tidy CSV / a table
/// (one row per point × entity: the whole crossing and each station's wait).
fn render(out: &SweepResult, format: Format) -> anyhow::Result<Vec<u8>> {
    if format == Format::Json {
        let mut bytes = serde_json::to_vec_pretty(out)?;
        bytes.push(b'\n');
        return Ok(bytes);
    }
    let axes: Vec<&str> = out
        .points
        .first()
        .map(|p| p.axes.iter().map(|(a, _)| a.as_str()).collect())
        .unwrap_or_default();
    let mut w = csv::WriterBuilder::new()
        .delimiter(if format == Format::Csv { b',' } else { b'\t' })
        .from_writer(Vec::new());
    let mut header = vec!["point"];
    header.extend(axes.iter().copied());
    header.extend([
        "entity",
        "metric",
        "count",
        "mean_s",
        "ci95_s",
        "p50_s",
        "p95_s",
        "p99_s",
        "delta_mean_s",
        "delta_ci95_s",
    ]);
    w.write_record(&header)?;
    let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for p in &out.points {
        let mut rows = vec![(
            "system".to_owned(),
            "time_in_system",
            "time_in_system_mean_s",
            &p.report.system.time_in_system,
        )];
        for s in &p.report.stations {
            rows.push((format!("station:{}", s.id), "wait", "wait_mean_s", &s.wait));
        }
        for (entity, metric, measure, d) in rows {
            // The paired difference of the mean from the baseline point's.
            let diff = p
                .differences
                .iter()
                .find(|x| x.metric == measure && x.entity == entity);
            let mut r = vec![p.id.clone()];
            r.extend(p.axes.iter().map(|(_, v)| v.clone()));
            r.extend([
                entity,
                metric.to_owned(),
                d.count.to_string(),
                num(d.mean_s),
                num(d.ci95_s),
                num(d.p50_s),
                num(d.p95_s),
                num(d.p99_s),
                num(diff.and_then(|x| x.delta)),
                num(diff.and_then(|x| x.delta_ci95)),
            ]);
            w.write_record(&r)?;
        }
    }
    w.into_inner().map_err(|e| anyhow!("{e}"))
}

/// A string quoted for a POSIX shell.
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The `--emit` script: the shards as an array job (one per unit, at most 1000, unless
/// `--shard-count` says), then the merge.
fn emit_script(args: &SweepArgs, study: &Study, engine: Engine) -> String {
    let shards = args
        .shard_count
        .unwrap_or_else(|| (study.units.len() as u64).clamp(1, 1000));
    let plan = std::fs::canonicalize(&args.plan).unwrap_or_else(|_| args.plan.clone());
    let plan = plan.display().to_string();
    let out = args
        .out_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("sweep-out"));
    let out = std::path::absolute(&out)
        .unwrap_or(out)
        .display()
        .to_string();
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "bordersim".into());
    let threads = args
        .settings
        .threads
        .map(|t| format!(" -j {t}"))
        .unwrap_or_default();
    let mut seeds = String::new();
    if let Some(r) = args.settings.replications {
        seeds.push_str(&format!(" -r {r}"));
    }
    if let Some(s) = args.settings.seed {
        seeds.push_str(&format!(" -s {s}"));
    }
    let name = &study.plan.name;
    let units = study.units.len();
    match engine {
        Engine::Slurm => {
            let shard = format!("{} sweep {} --out-dir {}{seeds}{threads}", sh(&exe), sh(&plan), sh(&out));
            let merge = format!(
                "{} merge {} --format csv --output {}",
                sh(&exe),
                sh(&out),
                sh(&format!("{out}/result.csv"))
            );
            format!(
                "#!/usr/bin/env bash
# bordersim sweep {name:?}: {units} units in {shards} array tasks, then a merge job.
# Run this script on a Slurm login node (it submits both jobs and prints their ids). Each
# task reads its shard from SLURM_ARRAY_TASK_ID; a re-queued task skips finished units.
set -euo pipefail
mkdir -p {out_q}/logs
array=$(sbatch --parsable --array=0-{last} --job-name=bordersim-sweep \\
    --output={logs} --wrap={shard_q})
merge=$(sbatch --parsable --dependency=afterok:\"${{array%%;*}}\" --job-name=bordersim-merge \\
    --output={merge_log} --wrap={merge_q})
echo \"shards: job $array; merge: job $merge -> {out}/result.csv\"
",
                out_q = sh(&out),
                last = shards - 1,
                logs = sh(&format!("{out}/logs/shard-%a.log")),
                shard_q = sh(&shard),
                merge_log = sh(&format!("{out}/logs/merge.log")),
                merge_q = sh(&merge),
            )
        }
        Engine::K8s => format!(
            "# bordersim sweep {name:?}: {units} units in {shards} indexed pods.
# Needs an image with bordersim and the plan's files (IMAGE below; the plan's path is
# taken from its working directory) and a volume shared by the pods (the claim bordersim-sweep, mounted at /sweep). When the Job completes, merge:
#   bordersim merge /sweep/out --format csv --output /sweep/out/result.csv
apiVersion: batch/v1
kind: Job
metadata:
  name: bordersim-sweep
spec:
  completionMode: Indexed
  completions: {shards}
  parallelism: {shards}
  backoffLimitPerIndex: 3
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: shard
          image: IMAGE
          command: [\"bordersim\", \"sweep\", {plan_j}, \"--out-dir\", \"/sweep/out\", \"--shard-count\", \"{shards}\"{extra}]
          volumeMounts:
            - name: sweep
              mountPath: /sweep
      volumes:
        - name: sweep
          persistentVolumeClaim:
            claimName: bordersim-sweep
",
            // As given: a path in the image's working directory.
            plan_j = serde_json::Value::String(args.plan.display().to_string()),
            extra = seeds
                .split_whitespace()
                .chain(threads.split_whitespace())
                .map(|a| format!(", {}", serde_json::Value::String(a.to_owned())))
                .collect::<String>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::scale_rate;

    #[test]
    fn a_rate_keeps_its_unit_and_scales_its_number() {
        assert_eq!(scale_rate("40/h", 1.5).as_deref(), Some("60/h"));
        assert_eq!(scale_rate(" 2.5 / min", 2.0).as_deref(), Some("5 / min"));
        assert_eq!(scale_rate("1e2/h", 0.5).as_deref(), Some("50/h"));
        assert_eq!(scale_rate("fast", 2.0), None);
    }
}

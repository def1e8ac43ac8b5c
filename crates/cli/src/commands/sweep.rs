//! `bordersim sweep PLAN`: a whole study from one plan file (`docs/sweeps.md`) — every point
//! of its axes, each replication seeded from (master seed, replication) alone, so that
//! results never depend on how the work is split. Run here at once, or as shards that write
//! each work unit's summary into `--out-dir`, merged by `bordersim merge`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use bordersim_config::PolicyError;
use bordersim_config::sweep::{Plan, Unit, parse_plan};
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
    output::check_text_only(&args.settings, "a sweep")?;
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
        return emit(&study, |u| run_unit(&study, u), &args.settings);
    };
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
    for (k, unit) in study.units.iter().enumerate() {
        if k as u64 % count != index {
            continue;
        }
        let path = unit_path(dir, &unit.id);
        let wall_s = if path.exists() {
            // A unit file only ever appears whole (written beside, then renamed): one that
            // is there is finished; it is checked as `merge` will read it.
            read_unit(&path, &study, true)?;
            None
        } else {
            let start = clock();
            let summary = run_unit(&study, unit)?;
            let file = UnitFile {
                plan_hash: study.hash.clone(),
                unit: unit.id.clone(),
                seed: study.options.seed,
                summary,
            };
            let bytes = serde_json::to_vec(&file).map_err(|e| Failure::Failed(e.into()))?;
            write_atomically(&path, &bytes).map_err(Failure::Failed)?;
            Some(start.elapsed().as_secs_f64())
        };
        manifest.units.push(ManifestUnit {
            id: unit.id.clone(),
            replications: [unit.replications.start, unit.replications.end],
            wall_s,
        });
        let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| Failure::Failed(e.into()))?;
        write_atomically(&manifest_path, &bytes).map_err(Failure::Failed)?;
    }
    if shard.is_none() {
        // Everything ran here: merge and report, as `bordersim merge DIR` would.
        return super::merge::merge_dir(dir, &args.settings);
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
    let bad = |m: String| Failure::BadInput(anyhow!("{}: {m}", path.display()));
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let file: UnitFile = serde_json::from_str(&text)
        .map_err(|e| bad(format!("not a unit summary of bordersim: {e}")))?;
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
    if file.seed != study.options.seed
        || summary.first_replication() != unit.replications.start
        || summary.first_replication() + summary.replications() != unit.replications.end
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

/// Runs one unit.
fn run_unit(study: &Study, unit: &Unit) -> Result<Summary, Failure> {
    bordersim_experiment::summarise_replications(
        &study.scenarios[unit.point],
        &study.options,
        unit.replications.clone(),
        |_| bordersim_model::NoLog,
    )
    .map(|(s, _)| s)
    .map_err(|e| Failure::from_experiment(e, format!("cannot run unit {}", unit.id)))
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
    let base_path = dir.join(&plan.scenario);
    let base_text = super::read_scenario(&base_path)?;
    let base_file = base_path.display().to_string();
    let base = super::load_text(&base_text, &base_path, base_file.clone())?;
    let mut hasher = Fnv::default();
    hasher.add(text.as_bytes());
    hasher.add(base_text.as_bytes());
    let mut scenarios = Vec::with_capacity(plan.points.len());
    for point in &plan.points {
        let policy_file = match &point.policy {
            Some(p) => {
                let t = super::read_policy(&dir.join(p))?;
                hasher.add(t.as_bytes());
                Some(t)
            }
            None => None,
        };
        let Some(policy) = plan.policy_text(point, policy_file.as_deref()) else {
            scenarios.push(base.clone());
            continue;
        };
        let label = format!("{file} point {}", point.id);
        let applied = match bordersim_config::apply_policy_with(
            &base_text,
            &base_file,
            &policy,
            &label,
            &super::trace_reader(&base_path),
        ) {
            Ok(applied) => applied,
            Err(PolicyError::Policy(error)) => {
                return Err(Failure::Invalid { file: label, error });
            }
            Err(PolicyError::Scenario { label, error, .. }) => {
                return Err(Failure::Invalid { file: label, error });
            }
        };
        scenarios.push(applied.loaded.scenario);
    }
    let replications = settings.replications.unwrap_or(plan.replications);
    let seed = settings.seed.or(plan.seed).unwrap_or(base.seed);
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

/// Merges the units' summaries (`summary_of` runs or reads one) point by point, units in
/// canonical order, and writes the sweep's output.
///
/// # Errors
///
/// [`Failure::Failed`] when summaries do not merge or the output cannot be written.
pub(crate) fn emit(
    study: &Study,
    mut summary_of: impl FnMut(&Unit) -> Result<Summary, Failure>,
    settings: &RunSettings,
) -> Result<(), Failure> {
    // Each unit's summary is folded into its point's as soon as it is read or run, so
    // memory holds one summary per point.
    let mut merged: Vec<Option<Summary>> = vec![None; study.plan.points.len()];
    for unit in &study.units {
        let summary = summary_of(unit)?;
        match &mut merged[unit.point] {
            Some(m) => m
                .merge(summary)
                .map_err(|e| Failure::BadInput(anyhow!("unit {}: {e}", unit.id)))?,
            slot @ None => *slot = Some(summary),
        }
    }
    let mut points = Vec::with_capacity(merged.len());
    for ((point, scenario), summary) in study.plan.points.iter().zip(&study.scenarios).zip(merged) {
        let summary = summary
            .ok_or_else(|| Failure::Failed(anyhow!("point {} has no replications", point.id)))?;
        points.push(PointReport {
            id: point.id.clone(),
            axes: study
                .plan
                .axes
                .iter()
                .cloned()
                .zip(point.values.iter().cloned())
                .collect(),
            report: report_of(scenario, study.options.seed, summary),
        });
    }
    let out = SweepReport {
        sweep: study.plan.name.clone(),
        plan_hash: study.hash.clone(),
        seed: study.options.seed,
        replications: study.options.replications,
        points,
    };
    // `sweep` and `merge` refused an HTML output before anything ran: no page is made.
    output::emit(settings, |format| render(&out, format), String::new)
}

/// The output of a sweep.
#[derive(Serialize)]
struct SweepReport {
    sweep: String,
    plan_hash: String,
    seed: u64,
    replications: u32,
    points: Vec<PointReport>,
}

/// One point of a sweep and its report.
#[derive(Serialize)]
struct PointReport {
    id: String,
    axes: Vec<(String, String)>,
    report: bordersim_experiment::Report,
}

/// The sweep's output in `format`: JSON (every point's full report), or tidy CSV / a table
/// (one row per point × entity: the whole crossing and each station's wait).
fn render(out: &SweepReport, format: Format) -> anyhow::Result<Vec<u8>> {
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
        "entity", "metric", "count", "mean_s", "ci95_s", "p50_s", "p95_s", "p99_s",
    ]);
    w.write_record(&header)?;
    let num = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for p in &out.points {
        let mut rows = vec![(
            "system".to_owned(),
            "time_in_system",
            &p.report.system.time_in_system,
        )];
        for s in &p.report.stations {
            rows.push((format!("station:{}", s.id), "wait", &s.wait));
        }
        for (entity, metric, d) in rows {
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

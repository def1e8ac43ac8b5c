//! `--emit`: a ready script for a cluster (a Slurm array job and its merge, or a
//! Kubernetes Indexed Job).

use std::path::PathBuf;

use super::{Engine, Study, SweepArgs};

/// A string quoted for a POSIX shell.
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The `--emit` script: the shards as an array job (one per unit, at most 1000, unless
/// `--shard-count` says), then the merge.
pub(super) fn emit_script(args: &SweepArgs, study: &Study, engine: Engine) -> String {
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

//! Every output option of every command is honoured on every path: each file asked for is
//! written (the sweep's page by `merge --report` as by the sweep itself, byte for byte),
//! and an output whose name says a format the command cannot write is refused, nothing
//! written.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// Primary booths 1 to 2 × 2 replications in blocks of 1 (4 units).
const PLAN: &str = r#"
[sweep]
name = "booths"
scenario = "tiny.toml"
replications = 2
block = 1
seed = 11

[[axis]]
name = "booths"
path = "stations.primary.servers"
range = [1, 2]
"#;

/// A policy of the tiny crossing: a third primary booth.
const POLICY: &str = r#"[policy]
name = "three booths"
baseline = "tiny.toml"

[[override]]
path = "stations.primary.servers"
value = 3
"#;

/// Observations of the tiny crossing's primary station.
const OBSERVED: &str = "station,hour,wait_min,volume\n\
primary,2,1.5,65\n\
primary,3,2.0,72\n";

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Runs `args` (which must succeed) and checks that every file of `written` exists and is
/// not empty, and that an HTML one is a whole page.
fn writes(args: &[&str], written: &[&Path]) {
    for path in written {
        let _ = fs::remove_file(path);
    }
    let out = bordersim(args);
    assert_eq!(out.code, 0, "{args:?}: {out:#?}");
    for path in written {
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{args:?}: {}: {e}", path.display()));
        assert!(!bytes.is_empty(), "{args:?}: {} is empty", path.display());
        if path.extension().is_some_and(|e| e == "html") {
            let text = String::from_utf8(bytes).expect("UTF-8 page");
            assert!(
                text.starts_with("<!DOCTYPE html>") && text.trim_end().ends_with("</html>"),
                "{args:?}: {} is no whole page",
                path.display()
            );
        }
    }
}

/// The files of a run's output options, in `dir`: each text format and the page.
fn outputs(dir: &Path, stem: &str) -> Vec<PathBuf> {
    ["txt", "json", "csv", "html"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .collect()
}

/// `args` with `-o` each output of [`outputs`] in turn, each time with a `--report` page
/// beside it (but for an `.html` output, which is the page).
fn with_every_output(dir: &Path, stem: &str, args: &[&str]) {
    let report = dir.join(format!("{stem}-report.html"));
    for out in outputs(dir, stem) {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["-o", s(&out)]);
        let mut written = vec![out.as_path()];
        if out.extension().is_some_and(|e| e != "html") {
            all.extend(["--report", s(&report)]);
            written.push(&report);
        }
        writes(&all, &written);
    }
}

#[test]
fn run_compare_and_calibrate_write_every_output_asked_for() {
    let dir = scratch("polish-outputs");
    let tiny = write(&dir, "tiny.toml", SCENARIO);
    let policy = write(&dir, "p.toml", POLICY);
    let obs = write(&dir, "obs.csv", OBSERVED);
    with_every_output(&dir, "run", &["run", s(&tiny), "-r", "2", "-q"]);
    let series = dir.join("series.csv");
    let log = dir.join("log.csv");
    let page = dir.join("run-all.html");
    let json = dir.join("run-all.json");
    writes(
        &[
            "run",
            s(&tiny),
            "-r",
            "2",
            "-o",
            s(&json),
            "--report",
            s(&page),
            "--series",
            s(&series),
            "--event-log",
            s(&log),
        ],
        &[&json, &page, &series, &log],
    );
    with_every_output(
        &dir,
        "compare",
        &["compare", "--policy", s(&policy), "-r", "2", "-q"],
    );
    with_every_output(
        &dir,
        "calibrate",
        &[
            "calibrate",
            s(&tiny),
            "--observed",
            s(&obs),
            "-r",
            "2",
            "-q",
        ],
    );
    let applied = dir.join("applied.toml");
    writes(&["apply", s(&policy), "-o", s(&applied)], &[&applied]);
}

#[test]
fn sweep_and_merge_write_every_output_asked_for_and_the_same_page() {
    let dir = scratch("polish-sweep");
    write(&dir, "tiny.toml", SCENARIO);
    let plan = write(&dir, "plan.toml", PLAN);
    // At once, at once through a directory, and sharded then merged.
    with_every_output(&dir, "sweep", &["sweep", s(&plan), "-q"]);
    let whole = dir.join("whole");
    with_every_output(
        &dir,
        "sweep-dir",
        &["sweep", s(&plan), "-q", "--out-dir", s(&whole)],
    );
    let shards = dir.join("shards");
    for i in ["0", "1"] {
        let out = bordersim([
            "sweep",
            s(&plan),
            "-q",
            "--out-dir",
            s(&shards),
            "--shard-index",
            i,
            "--shard-count",
            "2",
        ]);
        assert_eq!(out.code, 0, "{out:#?}");
    }
    with_every_output(&dir, "merge", &["merge", s(&shards), "-q"]);
    let page = fs::read(dir.join("sweep.html")).expect("the sweep's page");
    for other in [
        "sweep-report.html",
        "sweep-dir.html",
        "sweep-dir-report.html",
        "merge.html",
        "merge-report.html",
    ] {
        assert!(
            fs::read(dir.join(other)).expect("page") == page,
            "{other} differs from the sweep's page"
        );
    }
    // The result in each text format is the same whichever way it was made.
    for ext in ["txt", "json", "csv"] {
        let at_once = fs::read(dir.join(format!("sweep.{ext}"))).expect("sweep output");
        for other in ["sweep-dir", "merge"] {
            let made = fs::read(dir.join(format!("{other}.{ext}"))).expect("output");
            if ext == "txt" {
                continue;
            }
            assert!(made == at_once, "{other}.{ext} differs from sweep.{ext}");
        }
    }
}

/// Runs `args`, which must be refused (exit 2) with `message` on standard error, and
/// checks that `path` was not written.
fn refused(args: &[&str], path: &Path, message: &str) {
    let out = bordersim(args);
    assert_eq!(out.code, 2, "{args:?}: {out:#?}");
    assert!(
        out.stderr.contains(message),
        "{args:?}: expected {message:?} in {}",
        out.stderr
    );
    assert!(!path.exists(), "{args:?} wrote {}", path.display());
}

#[test]
fn apply_and_optimise_staffing_refuse_a_name_of_a_format_they_cannot_write() {
    let dir = scratch("polish-refused");
    let tiny = write(&dir, "tiny.toml", SCENARIO);
    let policy = write(&dir, "p.toml", POLICY);
    let plan = write(
        &dir,
        "plan.toml",
        "[plan]\nobjective = \"mean_delay_s\"\n\n[[lane_group]]\nstation = \"primary\"\n\
         budget_lane_hours_per_day = 48\n",
    );
    for name in ["o.xlsx", "o.json", "o.csv", "o.html", "o"] {
        let out = dir.join(name);
        refused(
            &["apply", s(&policy), "-o", s(&out)],
            &out,
            &format!(
                "--output '{}': this output is a scenario (TOML); give a name ending in .toml",
                out.display()
            ),
        );
        refused(
            &[
                "optimise-staffing",
                s(&tiny),
                "--plan",
                s(&plan),
                "-o",
                s(&out),
            ],
            &out,
            &format!(
                "--output '{}': this output is a scenario (TOML); give a name ending in .toml",
                out.display()
            ),
        );
        refused(
            &[
                "optimise-staffing",
                s(&tiny),
                "--plan",
                s(&plan),
                "--policy-output",
                s(&out),
            ],
            &out,
            &format!(
                "--policy-output '{}': this output is a policy (TOML); give a name ending in .toml",
                out.display()
            ),
        );
    }
    // Any case of the extension, standard output and a device are fine.
    let upper = dir.join("O.TOML");
    writes(&["apply", s(&policy), "-o", s(&upper)], &[&upper]);
    let out = bordersim(["apply", s(&policy), "-o", "-"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("[scenario]"), "{out:#?}");
    let out = bordersim(["apply", s(&policy), "-o", "/dev/null"]);
    assert_eq!(out.code, 0, "{out:#?}");
}

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
    let optimise = |option: &'static str, out: &Path| {
        [
            "optimise-staffing",
            s(&tiny),
            "--plan",
            s(&plan),
            option,
            s(out),
        ]
        .map(str::to_owned)
    };
    for name in ["o.xlsx", "o.json", "o.csv", "o.html", "o"] {
        let out = dir.join(name);
        let toml_only = |option: &str, kind: &str| {
            format!(
                "{option} '{}': this output is a {kind} (TOML); give a name ending in .toml",
                out.display()
            )
        };
        refused(
            &["apply", s(&policy), "-o", s(&out)],
            &out,
            &toml_only("--output", "scenario"),
        );
        for (option, kind) in [("-o", "scenario"), ("--policy-output", "policy")] {
            let args = optimise(option, &out);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let shown = if option == "-o" { "--output" } else { option };
            refused(&args, &out, &toml_only(shown, kind));
        }
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

/// A bundled example.
fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../configs")
        .join(name)
}

/// The numbers of `text` of four digits or more before the decimal point written without
/// thousands separators (`1254.4`, `16460872.24`), with their line.
fn ungrouped(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let after_separator = start > 0 && matches!(bytes[start - 1], b',' | b'.');
            if i - start >= 4 && !after_separator {
                found.push(format!("{:?} in {line:?}", &line[start..i]));
            }
        }
    }
    found
}

#[test]
fn text_tables_group_thousands_and_give_changes_of_percentages_in_points() {
    let run = bordersim([
        "run",
        s(&example("examples/commercial_truck_crossing.toml")),
        "-r",
        "2",
        "-q",
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    // Costs, emissions and stops run into the thousands on this crossing.
    for needle in ["Cost of delay", "Emissions", "stops/day"] {
        assert!(run.stdout.contains(needle), "{needle}");
    }
    assert_eq!(ungrouped(&run.stdout), Vec::<String>::new());
    let compare = bordersim([
        "compare",
        "--policy",
        s(&example("policies/extra_primary_booths.toml")),
        "-r",
        "2",
        "-q",
    ]);
    assert_eq!(compare.code, 0, "{compare:#?}");
    assert_eq!(ungrouped(&compare.stdout), Vec::<String>::new());
    assert!(compare.stdout.contains("delay_value_per_year"));
    // Levels in percent, their change and interval in percentage points.
    for metric in ["utilization (%)", "abandoned_share (%)"] {
        let rows: Vec<&str> = compare
            .stdout
            .lines()
            .filter(|l| l.contains(metric))
            .collect();
        assert!(!rows.is_empty(), "{metric}");
        for row in rows {
            assert_eq!(row.matches(" pts").count(), 2, "{row}");
        }
    }
    // No other row is in points.
    assert!(
        compare
            .stdout
            .lines()
            .filter(|l| l.contains(" pts"))
            .all(|l| l.contains("(%)")),
        "{}",
        compare.stdout
    );
    // The CSV keeps the raw numbers.
    let csv = bordersim([
        "compare",
        "--policy",
        s(&example("policies/extra_primary_booths.toml")),
        "-r",
        "2",
        "-q",
        "-f",
        "csv",
    ]);
    assert!(!csv.stdout.contains(" pts") && csv.stdout.contains("delay_value_per_year"));
}

#[test]
fn a_change_that_rounds_to_zero_is_not_warned_about_nor_printed_as_minus_zero() {
    let compare = bordersim([
        "compare",
        "--policy",
        s(&example("policies/one_stop_border_post.toml")),
        "-r",
        "4",
        "-q",
    ]);
    assert_eq!(compare.code, 0, "{compare:#?}");
    assert!(!compare.stdout.contains("-0.0 a day"), "{}", compare.stdout);
    assert!(
        !compare
            .stdout
            .contains("nb-zm-release-gate: staffed lane-hours"),
        "{}",
        compare.stdout
    );
    for token in compare.stdout.split_whitespace() {
        let t = token.trim_end_matches(['%', ',', ';']);
        assert!(
            !(t.starts_with("-0") && t.bytes().all(|b| matches!(b, b'-' | b'0' | b'.'))),
            "{token} in {}",
            compare.stdout
        );
    }
}

#[test]
fn a_sweep_listing_refuses_the_options_of_a_result_it_would_ignore() {
    let dir = scratch("polish-listing");
    write(&dir, "tiny.toml", SCENARIO);
    let plan = write(&dir, "plan.toml", PLAN);
    let out_file = dir.join("units.txt");
    let page = dir.join("units.html");
    for listing in [&["--list"][..], &["--emit", "slurm"][..]] {
        for (option, extra) in [
            ("--output", vec!["-o", s(&out_file)]),
            ("--report", vec!["--report", s(&page)]),
            ("--format", vec!["-f", "json"]),
        ] {
            let mut args = vec!["sweep", s(&plan)];
            args.extend(listing);
            args.extend(&extra);
            refused(
                &args,
                if option == "--report" {
                    &page
                } else {
                    &out_file
                },
                &format!("prints to standard output and writes no result: remove {option}"),
            );
        }
        let mut args = vec!["sweep", s(&plan)];
        args.extend(listing);
        let out = bordersim(&args);
        assert_eq!(out.code, 0, "{out:#?}");
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn the_scenario_schema_bounds_what_the_loader_refuses() {
    let out = bordersim(["schema", "scenario"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let defs = &schema["definitions"];
    for (def, field, key, value) in [
        ("scenario", "replications", "minimum", 1),
        ("scenario", "max_in_system", "minimum", 1),
        ("scenario", "max_in_system", "maximum", 100_000_000),
        ("station", "servers", "minimum", 1),
        ("lane_group", "servers", "minimum", 1),
        ("station", "queue_capacity", "minimum", 0),
        ("lane_rule", "max_lanes", "minimum", 1),
        ("event", "day", "minimum", 1),
        ("event", "lanes", "minimum", 1),
        ("class", "length_m", "exclusiveMinimum", 0),
        ("service", "scale", "exclusiveMinimum", 0),
    ] {
        assert_eq!(
            defs[def]["properties"][field][key], value,
            "{def}.{field} {key}"
        );
    }
    let seed = defs["scenario"]["properties"]["seed"]["description"]
        .as_str()
        .expect("seed described");
    assert!(seed.contains("Master random seed"), "{seed}");
    let thu = defs["days"]["properties"]["thu"]["description"]
        .as_str()
        .expect("thu described");
    assert!(thu.contains("24 values"), "{thu}");
}

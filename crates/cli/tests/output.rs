//! Where reports go: output files written whole or not at all, and the per-vehicle event
//! log (`run --event-log`).

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use common::*;

#[test]
fn output_file_is_written_whole() {
    let dir = scratch("output");
    let file = write(&dir, "s.toml", SCENARIO);
    let report = dir.join("report.json");
    let out = bordersim([
        "run".as_ref(),
        file.as_os_str(),
        "--output".as_ref(),
        report.as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stdout, "", "the report goes to the file, not to stdout");
    // The format follows the extension when --format is not given.
    let v: Value =
        serde_json::from_str(&fs::read_to_string(&report).expect("report")).expect("JSON");
    assert_eq!(v["scenario"], "tiny crossing");
    // A --format the extension contradicts is refused, the file left as it was; one it
    // agrees with replaces the existing file.
    let before = fs::read(&report).expect("report");
    let with_format = |format: &str| {
        bordersim([
            "run".as_ref(),
            file.as_os_str(),
            "-o".as_ref(),
            report.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
            "-r".as_ref(),
            "2".as_ref(),
        ])
    };
    let out = with_format("csv");
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(fs::read(&report).expect("report"), before);
    let out = with_format("json");
    assert_eq!(out.code, 0, "{out:#?}");
    let v: Value =
        serde_json::from_str(&fs::read_to_string(&report).expect("report")).expect("JSON");
    assert_eq!(v["replications"], 2, "replaced");
    assert_eq!(
        entries(&dir),
        ["report.json", "s.toml"],
        "no temporary file left"
    );
}

/// A scenario the loader refuses (a primary of no booth), as `bad.toml` in `dir`.
fn bad_scenario(dir: &Path) -> PathBuf {
    write(
        dir,
        "bad.toml",
        &scenario_with("servers = 2", "servers = 0"),
    )
}

/// Runs `bordersim run SCENARIO FLAG PATH`, asserting it exits 2.
fn run_refused(scenario: &Path, flag: &str, path: &Path) -> Outcome {
    let out = bordersim([
        "run".as_ref(),
        scenario.as_os_str(),
        flag.as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    out
}

#[test]
fn bad_input_writes_no_output_file() {
    let dir = scratch("no-output");
    let bad = bad_scenario(&dir);
    let fresh = dir.join("fresh.csv");
    run_refused(&bad, "-o", &fresh);
    assert!(!fresh.exists());

    let existing = write(&dir, "existing.json", "previous results\n");
    run_refused(&bad, "-o", &existing);
    assert_eq!(
        fs::read_to_string(&existing).expect("kept"),
        "previous results\n"
    );

    let missing = dir.join("missing.toml");
    run_refused(&missing, "-o", &existing);
    assert_eq!(
        fs::read_to_string(&existing).expect("kept"),
        "previous results\n"
    );
    assert_eq!(entries(&dir), ["bad.toml", "existing.json"]);
}

#[test]
fn unwritable_output_fails_before_simulating() {
    let dir = scratch("unwritable");
    let file = write(&dir, "s.toml", SCENARIO);
    let target = dir.join("no-such-dir").join("r.json");
    let out = run_refused(&file, "-o", &target);
    assert!(
        out.stderr.starts_with("error: --output: cannot write"),
        "{out:#?}"
    );
    assert!(!target.exists());
    let out = run_refused(&file, "-o", &file);
    assert!(
        out.stderr.contains("is an input of this command"),
        "{out:#?}"
    );
    assert_eq!(fs::read_to_string(&file).expect("scenario"), SCENARIO);
}

const EVENT_LOG_HEADER: &str =
    "replication,vehicle,class,programme,channel,direction,event,station,time_s";

/// Runs `scenario` with `--event-log` and `extra` arguments; returns the log's text.
fn event_log_of(dir: &Path, scenario: &Path, name: &str, extra: &[&str]) -> String {
    let log = dir.join(name);
    let mut args: Vec<&OsStr> = vec![
        "run".as_ref(),
        scenario.as_os_str(),
        "--event-log".as_ref(),
        log.as_os_str(),
        "--output".as_ref(),
        "/dev/null".as_ref(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    let out = bordersim(&args);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stderr, "", "{out:#?}");
    fs::read_to_string(&log).expect("event log")
}

#[test]
fn event_log_is_written_whole() {
    let dir = scratch("event-log");
    let file = write(&dir, "s.toml", SCENARIO);
    let text = event_log_of(&dir, &file, "events.csv", &[]);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(EVENT_LOG_HEADER));
    let mut rows = 0;
    let mut replications = std::collections::BTreeSet::new();
    // Per (replication, vehicle): the time of its last event, which never goes back.
    let mut last = std::collections::BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 9, "{line}");
        replications.insert(f[0].to_owned());
        assert!(["truck", "car"].contains(&f[2]), "{line}");
        assert_eq!((f[3], f[4], f[5]), ("none", "green", "inbound"), "{line}");
        let station_expected = !matches!(f[6], "arrive" | "exit");
        assert!(
            ["arrive", "queue", "start", "end", "exit"].contains(&f[6]),
            "{line}"
        );
        assert_eq!(
            ["primary", "secondary"].contains(&f[7]),
            station_expected,
            "{line}"
        );
        let t: f64 = f[8].parse().expect("time_s");
        assert!((0.0..=36_000.0).contains(&t), "{line}");
        let key = (
            f[0].parse::<u32>().expect("replication"),
            f[1].parse::<u64>().expect("vehicle"),
        );
        let previous = last.insert(key, t);
        assert!(previous.is_none_or(|p| p <= t), "{line}");
        rows += 1;
    }
    assert!(rows > 3 * 5 * 600, "{rows} rows");
    assert_eq!(replications.len(), 3);
    assert_eq!(entries(&dir), ["events.csv", "s.toml"], "no part file left");
}

#[test]
fn event_log_sample_is_a_deterministic_subset() {
    let dir = scratch("event-log-sample");
    let file = write(&dir, "s.toml", SCENARIO);
    let full = event_log_of(&dir, &file, "full.csv", &[]);
    let sample = event_log_of(&dir, &file, "sample.csv", &["--event-log-sample", "0.2"]);
    assert!(sample.starts_with(EVENT_LOG_HEADER));
    let (n_full, n_sample) = (full.lines().count() - 1, sample.lines().count() - 1);
    let share = n_sample as f64 / n_full as f64;
    assert!((0.1..0.3).contains(&share), "{n_sample} of {n_full} rows");
    // The sampled vehicles keep every one of their events, exactly as in the full log.
    let all: std::collections::BTreeSet<&str> = full.lines().collect();
    assert!(sample.lines().all(|l| all.contains(l)));
    // Same seed, same sample.
    let again = event_log_of(&dir, &file, "again.csv", &["--event-log-sample", "0.2"]);
    assert_eq!(sample, again);
}

#[test]
fn event_log_does_not_depend_on_threads() {
    let dir = scratch("event-log-threads");
    let file = write(&dir, "s.toml", SCENARIO);
    let args = |threads| ["--replications", "4", "--threads", threads];
    let one = event_log_of(&dir, &file, "one.csv", &args("1"));
    let two = event_log_of(&dir, &file, "two.csv", &args("2"));
    assert!(one == two, "the event log depends on the thread count");
    let sampled = |threads| {
        event_log_of(
            &dir,
            &file,
            "s.csv",
            &[&args(threads)[..], &["--event-log-sample", "0.5"]].concat(),
        )
    };
    assert!(sampled("1") == sampled("2"));
}

#[test]
fn event_log_records_balks_and_releases() {
    let dir = scratch("event-log-two-way");
    let file = write(&dir, "s.toml", TWO_WAY);
    let text = event_log_of(&dir, &file, "events.csv", &["--replications", "1"]);
    for needle in [
        ",balk,nb-primary,",
        ",release,sb-primary,",
        ",fast,",
        ",red,",
        ",southbound,",
        ",start,nb-xray,",
    ] {
        assert!(text.contains(needle), "no {needle:?} in the event log");
    }
}

#[test]
fn event_log_is_not_written_on_bad_input() {
    let dir = scratch("event-log-bad");
    let bad = bad_scenario(&dir);
    let log = dir.join("events.csv");
    run_refused(&bad, "--event-log", &log);
    assert_eq!(entries(&dir), ["bad.toml"]);

    // An event log that cannot be written is a bad argument, found before simulating.
    let good = write(&dir, "good.toml", SCENARIO);
    for (target, message) in [
        (dir.join("no-such-dir").join("e.csv"), "cannot write"),
        (good.clone(), "is an input of this command"),
        (dir.join("same.csv"), "both name"),
    ] {
        let out = bordersim([
            "run".as_ref(),
            good.as_os_str(),
            "--event-log".as_ref(),
            target.as_os_str(),
            "--output".as_ref(),
            dir.join("same.csv").as_os_str(),
        ]);
        assert_eq!(out.code, 2, "{out:#?}");
        assert!(out.stderr.contains(message), "{out:#?}");
    }
    assert_eq!(entries(&dir), ["bad.toml", "good.toml"]);
    // A sample fraction without a log, or out of (0, 1], is a usage error.
    for args in [
        &["--event-log-sample", "0.5"][..],
        &["--event-log", "e.csv", "--event-log-sample", "0"],
        &["--event-log", "e.csv", "--event-log-sample", "2"],
    ] {
        let mut full: Vec<&OsStr> = vec!["run".as_ref(), good.as_os_str()];
        full.extend(args.iter().map(OsStr::new));
        let out = bordersim(&full);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
    }
    assert_eq!(entries(&dir), ["bad.toml", "good.toml"]);
}

#[cfg(target_os = "linux")]
#[test]
fn event_log_write_failure_leaves_no_part_file() {
    // /dev/full accepts the open and fails every write: the run fails (exit 1) and the part
    // files (in the temporary directory for a device) are gone.
    let dir = scratch("event-log-full");
    let file = write(&dir, "s.toml", SCENARIO);
    let parts = || -> usize {
        fs::read_dir(std::env::temp_dir())
            .expect("temp dir")
            .filter(|e| {
                let name = e.as_ref().expect("entry").file_name();
                let name = name.to_string_lossy();
                name.starts_with(".bordersim-event-log.csv.") && name.ends_with(".part")
            })
            .count()
    };
    let before = parts();
    let out = bordersim([
        "run".as_ref(),
        file.as_os_str(),
        "--event-log".as_ref(),
        "/dev/full".as_ref(),
    ]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stderr.contains("cannot write event log '/dev/full'"),
        "{out:#?}"
    );
    assert_eq!(out.stdout, "", "no report after a failed log");
    assert!(parts() <= before);
}

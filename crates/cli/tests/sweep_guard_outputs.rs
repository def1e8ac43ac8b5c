//! One command's outputs never share a file, and a file's extension names what it holds:
//! `--series` beside `--output`, `--report` and `--event-log`, a `--series` that is not
//! `.csv`, and a `--format` the `--output` extension contradicts, each refused before
//! anything runs (exit 2, nothing written).

mod common;

use std::path::Path;

use common::*;

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// `bordersim run` of `scenario` with `extra`.
fn run(scenario: &Path, extra: &[&str]) -> Outcome {
    let mut args = vec!["run", s(scenario), "-r", "1"];
    args.extend_from_slice(extra);
    bordersim(args)
}

#[test]
fn outputs_of_one_run_never_share_a_file() {
    let dir = scratch("guard-shared-outputs");
    let scenario = write(&dir, "s.toml", SCENARIO);
    let same_csv = dir.join("same.csv");
    let page = dir.join("x.html");
    let log = dir.join("log.csv");
    let written = dir.join("a.csv");
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink(&written, &link).expect("link");
    for (extra, message) in [
        (
            vec!["-o", s(&same_csv), "--series", s(&same_csv)],
            format!("--output and --series both name '{}'", same_csv.display()),
        ),
        (
            vec!["--report", s(&page), "--series", s(&page)],
            format!(
                "--series '{}': this output is CSV; give a name ending in .csv",
                page.display()
            ),
        ),
        (
            vec!["--event-log", s(&log), "--series", s(&log)],
            format!("--event-log and --series both name '{}'", log.display()),
        ),
        (
            // Through a link not yet leading to a file.
            vec!["-o", s(&written), "--series", s(&link)],
            format!("--output and --series both name '{}'", written.display()),
        ),
        (
            vec!["--series", s(&dir.join("s.json"))],
            "this output is CSV; give a name ending in .csv".to_owned(),
        ),
        (
            vec!["--series", s(&dir.join("s"))],
            "this output is CSV; give a name ending in .csv".to_owned(),
        ),
    ] {
        let out = run(&scenario, &extra);
        assert_eq!(out.code, 2, "{extra:?}: {out:#?}");
        assert!(
            out.stderr.contains(&message),
            "{extra:?}: {message} not in {}",
            out.stderr
        );
        assert_eq!(entries(&dir), ["link.csv", "s.toml"], "{extra:?}");
    }
    // Devices take several outputs.
    let out = run(&scenario, &["-o", "/dev/null", "--series", "/dev/null"]);
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn a_format_the_output_extension_contradicts_is_refused() {
    let dir = scratch("guard-format-extension");
    let scenario = write(&dir, "s.toml", SCENARIO);
    for (format, name, says) in [
        ("csv", "o.json", "names JSON: give a name ending in .csv"),
        ("json", "o.csv", "names CSV: give a name ending in .json"),
        (
            "table",
            "o.html",
            "names an HTML page: give a name ending in .txt",
        ),
        (
            "csv",
            "o.htm",
            "names an HTML page: give a name ending in .csv",
        ),
    ] {
        let path = dir.join(name);
        let out = run(&scenario, &["-f", format, "-o", s(&path)]);
        assert_eq!(out.code, 2, "{format} {name}: {out:#?}");
        let message = format!("--format {format} but --output '{}' {says}", path.display());
        assert!(
            out.stderr.contains(&message),
            "{message} not in {}",
            out.stderr
        );
        assert!(!path.exists());
    }
    // A format the extension agrees with, or a name that names no format.
    for (format, name, starts) in [
        ("json", "o.json", "{"),
        ("csv", "o.csv", "scenario,"),
        ("json", "o.txt", "{"),
        ("csv", "o", "scenario,"),
    ] {
        let path = dir.join(name);
        let out = run(&scenario, &["-f", format, "-o", s(&path)]);
        assert_eq!(out.code, 0, "{format} {name}: {out:#?}");
        assert!(
            std::fs::read_to_string(&path).unwrap().starts_with(starts),
            "{name}"
        );
    }
    let help = bordersim(["run", "--help"]).stdout;
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("[default: from the --output extension (.json, .csv; .html writes the page), else table]"), "{help}");
}

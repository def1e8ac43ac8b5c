//! Bad input: exit code 2 and a message naming the file, the field and the line; bad
//! arguments.

mod common;

use std::ffi::OsStr;

use common::*;

/// Runs `run` and `validate` on `text`; both must exit 2 naming `file:line:` and `field`.
fn check_rejected(test: &str, text: &str, line: usize, field: &str) {
    let dir = scratch(test);
    let file = write(&dir, "scenario.toml", text);
    let location = format!("{}:{line}:", file.display());
    for command in ["run", "validate"] {
        let out = bordersim([command.as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 2, "{command}: {out:#?}");
        assert_eq!(out.stdout, "", "{command}: {out:#?}");
        assert!(
            out.stderr.contains(&location),
            "{command}: expected {location:?} in\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains(field),
            "{command}: expected {field:?} in\n{}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{out:#?}");
        insta::assert_snapshot!(format!("{test}_{command}"), redacted(&out.stderr, &dir));
    }
}

#[test]
fn missing_file() {
    let dir = scratch("missing");
    let file = dir.join("x.toml");
    for command in ["run", "validate"] {
        let out = bordersim([command.as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 2, "{out:#?}");
        assert_eq!(
            out.stderr,
            format!(
                "error: cannot read scenario file '{}': No such file or directory (os error 2)\n",
                file.display()
            )
        );
        insta::assert_snapshot!(format!("missing_{command}"), redacted(&out.stderr, &dir));
    }
}

#[test]
fn directory_instead_of_file() {
    let dir = scratch("directory");
    let out = bordersim(["run".as_ref(), dir.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.starts_with("error: cannot read scenario file"),
        "{out:#?}"
    );
    insta::assert_snapshot!("directory_run", redacted(&out.stderr, &dir));
}

#[test]
fn empty_file() {
    check_rejected("empty", "", 1, "scenario");
}

#[test]
fn toml_syntax_error() {
    let text = scenario_with("servers = 1", "servers = = 1");
    check_rejected("syntax", &text, line_of(&text, "servers = = 1"), "");
}

#[test]
fn unknown_field() {
    let text = scenario_with("servers = 1", "severs = 1");
    check_rejected("unknown-field", &text, line_of(&text, "severs"), "severs");
}

#[test]
fn zero_rate() {
    let text = scenario_with("rate = \"30/h\"", "rate = \"0/h\"");
    check_rejected(
        "zero-rate",
        &text,
        line_of(&text, "\"0/h\""),
        "sources[1].rate",
    );
}

#[test]
fn zero_servers() {
    let text = scenario_with("servers = 2", "servers = 0");
    check_rejected(
        "zero-servers",
        &text,
        line_of(&text, "servers = 0"),
        "stations[0].servers",
    );
}

#[test]
fn probabilities_not_summing_to_one() {
    let text = scenario_with("p = 0.8", "p = 0.7");
    check_rejected(
        "probabilities",
        &text,
        line_of(&text, "routes = ["),
        "stations[0].routes",
    );
}

#[test]
fn route_to_unknown_station() {
    let text = scenario_with("to = \"secondary\"", "to = \"secondry\"");
    check_rejected(
        "unknown-station",
        &text,
        line_of(&text, "secondry"),
        "stations[0].routes[0].to",
    );
}

#[test]
fn graph_with_no_exit() {
    // Primary sends everyone to secondary, secondary sends everyone back.
    let text = scenario_with(
        "  { to = \"secondary\", p = 0.2 },\n  { to = \"exit\", p = 0.8 },\n",
        "  { to = \"secondary\", p = 1.0 },\n",
    )
    .replace(
        "mean = \"3min\" }\n",
        "mean = \"3min\" }\nroutes = [{ to = \"primary\", p = 1.0 }]\n",
    );
    check_rejected(
        "no-exit",
        &text,
        line_of(&text, "routes = ["),
        "stations[0].routes",
    );
}

#[test]
fn bad_arguments_exit_2() {
    let dir = scratch("bad-args");
    let file = write(&dir, "s.toml", SCENARIO);
    for args in [
        &["--replications", "0"][..],
        &["--threads", "0"],
        &["--format", "yaml"],
        &["--seed", "minus-one"],
        &["--bogus"],
    ] {
        let mut full: Vec<&OsStr> = vec!["run".as_ref(), file.as_os_str()];
        full.extend(args.iter().map(OsStr::new));
        let out = bordersim(&full);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(out.stderr.starts_with("error:"), "{args:?}: {out:#?}");
        insta::assert_snapshot!(
            format!("bad_arguments_{}", args.join("_").replace("--", "")),
            redacted(&out.stderr, &dir)
        );
    }
    let out = bordersim(["frobnicate"]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("bad_arguments_unknown_command", out.stderr);
    let out = bordersim::<[&str; 0], &str>([]);
    assert_eq!(out.code, 2);
    insta::assert_snapshot!("bad_arguments_none", out.stderr);
}

#[test]
fn missing_trace_file_is_bad_input() {
    let dir = scratch("trace-missing");
    let file = write(&dir, "s.toml", &traced_scenario());
    for command in ["run", "validate"] {
        let out = bordersim([command.as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 2, "{command}: {out:#?}");
        assert_eq!(out.stdout, "", "{out:#?}");
        assert!(out.stderr.contains("sources[1].trace"), "{out:#?}");
        assert_eq!(
            out.stderr.matches("cannot read trace file").count(),
            1,
            "{out:#?}"
        );
        assert!(
            out.stderr.contains("counts/cars.csv") && out.stderr.contains("os error"),
            "{command}: {out:#?}"
        );
        insta::assert_snapshot!(
            format!("trace_missing_{command}"),
            redacted(&out.stderr, &dir)
        );
    }
}

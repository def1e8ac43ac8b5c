//! Policies on the command line: `validate POLICY [--baseline BASE]`, `apply` (the scenario a
//! policy produces, which runs as the policy's variant of `compare`), the `baseline =` of a
//! policy used by `compare`, and a policy file given where a scenario is expected.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde_json::Value;

use common::*;

/// A policy for [`SCENARIO`] naming its baseline `base.toml` beside it: a third primary
/// booth and pre-lodged trucks skipping secondary.
const POLICY: &str = "[policy]\nname = \"third booth\"\nbaseline = \"base.toml\"\n\n\
    [[staffing]]\nstation = \"primary\"\nadd = 1\n\n\
    [[pre_arrival_processing]]\nshare = 0.5\nclasses = [\"truck\"]\nskip = [\"secondary\"]\n";

fn args<'a>(list: &'a [&'a OsStr]) -> Vec<&'a OsStr> {
    list.to_vec()
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

/// The report of the first variant of a `compare … --format json`.
fn variant_report(compare: &[&OsStr]) -> Value {
    let mut list = compare.to_vec();
    list.extend([os("--format"), os("json")]);
    let json: Value = serde_json::from_str(&run_ok(&list)).expect("one JSON document");
    without_performance(json["variants"][0]["result"].clone())
}

#[test]
fn apply_writes_the_scenario_that_runs_as_the_policy_variant() {
    let dir = scratch("apply");
    let base = write(&dir, "base.toml", SCENARIO);
    let policy = write(&dir, "p.toml", POLICY);
    let sub = dir.join("review");
    std::fs::create_dir_all(&sub).unwrap();
    let written = sub.join("applied.toml");
    let out = run_ok(&args(&[
        os("apply"),
        policy.as_os_str(),
        os("--output"),
        written.as_os_str(),
    ]));
    assert!(out.is_empty(), "{out}");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(
        text.starts_with("# The scenario policy \"third booth\""),
        "{text}"
    );
    assert!(text.contains("name = \"third booth\""), "{text}");
    // It validates, and `run` of it is the policy's variant of `compare`, same seed.
    let valid = run_ok(&args(&[os("validate"), written.as_os_str()]));
    assert!(valid.contains(": ok ("), "{valid}");
    let run = without_performance(json_of(&written, &["--seed", "11"]));
    let variant = variant_report(&args(&[
        os("compare"),
        base.as_os_str(),
        os("--policy"),
        policy.as_os_str(),
        os("--seed"),
        os("11"),
    ]));
    assert_eq!(run, variant);
    // To standard output, with --baseline given.
    let printed = run_ok(&args(&[
        os("apply"),
        policy.as_os_str(),
        os("--baseline"),
        base.as_os_str(),
    ]));
    assert_eq!(printed, text);
    assert!(printed.contains("[[stations]]"), "{printed}");
}

/// A baseline with a trace: the written scenario names the trace relative to where it is
/// written, and still runs as the policy's variant.
#[test]
fn apply_retargets_trace_files_to_where_the_scenario_is_written() {
    let dir = scratch("apply-trace");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/examples");
    let base = root.join("trace_replay.toml");
    let policy = write(
        &dir,
        "p.toml",
        "[policy]\nname = \"faster primary\"\n[[equipment]]\nstation = \"in-primary\"\nservice_factor = 0.8\n",
    );
    let written = dir.join("applied.toml");
    let applied = bordersim([
        os("apply"),
        policy.as_os_str(),
        os("--baseline"),
        base.as_os_str(),
        os("-o"),
        written.as_os_str(),
    ]);
    if applied.code != 0 {
        // The station names of the bundled trace example: the message lists them.
        panic!("{applied:#?}");
    }
    let text = std::fs::read_to_string(&written).unwrap();
    let trace_line = text
        .lines()
        .find(|l| l.starts_with("trace = "))
        .expect("a trace")
        .to_owned();
    assert!(
        trace_line.contains("traces/two_way_day.csv"),
        "{trace_line}"
    );
    assert!(trace_line.contains(".."), "{trace_line}");
    let run = without_performance(json_of(&written, &["-r", "2"]));
    let variant = variant_report(&args(&[
        os("compare"),
        base.as_os_str(),
        os("--policy"),
        policy.as_os_str(),
        os("-r"),
        os("2"),
    ]));
    assert_eq!(run, variant);
}

#[test]
fn validate_checks_a_policy_alone() {
    let dir = scratch("validate-policy");
    let base = write(&dir, "base.toml", SCENARIO);
    let policy = write(&dir, "p.toml", POLICY);
    // The baseline the policy names, relative to the policy file.
    let out = run_ok(&args(&[os("validate"), policy.as_os_str()]));
    assert_eq!(
        out,
        format!(
            "{}: ok (policy \"third booth\", applied to {})\n",
            policy.display(),
            base.display()
        )
    );
    // --baseline given: the same.
    let given = run_ok(&args(&[
        os("validate"),
        policy.as_os_str(),
        os("--baseline"),
        base.as_os_str(),
    ]));
    assert_eq!(given, out);
    // Every problem at once, located in the policy file; nothing on stdout.
    let bad = write(
        &dir,
        "bad.toml",
        "[policy]\nname = \"x\"\nbaseline = \"base.toml\"\n[[staffing]]\nstation = \"primry\"\nadd = 1\n[[risk_management]]\nclass = \"truk\"\nrandom_inspection = 2\n[[override]]\npath = \"stations.secondary.service.mean\"\nvalue = \"later\"\n",
    );
    let out = bordersim([os("validate"), bad.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stdout.is_empty(), "{out:#?}");
    let name = bad.display().to_string();
    for expected in [
        format!(
            "{name}:5:11: staffing[0].station: unknown station `primry` (did you mean `primary`?)"
        ),
        format!(
            "{name}:8:9: risk_management[0].class: unknown class `truk` (did you mean `truck`?)"
        ),
        format!(
            "{name}:9:21: risk_management[0].random_inspection: a share must be in [0, 1], got 2"
        ),
        format!(
            "{name}:12:9: override[0].value: the changed scenario's \
             `stations.secondary.service.mean`: \"later\""
        ),
        "(4 problems)".to_owned(),
    ] {
        assert!(out.stderr.contains(&expected), "{expected}\n{}", out.stderr);
    }
    assert!(!out.stderr.contains("base.toml with"), "{}", out.stderr);
    // No baseline named or given.
    let lone = write(&dir, "lone.toml", "[policy]\nname = \"x\"\n");
    let out = bordersim([os("validate"), lone.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains("the policy names no baseline"),
        "{out:#?}"
    );
    // --baseline is for policies only.
    let out = bordersim([
        os("validate"),
        base.as_os_str(),
        os("--baseline"),
        base.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("--baseline"), "{out:#?}");
}

#[test]
fn compare_uses_the_baseline_a_policy_names_and_warns_when_another_is_given() {
    let dir = scratch("compare-baseline");
    let base = write(&dir, "base.toml", SCENARIO);
    let other = write(
        &dir,
        "other.toml",
        &scenario_with("servers = 1", "servers = 2"),
    );
    let policy = write(&dir, "p.toml", POLICY);
    let named = variant_report(&args(&[os("compare"), os("--policy"), policy.as_os_str()]));
    let given = variant_report(&args(&[
        os("compare"),
        base.as_os_str(),
        os("--policy"),
        policy.as_os_str(),
    ]));
    assert_eq!(named, given);
    // Another baseline than the one the policy names: it is used, with a warning.
    let out = bordersim([
        os("compare"),
        other.as_os_str(),
        os("--policy"),
        policy.as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stderr.contains(&format!(
            "warning: {}: the policy was written for the baseline '{}'",
            policy.display(),
            base.display()
        )),
        "{}",
        out.stderr
    );
    // Policies naming different baselines, without BASE: refused.
    let elsewhere = write(&dir, "q.toml", &POLICY.replace("base.toml", "other.toml"));
    let out = bordersim([
        os("compare"),
        os("--policy"),
        policy.as_os_str(),
        os("--policy"),
        elsewhere.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("name different baselines"), "{out:#?}");
}

#[test]
fn compare_needs_a_policy_or_a_variant_and_either_will_do() {
    let dir = scratch("compare-either");
    let base = write(&dir, "base.toml", SCENARIO);
    let out = bordersim([os("compare"), base.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(
        out.stderr.contains("<--policy <FILE>|--variant <FILE>>"),
        "{out:#?}"
    );
    let same = write(&dir, "same.toml", SCENARIO);
    let out = bordersim([
        os("compare"),
        base.as_os_str(),
        os("--variant"),
        same.as_os_str(),
        os("-r"),
        os("2"),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn a_policy_given_where_a_scenario_is_expected_is_named_as_such() {
    let dir = scratch("policy-as-scenario");
    let base = write(&dir, "base.toml", SCENARIO);
    let policy = write(&dir, "p.toml", POLICY);
    let cases: [Vec<&OsStr>; 5] = [
        vec![os("run"), policy.as_os_str()],
        vec![os("region"), policy.as_os_str()],
        vec![
            os("compare"),
            policy.as_os_str(),
            os("--variant"),
            base.as_os_str(),
        ],
        vec![
            os("compare"),
            base.as_os_str(),
            os("--variant"),
            policy.as_os_str(),
        ],
        vec![
            os("apply"),
            policy.as_os_str(),
            os("--baseline"),
            policy.as_os_str(),
        ],
    ];
    for case in cases {
        let out = bordersim(&case);
        assert_eq!(out.code, 2, "{case:?}\n{out:#?}");
        assert!(
            out.stderr.contains(&format!(
                "'{}' is a policy file (it has a [policy] table)",
                policy.display()
            )),
            "{case:?}\n{}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("missing the [scenario] table"),
            "{}",
            out.stderr
        );
    }
    // And a scenario given as a --policy.
    let out = bordersim([
        os("compare"),
        base.as_os_str(),
        os("--policy"),
        base.as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("is not a policy file"), "{out:#?}");
}

/// What the help says about defaults and CSV columns is what the commands do.
#[test]
fn help_states_the_real_defaults_and_columns() {
    let dir = scratch("help-defaults");
    let help = |command: &str| run_ok(&args(&[os(command), os("--help")]));
    // A scenario that gives neither replications nor seed.
    let plain = write(
        &dir,
        "plain.toml",
        &SCENARIO
            .replace("replications = 3\n", "")
            .replace("seed = 7\n", ""),
    );
    let report = json_of(&plain, &[]);
    let replications = report["replications"].as_u64().expect("replications");
    let seed = report["seed"].as_u64().expect("seed");
    let run_help = help("run");
    assert!(
        run_help.contains(&format!(
            "the scenario's `replications`, else {replications}]"
        )),
        "{run_help}"
    );
    assert!(
        run_help.contains(&format!("the scenario's `seed`, else {seed}]")),
        "{run_help}"
    );
    let compare_help = help("compare");
    assert!(
        compare_help.contains(&format!(
            "the baseline's `replications`, else {replications};"
        )),
        "{compare_help}"
    );
    assert!(compare_help.contains(&format!("the baseline's `seed`, else {seed}]")));
    // The CSV header of each command is the one its --format help names.
    let header = |csv: &str| csv.lines().next().expect("a header").to_owned();
    let run_csv = run_ok(&args(&[
        os("run"),
        plain.as_os_str(),
        os("-r"),
        os("1"),
        os("-f"),
        os("csv"),
    ]));
    assert!(run_help.contains(&header(&run_csv)), "{}", header(&run_csv));
    let compare_csv = run_ok(&args(&[
        os("compare"),
        plain.as_os_str(),
        os("--variant"),
        plain.as_os_str(),
        os("-r"),
        os("2"),
        os("-f"),
        os("csv"),
    ]));
    let flat = compare_help.split_whitespace().collect::<Vec<_>>().join("");
    assert!(
        flat.contains(&header(&compare_csv)),
        "{}",
        header(&compare_csv)
    );
    assert!(!flat.contains("scenario,entity_type"), "{compare_help}");
    let region_help = help("region");
    assert!(
        region_help.contains("region,entity_type,entity,statistic,value"),
        "{region_help}"
    );
    assert!(!region_help.contains("for `compare`"), "{region_help}");
    assert!(
        region_help.contains(&format!(
            "[default: the region's `replications` ([region] table), else {}]",
            bordersim_config::DEFAULT_REGION_REPLICATIONS
        )),
        "{region_help}"
    );
    assert!(region_help.contains("[default: the region's `seed` ([region] table), else 1]"));
    let validate_help = help("validate");
    assert!(
        validate_help.contains("Any file bordersim reads: scenario, region, policy"),
        "{validate_help}"
    );
    // README states the same defaults.
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        readme.contains(&format!(
            "else {replications} for a scenario and {} per equilibrium iteration for a region",
            bordersim_config::DEFAULT_REGION_REPLICATIONS
        )),
        "README"
    );
    assert!(
        readme.contains(&format!("`--seed` to the file's `seed`, else {seed}")),
        "README"
    );
}

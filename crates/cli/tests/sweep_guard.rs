//! What `bordersim sweep` and `bordersim merge` refuse, located and with exit 2, nothing
//! written: plans asking for more replications or units than the limits, outputs that would
//! land on the sweep's own inputs (manifests, unit files, the files the plan names), unit
//! files that are not the unit their name says or were changed after they were written,
//! manifests that do not fit together or with the plan, and the files a plan names that
//! are missing or of the wrong kind.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

/// Primary booths 1 and 2 × a slower secondary on or off: 4 points of 2 replications in
/// one block each (4 units).
const PLAN: &str = r#"[sweep]
name = "guard"
scenario = "tiny.toml"
replications = 2
seed = 3

[[axis]]
name = "booths"
path = "stations.primary.servers"
values = [1, 2]

[[axis]]
name = "slow secondary"
policy = ["none", "slow.toml"]
"#;

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn ok(args: &[&str]) -> String {
    succeeds(args).stdout
}

/// Asserts `args` exit 2 with every one of `needles` on standard error and nothing on
/// standard output; returns standard error.
fn refused(args: &[&str], needles: &[&str]) -> String {
    let out = bordersim(args);
    assert_eq!(out.code, 2, "{args:?}: {out:#?}");
    assert!(out.stdout.is_empty(), "{args:?}: {out:#?}");
    for n in needles {
        assert!(
            out.stderr.contains(n),
            "{args:?}: {n:?} not in {}",
            out.stderr
        );
    }
    out.stderr
}

/// `text` with `from` (which must occur once) replaced by `to`.
fn with(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replace(from, to)
}

/// `file:line:column` of the first occurrence of `needle` in `text` (file `file`).
fn at(file: &Path, text: &str, needle: &str) -> String {
    let k = text.find(needle).expect("needle in text");
    let line = text[..k].matches('\n').count() + 1;
    let column = k - text[..k].rfind('\n').map_or(0, |n| n + 1) + 1;
    format!("{}:{line}:{column}", file.display())
}

#[test]
fn the_plan_limits_are_the_experiments() {
    assert_eq!(
        bordersim_config::sweep::MAX_REPLICATIONS,
        bordersim_experiment::MAX_REPLICATIONS
    );
    assert_eq!(bordersim_config::sweep::MAX_UNITS, 100_000);
}

#[test]
fn replications_block_and_units_are_bounded_before_any_unit_is_made() {
    let dir = scratch("guard-bounds");
    // Only one policy value: points are the booths alone.
    let one_policy = with(
        PLAN,
        "policy = [\"none\", \"slow.toml\"]",
        "policy = [\"none\"]",
    );
    // 101 points × 1000 replications in blocks of 1: 101,000 units.
    let many_units = with(
        &with(&one_policy, "values = [1, 2]", "range = [1, 101]"),
        "replications = 2",
        "replications = 1000\nblock = 1",
    );
    for (plan_text, key, message) in [
        (
            with(
                PLAN,
                "replications = 2",
                "replications = 1000000000\nblock = 1",
            ),
            "replications = ",
            "sweep.replications: 1000000000 is above the limit of 1000 replications: 1000 paired",
        ),
        (
            with(PLAN, "replications = 2", "replications = 1001"),
            "replications = ",
            "sweep.replications: 1001 is above the limit of 1000 replications:",
        ),
        (
            with(
                PLAN,
                "replications = 2",
                "replications = 1000000000\nblock = 1000000000",
            ),
            "replications = ",
            "sweep.replications: 1000000000 is above the limit of 1000 replications:",
        ),
        (
            with(
                PLAN,
                "replications = 2",
                "replications = 5\nblock = 1000000000",
            ),
            "block = ",
            "sweep.block: 1000000000 is above the limit of 1000 replications per unit:",
        ),
        (
            with(PLAN, "replications = 2", "replications = 5\nblock = 0"),
            "block = ",
            "sweep.block: needs a whole number of replications per unit, at least 1",
        ),
        (
            many_units.clone(),
            "block = ",
            "sweep.block: 101 point(s) of 1000 replications in blocks of 1 make 101000 work \
             units; at most 100000 are allowed",
        ),
    ] {
        let plan = sweep_study(&dir, &plan_text);
        let (head, column) = at(&plan, &plan_text, key)
            .rsplit_once(':')
            .map(|(h, c)| (h.to_owned(), c.parse::<usize>().unwrap()))
            .unwrap();
        let located = format!("{head}:{}: {message}", column + key.len());
        refused(&["validate", s(&plan)], &[&located]);
        refused(&["sweep", s(&plan), "--list"], &[&located]);
    }
    let hundred = with(&many_units, "range = [1, 101]", "range = [1, 100]");
    // At the limits exactly: 1000 replications of a point in blocks of 1000; 100 points ×
    // 1000 replications in blocks of 1 is 100,000 units, listed.
    let plan = sweep_study(&dir, &with(PLAN, "replications = 2", "replications = 1000"));
    assert!(ok(&["validate", s(&plan)]).contains("4 units"));
    let plan = sweep_study(&dir, &hundred);
    assert_eq!(ok(&["sweep", s(&plan), "--list"]).lines().count(), 100_001);
    // --replications asks for more blocks than the plan: counted before they are made.
    let one = with(
        &hundred,
        "replications = 1000\nblock = 1",
        "replications = 1\nblock = 1",
    );
    let one = with(&one, "range = [1, 100]", "range = [1, 101]");
    let plan = sweep_study(&dir, &one);
    assert!(ok(&["validate", s(&plan)]).contains("101 units"));
    refused(
        &["sweep", s(&plan), "--list", "-r", "1000"],
        &[
            "--replications 1000: 101 point(s) of 1000 replications in blocks of 1 make 101000 work units",
        ],
    );
}

/// A study in `dir` run as one shard into `dir/out`; the out-dir.
fn swept(dir: &Path) -> PathBuf {
    let plan = sweep_study(dir, PLAN);
    let out = dir.join("out");
    ok(&[
        "sweep",
        s(&plan),
        "--out-dir",
        s(&out),
        "--shard-index",
        "0",
        "--shard-count",
        "1",
    ]);
    out
}

const UNIT: &str = "units/p0000-r00000-00001.json";
const MANIFEST: &str = "manifest-00000-of-00001.json";

#[test]
fn no_output_lands_on_a_manifest_a_unit_file_or_a_file_the_plan_names() {
    let dir = scratch("guard-outputs");
    let out = swept(&dir);
    let plan = dir.join("plan.toml");
    let kept: Vec<(PathBuf, Vec<u8>)> = [
        out.join(MANIFEST),
        out.join(UNIT),
        dir.join("tiny.toml"),
        dir.join("slow.toml"),
    ]
    .into_iter()
    .map(|p| {
        let b = fs::read(&p).unwrap();
        (p, b)
    })
    .collect();
    // A trace file the base scenario names: an input with an extension outputs take.
    let traced = dir.join("traced");
    fs::create_dir_all(traced.join("counts")).unwrap();
    write(&traced, "tiny.toml", &traced_scenario());
    let trace = write(&traced, "counts/cars.csv", "time,class\n60,car\n120,car\n");
    let traced_plan = write(
        &traced,
        "plan.toml",
        &with(
            PLAN,
            "policy = [\"none\", \"slow.toml\"]",
            "policy = [\"none\"]",
        ),
    );
    ok(&[
        "sweep",
        s(&traced_plan),
        "--out-dir",
        s(&traced.join("out")),
    ]);
    let trace_text = fs::read(&trace).unwrap();
    let link = dir.join("link.json");
    std::os::unix::fs::symlink(out.join(UNIT), &link).unwrap();
    let dotdot = out.join("units/../manifest-00000-of-00001.json");
    for (args, needle) in [
        (
            vec!["merge", s(&out), "-o", s(&out.join(MANIFEST))],
            "a shard's manifest of the sweep directory",
        ),
        (
            vec!["merge", s(&out), "-f", "json", "-o", s(&out.join(UNIT))],
            "in its units/ directory",
        ),
        (
            vec!["merge", s(&out), "-o", s(&dotdot)],
            "a shard's manifest",
        ),
        (
            vec!["merge", s(&out), "-o", s(&link)],
            "in its units/ directory",
        ),
        (
            vec![
                "merge",
                s(&out),
                "--report",
                s(&out.join("units/page.html")),
            ],
            "in its units/ directory",
        ),
        (
            vec![
                "merge",
                s(&out),
                "-o",
                s(&out.join("manifest-00007-of-00009.json")),
            ],
            "a shard's manifest",
        ),
        (
            vec![
                "sweep",
                s(&plan),
                "--out-dir",
                s(&out),
                "-o",
                s(&out.join(UNIT)),
            ],
            "in its units/ directory",
        ),
        (
            vec![
                "sweep",
                s(&plan),
                "--out-dir",
                s(&out),
                "-o",
                s(&out.join(MANIFEST)),
            ],
            "a shard's manifest",
        ),
        (
            vec!["sweep", s(&traced_plan), "-f", "csv", "-o", s(&trace)],
            "is an input of this command",
        ),
        (
            vec![
                "sweep",
                s(&traced_plan),
                "--out-dir",
                s(&traced.join("out")),
                "-f",
                "csv",
                "-o",
                s(&trace),
            ],
            "is an input of this command",
        ),
        (
            vec![
                "merge",
                s(&traced.join("out")),
                "-f",
                "csv",
                "-o",
                s(&trace),
            ],
            "is an input of this command",
        ),
        (
            vec!["run", s(&traced.join("tiny.toml")), "--series", s(&trace)],
            "is an input of this command",
        ),
    ] {
        refused(&args, &[needle]);
        assert_eq!(
            fs::read(&trace).unwrap(),
            trace_text,
            "{args:?} changed the trace"
        );
        for (p, b) in &kept {
            assert_eq!(&fs::read(p).unwrap(), b, "{args:?} changed {}", p.display());
        }
    }
    // Beside the manifests, the directory takes the merged result (as the Slurm script's
    // merge job writes it).
    ok(&["merge", s(&out), "-o", s(&out.join("result.csv"))]);
    assert!(
        fs::read_to_string(out.join("result.csv"))
            .unwrap()
            .starts_with("point,")
    );
}

#[test]
fn a_unit_file_holds_the_unit_its_name_says() {
    let dir = scratch("guard-unit-name");
    let out = swept(&dir);
    let plan = dir.join("plan.toml");
    let result = dir.join("r.json");
    fs::copy(
        out.join("units/p0001-r00000-00001.json"),
        out.join("units/p0002-r00000-00001.json"),
    )
    .unwrap();
    let message = "p0002-r00000-00001.json: holds unit `p0001-r00000-00001`, not `p0002-r00000-00001` as its name says";
    refused(&["merge", s(&out), "-o", s(&result)], &[message]);
    assert!(!result.exists());
    // A resuming shard does not take it for its unit.
    refused(
        &[
            "sweep",
            s(&plan),
            "--out-dir",
            s(&out),
            "--shard-index",
            "0",
            "--shard-count",
            "1",
        ],
        &[message],
    );
}

#[test]
fn a_unit_file_changed_after_it_was_written_is_refused_as_corrupt() {
    let dir = scratch("guard-corrupt");
    let out = swept(&dir);
    let result = dir.join("r.json");
    let whole = ok(&["merge", s(&out), "-f", "json"]);
    let unit = out.join(UNIT);
    let text = fs::read_to_string(&unit).unwrap();
    // A sample's bits set to a NaN's, one digit changed, the checksum changed.
    let k = text.find("\"samples\":[").expect("samples") + "\"samples\":[".len();
    let end = k + text[k..].find([',', ']']).unwrap();
    let nan = format!("{}{}{}", &text[..k], f64::NAN.to_bits(), &text[end..]);
    let digit = {
        let mut b = text.clone().into_bytes();
        b[k] = if b[k] == b'1' { b'2' } else { b'1' };
        String::from_utf8(b).unwrap()
    };
    assert!(text.starts_with("{\"checksum\":\""), "{}", &text[..40]);
    let checksum = {
        let mut b = text.clone().into_bytes();
        b[13] = if b[13] == b'a' { b'b' } else { b'a' };
        String::from_utf8(b).unwrap()
    };
    for changed in [nan, digit, checksum] {
        assert_ne!(changed, text);
        fs::write(&unit, &changed).unwrap();
        refused(
            &["merge", s(&out), "-o", s(&result)],
            &[
                "p0000-r00000-00001.json: not a unit summary of bordersim: its contents do not match its checksum",
            ],
        );
        assert!(!result.exists());
    }
    fs::write(&unit, &text).unwrap();
    assert_eq!(ok(&["merge", s(&out), "-f", "json"]), whole);
}

/// A study in `dir` run as `count` shards into `dir/NAME`; the out-dir.
fn sharded(dir: &Path, name: &str, count: u64) -> PathBuf {
    let plan = dir.join("plan.toml");
    let out = dir.join(name);
    for i in 0..count {
        ok(&[
            "sweep",
            s(&plan),
            "--out-dir",
            s(&out),
            "--shard-index",
            &i.to_string(),
            "--shard-count",
            &count.to_string(),
        ]);
    }
    out
}

/// Edits the JSON manifest at `path` with `edit`.
fn edit_manifest(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut m);
    fs::write(path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

#[test]
fn manifests_fit_together_and_with_the_plan() {
    let dir = scratch("guard-manifests");
    sweep_study(&dir, PLAN);
    let result = dir.join("r.json");
    let check = |out: &Path, needles: &[&str]| {
        refused(&["merge", s(out), "-o", s(&result)], needles);
        assert!(!result.exists());
    };
    // Two shardings: shards 0 and 1 of 2, and shard 0 of 3.
    let two = sharded(&dir, "two", 2);
    let three = sharded(&dir, "three", 3);
    let whole = ok(&["merge", s(&two), "-f", "json"]);
    assert_eq!(ok(&["merge", s(&three), "-f", "json"]), whole);
    let m0_3 = two.join("manifest-00000-of-00003.json");
    fs::copy(three.join("manifest-00000-of-00003.json"), &m0_3).unwrap();
    check(
        &two,
        &[
            "mixes two shardings",
            "manifest-00000-of-00002.json is shard 0 of 2",
            "manifest-00000-of-00003.json shard 0 of 3",
        ],
    );
    fs::remove_file(&m0_3).unwrap();
    // A missing manifest, named.
    let m1 = two.join("manifest-00001-of-00002.json");
    let kept = fs::read(&m1).unwrap();
    fs::remove_file(&m1).unwrap();
    check(
        &two,
        &["holds 1 of the 2 shards' manifests; missing: manifest-00001-of-00002.json"],
    );
    // A manifest under another shard's name.
    fs::write(
        &m1,
        fs::read(two.join("manifest-00000-of-00002.json")).unwrap(),
    )
    .unwrap();
    check(
        &two,
        &[
            "manifest-00001-of-00002.json: holds the manifest of shard 0 of 2, not of the shard its name says",
        ],
    );
    fs::write(&m1, &kept).unwrap();
    assert_eq!(ok(&["merge", s(&two), "-f", "json"]), whole);
    // A unit listed twice, by one shard or by two; a unit not in the plan; a unit listed
    // by a shard it does not belong to.
    let m0 = two.join("manifest-00000-of-00002.json");
    let kept0 = fs::read(&m0).unwrap();
    edit_manifest(&m0, |m| {
        let u = m["units"][0].clone();
        m["units"].as_array_mut().unwrap().push(u);
    });
    check(
        &two,
        &[
            "unit `p0000-r00000-00001` is listed twice: in",
            "manifest-00000-of-00002.json and in",
        ],
    );
    fs::write(&m0, &kept0).unwrap();
    let first_of_1: serde_json::Value =
        serde_json::from_slice::<serde_json::Value>(&kept).unwrap()["units"][0].clone();
    edit_manifest(&m0, |m| {
        m["units"].as_array_mut().unwrap().push(first_of_1.clone())
    });
    check(
        &two,
        &[
            "manifest-00000-of-00002.json: lists unit `p0001-r00000-00001`, which belongs to shard 1 of 2, not 0",
        ],
    );
    fs::write(&m0, &kept0).unwrap();
    edit_manifest(&m0, |m| m["units"][0]["id"] = "p0099-r00000-00001".into());
    check(
        &two,
        &[
            "manifest-00000-of-00002.json: lists unit `p0099-r00000-00001`, which is not in the plan",
        ],
    );
    fs::write(&m0, &kept0).unwrap();
    assert_eq!(ok(&["merge", s(&two), "-f", "json"]), whole);
}

#[test]
fn files_a_plan_names_are_located_in_the_plan() {
    let dir = scratch("guard-named");
    // A policy file that is not there: at its place in the axis.
    let text = with(PLAN, "\"slow.toml\"]", "\"nonexist.toml\"]");
    let plan = sweep_study(&dir, &text);
    let place = at(&plan, &text, "\"nonexist.toml\"");
    refused(
        &["validate", s(&plan)],
        &[
            &format!("{place}: axis[1].policy[1]: cannot read policy file '"),
            "nonexist.toml'",
        ],
    );
    // A base scenario that is not there.
    let text = with(
        PLAN,
        "scenario = \"tiny.toml\"",
        "scenario = \"missing.toml\"",
    );
    let plan = sweep_study(&dir, &text);
    let place = at(&plan, &text, "\"missing.toml\"");
    refused(
        &["sweep", s(&plan), "--list"],
        &[&format!(
            "{place}: sweep.scenario: cannot read scenario file '"
        )],
    );
    // A file of the wrong kind: a policy as the base scenario, a scenario as the region.
    let text = with(PLAN, "scenario = \"tiny.toml\"", "scenario = \"slow.toml\"");
    let plan = sweep_study(&dir, &text);
    let place = at(&plan, &text, "\"slow.toml\"");
    refused(
        &["validate", s(&plan)],
        &[
            &format!("{place}: sweep.scenario: '"),
            "slow.toml' is a policy file (it has [policy]); `sweep.scenario` names a scenario file, which has [scenario]",
        ],
    );
    let text = "[sweep]\nname = \"r\"\nregion = \"tiny.toml\"\nreplications = 2\n";
    let plan = sweep_study(&dir, text);
    refused(
        &["validate", s(&plan)],
        &[
            &format!("{}: sweep.region: '", at(&plan, text, "\"tiny.toml\"")),
            "tiny.toml' is a scenario file (it has [scenario]); `sweep.region` names a region file, which has [region]",
        ],
    );
    // A demand factor whose rates overflow: one message, at the factor.
    let text = "[sweep]\nname = \"d\"\nscenario = \"tiny.toml\"\nreplications = 2\n\n[[axis]]\nname = \"demand\"\ndemand = [1e308]\n";
    let plan = sweep_study(&dir, text);
    let err = refused(
        &["validate", s(&plan)],
        &["demand factor 1e308 makes source `trucks`'s arrival rate too large to be a number"],
    );
    assert_eq!(err.matches("too large").count(), 1, "{err}");
    assert!(!err.contains("got inf"), "{err}");
}

#[test]
fn a_listing_needs_no_shard_count() {
    let dir = scratch("guard-list");
    let plan = sweep_study(&dir, PLAN);
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_bordersim"));
        for v in [
            "SLURM_ARRAY_TASK_ID",
            "SLURM_ARRAY_TASK_MIN",
            "SLURM_ARRAY_TASK_COUNT",
            "JOB_COMPLETION_INDEX",
            "AWS_BATCH_JOB_ARRAY_INDEX",
        ] {
            cmd.env_remove(v);
        }
        cmd.envs(env.iter().copied())
            .arg("sweep")
            .arg(&plan)
            .args(extra);
        cmd.output().expect("run bordersim")
    };
    let all = run(&[], &["--list"]);
    assert!(all.status.success());
    let listed = String::from_utf8(all.stdout).unwrap();
    assert_eq!(listed.lines().count(), 5);
    let slurm = run(&[("SLURM_ARRAY_TASK_ID", "1")], &["--list"]);
    assert!(slurm.status.success(), "{slurm:?}");
    assert_eq!(String::from_utf8(slurm.stdout).unwrap(), listed);
    // With a count, the shard's units; explicit flags are still checked.
    let shard = run(
        &[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "2"),
        ],
        &["--list"],
    );
    assert_eq!(String::from_utf8(shard.stdout).unwrap().lines().count(), 3);
    let bad = run(&[], &["--list", "--shard-index", "2", "--shard-count", "2"]);
    assert_eq!(bad.status.code(), Some(2));
    // Without a count, running (not listing) still needs one.
    let run_it = run(
        &[("SLURM_ARRAY_TASK_ID", "1")],
        &["--out-dir", s(&dir.join("o"))],
    );
    assert_eq!(run_it.status.code(), Some(2));
    assert!(
        String::from_utf8(run_it.stderr)
            .unwrap()
            .contains("shard 1 of how many?")
    );
}

#[test]
fn no_progress_reaches_a_stderr_that_is_not_a_terminal() {
    let dir = scratch("guard-progress");
    let out = swept(&dir);
    for args in [
        vec!["merge", s(&out)],
        vec!["sweep", s(&dir.join("plan.toml"))],
    ] {
        let o = bordersim(&args);
        assert_eq!(o.code, 0, "{o:#?}");
        assert!(!o.stderr.contains("units"), "{o:#?}");
    }
}

#[test]
fn a_demand_factor_that_overflows_a_regions_flows_is_one_located_error() {
    let dir = scratch("guard-region-demand");
    let region = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../configs/regions/san_diego_tijuana.toml")
        .canonicalize()
        .expect("bundled region");
    let text = format!(
        "[sweep]\nname = \"r\"\nregion = {:?}\nreplications = 2\n\n[[axis]]\nname = \"demand\"\ndemand = [1e308]\n",
        region.display().to_string()
    );
    let plan = write(&dir, "plan.toml", &text);
    let err = refused(
        &["validate", s(&plan)],
        &[&format!(
            "{}: axis[0].demand[0]: demand factor 1e308 makes a flow's vehicles per day too large to be a number",
            at(&plan, &text, "1e308")
        )],
    );
    assert_eq!(err.matches("too large").count(), 1, "{err}");
}

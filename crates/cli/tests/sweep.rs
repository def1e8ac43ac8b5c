//! `bordersim sweep` and `bordersim merge` (docs/sweeps.md): the canonical list of units,
//! sharded runs merged equal to the unsharded sweep byte for byte, resuming a shard, and
//! the bad inputs refused with a located message and exit 2, nothing merged.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

/// Primary booths 1 to 3 × a policy with a slower secondary on or off: 6 points of 3
/// replications in blocks of 2 (12 units).
const PLAN: &str = r#"
[sweep]
name = "booths"
scenario = "tiny.toml"
replications = 3
block = 2
seed = 11

[[axis]]
name = "booths"
path = "stations.primary.servers"
range = [1, 3]

[[axis]]
name = "slow secondary"
policy = ["none", "slow.toml"]
"#;

fn study(dir: &Path) -> std::path::PathBuf {
    sweep_study(dir, PLAN)
}

fn ok(args: &[&str]) -> String {
    succeeds(args).stdout
}

/// Runs shard `index` of `count` of `plan` into `out`, with `extra` arguments.
fn shard(plan: &str, out: &str, index: &str, count: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "sweep",
        plan,
        "--out-dir",
        out,
        "--shard-index",
        index,
        "--shard-count",
        count,
    ];
    args.extend_from_slice(extra);
    ok(&args)
}

/// Asserts `args` exit 2 with every one of `needles` on standard error.
fn refused(args: &[&str], needles: &[&str]) {
    let out = bordersim(args);
    assert_eq!(out.code, 2, "{args:?}: {out:#?}");
    for n in needles {
        assert!(
            out.stderr.contains(n),
            "{args:?}: {n} not in {}",
            out.stderr
        );
    }
}

#[test]
fn list_prints_the_canonical_units() {
    let dir = scratch("sweep-list");
    let plan = study(&dir);
    let plan = plan.to_str().unwrap();
    let all = ok(&["sweep", plan, "--list"]);
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(lines.len(), 1 + 12, "{all}");
    assert_eq!(
        lines[0],
        "unit\tpoint\treplications\tseed\tbooths\tslow secondary"
    );
    assert_eq!(lines[1], "p0000-r00000-00001\tp0000\t0..2\t11\t1\tnone");
    assert_eq!(
        lines[12],
        "p0005-r00002-00002\tp0005\t2..3\t11\t3\tslow.toml"
    );
    // A shard lists every second unit; the shards together list every unit once.
    let first = ok(&[
        "sweep",
        plan,
        "--list",
        "--shard-index",
        "0",
        "--shard-count",
        "2",
    ]);
    let second = ok(&[
        "sweep",
        plan,
        "--list",
        "--shard-index",
        "1",
        "--shard-count",
        "2",
    ]);
    assert_eq!(first.lines().count() + second.lines().count(), 2 + 12);
    assert!(first.contains("p0000-r00000-00001") && second.contains("p0000-r00002-00002"));
}

#[test]
fn shards_merge_into_the_unsharded_sweep_byte_for_byte() {
    let dir = scratch("sweep-shards");
    let plan = study(&dir);
    let plan = plan.to_str().unwrap();
    let whole = ok(&["sweep", plan, "--format", "json"]);
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    for i in ["1", "0", "2"] {
        shard(plan, out, i, "3", &["-j", "1"]);
    }
    let merged = ok(&["merge", out, "--format", "json"]);
    assert!(
        merged == whole,
        "the merged sweep differs from the unsharded one"
    );
    let csv = ok(&["merge", out, "--format", "csv"]);
    assert!(
        csv.starts_with("point,booths,slow secondary,entity,metric,count,mean_s"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 1 + 6 * 3, "{csv}");
    // The sweep's points differ: more booths, shorter waits (common random numbers).
    let v: serde_json::Value = serde_json::from_str(&whole).unwrap();
    let wait = |p: usize| {
        v["points"][p]["report"]["stations"][0]["wait"]["mean_s"]
            .as_f64()
            .unwrap()
    };
    assert!(
        wait(0) > wait(2) && wait(2) > wait(4),
        "{} {} {}",
        wait(0),
        wait(2),
        wait(4)
    );
    // The same shards through Slurm's environment give the same files.
    let env_out = dir.join("env");
    for task in 5..8 {
        let status = Command::new(env!("CARGO_BIN_EXE_bordersim"))
            .args(["sweep", plan, "--out-dir", env_out.to_str().unwrap()])
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "5")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .stdout(Stdio::null())
            .status()
            .expect("runs");
        assert!(status.success());
    }
    assert_eq!(
        ok(&["merge", env_out.to_str().unwrap(), "--format", "json"]),
        whole
    );
}

#[test]
fn a_shard_resumes_and_merge_names_what_is_missing() {
    let dir = scratch("sweep-resume");
    let plan = study(&dir);
    let plan = plan.to_str().unwrap();
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    shard(plan, o, "0", "2", &[]);
    let missing = bordersim(["merge", o]);
    assert_eq!(missing.code, 2, "{missing:#?}");
    assert!(
        missing.stderr.contains("6 of 12 units are missing")
            && missing.stderr.contains("p0000-r00002-00002"),
        "{}",
        missing.stderr
    );
    // A finished unit is not run again: its file is left as it was.
    let unit = out.join("units/p0000-r00000-00001.json");
    let before = fs::metadata(&unit).unwrap().modified().unwrap();
    shard(plan, o, "0", "2", &[]);
    assert_eq!(fs::metadata(&unit).unwrap().modified().unwrap(), before);
    shard(plan, o, "1", "2", &[]);
    assert_eq!(
        ok(&["merge", o, "--format", "json"]),
        ok(&["sweep", plan, "--format", "json"])
    );
    // A truncated unit file is refused by name, nothing merged.
    let text = fs::read_to_string(&unit).unwrap();
    fs::write(&unit, &text[..text.len() / 2]).unwrap();
    let bad = bordersim(["merge", o, "--output", dir.join("r.json").to_str().unwrap()]);
    assert_eq!(bad.code, 2, "{bad:#?}");
    assert!(
        bad.stderr
            .contains("p0000-r00000-00001.json: not a unit summary"),
        "{}",
        bad.stderr
    );
    assert!(!dir.join("r.json").exists());
}

#[test]
fn bad_plans_shards_and_directories_are_refused() {
    let dir = scratch("sweep-bad");
    let plan = study(&dir);
    let p = plan.to_str().unwrap();
    refused(
        &[
            "sweep",
            p,
            "--shard-index",
            "2",
            "--shard-count",
            "2",
            "--out-dir",
            "x",
        ],
        &["shard index 2 is not below the shard count 2"],
    );
    refused(
        &["sweep", p, "--shard-index", "0", "--out-dir", "x"],
        &["shard 0 of how many?"],
    );
    refused(
        &["sweep", p, "--shard-index", "0", "--shard-count", "2"],
        &["give --out-dir DIR"],
    );
    let typo = write(
        &dir,
        "typo.toml",
        &PLAN.replace("stations.primary.servers", "stations.primery.servers"),
    );
    refused(&["sweep", typo.to_str().unwrap(), "--list"], &["primery"]);
    let empty = write(
        &dir,
        "empty.toml",
        &PLAN.replace("range = [1, 3]", "values = []"),
    );
    refused(
        &["sweep", empty.to_str().unwrap(), "--list"],
        &["empty.toml:12:10: axis[0].values: an axis needs at least one value"],
    );
    let wrong = write(
        &dir,
        "wrong.toml",
        &PLAN.replace("range = [1, 3]", "values = [\"many\"]"),
    );
    refused(&["sweep", wrong.to_str().unwrap(), "--list"], &["servers"]);
    refused(
        &["merge", dir.to_str().unwrap()],
        &["holds no sweep manifest"],
    );
    // Two plans' shards in one directory.
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    shard(p, o, "0", "2", &[]);
    let other = write(&dir, "other.toml", &PLAN.replace("seed = 11", "seed = 12"));
    shard(other.to_str().unwrap(), o, "1", "2", &[]);
    refused(&["merge", o], &["mixes two sweeps"]);
}

#[test]
fn a_shard_killed_mid_unit_resumes_and_merges_as_if_never_killed() {
    let dir = scratch("sweep-kill");
    // Units long enough to be killed in: a month of the tiny crossing each.
    write(
        &dir,
        "tiny.toml",
        &SCENARIO.replace("horizon = \"10h\"", "horizon = \"720h\""),
    );
    write(&dir, "slow.toml", SLOW_SECONDARY);
    let plan = write(&dir, "plan.toml", &PLAN.replace("block = 2", "block = 1"));
    let plan = plan.to_str().unwrap();
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    let units = out.join("units");
    let finished = || -> Vec<String> {
        fs::read_dir(&units)
            .map(|d| {
                d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_bordersim"))
        .args([
            "sweep",
            plan,
            "--out-dir",
            o,
            "--shard-index",
            "0",
            "--shard-count",
            "1",
        ])
        .args(["-j", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    // Killed (SIGKILL) once two units are written, while it runs the third.
    while finished().len() < 2 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let running = child.try_wait().expect("waits").is_none();
    child.kill().expect("killed");
    child.wait().expect("reaped");
    let done = finished();
    assert!(
        running && done.len() < 18,
        "killed after {} of 18 units",
        done.len()
    );
    // What is there is whole: merge reads it and says only what is missing.
    let missing = bordersim(["merge", o]);
    assert_eq!(missing.code, 2, "{missing:#?}");
    assert!(
        missing
            .stderr
            .contains(&format!("{} of 18 units are missing", 18 - done.len())),
        "{}",
        missing.stderr
    );
    // The rerun runs only the missing units, and the merge is the uninterrupted sweep's.
    let before: Vec<_> = done
        .iter()
        .map(|n| fs::metadata(units.join(n)).unwrap().modified().unwrap())
        .collect();
    shard(plan, o, "0", "1", &[]);
    for (n, t) in done.iter().zip(before) {
        assert_eq!(
            fs::metadata(units.join(n)).unwrap().modified().unwrap(),
            t,
            "{n}"
        );
    }
    assert_eq!(finished().len(), 18);
    assert_eq!(
        ok(&["merge", o, "--format", "json"]),
        ok(&["sweep", plan, "--format", "json"])
    );
}

#[test]
fn emit_writes_an_array_job_and_its_merge() {
    let dir = scratch("sweep-emit");
    let plan = study(&dir);
    let plan = plan.to_str().unwrap();
    let out = dir.join("out");
    let slurm = ok(&[
        "sweep",
        plan,
        "--emit",
        "slurm",
        "--out-dir",
        out.to_str().unwrap(),
    ]);
    assert!(slurm.starts_with("#!/usr/bin/env bash\n"), "{slurm}");
    assert!(slurm.contains("sbatch --parsable --array=0-11 "), "{slurm}");
    assert!(slurm.contains("--dependency=afterok:"), "{slurm}");
    assert!(slurm.contains(" merge "), "{slurm}");
    let check = Command::new("bash")
        .args(["-n", "-c", &slurm])
        .status()
        .expect("bash");
    assert!(check.success(), "the script is valid bash:\n{slurm}");
    let k8s = ok(&["sweep", plan, "--emit", "k8s", "--shard-count", "4"]);
    for needle in [
        "kind: Job",
        "completionMode: Indexed",
        "completions: 4",
        "\"--shard-count\", \"4\"",
    ] {
        assert!(k8s.contains(needle), "{needle}:\n{k8s}");
    }
}

#[test]
fn bundled_plans_expand() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/sweeps");
    let mut plans: Vec<_> = fs::read_dir(&dir)
        .expect("configs/sweeps")
        .map(|e| e.expect("entry").path())
        .collect();
    // Region plans, in `regions/`, too.
    plans.extend(
        fs::read_dir(dir.join("regions"))
            .expect("configs/sweeps/regions")
            .map(|e| e.expect("entry").path()),
    );
    plans.retain(|p| p.is_file());
    plans.sort();
    assert!(!plans.is_empty());
    for plan in plans {
        let list = ok(&["sweep", plan.to_str().unwrap(), "--list"]);
        assert!(list.lines().count() > 1, "{}: {list}", plan.display());
    }
}

/// Two base scenarios × all demand × the trucks' demand: 2 × 2 × 2 points of 3
/// replications in blocks of 2, the baseline named by its axis values.
const GROWTH: &str = r#"
[sweep]
name = "growth"
replications = 3
block = 2
seed = 5
baseline = { crossing = "tiny.toml", demand = 1.0, trucks = 1 }

[[axis]]
name = "crossing"
scenario = ["tiny.toml", "faster.toml"]

[[axis]]
name = "demand"
demand = [1.0, 1.25]

[[axis]]
name = "trucks"
demand = [1, 1.5]
class = "truck"
"#;

fn growth(dir: &Path) -> std::path::PathBuf {
    write(dir, "tiny.toml", SCENARIO);
    write(
        dir,
        "faster.toml",
        &SCENARIO.replace("mean = \"1min\"", "mean = \"50s\""),
    );
    write(dir, "plan.toml", GROWTH)
}

/// A plan of the tiny crossing alone (one point), with the trucks at `rate`.
fn single(dir: &Path, name: &str, rate: &str) -> String {
    let scenario = format!("{name}.toml");
    write(
        dir,
        &scenario,
        &SCENARIO.replace("rate = \"40/h\"", &format!("rate = \"{rate}\"")),
    );
    let plan = write(
        dir,
        &format!("{name}-plan.toml"),
        &format!(
            "[sweep]\nname = \"growth\"\nscenario = \"{scenario}\"\nreplications = 3\nseed = 5\n"
        ),
    );
    ok(&["sweep", plan.to_str().unwrap(), "--format", "json"])
}

#[test]
fn demand_and_scenario_axes_shard_merge_and_pair_exactly() {
    let dir = scratch("sweep-growth");
    let plan = growth(&dir);
    let plan = plan.to_str().unwrap();
    let list = ok(&["sweep", plan, "--list"]);
    assert_eq!(list.lines().count(), 1 + 8 * 2, "{list}");
    assert!(
        list.contains("p0007-r00002-00002\tp0007\t2..3\t5\tfaster.toml\t1.25\t1.5"),
        "{list}"
    );
    let whole = ok(&["sweep", plan, "--format", "json"]);
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    for i in ["2", "0", "1"] {
        shard(plan, o, i, "3", &["-j", "1"]);
    }
    assert!(
        ok(&["merge", o, "--format", "json"]) == whole,
        "merged differs from the whole"
    );
    assert_eq!(
        ok(&["merge", o, "--format", "csv"]),
        ok(&["sweep", plan, "--format", "csv"])
    );
    let v: serde_json::Value = serde_json::from_str(&whole).unwrap();
    assert_eq!(v["baseline"], "p0000");
    // A demand factor is exact: trucks × 1.5 is the scenario with the trucks at 60/h, and
    // × 1.25 for all is trucks at 50/h and cars at 37.5/h — report for report.
    let report = |json: &str, p: usize| {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut r = v["points"][p]["report"].clone();
        r["scenario"] = serde_json::Value::Null;
        r
    };
    let trucks60 = single(&dir, "t60", "60/h");
    assert_eq!(report(&whole, 1), report(&trucks60, 0));
    assert_eq!(report(&whole, 0), report(&single(&dir, "t40", "40/h"), 0));
    // The baseline against itself: zero, exactly; the others paired on the same arrivals.
    let diff = |p: usize, metric: &str| {
        v["points"][p]["differences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["metric"] == metric && d["entity"] == "system")
            .cloned()
            .unwrap()
    };
    assert_eq!(diff(0, "time_in_system_mean_s")["delta"], 0.0);
    assert_eq!(diff(0, "time_in_system_mean_s")["delta_ci95"], 0.0);
    let more = diff(3, "time_in_system_mean_s");
    assert_eq!(more["replications"], 3);
    assert!(more["delta"].as_f64().unwrap() > 0.0, "{more}");
    // The paired difference is the mean of the per-replication differences: the point's
    // mean minus the baseline's when every replication measured both.
    let (mean, base) = (
        more["mean"].as_f64().unwrap(),
        more["baseline"].as_f64().unwrap(),
    );
    assert!((more["delta"].as_f64().unwrap() - (mean - base)).abs() < 1e-9);
}

#[test]
fn plan_errors_are_located_in_the_plan_or_the_policy_file() {
    let dir = scratch("sweep-located");
    let plan = study(&dir);
    // A value of the wrong type: at the value in the plan (line 13, the second value).
    let wrong = write(
        &dir,
        "wrong.toml",
        &PLAN.replace("range = [1, 3]", "values = [1, \"many\"]"),
    );
    refused(
        &["sweep", wrong.to_str().unwrap(), "--list"],
        &[
            "wrong.toml:12:14: axis[0].values[1]:",
            "expected an integer",
            "point p0002",
        ],
    );
    // An unknown path: at the range in the plan.
    let typo = write(
        &dir,
        "typo.toml",
        &PLAN.replace("stations.primary.servers", "stations.primery.servers"),
    );
    refused(
        &["sweep", typo.to_str().unwrap(), "--list"],
        &["typo.toml:12:9: axis[0].range:", "primery"],
    );
    // A mistake in a policy file of a policy axis: in that file, at its line.
    write(
        &dir,
        "slow.toml",
        &SLOW_SECONDARY.replace("stations.secondary.service", "stations.secundary.service"),
    );
    refused(
        &["sweep", plan.to_str().unwrap(), "--list"],
        &["slow.toml:5:8:", "secundary"],
    );
    write(&dir, "slow.toml", SLOW_SECONDARY);
    // A demand class no source has: at the class.
    let growth_plan = growth(&dir);
    let lorry = write(
        &dir,
        "lorry.toml",
        &fs::read_to_string(&growth_plan)
            .unwrap()
            .replace("class = \"truck\"", "class = \"lorry\""),
    );
    refused(
        &["sweep", lorry.to_str().unwrap(), "--list"],
        &[
            "lorry.toml:20:9: axis[2].class: no source is of class `lorry` (the sources' classes: car, truck)",
        ],
    );
    // Several plans: one plan per sweep.
    refused(
        &[
            "sweep",
            plan.to_str().unwrap(),
            growth_plan.to_str().unwrap(),
        ],
        &["one plan per sweep", "scenario = [\"a.toml\", \"b.toml\"]"],
    );
    // An output of no format written, for a sweep and a merge: the formats they write.
    for args in [
        vec!["sweep", plan.to_str().unwrap(), "-o", "x.xlsx"],
        vec!["merge", dir.to_str().unwrap(), "-o", "x.xlsx"],
    ] {
        refused(
            &args,
            &[
                "cannot write a .xlsx file",
                "JSON (.json), CSV (.csv) or an HTML page (.html)",
            ],
        );
    }
    // A shard writes units only: no page.
    refused(
        &[
            "sweep",
            plan.to_str().unwrap(),
            "--out-dir",
            "o",
            "--shard-index",
            "0",
            "--shard-count",
            "2",
            "--report",
            "r.html",
        ],
        &["a shard (it writes units"],
    );
}

#[test]
fn the_sweep_page_draws_response_curves_and_merge_draws_the_same() {
    let dir = scratch("sweep-page");
    let plan = study(&dir);
    let plan = plan.to_str().unwrap();
    let page = dir.join("sweep.html");
    let json = dir.join("sweep.json");
    ok(&[
        "sweep",
        plan,
        "-r",
        "2",
        "-o",
        json.to_str().unwrap(),
        "--report",
        page.to_str().unwrap(),
    ]);
    let html = fs::read_to_string(&page).unwrap();
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    for i in ["0", "1"] {
        shard(plan, o, i, "2", &["-r", "2"]);
    }
    let merged = dir.join("merged.html");
    ok(&["merge", o, "-o", merged.to_str().unwrap()]);
    assert!(
        fs::read_to_string(&merged).unwrap() == html,
        "the merged page differs"
    );
    assert!(html.starts_with("<!DOCTYPE html>\n") && html.ends_with("</html>\n"));
    for banned in ["<script", "<link", "url(", "https:"] {
        assert!(!html.contains(banned), "{banned}");
    }
    for id in [
        "sweep-summary",
        "response-curves",
        "points",
        "curve-booths-mean",
        "curve-booths-change",
        "curve-slow-secondary-mean",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    let figures: Vec<&str> = html.split("<figure class=\"plot\"").skip(1).collect();
    assert_eq!(figures.len(), 4, "two axes × (mean, change)");
    for f in &figures {
        let f = &f[..f.find("</figure>").unwrap()];
        assert_eq!(f.matches("<svg").count(), 1);
        for title in f.split("class=\"axis-title\"").skip(1) {
            let text = &title[title.find('>').unwrap() + 1..title.find("</text>").unwrap()];
            assert!(
                text.contains('(') && text.ends_with(')'),
                "unit in '{text}'"
            );
        }
        assert!(f.contains("<figcaption>") && f.contains("replications"));
        assert!(f.contains("<details>") && f.contains("<table>"));
    }
    // The numeric axis is drawn with interval bands, one line per policy.
    assert!(
        html.contains("booths (stations.primary.servers)"),
        "x axis title"
    );
    assert!(html.contains("slow secondary = none") && html.contains("slow secondary = slow.toml"));
    insta::assert_snapshot!("report_sweep_tiny", html);
}

#[test]
fn outputs_draw_and_write_the_metrics_asked_for_the_same_merged() {
    let dir = scratch("sweep-outputs");
    study(&dir);
    let plan = write(
        &dir,
        "outputs.toml",
        &PLAN.replace(
            "seed = 11\n",
            "seed = 11\noutputs = [\"time_in_system\", \"wait_p95\", \"queue\", \"throughput\", \"utilization\"]\n",
        ),
    );
    let plan = plan.to_str().unwrap();
    let page = dir.join("sweep.html");
    let csv = ok(&[
        "sweep",
        plan,
        "--format",
        "csv",
        "--report",
        page.to_str().unwrap(),
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["sweep", plan, "--format", "json"])).unwrap();
    assert_eq!(
        json["outputs"],
        serde_json::json!([
            "time_in_system",
            "wait_p95",
            "queue",
            "throughput",
            "utilization"
        ])
    );
    let html = fs::read_to_string(&page).unwrap();
    for id in [
        "curve-booths-mean",
        "curve-booths-change",
        "curve-booths-queue-station-primary-mean",
        "curve-booths-queue-station-primary-change",
        "curve-booths-wait-p95-station-secondary-change",
        "curve-booths-throughput-station-primary-mean",
        "curve-booths-utilization-station-primary-mean",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    // Throughput has no paired measure: no change curve.
    assert!(!html.contains("curve-booths-throughput-station-primary-change"));
    assert!(html.contains("Mean queue length at primary (vehicles)"));
    // The CSV's extra rows hold the report's numbers, in their units.
    let mut rows = csv.lines();
    let header = rows.next().unwrap();
    assert!(
        header.ends_with(
            ",delta_mean_s,delta_ci95_s,value,value_ci95,delta,delta_ci95,unit,unstable"
        ),
        "{header}"
    );
    let queue: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("p0002,") && l.contains(",station:primary,queue,"))
        .unwrap()
        .split(',')
        .collect();
    let station = &json["points"][2]["report"]["stations"][0];
    assert_eq!(
        queue[13].parse::<f64>().unwrap(),
        station["queue_length"]["mean"].as_f64().unwrap()
    );
    assert_eq!(queue[17], "vehicles");
    let throughput = csv
        .lines()
        .find(|l| l.starts_with("p0002,") && l.contains(",station:primary,throughput,"))
        .unwrap();
    assert!(
        throughput.ends_with(&format!(
            ",{},,,,vehicles/h,",
            station["throughput_per_h"].as_f64().unwrap()
        )),
        "{throughput}"
    );
    // 6 points × (system, 2 stations' waits) + 6 points × 2 stations × 4 outputs.
    assert_eq!(csv.lines().count(), 1 + 6 * 3 + 6 * 2 * 4, "{csv}");
    // Sharded and merged: the same CSV and page.
    let out = dir.join("out");
    let o = out.to_str().unwrap();
    for i in ["1", "0"] {
        shard(plan, o, i, "2", &[]);
    }
    assert_eq!(ok(&["merge", o, "--format", "csv"]), csv);
    let merged = dir.join("merged.html");
    ok(&["merge", o, "-o", merged.to_str().unwrap()]);
    assert!(fs::read_to_string(&merged).unwrap() == html);
}

#[test]
fn an_unstable_point_is_flagged_in_the_json_csv_table_and_page() {
    // One primary booth takes 70 vehicles an hour of 1 min: offered load 7/6 per server, the
    // queue grows without bound; two booths (7/12) keep up.
    let dir = scratch("sweep-unstable");
    let plan = study(&dir);
    let plan = plan.to_str().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["sweep", plan, "-r", "2", "--format", "json"])).unwrap();
    let points = json["points"].as_array().unwrap();
    let overloaded = |p: &&serde_json::Value| {
        p["report"]["stations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["offered_load"].as_f64().unwrap() >= 1.0)
    };
    let ids = |points: Vec<&serde_json::Value>| -> Vec<String> {
        points
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(points.iter().filter(overloaded).collect()),
        ["p0000", "p0001"]
    );
    // With the slower secondary (14 vehicles an hour of 4 min on 1 lane: ρ = 0.93, an
    // M/M/1 queue that takes days to settle) the secondary never empties in the 9 observed
    // hours: saturated, though under 1.
    let saturated: Vec<String> = ids(points
        .iter()
        .filter(|p| !overloaded(p))
        .filter(|p| p.get("unstable").is_some())
        .collect());
    assert_eq!(saturated, ["p0003", "p0005"]);
    for p in &points[3..] {
        let busy = p["report"]["stations"][1]["lane_groups"][0]["utilization"]
            .as_f64()
            .unwrap();
        assert_eq!(p.get("unstable").is_some(), busy >= 0.99, "{}", p["id"]);
    }
    let unstable_ids = ["p0000", "p0001", "p0003", "p0005"];
    let primary = &points[0]["report"]["stations"][0];
    assert_eq!(primary["id"], "primary");
    assert!((primary["offered_load"].as_f64().unwrap() - 70.0 / 60.0).abs() < 1e-12);
    for format in ["csv", "table"] {
        let out = bordersim(["sweep", plan, "-r", "2", "--format", format]);
        assert_eq!(out.code, 0, "{out:#?}");
        let sep = if format == "csv" { ',' } else { '\t' };
        let mut lines = out.stdout.lines();
        assert!(lines.next().unwrap().ends_with(&format!("{sep}unstable")));
        let mut rows = 0;
        for line in lines {
            rows += 1;
            let point = line.split(sep).next().unwrap();
            let last = line.rsplit(sep).next().unwrap();
            if unstable_ids[..2].contains(&point) {
                assert!(
                    last.starts_with("offered load >= 1 per server at primary"),
                    "{line}"
                );
            } else if unstable_ids.contains(&point) {
                assert!(
                    last.starts_with("lane group `lanes` of station `secondary` busy 99."),
                    "{line}"
                );
            } else {
                assert_eq!(last, "", "{line}");
            }
        }
        assert_eq!(rows, 6 * 3, "a row per point × entity, each flagged or not");
        for id in ["p0000", "p0001"] {
            assert!(
                out.stderr.contains(&format!("point {id} (booths = 1, ")),
                "{}",
                out.stderr
            );
        }
        assert!(!out.stderr.contains("point p0002"), "{}", out.stderr);
    }
    let page = dir.join("unstable.html");
    ok(&["sweep", plan, "-r", "2", "-o", page.to_str().unwrap()]);
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.contains("unstable points"), "card");
    assert!(html.contains("Unstable: p0000 (offered load &gt;= 1 per server at primary"));
    assert!(
        html.contains("an unstable point (its queue grows or never clears)"),
        "legend"
    );
    // The booths chart shades x = 1 a quarter of the gap (1 booth) each side.
    assert!(html.contains(">unstable</th>"), "table column");
}

/// `bordersim run FILE -r 3 -s 5` as JSON, its wall-clock measurements left out.
fn plain_run(file: &Path) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&ok(&[
        "run",
        file.to_str().unwrap(),
        "-r",
        "3",
        "-s",
        "5",
        "--format",
        "json",
    ]))
    .unwrap();
    v.as_object_mut().unwrap().remove("performance");
    v
}

#[test]
fn each_base_scenario_of_a_scenario_axis_is_its_plain_run_and_comparison() {
    let dir = scratch("sweep-bases");
    growth(&dir);
    let plan = write(
        &dir,
        "bases.toml",
        "[sweep]\nname = \"bases\"\nreplications = 3\nblock = 2\nseed = 5\n\n[[axis]]\n\
         name = \"crossing\"\nscenario = [\"tiny.toml\", \"faster.toml\"]\n",
    );
    let plan = plan.to_str().unwrap();
    let whole = ok(&["sweep", plan, "--format", "json"]);
    let out = dir.join("out");
    for i in ["1", "0"] {
        shard(plan, out.to_str().unwrap(), i, "2", &["-j", "1"]);
    }
    assert!(ok(&["merge", out.to_str().unwrap(), "--format", "json"]) == whole);
    let sweep: serde_json::Value = serde_json::from_str(&whole).unwrap();
    // Each point's report is the plain run of its base with the plan's seed, figure for
    // figure.
    for (p, file) in [(0, "tiny.toml"), (1, "faster.toml")] {
        assert_eq!(
            sweep["points"][p]["report"],
            plain_run(&dir.join(file)),
            "point {p} against `run {file}`"
        );
    }
    // The second base's differences are `compare`'s of it as a variant, pair for pair.
    let compare: serde_json::Value = serde_json::from_str(&ok(&[
        "compare",
        dir.join("tiny.toml").to_str().unwrap(),
        "--variant",
        dir.join("faster.toml").to_str().unwrap(),
        "-r",
        "3",
        "-s",
        "5",
        "--format",
        "json",
    ]))
    .unwrap();
    let mut checked = 0;
    for d in sweep["points"][1]["differences"].as_array().unwrap() {
        let Some(c) = compare["variants"][0]["differences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["metric"] == d["metric"] && c["entity"] == d["entity"])
        else {
            continue;
        };
        assert_eq!(d["delta"], c["delta"], "{d} against {c}");
        assert_eq!(d["delta_ci95"], c["ci95"], "{d} against {c}");
        checked += 1;
    }
    // The crossing's, each class's and each station's time measures at least.
    assert!(checked >= 5, "{checked} differences matched");
}

/// Runs `bordersim args` with `env` set (and any array-job variable of the test's own
/// environment removed): exit code and standard error.
fn with_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bordersim"));
    cmd.args(args);
    for v in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_COUNT",
        "JOB_COMPLETION_INDEX",
        "AWS_BATCH_JOB_ARRAY_INDEX",
    ] {
        cmd.env_remove(v);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.stdout(Stdio::null()).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts `bordersim args` with `env` set exits 2 with `needle` on standard error.
fn refused_with_env(args: &[&str], env: &[(&str, &str)], needle: &str) {
    let (code, err) = with_env(args, env);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(needle), "{err}");
}

#[test]
fn kubernetes_and_aws_batch_indices_shard_as_the_flags_do() {
    let dir = scratch("sweep-env-shards");
    let plan = study(&dir);
    let plan = plan.to_str().unwrap();
    let whole = ok(&["sweep", plan, "-r", "2", "--format", "csv"]);
    for var in ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] {
        let out = dir.join(var);
        let o = out.to_str().unwrap();
        for i in ["2", "0", "1"] {
            let (code, err) = with_env(
                &[
                    "sweep",
                    plan,
                    "-r",
                    "2",
                    "--out-dir",
                    o,
                    "--shard-count",
                    "3",
                ],
                &[(var, i)],
            );
            assert_eq!(code, 0, "{var}={i}: {err}");
        }
        assert_eq!(ok(&["merge", o, "--format", "csv"]), whole, "{var}");
        assert_eq!(
            fs::read_dir(&out).unwrap().count(),
            1 + 3,
            "units/ and 3 manifests"
        );
        // Without the count the shard is refused, naming the flag; nothing is written.
        let fresh = dir.join(format!("{var}-no-count"));
        refused_with_env(
            &["sweep", plan, "--out-dir", fresh.to_str().unwrap()],
            &[(var, "1")],
            "shard 1 of how many? Give --shard-count N",
        );
        assert!(!fresh.exists());
        // An index not below the count.
        refused_with_env(
            &[
                "sweep",
                plan,
                "--out-dir",
                fresh.to_str().unwrap(),
                "--shard-count",
                "3",
            ],
            &[(var, "3")],
            "shard index 3 is not below the shard count 3",
        );
        assert!(!fresh.exists());
    }
    // A Slurm task without SLURM_ARRAY_TASK_COUNT nor the flag.
    refused_with_env(
        &["sweep", plan, "--out-dir", dir.join("s").to_str().unwrap()],
        &[("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_MIN", "3")],
        "shard 1 of how many?",
    );
}

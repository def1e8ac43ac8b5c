//! The report shapes of the bundled configs at fixed seeds, as snapshots: `run` on every
//! example, `compare` of every policy with its baseline, `region` on every region and
//! `compare` of every region policy with its region.
//!
//! Results are deterministic for a seed whatever the thread count or platform, so the
//! snapshots hold values, not only field names. Each holds the report's shape (every key
//! path, arrays folded to `[]`) and its headline numbers, to stay readable: the full
//! reports run to tens of thousands of lines. The `performance` block (wall-clock time) is
//! the one part that varies from run to run, and is left out.
//!
//! A changed snapshot is a changed output: review it (`cargo insta review`, or run with
//! `INSTA_UPDATE=always` and read the diff) before accepting it.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use common::*;

/// Replications and seed of every snapshot run: few, so the tests stay fast.
const REPLICATIONS: &str = "2";
const SEED: &str = "1";

/// The bundled configs directory `dir` (relative to `configs/`), its TOML files sorted.
fn bundled(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../configs")
        .join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no config in {}", dir.display());
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

/// Runs `bordersim` with `args` and the snapshot replications and seed; the JSON report.
fn json_report(args: &[&OsStr]) -> Value {
    let mut full = args.to_vec();
    full.extend(
        [
            "--format",
            "json",
            "-r",
            REPLICATIONS,
            "-s",
            SEED,
            "-j",
            "2",
        ]
        .iter()
        .map(OsStr::new),
    );
    let out = bordersim(&full);
    assert_eq!(out.code, 0, "{args:?}: {out:#?}");
    let mut v: Value = serde_json::from_str(&out.stdout).expect("stdout is one JSON document");
    v.as_object_mut().expect("object").remove("performance");
    v
}

/// Every key path of `v`, array elements folded into `[]`, sorted.
fn shape(v: &Value) -> Vec<String> {
    fn walk(v: &Value, path: String, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                for (k, x) in map {
                    walk(x, format!("{path}.{k}"), out);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for x in items {
                    walk(x, format!("{path}[]"), out);
                }
            }
            Value::Array(_) => {
                out.insert(format!("{path}[]"));
            }
            _ => {
                out.insert(path);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(v, String::new(), &mut out);
    out.into_iter().collect()
}

/// `v[key]` for each key, as one object.
fn pick(v: &Value, keys: &[&str]) -> Value {
    let mut out = serde_json::Map::new();
    for k in keys {
        out.insert((*k).to_owned(), v[*k].clone());
    }
    Value::Object(out)
}

/// The mean, p95 and count of a delay distribution.
fn delay(d: &Value) -> Value {
    pick(d, &["count", "mean_s", "p95_s"])
}

/// The headline numbers of a `run` report: the run, the vehicles, the whole system, each
/// station, class and direction, the risk channels and the cost of delay.
fn run_headline(r: &Value) -> Value {
    let list = |key: &str, f: &dyn Fn(&Value) -> Value| -> Value {
        Value::Array(r[key].as_array().expect(key).iter().map(f).collect())
    };
    json!({
        "run": pick(r, &["scenario", "seed", "replications", "horizon_s", "warmup_s", "events"]),
        "vehicles": r["vehicles"],
        "system": {
            "time_in_system": delay(&r["system"]["time_in_system"]),
            "release": delay(&r["system"]["release"]),
        },
        "stations": list("stations", &|s| json!({
            "id": s["id"],
            "direction": s["direction"],
            "servers": s["servers"],
            "utilization": s["utilization"],
            "throughput_per_h": s["throughput_per_h"],
            "wait": delay(&s["wait"]),
            "queue_length_mean": s["queue_length"]["mean"],
        })),
        "classes": list("classes", &|c| json!({
            "id": c["id"],
            "arrived": c["arrived"],
            "time_in_system": delay(&c["time_in_system"]),
        })),
        "directions": list("directions", &|d| json!({
            "id": d["id"],
            "departed": d["departed"],
            "release": delay(&d["release"]),
        })),
        "channels": r["trs"]["channels"],
        "economics": list("economics", &|e| pick(
            e,
            &["id", "delay_vehicle_hours_per_day", "value_per_day"],
        )),
    })
}

/// One line per paired difference: `entity metric: baseline -> variant (delta ±ci95)`.
fn differences(variant: &Value) -> Vec<String> {
    variant["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .map(|d| {
            format!(
                "{} {}: {} -> {} ({} ±{}){}",
                d["entity"].as_str().expect("entity"),
                d["metric"].as_str().expect("metric"),
                d["baseline"],
                d["variant"],
                d["delta"],
                d["ci95"],
                if d["significant"] == true { " *" } else { "" }
            )
        })
        .collect()
}

/// The headline numbers of a region equilibrium: convergence, one line per flow, trade.
fn region_headline(r: &Value) -> Value {
    let iterations = r["iterations"].as_array().expect("iterations");
    let flows: Vec<String> = r["flows"]
        .as_array()
        .expect("flows")
        .iter()
        .map(|f| {
            format!(
                "{}|{}|{}: open {}, {} vehicles/day, share {}, border mean {} s",
                f["crossing"].as_str().expect("crossing"),
                f["direction"].as_str().expect("direction"),
                f["class"].as_str().expect("class"),
                f["open"],
                f["volume_per_day"],
                f["share"],
                f["border_time"]["mean_s"]
            )
        })
        .collect();
    json!({
        "region": pick(r, &["region", "seed", "replications", "converged", "tolerance", "simulations", "events"]),
        "iterations": iterations.len(),
        "last_gap": iterations.last().map(|i| i["gap"].clone()),
        "flows": flows,
        "trade": {
            "sides": r["trade"]["sides"],
            "total_per_day": r["trade"]["total_per_day"],
        },
    })
}

#[test]
fn run_reports_of_the_examples() {
    for file in bundled("examples") {
        let report = json_report(&["run".as_ref(), file.as_os_str()]);
        let snapshot = json!({
            "shape": shape(&report),
            "headline": run_headline(&report),
        });
        insta::assert_json_snapshot!(format!("run_{}", stem(&file)), snapshot);
    }
}

#[test]
fn compare_reports_of_the_policies() {
    for policy in bundled("policies") {
        let text = fs::read_to_string(&policy).expect("policy file");
        let baseline = text
            .lines()
            .find_map(|l| l.strip_prefix("baseline = \""))
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{}: no baseline", policy.display()));
        let base = policy.parent().expect("policies directory").join(baseline);
        let report = json_report(&[
            "compare".as_ref(),
            base.as_os_str(),
            "--policy".as_ref(),
            policy.as_os_str(),
        ]);
        let variants: Vec<Value> = report["variants"]
            .as_array()
            .expect("variants")
            .iter()
            .map(|v| {
                json!({
                    "name": v["name"],
                    "vehicles": v["result"]["vehicles"],
                    "time_in_system": delay(&v["result"]["system"]["time_in_system"]),
                    "differences": differences(v),
                })
            })
            .collect();
        let snapshot = json!({
            "shape": shape(&report),
            "baseline": {
                "scenario": report["baseline"]["scenario"],
                "vehicles": report["baseline"]["vehicles"],
                "time_in_system": delay(&report["baseline"]["system"]["time_in_system"]),
            },
            "variants": variants,
        });
        insta::assert_json_snapshot!(format!("compare_{}", stem(&policy)), snapshot);
    }
}

#[test]
fn region_reports_of_the_regions() {
    for file in bundled("regions") {
        let report = json_report(&["region".as_ref(), file.as_os_str()]);
        let snapshot = json!({
            "shape": shape(&report),
            "headline": region_headline(&report),
        });
        insta::assert_json_snapshot!(format!("region_{}", stem(&file)), snapshot);
    }
}

#[test]
fn region_compare_reports_of_the_region_policies() {
    let region = bundled("regions")
        .into_iter()
        .find(|p| p.ends_with("corridor_osbp.toml"))
        .expect("corridor_osbp.toml");
    for policy in bundled("regions/policies") {
        let report = json_report(&[
            "compare".as_ref(),
            region.as_os_str(),
            "--policy".as_ref(),
            policy.as_os_str(),
        ]);
        let snapshot = json!({
            "shape": shape(&report),
            "reform_name": report["reform_name"],
            "baseline": region_headline(&report["baseline"]),
            "reform": region_headline(&report["reform"]),
            "shift": report["shift"],
        });
        insta::assert_json_snapshot!(format!("region_compare_{}", stem(&policy)), snapshot);
    }
}

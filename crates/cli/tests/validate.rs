//! `bordersim validate`: the summary line of a valid file, every problem of an invalid
//! one, and every bundled config valid.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

#[test]
fn validate_ok() {
    let dir = scratch("validate-ok");
    let file = write(&dir, "s.toml", SCENARIO);
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.stdout,
        format!(
            "{}: ok (2 stations, 2 classes, 2 sources)\n",
            file.display()
        )
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn validate_not_ok_lists_every_error() {
    let text =
        scenario_with("servers = 2", "servers = 0").replace("rate = \"30/h\"", "rate = \"0/h\"");
    let dir = scratch("validate-bad");
    let file = write(&dir, "s.toml", &text);
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("stations[0].servers"), "{out:#?}");
    assert!(out.stderr.contains("sources[1].rate"), "{out:#?}");
    assert!(out.stderr.contains("is not valid (2 problems)"), "{out:#?}");
}

#[test]
fn bundled_configs_validate() {
    fn toml_files(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("directory entry").path();
            // Policies are changes to a scenario, not scenarios; sweep and staffing plans,
            // calibration fit files and observed data neither.
            if path.ends_with("policies")
                || path.ends_with("sweeps")
                || path.ends_with("planning")
                || path.ends_with("calibration")
                || path.ends_with("observed")
            {
                continue;
            }
            if path.is_dir() {
                toml_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "toml") {
                found.push(path);
            }
        }
    }
    let mut files = Vec::new();
    toml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs"),
        &mut files,
    );
    files.sort();
    assert!(!files.is_empty(), "no bundled config found");
    for file in files {
        let out = bordersim(["validate".as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 0, "{}: {out:#?}", file.display());
        assert!(out.stdout.contains(": ok ("), "{out:#?}");
    }
}

#[test]
fn validate_counts_directions() {
    let dir = scratch("two-way-validate");
    let file = write(&dir, "s.toml", TWO_WAY);
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(
        out.stdout,
        format!(
            "{}: ok (3 stations, 2 classes, 3 sources, 2 directions)\n",
            file.display()
        )
    );
}

/// A trace with rows for both directions is one source as written, though the model runs it
/// as one source per direction.
#[test]
fn validate_counts_sources_as_written() {
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/examples/trace_replay.toml");
    let out = bordersim(["validate".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout
            .ends_with(": ok (3 stations, 2 classes, 1 source, 2 directions)\n"),
        "{}",
        out.stdout
    );
}

/// The repository's `configs` directory.
fn configs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs")
}

/// `bordersim validate FILE [--baseline BASE]`.
fn validate_kind(file: &Path, baseline: Option<&Path>) -> Outcome {
    let mut args = vec!["validate".as_ref(), file.as_os_str()];
    if let Some(b) = baseline {
        args.push("--baseline".as_ref());
        args.push(b.as_os_str());
    }
    bordersim(args)
}

#[test]
fn every_bundled_file_kind_validates_with_its_commands_loader() {
    let c = configs();
    let mut cases: Vec<(PathBuf, Option<PathBuf>, &str)> = Vec::new();
    for dir in ["sweeps", "sweeps/regions"] {
        let mut plans: Vec<PathBuf> = fs::read_dir(c.join(dir))
            .expect("sweeps")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        plans.sort();
        assert!(!plans.is_empty());
        for plan in plans {
            cases.push((plan, None, "(sweep plan: "));
        }
    }
    let san_ysidro = c.join("examples/san_ysidro_passenger.toml");
    cases.push((
        c.join("calibration/san_ysidro_fit.toml"),
        Some(san_ysidro.clone()),
        "(fit file: 2 parameters, for ",
    ));
    for csv in [
        "observed/san_ysidro_2017_northbound.csv",
        "observed/san_ysidro_2017_northbound_even_hours.csv",
    ] {
        cases.push((c.join(csv), Some(san_ysidro.clone()), "(observations for "));
    }
    cases.push((
        c.join("planning/commercial_primary.toml"),
        Some(c.join("examples/commercial_truck_crossing.toml")),
        "(staffing plan: 1 lane group, for ",
    ));
    for (file, baseline, words) in cases {
        let out = validate_kind(&file, baseline.as_deref());
        assert_eq!(out.code, 0, "{}: {out:#?}", file.display());
        assert!(
            out.stdout.starts_with(&format!("{}: ok ", file.display()))
                && out.stdout.contains(words),
            "{}: {out:#?}",
            file.display()
        );
    }
}

#[test]
fn a_broken_file_of_each_kind_is_refused_with_its_place() {
    let dir = scratch("validate-kinds");
    let scenario = write(&dir, "s.toml", SCENARIO);
    // (name, text, whether it needs the scenario, words of the error)
    let cases = [
        (
            "plan.toml",
            "[sweep]\nname = \"p\"\nscenario = \"s.toml\"\nreplications = 2\n\n[[axis]]\nname = \"booths\"\npath = \"stations.primary.servers\"\nvalues = [1, 2]\ncolour = \"red\"\n",
            false,
            "plan.toml:10:1",
        ),
        (
            "fit.toml",
            "[fit]\nmax_evaluations = 10\n\n[[parameter]]\npath = \"stations.nowhere.service.mean\"\nmin = \"1min\"\nmax = \"2min\"\n",
            true,
            "fit.toml:5:8",
        ),
        (
            "staff.toml",
            "[plan]\nobjective = \"wait_mean_s\"\n\n[[groups]]\nstation = \"nowhere\"\nmax_lanes = 3\nshift_hours = 2\nshift_starts = [0]\n",
            true,
            "staff.toml:5:11",
        ),
        (
            "observed.csv",
            "station,hour,wait_min,colour\nprimary,7,3.5,red\n",
            true,
            "observed.csv:1:4: unknown column `colour`",
        ),
    ];
    for (name, text, needs_scenario, words) in cases {
        let file = write(&dir, name, text);
        let baseline = needs_scenario.then_some(scenario.as_path());
        let out = validate_kind(&file, baseline);
        assert_eq!(out.code, 2, "{name}: {out:#?}");
        assert!(out.stderr.contains(words), "{name}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{name}");
        if needs_scenario {
            // Without the scenario it is for: a clear refusal, exit 2.
            let out = validate_kind(&file, None);
            assert_eq!(out.code, 2, "{name}: {out:#?}");
            assert!(
                out.stderr.contains("--baseline SCENARIO.toml"),
                "{name}: {}",
                out.stderr
            );
        }
    }
}

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

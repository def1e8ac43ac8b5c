//! Scenario loader tests: bundled configs.

use std::path::Path;

use bordersim_des::SimTime;
use bordersim_model::{Arrivals, Crossing, HOURS_PER_WEEK, Scenario, ServiceDist, StationId};

use super::*;
use crate::raw::RawConfig;
use crate::{Loaded, parse_scenario_with};

fn toml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        // Policies are changes to a scenario, not scenarios: tested on their own; so are
        // sweep and staffing plans.
        if path.is_dir()
            && path.file_name().is_some_and(|n| {
                n == "policies"
                    || n == "sweeps"
                    || n == "planning"
                    || n == "calibration"
                    || n == "observed"
            })
        {
            continue;
        }
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// Reads the files a config names (traces) relative to the config's directory, as the
/// CLI does.
fn load_bundled(path: &Path) -> Loaded {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.display().to_string();
    let dir = path.parent().unwrap().to_owned();
    let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
    parse_scenario_with(&text, &name, &read).unwrap_or_else(|e| panic!("{e}"))
}

/// The warnings a bundled file states it draws, in order: its `#:expect-warning PATH WORDS`
/// comment lines, each the field the warning is located at and words of its message. A file
/// without such lines must load without a warning; one whose finding is a warning (a queue
/// that stands all day, calibrated to observations) says so where readers see it.
fn expected_warnings(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("#:expect-warning "))
        .map(|rest| {
            let (path, words) = rest.trim().split_once(' ').unwrap_or((rest.trim(), ""));
            (path.to_owned(), words.trim().to_owned())
        })
        .collect()
}

#[test]
fn expect_warning_lines_name_a_field_and_words() {
    let text = "# header\n#:expect-warning stations[0].lanes[1] lane group `ready`\n#:expect-warning stations[0].lanes\n[scenario]\n";
    assert_eq!(
        expected_warnings(text),
        vec![
            (
                "stations[0].lanes[1]".to_owned(),
                "lane group `ready`".to_owned()
            ),
            ("stations[0].lanes".to_owned(), String::new()),
        ]
    );
    assert!(expected_warnings("# plain header\n[scenario]\n").is_empty());
}

#[test]
fn every_bundled_config_loads_without_errors_or_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    let mut files = Vec::new();
    toml_files(&root, &mut files);
    assert!(files.len() >= 6, "found only {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        if crate::is_region(&text) {
            // A region names crossing files, each a scenario loaded here on its own too.
            let dir = path.parent().unwrap().to_owned();
            let read =
                move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
            let region = crate::parse_region_with(&text, &name, &read)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(region.model.crossings.len() >= 2, "{name}");
            assert!(!region.model.region.demand.is_empty(), "{name}");
            continue;
        }
        let loaded = load_bundled(&path);
        let expected = expected_warnings(&text);
        assert_eq!(
            loaded.warnings.len(),
            expected.len(),
            "{name}: the warnings are not the ones its `#:expect-warning` lines state: {:?}",
            loaded.warnings
        );
        for (w, (path, words)) in loaded.warnings.iter().zip(&expected) {
            assert_eq!(&w.path, path, "{name}: {:?}", loaded.warnings);
            assert!(w.message.contains(words.as_str()), "{name}: {w:?}");
        }
        // The whole-file raw type reads the same files (the loader reads it piecewise).
        let raw: RawConfig = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            raw.stations.len(),
            loaded.scenario.crossing.stations().len()
        );
    }
}

#[test]
fn bench_configs_are_the_textbook_queues() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/bench");
    let mm4 = ok(&std::fs::read_to_string(root.join("mm4.toml")).unwrap()).scenario;
    assert_eq!(mm4.replications, 1);
    assert_eq!(mm4.warmup, SimTime::ZERO);
    assert_eq!(mm4.horizon, SimTime::from_mins(277_778));
    let st = mm4.crossing.station(StationId(0));
    assert_eq!((st.id.as_str(), st.max_servers()), ("server", 4));
    assert_eq!(
        st.service,
        vec![Some(ServiceDist::Exponential { mean_ms: 60_000.0 })]
    );
    assert_eq!(
        mm4.crossing.sources()[0]
            .arrivals
            .mean_rate_per_hour()
            .unwrap_or(0.0),
        216.0
    );
    assert!((mm4.offered_loads()[0] - 0.9).abs() < 1e-12);

    let jackson = ok(&std::fs::read_to_string(root.join("jackson.toml")).unwrap()).scenario;
    let loads = jackson.offered_loads();
    assert!(
        (loads[0] - 0.75).abs() < 1e-9 && (loads[1] - 0.6).abs() < 1e-9,
        "{loads:?}"
    );
    assert_eq!(jackson.horizon, SimTime::from_mins(1_000_000));
}

/// Offered load per open server at each station in each hour of the week: each source's
/// share of the traffic equations (from a crossing holding only that source), scaled by its
/// rate that hour. `None` where the station is closed.
fn hourly_loads(s: &Scenario) -> Vec<Vec<Option<f64>>> {
    let crossing = &s.crossing;
    let stations = crossing.stations();
    let mut work = vec![vec![0.0; HOURS_PER_WEEK]; stations.len()];
    for src in crossing.sources() {
        let alone = Crossing::new(
            "one source",
            crossing.population(),
            stations.to_vec(),
            vec![src.clone()],
        )
        .unwrap();
        let loads = alone.offered_loads(s.horizon);
        let mean = src.arrivals.mean_rate_per_hour().unwrap_or(0.0);
        for (st, load) in loads.iter().enumerate() {
            let mean_work = load * stations[st].mean_servers();
            for (h, w) in work[st].iter_mut().enumerate() {
                let at = SimTime::from_hours(h as u64);
                let rate = match &src.arrivals {
                    Arrivals::Profile { profile, .. } => profile.rate_per_hour_at(at, 0),
                    _ => mean,
                };
                if mean > 0.0 {
                    *w += mean_work * rate / mean;
                }
            }
        }
    }
    stations
        .iter()
        .zip(work)
        .map(|(st, work)| {
            (0..HOURS_PER_WEEK)
                .map(|h| {
                    let at = SimTime::from_hours(h as u64);
                    let open: u32 = st.lanes.iter().map(|g| g.schedule.servers_at(at, 0)).sum();
                    (open > 0).then(|| work[h] / f64::from(open))
                })
                .collect()
        })
        .collect()
}

#[test]
fn example_configs_are_busy_but_stable() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/examples");
    for (file, entry_peak) in [
        // The afternoon spike (the 15:00 hour) is over capacity for an hour: that hour's
        // queue gives FHWA's long buffer time.
        ("commercial_truck_crossing.toml", Some((0.95, 1.6))),
        // The morning commute, when the SENTRI overflow fills the Ready booths.
        ("passenger_car_crossing.toml", Some((0.95, 1.3))),
        ("osbp_corridor_crossing.toml", None),
        ("trace_replay.toml", None),
    ] {
        let s = load_bundled(&root.join(file)).scenario;
        let loads = s.offered_loads();
        // Stable over the week: every queue clears eventually.
        assert!(loads.iter().all(|&l| l < 0.9), "{file}: {loads:?}");
        assert_eq!(s.replications, 10);
        if let Some((low, high)) = entry_peak {
            // Busy at the peak: the first station's busiest open hour.
            let peak = hourly_loads(&s)[0]
                .iter()
                .flatten()
                .copied()
                .fold(0.0, f64::max);
            assert!(peak > low && peak < high, "{file}: peak {peak}");
            assert!(s.warmup > SimTime::ZERO);
        }
    }
}

#[test]
fn every_bundled_policy_applies_to_its_baseline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    let mut policies: Vec<_> = std::fs::read_dir(root.join("policies"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    policies.sort();
    assert!(policies.len() >= 8, "{policies:?}");
    for path in policies {
        let name = path.display().to_string();
        let policy = std::fs::read_to_string(&path).unwrap();
        if matches!(crate::policy_crossing(&policy, &name), Ok(Some(_))) {
            continue; // a policy for one crossing of a region: the region tests apply it
        }
        let header: toml::Table = toml::from_str(&policy).unwrap();
        let baseline = header["policy"]
            .get("baseline")
            .and_then(toml::Value::as_str)
            .unwrap_or_else(|| panic!("{name}: a bundled policy names its baseline"));
        let base_path = path.parent().unwrap().join(baseline);
        let base_text = std::fs::read_to_string(&base_path)
            .unwrap_or_else(|e| panic!("{name}: baseline {}: {e}", base_path.display()));
        let base = load_bundled(&base_path).scenario;
        let applied = crate::apply_policy(&base_text, &policy, &name)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let dir = base_path.parent().unwrap().to_owned();
        let read = move |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
        let loaded = parse_scenario_with(&applied.scenario_text, &name, &read)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(loaded.warnings.is_empty(), "{name}: {:?}", loaded.warnings);
        assert_eq!(loaded.scenario.name, applied.name);
        // A policy changes something, and keeps the vehicles' sources.
        assert_eq!(
            loaded.scenario.crossing.sources(),
            base.crossing.sources(),
            "{name}"
        );
        let changed = loaded.scenario.crossing.stations() != base.crossing.stations()
            || loaded.scenario.population() != base.population()
            || loaded.scenario.crossing.operations() != base.crossing.operations()
            || loaded.scenario.crossing.appointments() != base.crossing.appointments();
        assert!(changed, "{name} changes nothing");
    }
}

//! The bundled calibrated San Ysidro example, compared by `bordersim calibrate` with the
//! bundled observations, gives the fit measures its header records (within their rounding):
//! the header cannot drift from what the file does; and the fit meets its targets: daily
//! mean wait of each lane type within 5% of the observed, hourly waits of general and Ready
//! within an RMSE of 15% of their mean observed wait, and their hourly throughput within 5%
//! of the observed volume in every hour. The census of the hours the run's end cuts off is
//! pinned against a count of the event log.

mod common;

use std::fs;
use std::path::PathBuf;

use common::*;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> PathBuf {
    repo().join("configs/examples/san_ysidro_passenger.toml")
}

/// `bordersim calibrate` of the example against its observations, as JSON, with `extra`
/// arguments.
fn calibrate(extra: &[&str]) -> Value {
    let observed = repo().join("configs/observed/san_ysidro_2017_northbound.csv");
    let mut args = vec![
        "calibrate".into(),
        example().into_os_string(),
        "--observed".into(),
        observed.into_os_string(),
        "--format".into(),
        "json".into(),
    ];
    args.extend(extra.iter().map(Into::into));
    let out = bordersim(args);
    assert_eq!(out.code, 0, "{out:#?}");
    serde_json::from_str(&out.stdout).expect("JSON")
}

/// The group of `lane_group` in a calibration's JSON.
fn group<'a>(c: &'a Value, lane_group: &str) -> &'a Value {
    c["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["lane_group"] == lane_group)
        .unwrap_or_else(|| panic!("group {lane_group}"))
}

#[test]
fn the_san_ysidro_example_reproduces_the_fit_in_its_header() {
    let header = fs::read_to_string(example()).expect("the example");
    // The header's figures count every hour, the two the run's end cuts off (01:00 and
    // 02:00) among them.
    let c = calibrate(&["--include-censored"]);
    assert_eq!(
        (&c["include_censored"], &c["censored_excluded"]),
        (&Value::from(true), &Value::from(0))
    );
    // (lane group, the header's label, simulated daily mean wait, observed one, hourly RMSE
    // in % of the observed mean): the header's figures, to its rounding.
    let expected = [
        ("general", "general", "64.62", "63.75", "3.9"),
        ("ready", "Ready", "48.47", "47.96", "4.4"),
        ("sentri", "SENTRI", "22.83", "22.00", "22.8"),
    ];
    for (lane_group, label, sim, obs, rmse) in expected {
        let group = lane_group;
        let line = format!("#   {label} {sim} / {obs} min");
        let recorded = header
            .lines()
            .find(|l| l.starts_with(&line))
            .unwrap_or_else(|| panic!("the header records {line}"));
        assert!(
            recorded.ends_with(&format!("RMSE {rmse}%")),
            "the header records {label}'s RMSE {rmse}: {recorded}"
        );
        let g = self::group(&c, lane_group);
        let w = &g["wait"];
        let f = |k: &str| w[k].as_f64().unwrap_or_else(|| panic!("{group} {k}"));
        assert_eq!(format!("{:.2}", f("simulated_mean")), sim, "{group}");
        assert_eq!(format!("{:.2}", f("observed_mean")), obs, "{group}");
        assert_eq!(
            format!("{:.1}", 100.0 * f("rmse_relative")),
            rmse,
            "{group}"
        );
        // The targets.
        let daily = f("simulated_mean") / f("observed_mean") - 1.0;
        assert!(daily.abs() <= 0.05, "{group}: daily mean off by {daily}");
        if group != "sentri" {
            assert!(f("rmse_relative") <= 0.15, "{group}");
            for h in g["hours"].as_array().expect("hours") {
                let (s, o) = (
                    h["simulated_throughput"].as_f64().expect("simulated"),
                    h["observed_volume"].as_f64().expect("observed"),
                );
                assert!(
                    (s / o - 1.0).abs() <= 0.05,
                    "{group} hour {}: {s} / {o}",
                    h["hour"]
                );
            }
        }
    }
    // By default the censored hours' waits are left out: 01:00 and 02:00 in the general
    // lanes, 02:00 in Ready and SENTRI (10 replications), and the measures say so.
    let d = calibrate(&[]);
    assert_eq!(
        (&d["include_censored"], &d["censored_excluded"]),
        (&Value::from(false), &Value::from(4))
    );
    // Measured on the hours kept (simulated / observed mean and RMSE in % of the observed
    // mean), what the header's figures become without the cut-off hours.
    let kept = [
        ("general", 2, "64.61", "63.95", "3.7"),
        ("ready", 1, "48.68", "48.22", "4.4"),
        ("sentri", 1, "23.45", "22.61", "22.6"),
    ];
    for (lane_group, left_out, sim, obs, rmse) in kept {
        let g = group(&d, lane_group);
        assert_eq!(g["censored_excluded"], left_out, "{lane_group}");
        assert_eq!(g["wait"]["n"], 24 - left_out, "{lane_group}");
        let f = |k: &str| g["wait"][k].as_f64().expect("measure");
        assert_eq!(
            (
                format!("{:.2}", f("simulated_mean")),
                format!("{:.2}", f("observed_mean")),
                format!("{:.1}", 100.0 * f("rmse_relative"))
            ),
            (sim.to_owned(), obs.to_owned(), rmse.to_owned()),
            "{lane_group}"
        );
    }
}

/// The example's run window is 03:00 to 27:00 (warm-up 3 h, horizon 27 h): its 01:00 and
/// 02:00 hours are 25:00-26:00 and 26:00-27:00 of the run. A car joining at 25:00 + x min is
/// counted when its service starts before 27:00, that is when it waits less than 120 − x
/// min; general-lane waits there are about 70-80 min, so the joiners of roughly the last
/// 10-20 min of the hour are cut off: a sixth to a third (the census: 256 of 877 in 3
/// replications, seed 1, 29.2%). At 26:00 + x the wait must be under 60 − x min, and every general-lane wait
/// exceeds an hour: all cut off (973 of 973, 100%). Ready lanes wait about 50 min then: only
/// the first minutes' joiners are counted (147 of 2,201; 93.3% cut off); SENTRI 70 of 308
/// (22.7%). Every other hour is complete. The test counts the same from the event log of the
/// same run (joined the queue inside the window; started inside it) and pins both.
#[test]
fn the_census_of_the_san_ysidro_example_is_that_of_its_event_log() {
    let dir = scratch("census");
    let log = dir.join("events.csv");
    let run = bordersim([
        "run".as_ref(),
        example().as_os_str(),
        "-r".as_ref(),
        "3".as_ref(),
        "--seed".as_ref(),
        "1".as_ref(),
        "--event-log".as_ref(),
        log.as_os_str(),
        "-o".as_ref(),
        dir.join("run.json").as_os_str(),
    ]);
    assert_eq!(run.code, 0, "{run:#?}");
    // (programme, hour) -> (joined inside the window, of them started inside it).
    let (w0, w1) = (3.0 * 3600.0, 27.0 * 3600.0);
    let inside = |t: f64| (w0..w1).contains(&t);
    let mut joined = std::collections::BTreeMap::<(String, u64), (u64, u64)>::new();
    let mut pending = std::collections::BTreeMap::<(String, String), (String, u64, bool)>::new();
    let text = fs::read_to_string(&log).expect("event log");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (key, programme, event) = ((f[0].to_owned(), f[1].to_owned()), f[3], f[6]);
        let t: f64 = f[8].parse().expect("time_s");
        match event {
            "queue" => {
                let hour = (t / 3600.0).floor() as u64 % 24;
                if inside(t) {
                    joined.entry((programme.to_owned(), hour)).or_default().0 += 1;
                }
                pending.insert(key, (programme.to_owned(), hour, inside(t)));
            }
            "start" => {
                if let Some((p, hour, true)) = pending.remove(&key)
                    && inside(t)
                {
                    joined.entry((p, hour)).or_default().1 += 1;
                }
            }
            _ => {}
        }
    }
    let pinned = [
        ("none", 1, 877, 621),
        ("none", 2, 973, 0),
        ("ready", 2, 2201, 147),
        ("sentri", 2, 308, 238),
    ];
    for (programme, hour, j, c) in pinned {
        assert_eq!(
            joined[&(programme.to_owned(), hour)],
            (j, c),
            "{programme} {hour}"
        );
    }
    let c = calibrate(&["-r", "3", "--seed", "1"]);
    for (lane_group, programme) in [
        ("general", "none"),
        ("ready", "ready"),
        ("sentri", "sentri"),
    ] {
        for h in group(&c, lane_group)["hours"].as_array().expect("hours") {
            let hour = h["hour"].as_u64().expect("hour");
            let (j, counted) = joined[&(programme.to_owned(), hour)];
            let share = 1.0 - counted as f64 / j as f64;
            assert_eq!(
                h["censored_share"].as_f64(),
                Some(share),
                "{lane_group} {hour}"
            );
            assert_eq!(h["censored"], share > 0.10, "{lane_group} {hour}");
            // Left out of the measures exactly when censored (default).
            assert_eq!(h["excluded"], share > 0.10, "{lane_group} {hour}");
        }
    }
    // The exact figures: 256 / 877 = 29.19% at 01:00 in the general lanes; all of 02:00.
    let general = &group(&c, "general")["hours"];
    assert_eq!(
        general[1]["censored_share"].as_f64(),
        Some(1.0 - 621.0 / 877.0)
    );
    assert_eq!(
        format!(
            "{:.1}",
            100.0 * general[1]["censored_share"].as_f64().unwrap()
        ),
        "29.2"
    );
    assert_eq!(general[2]["censored_share"].as_f64(), Some(1.0));
    // Two hours left out in the general lanes, one in Ready, one in SENTRI: four in all.
    let left: Vec<u64> = ["general", "ready", "sentri"]
        .iter()
        .map(|g| group(&c, g)["censored_excluded"].as_u64().expect("count"))
        .collect();
    assert_eq!(left, [2, 1, 1]);
    assert_eq!(c["censored_excluded"], 4);
}

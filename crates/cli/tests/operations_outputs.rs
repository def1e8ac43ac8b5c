//! Booked slots and the recovery from events wherever a result is shown: the run table,
//! JSON, CSV and HTML page, the cost of delay, `compare`'s differences and the event log.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::*;

/// The tiny crossing with every truck booking 15-minute slots of 8 at primary.
fn booked() -> String {
    format!(
        "{SCENARIO}\n[[scenario.appointments]]\nid = \"slots\"\nstation = \"primary\"\n\
         class = \"truck\"\nshare = 1.0\nslot = \"15min\"\ncapacity = 8\n\
         value_of_time_per_hour = 30.0\n"
    )
}

/// Runs `bordersim` with `args` (exit 0) and returns its standard output.
fn ok(args: &[&OsStr]) -> String {
    run_ok(args)
}

fn path(p: &Path) -> &OsStr {
    p.as_os_str()
}

/// Writes the run page of `scenario` (with `extra` arguments) and returns it.
fn page_of(dir: &Path, scenario: &Path, extra: &[&str]) -> String {
    let html: PathBuf = dir.join("page.html");
    let mut args: Vec<&OsStr> = vec!["run".as_ref(), path(scenario), "--report".as_ref()];
    args.push(path(&html));
    args.extend(extra.iter().map(OsStr::new));
    ok(&args);
    std::fs::read_to_string(&html).expect("the page is written")
}

#[test]
fn booked_slots_are_on_the_page_in_the_cost_of_delay_in_compare_and_in_the_event_log() {
    let dir = scratch("operations-booking");
    let file = write(&dir, "s.toml", &booked());
    let page = page_of(&dir, &file, &[]);
    assert!(page.contains("Booked arrival slots: waiting area and road queue"));
    assert!(
        page.contains("waiting_area:slots"),
        "the cost of delay's entry"
    );
    // The cost of delay: the waiting-area vehicle-hours at the booking's value of time, the
    // figures of the booking's own block.
    let v = json_of(&file, &[]);
    let a = &v["appointments"][0];
    let e = v["economics"]
        .as_array()
        .expect("economics")
        .iter()
        .find(|e| e["id"] == "waiting_area:slots")
        .expect("a waiting-area entry");
    assert_eq!(e["value_of_time_per_h"], 30.0);
    assert_eq!(
        e["delay_vehicle_hours_per_day"],
        a["area_vehicle_hours_per_day"]
    );
    assert_eq!(e["value_per_day"], a["area_value_per_day"]);
    assert!(
        a["area_vehicle_hours_per_day"].as_f64() > Some(0.0),
        "{a:#}"
    );
    let table = ok(&["run".as_ref(), path(&file)]);
    assert!(table.contains("waiting_area:slots"), "{table}");
    // compare: the booking's rows with paired intervals, against the same crossing without
    // booking (the booking system's own rows: not present in the baseline).
    let base = write(&dir, "base.toml", SCENARIO);
    let out = ok(&[
        "compare".as_ref(),
        path(&file),
        "--variant".as_ref(),
        path(&base),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let c: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let text = c.to_string();
    for metric in [
        "waiting_area_mean_s",
        "road_queue_mean",
        "booked_per_day",
        "not_booked_per_day",
        "waiting_area_vehicle_hours_per_day",
        "waiting_area_value_per_day",
    ] {
        assert!(
            text.contains(&format!("\"metric\":\"{metric}\"")),
            "{metric} in {text}"
        );
    }
    // Booking against booking at another share: compared, with an interval.
    let half = write(
        &dir,
        "half.toml",
        &booked().replace("share = 1.0", "share = 0.5"),
    );
    let out = ok(&[
        "compare".as_ref(),
        path(&file),
        "--variant".as_ref(),
        path(&half),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    let c: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let rows: Vec<&serde_json::Value> = c["variants"][0]["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .filter(|d| d["entity"] == "appointment:slots")
        .collect();
    assert_eq!(rows.len(), 6, "{rows:#?}");
    let booked = rows
        .iter()
        .find(|d| d["metric"] == "booked_per_day")
        .expect("bookings");
    assert!(
        booked["delta"].as_f64() < Some(0.0),
        "half book: {booked:#}"
    );
    assert!(booked["ci95"].as_f64().is_some(), "{booked:#}");
    let table = ok(&[
        "compare".as_ref(),
        path(&file),
        "--variant".as_ref(),
        path(&half),
    ]);
    assert!(table.contains("waiting_area_mean (min)"), "{table}");
    assert!(table.contains("booked_per_day"), "{table}");
    // The event log: each booked truck books at its arrival and is called forward later.
    let log = dir.join("events.csv");
    ok(&[
        "run".as_ref(),
        path(&file),
        "-r".as_ref(),
        "1".as_ref(),
        "--event-log".as_ref(),
        path(&log),
    ]);
    let log = std::fs::read_to_string(&log).expect("the log");
    let count = |kind: &str| {
        log.lines()
            .filter(|l| l.contains(&format!(",{kind},")))
            .count()
    };
    assert!(count("book") > 100, "{}", &log[..log.len().min(2000)]);
    assert!(count("call_forward") > 0);
    assert!(count("call_forward") <= count("book"));
}

#[test]
fn the_recovery_from_events_is_in_the_table_json_csv_and_page() {
    let dir = scratch("operations-recovery");
    // Every primary booth out 02:00-04:00: trucks and cars queue, then drain (over 24 h:
    // the secondary station, busy 70% of the time, takes hours to clear its share).
    let text = format!(
        "{}\n[[scenario.events]]\nkind = \"outage\"\nstation = \"primary\"\n\
         from = \"day 1 02:00\"\nto = \"day 1 04:00\"\n",
        SCENARIO.replace("horizon = \"10h\"", "horizon = \"24h\"")
    );
    let file = write(&dir, "s.toml", &text);
    let v = json_of(&file, &[]);
    let r = &v["recovery"];
    assert_eq!(r["events_end_h"], 4.0, "{r:#}");
    assert!(r["extra_vehicle_hours"].as_f64() > Some(10.0), "{r:#}");
    // Each replication is back at the end of a whole hour after 04:00: the mean lies in
    // that range, and the time to recover is measured from the outage's end.
    let back = r["recovered_h"].as_f64().expect("recovers within 24 h");
    assert!((5.0..24.0).contains(&back), "{r:#}");
    assert_eq!(r["recovery_h"].as_f64(), Some(back - 4.0));
    assert_eq!(r["recovery_h_ci95"], r["recovered_h_ci95"], "{r:#}");
    assert!(r["recovered_h_ci95"].as_f64().is_some(), "{r:#}");
    assert_eq!(r["not_recovered_share"].as_f64(), Some(0.0), "{r:#}");
    let event = &r["events"][0];
    assert_eq!(event["kind"], "outage", "{r:#}");
    assert!(event["recovered_h"].as_f64() <= Some(back), "{r:#}");
    assert_eq!(r["extra_by_hour"].as_array().map(Vec::len), Some(24));
    let table = ok(&["run".as_ref(), path(&file)]);
    assert!(table.contains("Recovery after events"), "{table}");
    assert!(
        table.contains(&format!(
            "back to normal for good at:         hour {back:.2} ±"
        )),
        "{table}"
    );
    let csv = ok(&[
        "run".as_ref(),
        path(&file),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    for statistic in [
        "recovered_h",
        "recovered_h_ci95",
        "recovery_h",
        "recovery_h_ci95",
        "not_recovered_share",
    ] {
        assert!(
            csv.contains(&format!(",recovery,all,{statistic},")),
            "{csv}"
        );
        assert!(
            csv.contains(&format!(",recovery,event|0,{statistic},")),
            "{csv}"
        );
    }
    assert!(csv.contains(",recovery,hour|3,extra_vehicles,"), "{csv}");
    let page = page_of(&dir, &file, &[]);
    assert!(page.contains("Recovery after events"));
    assert!(page.contains("back to normal for good at"));
    assert!(page.contains(&format!("hour {back:.2} ± ")), "{page}");
    // Without events: no block, no section.
    let base = write(&dir, "base.toml", SCENARIO);
    assert!(json_of(&base, &[]).get("recovery").is_none());
    let table = ok(&["run".as_ref(), path(&base)]);
    assert!(!table.contains("Recovery after events"));
}

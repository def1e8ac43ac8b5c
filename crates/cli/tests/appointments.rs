//! Booked arrival slots through the CLI: a share of 0 gives the outputs of the run without
//! booking (the booking system's own block aside), the run table, JSON and CSV show the
//! waiting area, `compare` runs a booking policy, and bad bookings exit 2 located.

mod common;

use std::ffi::OsStr;

use common::*;

/// The tiny crossing with trucks booking at primary.
fn booked(share: &str, extra: &str) -> String {
    format!(
        "{SCENARIO}\n[[scenario.appointments]]\nid = \"slots\"\nstation = \"primary\"\n\
         class = \"truck\"\nshare = {share}\nslot = \"15min\"\ncapacity = 8\n{extra}"
    )
}

fn outputs(file: &std::path::Path, format: &str) -> String {
    run_ok(&[
        "run".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        OsStr::new(format),
    ])
}

#[test]
fn a_share_of_zero_gives_the_outputs_of_the_run_without_booking() {
    let dir = scratch("appointments-zero");
    let base = write(&dir, "base.toml", SCENARIO);
    let zero = write(&dir, "zero.toml", &booked("0.0", ""));
    let a = without_performance(json_of(&base, &[]));
    let mut b = without_performance(json_of(&zero, &[]));
    let block = b
        .as_object_mut()
        .unwrap()
        .remove("appointments")
        .expect("the booking system's block");
    assert_eq!(block[0]["booked"], 0);
    // The cost of delay's waiting-area entry is the booking system's too: nothing in it.
    let economics = b["economics"].as_array_mut().expect("economics");
    let area = economics.pop().expect("the waiting-area entry");
    assert_eq!(area["id"], "waiting_area:slots");
    assert_eq!(area["delay_vehicle_hours_per_day"], 0.0);
    assert_eq!(a, b);
    // CSV: every row of the run without booking, byte for byte, and the booking rows (the
    // wall-clock measurements aside).
    let timed = |l: &&str| {
        [",wall_s,", ",events_per_s,", ",threads,"]
            .iter()
            .any(|t| l.contains(t))
    };
    let csv_a = outputs(&base, "csv");
    let csv_b = outputs(&zero, "csv");
    let rows_b: Vec<&str> = csv_b
        .lines()
        .filter(|l| {
            !l.contains(",appointment,") && !l.contains(",waiting_area:slots,") && !timed(l)
        })
        .collect();
    let rows_a: Vec<&str> = csv_a.lines().filter(|l| !timed(l)).collect();
    assert_eq!(rows_a, rows_b);
}

#[test]
fn the_waiting_area_is_in_the_table_json_and_csv_and_compare_runs_a_booking_policy() {
    let dir = scratch("appointments-outputs");
    let file = write(&dir, "s.toml", &booked("1.0", ""));
    let table = run_ok(&["run".as_ref(), file.as_os_str()]);
    assert!(
        table.contains("Booked arrival slots: waiting area and road queue"),
        "{table}"
    );
    let v = json_of(&file, &[]);
    let a = &v["appointments"][0];
    assert_eq!(a["id"], "slots");
    assert!(a["booked"].as_u64() > Some(100), "{a:#}");
    assert!(a["waiting_area"]["mean_s"].as_f64().is_some(), "{a:#}");
    let csv = outputs(&file, "csv");
    assert!(csv.contains(",appointment,slots,area_mean_s,"), "{csv}");
    assert!(csv.contains(",appointment,slots,road_queue_mean,"), "{csv}");
    let policy = write(
        &dir,
        "p.toml",
        "[policy]\nname = \"book\"\nbaseline = \"base.toml\"\n\n[[appointments]]\n\
         id = \"slots\"\nstation = \"primary\"\nclass = \"truck\"\nshare = 0.5\n\
         capacity = 6\n",
    );
    write(&dir, "base.toml", SCENARIO);
    let base = dir.join("base.toml");
    let out = bordersim([
        "compare".as_ref(),
        base.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn bad_bookings_exit_2_located_and_nothing_is_written() {
    let dir = scratch("appointments-bad");
    for (extra_share, field) in [
        ("1.5", "scenario.appointments[0].share"),
        ("-0.5", "scenario.appointments[0].share"),
    ] {
        let file = write(&dir, "bad.toml", &booked(extra_share, ""));
        let out = bordersim(["run".as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 2, "{out:#?}");
        assert!(out.stderr.contains(field), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let zero = booked("0.5", "").replace("capacity = 8", "capacity = 0");
    let unknown = booked("0.5", "").replace("class = \"truck\"", "class = \"lorry\"");
    let nowhere = booked("0.5", "").replace("station = \"primary\"", "station = \"secondry\"");
    for (text, field, words) in [
        (
            zero,
            "scenario.appointments[0].capacity",
            "slot capacity is zero",
        ),
        (
            unknown,
            "scenario.appointments[0].class",
            "unknown class `lorry`",
        ),
        (
            nowhere,
            "scenario.appointments[0].station",
            "did you mean `secondary`",
        ),
    ] {
        let file = write(&dir, "bad.toml", &text);
        let csv = dir.join("out.csv");
        let out = bordersim([
            "run".as_ref(),
            file.as_os_str(),
            "--format".as_ref(),
            "csv".as_ref(),
            "--output".as_ref(),
            csv.as_os_str(),
        ]);
        assert_eq!(out.code, 2, "{out:#?}");
        assert!(out.stderr.contains(field), "{}", out.stderr);
        assert!(out.stderr.contains(words), "{}", out.stderr);
        assert!(out.stderr.contains("bad.toml:"), "{}", out.stderr);
        assert!(!csv.exists());
    }
}

/// The run page has the run's costs (queue and waiting-area hours, resource, cargo, staff
/// and total cost), emissions and detections, each with its interval, and its economics
/// caption gives the days a year the figures were annualised with (not 365).
#[test]
fn the_run_page_has_costs_emissions_and_detections_annualised_as_the_figures() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    let scenario = root.join("examples/commercial_truck_crossing.toml");
    let dir = scratch("appointments-run-page");
    let page = dir.join("page.html");
    let json: serde_json::Value = serde_json::from_str(&run_ok(&[
        "run".as_ref(),
        scenario.as_os_str(),
        "--replications".as_ref(),
        "2".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        "--report".as_ref(),
        page.as_os_str(),
    ]))
    .expect("one JSON document");
    let html = std::fs::read_to_string(&page).expect("page written");
    let costs = &json["costs"];
    let days = costs["annualisation_days"].as_f64().expect("days");
    assert!((days - 365.0).abs() > 1.0, "a weekday-heavy week: {days}");
    let days = format!("a year = {days:.2} days");
    // Once in the delay caption, once under each of the new sections.
    assert_eq!(html.matches(&days).count(), 2, "{days}");
    assert!(!html.contains("a year = 365 days"));
    for (id, title) in [
        ("costs", "Costs of delay and staff"),
        ("emissions", "Emissions of queueing"),
        ("detections", "Detections"),
    ] {
        assert!(
            html.contains(&format!("id=\"{id}\"")) && html.contains(title),
            "{id}"
        );
    }
    for column in [
        "waiting-area vehicle-h/day",
        "resource cost/day",
        "cargo time cost/day",
        "staff cost/day",
        "total cost/year",
        "CO2 kg/day",
        "NOx g/day",
        "PM2.5 g/day",
        "detections/day",
        "probability of finding",
    ] {
        assert!(html.contains(column), "{column}");
    }
    // The system's figures as the JSON has them, with their intervals.
    let system = costs["costs"]
        .as_array()
        .expect("cost lines")
        .iter()
        .find(|l| l["entity"] == "system")
        .expect("system");
    let total = &system["total_cost"];
    for v in [
        &total["per_day"],
        &total["per_day_ci95"],
        &total["per_year"],
    ] {
        let cell = group(v.as_f64().expect("a figure"));
        assert!(html.contains(&format!(">{cell}<")), "{cell}");
    }
    let found = &costs["detections"]["detections"];
    for v in [&found["per_day"], &found["per_day_ci95"]] {
        let cell = format!("{:.2}", v.as_f64().expect("a figure"));
        assert!(html.contains(&format!(">{cell}<")), "{cell}");
    }
}

/// `x` rounded to a whole number with thousands separators, as the page prints money.
fn group(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        format!("-{out}")
    } else {
        out
    }
}

//! Reneging through the CLI: the vehicles that gave up in the run table, JSON and CSV;
//! `compare` measuring a change of patience on the same vehicles; bad patience refused with
//! a located error and exit 2.

mod common;

use common::*;

/// The tiny crossing with its primary loaded past its booths and cars that give up there
/// after `mean` on average (`extra`: more lines for the car class).
fn impatient(mean: &str, extra: &str) -> String {
    let s = scenario_with("rate = \"30/h\"", "rate = \"120/h\"");
    s.replacen(
        "[[classes]]\nid = \"car\"\n",
        &format!(
            "[[classes]]\nid = \"car\"\npatience = {{ dist = \"exponential\", mean = \"{mean}\" }}\n{extra}"
        ),
        1,
    )
}

#[test]
fn vehicles_that_give_up_are_reported_apart_and_conserved() {
    let dir = scratch("reneging-run");
    let file = write(
        &dir,
        "s.toml",
        &impatient("5min", "patience_at = [\"primary\"]\n"),
    );
    let v = json_of(&file, &[]);
    let veh = &v["vehicles"];
    let n = |k: &str| veh[k].as_u64().unwrap_or(0);
    assert!(n("abandoned") > 50, "{veh}");
    assert_eq!(
        n("in_system_at_start") + n("arrived"),
        n("departed") + n("balked") + n("abandoned") + n("in_system_at_end")
    );
    let rows = v["abandonment"].as_array().expect("abandonment rows");
    assert_eq!(rows.len(), 1, "only cars, only at primary: {rows:?}");
    assert_eq!(rows[0]["station"], "primary");
    assert_eq!(rows[0]["class"], "car");
    assert_eq!(rows[0]["abandoned"].as_u64(), Some(n("abandoned")));
    assert!(rows[0]["wait"]["mean_s"].as_f64().unwrap() > 0.0);
    let table = run_ok(&["run".as_ref(), file.as_os_str()]);
    assert!(
        table.contains("Reneging: vehicles that gave up waiting"),
        "{table}"
    );
    assert!(table.contains("gave up waiting (sums"), "{table}");
    let csv = run_ok(&[
        "run".as_ref(),
        file.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
    ]);
    assert!(csv.contains(",abandonment,primary:car,abandoned,"), "{csv}");
    assert!(csv.contains(",vehicles,all,abandoned,"), "{csv}");
    // Without patience nothing of it shows.
    let plain = write(
        &dir,
        "plain.toml",
        &scenario_with("rate = \"30/h\"", "rate = \"120/h\""),
    );
    let v = json_of(&plain, &[]);
    assert!(v.get("abandonment").is_none());
    assert!(v["vehicles"].get("abandoned").is_none());
}

#[test]
fn compare_measures_a_change_of_patience_on_the_same_vehicles() {
    let dir = scratch("reneging-compare");
    let base = write(&dir, "base.toml", &impatient("5min", ""));
    let policy = write(
        &dir,
        "patient.toml",
        "[policy]\nname = \"More patient drivers\"\nmeasure = \"patience\"\nbaseline = \"base.toml\"\n\n\
         [[override]]\npath = \"classes.car.patience.mean\"\nvalue = \"30min\"\n",
    );
    let out = bordersim([
        "compare".as_ref(),
        base.as_os_str(),
        "--policy".as_ref(),
        policy.as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn bad_patience_is_refused_with_its_place() {
    let dir = scratch("reneging-bad");
    for (mean, extra, needle) in [
        ("0s", "", "mean must be longer than 0"),
        ("-5min", "", "patience"),
        ("5min", "patience_at = [\"primery\"]\n", "primary"),
    ] {
        let file = write(&dir, "bad.toml", &impatient(mean, extra));
        let out = bordersim(["run".as_ref(), file.as_os_str()]);
        assert_eq!(out.code, 2, "{out:#?}");
        assert!(out.stderr.contains("classes[1].patience"), "{}", out.stderr);
        assert!(out.stderr.contains(needle), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let file = write(
        &dir,
        "bad.toml",
        &scenario_with(
            "[[classes]]\nid = \"car\"\n",
            "[[classes]]\nid = \"car\"\npatience_at = [\"primary\"]\n",
        ),
    );
    let out = bordersim(["run".as_ref(), file.as_os_str()]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("has no patience"), "{}", out.stderr);
}

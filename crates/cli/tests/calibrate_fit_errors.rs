//! `bordersim calibrate --fit` with fit files whose shortcuts are wrong, and observation
//! files lacking what a shortcut needs: each problem is located (file, line, column, field),
//! the exit code is 2, and neither the report nor the calibrated scenario is written.

mod common;

use std::path::Path;

use common::*;

/// A crossing with two lane groups at its primary station, each fed by its own source.
const LANES: &str = r#"[scenario]
name = "two lane groups"
horizon = "26h"
warmup = "2h"
replications = 2
seed = 3

[[programmes]]
id = "fast"

[[classes]]
id = "car"

[[classes]]
id = "fast-car"
programmes = { fast = 1 }

[[stations]]
id = "primary"
service = { dist = "exponential", mean = "1min" }

[[stations.lanes]]
id = "general"
servers = 4
serves = { programmes = ["none"] }

[[stations.lanes]]
id = "fast"
servers = 2
serves = { programme = "fast" }

[[stations]]
id = "secondary"
servers = 1
service = { dist = "exponential", mean = "1min" }

[[sources]]
id = "cars"
class = "car"
rate = "200/h"
entry = "primary"

[[sources]]
id = "fast-cars"
class = "fast-car"
rate = "100/h"
entry = "primary"

[[sources]]
id = "late"
class = "car"
rate = "1/h"
entry = "secondary"
"#;

/// Every hour of both lane groups, with volumes and waits.
fn observed() -> String {
    let mut text = String::from("station,lane_group,hour,wait_min,volume,open_lanes\n");
    for group in ["general", "fast"] {
        for h in 0..24 {
            text.push_str(&format!("primary,{group},{h},{},200,4\n", 10 + h % 5));
        }
    }
    text
}

/// A standing-queue shortcut on the general lanes, with `extra` lines added to its table.
fn standing(extra: &str) -> String {
    format!(
        "[[shortcuts.standing_queue]]\nsource = \"cars\"\nstation = \"primary\"\nlane_group = \"general\"\n{extra}"
    )
}

/// Runs `calibrate --fit` with `fit` and `obs` and checks the failure: exit 2, `message`
/// in standard error at `fit:LINE:COL` (where the last occurrence of `needle` in the fit
/// file starts), and nothing written.
fn rejected(test: &str, fit: &str, obs: &str, needle: &str, message: &str) {
    let dir = scratch(&format!("calibrate-fit-errors-{test}"));
    let scenario = write(&dir, "s.toml", LANES);
    let obs_path = write(&dir, "obs.csv", obs);
    let fit_path = write(&dir, "fit.toml", fit);
    let report = dir.join("report.json");
    let calibrated = dir.join("calibrated.toml");
    let page = dir.join("fit.html");
    let out = bordersim([
        "calibrate".as_ref(),
        scenario.as_os_str(),
        "--observed".as_ref(),
        obs_path.as_os_str(),
        "--fit".as_ref(),
        fit_path.as_os_str(),
        "--output".as_ref(),
        calibrated.as_os_str(),
        "--report".as_ref(),
        page.as_os_str(),
        "--quiet".as_ref(),
    ]);
    assert_eq!(out.code, 2, "{test}: {out:#?}");
    // The needle's last occurrence (the second of two shortcut headers, say).
    let at = fit.rfind(needle).expect("the needle is in the fit file");
    let line = fit[..at].matches('\n').count() + 1;
    let column = fit[..at]
        .rsplit('\n')
        .next()
        .map_or(0, |l| l.chars().count())
        + 1;
    let located = format!("{}:{line}:{column}: {message}", fit_path.display());
    assert!(
        out.stderr.contains(&located),
        "{test}: expected\n{located}\nin\n{}",
        out.stderr
    );
    for p in [&report, &calibrated, &page] {
        assert!(
            !Path::new(p).exists(),
            "{test}: {} was written",
            p.display()
        );
    }
}

#[test]
fn an_unknown_station_lane_group_or_source_is_located_with_a_suggestion() {
    let obs = observed();
    rejected(
        "group",
        &standing("").replace("\"general\"", "\"genral\""),
        &obs,
        "\"genral\"",
        "shortcuts.standing_queue[0], field lane_group: `lanes` has no entry `genral` (did you mean `general`?)",
    );
    rejected(
        "station",
        &standing("").replace("\"primary\"", "\"primry\""),
        &obs,
        "\"primry\"",
        "shortcuts.standing_queue[0], field station: `stations` has no entry `primry` (did you mean `primary`?)",
    );
    rejected(
        "source",
        &standing("").replace("\"cars\"", "\"crs\""),
        &obs,
        "\"crs\"",
        "shortcuts.standing_queue[0], field source: `sources` has no entry `crs` (did you mean `cars`?)",
    );
    rejected(
        "entry",
        &standing("").replace("\"cars\"", "\"late\""),
        &obs,
        "\"late\"",
        "shortcuts.standing_queue[0], field source: source `late` enters station `secondary`, not `primary`",
    );
    rejected(
        "service",
        &standing("service = \"stations.primary.lanes.general.servers\"\n"),
        &obs,
        "\"stations.primary.lanes.general.servers\"",
        "shortcuts.standing_queue[0], field service: `stations.primary.lanes.general.servers` is not a duration",
    );
    // The demand shortcut's names are checked the same way (a typo used to do nothing).
    let demand = "[[shortcuts.demand]]\nsource = \"cars\"\nstation = \"primary\"\nlane_group = \"general\"\nclass = \"cra\"\n";
    rejected(
        "demand-class",
        demand,
        &obs,
        "\"cra\"",
        "shortcuts.demand[0], field class: `classes` has no entry `cra` (did you mean `car`?)",
    );
}

#[test]
fn wrong_types_and_unknown_or_missing_fields_name_the_field() {
    let obs = observed();
    rejected(
        "type",
        &standing("").replace("\"general\"", "3"),
        &obs,
        "3",
        "field lane_group: invalid type: integer `3`, expected a string",
    );
    rejected(
        "band-type",
        &standing("wait_bands = [0, \"6\"]\n"),
        &obs,
        "\"6\"",
        "field wait_bands: invalid type: string \"6\", expected u8",
    );
    rejected(
        "band-negative",
        &standing("wait_bands = [-1]\n"),
        &obs,
        "-1",
        "field wait_bands: invalid value: integer `-1`, expected u8",
    );
    rejected(
        "unknown",
        &standing("wait_band = [0]\n"),
        &obs,
        "wait_band",
        "unknown field `wait_band`, expected one of",
    );
    rejected(
        "missing",
        "[[shortcuts.standing_queue]]\nsource = \"cars\"\nstation = \"primary\"\n",
        &obs,
        "[[shortcuts.standing_queue]]",
        "missing field `lane_group`",
    );
}

#[test]
fn bands_that_make_no_sense_and_shortcuts_that_collide_are_refused() {
    let obs = observed();
    for (test, bands) in [
        ("band-order", "[6, 0]"),
        ("band-hour", "[0, 24]"),
        ("band-empty", "[]"),
        ("band-twice", "[6, 6]"),
    ] {
        rejected(
            test,
            &standing(&format!("wait_bands = {bands}\n")),
            &obs,
            bands,
            &format!(
                "shortcuts.standing_queue[0], field wait_bands: {bands} must be first hours 0–23, strictly increasing"
            ),
        );
    }
    // Two shortcuts writing the same lane group: the second would undo the first.
    let twice = format!(
        "{}\n{}",
        standing(""),
        standing("").replace("\"cars\"", "\"fast-cars\"")
    );
    rejected(
        "twice",
        &twice,
        &obs,
        "[[shortcuts.standing_queue]]",
        "shortcuts.standing_queue[1]: lane group `general` of station `primary` is already set by the shortcut at",
    );
    // A parameter's bounds: not finite, or the wrong way round.
    let parameter = |min: &str, max: &str| {
        format!(
            "[[parameter]]\npath = \"stations.primary.service.mean\"\nmin = {min}\nmax = {max}\n"
        )
    };
    rejected(
        "nan",
        &parameter("nan", "1.0"),
        &obs,
        "nan",
        "parameter[0] (`stations.primary.service.mean`), field min: the bound must be finite",
    );
    rejected(
        "reversed",
        &parameter("\"90s\"", "\"20s\""),
        &obs,
        "\"90s\"",
        "parameter[0] (`stations.primary.service.mean`), field min: min 90 is above max 20",
    );
}

#[test]
fn observations_lacking_what_a_shortcut_needs_are_located_at_the_shortcut() {
    let fit = standing("wait_bands = [0, 12]\n");
    let lacks = "shortcuts.standing_queue[0]: the observations of primary/general/all/all do not give what a standing queue needs: ";
    // No volume column.
    let no_volume: String = observed()
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            format!("{},{},{},{}\n", c[0], c[1], c[2], c[3])
        })
        .collect();
    rejected(
        "no-volume",
        &fit,
        &no_volume,
        "[[shortcuts.standing_queue]]",
        &format!("{lacks}the volume of every hour 0–23 (hour 0 has none"),
    );
    // No lane_group column: no row of the group.
    let no_group: String = observed()
        .lines()
        .filter(|l| !l.contains(",fast,"))
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            format!("{},{},{},{}\n", c[0], c[2], c[3], c[4])
        })
        .collect();
    rejected(
        "no-group",
        &fit,
        &no_group,
        "[[shortcuts.standing_queue]]",
        &format!("{lacks}the observation file has no row of that lane group"),
    );
    // An hour without a volume.
    let gap = observed().replace("primary,general,5,10,200,4", "primary,general,5,10,,4");
    rejected(
        "gap",
        &fit,
        &gap,
        "[[shortcuts.standing_queue]]",
        &format!("{lacks}the volume of every hour 0–23 (hour 5 has none"),
    );
    // A band without an observed wait.
    let no_morning = observed()
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            match c[2].parse::<u8>() {
                Ok(h) if h < 12 && c[1] == "general" => {
                    format!("{},{},{},,{},{}\n", c[0], c[1], c[2], c[4], c[5])
                }
                _ => format!("{l}\n"),
            }
        })
        .collect::<String>();
    rejected(
        "band",
        &fit,
        &no_morning,
        "[[shortcuts.standing_queue]]",
        &format!("{lacks}the hour band 0–11 has no observed wait"),
    );
    // The demand shortcut on a group without volumes.
    rejected(
        "demand",
        "[[shortcuts.demand]]\nsource = \"cars\"\nstation = \"primary\"\nlane_group = \"general\"\n",
        &no_volume,
        "\"cars\"",
        "shortcuts.demand[0]: the observation file has no volume for primary/general/all/all",
    );
}

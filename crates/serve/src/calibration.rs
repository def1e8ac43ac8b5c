//! A calibration's result in the two formats beside its JSON: the tidy CSV of
//! `bordersim calibrate --format csv` and the view the calibration page
//! (`bordersim_report::calibration`, `--report`) is drawn from. Both are functions of the
//! calibration crate's types alone, so the command line and the server give the same bytes
//! for the same calibration.

use bordersim_calibrate::{Calibration, FitReport, Measures, Unit};
use bordersim_report::{CalibrationView, GroupView, HourView, MeasureView, ParameterView};

/// The calibration page's view of `model` (the scenario as given against the observations)
/// and of its `fit`, when there is one: the calibrated model (or the only one) hour by hour,
/// the one before the fit beside it, the measures of both, and the fitted values.
pub fn view(model: &Calibration, fit: Option<&FitReport>) -> CalibrationView {
    let shown = fit.map_or(model, |f| &f.after);
    let fitted = fit.is_some();
    // Before and after are compared on the same observations: the groups line up.
    let pair = |before: Option<&Measures>, after: Option<&Measures>| {
        if fitted {
            [measure_view(before), measure_view(after)]
        } else {
            [measure_view(before), None]
        }
    };
    let groups = shown
        .groups
        .iter()
        .zip(&model.groups)
        .map(|(g, b)| GroupView {
            name: g.group.clone(),
            hours: g
                .hours
                .iter()
                .zip(&b.hours)
                .map(|(h, bh)| HourView {
                    hour: h.hour,
                    observed_wait_min: h.observed_wait_min,
                    simulated_wait_min: h.simulated_wait_min,
                    simulated_wait_ci95_min: h.simulated_wait_ci95_min,
                    before_wait_min: if fitted { bh.simulated_wait_min } else { None },
                    observed_volume: h.observed_volume,
                    simulated_throughput: h.simulated_throughput,
                    simulated_throughput_ci95: h.simulated_throughput_ci95,
                    censored_share: h.censored_share,
                    censored: h.censored,
                    excluded: h.excluded,
                })
                .collect(),
            wait: pair(b.wait.as_ref(), g.wait.as_ref()),
            throughput: pair(b.throughput.as_ref(), g.throughput.as_ref()),
            censored_excluded: g.censored_excluded,
        })
        .collect();
    let parameters = fit.map_or_else(Vec::new, |f| {
        f.parameters
            .iter()
            .map(|p| ParameterView {
                name: p.name.clone(),
                unit: unit(p.unit).to_owned(),
                initial: p.initial,
                value: p.value,
                min: p.min,
                max: p.max,
                at_bound: p.at_bound,
            })
            .collect()
    });
    CalibrationView {
        scenario: shown.scenario.clone(),
        seed: shown.seed,
        replications: shown.replications,
        fitted,
        groups,
        wait: pair(model.wait.as_ref(), shown.wait.as_ref()),
        throughput: pair(model.throughput.as_ref(), shown.throughput.as_ref()),
        parameters,
        shortcuts: fit.map_or_else(Vec::new, |f| f.shortcuts.clone()),
        evaluations: fit.map_or(0, |f| f.evaluations),
        include_censored: shown.include_censored,
        censored_excluded: shown.censored_excluded,
    }
}

/// A parameter's unit as the page prints it.
fn unit(unit: Unit) -> &'static str {
    match unit {
        Unit::Seconds => "s",
        Unit::Number => "",
    }
}

/// The page's view of a measure.
fn measure_view(m: Option<&Measures>) -> Option<MeasureView> {
    m.map(|m| MeasureView {
        n: m.n,
        observed_mean: m.observed_mean,
        simulated_mean: m.simulated_mean,
        rmse: m.rmse,
        rmse_relative: m.rmse_relative,
        mae: m.mae,
        mean_bias: m.mean_bias,
        mape_percent: m.mape_percent,
        theil_u: m.theil_u,
    })
}

/// Tidy CSV: `scenario,stage,entity_type,entity,statistic,value` (stage `model`, or
/// `before`/`after` of a fit, and `fit` for the fitted parameters); waits in minutes,
/// throughput in vehicles per hour, an empty value where there is none. Each hour has its
/// `censored_share` (0–1), `censored` and `excluded` (0 or 1: its wait left out of the
/// measures); each group and the whole its `censored_excluded` (hours left out) and the
/// whole `include_censored`.
///
/// # Errors
///
/// When the CSV writer fails (it writes into memory: in practice never).
pub fn csv(model: &Calibration, fit: Option<&FitReport>) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scenario",
        "stage",
        "entity_type",
        "entity",
        "statistic",
        "value",
    ])?;
    let name = model.scenario.as_str();
    let stages: Vec<(&str, &Calibration)> = match fit {
        None => vec![("model", model)],
        Some(f) => vec![("before", &f.before), ("after", &f.after)],
    };
    let num = |v: Option<f64>| {
        v.filter(|x| x.is_finite())
            .map_or(String::new(), |x| x.to_string())
    };
    for (stage, c) in stages {
        for g in &c.groups {
            for h in &g.hours {
                let entity = format!("{}|{}", g.group, h.hour);
                for (statistic, value) in [
                    ("observed_wait_min", h.observed_wait_min),
                    ("simulated_wait_min", h.simulated_wait_min),
                    ("simulated_wait_ci95_min", h.simulated_wait_ci95_min),
                    ("observed_wait_p95_min", h.observed_wait_p95_min),
                    ("simulated_wait_p95_min", h.simulated_wait_p95_min),
                    ("observed_volume", h.observed_volume),
                    ("simulated_throughput", h.simulated_throughput),
                    ("simulated_throughput_ci95", h.simulated_throughput_ci95),
                    ("observed_open_lanes", h.observed_open_lanes),
                ] {
                    w.write_record([name, stage, "hour", &entity, statistic, &num(value)])?;
                }
                for (statistic, value) in [
                    ("censored_share", num(h.censored_share)),
                    ("censored", u8::from(h.censored).to_string()),
                    ("excluded", u8::from(h.excluded).to_string()),
                ] {
                    w.write_record([name, stage, "hour", &entity, statistic, &value])?;
                }
            }
            w.write_record([
                name,
                stage,
                "group",
                &g.group,
                "censored_excluded",
                &g.censored_excluded.to_string(),
            ])?;
            for (what, m) in [("wait", &g.wait), ("throughput", &g.throughput)] {
                let at = Row {
                    name,
                    stage,
                    entity_type: "group",
                    entity: &g.group,
                };
                measure_rows(&mut w, &at, what, m.as_ref())?;
            }
        }
        for (what, m) in [("wait", &c.wait), ("throughput", &c.throughput)] {
            let at = Row {
                name,
                stage,
                entity_type: "overall",
                entity: "all",
            };
            measure_rows(&mut w, &at, what, m.as_ref())?;
        }
        for (statistic, value) in [
            ("objective", c.objective.to_string()),
            ("censored_excluded", c.censored_excluded.to_string()),
            ("include_censored", u8::from(c.include_censored).to_string()),
        ] {
            w.write_record([name, stage, "overall", "all", statistic, &value])?;
        }
    }
    if let Some(f) = fit {
        for p in &f.parameters {
            for (statistic, value) in [
                ("value", p.value.to_string()),
                ("initial", p.initial.to_string()),
                ("min", p.min.to_string()),
                ("max", p.max.to_string()),
                ("at_bound", u8::from(p.at_bound).to_string()),
            ] {
                w.write_record([name, "fit", "parameter", &p.name, statistic, &value])?;
            }
        }
        for (statistic, value) in [
            ("evaluations", f.evaluations.to_string()),
            (
                "seconds_per_evaluation",
                f.seconds_per_evaluation.to_string(),
            ),
        ] {
            w.write_record([name, "fit", "fit", "all", statistic, &value])?;
        }
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// Where a measure's rows go: the first four columns.
struct Row<'a> {
    name: &'a str,
    stage: &'a str,
    entity_type: &'a str,
    entity: &'a str,
}

/// The rows of one measure (`wait_rmse`, …), none when there were no pairs to compare.
fn measure_rows(
    w: &mut csv::Writer<Vec<u8>>,
    at: &Row<'_>,
    what: &str,
    m: Option<&Measures>,
) -> std::io::Result<()> {
    let Some(m) = m else { return Ok(()) };
    let num = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    for (statistic, value) in [
        ("n", m.n.to_string()),
        ("observed_mean", m.observed_mean.to_string()),
        ("simulated_mean", m.simulated_mean.to_string()),
        ("rmse", m.rmse.to_string()),
        ("rmse_relative", num(m.rmse_relative)),
        ("mae", m.mae.to_string()),
        ("mean_bias", m.mean_bias.to_string()),
        ("mape_percent", num(m.mape_percent)),
        ("theil_u", num(m.theil_u)),
    ] {
        w.write_record([
            at.name,
            at.stage,
            at.entity_type,
            at.entity,
            &format!("{what}_{statistic}"),
            &value,
        ])?;
    }
    Ok(())
}

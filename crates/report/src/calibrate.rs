//! The calibration page (`bordersim calibrate --report`): per observed group, the observed
//! against the simulated hourly mean wait with the simulation's 95% band, the simulated
//! throughput against the observed volume, the fit measures before and after a fit, and the
//! fitted values with the bounds they hit.
//!
//! The page takes its own plain view of a calibration ([`CalibrationView`]), filled by the
//! command, so that this crate needs nothing of the calibration crate's types.

use crate::format::{number, opt};
use crate::html::{Page, Table, slug};
use crate::run::{hour_ticks, hourly_band, hourly_steps};
use crate::svg::{Series, XyChart};

/// One observed hour of one group, with the simulated values beside it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HourView {
    /// Hour of day of arrival, 0–23.
    pub hour: u8,
    /// Observed mean wait, minutes.
    pub observed_wait_min: Option<f64>,
    /// Simulated mean wait, minutes.
    pub simulated_wait_min: Option<f64>,
    /// Half-width of the simulation's 95% interval of the mean wait, minutes.
    pub simulated_wait_ci95_min: Option<f64>,
    /// Simulated mean wait before the fit, minutes (`None` without a fit).
    pub before_wait_min: Option<f64>,
    /// Observed vehicles processed in the hour.
    pub observed_volume: Option<f64>,
    /// Simulated vehicles served in the hour (vehicles per hour).
    pub simulated_throughput: Option<f64>,
    /// Half-width of the simulation's 95% interval of the throughput, vehicles per hour.
    pub simulated_throughput_ci95: Option<f64>,
    /// Share (0–1) of the hour's window joiners whose wait was cut off by the run's end.
    pub censored_share: Option<f64>,
    /// `censored_share` above the calibration's threshold (10%): the simulated wait is
    /// biased short.
    pub censored: bool,
    /// The hour's wait is left out of the wait measures and the objective.
    pub excluded: bool,
}

/// Fit measures of one set of pairs (see the calibration crate's `Measures`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeasureView {
    /// Pairs compared.
    pub n: usize,
    /// Mean observed value.
    pub observed_mean: f64,
    /// Mean simulated value.
    pub simulated_mean: f64,
    /// Root mean square error, in the values' unit.
    pub rmse: f64,
    /// `rmse / observed_mean`.
    pub rmse_relative: Option<f64>,
    /// Mean absolute error.
    pub mae: f64,
    /// Mean bias (simulated − observed).
    pub mean_bias: f64,
    /// Mean absolute percentage error, percent.
    pub mape_percent: Option<f64>,
    /// Theil's U1 (0 perfect, 1 worst).
    pub theil_u: Option<f64>,
}

/// One observed group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupView {
    /// `station/lane_group/class/programme`.
    pub name: String,
    /// The observed hours, in order.
    pub hours: Vec<HourView>,
    /// Hourly waits (minutes): before the fit (or the only model), and after a fit.
    pub wait: [Option<MeasureView>; 2],
    /// Hourly throughput against volume (vehicles per hour): before and after a fit.
    pub throughput: [Option<MeasureView>; 2],
    /// Hours whose wait is left out of the measures (censored).
    pub censored_excluded: usize,
}

/// One fitted parameter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParameterView {
    /// The parameter's name (path, band, factor).
    pub name: String,
    /// Its unit as printed (`s` or empty).
    pub unit: String,
    /// The value the fit started from.
    pub initial: f64,
    /// The fitted value.
    pub value: f64,
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// Whether the fitted value lies at a bound.
    pub at_bound: bool,
}

/// What the calibration page shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CalibrationView {
    /// The scenario's name.
    pub scenario: String,
    /// Master seed of the runs.
    pub seed: u64,
    /// Replications of each run.
    pub replications: u32,
    /// Whether a fit was made (the simulated values are then the calibrated model's).
    pub fitted: bool,
    /// The observed groups.
    pub groups: Vec<GroupView>,
    /// Every group together: waits before and after.
    pub wait: [Option<MeasureView>; 2],
    /// Every group together: throughputs before and after.
    pub throughput: [Option<MeasureView>; 2],
    /// The fitted parameters (empty without a fit).
    pub parameters: Vec<ParameterView>,
    /// The shortcuts applied, in words.
    pub shortcuts: Vec<String>,
    /// Simulation runs made by the search.
    pub evaluations: u32,
    /// Whether censored hours count in the measures (`--include-censored`).
    pub include_censored: bool,
    /// Hours of every group whose wait is left out of the measures (censored).
    pub censored_excluded: usize,
}

/// Minutes to the seconds the run page's hourly helpers take.
fn seconds(minutes: Option<f64>) -> Option<f64> {
    minutes.map(|m| m * 60.0)
}

/// A group's 24 hourly values (`None` where not observed) from `f`.
fn by_hour(hours: &[HourView], f: impl Fn(&HourView) -> Option<f64>) -> Vec<Option<f64>> {
    let mut out = vec![None; 24];
    for h in hours {
        if let Some(slot) = out.get_mut(usize::from(h.hour)) {
            *slot = f(h);
        }
    }
    out
}

/// The hourly chart of one measure: observed as markers at the middle of each hour, the
/// simulation as steps with its band (and the model before the fit dashed). The values
/// are in seconds for waits; a count per hour is passed ×60 so that the helpers, which
/// plot seconds as minutes, plot it as it is.
struct Hourly<'a> {
    title: String,
    y_title: &'a str,
    observed: Vec<Option<f64>>,
    /// Observed values of the hours left out of the measures (censored), drawn apart.
    left_out: Vec<Option<f64>>,
    simulated: Vec<(Option<f64>, Option<f64>)>,
    before: Option<Vec<Option<f64>>>,
}

/// Markers at the middle of each hour, minutes (the values are seconds).
fn markers(values: &[Option<f64>]) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .filter_map(|(h, v)| v.map(|v| (h as f64 + 0.5, v / 60.0)))
        .collect()
}

impl Hourly<'_> {
    fn chart(self) -> String {
        let mut series = vec![
            Series {
                name: "observed".into(),
                points: markers(&self.observed),
                markers: true,
                colour: 1,
                ..Series::default()
            },
            Series {
                name: "simulated (95% band)".into(),
                points: hourly_steps(&self.simulated.iter().map(|s| s.0).collect::<Vec<_>>()),
                band: hourly_band(&self.simulated),
                step: true,
                non_negative: true,
                colour: 0,
                ..Series::default()
            },
        ];
        let left_out = markers(&self.left_out);
        if !left_out.is_empty() {
            series.push(Series {
                name: "observed, hour left out (censored)".into(),
                points: left_out,
                markers: true,
                colour: 3,
                ..Series::default()
            });
        }
        if let Some(before) = &self.before {
            series.push(Series {
                name: "simulated before the fit".into(),
                points: hourly_steps(before),
                step: true,
                non_negative: true,
                dashed: true,
                colour: 2,
                ..Series::default()
            });
        }
        XyChart {
            title: self.title,
            x_title: "hour of arrival (h, 0–24)".into(),
            y_title: self.y_title.into(),
            series,
            x_range: Some((0.0, 24.0)),
            x_ticks: Some(hour_ticks()),
            ..XyChart::default()
        }
        .render()
    }
}

/// One row of the measures table.
fn measure_row(
    table: &mut Table,
    group: &str,
    what: &str,
    when: &str,
    m: &MeasureView,
    unit_decimals: usize,
    left_out: usize,
) {
    table.row(vec![
        group.to_owned(),
        what.to_owned(),
        when.to_owned(),
        m.n.to_string(),
        left_out.to_string(),
        number(m.observed_mean, unit_decimals),
        number(m.simulated_mean, unit_decimals),
        number(m.rmse, unit_decimals),
        opt(m.rmse_relative.map(|r| r * 100.0), 1),
        number(m.mae, unit_decimals),
        number(m.mean_bias, unit_decimals),
        opt(m.mape_percent, 1),
        opt(m.theil_u, 3),
    ]);
}

/// The measures of every group and overall, before and after.
fn measures_table(view: &CalibrationView) -> Table {
    let mut t = Table::new(
        &[
            "group",
            "measure",
            "model",
            "hours",
            "hours left out (censored)",
            "observed mean",
            "simulated mean",
            "RMSE",
            "RMSE (% of observed mean)",
            "MAE",
            "mean bias",
            "MAPE (%)",
            "Theil's U",
        ],
        3,
    );
    let whens: &[&str] = if view.fitted {
        &["before the fit", "after the fit"]
    } else {
        &["as given"]
    };
    let rows = view
        .groups
        .iter()
        .map(|g| (g.name.as_str(), &g.wait, &g.throughput, g.censored_excluded))
        .chain(std::iter::once((
            "all groups",
            &view.wait,
            &view.throughput,
            view.censored_excluded,
        )));
    for (name, wait, throughput, left_out) in rows {
        for (i, when) in whens.iter().enumerate() {
            if let Some(m) = &wait[i] {
                measure_row(&mut t, name, "mean wait (min)", when, m, 2, left_out);
            }
            // Throughput counts departures, which the run's end does not cut: never left
            // out.
            if let Some(m) = &throughput[i] {
                measure_row(&mut t, name, "throughput (vehicles/h)", when, m, 1, 0);
            }
        }
    }
    t
}

/// Whether an hour's wait counts in the measures, in words.
fn in_measures(h: &HourView) -> &'static str {
    match (h.excluded, h.censored) {
        (true, _) => "no: censored",
        (false, true) => "yes, censored",
        (false, false) => "yes",
    }
}

/// What the page says of censored hours.
fn censored_note(view: &CalibrationView) -> String {
    let what = "An hour is censored when more than 10% of the vehicles that joined the queue \
                in it inside the run's window had not started service by the run's end: its \
                simulated wait keeps only the vehicles served quickly and is biased short.";
    if view.include_censored {
        format!(
            "{what} Censored hours are included in the measures and the objective \
             (--include-censored); they are emphasised in each group's table."
        )
    } else {
        format!(
            "{what} The waits of {} censored hour{} are left out of the wait measures and \
             the objective (their throughput counts); they are emphasised in each group's \
             table and drawn apart in its chart.",
            view.censored_excluded,
            if view.censored_excluded == 1 { "" } else { "s" }
        )
    }
}

/// The calibration page.
pub fn page(view: &CalibrationView) -> String {
    let model = if view.fitted {
        "the calibrated scenario"
    } else {
        "the scenario as given"
    };
    let mut page = Page::new(
        &format!("Calibration: {}", view.scenario),
        &format!(
            "Observed hourly waits and volumes against {model}, {} replications from seed {}.",
            view.replications, view.seed
        ),
    );
    page.section("measures", "Fit measures");
    page.note(
        "RMSE, MAE and bias are in the measure's unit; MAPE counts the hours whose observed \
         value is at least 1; Theil's U is 0 for a perfect fit and 1 for the worst.",
    );
    page.note(&censored_note(view));
    page.table(&measures_table(view));
    if view.fitted {
        page.section("parameters", "Fitted values");
        page.note(&format!(
            "{} simulation runs of every replication, on common random numbers.",
            view.evaluations
        ));
        let mut t = Table::new(
            &[
                "parameter",
                "unit",
                "initial",
                "fitted",
                "min",
                "max",
                "at a bound",
            ],
            2,
        );
        t.text_column(6);
        for p in &view.parameters {
            let cells = vec![
                p.name.clone(),
                p.unit.clone(),
                number(p.initial, 3),
                number(p.value, 3),
                number(p.min, 3),
                number(p.max, 3),
                if p.at_bound { "yes" } else { "no" }.to_owned(),
            ];
            if p.at_bound {
                t.strong_row(cells);
            } else {
                t.row(cells);
            }
        }
        page.table(&t);
        if view.parameters.iter().any(|p| p.at_bound) {
            page.warning(
                "A fitted value at a bound of its range (emphasised) means the data pull past \
                 it: widen the range if the bound is not a real limit.",
            );
        }
        for s in &view.shortcuts {
            page.note(&format!("Shortcut: {s}."));
        }
    }
    for g in &view.groups {
        page.section(&slug(&g.name), &g.name);
        let wait = Hourly {
            title: format!("Mean wait by hour, {}", g.name),
            y_title: "mean wait (min)",
            observed: by_hour(&g.hours, |h| {
                seconds(h.observed_wait_min.filter(|_| !h.excluded))
            }),
            left_out: by_hour(&g.hours, |h| {
                seconds(h.observed_wait_min.filter(|_| h.excluded))
            }),
            simulated: by_hour(&g.hours, |h| seconds(h.simulated_wait_min))
                .into_iter()
                .zip(by_hour(&g.hours, |h| seconds(h.simulated_wait_ci95_min)))
                .collect(),
            before: view
                .fitted
                .then(|| by_hour(&g.hours, |h| seconds(h.before_wait_min))),
        };
        let mut data = Table::new(
            &[
                "hour",
                "observed wait (min)",
                "simulated wait (min)",
                "±95% (min)",
                "before the fit (min)",
                "observed volume (vehicles)",
                "simulated throughput (vehicles/h)",
                "±95% (vehicles/h)",
                "waits cut off at the run's end (%)",
                "wait in the measures",
            ],
            0,
        );
        data.text_column(9);
        for h in &g.hours {
            let cells = vec![
                h.hour.to_string(),
                opt(h.observed_wait_min, 1),
                opt(h.simulated_wait_min, 1),
                opt(h.simulated_wait_ci95_min, 1),
                opt(h.before_wait_min, 1),
                opt(h.observed_volume, 1),
                opt(h.simulated_throughput, 1),
                opt(h.simulated_throughput_ci95, 1),
                opt(h.censored_share.map(|x| x * 100.0), 1),
                in_measures(h).to_owned(),
            ];
            // A censored hour stands out whether or not it is left out.
            if h.censored {
                data.strong_row(cells);
            } else {
                data.row(cells);
            }
        }
        page.figure(
            &format!("wait-{}", slug(&g.name)),
            &wait.chart(),
            &format!(
                "Mean wait of the vehicles arriving in each hour, {}: observed (dots) and \
                 {model} (steps, 95% band across replications).",
                g.name
            ),
            &data,
        );
        let per_hour = |v: Option<f64>| v.map(|x| x * 60.0);
        let volume = Hourly {
            title: format!("Throughput by hour, {}", g.name),
            y_title: "vehicles per hour (vehicles/h)",
            observed: by_hour(&g.hours, |h| per_hour(h.observed_volume)),
            left_out: Vec::new(),
            simulated: by_hour(&g.hours, |h| per_hour(h.simulated_throughput))
                .into_iter()
                .zip(by_hour(&g.hours, |h| per_hour(h.simulated_throughput_ci95)))
                .collect(),
            before: None,
        };
        page.figure(
            &format!("throughput-{}", slug(&g.name)),
            &volume.chart(),
            &format!(
                "Vehicles processed in each hour, {}: observed volume (dots) and {model}'s \
                 throughput (steps, 95% band across replications).",
                g.name
            ),
            &data,
        );
    }
    page.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> CalibrationView {
        let m = |o: f64, s: f64| MeasureView {
            n: 2,
            observed_mean: o,
            simulated_mean: s,
            rmse: (s - o).abs(),
            rmse_relative: Some((s - o).abs() / o),
            mae: (s - o).abs(),
            mean_bias: s - o,
            mape_percent: Some((s - o).abs() / o * 100.0),
            theil_u: Some(0.01),
        };
        let hours = (7..9)
            .map(|h| HourView {
                hour: h,
                observed_wait_min: Some(20.0 + f64::from(h)),
                simulated_wait_min: Some(21.0 + f64::from(h)),
                simulated_wait_ci95_min: Some(1.5),
                before_wait_min: Some(5.0),
                observed_volume: Some(300.0),
                simulated_throughput: Some(295.0),
                simulated_throughput_ci95: Some(4.0),
                censored_share: Some(if h == 8 { 0.292 } else { 0.0 }),
                censored: h == 8,
                excluded: h == 8,
            })
            .collect();
        CalibrationView {
            scenario: "synthetic <crossing>".into(),
            seed: 1,
            replications: 3,
            fitted: true,
            groups: vec![GroupView {
                name: "booths/general/all/all".into(),
                hours,
                wait: [Some(m(27.5, 5.0)), Some(m(27.5, 28.5))],
                throughput: [Some(m(300.0, 250.0)), Some(m(300.0, 295.0))],
                censored_excluded: 1,
            }],
            wait: [Some(m(27.5, 5.0)), Some(m(27.5, 28.5))],
            throughput: [Some(m(300.0, 250.0)), Some(m(300.0, 295.0))],
            parameters: vec![ParameterView {
                name: "stations.booths.service.mean".into(),
                unit: "s".into(),
                initial: 60.0,
                value: 90.0,
                min: 30.0,
                max: 90.0,
                at_bound: true,
            }],
            shortcuts: vec!["sources.cars.profile from a standing queue".into()],
            evaluations: 12,
            include_censored: false,
            censored_excluded: 1,
        }
    }

    #[test]
    fn the_page_is_self_contained_deterministic_and_complete() {
        let a = page(&view());
        assert_eq!(a, page(&view()));
        for needle in [
            "hour of arrival (h, 0–24)",
            "mean wait (min)",
            "vehicles per hour (vehicles/h)",
            "<figcaption>",
            "<details>",
            "before the fit",
            "after the fit",
            "Theil&#39;s U",
            "synthetic &lt;crossing&gt;",
            "A fitted value at a bound",
            "simulated (95% band)",
            "observed, hour left out (censored)",
            "<td class=\"n\">29.2</td><td>no: censored</td>",
            "The waits of 1 censored hour are left out",
            "hours left out (censored)",
        ] {
            assert!(a.contains(needle), "missing {needle}");
        }
        assert!(!a.contains("<script"));
        // Nothing fetched: no link, no source, no URL but the SVG namespace.
        assert!(!a.contains("<link") && !a.contains(" src="));
        assert!(!a.replace("http://www.w3.org/2000/svg", "").contains("http"));
        // Two figures per group: waits and throughput.
        assert_eq!(a.matches("<figure").count(), 2);
    }

    #[test]
    fn without_a_fit_there_is_no_before_and_no_fitted_values() {
        let mut v = view();
        v.fitted = false;
        v.parameters.clear();
        let a = page(&v);
        assert!(!a.contains("Fitted values"));
        assert!(!a.contains("after the fit"));
        assert!(a.contains("as given"));
    }
}

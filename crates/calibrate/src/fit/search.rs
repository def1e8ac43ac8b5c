//! The search: each point a run on common random numbers, a bounded Nelder–Mead (argmin)
//! over the unit cube of the parameters, and the fitted scenario written out.

use std::cell::RefCell;
use std::collections::BTreeSet;

use argmin::core::{CostFunction, Executor};
use argmin::solver::neldermead::NelderMead;
use bordersim_config::{FileReader, parse_scenario_with};
use bordersim_experiment::{ExperimentError, Progress, RunOptions};
use serde::Serialize;
use toml::{Table, Value};

use super::FitError;
use super::paths::{initial, set};
use super::shortcuts::shortcuts;
use super::spec::{FitSpec, Unit};
use crate::compare::{Calibration, HourKey};
use crate::observed::Observations;

/// One fitted parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FittedParameter {
    /// The parameter's name (its path, band and `(factor)`).
    pub name: String,
    /// Its `[[override]]` path.
    pub path: String,
    /// The hour band, if any.
    pub hours: Option<[u8; 2]>,
    /// Seconds or a number.
    pub unit: Unit,
    /// The fitted value.
    pub value: f64,
    /// The value the fit started from.
    pub initial: f64,
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// Whether the fitted value lies at a bound (within 0.1% of the range): the data pull
    /// past it.
    pub at_bound: bool,
}

/// A fit: the parameters found, and the model against the data before and after.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FitReport {
    /// The free parameters, in the fit file's order.
    pub parameters: Vec<FittedParameter>,
    /// The shortcuts applied, in words.
    pub shortcuts: Vec<String>,
    /// Simulation runs made by the search (each of every replication).
    pub evaluations: u32,
    /// Wall-clock seconds of the fit (filled in by the caller that timed it).
    pub wall_s: f64,
    /// `wall_s / evaluations`.
    pub seconds_per_evaluation: f64,
    /// The scenario as given, against the data.
    pub before: Calibration,
    /// The calibrated scenario, against the data.
    pub after: Calibration,
}

/// A fit and the calibrated scenario's text.
#[derive(Clone, Debug)]
pub struct Fitted {
    /// The parameters, before and after.
    pub report: FitReport,
    /// The calibrated scenario as TOML (seed and replications those of the fit, so that
    /// `bordersim run` of it reproduces `report.after`).
    pub scenario_toml: String,
}

struct Problem<'a> {
    base: Table,
    spec: &'a FitSpec,
    file: &'a str,
    reader: FileReader<'a>,
    observations: &'a Observations,
    options: &'a RunOptions,
    progress: &'a dyn Progress,
    /// Evaluations made, and the points evaluated with their objective (an evaluation
    /// asked again is not run again).
    memo: RefCell<Vec<(Vec<f64>, f64)>>,
    /// The hours whose waits every candidate is judged without: those censored in the
    /// scenario as given, and those censored at the first point evaluated (the start).
    /// Fixed once the search is under way, so that no candidate gains by cutting more
    /// hours off at the window's end.
    left_out: RefCell<BTreeSet<HourKey>>,
}

/// The parameters of a point of the unit cube (each coordinate clamped to [0, 1]).
fn point(spec: &FitSpec, u: &[f64]) -> Vec<f64> {
    spec.parameters
        .iter()
        .zip(u)
        .map(|(p, &x)| p.min + x.clamp(0.0, 1.0) * (p.max - p.min))
        .collect()
}

impl Problem<'_> {
    fn doc(&self, values: &[f64]) -> Table {
        let mut doc = self.base.clone();
        for (p, &x) in self.spec.parameters.iter().zip(values) {
            set(&mut doc, &self.base, p, x);
        }
        doc
    }

    fn evaluate(&self, values: &[f64]) -> Result<Option<(Calibration, String)>, FitError> {
        let doc = self.doc(values);
        let text = toml::to_string(&doc).map_err(|e| FitError::Scenario(e.to_string()))?;
        let scenario = match parse_scenario_with(&text, self.file, self.reader) {
            Ok(l) => l.scenario,
            Err(_) => return Ok(None),
        };
        let (_, mut c) = match crate::assess_with(
            &scenario,
            self.observations,
            self.options,
            self.spec.throughput_weight,
            self.spec.include_censored,
            self.progress,
        ) {
            Ok(r) => r,
            // Overloaded at these values: a bad point, not a failure of the fit.
            Err(ExperimentError::Unstable { .. }) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        // The start's censored hours join those left out; after it, the set stays fixed.
        if self.memo.borrow().is_empty() {
            self.left_out.borrow_mut().extend(c.censored_hours());
        }
        c.leave_out(&self.left_out.borrow(), self.spec.throughput_weight);
        Ok(Some((c, text)))
    }
}

/// The objective of an invalid or overloaded point: worse than any the data give.
const INFEASIBLE: f64 = 1e12;

/// The objective as argmin sees it (argmin owns its problem; the memo stays with the fit).
struct Cost<'p, 'a>(&'p Problem<'a>);

impl CostFunction for Cost<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        self.0.cost(u)
    }
}

impl Problem<'_> {
    fn cost(&self, u: &[f64]) -> Result<f64, argmin::core::Error> {
        if let Some((_, v)) = self.memo.borrow().iter().find(|(p, _)| p == u) {
            return Ok(*v);
        }
        if self.memo.borrow().len() >= self.spec.max_evaluations as usize {
            // Out of evaluations: refuse every new point so the search stands still.
            return Ok(INFEASIBLE);
        }
        let values = point(self.spec, u);
        // A point outside the cube is evaluated at its projection, plus a penalty that
        // leads the search back.
        let outside: f64 = u.iter().map(|&x| (x - x.clamp(0.0, 1.0)).powi(2)).sum();
        let value = match self.evaluate(&values) {
            Ok(Some((c, _))) => c.objective * (1.0 + outside) + outside,
            Ok(None) => INFEASIBLE,
            Err(e) => return Err(argmin::core::Error::msg(e.to_string())),
        };
        self.memo.borrow_mut().push((u.to_vec(), value));
        Ok(value)
    }
}

/// Fits `spec`'s free parameters of the scenario `scenario_text` (file `file`, its trace
/// files read with `reader`) to `observations`: the shortcuts applied first, then a bounded
/// Nelder–Mead search over the parameters (none: the shortcuts alone), each evaluation a run
/// with `options` (common random numbers). `progress` hears of every replication run.
///
/// # Errors
///
/// [`FitError::Scenario`] when the scenario with the shortcuts is invalid, or the fitted
/// one cannot be written; [`FitError::Experiment`] when a run fails otherwise than by
/// overload; [`FitError::Optimiser`] when the search stops on an error.
pub fn fit(
    scenario_text: &str,
    file: &str,
    reader: FileReader<'_>,
    observations: &Observations,
    spec: &FitSpec,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Fitted, FitError> {
    let original: Table =
        toml::from_str(scenario_text).map_err(|e| FitError::Scenario(e.to_string()))?;
    let before_scenario = parse_scenario_with(scenario_text, file, reader)
        .map_err(|e| FitError::Scenario(e.to_string()))?
        .scenario;
    // The shortcuts first: what the observations lack for them is found before any run.
    let mut base = original.clone();
    let applied = shortcuts(&mut base, spec, observations)?;
    let (_, mut before) = crate::assess_with(
        &before_scenario,
        observations,
        options,
        spec.throughput_weight,
        spec.include_censored,
        progress,
    )?;
    // The run settings of the fit go into the calibrated scenario, so that running it
    // reproduces the fit.
    if let Some(Value::Table(s)) = base.get_mut("scenario") {
        s.insert("seed".into(), Value::Integer(options.seed as i64));
        s.insert(
            "replications".into(),
            Value::Integer(i64::from(options.replications)),
        );
    }
    let initial_values: Vec<f64> = spec.parameters.iter().map(|p| initial(&base, p)).collect();
    let problem = Problem {
        base,
        spec,
        file,
        reader,
        observations,
        options,
        progress,
        memo: RefCell::new(Vec::new()),
        left_out: RefCell::new(before.censored_hours()),
    };
    let n = spec.parameters.len();
    let best_values = if n == 0 {
        Vec::new()
    } else {
        let u0: Vec<f64> = spec
            .parameters
            .iter()
            .zip(&initial_values)
            .map(|(p, &x)| {
                if p.max > p.min {
                    (x - p.min) / (p.max - p.min)
                } else {
                    0.0
                }
            })
            .collect();
        // The first simplex: the start and one step of a quarter of the range along each
        // axis, towards the middle of the range.
        let mut simplex = vec![u0.clone()];
        for i in 0..n {
            let mut v = u0.clone();
            v[i] += if v[i] > 0.5 { -0.25 } else { 0.25 };
            simplex.push(v);
        }
        let solver = NelderMead::new(simplex)
            .with_sd_tolerance(1e-6)
            .map_err(|e| FitError::Optimiser(e.to_string()))?;
        let result = Executor::new(Cost(&problem), solver)
            .configure(|s| s.max_iters(u64::from(spec.max_evaluations)))
            .run()
            .map_err(|e| FitError::Optimiser(e.to_string()))?;
        // The best point evaluated (the memo holds every one, in order; the first best
        // wins a tie, so the result does not depend on the solver's bookkeeping).
        let memo = problem.memo.borrow();
        let best = memo
            .iter()
            .fold(None::<&(Vec<f64>, f64)>, |b, m| match b {
                Some(b) if b.1 <= m.1 => Some(b),
                _ => Some(m),
            })
            .map(|(u, _)| u.clone())
            .or_else(|| result.state.best_param.clone())
            .unwrap_or(u0);
        point(spec, &best)
    };
    let evaluations = problem.memo.borrow().len() as u32;
    let (mut after, text) = problem
        .evaluate(&best_values)?
        .ok_or_else(|| FitError::Scenario("the fitted scenario is invalid or overloaded".into()))?;
    // Before and after are measured on the same hours: every hour left out in the search,
    // and any the fitted scenario censors besides.
    let mut left_out = problem.left_out.borrow().clone();
    left_out.extend(after.censored_hours());
    before.leave_out(&left_out, spec.throughput_weight);
    after.leave_out(&left_out, spec.throughput_weight);
    let parameters = spec
        .parameters
        .iter()
        .zip(&best_values)
        .zip(&initial_values)
        .map(|((p, &value), &initial)| {
            let tol = 1e-3 * (p.max - p.min);
            FittedParameter {
                name: p.name(),
                path: p.path.clone(),
                hours: p.hours,
                unit: p.unit,
                value,
                initial,
                min: p.min,
                max: p.max,
                at_bound: p.max > p.min && (value - p.min <= tol || p.max - value <= tol),
            }
        })
        .collect();
    let header = format!(
        "# Calibrated by `bordersim calibrate` from {file}: the fitted parameters and shortcuts\n\
         # below are set; seed and replications are those of the fit, so `bordersim run` of this\n\
         # file reproduces the fit's simulated values.\n"
    );
    Ok(Fitted {
        report: FitReport {
            parameters,
            shortcuts: applied,
            evaluations,
            wall_s: 0.0,
            seconds_per_evaluation: 0.0,
            before,
            after,
        },
        scenario_toml: header + &text,
    })
}

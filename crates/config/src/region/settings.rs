//! The `[region]` and `[equilibrium]` tables: the two sides, replications, the run length
//! every crossing shares, the default elasticity, and how the equilibrium iterates.

use bordersim_des::SimTime;
use bordersim_trade::{SIDES, StepRule};

use super::raw::{RawEquilibrium, RawRegionFile};
use super::values::elasticity;
use super::{
    DEFAULT_ELASTICITY_PER_DAY, DEFAULT_MAX_ITERATIONS, DEFAULT_REGION_REPLICATIONS,
    DEFAULT_SRA_BETTER, DEFAULT_SRA_WORSE, DEFAULT_TOLERANCE,
};
use crate::diagnostic::Collector;
use crate::spans::child;
use crate::suggest::did_you_mean;
use crate::units::{format_number, parse_sim_time};

/// The region-wide settings, validated (a bad value is reported and replaced by a default,
/// so the other sections are still checked).
pub(super) struct Settings {
    /// The two side ids, as written.
    pub(super) sides: Vec<String>,
    pub(super) replications: u32,
    pub(super) max_iterations: u32,
    pub(super) tolerance: f64,
    pub(super) averaging: StepRule,
    /// Relative change in volume per day of border delay, for classes that give none.
    pub(super) elasticity: f64,
    /// Every crossing's horizon and warm-up, when the region sets them.
    pub(super) horizon: Option<SimTime>,
    pub(super) warmup: Option<SimTime>,
}

/// `[region]` and `[equilibrium]`. `None` when the sides are wrong (nothing else can be
/// checked without them).
pub(super) fn settings(cx: &mut Collector<'_>, raw: &RawRegionFile) -> Option<Settings> {
    let meta = &raw.region;
    // [region]
    if meta.sides.len() != SIDES || meta.sides[0] == meta.sides[1] || meta.sides[0].is_empty() {
        cx.error(
            "region.sides",
            "a border has two sides: give two different ids, e.g. sides = [\"mx\", \"us\"]",
        );
        return None;
    }
    let sides: Vec<String> = meta.sides.clone();
    let replications = match meta.replications {
        None => DEFAULT_REGION_REPLICATIONS,
        Some(n) if (1..=i64::from(u32::MAX)).contains(&n) => n as u32,
        Some(n) => {
            cx.error(
                "region.replications",
                format!("at least 1 replication is needed, got {n}"),
            );
            1
        }
    };
    let eq = raw.equilibrium.as_ref();
    let max_iterations = match eq.and_then(|e| e.max_iterations) {
        None => DEFAULT_MAX_ITERATIONS,
        Some(n) if (1..=100_000).contains(&n) => n as u32,
        Some(n) => {
            cx.error(
                "equilibrium.max_iterations",
                format!("give between 1 and 100000 iterations, got {n}"),
            );
            1
        }
    };
    let tolerance = match eq.and_then(|e| e.tolerance) {
        None => DEFAULT_TOLERANCE,
        Some(t) if t.is_finite() && t > 0.0 => t,
        Some(t) => {
            cx.error(
                "equilibrium.tolerance",
                format!(
                    "the tolerance is the largest gap (share of traffic that would still move) \
                     accepted as converged: it must be positive, got {}",
                    format_number(t)
                ),
            );
            DEFAULT_TOLERANCE
        }
    };
    let averaging = averaging_rule(cx, eq);
    let region_elasticity = meta
        .elasticity_per_day
        .map_or(DEFAULT_ELASTICITY_PER_DAY, |e| {
            elasticity(cx, "region.elasticity_per_day", e)
        });
    let mut timing = |path: &str, text: &Option<String>| -> Option<SimTime> {
        let text = text.as_ref()?;
        match parse_sim_time(text) {
            Ok(t) => Some(t),
            Err(message) => {
                cx.error(path, message);
                None
            }
        }
    };
    let horizon = timing("region.horizon", &meta.horizon);
    let warmup = timing("region.warmup", &meta.warmup);
    Some(Settings {
        sides,
        replications,
        max_iterations,
        tolerance,
        averaging,
        elasticity: region_elasticity,
        horizon,
        warmup,
    })
}

pub(super) fn averaging_rule(cx: &mut Collector<'_>, eq: Option<&RawEquilibrium>) -> StepRule {
    let positive =
        |cx: &mut Collector<'_>, field: &str, value: Option<f64>, default: f64| match value {
            None => default,
            Some(v) if v.is_finite() && v > 0.0 => v,
            Some(v) => {
                cx.error(
                    &child("equilibrium", field),
                    format!("must be positive, got {}", format_number(v)),
                );
                default
            }
        };
    let kind = eq
        .and_then(|e| e.averaging.as_deref())
        .unwrap_or("self_regulated");
    match kind {
        "msa" => {
            let exponent = match eq.and_then(|e| e.exponent) {
                None => 0.0,
                Some(d) if d.is_finite() && (0.0..=4.0).contains(&d) => d,
                Some(d) => {
                    cx.error(
                        "equilibrium.exponent",
                        format!(
                            "response k weighs k^d: give d between 0 (the classic MSA) and 4, got {}",
                            format_number(d)
                        ),
                    );
                    0.0
                }
            };
            StepRule::Weighted { exponent }
        }
        "self_regulated" => StepRule::SelfRegulated {
            worse: positive(cx, "worse", eq.and_then(|e| e.worse), DEFAULT_SRA_WORSE),
            better: positive(cx, "better", eq.and_then(|e| e.better), DEFAULT_SRA_BETTER),
        },
        other => {
            cx.error(
                "equilibrium.averaging",
                format!(
                    "unknown averaging `{other}`{}; expected one of `msa`, `self_regulated`",
                    did_you_mean(other, ["msa", "self_regulated"])
                ),
            );
            StepRule::Weighted { exponent: 0.0 }
        }
    }
}

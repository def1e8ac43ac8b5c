//! Service-time distributions, as the user states them and as the engine samples them.

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Triangular, Uniform};

/// A service-time distribution. Every parameter is a duration in milliseconds (as `f64`, so
/// sub-millisecond means are representable; samples are rounded to the clock's 1 ms).
#[derive(Clone, Debug, PartialEq)]
pub enum ServiceDist {
    /// Exponential: memoryless (M/M/c queues).
    Exponential {
        /// Mean, ms.
        mean_ms: f64,
    },
    /// Always the same value.
    Deterministic {
        /// The value, ms.
        value_ms: f64,
    },
    /// Uniform between two values.
    Uniform {
        /// Lowest value, ms.
        min_ms: f64,
        /// Highest value, ms.
        max_ms: f64,
    },
    /// Triangular: lowest, most likely and highest value, as field estimates often give.
    Triangular {
        /// Lowest value, ms.
        min_ms: f64,
        /// Most likely value, ms.
        mode_ms: f64,
        /// Highest value, ms.
        max_ms: f64,
    },
    /// Parameterised by its mean and coefficient of variation, as field data usually are.
    LogNormal {
        /// Mean, ms.
        mean_ms: f64,
        /// Coefficient of variation (standard deviation / mean).
        cv: f64,
    },
    /// Parameterised by its mean and coefficient of variation (shape = 1/cv²).
    Gamma {
        /// Mean, ms.
        mean_ms: f64,
        /// Coefficient of variation (standard deviation / mean).
        cv: f64,
    },
    /// Resamples the observed values with equal probability.
    Empirical {
        /// The observed values, ms.
        values_ms: Vec<f64>,
    },
    /// The sum of independent draws of `parts`, times `scale`: the work of several controls
    /// done at one stop (a single window, a one-stop border post's joint control), with
    /// `scale` < 1 for the duplication the merger removes.
    Sum {
        /// The distributions added.
        parts: Vec<ServiceDist>,
        /// Factor applied to the sum (positive).
        scale: f64,
    },
}

/// Why a distribution's parameters are unusable. The message says which parameter and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DistError(pub String);

impl std::fmt::Display for DistError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DistError {}

fn positive(name: &str, v: f64) -> Result<(), DistError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(DistError(format!(
            "{name} must be a positive duration, got {v} ms"
        )))
    }
}

fn non_negative(name: &str, v: f64) -> Result<(), DistError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(DistError(format!(
            "{name} must not be negative, got {v} ms"
        )))
    }
}

/// The rate 1/mean (per ms) an exponential is drawn with: positive and finite.
fn exponential_rate(mean_ms: f64) -> Result<f64, DistError> {
    positive("mean", mean_ms)?;
    let rate = 1.0 / mean_ms;
    if rate.is_finite() && rate > 0.0 {
        Ok(rate)
    } else {
        Err(DistError(format!(
            "mean = {mean_ms} ms is too short: its rate 1/mean is not a finite number"
        )))
    }
}

/// A number as a user would write it: plainly in everyday ranges, in exponent form
/// (`1e-160`) otherwise, so that messages never print hundreds of digits.
fn num(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e15).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// A coefficient of variation must be a finite number, zero (a constant) or more.
fn cv_ok(cv: f64) -> Result<(), DistError> {
    if cv.is_finite() && cv >= 0.0 {
        Ok(())
    } else {
        Err(DistError(format!("cv must be zero or positive, got {cv}")))
    }
}

/// The lognormal's `(mu, sigma)` from its mean (ms) and cv, exactly as the sampler takes
/// them: sigma² = ln(1 + cv²), mu = ln(mean) − sigma²/2; both must be finite. A cv whose
/// square overflows (above about 1e154) leaves no usable sigma.
fn lognormal_params(mean_ms: f64, cv: f64) -> Result<(f64, f64), DistError> {
    positive("mean", mean_ms)?;
    cv_ok(cv)?;
    let sigma2 = (1.0 + cv * cv).ln();
    let mu = mean_ms.ln() - sigma2 / 2.0;
    let sigma = sigma2.sqrt();
    if mu.is_finite() && sigma.is_finite() && sigma >= 0.0 {
        Ok((mu, sigma))
    } else {
        Err(DistError(format!(
            "cv = {} is too large for a lognormal: ln(1 + cv²) is not a finite number \
             (use a cv below 1e150)",
            num(cv)
        )))
    }
}

/// The gamma's `(shape, scale)` (scale in ms) from its mean and a positive cv, exactly as
/// the sampler takes them: shape = 1/cv², scale = mean/shape; both must be positive and
/// finite, which a cv far from 1 (below about 1e-154 or above about 1e154) or an extreme
/// mean breaks.
/// A parameter for a message: past the largest float it is said in words, never `inf`.
fn in_words(v: f64) -> String {
    if v.is_infinite() {
        "more than the largest number (1.8e308)".to_owned()
    } else {
        num(v)
    }
}

fn gamma_params(mean_ms: f64, cv: f64) -> Result<(f64, f64), DistError> {
    positive("mean", mean_ms)?;
    cv_ok(cv)?;
    if cv == 0.0 {
        // Drawn as the constant mean.
        return Ok((f64::INFINITY, 0.0));
    }
    let shape = 1.0 / (cv * cv);
    let scale = mean_ms / shape;
    let usable = |v: f64| v.is_finite() && v > 0.0;
    if usable(shape) && usable(scale) {
        Ok((shape, scale))
    } else {
        Err(DistError(format!(
            "cv = {} with mean = {} ms gives a gamma with shape 1/cv² = {} and scale \
             mean·cv² = {} ms; both must be positive finite numbers (use a cv between 1e-150 \
             and 1e150, or 0 for a constant time)",
            num(cv),
            num(mean_ms),
            in_words(shape),
            in_words(scale)
        )))
    }
}

impl ServiceDist {
    /// The distribution's name as written in configs.
    pub fn kind(&self) -> &'static str {
        match self {
            ServiceDist::Exponential { .. } => "exponential",
            ServiceDist::Deterministic { .. } => "deterministic",
            ServiceDist::Uniform { .. } => "uniform",
            ServiceDist::Triangular { .. } => "triangular",
            ServiceDist::LogNormal { .. } => "lognormal",
            ServiceDist::Gamma { .. } => "gamma",
            ServiceDist::Empirical { .. } => "empirical",
            ServiceDist::Sum { .. } => "sum",
        }
    }

    /// Checks the parameters; the engine relies on this having passed. It derives the
    /// parameters the sampler is built from (rate, lognormal mu and sigma, gamma shape and
    /// scale) the same way [`ServiceDist::sampler`] does and checks each is finite and in
    /// range, so every distribution that passes builds a sampler.
    ///
    /// # Errors
    ///
    /// A [`DistError`] naming the first unusable parameter: an exponential, lognormal or
    /// gamma mean that is not positive, a duration that is negative or not finite, bounds
    /// out of order (min ≤ mode ≤ max), a negative coefficient of variation, no empirical
    /// values, an empty sum, a scale that is not positive, or an unusable part of a sum.
    pub fn validate(&self) -> Result<(), DistError> {
        match self {
            ServiceDist::Exponential { mean_ms } => exponential_rate(*mean_ms).map(drop),
            ServiceDist::Deterministic { value_ms } => non_negative("value", *value_ms),
            ServiceDist::Uniform { min_ms, max_ms } => {
                non_negative("min", *min_ms)?;
                non_negative("max", *max_ms)?;
                if min_ms > max_ms {
                    return Err(DistError(format!(
                        "min ({min_ms} ms) must not exceed max ({max_ms} ms)"
                    )));
                }
                // The sampler draws min + u·(max − min): the width must be finite.
                if !(max_ms - min_ms).is_finite() {
                    return Err(DistError(format!(
                        "max − min must be a finite duration, got {min_ms} to {max_ms} ms"
                    )));
                }
                Ok(())
            }
            ServiceDist::Triangular {
                min_ms,
                mode_ms,
                max_ms,
            } => {
                non_negative("min", *min_ms)?;
                non_negative("mode", *mode_ms)?;
                non_negative("max", *max_ms)?;
                if !(min_ms <= mode_ms && mode_ms <= max_ms) {
                    return Err(DistError(format!(
                        "need min <= mode <= max, got {min_ms} <= {mode_ms} <= {max_ms} ms"
                    )));
                }
                // The sampler inverts the CDF through (max − min)·(mode − min) and
                // (max − min)·(max − mode): both must be finite.
                let width = max_ms - min_ms;
                if !(width * (mode_ms - min_ms)).is_finite()
                    || !(width * (max_ms - mode_ms)).is_finite()
                {
                    return Err(DistError(format!(
                        "the range {} to {} ms is too wide to draw from (keep max − min \
                         below 1e150 ms)",
                        num(*min_ms),
                        num(*max_ms)
                    )));
                }
                Ok(())
            }
            ServiceDist::LogNormal { mean_ms, cv } => lognormal_params(*mean_ms, *cv).map(drop),
            ServiceDist::Gamma { mean_ms, cv } => gamma_params(*mean_ms, *cv).map(drop),
            ServiceDist::Empirical { values_ms } => {
                if values_ms.is_empty() {
                    return Err(DistError(
                        "values must hold at least one observation".into(),
                    ));
                }
                for v in values_ms {
                    non_negative("every value", *v)?;
                }
                Ok(())
            }
            ServiceDist::Sum { parts, scale } => {
                if parts.is_empty() {
                    return Err(DistError(
                        "parts must hold at least one distribution".into(),
                    ));
                }
                if !(scale.is_finite() && *scale > 0.0) {
                    return Err(DistError(format!("scale must be positive, got {scale}")));
                }
                for (i, part) in parts.iter().enumerate() {
                    part.validate()
                        .map_err(|e| DistError(format!("parts[{i}] ({}): {e}", part.kind())))?;
                }
                Ok(())
            }
        }
    }

    /// The exact mean, in milliseconds.
    pub fn mean_ms(&self) -> f64 {
        match self {
            ServiceDist::Exponential { mean_ms }
            | ServiceDist::LogNormal { mean_ms, .. }
            | ServiceDist::Gamma { mean_ms, .. } => *mean_ms,
            ServiceDist::Deterministic { value_ms } => *value_ms,
            ServiceDist::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2.0,
            ServiceDist::Triangular {
                min_ms,
                mode_ms,
                max_ms,
            } => (min_ms + mode_ms + max_ms) / 3.0,
            ServiceDist::Empirical { values_ms } => {
                values_ms.iter().sum::<f64>() / values_ms.len() as f64
            }
            ServiceDist::Sum { parts, scale } => {
                scale * parts.iter().map(ServiceDist::mean_ms).sum::<f64>()
            }
        }
    }

    /// The variance, in ms².
    pub fn variance_ms2(&self) -> f64 {
        let m = self.mean_ms();
        match self {
            ServiceDist::Exponential { mean_ms } => mean_ms * mean_ms,
            ServiceDist::Deterministic { .. } => 0.0,
            ServiceDist::Uniform { min_ms, max_ms } => (max_ms - min_ms).powi(2) / 12.0,
            ServiceDist::Triangular {
                min_ms: a,
                mode_ms: c,
                max_ms: b,
            } => (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
            ServiceDist::LogNormal { mean_ms, cv } | ServiceDist::Gamma { mean_ms, cv } => {
                (mean_ms * cv).powi(2)
            }
            ServiceDist::Empirical { values_ms } => {
                values_ms.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values_ms.len() as f64
            }
            // Independent parts: variances add.
            ServiceDist::Sum { parts, scale } => {
                scale * scale * parts.iter().map(ServiceDist::variance_ms2).sum::<f64>()
            }
        }
    }

    /// The squared coefficient of variation (variance / mean²), used by the
    /// Pollaczek–Khinchine checks and the unstable-load report.
    pub fn scv(&self) -> f64 {
        let m = self.mean_ms();
        if m == 0.0 {
            return 0.0;
        }
        self.variance_ms2() / (m * m)
    }

    /// Builds the sampler.
    ///
    /// # Errors
    ///
    /// Where [`ServiceDist::validate`] fails, with its error.
    pub fn sampler(&self) -> Result<Sampler, DistError> {
        self.validate()?;
        let bad = |e: &dyn std::fmt::Display| DistError(format!("{}: {e}", self.kind()));
        Ok(match self {
            ServiceDist::Exponential { mean_ms } => {
                Sampler::Exponential(Exp::new(exponential_rate(*mean_ms)?).map_err(|e| bad(&e))?)
            }
            ServiceDist::Deterministic { value_ms } => Sampler::Constant(*value_ms),
            ServiceDist::Uniform { min_ms, max_ms } => {
                if min_ms == max_ms {
                    Sampler::Constant(*min_ms)
                } else {
                    Sampler::Uniform(Uniform::new(*min_ms, *max_ms).map_err(|e| bad(&e))?)
                }
            }
            ServiceDist::Triangular {
                min_ms,
                mode_ms,
                max_ms,
            } => {
                if min_ms == max_ms {
                    Sampler::Constant(*min_ms)
                } else {
                    Sampler::Triangular(
                        Triangular::new(*min_ms, *max_ms, *mode_ms).map_err(|e| bad(&e))?,
                    )
                }
            }
            ServiceDist::LogNormal { mean_ms, cv } => {
                if *cv == 0.0 {
                    Sampler::Constant(*mean_ms)
                } else {
                    let (mu, sigma) = lognormal_params(*mean_ms, *cv)?;
                    Sampler::LogNormal(LogNormal::new(mu, sigma).map_err(|e| bad(&e))?)
                }
            }
            ServiceDist::Gamma { mean_ms, cv } => {
                if *cv == 0.0 {
                    Sampler::Constant(*mean_ms)
                } else {
                    let (shape, scale) = gamma_params(*mean_ms, *cv)?;
                    Sampler::Gamma(Gamma::new(shape, scale).map_err(|e| bad(&e))?)
                }
            }
            ServiceDist::Empirical { values_ms } => Sampler::Empirical(values_ms.clone()),
            ServiceDist::Sum { parts, scale } => Sampler::Sum(
                parts
                    .iter()
                    .map(ServiceDist::sampler)
                    .collect::<Result<_, _>>()?,
                *scale,
            ),
        })
    }
}

/// A ready-to-draw distribution (parameters precomputed once, not per sample).
#[derive(Clone, Debug)]
pub enum Sampler {
    /// Always this value, ms.
    Constant(f64),
    /// Exponential, ms.
    Exponential(Exp<f64>),
    /// Uniform, ms.
    Uniform(Uniform<f64>),
    /// Triangular, ms.
    Triangular(Triangular<f64>),
    /// Lognormal, ms.
    LogNormal(LogNormal<f64>),
    /// Gamma, ms.
    Gamma(Gamma<f64>),
    /// One of these values with equal probability, ms.
    Empirical(Vec<f64>),
    /// Independent draws of each part, in order, added, times the scale.
    Sum(Vec<Sampler>, f64),
}

impl Sampler {
    /// Whether a draw is scaled by a factor other than 1 (a joint control's, a
    /// programme's): its draws are then fractions of a millisecond even where every part
    /// is whole milliseconds, so they are rounded without bias (see
    /// [`bordersim_des::SimTime::from_millis_dithered`]).
    pub fn is_scaled(&self) -> bool {
        matches!(self, Sampler::Sum(_, scale) if *scale != 1.0)
    }

    /// One draw, in milliseconds (not yet rounded).
    #[inline]
    pub fn sample_ms<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Constant(v) => *v,
            Sampler::Exponential(d) => d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Gamma(d) => d.sample(rng),
            Sampler::Empirical(values) => {
                // Lemire-free but unbiased enough: 53-bit uniform times n, n is small.
                let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
                values[((u * values.len() as f64) as usize).min(values.len() - 1)]
            }
            Sampler::Sum(parts, scale) => {
                scale * parts.iter().map(|p| p.sample_ms(rng)).sum::<f64>()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bordersim_des::stage_rng;

    fn sample_mean_and_scv(d: &ServiceDist, n: u32) -> (f64, f64) {
        let s = d.sampler().unwrap();
        let mut rng = stage_rng(7, 0);
        let xs: Vec<f64> = (0..n).map(|_| s.sample_ms(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, v / (m * m))
    }

    #[test]
    fn sample_moments_match_stated_moments() {
        let cases = [
            ServiceDist::Exponential { mean_ms: 120_000.0 },
            ServiceDist::Deterministic { value_ms: 60_000.0 },
            ServiceDist::Uniform {
                min_ms: 60_000.0,
                max_ms: 180_000.0,
            },
            ServiceDist::Triangular {
                min_ms: 60_000.0,
                mode_ms: 90_000.0,
                max_ms: 240_000.0,
            },
            ServiceDist::LogNormal {
                mean_ms: 120_000.0,
                cv: 0.6,
            },
            ServiceDist::Gamma {
                mean_ms: 120_000.0,
                cv: 0.5,
            },
            ServiceDist::Empirical {
                values_ms: vec![30_000.0, 60_000.0, 150_000.0],
            },
            ServiceDist::Sum {
                parts: vec![
                    ServiceDist::Exponential { mean_ms: 60_000.0 },
                    ServiceDist::Triangular {
                        min_ms: 60_000.0,
                        mode_ms: 90_000.0,
                        max_ms: 240_000.0,
                    },
                ],
                scale: 0.7,
            },
        ];
        for d in &cases {
            let (m, scv) = sample_mean_and_scv(d, 400_000);
            assert!(
                (m - d.mean_ms()).abs() / d.mean_ms() < 0.01,
                "{d:?}: mean {m}"
            );
            assert!(
                (scv - d.scv()).abs() < 0.02 + 0.03 * d.scv(),
                "{d:?}: scv {scv} vs {}",
                d.scv()
            );
        }
    }

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(
            ServiceDist::Exponential { mean_ms: 0.0 }
                .validate()
                .is_err()
        );
        assert!(
            ServiceDist::Uniform {
                min_ms: 5.0,
                max_ms: 1.0
            }
            .validate()
            .is_err()
        );
        assert!(
            ServiceDist::Triangular {
                min_ms: 1.0,
                mode_ms: 9.0,
                max_ms: 5.0
            }
            .validate()
            .is_err()
        );
        assert!(
            ServiceDist::LogNormal {
                mean_ms: 1.0,
                cv: -1.0
            }
            .validate()
            .is_err()
        );
        assert!(
            ServiceDist::Sum {
                parts: vec![],
                scale: 1.0
            }
            .validate()
            .is_err()
        );
        assert!(
            ServiceDist::Sum {
                parts: vec![ServiceDist::Exponential { mean_ms: 1.0 }],
                scale: 0.0
            }
            .validate()
            .is_err()
        );
        assert!(
            ServiceDist::Empirical { values_ms: vec![] }
                .validate()
                .is_err()
        );
        assert!(
            ServiceDist::Deterministic { value_ms: f64::NAN }
                .validate()
                .is_err()
        );
    }

    /// `validate` is exactly what the sampler needs: over a grid of extreme parameters,
    /// a distribution validates if and only if its sampler builds, and those that validate
    /// draw finite, non-negative times.
    #[test]
    fn validate_accepts_exactly_what_the_sampler_builds() {
        let values = [
            0.0,
            5e-324,
            1e-310,
            1e-160,
            1e-150,
            1e-5,
            0.5,
            1.0,
            60_000.0,
            1e150,
            1e300,
            1e308,
            f64::MAX,
        ];
        let mut rng = stage_rng(11, 0);
        let mut checked = 0;
        for &a in &values {
            for &b in &values {
                let dists = [
                    ServiceDist::Exponential { mean_ms: a },
                    ServiceDist::Uniform {
                        min_ms: a,
                        max_ms: b,
                    },
                    ServiceDist::Triangular {
                        min_ms: a.min(b),
                        mode_ms: a.min(b),
                        max_ms: a.max(b),
                    },
                    ServiceDist::LogNormal { mean_ms: a, cv: b },
                    ServiceDist::Gamma { mean_ms: a, cv: b },
                ];
                for d in dists {
                    let valid = d.validate();
                    let sampler = d.sampler();
                    assert_eq!(valid.is_ok(), sampler.is_ok(), "{d:?}");
                    if let Ok(s) = sampler {
                        let x = s.sample_ms(&mut rng);
                        assert!(!x.is_nan() && x >= 0.0, "{d:?}: {x}");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 13 * 13 * 5);
    }

    #[test]
    fn extreme_cvs_are_rejected_by_validate_with_the_parameter() {
        for (d, expected) in [
            (
                ServiceDist::Gamma {
                    mean_ms: 60_000.0,
                    cv: 1e-160,
                },
                "cv = 1e-160 with mean = 60000 ms gives a gamma with shape 1/cv² = more than the largest number (1.8e308) and scale \
                 mean·cv² = 0 ms; both must be positive finite numbers (use a cv between \
                 1e-150 and 1e150, or 0 for a constant time)",
            ),
            (
                ServiceDist::Gamma {
                    mean_ms: 60_000.0,
                    cv: 1e300,
                },
                "cv = 1e300 with mean = 60000 ms gives a gamma with shape 1/cv² = 0 and scale \
                 mean·cv² = more than the largest number (1.8e308) ms; both must be positive finite numbers (use a cv between \
                 1e-150 and 1e150, or 0 for a constant time)",
            ),
            (
                ServiceDist::LogNormal {
                    mean_ms: 60_000.0,
                    cv: 1e308,
                },
                "cv = 1e308 is too large for a lognormal: ln(1 + cv²) is not a finite number \
                 (use a cv below 1e150)",
            ),
        ] {
            assert_eq!(d.validate().unwrap_err().0, expected);
        }
        // cv = 1e-160 is a usable lognormal (sigma rounds to 0: the mean every time).
        let d = ServiceDist::LogNormal {
            mean_ms: 60_000.0,
            cv: 1e-160,
        };
        assert!(d.validate().is_ok());
    }
}

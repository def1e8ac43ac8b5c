//! Summaries across replications: the mean of one value per replication and its 95%
//! confidence interval (Student's t: the method of independent replications, A. M. Law,
//! *Simulation Modeling and Analysis*, 5th ed., 2015, ch. 9).

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The 0.975 quantile of Student's t with `df` degrees of freedom (the multiplier of a
/// two-sided 95% confidence interval). `None` for `df == 0`.
pub fn student_t_quantile_975(df: u64) -> Option<f64> {
    if df == 0 {
        return None;
    }
    // Reports ask for thousands of intervals with the same replication count, and each
    // inverse CDF is an iterative solve: the common degrees of freedom are computed once.
    match QUANTILE_975.get(df as usize) {
        Some(cell) => *cell.get_or_init(|| t_quantile_975_uncached(df)),
        None => t_quantile_975_uncached(df),
    }
}

/// Cached 0.975 quantiles for 1 to 1023 degrees of freedom (index 0 unused).
static QUANTILE_975: [std::sync::OnceLock<Option<f64>>; 1024] =
    [const { std::sync::OnceLock::new() }; 1024];

fn t_quantile_975_uncached(df: u64) -> Option<f64> {
    let t = StudentsT::new(0.0, 1.0, df as f64).ok()?;
    Some(t.inverse_cdf(0.975))
}

/// A mean across independent replications with the half-width of its 95% confidence
/// interval (Student t with n − 1 degrees of freedom).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanCi {
    /// The sample mean, in the unit of the samples.
    pub mean: f64,
    /// `None` with fewer than two replications: one run says nothing about its own spread.
    pub half_width_95: Option<f64>,
    /// Number of samples (replications) summarised, at least 1.
    pub n: u64,
}

impl MeanCi {
    /// Summarises `samples` (one value per replication) in the order given; `None` for an
    /// empty slice. Sums run sequentially over the slice, so the
    /// result is bit-identical whatever produced the samples in parallel.
    pub fn from_samples(samples: &[f64]) -> Option<MeanCi> {
        let n = samples.len() as u64;
        if n == 0 {
            return None;
        }
        let mean = samples.iter().sum::<f64>() / n as f64;
        let half_width_95 = if n >= 2 {
            let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            student_t_quantile_975(n - 1).map(|t| t * (var / n as f64).sqrt())
        } else {
            None
        };
        Some(MeanCi {
            mean,
            half_width_95,
            n,
        })
    }

    /// Whether `value` lies within `k` half-widths of the mean (`false` without a half-width,
    /// i.e. with fewer than two samples).
    pub fn covers(&self, value: f64, k: f64) -> bool {
        self.half_width_95
            .is_some_and(|hw| (self.mean - value).abs() <= k * hw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Standard table values.
        assert!((student_t_quantile_975(1).unwrap() - 12.706).abs() < 1e-3);
        assert!((student_t_quantile_975(9).unwrap() - 2.262).abs() < 1e-3);
        assert!((student_t_quantile_975(30).unwrap() - 2.042).abs() < 1e-3);
        assert_eq!(student_t_quantile_975(0), None);
    }

    #[test]
    fn ci_of_known_sample() {
        let s = [1.0, 2.0, 3.0, 4.0, 5.0];
        let ci = MeanCi::from_samples(&s).unwrap();
        assert_eq!(ci.mean, 3.0);
        // sd = sqrt(2.5), se = sqrt(0.5), t(4) = 2.776
        assert!((ci.half_width_95.unwrap() - 2.776 * 0.5f64.sqrt()).abs() < 1e-3);
        assert!(ci.covers(3.5, 1.0));
        assert_eq!(MeanCi::from_samples(&[7.0]).unwrap().half_width_95, None);
        assert_eq!(MeanCi::from_samples(&[]), None);
    }
}

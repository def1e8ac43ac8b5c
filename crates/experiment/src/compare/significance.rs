//! Whether a paired difference is significant: the paired t-test and the
//! Benjamini–Hochberg control of the false-discovery rate over one variant's differences.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Two-sided p-value of a paired t-test of mean zero: `None` with fewer than two
/// differences. Differences that are all equal give 1 when they are zero, 0 otherwise.
pub(super) fn p_value(samples: &[f64]) -> Option<f64> {
    let n = samples.len();
    if n < 2 {
        return None;
    }
    let mean = samples.iter().sum::<f64>() / n as f64;
    let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let se = (var / n as f64).sqrt();
    if se == 0.0 || !se.is_finite() {
        return Some(if mean == 0.0 { 1.0 } else { 0.0 });
    }
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).ok()?;
    Some((2.0 * t.cdf(-(mean / se).abs())).clamp(0.0, 1.0))
}

/// The Benjamini–Hochberg step-up method at false-discovery rate `q`: which of `p` are
/// discoveries (`None`: not tested).
pub(super) fn benjamini_hochberg(p: &[Option<f64>], q: f64) -> Vec<bool> {
    let mut order: Vec<(usize, f64)> = p
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (i, p)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let m = order.len() as f64;
    // The largest rank k whose p-value is at most k·q/m: it and every smaller p are
    // discoveries, even those above their own threshold (step-up).
    let last = order
        .iter()
        .enumerate()
        .rev()
        .find(|(k, (_, p))| *p <= (*k + 1) as f64 * q / m)
        .map(|(k, _)| k);
    let mut rejected = vec![false; p.len()];
    if let Some(last) = last {
        for &(i, _) in &order[..=last] {
            rejected[i] = true;
        }
    }
    rejected
}

/// The false-discovery rate `significant` holds over the differences of one variant
/// (Benjamini–Hochberg).
pub const FALSE_DISCOVERY_RATE: f64 = 0.05;

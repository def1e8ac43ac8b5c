//! The method of successive averages and the gap.
//!
//! Iteration `n` (from 1) simulates the current flows `x`, computes the best response `y`
//! (the flows the measured border times would produce), and moves `x` to
//! `x + λ_n (y − x)`. With the classic step `λ_n = 1/n`, `x` is the plain average of every
//! best response so far (the first step replaces the starting flows by the first best
//! response). The *weighted* variant (Liu, He & He 2007, "Method of successive weighted
//! averages") gives response `k` the weight `k^d`: `λ_n = n^d / Σ_{k≤n} k^d`, so `d = 0` is
//! the classic MSA and `d = 1` (`λ_n = 2/(n+1)`) forgets the poor early responses faster
//! while keeping the steps shrinking, which MSA's convergence needs.
//!
//! The *self-regulated* variant (same paper) keeps `λ_n = 1/β_n` with `β` growing by a
//! large `Γ` when the gap rose since the last iteration (the flows overshoot: damp harder)
//! and by a small `γ` when it fell (the flows settle: keep moving). It forgets the swings
//! of the first iterations much faster than the plain average, whose gap can only shrink as
//! fast as `1/n` once they are in it.
//!
//! The gap is `Σ |y − x| / Σ x`: the share of all traffic that would move (between crossings,
//! or in or out of existence) if travellers responded to the border times the current flows
//! produce. It is zero exactly at an equilibrium, and — unlike the step `x_{n+1} − x_n`,
//! which shrinks as `1/n` whatever happens — it does not fall unless the flows really settle.

/// The step `λ_n = n^d / Σ_{k≤n} k^d` of iteration `n` (from 1) with weight exponent `d`.
pub fn msa_step_size(iteration: u32, weight_exponent: f64) -> f64 {
    let n = iteration.max(1);
    let weight = |k: u32| f64::from(k).powf(weight_exponent);
    let total: f64 = (1..=n).map(weight).sum();
    weight(n) / total
}

/// Moves `current` towards `auxiliary` by the step of iteration `iteration` (from 1).
pub fn msa_step(current: &mut [f64], auxiliary: &[f64], iteration: u32, weight_exponent: f64) {
    assert_eq!(current.len(), auxiliary.len());
    let step = msa_step_size(iteration, weight_exponent);
    for (x, y) in current.iter_mut().zip(auxiliary) {
        *x += step * (y - *x);
    }
}

/// How the step of each iteration is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StepRule {
    /// `λ_n = n^d / Σ_{k≤n} k^d` (`d = 0`: the classic MSA, `1/n`).
    Weighted {
        /// The weight exponent `d` (≥ 0).
        exponent: f64,
    },
    /// `λ_n = 1/β_n`, `β_1 = 1`, `β_n = β_{n−1} + (gap rose ? worse : better)`.
    SelfRegulated {
        /// `Γ`: what `β` grows by when the gap rose (damp harder).
        worse: f64,
        /// `γ`: what `β` grows by when the gap fell (keep moving).
        better: f64,
    },
}

/// The steps of one equilibrium run, in order.
#[derive(Clone, Debug)]
pub struct Averaging {
    rule: StepRule,
    iteration: u32,
    beta: f64,
    last_gap: Option<f64>,
}

impl Averaging {
    /// The averaging of a new run, before its first iteration.
    pub fn new(rule: StepRule) -> Self {
        Averaging {
            rule,
            iteration: 0,
            beta: 0.0,
            last_gap: None,
        }
    }

    /// The step of the next iteration, whose gap (before the step) is `gap`.
    pub fn next_step(&mut self, gap: f64) -> f64 {
        self.iteration += 1;
        let step = match self.rule {
            StepRule::Weighted { exponent } => msa_step_size(self.iteration, exponent),
            StepRule::SelfRegulated { worse, better } => {
                self.beta += match self.last_gap {
                    None => 1.0,
                    Some(last) if gap >= last => worse,
                    Some(_) => better,
                };
                1.0 / self.beta
            }
        };
        self.last_gap = Some(gap);
        step
    }

    /// Moves `current` towards `auxiliary` by the next step.
    pub fn step(&mut self, current: &mut [f64], auxiliary: &[f64], gap: f64) {
        assert_eq!(current.len(), auxiliary.len());
        let step = self.next_step(gap);
        for (x, y) in current.iter_mut().zip(auxiliary) {
            *x += step * (y - *x);
        }
    }
}

/// `Σ |y − x| / Σ x`; 0 when there is no traffic at all and none would appear.
pub fn relative_gap(current: &[f64], auxiliary: &[f64]) -> f64 {
    assert_eq!(current.len(), auxiliary.len());
    let moved: f64 = current
        .iter()
        .zip(auxiliary)
        .map(|(x, y)| (y - x).abs())
        .sum();
    let total: f64 = current.iter().sum();
    if total > 0.0 {
        moved / total
    } else if moved > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msa_is_the_running_average_of_best_responses() {
        let mut x = vec![100.0, 0.0];
        let responses = [[20.0, 80.0], [60.0, 40.0], [40.0, 60.0]];
        for (n, y) in responses.iter().enumerate() {
            msa_step(&mut x, y, n as u32 + 1, 0.0);
        }
        assert!((x[0] - 40.0).abs() < 1e-12 && (x[1] - 60.0).abs() < 1e-12);
    }

    #[test]
    fn weighted_steps_by_hand() {
        assert_eq!(msa_step_size(1, 0.0), 1.0);
        assert!((msa_step_size(4, 0.0) - 0.25).abs() < 1e-15);
        // d = 1: 2 / (n + 1).
        for n in 1..10 {
            assert!((msa_step_size(n, 1.0) - 2.0 / f64::from(n + 1)).abs() < 1e-15);
        }
        // d = 1 weighs response k by k: after responses 10, 20, 40 the average is
        // (1·10 + 2·20 + 3·40) / 6.
        let mut x = vec![0.0];
        for (n, y) in [10.0, 20.0, 40.0].iter().enumerate() {
            msa_step(&mut x, &[*y], n as u32 + 1, 1.0);
        }
        assert!((x[0] - 170.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn self_regulated_steps_by_hand() {
        let mut a = Averaging::new(StepRule::SelfRegulated {
            worse: 2.0,
            better: 0.5,
        });
        assert_eq!(a.next_step(0.9), 1.0); // β = 1
        assert_eq!(a.next_step(0.5), 1.0 / 1.5); // fell: β + 0.5
        assert_eq!(a.next_step(0.7), 1.0 / 3.5); // rose: β + 2
        let mut m = Averaging::new(StepRule::Weighted { exponent: 0.0 });
        assert_eq!(m.next_step(1.0), 1.0);
        assert_eq!(m.next_step(0.1), 0.5);
        assert!((m.next_step(5.0) - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn gap_by_hand() {
        // 10 of 100 vehicles would move from one crossing to the other: 20 / 100.
        assert!((relative_gap(&[60.0, 40.0], &[50.0, 50.0]) - 0.2).abs() < 1e-15);
        assert_eq!(relative_gap(&[3.0, 4.0], &[3.0, 4.0]), 0.0);
        assert_eq!(relative_gap(&[0.0], &[0.0]), 0.0);
        assert_eq!(relative_gap(&[0.0], &[1.0]), f64::INFINITY);
    }
}

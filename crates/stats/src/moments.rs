//! Exact integer moments over replications, and the intervals that follow from them.
//!
//! A statistic observed as a whole number per replication (a queue's area in vehicle·ms
//! over a time bin, the waits in ms and their number in a bin) can be summarised by sums
//! of its powers and products — Σx, Σx², or Σs, Σc, Σs², Σsc, Σc² for a ratio — kept as
//! integers. Integer addition is associative, so such sums merge in any grouping to the
//! same bits, and they take the same room whatever the number of replications. The mean
//! and the Student-t interval follow from them ([`MeanCi::from_moments`],
//! [`MeanCi::ratio_from_moments`]) with the variance's numerator computed exactly.
//!
//! Range: a sum is a [`WideSum`], 256 bits. The summands are products of two `u64`
//! (below 2^128), and there are fewer than 2^64 replications, so a sum stays below 2^192:
//! it never overflows. The numerators of the variances are formed in 512 bits, where the
//! products of such sums fit (up to 2^449), so they are exact too.

use std::fmt;
use std::str::FromStr;

use crate::summary::{MeanCi, student_t_quantile_975};

/// An unsigned integer below 2^256 (four 64-bit limbs, least significant first): the sum,
/// over fewer than 2^64 replications, of products of two `u64`, which stays below 2^192,
/// so it never overflows. Written and read as its decimal digits ([`fmt::Display`],
/// [`FromStr`]), exactly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct WideSum([u64; 4]);

impl WideSum {
    /// Zero.
    pub const ZERO: WideSum = WideSum([0; 4]);

    /// 2^256 − 1, the largest.
    pub const MAX: WideSum = WideSum([u64::MAX; 4]);

    /// `x`.
    #[inline]
    pub fn from_u128(x: u128) -> Self {
        WideSum([x as u64, (x >> 64) as u64, 0, 0])
    }

    /// `a · b`, exactly.
    #[inline]
    pub fn product(a: u64, b: u64) -> Self {
        Self::from_u128(u128::from(a) * u128::from(b))
    }

    /// `self + other`; `None` past 2^256 (which sums of fewer than 2^64 products of two
    /// `u64` never reach).
    #[inline]
    pub fn checked_add(self, other: WideSum) -> Option<WideSum> {
        let mut out = [0u64; 4];
        let mut carry = false;
        for (o, (a, b)) in out.iter_mut().zip(self.0.iter().zip(other.0)) {
            let (s, c1) = a.overflowing_add(b);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            *o = s;
            carry = c1 || c2;
        }
        (!carry).then_some(WideSum(out))
    }

    /// Whether the value is below 2^192 (as every sum of fewer than 2^64 products of two
    /// `u64` is).
    pub fn below_2_192(&self) -> bool {
        self.0[3] == 0
    }

    /// Whether the value is 0.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    /// The nearest `f64` (within one part in 2^52).
    pub fn to_f64(self) -> f64 {
        Big::from(self).to_f64()
    }

    /// Whether `sum` = Σx and `sum_sq` = Σx² agree with being the sums of `n` whole
    /// numbers as far as two necessary conditions tell: (Σx)² ≤ n·Σx² (Cauchy–Schwarz)
    /// and Σx ≤ Σx² (x ≤ x² for a whole number); with `n == 0`, both 0. For checking
    /// sums read back from a file.
    pub fn moments_agree(n: u64, sum: WideSum, sum_sq: WideSum) -> bool {
        let squared = mul(sum, sum);
        let bound = mul(Big::from_u64(n), sum_sq);
        match squared.zip(bound) {
            Some((sq, bound)) => sq.le(&bound) && Big::from(sum).le(&Big::from(sum_sq)),
            None => false,
        }
    }
}

impl fmt::Display for WideSum {
    /// The decimal digits, without sign or separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        // Nineteen digits at a time: 10^19 < 2^64.
        const CHUNK: u64 = 10_000_000_000_000_000_000;
        let mut limbs = self.0;
        let mut chunks = Vec::new();
        while limbs != [0; 4] {
            let mut rem: u128 = 0;
            for limb in limbs.iter_mut().rev() {
                let cur = (rem << 64) | u128::from(*limb);
                *limb = (cur / u128::from(CHUNK)) as u64;
                rem = cur % u128::from(CHUNK);
            }
            chunks.push(rem as u64);
        }
        let mut chunks = chunks.into_iter().rev();
        write!(f, "{}", chunks.next().unwrap_or(0))?;
        chunks.try_for_each(|c| write!(f, "{c:019}"))
    }
}

impl FromStr for WideSum {
    type Err = String;

    /// Decimal digits only (no sign, no separators), at most 2^256 − 1.
    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "`{s}` is not a whole number written in decimal digits"
            ));
        }
        let too_large = || format!("`{s}` is larger than 2^256 − 1");
        let mut limbs = [0u64; 4];
        for digit in s.bytes().map(|b| u64::from(b - b'0')) {
            let mut carry = u128::from(digit);
            for limb in &mut limbs {
                let cur = u128::from(*limb) * 10 + carry;
                *limb = cur as u64;
                carry = cur >> 64;
            }
            if carry != 0 {
                return Err(too_large());
            }
        }
        Ok(WideSum(limbs))
    }
}

/// An unsigned integer below 2^512, for the numerators of variances (products of up to
/// three [`WideSum`]s below 2^192 and one factor below 2^64).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Big([u64; 8]);

impl From<WideSum> for Big {
    fn from(w: WideSum) -> Big {
        let mut limbs = [0u64; 8];
        limbs[..4].copy_from_slice(&w.0);
        Big(limbs)
    }
}

impl Big {
    fn from_u64(x: u64) -> Big {
        let mut limbs = [0u64; 8];
        limbs[0] = x;
        Big(limbs)
    }

    /// `self · other`; `None` past 2^512.
    fn mul(self, other: Big) -> Option<Big> {
        let mut out = [0u64; 8];
        for (i, &a) in self.0.iter().enumerate().filter(|(_, a)| **a != 0) {
            let mut carry: u128 = 0;
            for (j, &b) in other.0.iter().enumerate() {
                let k = i + j;
                let cur = u128::from(a) * u128::from(b) + carry;
                if k >= 8 {
                    if cur != 0 {
                        return None;
                    }
                    continue;
                }
                let sum = u128::from(out[k]) + (cur & u128::from(u64::MAX));
                out[k] = sum as u64;
                carry = (cur >> 64) + (sum >> 64);
            }
            if carry != 0 {
                return None;
            }
        }
        Some(Big(out))
    }

    /// `self + other`; `None` past 2^512.
    fn add(self, other: Big) -> Option<Big> {
        let mut out = [0u64; 8];
        let mut carry = false;
        for (o, (a, b)) in out.iter_mut().zip(self.0.iter().zip(other.0)) {
            let (s, c1) = a.overflowing_add(b);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            *o = s;
            carry = c1 || c2;
        }
        (!carry).then_some(Big(out))
    }

    /// `self ≤ other`.
    fn le(&self, other: &Big) -> bool {
        self.0.iter().rev().cmp(other.0.iter().rev()) != std::cmp::Ordering::Greater
    }

    /// `self − other`, or 0 if `other` is larger.
    fn saturating_sub(self, other: Big) -> Big {
        let mut out = [0u64; 8];
        let mut borrow = false;
        for (o, (a, b)) in out.iter_mut().zip(self.0.iter().zip(other.0)) {
            let (d, b1) = a.overflowing_sub(b);
            let (d, b2) = d.overflowing_sub(u64::from(borrow));
            *o = d;
            borrow = b1 || b2;
        }
        if borrow { Big([0; 8]) } else { Big(out) }
    }

    /// The nearest `f64` of the top 128 significant bits (within one part in 2^52).
    fn to_f64(self) -> f64 {
        let Some(top) = self.0.iter().rposition(|&l| l != 0) else {
            return 0.0;
        };
        if top == 0 {
            return self.0[0] as f64;
        }
        let high = (u128::from(self.0[top]) << 64) | u128::from(self.0[top - 1]);
        high as f64 * 2f64.powi(64 * (top as i32 - 1))
    }
}

/// `a · b` in 512 bits, `None` past them.
fn mul(a: impl Into<Big>, b: impl Into<Big>) -> Option<Big> {
    a.into().mul(b.into())
}

/// The exact moments of a ratio's numerator `s` and denominator `c` over `n`
/// replications, one pair of whole numbers each (e.g. the waits in ms ending in a time bin
/// and their number): Σs, Σc, Σs², Σs·c, Σc².
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RatioMoments {
    /// Replications.
    pub n: u64,
    /// Σs.
    pub s: WideSum,
    /// Σc.
    pub c: WideSum,
    /// Σs².
    pub ss: WideSum,
    /// Σs·c.
    pub sc: WideSum,
    /// Σc².
    pub cc: WideSum,
}

impl MeanCi {
    /// The mean over `n` replications of `x / per` and its 95% Student-t half-width, from
    /// the exact sums of `n` whole numbers `x` (`sum` = Σx, `sum_sq` = Σx²): what
    /// [`MeanCi::from_samples`] gives for the samples `x / per`, to rounding (its mean
    /// exactly when Σx is below 2^53 and `per` is 1). `per` is the unit the numbers are
    /// counted in (a bin's length in ms, to turn an area in vehicle·ms into a mean level).
    ///
    /// The variance's numerator n·Σx² − (Σx)² (= Σᵢ<ⱼ (xᵢ − xⱼ)², never negative for real
    /// samples) is formed exactly in integers and rounded once, so no cancellation loses
    /// the spread of large, nearly equal values. `None` for `n == 0`; no half-width for
    /// `n == 1`. Sums that no samples could give (a negative numerator) read as no spread.
    pub fn from_moments(n: u64, sum: WideSum, sum_sq: WideSum, per: f64) -> Option<MeanCi> {
        if n == 0 {
            return None;
        }
        let nf = n as f64;
        let mean = sum.to_f64() / nf / per;
        let half_width_95 = if n >= 2 {
            // n < 2^64 and Σx² < 2^256: the product is below 2^320; (Σx)² below 2^512.
            let numerator = mul(Big::from_u64(n), sum_sq)
                .zip(mul(sum, sum))
                .map(|(a, b)| a.saturating_sub(b).to_f64());
            numerator
                .zip(student_t_quantile_975(n - 1))
                .map(|(num, t)| {
                    // var = num / (n (n − 1)); half-width = t · √(var / n).
                    t * (num / (nf * (nf - 1.0))).sqrt() / nf.sqrt() / per
                })
        } else {
            None
        };
        Some(MeanCi {
            mean,
            half_width_95,
            n,
        })
    }

    /// The ratio R = Σs / Σc over replications (every observation weighing alike: e.g. the
    /// mean wait of every vehicle starting service in a bin), divided by `per`, and its 95%
    /// half-width by the delta method: the Student-t half-width of the mean of the
    /// residuals eᵣ = sᵣ − R·cᵣ, over the mean count Σc / n. `None` when Σc = 0 (no
    /// observation); no half-width for one replication.
    ///
    /// Σe² = Σs² − 2RΣsc + R²Σc² would cancel badly in floating point (its terms are of the
    /// size of Σs², the residuals often far smaller), so it is formed exactly as
    /// N = (Σc)²·Σe² = (Σc)²Σs² − 2·Σs·Σc·Σsc + (Σs)²Σc², an integer below 2^450, and
    /// rounded once: half-width = t(n−1) · √N / (Σc)² · √(n / (n − 1)) / `per`.
    pub fn ratio_from_moments(m: &RatioMoments, per: f64) -> Option<MeanCi> {
        if m.n == 0 || m.c.is_zero() {
            return None;
        }
        let (n, c) = (m.n as f64, m.c.to_f64());
        let mean = m.s.to_f64() / c / per;
        let half_width_95 = if m.n >= 2 {
            let cc = mul(m.c, m.c);
            let ss_term = cc.and_then(|cc| cc.mul(m.ss.into()));
            let cross = mul(m.s, m.c)
                .and_then(|sc| sc.mul(m.sc.into()))
                .and_then(|x| x.add(x));
            let c_term = mul(m.s, m.s).and_then(|s2| s2.mul(m.cc.into()));
            let numerator = ss_term
                .zip(c_term)
                .and_then(|(a, b)| a.add(b))
                .zip(cross)
                .map(|(plus, minus)| plus.saturating_sub(minus).to_f64());
            numerator
                .zip(student_t_quantile_975(m.n - 1))
                .map(|(num, t)| t * num.sqrt() / (c * c) * (n / (n - 1.0)).sqrt() / per)
        } else {
            None
        };
        Some(MeanCi {
            mean,
            half_width_95,
            n: m.n,
        })
    }
}

#[cfg(test)]
mod tests;

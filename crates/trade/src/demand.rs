//! Demand that responds to delay.
//!
//! Each origin–destination flow has a volume `V0` it would have if the border added no
//! delay. With border times, the flow's composite generalized cost (the logit's logsum over
//! its crossings, in minutes) rises from `C0` (every border time zero, same roads and tolls)
//! to `C`. The rise, expressed in minutes of border delay (dividing by the border weight) and
//! then in days, moves the volume exponentially:
//!
//! ```text
//! V = V0 × exp(ε × (C − C0) / (border_weight × 1440))
//! ```
//!
//! `ε` is a semi-elasticity: the relative change in volume per day of border delay. Its
//! default, −0.01, is Djankov, Freund & Pham (2010, "Trading on Time"): each extra day of
//! delay reduces trade by at least 1%. With one crossing and no constants, `C − C0` is the
//! border weight times the border time, so `V = V0 × exp(ε × days at the border)` exactly.
//! `ε = 0` gives `exp(0) = 1`: fixed demand, exactly.

use crate::region::MINUTES_PER_DAY;

/// The factor `V / V0` for a flow whose composite generalized cost rose by
/// `cost_rise_minutes` because of border delay, with the border weight used in that cost.
pub fn demand_factor(elasticity_per_day: f64, cost_rise_minutes: f64, border_weight: f64) -> f64 {
    if elasticity_per_day == 0.0 {
        return 1.0;
    }
    let delay_days = cost_rise_minutes / border_weight / MINUTES_PER_DAY;
    (elasticity_per_day * delay_days).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computation() {
        // Six hours at the border (weight 2.5 ⇒ 900 generalized minutes), ε = −1%/day:
        // exp(−0.01 × 0.25) = 0.997503…
        let f = demand_factor(-0.01, 900.0, 2.5);
        assert!((f - 0.997_503_122_397_460_5).abs() < 1e-15, "{f}");
        // A whole day at the border: −1% (to first order), exactly exp(−0.01).
        let f = demand_factor(-0.01, 2.5 * 1440.0, 2.5);
        assert!((f - (-0.01f64).exp()).abs() < 1e-15);
        // Time-sensitive goods (Djankov et al.: 6% less per day, relative): ε = −0.07.
        let f = demand_factor(-0.07, 1440.0, 1.0);
        assert!((f - (-0.07f64).exp()).abs() < 1e-15);
    }

    #[test]
    fn zero_elasticity_is_fixed_demand_exactly() {
        for rise in [0.0, 1.0, 1e6, f64::INFINITY] {
            assert_eq!(demand_factor(0.0, rise, 2.5), 1.0);
        }
    }

    #[test]
    fn more_delay_never_raises_demand() {
        let mut last = 1.0;
        for rise in [0.0, 10.0, 100.0, 1000.0, 1e5] {
            let f = demand_factor(-0.05, rise, 2.5);
            assert!(f <= last && f > 0.0);
            last = f;
        }
    }
}

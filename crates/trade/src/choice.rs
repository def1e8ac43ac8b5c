//! Crossing choice: a multinomial logit over generalized cost.
//!
//! For a flow and a crossing `c`:
//!
//! ```text
//! GC_c = travel_c + border_weight × border_c + toll_weight × 60 × toll_c / VOT   (minutes)
//! U_c  = ASC_c + time_coefficient × GC_c                                        (utils)
//! P_c  = exp(U_c) / Σ_j exp(U_j)     over the crossings open to the flow
//! ```
//!
//! A crossing that is closed to the flow (no open lanes, no road, or it does not carry the
//! class in that direction) is not an alternative: its share is exactly zero (SANDAG's model
//! gives it a utility of −9999, which is the same in the limit).

use crate::region::ChoiceParams;

/// Generalized cost in driving minutes. `value_of_time_per_h` must be positive when the
/// toll is not zero.
pub fn generalized_cost(
    params: &ChoiceParams,
    travel_minutes: f64,
    border_minutes: f64,
    toll: f64,
    value_of_time_per_h: f64,
) -> f64 {
    let toll_minutes = if toll == 0.0 {
        0.0
    } else {
        60.0 * toll / value_of_time_per_h
    };
    travel_minutes + params.border_weight * border_minutes + params.toll_weight * toll_minutes
}

/// Logit shares of the alternatives; `None` marks a closed one (share 0). Computed with the
/// largest utility subtracted first, so that utilities of any size neither overflow nor
/// underflow to an all-zero sum. All closed: every share is 0.
pub fn logit_shares(utilities: &[Option<f64>]) -> Vec<f64> {
    let Some(max) = max_utility(utilities) else {
        return vec![0.0; utilities.len()];
    };
    let weights: Vec<f64> = utilities
        .iter()
        .map(|u| u.map_or(0.0, |u| (u - max).exp()))
        .collect();
    let total: f64 = weights.iter().sum();
    weights.into_iter().map(|w| w / total).collect()
}

/// The logsum `ln Σ exp(U_c)` over the open alternatives (the expected maximum utility);
/// `None` if all are closed.
pub fn logsum(utilities: &[Option<f64>]) -> Option<f64> {
    let max = max_utility(utilities)?;
    let total: f64 = utilities.iter().flatten().map(|u| (u - max).exp()).sum();
    Some(max + total.ln())
}

/// The composite generalized cost of a choice, in minutes: the logsum divided by the time
/// coefficient. With one alternative and no constant it is that alternative's cost; it never
/// exceeds the cheapest alternative's cost (net of constants), since a choice among several
/// can only help.
pub fn composite_cost(params: &ChoiceParams, utilities: &[Option<f64>]) -> Option<f64> {
    logsum(utilities).map(|ls| ls / params.time_coefficient)
}

fn max_utility(utilities: &[Option<f64>]) -> Option<f64> {
    utilities.iter().flatten().copied().reduce(f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn shares_sum_to_one_and_match_the_closed_form() {
        let cases: [&[f64]; 4] = [
            &[0.0, 0.0],
            &[-1.0, -2.5, 0.3],
            &[-3.0, -3.0, -3.0, -10.0],
            &[5.0],
        ];
        for utilities in cases {
            let open: Vec<Option<f64>> = utilities.iter().copied().map(Some).collect();
            let shares = logit_shares(&open);
            assert!(close(shares.iter().sum::<f64>(), 1.0), "{utilities:?}");
            let denominator: f64 = utilities.iter().map(|u| u.exp()).sum();
            for (s, u) in shares.iter().zip(utilities) {
                assert!(close(*s, u.exp() / denominator), "{utilities:?}");
            }
        }
        // Two alternatives: P1 = 1 / (1 + exp(U2 − U1)).
        let shares = logit_shares(&[Some(-1.2), Some(-0.7)]);
        assert!(close(shares[0], 1.0 / (1.0 + (0.5f64).exp())));
    }

    #[test]
    fn a_closed_crossing_gets_exactly_zero_share() {
        let shares = logit_shares(&[Some(-1.0), None, Some(-1.0)]);
        assert_eq!(shares[1], 0.0);
        assert!(close(shares[0], 0.5) && close(shares[2], 0.5));
        assert_eq!(logit_shares(&[None, None]), vec![0.0, 0.0]);
        assert_eq!(logsum(&[None, None]), None);
    }

    #[test]
    fn huge_utilities_neither_overflow_nor_vanish() {
        let shares = logit_shares(&[Some(-5000.0), Some(-5001.0)]);
        assert!(close(shares[0], 1.0 / (1.0 + (-1.0f64).exp())));
        let shares = logit_shares(&[Some(900.0), Some(0.0)]);
        assert!(close(shares[0], 1.0) && shares[1] >= 0.0);
        let ls = logsum(&[Some(-5000.0), Some(-5000.0)]).unwrap();
        assert!(close(ls, -5000.0 + 2f64.ln()));
    }

    #[test]
    fn generalized_cost_by_hand() {
        let p = ChoiceParams::default();
        // 20 + 15 driving minutes, 40 border minutes × 2.5, a $5 toll at $20.64/h.
        let gc = generalized_cost(&p, 35.0, 40.0, 5.0, 20.64);
        assert!(close(gc, 35.0 + 100.0 + 60.0 * 5.0 / 20.64));
        // No toll: the value of time does not matter (even zero).
        assert_eq!(generalized_cost(&p, 10.0, 2.0, 0.0, 0.0), 15.0);
    }

    #[test]
    fn composite_cost_of_one_alternative_is_its_cost() {
        let p = ChoiceParams::default();
        let gc = 123.0;
        let c = composite_cost(&p, &[Some(p.time_coefficient * gc)]).unwrap();
        assert!(close(c, gc));
        // Adding an alternative lowers the composite cost.
        let two = composite_cost(&p, &[Some(p.time_coefficient * gc), Some(-10.0)]).unwrap();
        assert!(two < gc);
    }

    #[test]
    fn a_longer_border_time_never_raises_that_crossings_share() {
        let p = ChoiceParams::default();
        let mut last = 1.0;
        for border in [0.0, 5.0, 30.0, 120.0, 600.0] {
            let u0 = p.time_coefficient * generalized_cost(&p, 30.0, border, 0.0, 20.0);
            let u1 = p.time_coefficient * generalized_cost(&p, 45.0, 20.0, 0.0, 20.0);
            let share = logit_shares(&[Some(u0), Some(u1)])[0];
            assert!(share <= last);
            last = share;
        }
    }
}

use super::*;

/// A fixed-seed generator of whole numbers (SplitMix64), so the tests are the same each run.
fn numbers(seed: u64, count: usize, below: u64) -> Vec<u64> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % below
        })
        .collect()
}

fn sum_of(xs: impl IntoIterator<Item = WideSum>) -> WideSum {
    xs.into_iter()
        .fold(WideSum::ZERO, |a, b| a.checked_add(b).expect("no overflow"))
}

fn level(xs: &[u64], per: f64) -> Option<MeanCi> {
    let sum = sum_of(xs.iter().map(|&x| WideSum::from_u128(x.into())));
    let sum_sq = sum_of(xs.iter().map(|&x| WideSum::product(x, x)));
    MeanCi::from_moments(xs.len() as u64, sum, sum_sq, per)
}

fn ratio_moments(s: &[u64], c: &[u64]) -> RatioMoments {
    let wide = |xs: &[u64]| sum_of(xs.iter().map(|&x| WideSum::from_u128(x.into())));
    let products =
        |a: &[u64], b: &[u64]| sum_of(a.iter().zip(b).map(|(&x, &y)| WideSum::product(x, y)));
    RatioMoments {
        n: s.len() as u64,
        s: wide(s),
        c: wide(c),
        ss: products(s, s),
        sc: products(s, c),
        cc: products(c, c),
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs())
}

#[test]
fn a_wide_sum_reads_back_from_its_decimal_digits() {
    let max = WideSum([u64::MAX; 4]);
    assert_eq!(
        max.to_string(),
        "115792089237316195423570985008687907853269984665640564039457584007913129639935"
    );
    for w in [
        WideSum::ZERO,
        WideSum::from_u128(1),
        WideSum::from_u128(9_999_999_999_999_999_999),
        WideSum::from_u128(10_000_000_000_000_000_000),
        WideSum::from_u128(u128::MAX),
        WideSum::product(u64::MAX, u64::MAX),
        max,
    ] {
        assert_eq!(w.to_string().parse::<WideSum>(), Ok(w), "{w}");
    }
    assert_eq!(
        WideSum::from_u128(u128::MAX).to_string(),
        u128::MAX.to_string()
    );
    for bad in [
        "",
        "-1",
        "1e3",
        " 1",
        "115792089237316195423570985008687907853269984665640564039457584007913129639936",
    ] {
        assert!(bad.parse::<WideSum>().is_err(), "{bad:?}");
    }
}

#[test]
fn sums_of_squares_of_the_largest_numbers_do_not_overflow() {
    // 2^20 replications of the largest u64 squared: below 2^148, exact.
    let square = WideSum::product(u64::MAX, u64::MAX);
    let mut sum = WideSum::ZERO;
    for _ in 0..1 << 20 {
        sum = sum.checked_add(square).unwrap();
    }
    assert!(sum.below_2_192());
    let expected = (u128::MAX / 2 + 1) as f64 * 2.0 * 2f64.powi(20);
    assert!(close(sum.to_f64(), expected, 1e-15));
    // Only past 2^256 does an addition fail, and then it says so.
    assert_eq!(
        WideSum([u64::MAX; 4]).checked_add(WideSum::from_u128(1)),
        None
    );
}

#[test]
fn the_moments_give_what_the_samples_give() {
    for (seed, count, below, per) in [
        (1, 2, 1_000, 1.0),
        (2, 10, 1_000_000, 900_000.0),
        (3, 50, 1 << 40, 60_000.0),
        (4, 200, 1 << 50, 1.0),
        (5, 7, 5, 1.0),
    ] {
        let xs = numbers(seed, count, below);
        let samples: Vec<f64> = xs.iter().map(|&x| x as f64 / per).collect();
        let want = MeanCi::from_samples(&samples).unwrap();
        let got = level(&xs, per).unwrap();
        assert_eq!(got.n, want.n);
        assert!(close(got.mean, want.mean, 1e-12), "{got:?} {want:?}");
        let (g, w) = (got.half_width_95.unwrap(), want.half_width_95.unwrap());
        assert!(close(g, w, 1e-12), "{g} {w}");
    }
}

#[test]
fn a_small_case_has_the_samples_mean_exactly() {
    let got = level(&[1, 2, 3, 4, 5], 1.0).unwrap();
    let want = MeanCi::from_samples(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    assert_eq!(got.mean, 3.0);
    assert_eq!(got.mean, want.mean);
    // Σ(x − 3)² = 10: var 2.5, half-width t(4) · √(2.5 / 5).
    let expected = student_t_quantile_975(4).unwrap() * 0.5f64.sqrt();
    assert!(close(got.half_width_95.unwrap(), expected, 1e-15));
    let one = level(&[7], 1.0).unwrap();
    assert_eq!((one.mean, one.half_width_95), (7.0, None));
    assert_eq!(
        MeanCi::from_moments(0, WideSum::ZERO, WideSum::ZERO, 1.0),
        None
    );
    // Equal values: no spread at all, exactly.
    assert_eq!(level(&[9, 9, 9], 1.0).unwrap().half_width_95, Some(0.0));
}

#[test]
fn the_spread_of_huge_nearly_equal_values_is_exact() {
    // n·Σx² − (Σx)² = Σ over pairs (xᵢ − xⱼ)² = 0 + 1 + 1 = 2, where floating point sums
    // of squares near 2^128 could not see a difference of 1.
    let xs = [u64::MAX, u64::MAX, u64::MAX - 1];
    let got = level(&xs, 1.0).unwrap();
    let t = student_t_quantile_975(2).unwrap();
    let expected = t * (2.0f64 / (3.0 * 2.0)).sqrt() / 3f64.sqrt();
    assert!(
        close(got.half_width_95.unwrap(), expected, 1e-15),
        "{got:?}"
    );
}

#[test]
fn a_ratio_and_its_interval_by_hand() {
    // Replications: 3 waits totalling 30 s, 1 of 20 s: 50 / 4 = 12.5 s.
    let m = ratio_moments(&[30_000, 20_000], &[3, 1]);
    let got = MeanCi::ratio_from_moments(&m, 1000.0).unwrap();
    assert_eq!(got.mean, 12.5);
    // Residuals 30 − 37.5 = −7.5 and 20 − 12.5 = 7.5: t(1) · 7.5 over a mean count 2.
    let expected = 12.706_204_736_174_7 * 7.5 / 2.0;
    assert!(
        close(got.half_width_95.unwrap(), expected, 1e-12),
        "{got:?}"
    );
    // Three replications: s = 10, 40, 25 ms over c = 1, 3, 2: R = 75 / 6 = 12.5;
    // residuals −2.5, 2.5, 0: Σe² = 12.5, var 6.25, half-width t(2) · √(6.25 / 3) / 2.
    let m = ratio_moments(&[10, 40, 25], &[1, 3, 2]);
    let got = MeanCi::ratio_from_moments(&m, 1.0).unwrap();
    assert_eq!(got.mean, 12.5);
    let expected = student_t_quantile_975(2).unwrap() * (6.25f64 / 3.0).sqrt() / 2.0;
    assert!(
        close(got.half_width_95.unwrap(), expected, 1e-14),
        "{got:?}"
    );
    // No observation: no ratio.
    let none = ratio_moments(&[0, 0], &[0, 0]);
    assert_eq!(MeanCi::ratio_from_moments(&none, 1.0), None);
}

#[test]
fn the_ratio_matches_its_residuals_in_floating_point() {
    for (seed, count) in [(11, 2), (12, 10), (13, 100)] {
        let c = numbers(seed, count, 50);
        let s: Vec<u64> = c
            .iter()
            .zip(numbers(seed + 100, count, 600_000))
            .map(|(&c, w)| c * w)
            .collect();
        let got = MeanCi::ratio_from_moments(&ratio_moments(&s, &c), 1000.0).unwrap();
        // The floating-point delta method: residuals, then their Student-t half-width.
        let (sf, cf): (Vec<f64>, Vec<f64>) = s
            .iter()
            .zip(&c)
            .map(|(&s, &c)| (s as f64 / 1000.0, c as f64))
            .unzip();
        let ratio = sf.iter().sum::<f64>() / cf.iter().sum::<f64>();
        let residuals: Vec<f64> = sf.iter().zip(&cf).map(|(s, c)| s - ratio * c).collect();
        let mean_count = cf.iter().sum::<f64>() / count as f64;
        let half = MeanCi::from_samples(&residuals)
            .unwrap()
            .half_width_95
            .unwrap()
            / mean_count;
        assert!(close(got.mean, ratio, 1e-12), "{} {ratio}", got.mean);
        assert!(
            close(got.half_width_95.unwrap(), half, 1e-9),
            "{got:?} {half}"
        );
    }
}

#[test]
fn sums_no_replications_could_give_read_as_no_spread_or_no_interval() {
    // (Σx)² > n·Σx²: impossible for real samples; no spread, no panic.
    let got = MeanCi::from_moments(2, WideSum::from_u128(10), WideSum::from_u128(1), 1.0);
    assert_eq!(got.unwrap().half_width_95, Some(0.0));
    // Sums near 2^256 in a ratio: products past 2^512, no interval, no panic.
    let huge = WideSum([u64::MAX; 4]);
    let m = RatioMoments {
        n: 3,
        s: huge,
        c: huge,
        ss: huge,
        sc: huge,
        cc: huge,
    };
    let got = MeanCi::ratio_from_moments(&m, 1.0).unwrap();
    assert_eq!(got.half_width_95, None);
}

#[test]
fn sums_read_back_agree_with_whole_numbers_or_not() {
    let w = |x: u128| WideSum::from_u128(x);
    // 1, 2, 3: Σx = 6, Σx² = 14; (Σx)² = 36 ≤ 3 · 14 = 42.
    assert!(WideSum::moments_agree(3, w(6), w(14)));
    // Equal values are the limit: 3 × 2: 36 = 3 · 12.
    assert!(WideSum::moments_agree(3, w(6), w(12)));
    assert!(!WideSum::moments_agree(3, w(6), w(11)));
    // Σx² below Σx: no whole numbers give it.
    assert!(!WideSum::moments_agree(1, w(1), w(0)));
    assert!(WideSum::moments_agree(0, w(0), w(0)));
    assert!(!WideSum::moments_agree(0, w(1), w(1)));
    assert!(WideSum::moments_agree(2, WideSum::ZERO, WideSum::ZERO));
}

//! Numbers as the page prints them: fixed decimals, thousands separators, never a negative
//! zero (a value that rounds to zero prints without a sign).

use std::fmt;

/// `value` with `decimals` decimals, exactly as `format!("{value:.decimals$}")` writes it,
/// but without the float formatter's exact decimal expansion where it is not needed: a page
/// prints tens of thousands of coordinates and cells. Away from a tie (a product more than
/// 0.4999 from the nearest integer), `value × 10^decimals` rounded is the correctly rounded
/// decimal, the product's own rounding error (below 1.2e-4 under 10^12) being too small to
/// cross to the other integer; near a tie, and for large or non-finite values, the standard
/// formatter decides.
#[derive(Clone, Copy, Debug)]
pub struct Fixed(pub f64, pub usize);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(value, decimals) = *self;
        // Only ASCII digits, '.' and '-' are written.
        with_fixed(value, decimals, |text| {
            f.write_str(std::str::from_utf8(text).unwrap_or_default())
        })
    }
}

/// `value` with `decimals` decimals as [`Fixed`] writes it, appended to `out` without the
/// formatting machinery (the path data of a chart are thousands of coordinates).
pub fn push_fixed(out: &mut String, value: f64, decimals: usize) {
    with_fixed(value, decimals, |text| push_ascii(out, text));
}

/// Appends ASCII `bytes` to `out`.
fn push_ascii(out: &mut String, bytes: &[u8]) {
    out.extend(bytes.iter().map(|&b| char::from(b)));
}

/// `f` of the bytes of [`Fixed`]: written by hand where that is exact (see [`Fixed`]),
/// else by the standard formatter.
fn with_fixed<R>(value: f64, decimals: usize, f: impl FnOnce(&[u8]) -> R) -> R {
    const POW10: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    if let Some(&scale) = POW10.get(decimals) {
        let scaled = value * scale as f64;
        let rounded = scaled.round();
        if scaled.abs() < 1e12 && (scaled - rounded).abs() < 0.4999 {
            // The standard formatter signs every negative value, -0.0 included.
            return f(fixed_digits(
                &mut [0; 24],
                value.is_sign_negative(),
                rounded.abs() as u64,
                decimals,
            ));
        }
    }
    f(format!("{value:.decimals$}").as_bytes())
}

/// `n / 10^decimals` written with `decimals` decimals (and a leading `-` when `negative`)
/// into the end of `buf`, which it returns: the digits by hand, two at a time, as the
/// formatting machinery costs several times more per number and a page writes tens of
/// thousands of them. `n < 10^12` and `decimals ≤ 6`, or `decimals` 0: at most 21 bytes.
fn fixed_digits(buf: &mut [u8; 24], negative: bool, n: u64, decimals: usize) -> &[u8] {
    /// The digits of 00 to 99.
    const PAIRS: &[u8; 200] = b"\
        0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    /// Writes the last `digits` digits of `n` (at least one) ending before `at`; returns
    /// the first byte written.
    fn put(buf: &mut [u8; 24], mut at: usize, mut n: u64, mut digits: usize) -> usize {
        while digits >= 2 {
            let pair = (n % 100) as usize * 2;
            buf[at - 2..at].copy_from_slice(&PAIRS[pair..pair + 2]);
            at -= 2;
            n /= 100;
            digits -= 2;
        }
        if digits == 1 {
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
        }
        at
    }
    let mut at = buf.len();
    let mut whole = n;
    if decimals > 0 {
        let scale = 10u64.pow(decimals as u32);
        at = put(buf, at, n % scale, decimals);
        at -= 1;
        buf[at] = b'.';
        whole = n / scale;
    }
    let digits = whole.checked_ilog10().unwrap_or(0) as usize + 1;
    at = put(buf, at, whole, digits);
    if negative {
        at -= 1;
        buf[at] = b'-';
    }
    &buf[at..]
}

/// The smallest magnitude printed in scientific notation (`1.234e16`): above it an `f64`
/// no longer holds every whole number (2^53 ≈ 9.0e15), so printed digits would be noise.
pub const LARGEST_PLAIN: f64 = 1e15;

/// `x` with `decimals` decimals and thousands separators (`-1,234.5`); `–` when not finite;
/// `1.234e16` from [`LARGEST_PLAIN`] up.
pub fn number(x: f64, decimals: usize) -> String {
    let mut out = String::with_capacity(8);
    push_number(&mut out, x, decimals);
    out
}

/// [`number`] appended to `out`.
pub fn push_number(out: &mut String, x: f64, decimals: usize) {
    if !x.is_finite() {
        out.push('–');
        return;
    }
    if x.abs() >= LARGEST_PLAIN {
        use std::fmt::Write as _;
        let _ = write!(out, "{x:.3e}");
        return;
    }
    with_fixed(x.abs(), decimals, |text| {
        let zero = text.iter().all(|&b| b == b'0' || b == b'.');
        if x < 0.0 && !zero {
            out.push('-');
        }
        let whole = text.iter().position(|&b| b == b'.').unwrap_or(text.len());
        if whole <= 3 {
            push_ascii(out, text);
            return;
        }
        out.reserve(text.len() + whole / 3);
        for (i, &b) in text.iter().enumerate() {
            if i > 0 && i < whole && (whole - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(char::from(b));
        }
    });
}

/// A whole number's digits (`n`, no separators) appended to `out`.
pub fn push_whole(out: &mut String, n: u64) {
    push_ascii(out, fixed_digits(&mut [0; 24], false, n, 0));
}

/// As [`number`], always signed unless it rounds to zero: `+1.5`, `-0.2`, `0.0`.
pub fn signed(x: f64, decimals: usize) -> String {
    let text = number(x, decimals);
    if x > 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        format!("+{text}")
    } else {
        text
    }
}

/// An optional value with [`number`]; `–` when absent.
pub fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "–".to_owned(), |x| number(x, decimals))
}

/// [`opt`] appended to `out`.
pub fn push_opt(out: &mut String, x: Option<f64>, decimals: usize) {
    match x {
        Some(x) => push_number(out, x, decimals),
        None => out.push('–'),
    }
}

/// Seconds as minutes with two decimals; `–` when absent.
pub fn minutes(seconds: Option<f64>) -> String {
    opt(seconds.map(|s| s / 60.0), 2)
}

/// A whole count with thousands separators.
pub fn count(n: u64) -> String {
    group(&n.to_string())
}

/// A share (0..=1) as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{}%", number(100.0 * share, 1))
}

/// Digits with a comma every three from the right.
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration in seconds as `7d`, `1d 12h`, `2h 30min`, `45s`.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds <= 0.0 {
        return "0s".to_owned();
    }
    if seconds >= LARGEST_PLAIN {
        return format!("{seconds:.3e}s");
    }
    let s = seconds.round() as u64;
    let (d, h, m, r) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "min"), (r, "s")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Money, counts and durations as large as an f64 holds print in scientific notation on
    /// the page, never as 300 digits.
    #[test]
    fn huge_values_print_in_scientific_notation() {
        assert_eq!(number(1e300, 0), "1.000e300");
        assert_eq!(number(-2.5e20, 2), "-2.500e20");
        assert_eq!(signed(1e300, 0), "+1.000e300");
        assert_eq!(number(999_999_999_999_999.0, 0), "999,999,999,999,999");
        assert_eq!(duration(1e300), "1.000e300s");
        assert_eq!(minutes(Some(1e300)), "1.667e298");
    }

    #[test]
    fn fixed_decimals_are_those_of_the_standard_formatter() {
        let mut values = vec![
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            -0.05,
            -0.25,
            1.005,
            2.675,
            0.125,
            1e11,
            -1e11,
            999_999_999_999.95,
            1e12,
            1e15,
            1e300,
            -1e-300,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.949_999_999_999_999_9,
            759.95,
            123.456_789,
        ];
        // Every thousandth from -20 to 20, its neighbours one ulp away, and values spread
        // over many magnitudes (a fixed linear congruential sequence).
        for i in -20_000..=20_000 {
            let v = f64::from(i) / 1000.0;
            values.extend([
                v,
                f64::from_bits(v.to_bits() + 1),
                f64::from_bits(v.to_bits().max(1) - 1),
            ]);
        }
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..50_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            let exponent = ((x >> 3) % 16) as i32 - 4;
            values.push((mantissa - 0.5) * 10f64.powi(exponent));
        }
        for v in values {
            for d in 0..=7 {
                let expected = format!("{v:.d$}");
                assert_eq!(Fixed(v, d).to_string(), expected, "{v:e} with {d}");
                let mut pushed = String::from("x");
                push_fixed(&mut pushed, v, d);
                assert_eq!(pushed[1..], expected, "{v:e} with {d}");
            }
        }
    }

    #[test]
    fn numbers_are_the_fixed_decimals_grouped_and_unsigned_at_zero() {
        // The plain definition: the standard formatter's digits of the magnitude, a comma
        // every three whole digits, a sign unless every digit is 0.
        let reference = |x: f64, d: usize| {
            let text = format!("{:.d$}", x.abs());
            let whole = text.find('.').unwrap_or(text.len());
            let zero = text.bytes().all(|b| b == b'0' || b == b'.');
            let sign = if x < 0.0 && !zero { "-" } else { "" };
            format!("{sign}{}{}", group(&text[..whole]), &text[whole..])
        };
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            let exponent = ((x >> 3) % 20) as i32 - 6;
            let v = (mantissa - 0.5) * 10f64.powi(exponent);
            for d in 0..=3 {
                assert_eq!(number(v, d), reference(v, d), "{v:e} with {d}");
            }
        }
        for n in [0, 7, 10, 999, 1_000, 123_456_789, u64::MAX / 2_000_000] {
            let mut out = String::from("x");
            push_whole(&mut out, n);
            assert_eq!(out[1..], n.to_string());
        }
    }

    #[test]
    fn no_negative_zero_and_thousands() {
        assert_eq!(number(-0.001, 2), "0.00");
        assert_eq!(number(-0.0, 0), "0");
        assert_eq!(number(-1234.56, 1), "-1,234.6");
        assert_eq!(number(1_234_567.0, 0), "1,234,567");
        assert_eq!(number(999.96, 1), "1,000.0");
        assert_eq!(signed(0.004, 2), "0.00");
        assert_eq!(signed(-0.004, 2), "0.00");
        assert_eq!(signed(0.5, 1), "+0.5");
        assert_eq!(signed(-2.0, 0), "-2");
        assert_eq!(count(1000), "1,000");
        assert_eq!(percent(0.9123), "91.2%");
        assert_eq!(minutes(Some(-0.1)), "0.00");
        assert_eq!(minutes(None), "–");
        assert_eq!(number(f64::NAN, 1), "–");
        assert_eq!(duration(7.0 * 86_400.0), "7d");
        assert_eq!(duration(9000.0), "2h 30min");
    }
}

//! Number formatting shared by every human-readable table (`run`, `compare`, `region`):
//! times in minutes, shares as percentages, counts and money with thousands separators,
//! durations and rates. Machine formats (JSON, CSV) never go through here: they carry the
//! values exactly, times in seconds.

/// The smallest magnitude printed in scientific notation (`1.234e16`) rather than digit
/// by digit: above it an `f64` no longer holds every whole number (2^53 ≈ 9.0e15), so the
/// digits would be noise, and a cast to an integer could saturate.
pub const LARGEST_PLAIN: f64 = 1e15;

/// `x` as `1.234e16` when its magnitude is [`LARGEST_PLAIN`] or more (or it is not
/// finite); `None` when it prints in full.
fn scientific(x: f64) -> Option<String> {
    if x.is_finite() && x.abs() < LARGEST_PLAIN {
        None
    } else if x.is_finite() {
        Some(format!("{x:.3e}"))
    } else {
        Some("-".to_owned())
    }
}

/// `x` with `decimals` decimals, never a negative zero: a value that rounds to zero prints
/// without a sign (`-0.001` is `0.00`, not `-0.00`); scientific from [`LARGEST_PLAIN`] up.
pub fn fixed(x: f64, decimals: usize) -> String {
    if let Some(text) = scientific(x) {
        return text;
    }
    let text = format!("{x:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => text,
    }
}

/// As [`decimal`], with a `+` before a positive value that does not round to zero: `+1.50`,
/// `-0.20`, `0.00`, `+1,234.50`.
pub fn signed(x: f64, decimals: usize) -> String {
    let text = decimal(x, decimals);
    if x > 0.0 && text.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        format!("+{text}")
    } else {
        text
    }
}

/// Seconds as minutes with two decimals and thousands separators; `-` when there is no
/// value.
pub fn minutes(seconds: Option<f64>) -> String {
    match seconds {
        Some(s) if s.is_finite() => decimal(s / 60.0, 2),
        _ => "-".to_owned(),
    }
}

/// A share (0..=1) as a percentage with one decimal; `-` when it is not finite.
pub fn percent(share: f64) -> String {
    if share.is_finite() {
        format!("{}%", fixed(100.0 * share, 1))
    } else {
        "-".to_owned()
    }
}

/// A ratio with two decimals; `-` when there is no value.
pub fn ratio(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => fixed(v, 2),
        _ => "-".to_owned(),
    }
}

/// `1234.56` as `1,234.6` (with `decimals` 1), `-1234.56` as `-1,234.6`; never `-0.0`.
pub fn decimal(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return format!("{x:.decimals$}");
    }
    let text = fixed(x, decimals);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    match whole.parse::<u64>() {
        Ok(n) if fraction.is_empty() => format!("{sign}{}", thousands(n)),
        Ok(n) => format!("{sign}{}.{fraction}", thousands(n)),
        Err(_) => text.clone(),
    }
}

/// `x` as [`decimal`] with its 95% half-width `ci` beside it (`8,557.6 ±1,132.0`) when there
/// is one and it is not 0.
pub fn with_ci(x: f64, ci: Option<f64>, decimals: usize) -> String {
    match ci {
        Some(c) if c > 0.0 => format!("{} ±{}", decimal(x, decimals), decimal(c, decimals)),
        _ => decimal(x, decimals),
    }
}

/// A mean count (per replication), rounded to a whole vehicle; `-` when not a count.
pub fn count_f64(n: f64) -> String {
    if let Some(text) = scientific(n).filter(|_| n.is_finite()) {
        text
    } else if n.is_finite() && n >= 0.0 {
        thousands(n.round() as u64)
    } else {
        "-".to_owned()
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Money (in the currency of the inputs) rounded to a whole unit, with thousands
/// separators: `-45,000`.
pub fn money(x: f64) -> String {
    if let Some(text) = scientific(x) {
        return text;
    }
    let whole = x.abs().round() as u64;
    let sign = if x < 0.0 && whole > 0 { "-" } else { "" };
    format!("{sign}{}", thousands(whole))
}

/// A change of money, signed unless it rounds to zero: `+12`, `-45,000`, `0`.
pub fn signed_money(x: f64) -> String {
    let text = money(x);
    if text == "0" || text.starts_with('-') {
        text
    } else {
        format!("+{text}")
    }
}

/// A rate per second with an SI suffix: `12.3 M`, `456.0 k`, `78.9`.
pub fn rate(per_s: f64) -> String {
    if per_s >= 1e9 {
        format!("{:.1} G", per_s / 1e9)
    } else if per_s >= 1e6 {
        format!("{:.1} M", per_s / 1e6)
    } else if per_s >= 1e3 {
        format!("{:.1} k", per_s / 1e3)
    } else {
        format!("{per_s:.1}")
    }
}

/// Wall-clock seconds: `850 ms`, `3.42 s`.
pub fn wall_time(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.2} s")
    }
}

/// A duration in seconds as `7d`, `1d 12h`, `2h 30min`, `1min 30s`, `0.5s`.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds <= 0.0 {
        return "0s".to_owned();
    }
    if let Some(text) = scientific(seconds) {
        return format!("{text}s");
    }
    let ms = (seconds * 1000.0).round() as u64;
    let (days, rest) = (ms / 86_400_000, ms % 86_400_000);
    let (hours, rest) = (rest / 3_600_000, rest % 3_600_000);
    let (mins, rest) = (rest / 60_000, rest % 60_000);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}d"));
    }
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if mins > 0 {
        parts.push(format!("{mins}min"));
    }
    if rest > 0 {
        if rest.is_multiple_of(1000) {
            parts.push(format!("{}s", rest / 1000));
        } else {
            parts.push(format!("{}s", rest as f64 / 1000.0));
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Money, counts and durations as large as an f64 holds print in scientific notation,
    /// never as a saturated integer (18,446,744,073,709,551,615) nor 300 digits.
    #[test]
    fn huge_values_print_in_scientific_notation() {
        assert_eq!(money(1e300), "1.000e300");
        assert_eq!(money(-2.5e20), "-2.500e20");
        assert_eq!(signed_money(1e300), "+1.000e300");
        assert_eq!(money(999_999_999_999_999.0), "999,999,999,999,999");
        assert_eq!(money(1e15), "1.000e15");
        assert_eq!(money(f64::INFINITY), "-");
        assert_eq!(count_f64(1e300), "1.000e300");
        assert_eq!(count_f64(f64::NAN), "-");
        assert_eq!(decimal(1e300, 1), "1.000e300");
        assert_eq!(fixed(1.5e16, 2), "1.500e16");
        assert_eq!(duration(1e300), "1.000e300s");
        for text in [
            money(1e300),
            count_f64(1e19),
            decimal(1e19, 0),
            fixed(1e19, 0),
        ] {
            assert!(!text.contains("18,446,744") && text.len() < 12, "{text}");
        }
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(minutes(Some(90.0)), "1.50");
        assert_eq!(decimal(1103.96, 1), "1,104.0");
        assert_eq!(decimal(576.06, 1), "576.1");
        assert_eq!(decimal(1234.0, 0), "1,234");
        assert_eq!(minutes(None), "-");
        assert_eq!(minutes(Some(f64::NAN)), "-");
        assert_eq!(rate(26_123_456.0), "26.1 M");
        assert_eq!(duration(7.0 * 86_400.0), "7d");
        assert_eq!(duration(36.0 * 3600.0), "1d 12h");
        assert_eq!(duration(9000.0), "2h 30min");
        assert_eq!(duration(90.0), "1min 30s");
        assert_eq!(duration(0.5), "0.5s");
        assert_eq!(duration(0.0), "0s");
    }

    #[test]
    fn money_has_thousands_separators() {
        assert_eq!(money(0.0), "0");
        assert_eq!(money(999.4), "999");
        assert_eq!(money(1234567.0), "1,234,567");
        assert_eq!(money(-45000.0), "-45,000");
        assert_eq!(signed_money(12.0), "+12");
    }

    #[test]
    fn no_negative_zero() {
        // Every value that rounds to zero prints without a sign, in every format.
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(-0.0, 0), "0");
        assert_eq!(fixed(-0.006, 2), "-0.01");
        assert_eq!(minutes(Some(-0.1)), "0.00");
        assert_eq!(minutes(Some(-0.6)), "-0.01");
        assert_eq!(percent(-0.000_01), "0.0%");
        assert_eq!(ratio(Some(-0.004)), "0.00");
        assert_eq!(money(-0.3), "0");
        assert_eq!(signed_money(-0.3), "0");
        assert_eq!(signed_money(0.3), "0");
        assert_eq!(signed_money(-0.6), "-1");
        assert_eq!(decimal(-0.04, 1), "0.0");
        assert_eq!(decimal(-1234.56, 1), "-1,234.6");
    }
}

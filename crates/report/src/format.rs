//! Numbers as the page prints them: fixed decimals, thousands separators, never a negative
//! zero (a value that rounds to zero prints without a sign).

/// `x` with `decimals` decimals and thousands separators (`-1,234.5`); `–` when not finite.
pub fn number(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let text = format!("{:.decimals$}", x.abs());
    let zero = text.bytes().all(|b| b == b'0' || b == b'.');
    let sign = if x < 0.0 && !zero { "-" } else { "" };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::from(sign);
    out.push_str(&group(whole));
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
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

//! Quantities with units, as people write them in configs: durations (`"90s"`, `"2.5min"`)
//! and rates (`"30/h"`).

use bordersim_des::SimTime;

const MS_PER_SECOND: f64 = SimTime::MS_PER_SECOND as f64;
const MS_PER_MINUTE: f64 = SimTime::MS_PER_MINUTE as f64;
const MS_PER_HOUR: f64 = SimTime::MS_PER_HOUR as f64;
const MS_PER_DAY: f64 = SimTime::MS_PER_DAY as f64;

/// The units a duration may carry, with their length in milliseconds.
pub const DURATION_UNITS: [(&str, f64); 5] = [
    ("ms", 1.0),
    ("s", MS_PER_SECOND),
    ("min", MS_PER_MINUTE),
    ("h", MS_PER_HOUR),
    ("d", MS_PER_DAY),
];

/// The time units a rate may be given per (`"/s"`, `"/min"`, `"/h"`, `"/d"`).
pub const RATE_UNITS: [(&str, f64); 4] = [
    ("s", MS_PER_SECOND),
    ("min", MS_PER_MINUTE),
    ("h", MS_PER_HOUR),
    ("d", MS_PER_DAY),
];

const UNIT_LIST: &str = "ms, s, min, h or d";

/// Parses a duration with a unit into milliseconds: `"250ms"`, `"90s"`, `"2.5min"`, `"6h"`,
/// `"7d"`. A space between number and unit is allowed (`"1.5 min"`). Zero is accepted;
/// negative values, bare numbers and unknown units are rejected with a message that says
/// what to write instead.
///
/// # Errors
///
/// A message (no location: the caller adds it) when `s` is not a number with a unit, has
/// an unknown unit, or is negative or too long.
pub fn parse_duration(s: &str) -> Result<f64, String> {
    let (number, unit) = split_number(s, "duration", "\"90s\"")?;
    if unit.is_empty() {
        return Err(format!(
            "\"{s}\" has no unit; write e.g. \"{number}s\" or \"{number}min\" (units: {UNIT_LIST})"
        ));
    }
    let factor = DURATION_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, f)| *f)
        .ok_or_else(|| unknown_duration_unit(s, unit))?;
    let value = parse_number(number, s)?;
    if value < 0.0 {
        return Err(format!(
            "\"{s}\" is negative; a duration cannot be negative"
        ));
    }
    let ms = value * factor;
    if !ms.is_finite() {
        return Err(format!("\"{s}\" is too long"));
    }
    Ok(ms)
}

/// Parses a duration (see [`parse_duration`]) into a point or span of simulation time,
/// rounded to the clock's 1 ms.
///
/// # Errors
///
/// As [`parse_duration`], and when the time does not fit the clock.
pub fn parse_sim_time(s: &str) -> Result<SimTime, String> {
    let ms = parse_duration(s)?;
    if ms.round() > MAX_SIM_TIME_MS as f64 {
        return Err(format!(
            "\"{s}\" is too long for the simulation clock: at most {MAX_SIM_TIME_TEXT} \
             (2^53 ms), beyond which arrival times, kept in floating-point milliseconds, \
             are no longer exact to the millisecond"
        ));
    }
    Ok(SimTime::from_millis_f64(ms))
}

/// The latest simulation time a file may give (a horizon, a trace row): 2^53 ms, the
/// largest count of milliseconds an `f64` holds exactly (arrival streams accumulate their
/// times in `f64`).
pub const MAX_SIM_TIME_MS: u64 = 1 << 53;
/// [`MAX_SIM_TIME_MS`] in words.
pub const MAX_SIM_TIME_TEXT: &str = "104249991 days (about 285,000 years)";

/// The longest road length (queue storage) a file may give, in metres: 1,000,000 km. Queues
/// are measured in whole millimetres in 64 bits, so lengths this long, summed over every
/// vehicle a run may hold, never overflow.
pub const MAX_LENGTH_M: f64 = 1e9;

/// The longest vehicle a class may be, in metres (a road train is about 55 m). With at most
/// 100,000,000 vehicles in a crossing, the millimetres queued at a station stay far inside
/// 64 bits.
pub const MAX_VEHICLE_LENGTH_M: f64 = 1_000.0;

/// Parses a rate with a time unit into events per hour: `"30/h"`, `"0.5/min"`, `"1/s"`,
/// `"720/d"`. Spaces around the slash are allowed. Zero is accepted here (a profile may be
/// empty at night); callers that need a positive rate check for it.
///
/// # Errors
///
/// A message (no location) when `s` has no `/unit` or an unknown one, or its count is
/// negative or not finite.
pub fn parse_rate_per_hour(s: &str) -> Result<f64, String> {
    let Some((number, unit)) = s.split_once('/') else {
        let t = s.trim();
        if t.parse::<f64>().is_ok() {
            return Err(format!(
                "\"{s}\" has no time unit; write e.g. \"{t}/h\" (per s, min, h or d)"
            ));
        }
        return Err(format!(
            "\"{s}\" is not a rate; write a number, a slash and a time unit, e.g. \"30/h\" \
             (per s, min, h or d)"
        ));
    };
    let (number, unit) = (number.trim(), unit.trim());
    let per_ms = RATE_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            let hint = canonical_unit(unit)
                .filter(|u| *u != "ms")
                .map(|u| format!("; write \"{number}/{u}\""))
                .unwrap_or_default();
            format!("\"{s}\" has an unknown time unit `{unit}`{hint} (per s, min, h or d)")
        })?;
    if number.is_empty() {
        return Err(format!(
            "\"{s}\" has no number before the slash; write e.g. \"30/h\""
        ));
    }
    let value = parse_number(number, s)?;
    if value < 0.0 {
        return Err(format!("\"{s}\" is negative; a rate cannot be negative"));
    }
    let per_hour = value * (MS_PER_HOUR / per_ms);
    if !per_hour.is_finite() {
        return Err(format!("\"{s}\" is too large"));
    }
    Ok(per_hour)
}

/// The units a road length may carry (queue storage), with their length in metres.
pub const LENGTH_UNITS: [(&str, f64); 2] = [("m", 1.0), ("km", 1000.0)];

/// Parses a road length with a unit into metres: `"800m"`, `"2.5km"`, `"2.5 km"`. Negative
/// values, bare numbers and unknown units are rejected with a message that says what to
/// write instead.
///
/// # Errors
///
/// A message (no location) when `s` is not a number with a unit, has an unknown unit, or
/// is negative or too long.
pub fn parse_length_m(s: &str) -> Result<f64, String> {
    let (number, unit) = split_number(s, "length", "\"2.5km\"")?;
    if unit.is_empty() {
        return Err(format!(
            "\"{s}\" has no unit; write e.g. \"{number}m\" or \"{number}km\" (units: m, km)"
        ));
    }
    let factor = LENGTH_UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            let hint = match unit.to_ascii_lowercase().as_str() {
                "m" | "meter" | "meters" | "metre" | "metres" => "; write `m`",
                "km" | "kms" | "kilometer" | "kilometers" | "kilometre" | "kilometres" => {
                    "; write `km`"
                }
                "mi" | "mile" | "miles" | "ft" | "feet" | "yd" | "yards" => "; lengths are metric",
                _ => "",
            };
            format!("\"{s}\": unknown unit `{unit}`{hint} (units: m, km)")
        })?;
    let value = parse_number(number, s)?;
    if value < 0.0 {
        return Err(format!("\"{s}\" is negative; a length cannot be negative"));
    }
    let m = value * factor;
    if !m.is_finite() || m > MAX_LENGTH_M {
        return Err(format!(
            "\"{s}\" is too long: a road length is at most 1000000 km"
        ));
    }
    Ok(m)
}

/// Writes a duration in milliseconds in the largest unit that keeps it readable
/// (`"2.1min"`, `"90s"`, `"3d"`), for messages.
pub fn format_duration(ms: f64) -> String {
    let (value, unit) = if ms.abs() < MS_PER_SECOND {
        (ms, "ms")
    } else if ms.abs() < 2.0 * MS_PER_MINUTE {
        (ms / MS_PER_SECOND, "s")
    } else if ms.abs() < 2.0 * MS_PER_HOUR {
        (ms / MS_PER_MINUTE, "min")
    } else if ms.abs() < 2.0 * MS_PER_DAY {
        (ms / MS_PER_HOUR, "h")
    } else {
        (ms / MS_PER_DAY, "d")
    };
    format!("{}{unit}", format_number((value * 100.0).round() / 100.0))
}

/// Writes a number with at most six decimals and no trailing zeros (`0.95`, not
/// `0.9500000000000001`).
pub(crate) fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// Splits `"  2.5 min "` into `("2.5", "min")`. The number is an optional sign, digits with
/// at most one dot, and an optional exponent (`"1e3s"`, `"2.5E-1h"`), the same numbers a
/// rate's count takes; no unit starts with `e`, so an exponent is never mistaken for one.
fn split_number<'a>(s: &'a str, what: &str, example: &str) -> Result<(&'a str, &'a str), String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!(
            "empty {what}; write a number and a unit, e.g. {example}"
        ));
    }
    let bytes = t.as_bytes();
    let mantissa = t
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+'))))
        .map_or(t.len(), |(i, _)| i);
    // An exponent: `e` or `E`, an optional sign, then at least one digit.
    let mut end = mantissa;
    if mantissa > 0 && matches!(bytes.get(mantissa), Some(b'e' | b'E')) {
        let mut k = mantissa + 1;
        if matches!(bytes.get(k), Some(b'-' | b'+')) {
            k += 1;
        }
        let digits = bytes[k..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 {
            end = k + digits;
        }
    }
    let (number, unit) = t.split_at(end);
    if number.is_empty() || number == "-" || number == "+" {
        return Err(format!(
            "\"{s}\" does not start with a number; write a number and a unit, e.g. {example}"
        ));
    }
    Ok((number, unit.trim_start()))
}

fn parse_number(number: &str, whole: &str) -> Result<f64, String> {
    match number.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("\"{whole}\": `{number}` is not a number")),
    }
}

/// Maps common spellings of a unit to the one configs use.
fn canonical_unit(unit: &str) -> Option<&'static str> {
    Some(match unit.to_ascii_lowercase().as_str() {
        "msec" | "msecs" | "millisecond" | "milliseconds" => "ms",
        "sec" | "secs" | "second" | "seconds" => "s",
        "m" | "mn" | "mins" | "minute" | "minutes" => "min",
        "hr" | "hrs" | "hour" | "hours" => "h",
        "day" | "days" => "d",
        _ => return None,
    })
}

fn unknown_duration_unit(s: &str, unit: &str) -> String {
    let lower = unit.to_ascii_lowercase();
    if lower == "m" {
        return format!("\"{s}\": `m` is ambiguous; write `min` for minutes (units: {UNIT_LIST})");
    }
    if matches!(lower.as_str(), "w" | "wk" | "week" | "weeks") {
        return format!(
            "\"{s}\": weeks are not a unit; write days, e.g. \"7d\" (units: {UNIT_LIST})"
        );
    }
    if DURATION_UNITS.iter().any(|(u, _)| *u == lower) {
        return format!("\"{s}\": units are lower case; write `{lower}` (units: {UNIT_LIST})");
    }
    match canonical_unit(unit) {
        Some(u) => format!("\"{s}\": unknown unit `{unit}`; write `{u}` (units: {UNIT_LIST})"),
        None => format!("\"{s}\": unknown unit `{unit}` (units: {UNIT_LIST})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(parse_duration("250ms"), Ok(250.0));
        assert_eq!(parse_duration("90s"), Ok(90_000.0));
        assert_eq!(parse_duration("2.5min"), Ok(150_000.0));
        assert_eq!(parse_duration("1.5 min"), Ok(90_000.0));
        assert_eq!(parse_duration(" 6h "), Ok(21_600_000.0));
        assert_eq!(parse_duration("7d"), Ok(604_800_000.0));
        assert_eq!(parse_duration("0s"), Ok(0.0));
        assert_eq!(parse_duration(".5s"), Ok(500.0));
        assert_eq!(parse_duration("+2s"), Ok(2000.0));
        assert_eq!(parse_sim_time("277778min"), Ok(SimTime(16_666_680_000)));
        assert_eq!(parse_sim_time("0.4ms"), Ok(SimTime(0)));
    }

    /// Durations and lengths take the exponents rates take, with the same value.
    #[test]
    fn exponents_are_accepted_like_in_rates() {
        assert_eq!(parse_duration("1e3s"), Ok(1_000_000.0));
        assert_eq!(parse_duration("1E3 s"), Ok(1_000_000.0));
        assert_eq!(parse_duration("2.5e-1h"), Ok(900_000.0));
        assert_eq!(parse_duration("1e+2min"), Ok(6_000_000.0));
        assert_eq!(parse_length_m("1.5e3m"), Ok(1500.0));
        assert_eq!(parse_rate_per_hour("1e3/h"), Ok(1000.0));
        assert_eq!(parse_rate_per_hour("2.5e-1/min"), Ok(15.0));
        assert!(
            parse_duration("1e400s")
                .unwrap_err()
                .contains("is not a number")
        );
    }

    #[test]
    fn bad_durations_say_what_to_write() {
        let cases = [
            ("90", "has no unit; write e.g. \"90s\" or \"90min\""),
            ("", "empty duration"),
            ("   ", "empty duration"),
            ("min", "does not start with a number"),
            ("-5s", "cannot be negative"),
            ("5m", "`m` is ambiguous; write `min`"),
            ("5 minutes", "unknown unit `minutes`; write `min`"),
            ("2secs", "write `s`"),
            ("3hrs", "write `h`"),
            ("2 days", "write `d`"),
            ("2w", "weeks are not a unit"),
            ("5MIN", "units are lower case; write `min`"),
            ("5parsecs", "unknown unit `parsecs`"),
            ("1.2.3s", "`1.2.3` is not a number"),
            ("1e3", "has no unit; write e.g. \"1e3s\""),
            ("1e", "unknown unit `e`"),
            ("1e+s", "unknown unit `e+s`"),
        ];
        for (input, expected) in cases {
            let err = parse_duration(input).unwrap_err();
            assert!(err.contains(expected), "{input:?}: {err}");
        }
        assert!(
            parse_sim_time("1000000000000d")
                .unwrap_err()
                .contains("too long")
        );
        // The real limit, 2^53 ms, stated; the largest time under it kept exactly.
        assert_eq!(
            parse_sim_time(&format!("{}ms", 1u64 << 53)),
            Ok(SimTime(1 << 53))
        );
        let err = parse_sim_time("104249992d").unwrap_err();
        assert!(
            err.contains("at most 104249991 days (about 285,000 years) (2^53 ms)"),
            "{err}"
        );
    }

    #[test]
    fn rates_in_every_unit() {
        assert_eq!(parse_rate_per_hour("30/h"), Ok(30.0));
        assert_eq!(parse_rate_per_hour("30 / h"), Ok(30.0));
        assert_eq!(parse_rate_per_hour("1/min"), Ok(60.0));
        assert_eq!(parse_rate_per_hour("3.6/min"), Ok(216.0));
        assert_eq!(parse_rate_per_hour("1/s"), Ok(3600.0));
        assert_eq!(parse_rate_per_hour("720/d"), Ok(30.0));
        assert_eq!(parse_rate_per_hour("0/h"), Ok(0.0));
    }

    #[test]
    fn bad_rates_say_what_to_write() {
        let cases = [
            ("30", "has no time unit; write e.g. \"30/h\""),
            ("thirty", "is not a rate"),
            ("30/hour", "write \"30/h\""),
            ("30/fortnight", "unknown time unit `fortnight`"),
            ("/h", "no number before the slash"),
            ("-3/h", "cannot be negative"),
            ("x/h", "`x` is not a number"),
        ];
        for (input, expected) in cases {
            let err = parse_rate_per_hour(input).unwrap_err();
            assert!(err.contains(expected), "{input:?}: {err}");
        }
    }

    #[test]
    fn lengths_in_metres_and_kilometres() {
        assert_eq!(parse_length_m("800m"), Ok(800.0));
        assert_eq!(parse_length_m("2.5km"), Ok(2500.0));
        assert_eq!(parse_length_m(" 2.5 km "), Ok(2500.0));
        let cases = [
            ("800", "has no unit; write e.g. \"800m\""),
            ("2 miles", "lengths are metric"),
            ("2KM", "write `km`"),
            ("2 metres", "write `m`"),
            ("-1km", "cannot be negative"),
            ("1000001km", "at most 1000000 km"),
            ("1e300km", "at most 1000000 km"),
            ("", "empty length"),
        ];
        for (input, expected) in cases {
            let err = parse_length_m(input).unwrap_err();
            assert!(err.contains(expected), "{input:?}: {err}");
        }
    }

    #[test]
    fn numbers_and_durations_print_cleanly() {
        assert_eq!(format_number(0.1 + 0.2 + 0.65), "0.95");
        assert_eq!(format_number(2.0), "2");
        assert_eq!(format_number(-0.0000001), "0");
        assert_eq!(format_duration(126_000.0), "2.1min");
        assert_eq!(format_duration(90_000.0), "90s");
        assert_eq!(format_duration(250.0), "250ms");
        assert_eq!(format_duration(3.0 * MS_PER_DAY), "3d");
        assert_eq!(format_duration(6.0 * MS_PER_HOUR), "6h");
    }
}

//! The times of a trace's rows: seconds, durations with a unit, clock times and ISO 8601
//! dates from the source's `start` date.

use bordersim_des::SimTime;

use crate::units::parse_sim_time;

/// A calendar date, as a day number (days since 1970-01-01, proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(in crate::scenario) struct Date(i64);

/// A trace's `start` date as its rows may use it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::scenario) enum Start {
    /// No `start` written: rows give seconds or clock times only.
    None,
    /// Midnight of this date is time zero.
    At(Date),
    /// A `start` written but unusable (not a date), already reported there: its dated rows
    /// are not reported again, each as lacking a start (one root error, not a cascade).
    Unusable,
}

impl Start {
    pub(super) fn date(self) -> Option<Date> {
        match self {
            Start::At(d) => Some(d),
            Start::None | Start::Unusable => None,
        }
    }
}

impl Date {
    /// Reads `YYYY-MM-DD` (ISO 8601), checking that the day exists.
    pub(in crate::scenario) fn parse(s: &str) -> Result<Date, String> {
        let bytes = s.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return Err(format!("`{s}` is not a date"));
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<i64>().unwrap_or(0);
        let (y, m, d) = (num(0..4), num(5..7), num(8..10));
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days_in_month = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(format!("`{s}` is not a date: there is no month {m}")),
        };
        if !(1..=days_in_month).contains(&d) {
            return Err(format!(
                "`{s}` is not a date: month {m} of {y} has {days_in_month} days"
            ));
        }
        // Days from civil (H. Hinnant's algorithm): exact for every Gregorian date.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Ok(Date(era * 146_097 + doe - 719_468))
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub(in crate::scenario) fn weekday(self) -> u8 {
        (self.0 + 3).rem_euclid(7) as u8
    }
}

/// `H:MM`, `HH:MM:SS` or `HH:MM:SS.fff` as milliseconds (hours may pass 24: `30:00:00` is
/// 06:00 the next day); `None` when `s` is not of that form.
fn clock_ms(s: &str) -> Option<Result<f64, String>> {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || !parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let last = parts[parts.len() - 1];
    if last.is_empty() || !last.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let hours: f64 = parts[0].parse().ok()?;
    let minutes: f64 = parts[1].parse().ok()?;
    let seconds: f64 = if parts.len() == 3 {
        last.parse().ok()?
    } else {
        0.0
    };
    if parts.len() == 2 && last.contains('.') {
        return None;
    }
    if minutes >= 60.0 || seconds >= 60.0 || parts[1].len() != 2 {
        return Some(Err(format!(
            "`{s}` is not a time of day: minutes and seconds are two digits below 60"
        )));
    }
    Some(Ok(((hours * 60.0 + minutes) * 60.0 + seconds) * 1000.0))
}

/// A time as written in a trace: seconds from time zero, a duration with a unit, a clock
/// time (`06:15:00`, from midnight of time zero) or, when the trace has a `start` date, an
/// ISO 8601 date and time (`2024-03-01T06:15:00` or `2024-03-01 06:15:00`).
pub(super) fn parse_time(s: &str, start: Option<Date>) -> Result<SimTime, String> {
    const FORMS: &str = "write seconds from time zero (e.g. 23400), a duration with a unit \
                         (e.g. \"6.5h\"), a clock time from midnight of time zero (e.g. \
                         06:30:00), or a date and time (e.g. 2024-03-01T06:30:00) with the \
                         source's `start` date";
    if s.is_empty() {
        return Err(format!("the time is empty; {FORMS}"));
    }
    if s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') && s.as_bytes().get(7) == Some(&b'-') {
        return date_time(s, start);
    }
    if let Some(ms) = clock_ms(s) {
        return to_clock(s, ms.map_err(|e| format!("{e}; {FORMS}"))?);
    }
    if let Ok(secs) = s.parse::<f64>() {
        if !secs.is_finite() {
            return Err(format!("`{s}` is not a time; {FORMS}"));
        }
        if secs < 0.0 {
            return Err(format!(
                "`{s}` is negative; times count seconds from time zero, the start of the run"
            ));
        }
        return to_clock(s, secs * 1000.0);
    }
    if s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
    {
        return parse_sim_time(s).map_err(|e| format!("{e}; {FORMS}"));
    }
    Err(format!("`{s}` is not a time; {FORMS}"))
}

/// Milliseconds from time zero as a clock time, if the clock holds them.
fn to_clock(s: &str, ms: f64) -> Result<SimTime, String> {
    if ms.round() >= u64::MAX as f64 {
        return Err(format!("`{s}` is too late for the simulation clock"));
    }
    Ok(SimTime::from_millis_f64(ms))
}

/// What a dated row without a usable `start` date is told.
pub(super) const NO_START: &str = "but the source gives no `start` date";

/// `YYYY-MM-DD`, then optionally `T` or a space and a clock time, counted from midnight of
/// the `start` date.
fn date_time(s: &str, start: Option<Date>) -> Result<SimTime, String> {
    let (date, clock) = (&s[..10], s[10..].trim_start_matches(['T', ' ']));
    if s.len() > 10 && !matches!(s.as_bytes()[10], b'T' | b' ') {
        return Err(format!(
            "`{s}` is not a date and time; write e.g. 2024-03-01T06:15:00 or \
             2024-03-01 06:15:00"
        ));
    }
    if clock.ends_with('Z') || clock.contains('+') || clock[clock.len().min(1)..].contains('-') {
        return Err(format!(
            "`{s}` has a time zone; write local times without one (e.g. 2024-03-01T06:15:00)"
        ));
    }
    let day = Date::parse(date)?;
    let Some(start) = start else {
        return Err(format!(
            "`{s}` is a date and time, {NO_START} to count it from; \
             add start = \"{date}\" (the date whose midnight is time zero) to the trace's \
             [[sources]] entry"
        ));
    };
    let of_day = if clock.is_empty() {
        0.0
    } else {
        match clock_ms(clock) {
            Some(Ok(ms)) if ms < 86_400_000.0 => ms,
            Some(Ok(_)) => {
                return Err(format!("`{s}`: the time of day must be before 24:00:00"));
            }
            Some(Err(e)) => return Err(e),
            None => {
                return Err(format!(
                    "`{s}` is not a date and time; write e.g. 2024-03-01T06:15:00"
                ));
            }
        }
    };
    if day < start {
        return Err(format!(
            "`{s}` is before the source's start date; time zero is midnight of the `start` \
             date"
        ));
    }
    to_clock(s, (day.0 - start.0) as f64 * 86_400_000.0 + of_day)
}

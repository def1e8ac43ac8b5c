//! The `[scenario]` table: name, horizon, warm-up, replications, seed and the weekday at
//! time zero; and the duration values every section writes.

use bordersim_des::SimTime;

use super::Cx;
use super::shape::Document;
use crate::raw::RawDuration;
use crate::suggest::{did_you_mean, list};
use crate::units::{format_number, parse_duration, parse_sim_time};

pub(super) const DEFAULT_REPLICATIONS: u32 = 10;
pub(super) const DEFAULT_SEED: u64 = 1;
/// The largest `max_in_system`: each vehicle in the crossing holds about 100 bytes in
/// every replication running at once, so 100 million is about 10 GB per replication.
pub(super) const MAX_IN_SYSTEM_LIMIT: u64 = 100_000_000;
/// The most time bins `series_bin` may cut the horizon into: the series keep a few words per
/// bin, station and replication in flight, and summarise one value per bin, statistic,
/// station and replication (the same limit as `run --series-bin`).
pub(super) const MAX_SERIES_BINS: u64 = 20_000;

pub(super) struct Settings {
    pub(super) name: String,
    pub(super) horizon: SimTime,
    pub(super) warmup: SimTime,
    pub(super) replications: u32,
    pub(super) seed: u64,
    pub(super) start_weekday: u8,
    pub(super) max_in_system: u64,
    /// Width of the series' time bins, ms, when the file sets `series_bin`.
    pub(super) series_bin_ms: Option<u64>,
    pub(super) detection_rates: bordersim_model::DetectionRates,
}

/// Day names as `start_weekday` takes them, Monday first.
pub(super) const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

pub(super) fn weekday(cx: &mut Cx<'_>, written: &str) -> Option<u8> {
    let lower = written.trim().to_ascii_lowercase();
    let found = WEEKDAYS
        .iter()
        .position(|d| *d == lower || (lower.len() == 3 && d.starts_with(&lower)));
    match found {
        Some(d) => Some(d as u8),
        None => {
            cx.error(
                "scenario.start_weekday",
                format!(
                    "unknown day `{written}`{}; write one of {} (or their first three letters)",
                    did_you_mean(&lower, WEEKDAYS),
                    list(WEEKDAYS)
                ),
            );
            None
        }
    }
}

pub(super) fn show_duration(raw: &RawDuration) -> String {
    match raw {
        RawDuration::Text(s) => format!("\"{s}\""),
        RawDuration::Number(n) => format_number(*n),
    }
}

pub(super) fn show_written(raw: &Option<RawDuration>) -> String {
    raw.as_ref().map_or_else(String::new, show_duration)
}

pub(super) fn bare_number_duration(n: f64) -> String {
    let n = format_number(n);
    format!(
        "`{n}` has no unit; write a duration as a string with a unit, e.g. \"{n}s\" or \
         \"{n}min\" (units: ms, s, min, h, d)"
    )
}

pub(super) fn duration_ms(cx: &mut Cx<'_>, path: &str, raw: &RawDuration) -> Option<f64> {
    let parsed = match raw {
        RawDuration::Text(s) => parse_duration(s),
        RawDuration::Number(n) => Err(bare_number_duration(*n)),
    };
    parsed.map_err(|e| cx.error(path, e)).ok()
}

pub(super) fn sim_time(cx: &mut Cx<'_>, path: &str, raw: &RawDuration) -> Option<SimTime> {
    let parsed = match raw {
        RawDuration::Text(s) => parse_sim_time(s),
        RawDuration::Number(n) => Err(bare_number_duration(*n)),
    };
    parsed.map_err(|e| cx.error(path, e)).ok()
}

pub(super) fn settings(cx: &mut Cx<'_>, doc: &Document) -> Option<Settings> {
    let Some(raw) = &doc.scenario else {
        if !doc.scenario_written {
            cx.structural(
                "scenario",
                "missing the [scenario] table; start the file with [scenario] and its \
                 `name` and `horizon` (e.g. horizon = \"7d\")",
            );
        }
        return None;
    };
    if raw.name.trim().is_empty() {
        cx.error("scenario.name", "the scenario name must not be empty");
    }
    let horizon = sim_time(cx, "scenario.horizon", &raw.horizon);
    if horizon == Some(SimTime::ZERO) {
        cx.error(
            "scenario.horizon",
            "the horizon must be longer than 0: it is when the run ends",
        );
    }
    let warmup = match &raw.warmup {
        Some(w) => sim_time(cx, "scenario.warmup", w),
        None => Some(SimTime::ZERO),
    };
    if let (Some(h), Some(w), Some(raw_w)) = (horizon, warmup, &raw.warmup)
        && h > SimTime::ZERO
        && w >= h
    {
        cx.error(
            "scenario.warmup",
            format!(
                "the warm-up ({}) must be shorter than the horizon ({}); the horizon is the \
                 absolute end of the run and includes the warm-up",
                show_duration(raw_w),
                show_duration(&raw.horizon)
            ),
        );
    }
    let replications = match raw.replications {
        None => Some(DEFAULT_REPLICATIONS),
        Some(n) if n < 1 => {
            cx.error(
                "scenario.replications",
                format!("replications must be at least 1, got {n}"),
            );
            None
        }
        Some(n) => match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                cx.error(
                    "scenario.replications",
                    format!("replications must be at most {}, got {n}", u32::MAX),
                );
                None
            }
        },
    };
    let max_in_system = match raw.max_in_system {
        None => Some(bordersim_model::DEFAULT_MAX_IN_SYSTEM),
        Some(n) if n >= 1 && n.unsigned_abs() <= MAX_IN_SYSTEM_LIMIT => Some(n.unsigned_abs()),
        Some(n) => {
            cx.error(
                "scenario.max_in_system",
                format!(
                    "max_in_system is the most vehicles the crossing may hold before a run \
                     is stopped as unstable: between 1 and {MAX_IN_SYSTEM_LIMIT} (each \
                     vehicle takes about 100 bytes in every replication running at once), \
                     got {n}"
                ),
            );
            None
        }
    };
    let start_weekday = match &raw.start_weekday {
        None => Some(0),
        Some(day) => weekday(cx, day),
    };
    let series_bin_ms = match &raw.series_bin {
        None => Some(None),
        Some(bin) => series_bin(cx, bin, horizon).map(Some),
    };
    let detection_rates = super::detection::rates(cx, raw.detection.as_ref());
    Some(Settings {
        series_bin_ms: series_bin_ms?,
        detection_rates: detection_rates?,
        start_weekday: start_weekday?,
        name: raw.name.clone(),
        horizon: horizon?,
        warmup: warmup?,
        replications: replications?,
        seed: raw.seed.unwrap_or(DEFAULT_SEED),
        max_in_system: max_in_system?,
    })
}

/// `scenario.series_bin` in ms: a duration of at least 1 ms (rounded to whole ms, the
/// clock's unit) that cuts the horizon (when it is known) into at most
/// [`MAX_SERIES_BINS`] bins.
fn series_bin(cx: &mut Cx<'_>, raw: &RawDuration, horizon: Option<SimTime>) -> Option<u64> {
    const PATH: &str = "scenario.series_bin";
    let ms = duration_ms(cx, PATH, raw)?.round();
    if ms < 1.0 {
        cx.error(
            PATH,
            format!(
                "the series' time bins must be at least 1 ms wide, got {}; write e.g. \"15 min\"",
                show_duration(raw)
            ),
        );
        return None;
    }
    // A bin wider than any horizon is one bin: the cast saturates.
    let bin_ms = ms as u64;
    if let Some(horizon) = horizon {
        let bins = horizon.as_millis().div_ceil(bin_ms);
        if bins > MAX_SERIES_BINS {
            cx.error(
                PATH,
                format!(
                    "bins of {} over the horizon of {} make {bins} bins, more than \
                     {MAX_SERIES_BINS}; give a wider bin",
                    show_duration(raw),
                    crate::units::format_duration(horizon.as_millis() as f64)
                ),
            );
            return None;
        }
    }
    Some(bin_ms)
}

#[cfg(test)]
mod tests {
    use crate::tests::{check, edit, ok};
    use bordersim_model::DEFAULT_MAX_IN_SYSTEM;

    #[test]
    fn the_series_bin_is_read_in_whole_ms_and_its_limits_are_stated() {
        let with = |bin: &str| {
            edit(
                "warmup = \"1h\"",
                &format!("warmup = \"1h\"\nseries_bin = {bin}"),
            )
        };
        // Without it nothing is collected; with it the crossing collects the series.
        assert_eq!(
            ok(crate::tests::BASE).scenario.crossing.series_bin_ms(),
            None
        );
        // 4.32 s cuts the day into exactly 20,000 bins, the most allowed.
        for (bin, ms) in [
            ("\"15 min\"", 900_000),
            ("\"1h\"", 3_600_000),
            ("\"4.32 s\"", 4320),
        ] {
            assert_eq!(
                ok(&with(bin)).scenario.crossing.series_bin_ms(),
                Some(ms),
                "{bin}"
            );
        }
        // The base horizon is one day: 86,400,000 bins of 1 ms are too many; a width that
        // rounds to 0 ms is no bin; a bare number has no unit.
        for (bin, expected) in [
            ("\"1 ms\"", "make 86400000 bins, more than 20000"),
            ("\"4.31 s\"", "make 20047 bins"),
            ("\"0s\"", "at least 1 ms wide, got \"0s\""),
            ("\"0.4 ms\"", "at least 1 ms wide"),
            ("15", "has no unit"),
        ] {
            let err = check(&with(bin), &[expected]);
            assert_eq!(err.diagnostics.len(), 1, "{err}");
            assert_eq!(err.diagnostics[0].path, "scenario.series_bin");
        }
    }

    #[test]
    fn the_vehicle_cap_has_a_default_can_be_set_and_states_its_limits() {
        assert_eq!(
            ok(crate::tests::BASE).scenario.crossing.max_in_system(),
            DEFAULT_MAX_IN_SYSTEM
        );
        let set = ok(&edit(
            "warmup = \"1h\"",
            "warmup = \"1h\"\nmax_in_system = 5000",
        ));
        assert_eq!(set.scenario.crossing.max_in_system(), 5000);
        for bad in ["0", "-3", "100000001"] {
            let err = check(
                &edit(
                    "warmup = \"1h\"",
                    &format!("warmup = \"1h\"\nmax_in_system = {bad}"),
                ),
                &["between 1 and 100000000", &format!("got {bad}")],
            );
            assert_eq!(err.diagnostics.len(), 1, "{err}");
            assert_eq!(err.diagnostics[0].path, "scenario.max_in_system");
        }
    }
}

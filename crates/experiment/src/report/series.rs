//! Queues and waits over time: per station, in fixed time bins over `[0, horizon)`, the
//! time-weighted mean and the largest queue in the facility and on the road upstream of it,
//! and the mean wait of the vehicles starting service; each a mean over replications with
//! its 95% interval. Collected only when the scenario's crossing asks for it
//! ([`Crossing::with_series_bin_ms`](bordersim_model::Crossing::with_series_bin_ms)).
//!
//! Every aggregate goes through `crate::sweep::summary` (`moments`: per statistic, one
//! entry of exact integer moments per bin, so a replication records one entry per
//! statistic and a summary's series take the same room whatever its replications), and
//! which ones are asked for depends on the scenario alone (its stations, horizon and bin
//! width), never on what a replication observed: a replication without bins (the stand-in
//! a summary is replayed into) asks for the same aggregates.
//!
//! Also here: the hourly arrival-to-release profile with its intervals across replications
//! ([`HourlyProfile::of`]), which the direct and the summarised report build alike.

use bordersim_des::SimTime;
use bordersim_model::stats::{LevelBins, series_bins};
use bordersim_model::{DirectionId, Population, ReplicationStats, Scenario, StorageLimit};
use bordersim_stats::{MeanCi, Tally, WideSum};
use serde::Serialize;

use crate::sweep::summary::{self, MomentKind, MomentRows};

use super::{DelayStats, HourlyProfile};

/// The series of one statistic of one station: one value per bin.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesStatistic {
    /// `queue_mean`, `queue_max`, `road_queue_mean`, `road_queue_max` (vehicles) or
    /// `wait_mean_s` (seconds).
    pub statistic: String,
    /// Per bin: the mean over replications (`None` for a mean wait where no vehicle started
    /// service in the bin in any replication).
    pub values: Vec<Option<f64>>,
    /// Per bin: the half-width of the 95% Student-t interval across replications (`None`
    /// with one replication or no value).
    pub ci95: Vec<Option<f64>>,
}

/// The series of one station.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StationSeries {
    /// The station's id.
    pub station: String,
    /// The id of the direction the station serves.
    pub direction: String,
    /// Whether vehicles enter the crossing here: its road queue is the queue on the
    /// approach.
    pub entry: bool,
    /// `queue_mean`, `queue_max`, `road_queue_mean`, `road_queue_max`, `wait_mean_s`, in
    /// this order.
    pub statistics: Vec<SeriesStatistic>,
}

/// Queues and waits over time (the `series` block of the JSON).
///
/// Bins are `[k·bin_s, (k+1)·bin_s)` over the whole run `[0, horizon)`, warm-up included
/// (the queue builds up from empty there); the last bin ends at the horizon and may be
/// shorter. Queue statistics: per replication, the time-weighted mean over the bin and the
/// largest queue in it (held for some time, or reached for an instant); `queue_max` is the
/// mean over replications of that largest queue. `wait_mean_s`: every wait that ended in
/// the bin (start of service) of every replication, over their number, with the interval
/// of that ratio across replications. The road queue is the vehicles waiting upstream of a
/// full storage (0 where storage is unlimited); at an entry station it is the approach.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesReport {
    /// Width of a bin, seconds.
    pub bin_s: f64,
    /// Start of each bin, seconds from time zero.
    pub bin_start_s: Vec<f64>,
    /// One entry per station, in the crossing's order.
    pub stations: Vec<StationSeries>,
}

/// The series of `reps` when the scenario collects them, else `None`.
pub(crate) fn series(
    scenario: &Scenario,
    reps: &[ReplicationStats],
    replications: u64,
) -> Option<SeriesReport> {
    let bin_ms = scenario.crossing.series_bin_ms()?;
    let horizon_ms = scenario.horizon.as_millis();
    let n = series_bins(bin_ms, horizon_ms);
    let population = scenario.population();
    let entries: Vec<bool> = (0..scenario.crossing.stations().len())
        .map(|s| {
            scenario
                .crossing
                .sources()
                .iter()
                .any(|src| src.entry.index() == s)
        })
        .collect();
    let stations = scenario
        .crossing
        .stations()
        .iter()
        .enumerate()
        .map(|(s, st)| {
            let mut statistics = Vec::with_capacity(5);
            // Nothing ever waits on the road upstream of a station whose every storage is
            // unlimited (only a full storage sends a vehicle there): its road queue is 0 in
            // every bin of every replication, known from the scenario alone, so it asks
            // the summary for nothing — a third of the aggregates of a page's series.
            let never_full = st
                .storages()
                .all(|storage| matches!(storage.limit, StorageLimit::Unlimited));
            for (road, name) in [(false, "queue"), (true, "road_queue")] {
                if road && never_full {
                    let zero = zeros(replications);
                    statistics.push(statistic(&format!("{name}_mean"), vec![zero; n]));
                    statistics.push(statistic(&format!("{name}_max"), vec![zero; n]));
                    continue;
                }
                // Per replication and bin: the area (vehicle·ms) and the largest level; a
                // replication without bins (a stand-in) has none, which count 0.
                let per_rep: Vec<Vec<(u64, u64)>> = reps
                    .iter()
                    .map(|r| {
                        let stats = &r.stations[s];
                        let level = if road {
                            &stats.outside_vehicles
                        } else {
                            &stats.queue_length
                        };
                        level
                            .bins()
                            .map_or_else(Vec::new, LevelBins::finished_exact)
                    })
                    .collect();
                // The time-weighted mean: the area over the bin's length.
                let bin_len = |b| LevelBins::bin_len_ms(bin_ms, horizon_ms, b) as f64;
                let mean = level_statistic(n, &per_rep, |bin| bin.0, bin_len);
                statistics.push(statistic(&format!("{name}_mean"), mean));
                let max = level_statistic(n, &per_rep, |bin| bin.1, |_| 1.0);
                statistics.push(statistic(&format!("{name}_max"), max));
            }
            statistics.push(statistic("wait_mean_s", wait_statistic(n, reps, s)));
            StationSeries {
                station: st.id.clone(),
                direction: population.directions[st.direction.index()].id.clone(),
                entry: entries[s],
                statistics,
            }
        })
        .collect();
    Some(SeriesReport {
        bin_s: bin_ms as f64 / 1000.0,
        bin_start_s: (0..n)
            .map(|b| (b as u64 * bin_ms) as f64 / 1000.0)
            .collect(),
        stations,
    })
}

fn statistic(name: &str, values: Vec<(Option<f64>, Option<f64>)>) -> SeriesStatistic {
    let (values, ci95) = values.into_iter().unzip();
    SeriesStatistic {
        statistic: name.to_string(),
        values,
        ci95,
    }
}

/// The mean over replications and its 95% half-width of each of `n` bins, `value` read
/// from each replication's bin and divided by `per(bin)`: one aggregate for every bin.
fn level_statistic(
    n: usize,
    per_rep: &[Vec<(u64, u64)>],
    value: impl Fn(&(u64, u64)) -> u64,
    per: impl Fn(usize) -> f64,
) -> Vec<(Option<f64>, Option<f64>)> {
    let mut out = Vec::new();
    summary::moments(
        MomentKind::Level,
        n,
        |rows| {
            for r in per_rep {
                rows.add_level(r.iter().map(&value));
            }
        },
        |rows| out.extend((0..n).map(|b| pair(rows.level(b, per(b))))),
    );
    out
}

/// The mean wait (s) of the vehicles starting service at station `s` in each of `n` bins
/// — every wait of every replication ending in the bin, over their number — and its 95%
/// half-width across replications (the delta method for a ratio: see
/// [`MeanCi::ratio_from_moments`]): one aggregate for every bin.
fn wait_statistic(
    n: usize,
    reps: &[ReplicationStats],
    s: usize,
) -> Vec<(Option<f64>, Option<f64>)> {
    let mut out = Vec::new();
    summary::moments(
        MomentKind::Ratio,
        n,
        |rows: &mut MomentRows| {
            for r in reps {
                // A replication without bins (a stand-in) counts nothing in any bin.
                let bins = r.stations[s]
                    .wait_bins
                    .as_ref()
                    .map_or(&[][..], |w| w.bins());
                rows.add_ratio(bins.iter().map(|c| (c.sum_ms, c.count)));
            }
        },
        |rows| out.extend((0..n).map(|b| pair(rows.ratio(b, 1000.0)))),
    );
    out
}

/// The mean and 95% half-width of `replications` values that are all 0.
fn zeros(replications: u64) -> (Option<f64>, Option<f64>) {
    pair(MeanCi::from_moments(
        replications,
        WideSum::ZERO,
        WideSum::ZERO,
        1.0,
    ))
}

/// A mean and its half-width, as the series hold them.
fn pair(ci: Option<MeanCi>) -> (Option<f64>, Option<f64>) {
    ci.map_or((None, None), |c| (Some(c.mean), c.half_width_95))
}

/// The lanes a station's schedules open in each hour of the day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StationHours {
    /// The station's id.
    pub station: String,
    /// The id of the direction the station serves.
    pub direction: String,
    /// Whether vehicles enter the crossing here.
    pub entry: bool,
    /// Per hour of the day (24 values, 00:00 first): the most lanes open at once in that
    /// hour on any day the observation window touches, every lane group together (a group
    /// under a lane rule counts its rule's largest number of lanes). 0: the station is
    /// closed in that hour on every such day.
    pub lanes_by_hour: Vec<u32>,
}

/// The lanes every station's schedules open by hour of the day, over the whole days the
/// observation window touches (at least one, at most a week: schedules repeat weekly), so
/// that every hour of the day is looked at even in a window shorter than a day.
pub(crate) fn lanes_by_hour(scenario: &Scenario) -> Vec<StationHours> {
    const HOUR_MS: u64 = 3_600_000;
    let first = scenario.warmup.as_millis() / HOUR_MS / 24 * 24;
    let end = scenario.horizon.as_millis().div_ceil(HOUR_MS);
    let last = end.div_ceil(24).max(first / 24 + 1).min(first / 24 + 7) * 24;
    let population = scenario.population();
    scenario
        .crossing
        .stations()
        .iter()
        .enumerate()
        .map(|(s, st)| {
            let mut lanes = vec![0u32; 24];
            for hour in first..last {
                let at = SimTime::from_millis(hour * HOUR_MS);
                let open: u32 = st
                    .lanes
                    .iter()
                    .map(|g| match &g.rule {
                        Some(rule) => rule.max_lanes,
                        None => g.schedule.servers_at(at, scenario.start_weekday),
                    })
                    .sum();
                let slot = &mut lanes[(hour % 24) as usize];
                *slot = (*slot).max(open);
            }
            StationHours {
                station: st.id.clone(),
                direction: population.directions[st.direction.index()].id.clone(),
                entry: scenario
                    .crossing
                    .sources()
                    .iter()
                    .any(|src| src.entry.index() == s),
                lanes_by_hour: lanes,
            }
        })
        .collect()
}

impl HourlyProfile {
    /// Arrival to release of the vehicles of direction `d` that arrived in hour `hour` of
    /// the day: every observation pooled (count, percentiles) and each replication's mean
    /// and 95th percentile with their intervals (an empty tally for a replication without
    /// such vehicles, so the aggregates asked for do not depend on the data).
    pub(crate) fn of(
        population: &Population,
        d: usize,
        hour: usize,
        reps: &[ReplicationStats],
    ) -> Self {
        let tallies: Vec<Tally> = reps
            .iter()
            .map(|r| {
                r.release_by_hour
                    .get(d * 24 + hour)
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let stats = DelayStats::from_tallies(&tallies);
        HourlyProfile {
            direction: population.directions[DirectionId(d as u8).index()]
                .id
                .clone(),
            hour: hour as u8,
            count: stats.count,
            mean_s: stats.mean_s,
            mean_ci95_s: stats.ci95_s,
            p95_s: stats.p95_s,
            p95_rep_mean_s: stats.p95_rep_mean_s,
            p95_rep_mean_ci95_s: stats.p95_rep_mean_ci95_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{one_station, options};
    use crate::{run, run_summary};

    fn with_series(bin_min: u64) -> Scenario {
        let mut s = one_station("booth", 2, 6.0, 15.0);
        s.horizon = SimTime::from_hours(5);
        s.warmup = SimTime::from_mins(30);
        s.crossing = s.crossing.with_series_bin_ms(Some(bin_min * 60_000));
        s
    }

    #[test]
    fn the_series_covers_the_horizon_in_bins_warm_up_included() {
        let report = run_summary(&with_series(15), &options(3)).unwrap();
        let series = report.series.expect("asked for");
        assert_eq!(series.bin_s, 900.0);
        assert_eq!(series.bin_start_s.len(), 20);
        assert_eq!(series.bin_start_s[0], 0.0);
        assert_eq!(*series.bin_start_s.last().unwrap(), 19.0 * 900.0);
        let st = &series.stations[0];
        assert!(st.entry);
        let names: Vec<&str> = st.statistics.iter().map(|s| s.statistic.as_str()).collect();
        assert_eq!(
            names,
            [
                "queue_mean",
                "queue_max",
                "road_queue_mean",
                "road_queue_max",
                "wait_mean_s"
            ]
        );
        assert!(st.statistics.iter().all(|s| s.values.len() == 20));
        // A queue builds from the first bin on: some bin has a positive mean and interval.
        let queue = &st.statistics[0];
        assert!(queue.values.iter().any(|v| v.is_some_and(|v| v > 0.0)));
        assert!(queue.ci95.iter().any(|v| v.is_some_and(|v| v > 0.0)));
        // The largest queue of a bin is at least its mean, replication by replication and
        // so on average.
        for (mean, max) in queue.values.iter().zip(&st.statistics[1].values) {
            assert!(max.unwrap() >= mean.unwrap());
        }
    }

    #[test]
    fn the_series_of_the_merged_summaries_is_the_series_of_all_replications() {
        let scenario = with_series(20);
        let all = run(&scenario, &options(4)).unwrap();
        let direct = crate::report::summarise(&scenario, 1, &all.replications);
        let folded = run_summary(&scenario, &options(4)).unwrap();
        assert_eq!(direct.series, folded.series);
        assert!(direct.series.is_some());
        // And the mean of a bin is the mean of the replications' own bins.
        let b = 3;
        let by_rep: Vec<f64> = all
            .replications
            .iter()
            .map(|r| r.stations[0].queue_length.bins().unwrap().finished()[b].0)
            .collect();
        let mean = by_rep.iter().sum::<f64>() / by_rep.len() as f64;
        let got = direct.series.unwrap().stations[0].statistics[0].values[b].unwrap();
        assert!((got - mean).abs() <= 1e-12 * mean.max(1.0), "{got} {mean}");
    }

    #[test]
    fn without_a_bin_there_is_no_series() {
        let mut s = with_series(15);
        s.crossing = s.crossing.with_series_bin_ms(None);
        assert!(run_summary(&s, &options(2)).unwrap().series.is_none());
    }

    #[test]
    fn closed_hours_come_from_the_lane_schedules() {
        use bordersim_model::LaneSchedule;
        let mut s = with_series(15);
        let mut hours = [2u32; 24];
        hours[3] = 0;
        hours[4] = 0;
        let mut stations = s.crossing.stations().to_vec();
        stations[0].lanes[0].schedule = LaneSchedule::daily(hours);
        let population = s.population().clone();
        s.crossing = bordersim_model::Crossing::new(
            "test",
            &population,
            stations,
            s.crossing.sources().to_vec(),
        )
        .unwrap();
        s.horizon = SimTime::from_hours(48);
        let lanes = lanes_by_hour(&s);
        assert_eq!(lanes[0].lanes_by_hour.to_vec(), hours.to_vec());
        assert!(lanes[0].entry);
        // A window shorter than a day, or not starting at midnight, still looks at every
        // hour of its day: only the scheduled closures are closed.
        s.warmup = SimTime::from_hours(25);
        s.horizon = SimTime::from_hours(27);
        assert_eq!(lanes_by_hour(&s)[0].lanes_by_hour.to_vec(), hours.to_vec());
    }

    #[test]
    fn the_hourly_profile_has_intervals_across_replications() {
        let report = run_summary(&with_series(15), &options(4)).unwrap();
        let busy = report
            .trs
            .hourly
            .iter()
            .find(|h| h.hour == 2)
            .expect("24 rows");
        assert!(busy.count > 0);
        assert!(busy.mean_ci95_s.is_some_and(|h| h > 0.0), "{busy:?}");
        assert!(busy.p95_rep_mean_s.is_some());
        assert!(busy.p95_rep_mean_ci95_s.is_some());
    }
}

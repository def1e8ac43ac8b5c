//! Queues and waits over time as tidy CSV (`run --series PATH.csv`): one row per station,
//! time bin and statistic, `station,direction,bin_start_s,statistic,value,ci95`.
//!
//! `bin_start_s` is the start of the bin in seconds from time zero (warm-up included; bins
//! are `[start, start + bin)`, the last one ending at the horizon). Statistics:
//! `queue_mean` and `queue_max` (vehicles in the station's queue, time-weighted mean and
//! largest in the bin), `road_queue_mean` and `road_queue_max` (vehicles waiting on the road
//! upstream of a full storage; at an entry station, the approach) and `wait_mean_s` (mean
//! wait, seconds, of the vehicles that started service in the bin). `value` is the mean
//! over replications, `ci95` the half-width of its 95% interval; empty cells are missing
//! values (no interval from one replication, no wait where no vehicle started service).

use anyhow::{Context, Result, anyhow};
use bordersim_experiment::Report;

/// The series of `report` as tidy CSV.
///
/// # Errors
///
/// When the report holds no series (they were not collected) or the CSV cannot be
/// assembled.
pub fn render(report: &Report) -> Result<Vec<u8>> {
    let series = report
        .series
        .as_ref()
        .ok_or_else(|| anyhow!("the run collected no queue and wait series"))?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "station",
            "direction",
            "bin_start_s",
            "statistic",
            "value",
            "ci95",
        ])
        .context("cannot write CSV")?;
    for station in &series.stations {
        for stat in &station.statistics {
            for (b, start) in series.bin_start_s.iter().enumerate() {
                writer
                    .write_record([
                        station.station.as_str(),
                        station.direction.as_str(),
                        number(Some(*start)).as_str(),
                        stat.statistic.as_str(),
                        number(stat.values[b]).as_str(),
                        number(stat.ci95[b]).as_str(),
                    ])
                    .context("cannot write CSV")?;
            }
        }
    }
    writer.into_inner().context("cannot write CSV")
}

/// A value in full precision (no negative zero), or an empty cell.
fn number(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| (v + 0.0).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_plain_numbers_and_missing_ones_empty() {
        assert_eq!(number(Some(-0.0)), "0");
        assert_eq!(number(Some(1.5)), "1.5");
        assert_eq!(number(None), "");
    }
}

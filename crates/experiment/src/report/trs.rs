//! The tables of a WCO Time Release Study (WCO, 2018, "Guide to Measure the Time Required
//! for the Release of Goods", version 3): the interval table of every stage and of the whole
//! crossing by segment, arrival to release by hour of arrival, the risk channels and
//! pre-arrival processing.

use bordersim_model::{Cells, Channel, Direction, Population, ReplicationStats, Scenario};
use bordersim_stats::Tally;

use super::summarise::delay;
use super::{
    ChannelShare, DelayStats, DirectionReport, HourlyProfile, PreArrivalShare, TrsInterval,
};

/// Picks a table of cells out of a replication.
pub(super) type CellsOf = fn(&ReplicationStats) -> &Cells;

/// Arrival-to-release cells; without a releasing station, release is exit.
pub(super) fn release_cells(scenario: &Scenario) -> CellsOf {
    if scenario.crossing.stations().iter().any(|s| s.releases) {
        |r| &r.release
    } else {
        |r| &r.exit
    }
}

fn stage_cells(station: usize) -> impl Fn(&ReplicationStats) -> &Cells {
    move |r| &r.stations[station].stages
}

/// The TRS interval table: every stage and the two whole-crossing intervals, for everyone and
/// by class, direction, channel and programme. Segments without observations are left out.
pub(super) fn trs_intervals(scenario: &Scenario, reps: &[ReplicationStats]) -> Vec<TrsInterval> {
    let population = scenario.population();
    let Some(shape) = reps.first().map(|r| r.shape) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |interval: &str, dimension: &str, segment: &str, stats: DelayStats| {
        if stats.count > 0 {
            out.push(TrsInterval {
                interval: interval.to_string(),
                dimension: dimension.to_string(),
                segment: segment.to_string(),
                stats,
            });
        }
    };
    for (i, st) in scenario.crossing.stations().iter().enumerate() {
        let cells = stage_cells(i);
        let cells = &cells;
        push(&st.id, "all", "all", delay(reps, cells, |_| true));
        for (c, class) in population.classes.iter().enumerate() {
            push(
                &st.id,
                "class",
                &class.id,
                delay(reps, cells, |k| shape.decode_station_cell(k).0.index() == c),
            );
        }
        for ch in Channel::ALL {
            push(
                &st.id,
                "channel",
                ch.name(),
                delay(reps, cells, |k| shape.decode_station_cell(k).2 == ch),
            );
        }
        for (p, programme) in population.programmes.iter().enumerate() {
            push(
                &st.id,
                "programme",
                &programme.id,
                delay(reps, cells, |k| shape.decode_station_cell(k).1.index() == p),
            );
        }
    }
    let system: [(&str, CellsOf); 2] = [
        ("arrival_to_release", release_cells(scenario)),
        ("arrival_to_exit", |r| &r.exit),
    ];
    for (name, cells) in system {
        push(name, "all", "all", delay(reps, cells, |_| true));
        for (c, class) in population.classes.iter().enumerate() {
            push(
                name,
                "class",
                &class.id,
                delay(reps, cells, |k| shape.decode_system_cell(k).1.index() == c),
            );
        }
        for (d, direction) in population.directions.iter().enumerate() {
            push(
                name,
                "direction",
                &direction.id,
                delay(reps, cells, |k| shape.decode_system_cell(k).0.index() == d),
            );
        }
        for ch in Channel::ALL {
            push(
                name,
                "channel",
                ch.name(),
                delay(reps, cells, |k| shape.decode_system_cell(k).3 == ch),
            );
        }
        for (p, programme) in population.programmes.iter().enumerate() {
            push(
                name,
                "programme",
                &programme.id,
                delay(reps, cells, |k| shape.decode_system_cell(k).2.index() == p),
            );
        }
    }
    out
}

/// Arrival-to-release time by hour of arrival: 24 rows per direction, in direction order.
pub(super) fn hourly_profiles(
    population: &Population,
    reps: &[ReplicationStats],
) -> Vec<HourlyProfile> {
    let mut hourly = Vec::new();
    for (d, direction) in population.directions.iter().enumerate() {
        for h in 0..24 {
            let mut merged = Tally::new();
            for r in reps {
                if let Some(t) = r.release_by_hour.get(d * 24 + h) {
                    merged.merge(t);
                }
            }
            hourly.push(HourlyProfile {
                direction: direction.id.clone(),
                hour: h as u8,
                count: merged.count(),
                mean_s: merged.mean_ms().map(|m| m / 1000.0),
                p95_s: merged.quantile_ms(0.95).map(|m| m / 1000.0),
            });
        }
    }
    hourly
}

/// The share of each risk channel among the vehicles that left, in [`Channel::ALL`] order.
pub(super) fn channel_shares(reps: &[ReplicationStats]) -> Vec<ChannelShare> {
    let mut channel_counts = [0u64; 3];
    for r in reps {
        for (k, t) in r.exit.iter() {
            channel_counts[r.shape.decode_system_cell(k).3.index()] += t.count();
        }
    }
    let total: u64 = channel_counts.iter().sum();
    Channel::ALL
        .iter()
        .map(|ch| ChannelShare {
            channel: ch.name().to_string(),
            count: channel_counts[ch.index()],
            share: if total == 0 {
                0.0
            } else {
                channel_counts[ch.index()] as f64 / total as f64
            },
        })
        .collect()
}

/// Pre-arrival processing per direction; `directions` are the direction reports in the same
/// order as `population.directions`.
pub(super) fn pre_arrival_shares(
    population: &Population,
    directions: &[DirectionReport],
    reps: &[ReplicationStats],
) -> Vec<PreArrivalShare> {
    population
        .directions
        .iter()
        .zip(directions)
        .enumerate()
        .map(
            |(d, (direction, report)): (usize, (&Direction, &DirectionReport))| {
                let released: u64 = reps.iter().map(|r| r.released_on_arrival[d]).sum();
                PreArrivalShare {
                    direction: direction.id.clone(),
                    departed: report.departed,
                    pre_lodged: reps.iter().map(|r| r.pre_lodged_exits[d]).sum(),
                    released_on_arrival: released,
                    share_released_on_arrival: if report.departed == 0 {
                        0.0
                    } else {
                        released as f64 / report.departed as f64
                    },
                }
            },
        )
        .collect()
}

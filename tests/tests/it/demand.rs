//! Demand: arrivals follow an hour-of-day profile and day-of-week
//! factors exactly; programmes and risk channels are drawn with their shares (random
//! inspection on top of targeting); routing by channel; recorded arrivals replay exactly.
//!
//! Counting arguments: thinning simulates a non-homogeneous Poisson process exactly, so the
//! number of arrivals in any hour is Poisson with mean the rate of that hour, independently
//! across hours and replications; each vehicle's programme and channel are independent draws,
//! so the count of a (class, programme, channel) cell among N arrivals of the class is
//! binomial. Every count is checked within `support::Z_MAX` standard deviations.

use std::collections::BTreeMap;

use bordersim_des::SimTime;
use bordersim_experiment::RunOptions;
use bordersim_model::{
    Channel, ClassId, LogKind, LogRecord, Population, Programme, ProgrammeId, Source, Station,
    StationId, Target, VehicleClass, VehicleFilter, VehicleLog,
};
use bordersim_stats::MeanCi;
use bordersim_tests::{
    channels, fixed_min, profile_source, route, row, scenario_with, trace_source,
};

use crate::support::{
    K, assert_count, by_vehicle, chi2_quantile_001, chi2_quantile_999, exponential, logged,
    per_rep, verbose,
};

/// Vehicles per hour by hour of day: closed at night (8 hours at zero), a morning peak.
const HOURLY: [f64; 24] = [
    0.0, 0.0, 0.0, 0.0, 0.0, 10.0, 40.0, 120.0, 100.0, 80.0, 60.0, 60.0, 50.0, 50.0, 60.0, 80.0,
    100.0, 60.0, 30.0, 20.0, 10.0, 0.0, 0.0, 0.0,
];
/// Monday … Sunday; no traffic on Sunday.
const DAYS: [f64; 7] = [1.0, 1.1, 1.0, 1.2, 1.3, 0.5, 0.0];

/// Counts arrivals by hour since time zero, keeping nothing else.
struct HourBins(Vec<u64>);

impl VehicleLog for HourBins {
    fn wants(&mut self, _vehicle: u64) -> bool {
        true
    }

    fn record(&mut self, r: &LogRecord) {
        if r.kind == LogKind::Arrive {
            self.0[(r.time.as_millis() / SimTime::MS_PER_HOUR) as usize] += 1;
        }
    }
}

/// One week starting on a Wednesday (so that a day-of-week bug shows), 30 replications:
/// 5,673 expected arrivals a week, between 150 and 4,680 per non-zero hour of the week over
/// all replications (relative sd 1.5–8%).
///
/// Checks: (1) every zero-rate hour (8 a night, all Sunday: 72 of 168) has no arrival at
/// all; (2) each of the other 96 hour-of-week counts is within 4.5 sd of its Poisson mean;
/// (3) together they pass a χ² test at 0.1% (a piecewise or shifted rate, e.g. one hour
/// late, gives χ² in the thousands); (4) the weekly total per replication has a Student-t
/// 95% CI covering the exact 5,673 within 2 half-widths, half-width < 1%; (5) counts are
/// Poisson, not just right on average: over the 30 × 96 (replication, hour) cells,
/// Σ (N − λ)²/λ lies between the 0.001 and 0.999 quantiles of χ²(2,880) (an evenly spaced
/// or batched process gives far too little or too much spread); (6) the report's
/// hourly TRS profile counts the same vehicles by hour of arrival (service takes no time,
/// so every vehicle leaves when it arrives).
#[test]
fn profile_arrivals_match_the_rate_of_each_hour_and_day() {
    const REPS: u32 = 30;
    const START_WEEKDAY: u8 = 2;
    let station = Station::simple("gate", 1, vec![Some(fixed_min(0.0))], vec![]);
    let source = profile_source("trucks", ClassId(0), StationId(0), HOURLY, DAYS);
    let mut scenario = scenario_with(
        "profile",
        &Population::simple(&["truck"]),
        vec![station],
        vec![source],
        SimTime::from_hours(168),
        SimTime::ZERO,
    );
    scenario.start_weekday = START_WEEKDAY;
    let options = RunOptions {
        replications: REPS,
        seed: 2024,
        threads: None,
    };
    let (outcome, logs) =
        bordersim_experiment::run_logged(&scenario, &options, |_| HourBins(vec![0; 169]))
            .expect("the scenario runs");

    let rate = |k: usize| HOURLY[k % 24] * DAYS[(k / 24 + usize::from(START_WEEKDAY)) % 7];
    let mut chi2 = 0.0;
    let (mut zero_hours, mut positive_hours) = (0, 0);
    for k in 0..=168 {
        let count: u64 = logs.iter().map(|l| l.0[k]).sum();
        let mean = rate(k) * f64::from(REPS);
        if mean == 0.0 {
            assert_eq!(count, 0, "hour {k} of the week has rate zero");
            zero_hours += 1;
        } else {
            assert_count(
                &format!("arrivals in hour {k} of the week"),
                count,
                mean,
                mean,
            );
            chi2 += (count as f64 - mean).powi(2) / mean;
            positive_hours += 1;
        }
    }
    assert_eq!((zero_hours, positive_hours), (73, 96));
    let limit = chi2_quantile_999(f64::from(positive_hours));
    verbose(format_args!(
        "hourly χ² = {chi2:.1}, 0.999 quantile {limit:.1}"
    ));
    assert!(
        chi2 <= limit,
        "χ² = {chi2:.1} over {positive_hours} hours exceeds its 0.999 quantile {limit:.1}"
    );

    let mut dispersion = 0.0;
    for log in &logs {
        for (k, &n) in log.0.iter().enumerate() {
            if rate(k) > 0.0 {
                dispersion += (n as f64 - rate(k)).powi(2) / rate(k);
            }
        }
    }
    let df = f64::from(REPS * positive_hours);
    let (low, high) = (chi2_quantile_001(df), chi2_quantile_999(df));
    verbose(format_args!(
        "dispersion χ² = {dispersion:.1} on {df} cells, 0.001–0.999: {low:.1}–{high:.1}"
    ));
    assert!(
        (low..=high).contains(&dispersion),
        "per-replication hourly counts: χ² = {dispersion:.1} outside [{low:.1}, {high:.1}]"
    );

    let weekly: f64 = (0..168).map(rate).sum();
    assert!((weekly - 5_673.0).abs() < 1e-9);
    let totals = per_rep(&outcome.replications, |r| r.vehicles.arrived as f64);
    let ci = MeanCi::from_samples(&totals).expect("replications");
    let hw = ci.half_width_95.expect("several replications");
    verbose(format_args!(
        "weekly arrivals {:.1} ± {hw:.1}, exact {weekly}",
        ci.mean
    ));
    assert!(hw < 0.01 * weekly, "half-width {hw:.1} is too wide");
    assert!(
        ci.covers(weekly, K),
        "weekly arrivals {:.1} ± {hw:.1}, exact {weekly}",
        ci.mean
    );

    for profile in &outcome.report.trs.hourly {
        let h = usize::from(profile.hour);
        let arrived: u64 = logs
            .iter()
            .map(|l| (h..169).step_by(24).map(|k| l.0[k]).sum::<u64>())
            .sum();
        assert_eq!(profile.count, arrived, "hour {h}: TRS hourly count");
        if HOURLY[h] == 0.0 {
            assert_eq!(profile.count, 0);
        }
    }
}

/// Programmes Truck {none 0.7, FAST 0.3} and car {none 0.9, Ready 0.1}; channels per
/// programme; trucks have a 5% random inspection, cars none.
fn shares_population() -> Population {
    let truck = VehicleClass {
        programme_shares: vec![0.7, 0.3],
        channel_probabilities: vec![[0.6, 0.25, 0.15], [0.9, 0.08, 0.02]],
        random_inspection: 0.05,
        ..VehicleClass::simple("truck", 2)
    };
    let car = VehicleClass {
        programme_shares: vec![0.9, 0.1],
        channel_probabilities: vec![[0.8, 0.15, 0.05], [0.97, 0.03, 0.0]],
        random_inspection: 0.0,
        ..VehicleClass::simple("car", 2)
    };
    Population {
        classes: vec![truck, car],
        programmes: vec![
            Programme { id: "none".into() },
            Programme { id: "fast".into() },
        ],
        directions: Population::simple(&["x"]).directions,
    }
}

/// Probability of (programme, channel) for a vehicle of `class`: random selection turns a
/// share `random_inspection` of every vehicle red, whatever its risk assessment.
fn cell_probability(class: &VehicleClass, p: usize, ch: Channel) -> f64 {
    let target = class.channel_probabilities[p][ch.index()];
    let ri = class.random_inspection;
    let channel = if ch == Channel::Red {
        ri + (1.0 - ri) * target
    } else {
        (1.0 - ri) * target
    };
    class.programme_shares[p] * channel
}

/// Primary inspection (20 lanes, 1 min: ρ = 0.75) sends red to X-ray (8 lanes, 4 min: ρ ≈ 0.6)
/// and yellow to documents (8 lanes, 2 min: ρ ≈ 0.6); green leaves.
fn channel_routed(population: &Population, horizon: SimTime) -> bordersim_model::Scenario {
    let both = |m| vec![Some(exponential(m)), Some(exponential(m))];
    let primary = Station::simple(
        "primary",
        20,
        both(1.0),
        vec![
            route(
                channels(&[Channel::Red]),
                Target::Station(StationId(1)),
                1.0,
            ),
            route(
                channels(&[Channel::Yellow]),
                Target::Station(StationId(2)),
                1.0,
            ),
            route(VehicleFilter::any(), Target::Exit, 1.0),
        ],
    );
    let xray = Station::simple("xray", 8, both(4.0), vec![]);
    let docs = Station::simple("docs", 8, both(2.0), vec![]);
    let sources = vec![
        Source::poisson("trucks", ClassId(0), 300.0, StationId(0)),
        Source::poisson("cars", ClassId(1), 600.0, StationId(0)),
    ];
    scenario_with(
        "channels",
        population,
        vec![primary, xray, docs],
        sources,
        horizon,
        SimTime::ZERO,
    )
}

/// 24 h of 300 trucks/h and 600 cars/h, 3 replications (≈ 21,600 trucks, 43,200 cars).
/// Every (class, programme, channel) cell count is binomial(N_class, π): within 4.5 sd
/// (12 positive cells; e.g. truck/none/red: π = 0.7·(0.05 + 0.95·0.15) = 0.1348, sd ≈ 50 on
/// ≈ 2,900; without random inspection π would be 0.105, 17 sd away). Car/Ready/red has
/// π = 0: never drawn. The whole table passes χ² at 0.1%.
#[test]
fn programme_and_channel_shares_match_their_probabilities() {
    let population = shares_population();
    let scenario = channel_routed(&population, SimTime::from_hours(24));
    let mut counts: BTreeMap<(u16, u8, Channel), u64> = BTreeMap::new();
    let mut arrived = [0u64; 2];
    for rep in 0..3 {
        let (stats, records) = logged(&scenario, 7, rep);
        for r in records.iter().filter(|r| r.kind == LogKind::Arrive) {
            *counts
                .entry((r.class.0, r.programme.0, r.channel))
                .or_default() += 1;
        }
        for (c, a) in arrived.iter_mut().enumerate() {
            *a += stats.classes[c].arrived;
        }
    }
    let mut chi2 = 0.0;
    let mut cells = 0;
    for (c, class) in population.classes.iter().enumerate() {
        let n = arrived[c] as f64;
        for p in 0..2 {
            for ch in Channel::ALL {
                let pi = cell_probability(class, p, ch);
                let count = counts.get(&(c as u16, p as u8, ch)).copied().unwrap_or(0);
                let what = format!(
                    "{} / {} / {}",
                    class.id,
                    population.programmes[p].id,
                    ch.name()
                );
                if pi == 0.0 {
                    assert_eq!(count, 0, "{what}: probability zero");
                    continue;
                }
                assert_count(&what, count, n * pi, n * pi * (1.0 - pi));
                chi2 += (count as f64 - n * pi).powi(2) / (n * pi);
                cells += 1;
            }
        }
    }
    assert_eq!(cells, 11);
    // Two multinomials of 6 cells (one zero): 5 + 4 degrees of freedom.
    let limit = chi2_quantile_999(9.0);
    verbose(format_args!(
        "channel χ² = {chi2:.1}, 0.999 quantile {limit:.1}"
    ));
    assert!(chi2 <= limit, "χ² = {chi2:.1} exceeds {limit:.1}");
}

/// Routing by channel, vehicle by vehicle (one replication of 24 h, ≈ 21,600 vehicles):
/// red vehicles go primary → X-ray and nowhere else, yellow primary → documents, green leave
/// after primary; each move happens at the instant primary service ends. X-ray's waiting
/// times are recorded only in red cells, documents' only in yellow cells, and the TRS table
/// of X-ray has a red segment only.
#[test]
fn routing_by_channel_sends_red_to_xray_only() {
    let population = shares_population();
    let scenario = channel_routed(&population, SimTime::from_hours(24));
    let (stats, records) = logged(&scenario, 8, 0);
    let mut visited = [0u64; 3];
    for (vehicle, events) in by_vehicle(&records) {
        let channel = events[0].channel;
        let queues: Vec<(u32, SimTime)> = events
            .iter()
            .filter(|e| e.kind == LogKind::Queue)
            .map(|e| (e.station.expect("a station").0, e.time))
            .collect();
        let expected: &[u32] = match channel {
            Channel::Red => &[0, 1],
            Channel::Yellow => &[0, 2],
            Channel::Green => &[0],
        };
        let stations: Vec<u32> = queues.iter().map(|q| q.0).collect();
        assert!(
            expected.starts_with(&stations),
            "vehicle {vehicle} ({}) visited {stations:?}",
            channel.name()
        );
        let end_primary = events
            .iter()
            .find(|e| e.kind == LogKind::End && e.station == Some(StationId(0)));
        if let (Some(end), Some(&(_, queued))) = (end_primary, queues.get(1)) {
            assert_eq!(queued, end.time, "vehicle {vehicle} moves on at once");
        }
        if events.last().expect("events").kind == LogKind::Exit {
            assert_eq!(stations, expected, "vehicle {vehicle} left early");
        }
        visited[stations.len().min(2)] += 1;
    }
    // Expected ≈ 1,770 red and 3,350 yellow vehicles.
    verbose(format_args!(
        "routing: vehicles by stations visited {visited:?}"
    ));
    assert!(
        visited[2] > 4_500,
        "too few vehicles inspected: {visited:?}"
    );
    let shape = stats.shape;
    for (station, only) in [(1, Channel::Red), (2, Channel::Yellow)] {
        let waits = &stats.stations[station].waits;
        assert!(waits.iter().count() > 0);
        for (cell, tally) in waits.iter() {
            let (_, _, ch) = shape.decode_station_cell(cell);
            assert!(
                ch == only || tally.count() == 0,
                "station {station} served {} vehicles",
                ch.name()
            );
        }
    }
    let outcome = bordersim_experiment::run(
        &scenario,
        &RunOptions {
            replications: 2,
            seed: 8,
            threads: None,
        },
    )
    .expect("the scenario runs");
    let xray_segments: Vec<&str> = outcome
        .report
        .trs
        .intervals
        .iter()
        .filter(|i| i.interval == "xray" && i.dimension == "channel")
        .map(|i| i.segment.as_str())
        .collect();
    assert_eq!(xray_segments, ["red"]);
}

/// 3,000 recorded arrivals of three classes, with gaps of 0 to 96 s (ties included), some
/// rows naming a programme (cars, including FAST, which their shares never draw), others
/// leaving it to the class's shares (trucks 50/50, buses always "none"); the horizon cuts the
/// trace, so the later rows must not appear.
///
/// Exact: the Arrive events are the rows up to the horizon, in order, numbered 0, 1, …, at
/// the recorded millisecond, with the recorded class and programme; class counts match; a
/// second replication replays the same rows. Statistical: the drawn truck programmes are
/// binomial(n, 0.5) (within 4.5 sd).
#[test]
fn trace_replay_reproduces_the_recorded_arrivals() {
    let classes = ["car", "truck", "bus"];
    let shares = [vec![1.0, 0.0], vec![0.5, 0.5], vec![1.0, 0.0]];
    let population = Population {
        classes: classes
            .iter()
            .zip(shares)
            .map(|(id, programme_shares)| VehicleClass {
                programme_shares,
                ..VehicleClass::simple(*id, 2)
            })
            .collect(),
        programmes: vec![
            Programme { id: "none".into() },
            Programme { id: "fast".into() },
        ],
        directions: Population::simple(&["x"]).directions,
    };
    let mut rows = Vec::new();
    let mut t = 0u64;
    for i in 0..3_000u64 {
        // Gaps of 0–96 s, zero for every 97th row: simultaneous arrivals.
        t += (i * 7_919 % 97) * 1_000 + i % 3;
        let class = (i % 3) as u16;
        let programme = (class == 0).then_some(((i / 3) % 2) as u8);
        rows.push(row(SimTime(t), class, programme));
    }
    let horizon = SimTime(rows[2_400].time.0 + 10);
    let expected: Vec<_> = rows.iter().filter(|r| r.time <= horizon).copied().collect();
    assert!(expected.len() > 2_000 && expected.len() < rows.len());
    let station = Station::simple("booth", 4, vec![Some(exponential(0.5)); 3], vec![]);
    let scenario = scenario_with(
        "trace",
        &population,
        vec![station],
        vec![trace_source("recorded", StationId(0), rows)],
        horizon,
        SimTime::ZERO,
    );

    let mut drawn_fast = [0u64; 2];
    let mut first_replay = Vec::new();
    for rep in 0..2 {
        let (stats, records) = logged(&scenario, 3, rep);
        let arrivals: Vec<&LogRecord> = records
            .iter()
            .filter(|r| r.kind == LogKind::Arrive)
            .collect();
        assert_eq!(arrivals.len(), expected.len(), "replication {rep}");
        for (i, (a, r)) in arrivals.iter().zip(&expected).enumerate() {
            assert_eq!(a.vehicle, i as u64);
            assert_eq!(a.time, r.time, "row {i}");
            assert_eq!(a.class, r.class, "row {i}");
            match (r.programme, r.class.0) {
                (Some(p), _) => assert_eq!(a.programme, p, "row {i}: recorded programme"),
                (None, 2) => assert_eq!(a.programme, ProgrammeId(0), "row {i}: bus"),
                (None, _) => drawn_fast[usize::from(a.programme.0)] += 1,
            }
        }
        for c in 0..3u16 {
            let n = expected.iter().filter(|r| r.class.0 == c).count() as u64;
            assert_eq!(stats.classes[usize::from(c)].arrived, n, "class {c}");
        }
        assert_eq!(stats.vehicles.arrived, expected.len() as u64);
        let replay: Vec<(SimTime, ClassId)> = arrivals.iter().map(|a| (a.time, a.class)).collect();
        if rep == 0 {
            first_replay = replay;
        } else {
            assert_eq!(replay, first_replay, "every replication replays the trace");
        }
    }
    let n = (drawn_fast[0] + drawn_fast[1]) as f64;
    assert!(n > 1_500.0);
    assert_count("trucks drawn into FAST", drawn_fast[1], n * 0.5, n * 0.25);
}

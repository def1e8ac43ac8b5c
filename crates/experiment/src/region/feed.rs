//! What a crossing is fed and what is measured there: the region's flows become thinned
//! sources of each crossing (one per direction and class, at a fixed candidate rate so that
//! iterations share their vehicles), and each simulation gives back the border times the
//! choice uses, hour by hour.

use bordersim_model::{
    Arrivals, ClassId, CountSum, Crossing, DirectionId, ModelError, NoLog, RateProfile,
    ReplicationStats, Scenario, Source, StationId,
};
use bordersim_stats::Tally;
use bordersim_trade::{Assignment, Grid, HOURS, HourlyBorder, SIDES};

use super::report::direction_label;
use super::{RegionCrossing, RegionError, RegionModel};
use crate::sweep::metrics::unstable_in;
use crate::{DelayStats, ExperimentError, Progress, RunOptions, run_with_progress};

/// Observations an hour needs before its own mean border time is used; below this the
/// day's mean stands in (an hour with a vehicle or two would make the choice chase noise).
pub const MIN_HOURLY_OBSERVATIONS: u64 = 10;

/// What is fixed about one crossing × direction × class across iterations.
#[derive(Clone, Debug)]
pub(super) struct Cell {
    pub(super) open: bool,
    pub(super) class: Option<ClassId>,
    pub(super) entry: Option<StationId>,
    pub(super) direction: Option<DirectionId>,
    /// Minutes through the crossing with no queue anywhere.
    pub(super) empty_minutes: f64,
    /// Hour-of-day shape of the crossing's own source of this direction and class.
    pub(super) own_shape: [f64; 24],
    /// Minutes from the middle of each hour until a lane of the entry that may serve the
    /// class is open (0 when one is), on the scenario's first day.
    pub(super) wait_until_open: [f64; HOURS],
    /// The fixed candidate rate of the regional source (vehicles/h).
    pub(super) peak_per_hour: f64,
}

fn flat_shape() -> [f64; 24] {
    [1.0 / 24.0; 24]
}

/// Each flow's hour-of-day shape: its own profile, else the mean shape of the crossings'
/// own sources of its direction and class (open crossings only), else flat. A flow has one
/// shape whatever crossing it takes: the hour it travels comes before the choice.
fn flow_shapes(model: &RegionModel, cells: &Grid<Cell>) -> Vec<[f64; HOURS]> {
    let region = &model.region;
    region
        .demand
        .iter()
        .enumerate()
        .map(|(i, od)| {
            if let Some(shape) = model.profiles[i] {
                return shape;
            }
            let d = region.direction(od);
            let own: Vec<[f64; HOURS]> = (0..region.crossings.len())
                .map(|c| cells.get(c, d, od.class))
                .filter(|cell| cell.open)
                .map(|cell| cell.own_shape)
                .collect();
            if own.is_empty() {
                return flat_shape();
            }
            let mut mean = [0.0; HOURS];
            for shape in &own {
                for (m, w) in mean.iter_mut().zip(shape) {
                    *m += w / own.len() as f64;
                }
            }
            mean
        })
        .collect()
}

/// The normalised hour-of-day shape of a crossing's own sources of one direction and class.
fn own_shape(crossing: &Crossing, direction: DirectionId, class: ClassId) -> [f64; 24] {
    let mut sum = [0.0; 24];
    for (i, src) in crossing.sources().iter().enumerate() {
        if crossing.source_direction(i) != direction {
            continue;
        }
        match &src.arrivals {
            Arrivals::Profile { class: c, profile }
            | Arrivals::Thinned {
                class: c, profile, ..
            } if *c == class => {
                for (s, r) in sum.iter_mut().zip(profile.hourly_per_hour) {
                    *s += r;
                }
            }
            Arrivals::Poisson {
                class: c,
                rate_per_hour,
            } if *c == class => {
                for s in &mut sum {
                    *s += rate_per_hour;
                }
            }
            _ => {}
        }
    }
    let total: f64 = sum.iter().sum();
    if total > 0.0 {
        sum.map(|s| s / total)
    } else {
        flat_shape()
    }
}

/// What is fixed across iterations: every crossing × direction × class, and each flow's
/// hour-of-day shape.
pub(super) fn prepare_cells(model: &RegionModel) -> (Grid<Cell>, Vec<[f64; HOURS]>) {
    let region = &model.region;
    let closed = Cell {
        open: false,
        class: None,
        entry: None,
        direction: None,
        empty_minutes: 0.0,
        own_shape: flat_shape(),
        wait_until_open: [0.0; HOURS],
        peak_per_hour: 0.0,
    };
    let mut cells = Grid::new(region.crossings.len(), region.classes.len(), closed.clone());
    for (c, rc) in model.crossings.iter().enumerate() {
        for d in 0..SIDES {
            for k in 0..region.classes.len() {
                let (Some(direction), Some(entry), Some(class)) =
                    (rc.directions[d], rc.entries[d], rc.classes[k])
                else {
                    continue;
                };
                let crossing = &rc.scenario.crossing;
                let open = !rc.closed && crossing.entry_serves(entry, class);
                let shape = own_shape(crossing, direction, class);
                cells.set(
                    c,
                    d,
                    k,
                    Cell {
                        open,
                        class: Some(class),
                        entry: Some(entry),
                        direction: Some(direction),
                        empty_minutes: rc.scenario.empty_minutes(entry, class),
                        own_shape: shape,
                        wait_until_open: rc.scenario.wait_until_open(entry, class),
                        peak_per_hour: 0.0,
                    },
                );
            }
        }
    }
    // The peak: every vehicle of the direction and class at this crossing, with no delay
    // (demand only falls with delay, and a share is at most 1).
    let shapes = flow_shapes(model, &cells);
    let keys: Vec<(usize, usize, usize)> = cells.iter().map(|(key, _)| key).collect();
    for (c, d, k) in keys {
        let cell = cells.get(c, d, k);
        if !cell.open {
            continue;
        }
        let mut hourly = [0.0; 24];
        for (i, od) in region.demand.iter().enumerate() {
            if region.direction(od) != d || od.class != k {
                continue;
            }
            for (h, w) in hourly.iter_mut().zip(shapes[i]) {
                *h += od.vehicles_per_day * w;
            }
        }
        let peak = hourly.iter().copied().fold(0.0, f64::max);
        cells.get_mut(c, d, k).peak_per_hour = candidate_peak(peak);
    }
    (cells, shapes)
}

/// The candidate rate (vehicles/h) of a regional source whose highest hourly rate with no
/// delay is `highest_per_hour` (vehicles/h): a hair above it, so that rounding in the
/// shares never lifts a rate over the peak.
pub fn candidate_peak(highest_per_hour: f64) -> f64 {
    highest_per_hour * (1.0 + 1e-9)
}

/// What one iteration measured.
pub(super) struct Measured {
    /// Per crossing × direction × class: border time statistics (seconds).
    pub(super) stats: Grid<DelayStats>,
    /// The border minutes the choice uses, by hour (`None`: closed).
    pub(super) used: HourlyBorder,
    /// Vehicles observed per hour of arrival.
    pub(super) observed: Grid<[u64; HOURS]>,
    /// Each replication's own border minutes by hour, in replication order (see
    /// [`replicate_hours`]): the sampling error of `used`.
    pub(super) replicates: Vec<HourlyBorder>,
    pub(super) simulations: u64,
    pub(super) events: u64,
    /// Per crossing whose run is unstable, in the region's order: `crossing `id`: why`
    /// ([`crate::sweep::metrics::unstable_in`] of its run with these flows).
    pub(super) unstable: Vec<String>,
}

/// The scenario a crossing runs with the region's flows as its sources; `None` when no
/// regional traffic can reach it (no sources). Stations, population and run timing are the
/// crossing's own.
///
/// # Errors
///
/// Every problem the model finds with the crossing rebuilt on these sources (e.g. a
/// source entering at a station of another direction).
pub fn crossing_with_flows(
    rc: &RegionCrossing,
    sources: Vec<Source>,
) -> Result<Option<Scenario>, Vec<ModelError>> {
    if sources.is_empty() {
        return Ok(None);
    }
    // Only the sources are the region's: the crossing keeps everything else its file
    // gives (its vehicle cap, operations, costs, detection rates, booked slots), so it
    // behaves in the region as it does alone.
    let rebuilt = rc.scenario.crossing.with_sources(sources)?;
    Ok(Some(Scenario {
        crossing: rebuilt,
        ..rc.scenario.clone()
    }))
}

/// The regional source of one crossing × direction × class. Its id (and so its random
/// stream) depends only on where it is, never on the iteration. It draws candidates at
/// `peak_per_hour` (vehicles/h) and keeps each with probability rate / peak, the rate of
/// hour `h` being `hourly_per_hour[h]` (vehicles/h) every day of the week.
pub fn regional_source(
    crossing_id: &str,
    direction_label: &str,
    class_id: &str,
    class: ClassId,
    entry: StationId,
    peak_per_hour: f64,
    hourly_per_hour: [f64; 24],
) -> Source {
    Source {
        id: format!("region:{crossing_id}:{direction_label}:{class_id}"),
        entry,
        arrivals: Arrivals::Thinned {
            class,
            peak_per_hour,
            profile: RateProfile {
                hourly_per_hour,
                day_factors: [1.0; 7],
            },
        },
    }
}

pub(super) fn simulate(
    model: &RegionModel,
    cells: &Grid<Cell>,
    assignment: &Assignment,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Measured, RegionError> {
    let region = &model.region;
    // Vehicles in an hour of the day are that hour's rate per hour.
    let rates = assignment.hourly_by_crossing(region);
    let mut stats = Grid::new(
        region.crossings.len(),
        region.classes.len(),
        DelayStats::default(),
    );
    let mut used = Grid::new(region.crossings.len(), region.classes.len(), [None; HOURS]);
    let mut observed = Grid::new(region.crossings.len(), region.classes.len(), [0; HOURS]);
    let mut replicates = vec![used.clone(); options.replications as usize];
    let mut simulations = 0;
    let mut events = 0;
    let mut unstable = Vec::new();
    for (c, rc) in model.crossings.iter().enumerate() {
        let mut sources = Vec::new();
        for d in 0..SIDES {
            for k in 0..region.classes.len() {
                let cell = cells.get(c, d, k);
                if !cell.open || cell.peak_per_hour <= 0.0 {
                    continue;
                }
                let (Some(class), Some(entry)) = (cell.class, cell.entry) else {
                    continue;
                };
                sources.push(regional_source(
                    &rc.id,
                    &direction_label(region, d),
                    &region.classes[k],
                    class,
                    entry,
                    cell.peak_per_hour,
                    *rates.get(c, d, k),
                ));
            }
        }
        let scenario = crossing_with_flows(rc, sources).map_err(|errors| RegionError::Model {
            crossing: rc.id.clone(),
            errors,
        })?;
        let replications = match scenario {
            Some(scenario) => {
                let (outcome, _) = run_with_progress(&scenario, options, |_| NoLog, progress)
                    .map_err(|source| match source {
                        ExperimentError::Cancelled => RegionError::Cancelled,
                        source => RegionError::Run {
                            crossing: rc.id.clone(),
                            source,
                        },
                    })?;
                simulations += 1;
                events += outcome.report.events;
                if let Some(why) = unstable_in(&scenario, &outcome.report) {
                    unstable.push(format!("crossing `{}`: {why}", rc.id));
                }
                outcome.replications
            }
            None => Vec::new(),
        };
        for d in 0..SIDES {
            for k in 0..region.classes.len() {
                let cell = cells.get(c, d, k);
                if !cell.open {
                    continue;
                }
                let (Some(dir), Some(class)) = (cell.direction, cell.class) else {
                    continue;
                };
                let tallies = border_tallies(&replications, dir, class);
                let delay = DelayStats::from_tallies(&tallies);
                let daily = delay.mean_s.map_or(cell.empty_minutes, |s| s / 60.0);
                let mut hours = [None; HOURS];
                let mut counts = [0; HOURS];
                for (h, (used, count)) in hours.iter_mut().zip(&mut counts).enumerate() {
                    let mut merged = CountSum::default();
                    for r in &replications {
                        merged.add(r.exit_in_hour(dir, class, h));
                    }
                    *count = merged.count;
                    *used = Some(match merged.mean_ms() {
                        Some(ms) if *count >= MIN_HOURLY_OBSERVATIONS => ms / 60_000.0,
                        _ => daily + cell.wait_until_open[h],
                    });
                }
                for (r, grid) in replicates.iter_mut().enumerate() {
                    let own = match (replications.get(r), tallies.get(r)) {
                        (Some(rep), Some(tally)) => replicate_hours(
                            Pooled {
                                hours: &hours,
                                counts: &counts,
                                daily,
                                wait: &cell.wait_until_open,
                            },
                            rep,
                            tally,
                            (dir, class),
                        ),
                        // Nothing simulated here: no sampling error.
                        _ => hours,
                    };
                    grid.set(c, d, k, own);
                }
                used.set(c, d, k, hours);
                observed.set(c, d, k, counts);
                stats.set(c, d, k, delay);
            }
        }
    }
    Ok(Measured {
        stats,
        used,
        observed,
        replicates,
        simulations,
        events,
        unstable,
    })
}

/// The border minutes of one crossing × direction × class as the choice used them, pooled
/// over the replications.
struct Pooled<'a> {
    hours: &'a [Option<f64>; HOURS],
    counts: &'a [u64; HOURS],
    /// The day's mean (or the empty crossing's time), minutes.
    daily: f64,
    wait: &'a [f64; HOURS],
}

/// One replication's border minutes by hour, taken as the pooled ones were: where the
/// pooled hour had [`MIN_HOURLY_OBSERVATIONS`] and used its own mean, the replication's
/// mean of that hour (the pooled one if it observed none); where the pooled hour used the
/// day's mean plus the wait until the entry opens, the replication's day mean (the pooled
/// one if it observed none) plus that wait. The rule is the pooled one's, so the
/// replications differ only by their sampling error, never by which rule applied.
fn replicate_hours(
    pooled: Pooled<'_>,
    replication: &ReplicationStats,
    tally: &Tally,
    (direction, class): (DirectionId, ClassId),
) -> [Option<f64>; HOURS] {
    let daily = tally.mean_ms().map_or(pooled.daily, |ms| ms / 60_000.0);
    let mut out = *pooled.hours;
    for (h, minutes) in out.iter_mut().enumerate() {
        *minutes = if pooled.counts[h] >= MIN_HOURLY_OBSERVATIONS {
            replication
                .exit_in_hour(direction, class, h)
                .mean_ms()
                .map(|ms| ms / 60_000.0)
                .or(pooled.hours[h])
        } else {
            Some(daily + pooled.wait[h])
        };
    }
    out
}

/// Arrival to exit of one direction and class, over the replications (one tally per
/// replication, merged as in [`DelayStats::from_tallies`]), in seconds.
pub fn border_time(
    replications: &[ReplicationStats],
    direction: DirectionId,
    class: ClassId,
) -> DelayStats {
    DelayStats::from_tallies(&border_tallies(replications, direction, class))
}

/// Arrival to exit of one direction and class, one tally per replication (ms).
fn border_tallies(
    replications: &[ReplicationStats],
    direction: DirectionId,
    class: ClassId,
) -> Vec<Tally> {
    replications
        .iter()
        .map(|r| {
            let shape = r.shape;
            r.exit.merged(|cell| {
                let (d, c, _, _) = shape.decode_system_cell(cell);
                d == direction && c == class
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use bordersim_model::{LogKind, LogRecord, VehicleLog};

    use super::*;
    use crate::run_logged;
    use crate::test_support::{one_station, one_way_region, options};

    /// Remembers the arrival time (ms) of every vehicle.
    #[derive(Debug, Default)]
    struct ArrivalTimes(Vec<u64>);

    impl VehicleLog for ArrivalTimes {
        fn wants(&mut self, _vehicle: u64) -> bool {
            true
        }

        fn record(&mut self, record: &LogRecord) {
            if record.kind == LogKind::Arrive {
                self.0.push(record.time.as_millis());
            }
        }
    }

    /// The crossing `x` fed only by a regional flow of `rate_per_hour` all day, drawn at
    /// `peak_per_hour`.
    fn fed(rate_per_hour: f64, peak_per_hour: f64) -> Scenario {
        let model = one_way_region(vec![one_station("x", 50, 4.0, 10.0)], 0.0, 0.0);
        let source = regional_source(
            "x",
            "a_to_b",
            "truck",
            ClassId(0),
            StationId(0),
            peak_per_hour,
            [rate_per_hour; 24],
        );
        crossing_with_flows(&model.crossings[0], vec![source])
            .expect("valid")
            .expect("fed")
    }

    /// A crossing fed by the region keeps what its file gives besides its sources: the
    /// vehicle cap, staff costs, series bins and operations are those of the crossing alone.
    #[test]
    fn a_crossing_fed_by_the_region_keeps_all_but_its_sources() {
        let mut model = one_way_region(vec![one_station("x", 50, 4.0, 10.0)], 0.0, 0.0);
        let alone = &mut model.crossings[0].scenario.crossing;
        *alone = alone
            .clone()
            .with_max_in_system(77)
            .with_series_bin_ms(Some(900_000))
            .with_staff_costs(vec![bordersim_model::StaffCostRate {
                station: "x".into(),
                lane_group: None,
                per_lane_h: 42.0,
            }]);
        let source = regional_source(
            "x",
            "a_to_b",
            "truck",
            ClassId(0),
            StationId(0),
            30.0,
            [10.0; 24],
        );
        let fed = crossing_with_flows(&model.crossings[0], vec![source])
            .expect("valid")
            .expect("fed");
        let (c, alone) = (&fed.crossing, &model.crossings[0].scenario.crossing);
        assert_eq!(c.max_in_system(), 77);
        assert_eq!(c.series_bin_ms(), Some(900_000));
        assert_eq!(c.staff_costs(), alone.staff_costs());
        assert_eq!(c.operations(), alone.operations());
        assert_eq!(c.sources().len(), 1);
        assert_eq!(c.sources()[0].id, "region:x:a_to_b:truck");
    }

    fn arrivals(scenario: &Scenario) -> Vec<u64> {
        let (_, mut logs) =
            run_logged(scenario, &options(1), |_| ArrivalTimes::default()).expect("runs");
        logs.remove(0).0
    }

    #[test]
    fn thinned_sources_nest_as_the_rate_grows() {
        let fewer = arrivals(&fed(20.0, 60.0));
        let more = arrivals(&fed(30.0, 60.0));
        assert!(
            fewer.len() > 500 && more.len() > fewer.len() + 100,
            "{} {}",
            fewer.len(),
            more.len()
        );
        // Every vehicle of the smaller flow arrives at the same time in the larger one.
        let mut at = more.iter().peekable();
        for t in &fewer {
            while at.next_if(|m| **m < *t).is_some() {}
            assert_eq!(at.next(), Some(t), "vehicle arriving at {t} ms");
        }
        assert_eq!(arrivals(&fed(20.0, 60.0)), fewer);
    }

    #[test]
    fn the_candidate_peak_is_a_hair_above_the_highest_rate() {
        let peak = candidate_peak(25.0);
        assert!(peak > 25.0 && peak < 25.0 * (1.0 + 1e-8), "{peak}");
        assert_eq!(candidate_peak(0.0), 0.0);
    }

    #[test]
    fn a_regional_source_is_named_by_where_it_is() {
        let source = regional_source(
            "x",
            "a_to_b",
            "truck",
            ClassId(0),
            StationId(0),
            12.0,
            [5.0; 24],
        );
        assert_eq!(source.id, "region:x:a_to_b:truck");
        assert_eq!(source.entry, StationId(0));
        match source.arrivals {
            Arrivals::Thinned {
                class,
                peak_per_hour,
                profile,
            } => {
                assert_eq!(class, ClassId(0));
                assert_eq!(peak_per_hour, 12.0);
                assert_eq!(profile.hourly_per_hour, [5.0; 24]);
                assert_eq!(profile.day_factors, [1.0; 7]);
            }
            other => panic!("expected thinned arrivals, got {other:?}"),
        }
    }

    #[test]
    fn the_regional_flows_replace_the_crossings_own_sources() {
        let model = one_way_region(vec![one_station("x", 2, 4.0, 10.0)], 0.0, 0.0);
        let rc = &model.crossings[0];
        assert!(
            crossing_with_flows(rc, Vec::new())
                .expect("valid")
                .is_none()
        );
        let scenario = fed(10.0, 20.0);
        let ids: Vec<&str> = scenario
            .crossing
            .sources()
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(ids, ["region:x:a_to_b:truck"]);
        assert_eq!(scenario.horizon, rc.scenario.horizon);
        assert_eq!(scenario.crossing.stations().len(), 1);
    }

    #[test]
    fn a_flow_takes_the_shape_of_the_crossings_own_sources_unless_it_has_its_own() {
        let mut own = one_station("x", 2, 4.0, 10.0);
        let mut hourly = [0.0; 24];
        hourly[8] = 30.0;
        hourly[9] = 10.0;
        own.crossing = Crossing::new(
            "x",
            own.population(),
            own.crossing.stations().to_vec(),
            vec![Source {
                id: "own".into(),
                entry: StationId(0),
                arrivals: Arrivals::Profile {
                    class: ClassId(0),
                    profile: RateProfile {
                        hourly_per_hour: hourly,
                        day_factors: [1.0; 7],
                    },
                },
            }],
        )
        .expect("valid");
        let mut model = one_way_region(vec![own], 240.0, 0.0);
        let (cells, shapes) = prepare_cells(&model);
        let mut expected = [0.0; 24];
        expected[8] = 0.75;
        expected[9] = 0.25;
        assert_eq!(shapes, [expected]);
        // The peak is the busiest hour of the whole demand at this one crossing.
        assert_eq!(cells.get(0, 0, 0).peak_per_hour, candidate_peak(180.0));
        assert!(cells.get(0, 0, 0).open);
        assert!(!cells.get(0, 1, 0).open, "nothing enters from side b");

        let flat = [1.0 / 24.0; 24];
        model.profiles = vec![Some(flat)];
        let (cells, shapes) = prepare_cells(&model);
        assert_eq!(shapes, [flat]);
        assert_eq!(cells.get(0, 0, 0).peak_per_hour, candidate_peak(10.0));
    }

    #[test]
    fn the_time_through_an_empty_crossing_is_the_mean_service_time() {
        let model = one_way_region(vec![one_station("x", 2, 4.0, 10.0)], 240.0, 0.0);
        let (cells, _) = prepare_cells(&model);
        let cell = cells.get(0, 0, 0);
        assert!(
            (cell.empty_minutes - 4.0).abs() < 1e-9,
            "{}",
            cell.empty_minutes
        );
        assert_eq!(cell.wait_until_open, [0.0; HOURS]);
    }

    #[test]
    fn the_border_time_of_one_direction_and_class_is_its_time_in_system() {
        let scenario = fed(20.0, 30.0);
        let outcome = crate::run(&scenario, &options(3)).expect("runs");
        assert_eq!(
            border_time(&outcome.replications, DirectionId(0), ClassId(0)),
            outcome.report.classes[0].time_in_system
        );
    }
}

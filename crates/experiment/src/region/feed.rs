//! What a crossing is fed and what is measured there: the region's flows become thinned
//! sources of each crossing (one per direction and class, at a fixed candidate rate so that
//! iterations share their vehicles), and each simulation gives back the border times the
//! choice uses, hour by hour.

use bordersim_model::{
    Arrivals, ClassId, CountSum, Crossing, DirectionId, ModelError, RateProfile, ReplicationStats,
    Scenario, Source, StationId,
};
use bordersim_trade::{Assignment, Grid, HOURS, HourlyBorder, SIDES};

use super::crossing_queries::{empty_minutes, entry_serves, wait_until_open};
use super::report::direction_label;
use super::{RegionCrossing, RegionError, RegionModel};
use crate::{DelayStats, RunOptions, run};

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
                let open = !rc.closed && entry_serves(crossing, entry, class);
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
                        empty_minutes: empty_minutes(&rc.scenario, entry, class),
                        own_shape: shape,
                        wait_until_open: wait_until_open(&rc.scenario, entry, class),
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

/// The candidate rate of a regional source whose highest hourly rate with no delay is
/// `highest_per_hour`: a hair above it, so that rounding in the shares never lifts a rate
/// over the peak.
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
    pub(super) simulations: u64,
    pub(super) events: u64,
}

/// The scenario a crossing runs with the region's flows as its sources; `None` when no
/// regional traffic can reach it.
pub fn crossing_with_flows(
    rc: &RegionCrossing,
    sources: Vec<Source>,
) -> Result<Option<Scenario>, Vec<ModelError>> {
    if sources.is_empty() {
        return Ok(None);
    }
    let crossing = &rc.scenario.crossing;
    let rebuilt = Crossing::new(
        crossing.name.clone(),
        crossing.population(),
        crossing.stations().to_vec(),
        sources,
    )?;
    Ok(Some(Scenario {
        crossing: rebuilt,
        ..rc.scenario.clone()
    }))
}

/// The regional source of one crossing × direction × class. Its id (and so its random
/// stream) depends only on where it is, never on the iteration.
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
    let mut simulations = 0;
    let mut events = 0;
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
                let outcome = run(&scenario, options).map_err(|source| RegionError::Run {
                    crossing: rc.id.clone(),
                    source,
                })?;
                simulations += 1;
                events += outcome.report.events;
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
                let delay = border_time(&replications, dir, class);
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
        simulations,
        events,
    })
}

/// Arrival to exit of one direction and class, over the replications.
pub fn border_time(
    replications: &[ReplicationStats],
    direction: DirectionId,
    class: ClassId,
) -> DelayStats {
    let tallies: Vec<_> = replications
        .iter()
        .map(|r| {
            let shape = r.shape;
            r.exit.merged(|cell| {
                let (d, c, _, _) = shape.decode_system_cell(cell);
                d == direction && c == class
            })
        })
        .collect();
    DelayStats::from_tallies(&tallies)
}

//! The equilibrium of a border region: simulate every crossing with the flows assigned to
//! it, measure border times, let travellers respond (crossing choice and demand), average,
//! repeat.
//!
//! The math (logit, demand response, averaging, gap, trade accounting) is
//! `bordersim-trade`'s; this module runs the crossings. Each crossing keeps its stations and
//! lanes and loses its own sources: the region's flows become its sources, one per direction
//! and class, entering where the crossing's own vehicles of that direction enter.
//!
//! Common random numbers across iterations (and between a baseline and a reform): every
//! iteration runs the same seed and replications, and each regional source generates
//! arrivals by thinning candidates drawn at a peak rate that depends only on the region's
//! demand (the rate if every vehicle of that direction and class came through this crossing
//! with no delay), never on the current flows ([`Arrivals::Thinned`]). A change of volume
//! then only adds or removes a few vehicles; every other vehicle keeps its arrival time and
//! its draws. The gap measures the model, not the noise.

use bordersim_des::SimTime;
use bordersim_model::{
    Arrivals, ClassId, CountSum, Crossing, DirectionId, LaneGroup, ModelError, RateProfile,
    ReplicationStats, Scenario, Source, StationId, lane_filter_matches,
};
use bordersim_trade::{
    AssignError, Assignment, Averaging, Grid, HOURS, HourlyBorder, Region, SIDES, TradeAccount,
    TradeShift, account, assign, relative_gap, shift,
};
pub use bordersim_trade::{RegionCrossing, RegionModel};
use serde::Serialize;

use crate::{DelayStats, ExperimentError, RunOptions, run};

#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    #[error("crossing `{crossing}`: {source}")]
    Run {
        crossing: String,
        #[source]
        source: ExperimentError,
    },
    #[error("crossing `{crossing}` cannot take the region's flows: {}", list(.errors))]
    Model {
        crossing: String,
        errors: Vec<ModelError>,
    },
    #[error(
        "demand #{od} ({origin} → {destination}, {class}) has no open crossing: every crossing is closed to its class in its direction"
    )]
    NoOpenCrossing {
        od: usize,
        origin: String,
        destination: String,
        class: String,
    },
    #[error("the equilibrium needs at least one iteration")]
    NoIterations,
}

fn list(errors: &[ModelError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// One iteration of the equilibrium.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IterationRecord {
    pub iteration: u32,
    /// `Σ |best response − current| / Σ current` over every flow at every crossing.
    pub gap: f64,
    /// Vehicles per day simulated in this iteration, all crossings.
    pub vehicles_per_day: f64,
}

/// One crossing × direction × class at the equilibrium.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowReport {
    pub crossing: String,
    /// `<side>_to_<side>`.
    pub direction: String,
    /// The crossing's own name for that direction (empty if it has none).
    pub crossing_direction: String,
    pub class: String,
    /// False when the crossing is closed to this direction and class (share 0).
    pub open: bool,
    pub volume_per_day: f64,
    /// Share of this direction and class's traffic, all crossings.
    pub share: f64,
    /// Arrival to exit at the crossing, seconds (empty without observations).
    pub border_time: DelayStats,
    /// The border time the choice used, seconds, averaged over the day's vehicles (over
    /// the hours, if none came): see `hourly`.
    pub border_time_used_s: Option<f64>,
    /// Hour by hour of arrival: the vehicles assigned and the border time the choice used.
    pub hourly: Vec<HourlyFlow>,
}

/// One hour of a flow at a crossing: the choice is made hour by hour.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HourlyFlow {
    pub hour: u8,
    /// Vehicles arriving in this hour, per day.
    pub volume: f64,
    /// Vehicles of this hour observed leaving the crossing (all replications).
    pub observed: u64,
    /// The border time the choice used for this hour, seconds: the mean of the vehicles
    /// that arrived in this hour if at least [`MIN_HOURLY_OBSERVATIONS`] were observed,
    /// else the day's mean (or the time through the empty crossing) plus the wait until the
    /// entry opens if it is closed then.
    pub border_time_used_s: Option<f64>,
}

/// Observations an hour needs before its own mean border time is used; below this the
/// day's mean stands in (an hour with a vehicle or two would make the choice chase noise).
pub const MIN_HOURLY_OBSERVATIONS: u64 = 10;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideReport {
    pub side: String,
    pub exports_per_day: f64,
    pub imports_per_day: f64,
    pub balance_per_day: f64,
    pub exports_lost_to_delay_per_day: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossingTradeReport {
    pub crossing: String,
    pub direction: String,
    pub value_per_day: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommodityTradeReport {
    pub commodity: String,
    pub direction: String,
    pub value_per_day: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeReport {
    pub sides: Vec<SideReport>,
    pub by_crossing: Vec<CrossingTradeReport>,
    pub by_commodity: Vec<CommodityTradeReport>,
    pub total_per_day: f64,
}

/// The region at its equilibrium (or where the iterations stopped).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionReport {
    pub region: String,
    pub seed: u64,
    pub replications: u32,
    pub converged: bool,
    pub tolerance: f64,
    pub max_iterations: u32,
    pub iterations: Vec<IterationRecord>,
    pub sides: Vec<String>,
    pub crossings: Vec<String>,
    pub flows: Vec<FlowReport>,
    pub trade: TradeReport,
    /// Crossing simulations run (each with every replication).
    pub simulations: u64,
    /// Simulation events processed, all iterations.
    pub events: u64,
}

/// The region's state at the end: the report and what it was computed from.
#[derive(Clone, Debug)]
pub struct RegionOutcome {
    pub report: RegionReport,
    pub assignment: Assignment,
    pub trade: TradeAccount,
}

/// Direction label: `<from>_to_<to>`.
pub fn direction_label(region: &Region, direction: usize) -> String {
    format!(
        "{}_to_{}",
        region.sides[direction],
        region.sides[1 - direction]
    )
}

/// What is fixed about one crossing × direction × class across iterations.
#[derive(Clone, Debug)]
struct Cell {
    open: bool,
    class: Option<ClassId>,
    entry: Option<StationId>,
    direction: Option<DirectionId>,
    /// Minutes through the crossing with no queue anywhere.
    empty_minutes: f64,
    /// Hour-of-day shape of the crossing's own source of this direction and class.
    own_shape: [f64; 24],
    /// Minutes from the middle of each hour until a lane of the entry that may serve the
    /// class is open (0 when one is), on the scenario's first day.
    wait_until_open: [f64; HOURS],
    /// The fixed candidate rate of the regional source (vehicles/h).
    peak_per_hour: f64,
}

/// Runs the region to its equilibrium.
pub fn run_region(model: &RegionModel, options: &RunOptions) -> Result<RegionOutcome, RegionError> {
    if model.max_iterations == 0 {
        return Err(RegionError::NoIterations);
    }
    let region = &model.region;
    let (cells, shapes) = prepare_cells(model);
    let mut empty = border_grid(&cells, region, |cell| {
        cell.wait_until_open
            .map(|wait| Some(cell.empty_minutes + wait))
    });
    close_shut_hours(&mut empty, &cells, region);
    let mut current = assign_checked(region, &empty, &shapes)?;
    let mut iterations = Vec::new();
    let mut simulations = 0;
    let mut events = 0;
    let mut converged = false;
    let mut last: Option<Measured> = None;
    let mut averaging = Averaging::new(model.averaging);
    for n in 1..=model.max_iterations {
        let mut measured = simulate(model, &cells, &current, options)?;
        close_shut_hours(&mut measured.used, &cells, region);
        simulations += measured.simulations;
        events += measured.events;
        let response = assign_checked(region, &measured.used, &shapes)?;
        let gap = relative_gap(current.as_slice(), response.as_slice());
        iterations.push(IterationRecord {
            iteration: n,
            gap,
            vehicles_per_day: current.as_slice().iter().sum(),
        });
        last = Some(measured);
        if gap < model.tolerance {
            converged = true;
            break;
        }
        if n == model.max_iterations {
            break;
        }
        averaging.step(current.as_mut_slice(), response.as_slice(), gap);
    }
    let measured = last.ok_or(RegionError::NoIterations)?;
    let trade = account(region, &current);
    let report = RegionReport {
        region: region.name.clone(),
        seed: options.seed,
        replications: options.replications,
        converged,
        tolerance: model.tolerance,
        max_iterations: model.max_iterations,
        iterations,
        sides: region.sides.to_vec(),
        crossings: region.crossings.iter().map(|c| c.id.clone()).collect(),
        flows: flow_reports(model, &cells, &current, &measured),
        trade: trade_report(region, &trade),
        simulations,
        events,
    };
    Ok(RegionOutcome {
        report,
        assignment: current,
        trade,
    })
}

fn assign_checked(
    region: &Region,
    border: &HourlyBorder,
    shapes: &[[f64; HOURS]],
) -> Result<Assignment, RegionError> {
    assign(region, border, shapes).map_err(|AssignError::NoOpenCrossing { od }| {
        let d = &region.demand[od];
        RegionError::NoOpenCrossing {
            od,
            origin: region.zones[d.origin].id.clone(),
            destination: region.zones[d.destination].id.clone(),
            class: region.classes[d.class].clone(),
        }
    })
}

fn border_grid(
    cells: &Grid<Cell>,
    region: &Region,
    value: impl Fn(&Cell) -> [Option<f64>; HOURS],
) -> HourlyBorder {
    let mut grid = Grid::new(region.crossings.len(), region.classes.len(), [None; HOURS]);
    for ((c, d, k), cell) in cells.iter() {
        if cell.open {
            grid.set(c, d, k, value(cell));
        }
    }
    grid
}

/// A crossing whose entry has no open lane for a class in an hour takes no share of that
/// hour's traffic, as long as another crossing is open to it then; when every crossing is
/// shut (a region closed at night), the hour's traffic waits for the first to open, as its
/// border times (which include the wait) say.
fn close_shut_hours(border: &mut HourlyBorder, cells: &Grid<Cell>, region: &Region) {
    for d in 0..SIDES {
        for k in 0..region.classes.len() {
            for h in 0..HOURS {
                let open_now = (0..region.crossings.len()).any(|c| {
                    let cell = cells.get(c, d, k);
                    cell.open && cell.wait_until_open[h] == 0.0
                });
                if !open_now {
                    continue;
                }
                for c in 0..region.crossings.len() {
                    if cells.get(c, d, k).wait_until_open[h] > 0.0 {
                        border.get_mut(c, d, k)[h] = None;
                    }
                }
            }
        }
    }
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

/// Minutes from the middle of each hour of the first day until some lane of the entry
/// that may serve the class is open (0 where one is). Lanes under a lane rule count as
/// open. Looks a week ahead; a lane never open gives 0 (the crossing is then closed).
fn wait_until_open(scenario: &Scenario, entry: StationId, class: ClassId) -> [f64; HOURS] {
    let lanes = lanes_for_class(&scenario.crossing, entry, class);
    let open_at = |hour: u64| {
        lanes.iter().any(|g| {
            g.rule.is_some()
                || g.schedule
                    .servers_at(SimTime::from_hours(hour), scenario.start_weekday)
                    > 0
        })
    };
    let mut out = [0.0; HOURS];
    for (h, wait) in out.iter_mut().enumerate() {
        let h = h as u64;
        if open_at(h) {
            continue;
        }
        if let Some(next) = (h + 1..h + 24 * 7).find(|&t| open_at(t)) {
            *wait = (next - h) as f64 * 60.0 - 30.0;
        }
    }
    out
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

/// Expected minutes through the crossing for one vehicle alone: the mean service times of
/// the stations it visits, weighted by how often it visits them (from the crossing's own
/// traffic equations, with a unit source of that class at the entry).
fn empty_minutes(scenario: &Scenario, entry: StationId, class: ClassId) -> f64 {
    let crossing = &scenario.crossing;
    let probe = Source::poisson("probe", class, 1.0, entry);
    let Ok(alone) = Crossing::new(
        crossing.name.clone(),
        crossing.population(),
        crossing.stations().to_vec(),
        vec![probe],
    ) else {
        return 0.0;
    };
    let programmes = crossing.population().programmes.len();
    let rates = alone.arrival_rates_by_kind(scenario.horizon);
    let mut ms = 0.0;
    for (st, per_kind) in alone.stations().iter().zip(&rates) {
        for (k, rate) in per_kind.iter().enumerate() {
            if *rate <= 0.0 {
                continue;
            }
            let programme = bordersim_model::ProgrammeId((k % programmes) as u8);
            let c = ClassId((k / programmes) as u16);
            if let Some(d) = st.service_for(c, programme) {
                ms += rate * d.mean_ms();
            }
        }
    }
    ms / 60_000.0
}

/// Whether some lane at the entry that may serve the class is ever open.
fn entry_serves(crossing: &Crossing, entry: StationId, class: ClassId) -> bool {
    lanes_for_class(crossing, entry, class)
        .iter()
        .any(|g| g.schedule.max() > 0)
}

/// The lane groups at `entry` that may serve vehicles of `class` (their own, or any when
/// idle).
fn lanes_for_class(crossing: &Crossing, entry: StationId, class: ClassId) -> Vec<&LaneGroup> {
    let keys = crossing.possible_keys(class, None);
    crossing
        .station(entry)
        .lanes
        .iter()
        .filter(|g| g.share_when_idle || keys.iter().any(|k| lane_filter_matches(&g.serves, *k)))
        .collect()
}

/// What is fixed across iterations: every crossing × direction × class, and each flow's
/// hour-of-day shape.
fn prepare_cells(model: &RegionModel) -> (Grid<Cell>, Vec<[f64; HOURS]>) {
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
struct Measured {
    /// Per crossing × direction × class: border time statistics (seconds).
    stats: Grid<DelayStats>,
    /// The border minutes the choice uses, by hour (`None`: closed).
    used: HourlyBorder,
    /// Vehicles observed per hour of arrival.
    observed: Grid<[u64; HOURS]>,
    simulations: u64,
    events: u64,
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

fn simulate(
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

fn flow_reports(
    model: &RegionModel,
    cells: &Grid<Cell>,
    assignment: &Assignment,
    measured: &Measured,
) -> Vec<FlowReport> {
    let region = &model.region;
    let volumes = assignment.by_crossing(region);
    let hourly_volumes = assignment.hourly_by_crossing(region);
    let shares = assignment.shares(region);
    let mut out = Vec::new();
    for ((c, d, k), cell) in cells.iter() {
        let rc = &model.crossings[c];
        // Crossings that never carry this class in this direction are left out.
        let (Some(direction), Some(_)) = (cell.direction, cell.class) else {
            continue;
        };
        out.push(FlowReport {
            crossing: rc.id.clone(),
            direction: direction_label(region, d),
            crossing_direction: rc
                .scenario
                .population()
                .directions
                .get(direction.index())
                .map(|x| x.id.clone())
                .unwrap_or_default(),
            class: region.classes[k].clone(),
            open: cell.open,
            volume_per_day: *volumes.get(c, d, k),
            share: *shares.get(c, d, k),
            border_time: measured.stats.get(c, d, k).clone(),
            border_time_used_s: day_mean_seconds(
                measured.used.get(c, d, k),
                hourly_volumes.get(c, d, k),
            ),
            hourly: (0..HOURS)
                .map(|h| HourlyFlow {
                    hour: h as u8,
                    volume: hourly_volumes.get(c, d, k)[h],
                    observed: measured.observed.get(c, d, k)[h],
                    border_time_used_s: measured.used.get(c, d, k)[h].map(|m| m * 60.0),
                })
                .collect(),
        });
    }
    out
}

/// The hourly border minutes averaged over the day's vehicles (over the hours if there are
/// none), in seconds; `None` when closed.
fn day_mean_seconds(minutes: &[Option<f64>; HOURS], volumes: &[f64; HOURS]) -> Option<f64> {
    let open: Vec<(f64, f64)> = minutes
        .iter()
        .zip(volumes)
        .filter_map(|(m, v)| m.map(|m| (m, *v)))
        .collect();
    if open.is_empty() {
        return None;
    }
    let total: f64 = open.iter().map(|(_, v)| v).sum();
    let mean = if total > 0.0 {
        open.iter().map(|(m, v)| m * v).sum::<f64>() / total
    } else {
        open.iter().map(|(m, _)| m).sum::<f64>() / open.len() as f64
    };
    Some(mean * 60.0)
}

/// One row per crossing × direction of a `[crossing][direction]` table of values per day.
fn crossing_trade_rows(region: &Region, values: &[[f64; SIDES]]) -> Vec<CrossingTradeReport> {
    values
        .iter()
        .enumerate()
        .flat_map(|(c, per_direction)| {
            per_direction
                .iter()
                .enumerate()
                .map(move |(d, v)| CrossingTradeReport {
                    crossing: region.crossings[c].id.clone(),
                    direction: direction_label(region, d),
                    value_per_day: *v,
                })
        })
        .collect()
}

fn trade_report(region: &Region, trade: &TradeAccount) -> TradeReport {
    TradeReport {
        sides: trade
            .sides
            .iter()
            .map(|s| SideReport {
                side: s.side.clone(),
                exports_per_day: s.exports,
                imports_per_day: s.imports,
                balance_per_day: s.balance,
                exports_lost_to_delay_per_day: s.exports_lost_to_delay,
            })
            .collect(),
        by_crossing: crossing_trade_rows(region, &trade.by_crossing),
        by_commodity: trade
            .by_commodity
            .iter()
            .map(|(name, d, v)| CommodityTradeReport {
                commodity: name.clone(),
                direction: direction_label(region, *d),
                value_per_day: *v,
            })
            .collect(),
        total_per_day: trade.total,
    }
}

// ---------------------------------------------------------------------------------------
// Baseline against reform
// ---------------------------------------------------------------------------------------

/// The change of one crossing × direction × class from the baseline to the reform.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowShift {
    pub crossing: String,
    pub direction: String,
    pub class: String,
    pub volume_baseline: f64,
    pub volume_reform: f64,
    pub volume_change: f64,
    pub share_baseline: f64,
    pub share_reform: f64,
    pub share_change: f64,
    pub border_mean_baseline_s: Option<f64>,
    pub border_mean_reform_s: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideShift {
    pub side: String,
    pub exports_change_per_day: f64,
    pub imports_change_per_day: f64,
    pub balance_change_per_day: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TradeShiftReport {
    /// Net change of all trade per day (negative: destroyed).
    pub created_per_day: f64,
    /// Trade per day moved from crossings that lose to crossings that gain.
    pub diverted_per_day: f64,
    pub by_crossing: Vec<CrossingTradeReport>,
    pub sides: Vec<SideShift>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionShift {
    pub flows: Vec<FlowShift>,
    pub trade: TradeShiftReport,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionComparison {
    pub baseline: RegionReport,
    pub reform_name: String,
    pub reform: RegionReport,
    pub shift: RegionShift,
}

/// Runs the baseline and the reform (same region, same seed and replications, so the same
/// candidate vehicles), and measures the shift.
pub fn compare_regions(
    baseline: &RegionModel,
    reform_name: &str,
    reform: &RegionModel,
    options: &RunOptions,
) -> Result<RegionComparison, RegionError> {
    let base = run_region(baseline, options)?;
    let new = run_region(reform, options)?;
    let shift = region_shift(&baseline.region, &base, &new);
    Ok(RegionComparison {
        baseline: base.report,
        reform_name: reform_name.to_owned(),
        reform: new.report,
        shift,
    })
}

fn region_shift(region: &Region, base: &RegionOutcome, reform: &RegionOutcome) -> RegionShift {
    let flows = base
        .report
        .flows
        .iter()
        .map(|b| {
            let r = reform.report.flows.iter().find(|r| {
                r.crossing == b.crossing && r.direction == b.direction && r.class == b.class
            });
            let volume_reform = r.map_or(0.0, |r| r.volume_per_day);
            let share_reform = r.map_or(0.0, |r| r.share);
            FlowShift {
                crossing: b.crossing.clone(),
                direction: b.direction.clone(),
                class: b.class.clone(),
                volume_baseline: b.volume_per_day,
                volume_reform,
                volume_change: volume_reform - b.volume_per_day,
                share_baseline: b.share,
                share_reform,
                share_change: share_reform - b.share,
                border_mean_baseline_s: b.border_time.mean_s,
                border_mean_reform_s: r.and_then(|r| r.border_time.mean_s),
            }
        })
        .collect();
    let s: TradeShift = shift(&base.trade, &reform.trade);
    let trade = TradeShiftReport {
        created_per_day: s.created,
        diverted_per_day: s.diverted,
        by_crossing: crossing_trade_rows(region, &s.by_crossing),
        sides: (0..SIDES)
            .map(|i| SideShift {
                side: region.sides[i].clone(),
                exports_change_per_day: s.exports_change[i],
                imports_change_per_day: s.imports_change[i],
                balance_change_per_day: s.balance_change[i],
            })
            .collect(),
    };
    RegionShift { flows, trade }
}

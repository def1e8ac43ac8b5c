//! The equilibrium loop: assign the flows, simulate every crossing with them, measure the
//! border times, let travellers respond, average, until the gap is below the tolerance.

use bordersim_trade::{
    AssignError, Assignment, Averaging, Grid, HOURS, HourlyBorder, Region, SIDES, account, assign,
    relative_gap,
};

use super::feed::{Cell, Measured, prepare_cells, simulate};
use super::report::{IterationRecord, RegionOutcome, RegionReport, flow_reports, trade_report};
use super::{RegionError, RegionModel};
use crate::RunOptions;

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

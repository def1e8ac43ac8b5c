//! The equilibrium loop: assign the flows, simulate every crossing with them, measure the
//! border times, let travellers respond, average, until the gap is below the tolerance.

use bordersim_trade::{
    AssignError, Assignment, Averaging, Grid, HOURS, HourlyBorder, Region, SIDES, account, assign,
    relative_gap,
};

use super::appraisal::{region_costs, with_cost_intervals};
use super::feed::{Cell, Measured, prepare_cells, simulate};
use super::intervals::Replicate;
use super::report::{IterationRecord, RegionOutcome, RegionReport, flow_reports, trade_report};
use super::{RegionError, RegionModel};
use crate::{NoProgress, Progress, RunOptions};
use bordersim_trade::accounting::{account_by_country, zone_countries};

/// Runs the region to its equilibrium: at most `model.max_iterations` iterations, each
/// simulating every crossing with `options` (same seed and replications every time), until
/// the gap falls below `model.tolerance`. The report holds the last iteration's
/// measurements and the flows as they stood then.
///
/// # Errors
///
/// [`RegionError::NoIterations`] if `model.max_iterations` is zero,
/// [`RegionError::NoOpenCrossing`] if a flow has no crossing open to it,
/// [`RegionError::Model`] if a crossing cannot take the region's flows as sources, and
/// [`RegionError::Run`] if a crossing's simulation fails.
pub fn run_region(model: &RegionModel, options: &RunOptions) -> Result<RegionOutcome, RegionError> {
    run_region_with_progress(model, options, &NoProgress)
}

/// As [`run_region`], telling `progress` the gap of each iteration as it ends.
///
/// # Errors
///
/// As [`run_region`].
pub fn run_region_with_progress(
    model: &RegionModel,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<RegionOutcome, RegionError> {
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
        let mut measured = simulate(model, &cells, &current, options, progress)?;
        close_shut_hours(&mut measured.used, &cells, region);
        for border in &mut measured.replicates {
            close_shut_hours(border, &cells, region);
        }
        simulations += measured.simulations;
        events += measured.events;
        let response = assign_checked(region, &measured.used, &shapes)?;
        let gap = relative_gap(current.as_slice(), response.as_slice());
        progress.iteration_done(n, model.max_iterations, gap);
        if progress.cancelled() {
            return Err(RegionError::Cancelled);
        }
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
    let mut measured = last.ok_or(RegionError::NoIterations)?;
    let replicates = std::mem::take(&mut measured.replicates)
        .into_iter()
        .map(|border| replicate(model, border, &shapes))
        .collect::<Result<Vec<_>, _>>()?;
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
        flows: flow_reports(model, &cells, &current, &measured, &replicates),
        trade: trade_report(
            region,
            &trade,
            account_by_country(region, &current, &zone_countries(region)),
            &replicates,
        ),
        costs: with_cost_intervals(
            region_costs(model, &current, &measured.used),
            &replicates
                .iter()
                .map(|r| r.costs.clone())
                .collect::<Vec<_>>(),
        ),
        simulations,
        events,
        unstable: (!measured.unstable.is_empty()).then(|| measured.unstable.join("; ")),
    };
    Ok(RegionOutcome {
        report,
        assignment: current,
        trade,
        border: measured.used,
        replicates,
    })
}

/// One replication's best response to the border minutes it measured, and what that
/// carries (see [`super::intervals`]).
fn replicate(
    model: &RegionModel,
    border: HourlyBorder,
    shapes: &[[f64; HOURS]],
) -> Result<Replicate, RegionError> {
    let region = &model.region;
    let assignment = assign_checked(region, &border, shapes)?;
    Ok(Replicate {
        trade: account(region, &assignment),
        by_country: account_by_country(region, &assignment, &zone_countries(region)),
        costs: region_costs(model, &assignment, &border),
        volumes: assignment.by_crossing(region),
        shares: assignment.shares(region),
        border,
        assignment,
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

#[cfg(test)]
mod tests {
    use bordersim_model::{ClassId, Crossing, LaneSchedule, Scenario, StationId};

    use super::*;
    use crate::region::{candidate_peak, regional_source};
    use crate::sweep::metrics::tests::fast_and_general;
    use crate::test_support::{one_station, one_way_region, options};

    /// A crossing whose lanes are open from 06:00 to 22:00 only.
    fn daytime(name: &str) -> Scenario {
        let mut scenario = one_station(name, 2, 4.0, 10.0);
        let mut stations = scenario.crossing.stations().to_vec();
        let mut hours = [2; 24];
        for h in (0..6).chain(22..24) {
            hours[h] = 0;
        }
        stations[0].lanes[0].schedule = LaneSchedule::daily(hours);
        scenario.crossing = Crossing::new(
            name,
            scenario.population(),
            stations,
            scenario.crossing.sources().to_vec(),
        )
        .expect("valid");
        scenario
    }

    /// The border minutes the first assignment uses: through the empty crossing, plus the
    /// wait until it opens, with the hours a crossing is shut closed where another is open.
    fn first_border(model: &RegionModel) -> HourlyBorder {
        let (cells, _) = prepare_cells(model);
        let mut empty = border_grid(&cells, &model.region, |cell| {
            cell.wait_until_open
                .map(|wait| Some(cell.empty_minutes + wait))
        });
        close_shut_hours(&mut empty, &cells, &model.region);
        empty
    }

    #[test]
    fn one_crossing_with_fixed_demand_is_one_simulation() {
        let model = one_way_region(vec![one_station("only", 2, 4.0, 10.0)], 600.0, 0.0);
        let options = options(2);
        let outcome = run_region(&model, &options).expect("runs");
        let report = &outcome.report;
        assert!(report.converged);
        assert_eq!(report.iterations.len(), 1);
        assert_eq!(report.iterations[0].gap, 0.0);
        assert_eq!(report.iterations[0].vehicles_per_day, 600.0);
        assert_eq!(report.simulations, 1);
        let flow = &report.flows[0];
        assert_eq!((flow.volume_per_day, flow.share), (600.0, 1.0));

        // The same crossing simulated once, by hand, with the region's flow as its source.
        let source = regional_source(
            "only",
            "a_to_b",
            "truck",
            ClassId(0),
            StationId(0),
            candidate_peak(600.0 / 24.0),
            [600.0 / 24.0; 24],
        );
        let alone = one_station("only", 2, 4.0, 10.0);
        let scenario = Scenario {
            crossing: Crossing::new(
                "only",
                alone.population(),
                alone.crossing.stations().to_vec(),
                vec![source],
            )
            .expect("valid"),
            ..alone
        };
        let single = crate::run(&scenario, &options).expect("runs");
        assert_eq!(flow.border_time, single.report.classes[0].time_in_system);
        assert_eq!(report.events, single.report.events);
        assert!(flow.border_time.count > 500, "{:?}", flow.border_time);
    }

    #[test]
    fn a_crossing_whose_general_lanes_saturate_beside_idle_fast_lanes_is_unstable() {
        // The region's trucks (class 0) may use only the general lane: 864 a day = 36/h ×
        // 2 min = 1.2 lane-hours an hour on 1 lane, while the FAST lane (no FAST traffic in
        // the region: its own sources are replaced) idles and the station's load reads 0.6.
        let crossing = |name: &str| {
            let mut s = fast_and_general((1, 1), (36.0, 1.0), false);
            s.name = name.into();
            s
        };
        let model = one_way_region(vec![crossing("only")], 864.0, 0.0);
        let report = run_region(&model, &options(2)).expect("runs").report;
        let why = report.unstable.expect("unstable");
        assert!(
            why.starts_with(
                "crossing `only`: lane group `general` of station `primary`: offered load 1.20 \
                 per open lane from the vehicles only it may serve (>= 1)"
            ),
            "{why}"
        );
        // Two general lanes keep up (0.6 each): the region is stable.
        let model = one_way_region(
            vec![fast_and_general((2, 1), (36.0, 1.0), false)],
            864.0,
            0.0,
        );
        let report = run_region(&model, &options(2)).expect("runs").report;
        assert_eq!(report.unstable, None);
    }

    #[test]
    fn a_closed_crossing_takes_no_traffic() {
        let mut model = one_way_region(
            vec![
                one_station("x", 2, 4.0, 10.0),
                one_station("y", 2, 4.0, 10.0),
            ],
            600.0,
            0.0,
        );
        model.crossings[1].closed = true;
        let report = run_region(&model, &options(2)).expect("runs").report;
        assert_eq!(report.iterations[0].gap, 0.0);
        let y = report.flows.iter().find(|f| f.crossing == "y").expect("y");
        assert!(!y.open);
        assert_eq!((y.volume_per_day, y.share), (0.0, 0.0));
        assert_eq!(y.border_time_used_s, None);
        let x = report.flows.iter().find(|f| f.crossing == "x").expect("x");
        assert_eq!((x.volume_per_day, x.share), (600.0, 1.0));
    }

    #[test]
    fn zero_iterations_is_an_error() {
        let mut model = one_way_region(vec![one_station("x", 2, 4.0, 10.0)], 600.0, 0.0);
        model.max_iterations = 0;
        assert!(matches!(
            run_region(&model, &options(1)),
            Err(RegionError::NoIterations)
        ));
    }

    #[test]
    fn a_crossing_shut_for_the_night_loses_the_night_to_an_open_one() {
        let model = one_way_region(
            vec![daytime("x"), one_station("y", 2, 4.0, 10.0)],
            600.0,
            0.0,
        );
        let border = first_border(&model);
        let x = border.get(0, 0, 0);
        let y = border.get(1, 0, 0);
        assert_eq!(x[2], None, "x is shut at 02:00 and y is open");
        assert_eq!(x[23], None);
        assert!((x[6].expect("open") - 4.0).abs() < 1e-9, "{:?}", x[6]);
        assert!(y.iter().all(Option::is_some));
    }

    #[test]
    fn when_every_crossing_is_shut_the_traffic_waits_for_the_first_to_open() {
        let model = one_way_region(vec![daytime("x")], 600.0, 0.0);
        let border = first_border(&model);
        let x = border.get(0, 0, 0);
        // From the middle of 02:00 to 06:00: 3.5 hours, then 4 minutes of service.
        assert!(
            (x[2].expect("waits") - (210.0 + 4.0)).abs() < 1e-9,
            "{:?}",
            x[2]
        );
        assert!(
            (x[22].expect("waits") - (450.0 + 4.0)).abs() < 1e-9,
            "{:?}",
            x[22]
        );
        assert!((x[12].expect("open") - 4.0).abs() < 1e-9, "{:?}", x[12]);
    }

    #[test]
    fn a_flow_with_no_open_crossing_is_an_error() {
        let mut model = one_way_region(vec![one_station("x", 2, 4.0, 10.0)], 600.0, 0.0);
        model.crossings[0].closed = true;
        match run_region(&model, &options(1)) {
            Err(RegionError::NoOpenCrossing {
                od,
                origin,
                destination,
                class,
            }) => assert_eq!(
                (od, origin.as_str(), destination.as_str(), class.as_str()),
                (0, "a1", "b1", "truck")
            ),
            other => panic!("expected no open crossing, got {other:?}"),
        }
    }

    #[test]
    fn an_assignment_far_from_its_response_has_a_gap_and_iterates() {
        // The first assignment sees empty crossings; the slow one, at one lane of 9
        // minutes, then queues far more than that, so the response moves traffic.
        let model = one_way_region(
            vec![
                one_station("fast", 3, 2.0, 10.0),
                one_station("slow", 1, 9.0, 10.0),
            ],
            400.0,
            0.0,
        );
        let report = run_region(&model, &options(2)).expect("runs").report;
        let gaps: Vec<f64> = report.iterations.iter().map(|i| i.gap).collect();
        assert!(gaps[0] > model.tolerance, "{gaps:?}");
        assert!(gaps.len() > 1, "{gaps:?}");
        if report.converged {
            assert!(
                gaps.last().is_some_and(|g| *g < model.tolerance),
                "{gaps:?}"
            );
        }
        // Fixed demand: averaging moves vehicles between crossings, never in or out.
        for i in &report.iterations {
            assert!((i.vehicles_per_day - 400.0).abs() < 1e-6, "{i:?}");
        }
    }
}

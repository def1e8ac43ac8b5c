//! Checks on the route graph that must stay linear in its size (a crossing of 200,000
//! stations in a chain validates in well under a second): which stations lead to an exit,
//! and routes a vehicle can go round without the clock advancing.

use super::ModelError;
use crate::ids::{ClassId, ProgrammeId, StationId};
use crate::population::{Channel, Population, VehicleKey};
use crate::source::{Arrivals, Source};
use crate::station::{PreLodged, Station, Target, branches_for, moves};

/// Which stations vehicles of kind `key` can leave the crossing from, by their routes: a
/// walk backwards from the stations that route to the exit, each station and route visited
/// once.
pub(crate) fn stations_leading_to_exit(stations: &[Station], key: VehicleKey) -> Vec<bool> {
    let n = stations.len();
    // Reverse edges in compressed form: `into[start[t]..start[t + 1]]` are the stations
    // that route to `t`.
    let mut edges: Vec<(u32, u32)> = Vec::new();
    let mut can_exit = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    for (i, st) in stations.iter().enumerate() {
        for target in moves(&st.routes, key) {
            match target {
                Target::Exit => {
                    if !can_exit[i] {
                        can_exit[i] = true;
                        stack.push(i as u32);
                    }
                }
                Target::Station(t) if t.index() < n => edges.push((t.0, i as u32)),
                Target::Station(_) => {}
            }
        }
    }
    edges.sort_unstable();
    let mut start = vec![0usize; n + 1];
    for &(t, _) in &edges {
        start[t as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    while let Some(t) = stack.pop() {
        let t = t as usize;
        for &(_, from) in &edges[start[t]..start[t + 1]] {
            if !std::mem::replace(&mut can_exit[from as usize], true) {
                stack.push(from);
            }
        }
    }
    can_exit
}

/// Half a millisecond: a draw shorter than this rounds to 0 ms on the clock.
const ROUNDS_TO_ZERO_MS: f64 = 0.5;

/// Routes a vehicle can go round taking no time at all — every station on the loop passed
/// without stopping (merged into another, skipped when pre-lodged) or served in less than
/// half a millisecond on average, so that its draws round to 0 ms (always, for a fixed
/// time; almost always, for an exponential of mean 0.01 ms) — are refused: the clock would
/// never advance past the instant such a vehicle enters them (a 0 s service with a
/// self-loop at p = 1 − 1e-16 runs about 1e16 rounds at one instant). One error per vehicle class, at the first station of the first
/// such loop found; linear in stations and routes per vehicle kind.
pub(crate) fn check_zero_time_cycles(
    population: &Population,
    stations: &[Station],
    sources: &[Source],
) -> Vec<ModelError> {
    let mut errors = Vec::new();
    for (c, class) in population.classes.iter().enumerate() {
        let cid = ClassId(c as u16);
        let entries: Vec<usize> = sources
            .iter()
            .filter(|src| source_brings(src, cid))
            .map(|src| src.entry.index())
            .filter(|&e| e < stations.len())
            .collect();
        if entries.is_empty() {
            continue;
        }
        let pre_lodged = class.pre_lodged_share > 0.0;
        'programmes: for p in 0..population.programmes.len() {
            let pid = ProgrammeId(p as u8);
            let zero: Vec<bool> = zero_time_stations(stations, cid, pid, pre_lodged);
            if !zero.contains(&true) {
                continue;
            }
            for channel in Channel::ALL {
                let key = VehicleKey {
                    class: cid,
                    programme: pid,
                    channel,
                };
                // Only where these vehicles go: a station they never reach has no service
                // time for them, which is no loop of theirs.
                let reached = reached_from(stations, &entries, key);
                let zero: Vec<bool> = zero.iter().zip(&reached).map(|(z, r)| *z && *r).collect();
                if let Some(cycle) = find_cycle(stations, &zero, key) {
                    let names: Vec<&str> = cycle
                        .iter()
                        .chain(cycle.first())
                        .map(|s| stations[s.index()].id.as_str())
                        .collect();
                    errors.push(ModelError::ZeroTimeCycle {
                        station: cycle[0],
                        class: cid,
                        reason: format!(
                            "vehicles of class `{}` can go round {} without the clock \
                             advancing (every station on the loop is passed without stopping \
                             or serves in under half a millisecond on average, which the clock \
                             counts as 0): give \
                             one of them a service time of at least 1 ms, or break the loop",
                            class.id,
                            names
                                .iter()
                                .map(|n| format!("`{n}`"))
                                .collect::<Vec<_>>()
                                .join(" → ")
                        ),
                    });
                    break 'programmes;
                }
            }
        }
    }
    errors
}

/// Most visits one vehicle may make to one station on average. A loop whose routes keep
/// vehicles almost surely (a self-loop at p = 1 − 1e-16: about 1e16 visits each) takes
/// time, but more of it than any run can give: a cheap file would run for hours.
pub const MAX_MEAN_VISITS: f64 = 1e6;

/// Loops that take time but that a vehicle leaves so rarely that it would visit a station
/// more than [`MAX_MEAN_VISITS`] times on average (the traffic equations per arriving
/// vehicle) are refused, one error per class at the station with the most visits. The
/// visits are those of `station_flows`: exact for a loop of up to [`DENSE_LOOP`] stations,
/// extrapolated past the sweeps allowed for a larger one, never under-counted by stopping
/// early.
pub(crate) fn check_endless_loops(
    population: &Population,
    stations: &[Station],
    sources: &[Source],
) -> Vec<ModelError> {
    let mut errors = Vec::new();
    for (c, class) in population.classes.iter().enumerate() {
        let cid = ClassId(c as u16);
        let mut entries: Vec<usize> = sources
            .iter()
            .filter(|src| source_brings(src, cid))
            .map(|src| src.entry.index())
            .filter(|&e| e < stations.len())
            .collect();
        entries.sort_unstable();
        entries.dedup();
        'class: for p in 0..population.programmes.len() {
            for channel in Channel::ALL {
                let key = VehicleKey {
                    class: cid,
                    programme: ProgrammeId(p as u8),
                    channel,
                };
                // A loop with no way out at all is the error about vehicles that can never
                // leave, reported with the crossing's structure, not here.
                let can_exit = stations_leading_to_exit(stations, key);
                for &entry in &entries {
                    let flows = station_flows(stations, key, StationId(entry as u32), 1.0);
                    let worst = flows
                        .iter()
                        .enumerate()
                        .filter(|(s, _)| can_exit[*s])
                        .filter(|(_, v)| v.is_nan() || **v > MAX_MEAN_VISITS)
                        .max_by(|a, b| a.1.total_cmp(b.1));
                    if let Some((s, visits)) = worst {
                        errors.push(ModelError::EndlessLoop {
                            station: StationId(s as u32),
                            class: cid,
                            reason: format!(
                                "vehicles of class `{}` would visit station `{}` about {:.1e} \
                                 times each on average: its routes lead back to it almost \
                                 surely (at most {:.0e} visits are allowed, or a run never \
                                 ends); give the routes out of the loop more probability",
                                class.id, stations[s].id, visits, MAX_MEAN_VISITS
                            ),
                        });
                        break 'class;
                    }
                }
            }
        }
    }
    errors
}

/// Whether `source` brings vehicles of `class`.
fn source_brings(source: &Source, class: ClassId) -> bool {
    match &source.arrivals {
        Arrivals::Poisson { class: c, .. }
        | Arrivals::Profile { class: c, .. }
        | Arrivals::Thinned { class: c, .. } => *c == class,
        Arrivals::Trace { arrivals } => arrivals.iter().any(|a| a.class == class),
    }
}

/// The stations vehicles of kind `key` entering at `entries` can reach.
fn reached_from(stations: &[Station], entries: &[usize], key: VehicleKey) -> Vec<bool> {
    let mut reached = vec![false; stations.len()];
    let mut stack = entries.to_vec();
    while let Some(s) = stack.pop() {
        if std::mem::replace(&mut reached[s], true) {
            continue;
        }
        for t in moves(&stations[s].routes, key) {
            if let Target::Station(t) = t
                && t.index() < stations.len()
                && !reached[t.index()]
            {
                stack.push(t.index());
            }
        }
    }
    reached
}

/// The stations vehicles of (`class`, `programme`) can pass taking no time.
fn zero_time_stations(
    stations: &[Station],
    class: ClassId,
    programme: ProgrammeId,
    pre_lodged: bool,
) -> Vec<bool> {
    // Mean of a station's service for these vehicles, before merged controls.
    let own_mean = |st: &Station| -> f64 {
        st.service_for(class, programme).map_or(0.0, |d| {
            d.mean_ms() * st.programme_service_factor(programme)
        })
    };
    // A joint stop also does the work of the controls merged into it.
    let mut merged_mean = vec![0.0f64; stations.len()];
    for st in stations {
        if let Some(target) = st.merged_into
            && target.index() < stations.len()
        {
            merged_mean[target.index()] += own_mean(st);
        }
    }
    stations
        .iter()
        .enumerate()
        .map(|(i, st)| {
            if st.merged_into.is_some() {
                return true;
            }
            let mut mean = if merged_mean[i] > 0.0 {
                (own_mean(st) + merged_mean[i]) * st.joint_service_factor
            } else {
                own_mean(st)
            };
            if pre_lodged {
                match st.pre_lodged {
                    PreLodged::Skip => return true,
                    PreLodged::Scale(f) => mean *= f.min(1.0),
                    PreLodged::Same => {}
                }
            }
            mean < ROUNDS_TO_ZERO_MS
        })
        .collect()
}

/// A loop of routes of vehicles of kind `key` through `zero` stations only, in route order,
/// if there is one (iterative depth-first search: each station and route visited once).
fn find_cycle(stations: &[Station], zero: &[bool], key: VehicleKey) -> Option<Vec<StationId>> {
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let n = stations.len();
    let mut state = vec![NEW; n];
    let next = |s: usize| -> Vec<usize> {
        moves(&stations[s].routes, key)
            .filter_map(|t| match t {
                Target::Station(t) if t.index() < n && zero[t.index()] => Some(t.index()),
                _ => None,
            })
            .collect()
    };
    for root in 0..n {
        if !zero[root] || state[root] != NEW {
            continue;
        }
        // The path from `root`, each station with the targets it has still to try.
        let mut path: Vec<(usize, Vec<usize>)> = vec![(root, next(root))];
        state[root] = ON_PATH;
        while let Some((_, targets)) = path.last_mut() {
            match targets.pop() {
                Some(t) if state[t] == ON_PATH => {
                    let from = path.iter().position(|(s, _)| *s == t).unwrap_or(0);
                    return Some(
                        path[from..]
                            .iter()
                            .map(|(s, _)| StationId(*s as u32))
                            .collect(),
                    );
                }
                Some(t) if state[t] == NEW => {
                    state[t] = ON_PATH;
                    path.push((t, next(t)));
                }
                Some(_) => {}
                None => {
                    let (s, _) = path.pop().expect("the path is not empty");
                    state[s] = DONE;
                }
            }
        }
    }
    None
}

/// Mean flow (vehicles per hour) of vehicles of kind `key` through each station when `lam0`
/// per hour enter at `entry`: the traffic equations λ = λ₀ + λP, solved component by
/// component of the route graph in route order. A station on no loop gets its flow in one
/// step; a station looping only to itself gets λ = inflow / (1 − p); a loop of up to
/// [`DENSE_LOOP`] stations is solved exactly ([`solve_loop`]), a larger one by sweeps with
/// the rest extrapolated ([`sweep_loop`]). Linear in stations and routes outside
/// loops (a chain of 200,000 stations takes one pass), where repeating λ ← λ₀ + λP over
/// the whole graph took one pass per station of the chain.
pub(crate) fn station_flows(
    stations: &[Station],
    key: VehicleKey,
    entry: StationId,
    lam0: f64,
) -> Vec<f64> {
    let n = stations.len();
    let mut lambda = vec![0.0; n];
    if entry.index() >= n {
        return lambda;
    }
    let out = |s: usize| -> Vec<(usize, f64)> {
        branches_for(&stations[s].routes, key)
            .into_iter()
            .filter_map(|r| match r.to {
                Target::Station(t) if t.index() < n => Some((t.index(), r.probability)),
                _ => None,
            })
            .collect()
    };
    // Inflow from stations of earlier components (and the entry's own arrivals).
    let mut inflow = vec![0.0; n];
    inflow[entry.index()] = lam0;
    let components = components_from(n, entry.index(), &out);
    let mut component_of = vec![usize::MAX; n];
    let mut position = vec![0usize; n];
    for (c, members) in components.iter().enumerate() {
        for (k, &s) in members.iter().enumerate() {
            component_of[s] = c;
            position[s] = k;
        }
    }
    // Tarjan's order lists a component after every component it routes to: walk it
    // backwards to go in route order.
    for (c, members) in components.iter().enumerate().rev() {
        let edges: Vec<Vec<(usize, f64)>> = members.iter().map(|&s| out(s)).collect();
        if let ([s], [edges]) = (members.as_slice(), edges.as_slice()) {
            let stay: f64 = edges.iter().filter(|(t, _)| t == s).map(|(_, p)| p).sum();
            lambda[*s] = if stay < 1.0 {
                inflow[*s] / (1.0 - stay)
            } else {
                f64::INFINITY
            };
        } else {
            // Each member's routes in from the loop, by position in `members`.
            let mut incoming: Vec<Vec<(usize, f64)>> = vec![Vec::new(); members.len()];
            for (from, edges) in edges.iter().enumerate() {
                for &(t, p) in edges {
                    if component_of[t] == c {
                        incoming[position[t]].push((from, p));
                    }
                }
            }
            let inflows: Vec<f64> = members.iter().map(|&s| inflow[s]).collect();
            let flow = if members.len() <= DENSE_LOOP {
                solve_loop(&inflows, &incoming)
            } else {
                sweep_loop(&inflows, &incoming, lam0)
            };
            for (&s, f) in members.iter().zip(flow) {
                lambda[s] = f;
            }
        }
        for (&s, edges) in members.iter().zip(&edges) {
            for &(t, p) in edges {
                if component_of[t] != c {
                    inflow[t] += lambda[s] * p;
                }
            }
        }
    }
    lambda
}

/// Loops of up to this many stations are solved exactly (Gaussian elimination, at most
/// about 5.6 million operations); larger ones by sweeps.
const DENSE_LOOP: usize = 256;

/// The flows through the stations of one loop (a strongly connected component): `x = b +
/// A x`, `b` the inflow from outside, `A[k][from]` the probability of the route `from → k`
/// (`incoming[k]`), solved exactly by Gaussian elimination with partial pivoting. A loop
/// left so rarely that the system is singular to working precision (or whose solution
/// comes out negative or not finite for that reason) has infinite flows.
fn solve_loop(inflows: &[f64], incoming: &[Vec<(usize, f64)>]) -> Vec<f64> {
    let m = inflows.len();
    // Row k: x_k − Σ p x_from = b_k, augmented with b_k.
    let mut a = vec![0.0f64; m * (m + 1)];
    for k in 0..m {
        a[k * (m + 1) + k] = 1.0;
        for &(from, p) in &incoming[k] {
            a[k * (m + 1) + from] -= p;
        }
        a[k * (m + 1) + m] = inflows[k];
    }
    let infinite = || vec![f64::INFINITY; m];
    for col in 0..m {
        let pivot = (col..m)
            .max_by(|&i, &j| {
                a[i * (m + 1) + col]
                    .abs()
                    .total_cmp(&a[j * (m + 1) + col].abs())
            })
            .unwrap_or(col);
        // Every coefficient is at most 1 in size; a pivot this small means vehicles leave
        // the loop with probability below the precision of the routes.
        if a[pivot * (m + 1) + col].abs() < 1e-300 {
            return infinite();
        }
        if pivot != col {
            for j in 0..=m {
                a.swap(pivot * (m + 1) + j, col * (m + 1) + j);
            }
        }
        let d = a[col * (m + 1) + col];
        for i in col + 1..m {
            let f = a[i * (m + 1) + col] / d;
            if f != 0.0 {
                for j in col..=m {
                    a[i * (m + 1) + j] -= f * a[col * (m + 1) + j];
                }
            }
        }
    }
    let mut x = vec![0.0f64; m];
    for k in (0..m).rev() {
        let mut sum = a[k * (m + 1) + m];
        for j in k + 1..m {
            sum -= a[k * (m + 1) + j] * x[j];
        }
        x[k] = sum / a[k * (m + 1) + k];
    }
    // Flows are sums of non-negative terms: a negative or non-finite one is the loop's
    // near-singularity, i.e. flows beyond any bound.
    if x.iter()
        .any(|v| !v.is_finite() || *v < -1e-9 * inflows.iter().sum::<f64>().max(1.0))
    {
        return infinite();
    }
    x.iter().map(|v| v.max(0.0)).collect()
}

/// [`solve_loop`] for a loop too large to solve exactly: Gauss–Seidel sweeps in the order
/// the loop was walked (they rise to the solution from below, at the rate vehicles leave
/// the loop). When they have not settled after the sweeps allowed, the rest is
/// extrapolated from the last two sweeps' gains as a geometric series (a ratio of 1 or
/// more: infinite), so a loop left almost never is not under-counted.
fn sweep_loop(inflows: &[f64], incoming: &[Vec<(usize, f64)>], lam0: f64) -> Vec<f64> {
    const SWEEPS: usize = 100_000;
    let m = inflows.len();
    let mut flow = vec![0.0f64; m];
    let mut gain = vec![0.0f64; m];
    let mut previous_total = f64::NAN;
    let mut total = f64::NAN;
    let tolerance = 1e-12 * lam0.max(1.0);
    for _ in 0..SWEEPS {
        let mut delta: f64 = 0.0;
        let mut sum = 0.0;
        for k in 0..m {
            let next = inflows[k]
                + incoming[k]
                    .iter()
                    .map(|&(from, p)| flow[from] * p)
                    .sum::<f64>();
            gain[k] = next - flow[k];
            delta = delta.max(gain[k].abs());
            sum += gain[k];
            flow[k] = next;
        }
        if delta < tolerance {
            return flow;
        }
        previous_total = total;
        total = sum;
    }
    let ratio = total / previous_total;
    if ratio.is_nan() || ratio >= 1.0 {
        return vec![f64::INFINITY; m];
    }
    let rest = ratio / (1.0 - ratio);
    flow.iter().zip(&gain).map(|(f, g)| f + g * rest).collect()
}

/// The strongly connected components of the route graph reachable from `root` (Tarjan's
/// algorithm, iterative): each component's stations in the order they were reached, every
/// component listed after the components it routes to.
fn components_from(
    n: usize,
    root: usize,
    out: &dyn Fn(usize) -> Vec<(usize, f64)>,
) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0;
    // The walk: each station with the targets it has still to follow.
    let mut walk: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut enter = |s: usize,
                     walk: &mut Vec<(usize, Vec<usize>)>,
                     stack: &mut Vec<usize>,
                     index: &mut Vec<usize>,
                     low: &mut Vec<usize>,
                     on_stack: &mut Vec<bool>| {
        index[s] = next_index;
        low[s] = next_index;
        next_index += 1;
        stack.push(s);
        on_stack[s] = true;
        let mut targets: Vec<usize> = out(s).into_iter().map(|(t, _)| t).collect();
        targets.reverse();
        walk.push((s, targets));
    };
    enter(
        root,
        &mut walk,
        &mut stack,
        &mut index,
        &mut low,
        &mut on_stack,
    );
    while let Some((s, targets)) = walk.last_mut() {
        let s = *s;
        if let Some(t) = targets.pop() {
            if index[t] == UNSEEN {
                enter(
                    t,
                    &mut walk,
                    &mut stack,
                    &mut index,
                    &mut low,
                    &mut on_stack,
                );
            } else if on_stack[t] {
                low[s] = low[s].min(index[t]);
            }
            continue;
        }
        walk.pop();
        if let Some((parent, _)) = walk.last() {
            low[*parent] = low[*parent].min(low[s]);
        }
        if low[s] == index[s] {
            let mut members = Vec::new();
            while let Some(m) = stack.pop() {
                on_stack[m] = false;
                members.push(m);
                if m == s {
                    break;
                }
            }
            members.reverse();
            components.push(members);
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crossing::Crossing;
    use crate::dist::ServiceDist;
    use crate::population::Population;
    use crate::source::Source;
    use crate::testing::to_station;
    use bordersim_des::SimTime;

    fn service(ms: f64) -> Vec<Option<ServiceDist>> {
        vec![Some(ServiceDist::Deterministic { value_ms: ms })]
    }

    /// Stations `s0`, `s1`, … with these service times and routes.
    fn crossing(
        stations: Vec<(f64, Vec<crate::station::Route>)>,
    ) -> Result<Crossing, Vec<ModelError>> {
        let stations = stations
            .into_iter()
            .enumerate()
            .map(|(i, (ms, routes))| Station::simple(format!("s{i}"), 1, service(ms), routes))
            .collect();
        Crossing::new(
            "test",
            &Population::simple(&["car"]),
            stations,
            vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
        )
    }

    fn zero_time_loops(errors: Vec<ModelError>) -> Vec<String> {
        errors
            .into_iter()
            .map(|e| match e {
                ModelError::ZeroTimeCycle { reason, .. } => reason,
                other => panic!("expected a zero-time loop, got {other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_chain_of_200000_stations_validates_and_carries_its_whole_flow() {
        // Each station routes everyone to the next; the last lets them out. Every station
        // sees the source's 10 vehicles/h (repeating λ ← λ₀ + λP over the whole graph, capped
        // at 100,000 rounds, left the second half of the chain at 0).
        let n = 200_000;
        let chain = (0..n)
            .map(|i| {
                let routes = if i + 1 < n {
                    to_station(i as u32 + 1, 1.0)
                } else {
                    Vec::new()
                };
                (1000.0, routes)
            })
            .collect();
        let crossing = crossing(chain).unwrap();
        let rates = crossing.arrival_rates_per_hour(SimTime::from_hours(1));
        assert_eq!(rates.len(), n);
        assert!(
            rates.iter().all(|r| r == &vec![10.0]),
            "{:?}",
            &rates[n - 3..]
        );
        let loads = crossing.offered_loads(SimTime::from_hours(1));
        assert!(loads.iter().all(|&l| (l - 10.0 / 3600.0).abs() < 1e-15));
    }

    #[test]
    fn flows_through_loops_solve_the_traffic_equations() {
        // s0 → s1; s1 back to s0 with p = 0.5; s2 loops on itself with p = 0.9 after s1's
        // other half: λ0 = 10 + 0.5 λ1, λ1 = λ0 ⇒ 20; λ2 = 0.5 λ1 / (1 − 0.9) = 100.
        let back = |to: u32, p: f64, rest: u32| {
            let mut routes = to_station(to, p);
            routes[1].to = crate::station::Target::Station(StationId(rest));
            routes
        };
        let c = crossing(vec![
            (1000.0, to_station(1, 1.0)),
            (1000.0, back(0, 0.5, 2)),
            (1000.0, to_station(2, 0.9)),
        ])
        .unwrap();
        let rates = c.arrival_rates_per_hour(SimTime::from_hours(1));
        for (got, want) in rates.iter().zip([20.0, 20.0, 100.0]) {
            assert!((got[0] - want).abs() < 1e-9, "{rates:?}");
        }
    }

    #[test]
    fn a_station_that_routes_to_the_exit_only_through_a_long_chain_leads_to_it() {
        let n = 50_000;
        let mut stations: Vec<Station> = (0..n)
            .map(|i| {
                Station::simple(
                    format!("s{i}"),
                    1,
                    service(1.0),
                    to_station(i as u32 + 1, 1.0),
                )
            })
            .collect();
        stations[n - 1].routes = Vec::new();
        let key = VehicleKey {
            class: ClassId(0),
            programme: ProgrammeId(0),
            channel: Channel::Green,
        };
        assert!(stations_leading_to_exit(&stations, key).iter().all(|&b| b));
        // Without the last station's way out (back to the first), nobody leads to it.
        stations[n - 1].routes = to_station(0, 1.0);
        assert!(stations_leading_to_exit(&stations, key).iter().all(|&b| !b));
    }

    #[test]
    fn a_loop_almost_never_left_is_refused_with_its_mean_visits() {
        // 1 ms of service and a self-loop at p = 1 − 1e-16: time passes, but each vehicle
        // would come round about 9e15 times.
        let reason = |errors: Vec<ModelError>| match &errors[0] {
            ModelError::EndlessLoop { reason, .. } => reason.clone(),
            other => panic!("expected an endless loop, got {other:?}"),
        };
        let r = reason(crossing(vec![(1.0, to_station(0, 1.0 - 1e-16))]).unwrap_err());
        assert!(r.contains("visit station `s0` about 9.0e15 times"), "{r}");
        // A million visits on average is the limit, not past it; ordinary loops pass.
        assert!(crossing(vec![(1.0, to_station(0, 1.0 - 1e-6))]).is_ok());
        assert!(crossing(vec![(1.0, to_station(0, 0.9))]).is_ok());
    }

    /// A ring `s0 → s1 → … → s(n−1)`, the last going back to `s0` with probability `back`
    /// and out otherwise; 1 ms of service everywhere.
    fn ring(n: u32, back: f64) -> Result<Crossing, Vec<ModelError>> {
        crossing(
            (0..n)
                .map(|i| {
                    let routes = if i + 1 < n {
                        to_station(i + 1, 1.0)
                    } else {
                        to_station(0, back)
                    };
                    (1.0, routes)
                })
                .collect(),
        )
    }

    fn endless(errors: Vec<ModelError>) -> String {
        match &errors[0] {
            ModelError::EndlessLoop { reason, .. } => reason.clone(),
            other => panic!("expected an endless loop, got {other:?}"),
        }
    }

    #[test]
    fn a_loop_through_several_stations_almost_never_left_is_refused_with_its_mean_visits() {
        // Three stations in a ring left with p = 1e-7 per round: each station is visited
        // 1 / 1e-7 = 1e7 times on average (the sweeps used to stop at 1e5 and pass it).
        let r = endless(ring(3, 1.0 - 1e-7).unwrap_err());
        assert!(r.contains("about 1.0e7 times"), "{r}");
        // Left with p = 1e-5: 1e5 visits, within the limit, and the flows are exact.
        let c = ring(3, 1.0 - 1e-5).unwrap();
        let rates = c.arrival_rates_per_hour(SimTime::from_hours(1));
        for r in &rates {
            assert!((r[0] / 10.0 - 1e5).abs() < 1e-3, "{rates:?}");
        }
        // Past the exact solver's size, the sweeps' rest is extrapolated: a ring of 300
        // left with p = 1e-9 (1e9 visits) is refused too, and one left with p = 0.5 is
        // solved (2 visits each).
        let r = endless(ring(300, 1.0 - 1e-9).unwrap_err());
        assert!(r.contains("about 1.0e9 times"), "{r}");
        let c = ring(300, 0.5).unwrap();
        let rates = c.arrival_rates_per_hour(SimTime::from_hours(1));
        assert!(
            rates.iter().all(|r| (r[0] - 20.0).abs() < 1e-9),
            "{:?}",
            &rates[..3]
        );
    }

    #[test]
    fn exact_and_swept_loop_flows_agree() {
        // A two-way loop: s0 → s1 (0.7) or s2 (0.3); s1 → s0 (0.4) or s2; s2 → s0 (0.2) or
        // out. Solved by elimination and by sweeps, the same flows.
        let incoming = vec![
            vec![(1, 0.4), (2, 0.2)],
            vec![(0, 0.7)],
            vec![(0, 0.3), (1, 0.6)],
        ];
        let inflows = [10.0, 0.0, 0.0];
        let exact = solve_loop(&inflows, &incoming);
        let swept = sweep_loop(&inflows, &incoming, 10.0);
        for (a, b) in exact.iter().zip(&swept) {
            assert!((a - b).abs() < 1e-9, "{exact:?} {swept:?}");
        }
        // x0 = 10 + 0.4 x1 + 0.2 x2, x1 = 0.7 x0, x2 = 0.3 x0 + 0.6 x1 = 0.72 x0
        // ⇒ x0 (1 − 0.28 − 0.144) = 10 ⇒ x0 = 10 / 0.576.
        assert!((exact[0] - 10.0 / 0.576).abs() < 1e-9, "{exact:?}");
        // Never left: infinite.
        let closed = vec![vec![(1, 1.0)], vec![(0, 1.0)]];
        assert!(
            solve_loop(&[1.0, 0.0], &closed)
                .iter()
                .all(|v| v.is_infinite())
        );
        assert!(
            sweep_loop(&[1.0, 0.0], &closed, 1.0)
                .iter()
                .all(|v| v.is_infinite())
        );
    }

    #[test]
    fn a_loop_that_takes_no_time_is_refused_by_name() {
        // A 0 s service with a self-loop at p = 1 − 1e-16 (the clock would stay at the
        // vehicle's arrival for about 1e16 rounds), at 0.5, and a two-station loop.
        for p in [1.0 - 1e-16, 0.5] {
            let errors = crossing(vec![(0.0, to_station(0, p))]).unwrap_err();
            let reasons = zero_time_loops(errors);
            assert_eq!(reasons.len(), 1);
            assert!(
                reasons[0].contains("class `car` can go round `s0` → `s0`"),
                "{}",
                reasons[0]
            );
        }
        let errors = crossing(vec![
            (1000.0, to_station(1, 1.0)),
            (0.4, to_station(2, 1.0)),
            (0.0, to_station(1, 0.5)),
        ])
        .unwrap_err();
        assert!(zero_time_loops(errors)[0].contains("`s1` → `s2` → `s1`"));
        assert!(matches!(
            crossing(vec![(0.0, to_station(0, 0.5))]).unwrap_err()[0],
            ModelError::ZeroTimeCycle {
                station: StationId(0),
                class: ClassId(0),
                ..
            }
        ));
    }

    #[test]
    fn a_loop_with_time_in_it_or_zero_time_without_a_loop_is_accepted() {
        // Half a millisecond rounds up to 1 ms: the clock advances. (A loop left almost never,
        // p = 1 − 1e-16, is refused for its mean visits instead: see the test above.)
        assert!(crossing(vec![(0.5, to_station(0, 0.9))]).is_ok());
        assert!(
            crossing(vec![
                (0.0, to_station(1, 1.0)),
                (1000.0, to_station(0, 0.5))
            ])
            .is_ok()
        );
        assert!(crossing(vec![(0.0, to_station(1, 1.0)), (0.0, Vec::new())]).is_ok());
        // An exponential service of 1 ms on average: the clock advances at most passes.
        let mut st = Station::simple("s0", 1, service(0.0), to_station(0, 0.9));
        st.service = vec![Some(ServiceDist::Exponential { mean_ms: 1.0 })];
        assert!(
            Crossing::new(
                "test",
                &Population::simple(&["car"]),
                vec![st],
                vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
            )
            .is_ok()
        );
    }

    #[test]
    fn a_service_that_almost_always_rounds_to_zero_takes_no_time() {
        // Exponential of mean 0.01 ms: a draw reaches half a millisecond once in e^50.
        let mut st = Station::simple("s0", 1, service(0.0), to_station(0, 1.0 - 1e-16));
        st.service = vec![Some(ServiceDist::Exponential { mean_ms: 0.01 })];
        let errors = Crossing::new(
            "test",
            &Population::simple(&["car"]),
            vec![st],
            vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
        )
        .unwrap_err();
        assert!(zero_time_loops(errors)[0].contains("`s0` → `s0`"));
    }

    #[test]
    fn passing_a_merged_control_takes_no_time() {
        // s1 is merged into s0 and loops to itself: vehicles would pass it forever.
        let mut stations: Vec<Station> = vec![
            Station::simple("s0", 1, service(1000.0), to_station(1, 1.0)),
            Station::simple("s1", 1, service(1000.0), to_station(1, 0.5)),
        ];
        stations[1].merged_into = Some(StationId(0));
        let errors = Crossing::new(
            "test",
            &Population::simple(&["car"]),
            stations,
            vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
        )
        .unwrap_err();
        assert!(zero_time_loops(errors)[0].contains("`s1` → `s1`"));
    }

    #[test]
    fn a_zero_time_loop_only_counts_for_vehicles_that_reach_it() {
        // Class `truck` enters at s0 and leaves; the loop at s1 (no service time for anyone)
        // is never reached by anyone, so there is nothing to refuse.
        let stations = vec![
            Station::simple("s0", 1, service(1000.0), Vec::new()),
            Station::simple("s1", 1, vec![None], to_station(1, 0.5)),
        ];
        assert!(
            Crossing::new(
                "test",
                &Population::simple(&["truck"]),
                stations,
                vec![Source::poisson("a", ClassId(0), 10.0, StationId(0))],
            )
            .is_ok()
        );
    }
}

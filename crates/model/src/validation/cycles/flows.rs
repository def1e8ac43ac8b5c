//! The traffic equations: the mean flow through each station per arriving vehicle, solved
//! component by component of the route graph (exactly for a loop of up to [`DENSE_LOOP`]
//! stations, by sweeps with the rest extrapolated for a larger one).

use crate::ids::StationId;
use crate::population::VehicleKey;
use crate::station::{Station, Target, branches_for};

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
pub(super) const DENSE_LOOP: usize = 256;

/// The flows through the stations of one loop (a strongly connected component): `x = b +
/// A x`, `b` the inflow from outside, `A[k][from]` the probability of the route `from → k`
/// (`incoming[k]`), solved exactly by Gaussian elimination with partial pivoting. A loop
/// left so rarely that the system is singular to working precision (or whose solution
/// comes out negative or not finite for that reason) has infinite flows.
pub(super) fn solve_loop(inflows: &[f64], incoming: &[Vec<(usize, f64)>]) -> Vec<f64> {
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
pub(super) fn sweep_loop(inflows: &[f64], incoming: &[Vec<(usize, f64)>], lam0: f64) -> Vec<f64> {
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

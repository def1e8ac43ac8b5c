//! The search: greedy marginal allocation, then pairwise exchange; and exhaustive
//! enumeration for small problems.
//!
//! Greedy marginal allocation (Fox 1966, "Discrete optimization via marginal analysis",
//! *Management Science* 13(3)) starts from the smallest staffing that keeps the minimum
//! lanes and adds, one at a time, the shift whose objective reduction per lane-hour is the
//! largest, while one fits the budget and the maximum lanes and one still reduces the
//! objective. It is exact for separable convex objectives; delays at consecutive hours are
//! not separable (a queue carries over), so a pairwise-exchange local search follows: move
//! one shift from one start hour to another (lane-hours unchanged), keep the move when the
//! objective falls, until no single move improves it (a local optimum of the exchange
//! neighbourhood) or the evaluation cap is reached.
//!
//! Every candidate is evaluated by the caller (by simulation on common random numbers in
//! [`crate::optimise_staffing`]); the search itself is deterministic: candidates are tried
//! in a fixed order and ties keep the first found.

use crate::shifts::{Block, CoverError};

/// A staffing: for each block, the number of shifts starting at each of its allowed starts.
pub type Candidate = Vec<Vec<u32>>;

/// What the search did.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchOutcome {
    /// The best staffing found.
    pub best: Candidate,
    /// Its objective value, in the objective's unit.
    pub value: f64,
    /// The starting point (the smallest cover of the minimum lanes) and its value.
    pub start: (Candidate, f64),
    /// Shifts added by the greedy phase.
    pub greedy_steps: u32,
    /// Exchanges kept by the local search.
    pub exchanges: u32,
    /// Candidates evaluated (each distinct staffing once).
    pub evaluations: u32,
    /// The search stopped at the evaluation cap, not at a local optimum.
    pub stopped_at_cap: bool,
}

/// Why the search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError<E> {
    /// A block's rules admit no staffing (see [`Block::minimum_cover`]): block index and why.
    #[error("block {0}: {1}")]
    Infeasible(usize, CoverError),
    /// The evaluation of a candidate failed.
    #[error(transparent)]
    Evaluation(E),
}

/// The improvement a move must make to be kept: a relative 1e-9, so that rounding in a
/// mean of identical replications never counts as a gain.
fn improves(new: f64, old: f64) -> bool {
    if old.is_infinite() {
        // Any staffing that can be run improves on one that cannot (∞ − ∞ would be NaN).
        return new < old;
    }
    new < old - 1e-9 * old.abs().max(1e-12)
}

/// Counts the evaluations and stops at the cap.
struct Budgeted<'f, F> {
    eval: &'f mut F,
    done: u32,
    cap: u32,
}

impl<F, E> Budgeted<'_, F>
where
    F: FnMut(&Candidate) -> Result<f64, E>,
{
    fn eval(&mut self, c: &Candidate) -> Result<Option<f64>, E> {
        if self.done >= self.cap {
            return Ok(None);
        }
        self.done += 1;
        (self.eval)(c).map(Some)
    }
}

/// Greedy marginal allocation followed by pairwise exchange over `blocks`, evaluating
/// candidates with `eval` (lower is better; a candidate that cannot be run should evaluate
/// to `f64::INFINITY`), at most `max_evaluations` times (the starting point included).
/// `eval` is called once per distinct candidate tried; callers wanting a cache keep it.
///
/// # Errors
///
/// [`SearchError::Infeasible`] when a block admits no staffing, before any evaluation;
/// [`SearchError::Evaluation`] when `eval` fails.
pub fn greedy_then_exchange<F, E>(
    blocks: &[Block],
    max_evaluations: u32,
    mut eval: F,
) -> Result<SearchOutcome, SearchError<E>>
where
    F: FnMut(&Candidate) -> Result<f64, E>,
{
    let mut x: Candidate = Vec::with_capacity(blocks.len());
    for (b, block) in blocks.iter().enumerate() {
        x.push(
            block
                .minimum_cover()
                .map_err(|e| SearchError::Infeasible(b, e))?,
        );
    }
    let mut runner = Budgeted {
        eval: &mut eval,
        done: 0,
        cap: max_evaluations.max(1),
    };
    let mut f = runner
        .eval(&x)
        .map_err(SearchError::Evaluation)?
        .unwrap_or(f64::INFINITY);
    let start = (x.clone(), f);
    let mut greedy_steps = 0;
    let mut capped = false;
    // Greedy: the addition with the largest reduction per lane-hour.
    'greedy: loop {
        // While the staffing is unstable (infinitely bad), spread lanes, the feasible shift
        // over the hours with the fewest lanes first, one simulation per shift, until a
        // staffing that can be run appears: comparing every addition there would spend the
        // evaluations on staffings that all fail (from no lanes, most of the search).
        if f.is_infinite() {
            let Some((b, i)) = spread(blocks, &x) else {
                break;
            };
            let mut y = x.clone();
            y[b][i] += 1;
            let Some(fy) = runner.eval(&y).map_err(SearchError::Evaluation)? else {
                capped = true;
                break 'greedy;
            };
            x = y;
            f = fy;
            greedy_steps += 1;
            continue;
        }
        let mut best: Option<(f64, usize, usize, f64)> = None;
        for (b, block) in blocks.iter().enumerate() {
            for i in 0..block.starts.len() {
                let mut y = x.clone();
                y[b][i] += 1;
                if !block.feasible(&y[b]) {
                    continue;
                }
                let Some(fy) = runner.eval(&y).map_err(SearchError::Evaluation)? else {
                    capped = true;
                    break 'greedy;
                };
                let gain = (f - fy) / block.shift_hours as f64;
                if improves(fy, f) && best.is_none_or(|(g, ..)| gain > g) {
                    best = Some((gain, b, i, fy));
                }
            }
        }
        let Some((_, b, i, fy)) = best else {
            break;
        };
        x[b][i] += 1;
        f = fy;
        greedy_steps += 1;
    }
    // Pairwise exchange: one shift moved from start i to start j, first improvement kept.
    let mut exchanges = 0;
    if !capped {
        'exchange: loop {
            let mut moved = false;
            for (b, block) in blocks.iter().enumerate() {
                for i in 0..block.starts.len() {
                    for j in 0..block.starts.len() {
                        if i == j || x[b][i] == 0 {
                            continue;
                        }
                        let mut y = x.clone();
                        y[b][i] -= 1;
                        y[b][j] += 1;
                        if !block.feasible(&y[b]) {
                            continue;
                        }
                        let Some(fy) = runner.eval(&y).map_err(SearchError::Evaluation)? else {
                            capped = true;
                            break 'exchange;
                        };
                        if improves(fy, f) {
                            x = y;
                            f = fy;
                            exchanges += 1;
                            moved = true;
                        }
                    }
                }
            }
            if !moved {
                break;
            }
        }
    }
    Ok(SearchOutcome {
        best: x,
        value: f,
        start,
        greedy_steps,
        exchanges,
        evaluations: runner.done,
        stopped_at_cap: capped,
    })
}

/// The feasible one-shift addition to `x` whose hours have the fewest lanes (the largest
/// sum of 1 / (lanes + 1) over the hours it covers), the first on a tie; `None` when none
/// fits.
fn spread(blocks: &[Block], x: &Candidate) -> Option<(usize, usize)> {
    let mut best: Option<(f64, usize, usize)> = None;
    for (b, block) in blocks.iter().enumerate() {
        let lanes = block.lanes(&x[b]);
        for (i, &start) in block.starts.iter().enumerate() {
            let mut y = x[b].clone();
            y[i] += 1;
            if !block.feasible(&y) {
                continue;
            }
            let score: f64 = (0..block.shift_hours)
                .map(|k| 1.0 / f64::from(lanes[(start + k) % crate::shifts::HOURS] + 1))
                .sum();
            if best.is_none_or(|(s, ..)| score > s) {
                best = Some((score, b, i));
            }
        }
    }
    best.map(|(_, b, i)| (b, i))
}

/// Every feasible staffing of `blocks`, in lexicographic order of the shift counts; `None`
/// when there are more than `limit`. For checking the search on small problems: a depth-first
/// enumeration, start by start, that abandons a branch once an hour no later start covers is
/// short of its minimum, or the lane-hours used plus the shortfall left exceed the budget.
pub fn all_candidates(blocks: &[Block], limit: usize) -> Option<Vec<Candidate>> {
    let mut per_block: Vec<Vec<Vec<u32>>> = Vec::with_capacity(blocks.len());
    for block in blocks {
        let mut found = Vec::new();
        let mut counts = vec![0u32; block.starts.len()];
        if !enumerate(block, 0, &mut counts, &mut found, limit) {
            return None;
        }
        per_block.push(found);
    }
    let mut all: Vec<Candidate> = vec![Vec::new()];
    for options in per_block {
        let mut next = Vec::new();
        for prefix in &all {
            for o in &options {
                let mut c = prefix.clone();
                c.push(o.clone());
                next.push(c);
                if next.len() > limit {
                    return None;
                }
            }
        }
        all = next;
    }
    Some(all)
}

/// Fills `counts[i..]` in every feasible way, pushing each staffing onto `found`; false when
/// more than `limit` were found.
fn enumerate(
    block: &Block,
    i: usize,
    counts: &mut Vec<u32>,
    found: &mut Vec<Vec<u32>>,
    limit: usize,
) -> bool {
    let lanes = block.lanes(counts);
    let used = block.lane_hours(counts);
    // Each lane-hour still to come covers at most one lane short of a minimum.
    let short: u32 = (0..crate::shifts::HOURS)
        .map(|h| block.min_lanes[h].saturating_sub(lanes[h]))
        .sum();
    if used + short > block.budget_lane_hours {
        return true;
    }
    // Hours no start from `i` on covers are final.
    let open = |h: usize| block.starts[i..].iter().any(|&s| block.covers(s, h));
    if (0..crate::shifts::HOURS)
        .any(|h| (lanes[h] > block.max_lanes[h]) || (!open(h) && lanes[h] < block.min_lanes[h]))
    {
        return true;
    }
    if i == block.starts.len() {
        if block.feasible(counts) {
            found.push(counts.clone());
        }
        return found.len() <= limit;
    }
    let most = (block.budget_lane_hours - used) / block.shift_hours as u32;
    for n in 0..=most {
        counts[i] = n;
        if !enumerate(block, i + 1, counts, found, limit) {
            counts[i] = 0;
            return false;
        }
    }
    counts[i] = 0;
    true
}

//! The flow a loss system passes on. A station whose storage is limited and whose overflow
//! balks loses part of its arrivals; the stations after it see only the carried flow,
//! λ(1 − P(loss)), not the offered one. Their loads are computed from it, with the loss
//! probability from queueing theory (Erlang B or M/M/c/K).

use bordersim_des::SimTime;
use bordersim_model::{Crossing, LaneSchedule, Route, Station, StorageLimit, Target, WhenFull};

/// How the loss probability of a station was computed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Formula {
    /// Storage 0: M/G/c/c, exact for Poisson arrivals whatever the service distribution.
    ErlangB,
    /// Storage K − c > 0: M/M/c/K, exact for Poisson arrivals and exponential service.
    MmcK,
}

impl Formula {
    /// How a message names it.
    pub(super) fn describe(self) -> &'static str {
        match self {
            Formula::ErlangB => {
                "Erlang B, exact for Poisson arrivals whatever the service distribution"
            }
            Formula::MmcK => "M/M/c/K, exact for Poisson arrivals and exponential service",
        }
    }
}

/// A station that loses part of its arrivals.
#[derive(Clone, Debug)]
pub(super) struct Loss {
    /// Its index.
    pub(super) station: usize,
    /// The share of its arrivals lost (balked), in [0, 1].
    pub(super) probability: f64,
    /// How `probability` was computed.
    pub(super) formula: Formula,
}

/// The probability that an arrival finds all `servers` busy and the `storage` places full
/// in an M/M/c/K queue (K = servers + storage) offered `erlangs` of work; with no storage,
/// Erlang B. Computed as 1 − [`kept_share`] (the warnings use the share kept itself).
#[cfg(test)]
fn loss_probability(erlangs: f64, servers: u64, storage: u64) -> f64 {
    1.0 - kept_share(erlangs, servers, storage)
}

/// The share of its arrivals a loss system keeps (serves), 1 − P(loss), computed without
/// cancellation so that the carried traffic `erlangs × kept_share` tends to the servers as
/// the offered load grows (at 1e306 erlangs on 2 servers, 2 erlangs carried, where
/// `1 − P(loss)` rounds to 0). By the stable recursion q(n) = q(n−1)·f / (1 + q(n−1)·f),
/// f = erlangs / min(n, c), q(0) = 1, where q(n) is the probability of the last state of
/// the system truncated at n places; its complement is taken as 1 / (1 + q(n−1)·f), never
/// as 1 − q(n).
pub(super) fn kept_share(erlangs: f64, servers: u64, storage: u64) -> f64 {
    if erlangs.is_nan() || erlangs <= 0.0 {
        return 1.0;
    }
    if servers == 0 || erlangs.is_infinite() {
        return 0.0;
    }
    // Past this many places the recursion has long settled (to 0 below a load of 1, to
    // 1 − 1/ρ above it).
    const MOST_PLACES: u64 = 10_000_000;
    let places = servers.saturating_add(storage).min(MOST_PLACES);
    let mut q = 1.0;
    let mut kept = 0.0;
    for n in 1..=places {
        let f = erlangs / n.min(servers) as f64;
        let next_kept = 1.0 / (1.0 + q * f);
        let next = q * f * next_kept;
        // Past the servers the factor is constant: once q stops moving it never will.
        if n > servers && (next == q || next == 0.0) {
            return next_kept;
        }
        q = next;
        kept = next_kept;
    }
    kept
}

/// The traffic a loss system carries, in erlangs (the mean busy servers): `erlangs ×`
/// [`kept_share`], at most the servers.
#[cfg(test)]
fn carried_erlangs(erlangs: f64, servers: u64, storage: u64) -> f64 {
    if erlangs.is_infinite() {
        return servers as f64;
    }
    (erlangs * kept_share(erlangs, servers, storage)).min(servers as f64)
}

/// The servers of a station whose lanes never change (every group a constant count, no
/// lane rule) and which has one storage: `None` otherwise, where the loss is not computed.
fn constant_servers(st: &Station) -> Option<u64> {
    if st.group_storage.iter().any(Option::is_some) {
        return None;
    }
    st.lanes
        .iter()
        .map(|g| match (&g.rule, &g.schedule) {
            (None, LaneSchedule::Constant(n)) => Some(u64::from(*n)),
            _ => None,
        })
        .sum()
}

/// The places of a station's storage that loses what does not fit; `None` if it loses
/// nothing (unlimited, or full vehicles wait) or its storage is in metres.
fn lossy_storage(st: &Station) -> Option<u64> {
    if st.storage.when_full != WhenFull::Balk || st.merged_into.is_some() {
        return None;
    }
    match st.storage.limit {
        StorageLimit::Vehicles(n) => Some(u64::from(n)),
        StorageLimit::Unlimited | StorageLimit::Metres(_) => None,
    }
}

/// `crossing` with the flow each loss system passes on reduced to the carried flow: each
/// route out of a station that loses a share P of its arrivals keeps (1 − P) of its
/// probability, the rest leaving (the balked vehicles). The losses depend on the flows
/// into each loss system, which depend on the losses upstream: solved by repeating until
/// they settle. `None` when no station loses anything (or the flows cannot be recomputed).
pub(super) fn carried(crossing: &Crossing, horizon: SimTime) -> Option<(Crossing, Vec<Loss>)> {
    let lossy: Vec<(usize, u64, u64)> = crossing
        .stations()
        .iter()
        .enumerate()
        .filter_map(|(i, st)| Some((i, constant_servers(st)?, lossy_storage(st)?)))
        .collect();
    if lossy.is_empty() {
        return None;
    }
    // The share of its arrivals each loss system keeps (serves) and passes on.
    let mut kept = vec![1.0; lossy.len()];
    let mut current = crossing.clone();
    // Each round settles the losses one more loss system deep; loops settle geometrically.
    for _ in 0..64 {
        let loads = current.offered_loads(horizon);
        let next: Vec<f64> = lossy
            .iter()
            .map(|&(s, servers, storage)| {
                let erlangs = loads[s] * current.stations()[s].mean_servers();
                kept_share(erlangs, servers, storage)
            })
            .collect();
        // Relative change: a share kept of 1e-306 is as settled as one of 0.5.
        let settled = next
            .iter()
            .zip(&kept)
            .all(|(a, b)| (a - b).abs() <= 1e-12 * a.max(*b));
        kept = next;
        if settled {
            break;
        }
        let mut stations = crossing.stations().to_vec();
        for (&(s, _, _), &k) in lossy.iter().zip(&kept) {
            stations[s].routes = thinned(&stations[s].routes, k);
        }
        current = Crossing::new(
            crossing.name.clone(),
            crossing.population(),
            stations,
            crossing.sources().to_vec(),
        )
        .ok()?;
    }
    let probabilities: Vec<f64> = kept.iter().map(|k| 1.0 - k).collect();
    let losses = lossy
        .iter()
        .zip(&probabilities)
        .filter(|(_, p)| **p > 0.0)
        .map(|(&(station, _, storage), &probability)| Loss {
            station,
            probability,
            formula: if storage == 0 {
                Formula::ErlangB
            } else {
                Formula::MmcK
            },
        })
        .collect();
    Some((current, losses))
}

/// `routes` with each branch to a station keeping `kept` of its probability and the rest
/// going to the exit, under the same filter (so every filter's branches still sum to 1).
fn thinned(routes: &[Route], kept: f64) -> Vec<Route> {
    let mut out = Vec::with_capacity(2 * routes.len());
    for r in routes {
        match r.to {
            Target::Station(_) if kept < 1.0 => {
                out.push(Route {
                    probability: r.probability * kept,
                    ..r.clone()
                });
                out.push(Route {
                    to: Target::Exit,
                    probability: r.probability * (1.0 - kept),
                    ..r.clone()
                });
            }
            _ => out.push(r.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{carried_erlangs, loss_probability};

    /// Erlang B's carried traffic a·(1 − B(c, a)) from its closed form, B = (aᶜ/c!) /
    /// Σₖ₌₀ᶜ aᵏ/k!, each term divided by aᶜ/c! so that it stays finite for any a:
    /// 1 − B = S / (S + 1), S = Σₖ₌₀^{c−1} c!/(k!·a^{c−k}).
    fn erlang_b_carried(a: f64, c: u32) -> f64 {
        let mut s = 0.0;
        let mut term = 1.0; // c!/(k! a^(c−k)) for k = c: 1
        for k in (0..c).rev() {
            term *= f64::from(k + 1) / a;
            s += term;
        }
        a * s / (s + 1.0)
    }

    #[test]
    fn carried_traffic_tends_to_the_servers_as_the_offered_load_grows() {
        // (servers, offered erlangs): the carried traffic against the closed form, to 1e-12
        // of it, and never above the servers.
        for c in [1u32, 2, 5, 30] {
            for a in [
                1e-9, 0.5, 1.0, 3.0, 10.0, 100.0, 1e6, 1e12, 1e100, 1e300, 1e306, 1.7e308,
            ] {
                let got = carried_erlangs(a, u64::from(c), 0);
                let want = erlang_b_carried(a, c);
                assert!(
                    (got - want).abs() <= 1e-12 * want,
                    "c = {c}, a = {a}: {got} against {want}"
                );
                assert!(got <= f64::from(c), "c = {c}, a = {a}: {got}");
            }
            // Past the largest float: every server busy.
            assert_eq!(
                carried_erlangs(f64::INFINITY, u64::from(c), 0),
                f64::from(c)
            );
        }
        // Exact values: c = 2, a = 3: 3·(1 − 9/17) = 24/17; c = 1, a = 1e306: 1e306/(1 +
        // 1e306) rounds to 1.
        assert!((carried_erlangs(3.0, 2, 0) - 24.0 / 17.0).abs() < 1e-14);
        assert_eq!(carried_erlangs(1e306, 1, 0), 1.0);
        // M/M/1/3 at a = 1e300: all but 1e-300 of the time busy.
        assert!((carried_erlangs(1e300, 1, 2) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn loss_probabilities_are_the_textbook_values() {
        // Erlang B: B(2, 3) = (9/2) / (1 + 3 + 9/2) = 9/17.
        assert!((loss_probability(3.0, 2, 0) - 9.0 / 17.0).abs() < 1e-15);
        // B(1, a) = a / (1 + a).
        assert!((loss_probability(0.5, 1, 0) - 1.0 / 3.0).abs() < 1e-15);
        // M/M/1/3 at a = 2: states ∝ 1, 2, 4, 8: P(3) = 8/15.
        assert!((loss_probability(2.0, 1, 2) - 8.0 / 15.0).abs() < 1e-15);
        // M/M/2/4 at a = 2: ∝ 1, 2, 2, 2, 2: P(4) = 2/9.
        assert!((loss_probability(2.0, 2, 2) - 2.0 / 9.0).abs() < 1e-15);
        assert_eq!(loss_probability(0.0, 3, 5), 0.0);
        assert_eq!(loss_probability(1.0, 0, 5), 1.0);
        // An enormous storage below a load of 1 loses nothing; above it, 1 − 1/ρ.
        assert!(loss_probability(0.5, 1, u64::MAX) < 1e-300);
        assert!((loss_probability(2.0, 1, u64::MAX) - 0.5).abs() < 1e-12);
    }
}

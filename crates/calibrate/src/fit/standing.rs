//! Demand and capacity inferred from a standing queue.
//!
//! Where a queue stands all day, the vehicles processed in an hour are the lanes' capacity,
//! not the demand: the demand is what keeps the queue at its observed length. A fluid
//! (deterministic) queue gives it hour by hour:
//!
//! - capacity per lane in an hour whose queue stands (smoothed wait ≥ [`STANDING_MIN`]) is
//!   the observed volume over the open lanes; in other hours, the mean per-lane rate of the
//!   standing hours (the queue there is too short to say more);
//! - the wait `W(t)` is smoothed over hour bands: one level per band (the weighted mean of
//!   the band's observed waits), placed at the band's middle and joined linearly around the
//!   clock, so the fit has one wait level per band, not one per hour;
//! - the queue met by a vehicle arriving at `t` is what the lanes start serving before
//!   `t + W(t)`: `Q(t) = C(t + W(t)) − C(t)`, with `C` the cumulative capacity;
//! - the demand of hour `h` is what it processes plus the queue's growth:
//!   `a_h = v_h + Q(h + 1) − Q(h)` (at least 0), so that a day's demand is its observed
//!   volume and the queue is periodic;
//! - the queue at 00:00 is `Q(0)` plus the vehicles in service then (one per open lane),
//!   the initial standing queue of the run.
//!
//! SANDAG starts its San Ysidro model with such a queue (general 350, Ready 600 vehicles);
//! see `docs/calibration.md`.

/// The smoothed wait (minutes) from which an hour's queue is taken to stand all hour.
pub const STANDING_MIN: f64 = 5.0;

/// What a standing queue implies for one lane group, hour by hour (hour of day 0–23).
#[derive(Clone, Debug, PartialEq)]
pub struct Inferred {
    /// Vehicles per lane per hour: the mean over the hours whose queue stands.
    pub rate_per_lane_h: f64,
    /// Factor on the service time by hour (1 at the mean rate): `rate_per_lane_h` over the
    /// hour's own per-lane rate.
    pub service_factor_by_hour: [f64; 24],
    /// Demand, vehicles per hour.
    pub demand_per_h: [f64; 24],
    /// Vehicles in the group at 00:00 (waiting and in service).
    pub initial_queue: f64,
    /// The smoothed wait at the middle of each hour, minutes.
    pub wait_min: [f64; 24],
}

/// The smoothed wait `W(t)` (minutes) at `t` hours, `t` in [0, 24): periodic linear
/// interpolation between `knots` (`(hour, minutes)`, sorted by hour, at least one).
fn smoothed(knots: &[(f64, f64)], t: f64) -> f64 {
    let n = knots.len();
    if n == 1 {
        return knots[0].1;
    }
    // The knots before and after t, around the clock.
    let after = knots.iter().position(|&(k, _)| k > t);
    let (a, b) = match after {
        Some(0) | None => {
            let (last, first) = (knots[n - 1], knots[0]);
            let (ka, kb) = (last.0, first.0 + 24.0);
            let tt = if t < first.0 { t + 24.0 } else { t };
            return last.1 + (first.1 - last.1) * (tt - ka) / (kb - ka);
        }
        Some(i) => (knots[i - 1], knots[i]),
    };
    a.1 + (b.1 - a.1) * (t - a.0) / (b.0 - a.0)
}

/// The band levels: for each band (hours from one start to the next, around the clock),
/// its middle and the weighted mean of its observed waits.
///
/// # Errors
///
/// A message when a band has no observed wait.
fn knots(starts: &[u8], waits: &[(u8, f64, f64)]) -> Result<Vec<(f64, f64)>, String> {
    let mut knots = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        let next = starts.get(i + 1).map_or(starts[0] + 24, |&n| n);
        let len = next - s;
        let in_band = |h: u8| (0..len).any(|k| (s + k) % 24 == h);
        let (sum, weight) = waits
            .iter()
            .filter(|(h, _, _)| in_band(*h))
            .fold((0.0, 0.0), |(s, w), &(_, wait, wt)| (s + wait * wt, w + wt));
        if weight <= 0.0 {
            return Err(format!(
                "the hour band {s}–{} has no observed wait",
                (next - 1) % 24
            ));
        }
        let middle = (f64::from(s) + f64::from(len) / 2.0) % 24.0;
        knots.push((middle, sum / weight));
    }
    knots.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(knots)
}

/// Infers capacity and demand from a standing queue: `volume` (vehicles processed) and
/// `lanes` (open) for every hour 0–23, `waits` the observed mean waits `(hour, minutes,
/// weight)` (hours left out are predicted from their band), `band_starts` the first hours of
/// the bands (strictly increasing, within 0–23).
///
/// # Errors
///
/// A message when a band has no observed wait, or no hour has both lanes and volume.
pub fn infer(
    volume: &[f64; 24],
    lanes: &[f64; 24],
    waits: &[(u8, f64, f64)],
    band_starts: &[u8],
) -> Result<Inferred, String> {
    let knots = knots(band_starts, waits)?;
    let wait_at = |t: f64| smoothed(&knots, t.rem_euclid(24.0));
    let wait_min: [f64; 24] = std::array::from_fn(|h| wait_at(h as f64 + 0.5));
    let working = |h: usize| lanes[h] > 0.0 && volume[h] > 0.0;
    let standing: Vec<usize> = (0..24)
        .filter(|&h| working(h) && wait_min[h] >= STANDING_MIN)
        .collect();
    let hours: Vec<usize> = if standing.is_empty() {
        (0..24).filter(|&h| working(h)).collect()
    } else {
        standing.clone()
    };
    if hours.is_empty() {
        return Err("no hour has both open lanes and a volume".into());
    }
    let rate = hours.iter().map(|&h| volume[h]).sum::<f64>()
        / hours.iter().map(|&h| lanes[h]).sum::<f64>();
    let per_lane: [f64; 24] = std::array::from_fn(|h| {
        if standing.contains(&h) {
            volume[h] / lanes[h]
        } else {
            rate
        }
    });
    let capacity: [f64; 24] = std::array::from_fn(|h| lanes[h] * per_lane[h]);
    // Cumulative capacity at t hours, t ≥ 0, the day repeating.
    let day: f64 = capacity.iter().sum();
    let cumulative = |t: f64| {
        let days = (t / 24.0).floor();
        let r = t - days * 24.0;
        let whole = r.floor() as usize;
        let part: f64 = capacity[..whole].iter().sum();
        days * day + part + capacity.get(whole).map_or(0.0, |c| c * (r - r.floor()))
    };
    let queue = |h: f64| cumulative(h + wait_at(h) / 60.0) - cumulative(h);
    let demand_per_h: [f64; 24] =
        std::array::from_fn(|h| (volume[h] + queue(h as f64 + 1.0) - queue(h as f64)).max(0.0));
    Ok(Inferred {
        rate_per_lane_h: rate,
        service_factor_by_hour: std::array::from_fn(|h| rate / per_lane[h]),
        demand_per_h,
        initial_queue: queue(0.0) + lanes[0],
        wait_min,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_flat_wait_at_constant_capacity_needs_the_volume_as_demand() {
        // 10 lanes × 60/h = 600/h all day, a 30 min wait everywhere: the queue is 300
        // vehicles all day, so the demand is the volume and 310 are there at 00:00.
        let volume = [600.0; 24];
        let lanes = [10.0; 24];
        let waits: Vec<(u8, f64, f64)> = (0..24).map(|h| (h, 30.0, 1.0)).collect();
        let r = infer(&volume, &lanes, &waits, &[0, 12]).expect("bands observed");
        assert!(close(r.rate_per_lane_h, 60.0));
        assert!(r.service_factor_by_hour.iter().all(|&f| close(f, 1.0)));
        assert!(r.demand_per_h.iter().all(|&a| close(a, 600.0)));
        assert!(close(r.initial_queue, 310.0));
    }

    #[test]
    fn a_growing_wait_adds_the_queue_growth_to_the_demand() {
        // One lane at 60/h. Two bands: 0–11 at 30 min (middle 06:00), 12–23 at 90 min
        // (middle 18:00): W rises by 60 min over 12 h, 5 min an hour, from 06:00 to 18:00,
        // and falls back from 18:00 to 06:00. Q(t) = 60/h × W(t): the queue grows by 5 an
        // hour between 06:00 and 18:00 and shrinks by 5 otherwise.
        let volume = [60.0; 24];
        let lanes = [1.0; 24];
        let mut waits: Vec<(u8, f64, f64)> = (0..12).map(|h| (h, 30.0, 1.0)).collect();
        waits.extend((12..24).map(|h| (h, 90.0, 1.0)));
        let r = infer(&volume, &lanes, &waits, &[0, 12]).expect("bands observed");
        for h in 0..24 {
            let expected = if (6..18).contains(&h) { 65.0 } else { 55.0 };
            assert!(
                close(r.demand_per_h[h], expected),
                "hour {h}: {}",
                r.demand_per_h[h]
            );
        }
        // W(0) = 30 + 60 × 6/12 = 60 min: 60 waiting plus 1 in service.
        assert!(close(r.initial_queue, 61.0));
        assert!(close(r.wait_min[6], 32.5));
        // A day's demand is a day's volume.
        assert!(close(r.demand_per_h.iter().sum::<f64>(), 1440.0));
    }

    #[test]
    fn capacity_per_lane_follows_the_volume_only_where_the_queue_stands() {
        // Hours 0–5: 2 lanes, 60 vehicles, 1 min wait (no standing queue): capacity at the
        // standing hours' rate. Hours 6–23: 4 lanes, 400 vehicles, 20 min.
        let mut volume = [400.0; 24];
        let mut lanes = [4.0; 24];
        let mut waits: Vec<(u8, f64, f64)> = (6..24).map(|h| (h, 20.0, 1.0)).collect();
        for h in 0..6 {
            volume[h] = 60.0;
            lanes[h] = 2.0;
            waits.push((h as u8, 1.0, 1.0));
        }
        let r = infer(&volume, &lanes, &waits, &[0, 6]).expect("bands observed");
        assert!(close(r.rate_per_lane_h, 100.0));
        assert!(r.service_factor_by_hour.iter().all(|&f| close(f, 1.0)));
        // A band without an observed wait is named.
        let e = infer(&volume, &lanes, &waits[..3], &[0, 6]).expect_err("band 0–5 empty");
        assert_eq!(e, "the hour band 0–5 has no observed wait");
    }

    #[test]
    fn the_smoothed_wait_wraps_around_midnight() {
        let knots = [(6.0, 10.0), (18.0, 34.0)];
        assert!(close(smoothed(&knots, 12.0), 22.0));
        assert!(close(smoothed(&knots, 0.0), 22.0));
        assert!(close(smoothed(&knots, 21.0), 28.0));
        assert!(close(smoothed(&knots, 3.0), 16.0));
    }
}

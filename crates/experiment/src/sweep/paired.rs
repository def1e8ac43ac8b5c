//! Paired differences between the points of a sweep on common random numbers.
//!
//! Every point of a sweep runs replication `r` from the same seed, so replication `r` of a
//! point and of the baseline point see the same arrivals: their difference has far less
//! spread than the difference of two independent runs. The report's aggregates do not keep
//! which value came from which replication for every metric, so each replication's headline
//! measures (those `bordersim compare` differences, see [`crate::headline_measures`]) are
//! kept beside the summary, in replication order: [`Measures`], which merge exactly (by
//! concatenation), however the replications were split into units.

use bordersim_stats::MeanCi;
use serde::{Deserialize, Serialize};

use super::MergeError;

/// The headline measures of the consecutive replications `first..first + values.len()` of
/// one scenario. A value is kept as its IEEE 754 bits (`null`: not measured in that
/// replication), so a file read back holds the values written, bit for bit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measures {
    first: u64,
    /// `(metric, entity)` of each value, the same in every replication.
    keys: Vec<(String, String)>,
    /// One row per replication, one value per key.
    values: Vec<Vec<Option<u64>>>,
}

impl Measures {
    /// The measures of the consecutive replications from `first`: `replications[i]` is
    /// replication `first + i`'s [`crate::headline_measures`].
    ///
    /// # Errors
    ///
    /// [`MergeError::Shape`] when the replications list different measures.
    pub fn new(first: u64, replications: &[Vec<crate::Measure>]) -> Result<Measures, MergeError> {
        let keys: Vec<(String, String)> = replications
            .first()
            .map(|list| {
                list.iter()
                    .map(|m| (m.metric.to_owned(), m.entity.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let mut values = Vec::with_capacity(replications.len());
        for list in replications {
            let same = list.len() == keys.len()
                && list
                    .iter()
                    .zip(&keys)
                    .all(|(m, k)| m.metric == k.0 && m.entity == k.1);
            if !same {
                return Err(MergeError::Shape(
                    "the replications' headline measures differ".into(),
                ));
            }
            values.push(list.iter().map(|m| m.value.map(f64::to_bits)).collect());
        }
        Ok(Measures {
            first,
            keys,
            values,
        })
    }

    /// The first replication.
    pub fn first_replication(&self) -> u64 {
        self.first
    }

    /// The number of replications.
    pub fn replications(&self) -> u64 {
        self.values.len() as u64
    }

    /// Appends `later`'s replications, which must follow these.
    ///
    /// # Errors
    ///
    /// [`MergeError::NotConsecutive`] when `later` does not start where these end;
    /// [`MergeError::Shape`] when it lists other measures (another scenario).
    pub fn merge(&mut self, later: Measures) -> Result<(), MergeError> {
        let end = self.first + self.replications();
        if later.first != end {
            return Err(MergeError::NotConsecutive {
                end,
                start: later.first,
            });
        }
        if later.keys != self.keys || later.values.iter().any(|r| r.len() != self.keys.len()) {
            return Err(MergeError::Shape(
                "the replications' headline measures differ".into(),
            ));
        }
        self.values.extend(later.values);
        Ok(())
    }

    /// Checks that every replication has one value per measure.
    ///
    /// # Errors
    ///
    /// [`MergeError::Shape`] naming the first replication that does not.
    pub fn check(&self) -> Result<(), MergeError> {
        match self.values.iter().position(|r| r.len() != self.keys.len()) {
            None => Ok(()),
            Some(r) => Err(MergeError::Shape(format!(
                "replication {} has {} headline measures, not {}",
                self.first + r as u64,
                self.values[r].len(),
                self.keys.len()
            ))),
        }
    }

    /// Value `k` of each replication.
    fn column(&self, k: usize) -> impl Iterator<Item = Option<f64>> + '_ {
        self.values
            .iter()
            .map(move |r| r.get(k).copied().flatten().map(f64::from_bits))
    }

    /// The paired differences of these measures (a point's) from `baseline`'s (the
    /// baseline point's, of the same replications), one per measure of this point, in its
    /// order. A measure the baseline lacks (an entity the point's scenario added) has no
    /// difference; replications in which either side has no value are left out of the pair.
    pub fn differences(&self, baseline: &Measures) -> Vec<PairedDifference> {
        let mut out = Vec::with_capacity(self.keys.len());
        for (k, (metric, entity)) in self.keys.iter().enumerate() {
            let mean = |v: &[f64]| MeanCi::from_samples(v).map(|m| m.mean);
            let own: Vec<f64> = self.column(k).flatten().collect();
            let b = baseline
                .keys
                .iter()
                .position(|key| key.0 == *metric && key.1 == *entity);
            let (base_mean, pairs) = match b {
                Some(b) => {
                    let base: Vec<f64> = baseline.column(b).flatten().collect();
                    let pairs: Vec<f64> = if baseline.first == self.first {
                        self.column(k)
                            .zip(baseline.column(b))
                            .filter_map(|(v, w)| Some(v? - w?))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    (mean(&base), pairs)
                }
                None => (None, Vec::new()),
            };
            let delta = MeanCi::from_samples(&pairs);
            out.push(PairedDifference {
                metric: metric.clone(),
                entity: entity.clone(),
                mean: mean(&own),
                baseline: base_mean,
                delta: delta.map(|d| d.mean),
                delta_ci95: delta.and_then(|d| d.half_width_95),
                replications: pairs.len() as u64,
            });
        }
        out
    }
}

/// One measure of a point against the baseline point, paired replication by replication.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairedDifference {
    /// The metric, with its unit as a suffix (`wait_mean_s`, `utilization`, …).
    pub metric: String,
    /// `station:<id>`, `class:<id>`, `direction:<id>` or `system`.
    pub entity: String,
    /// The point's mean over the replications that measured it, in the metric's unit.
    pub mean: Option<f64>,
    /// The baseline point's mean over the replications that measured it.
    pub baseline: Option<f64>,
    /// Mean of the paired differences (point − baseline) over the replications both
    /// measured, in the metric's unit (`null` when there are none).
    pub delta: Option<f64>,
    /// Half-width of the 95% Student-t interval of `delta` from the paired differences
    /// (`null` with fewer than two).
    pub delta_ci95: Option<f64>,
    /// Replications behind `delta`.
    pub replications: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures(first: u64, rows: &[&[Option<f64>]]) -> Measures {
        Measures {
            first,
            keys: vec![
                ("wait_mean_s".into(), "station:a".into()),
                ("utilization".into(), "station:a".into()),
            ],
            values: rows
                .iter()
                .map(|r| r.iter().map(|v| v.map(f64::to_bits)).collect())
                .collect(),
        }
    }

    #[test]
    fn merging_in_parts_equals_the_whole() {
        let rows: [&[Option<f64>]; 3] = [
            &[Some(1.0), None],
            &[Some(2.5), Some(0.5)],
            &[Some(0.1), Some(0.3)],
        ];
        let whole = measures(0, &rows);
        let mut parts = measures(0, &rows[..1]);
        parts.merge(measures(1, &rows[1..])).expect("consecutive");
        assert_eq!(parts, whole);
        assert!(matches!(
            measures(0, &rows[..1]).merge(measures(2, &rows[2..])),
            Err(MergeError::NotConsecutive { end: 1, start: 2 })
        ));
    }

    #[test]
    fn paired_differences_pair_replications() {
        // Differences 1, 2, 3: mean 2, sample sd 1, t(0.975, 2) = 4.302653 → ±4.302653/√3.
        let base = measures(
            0,
            &[
                &[Some(10.0), Some(0.5)],
                &[Some(20.0), None],
                &[Some(30.0), Some(0.7)],
            ],
        );
        let point = measures(
            0,
            &[
                &[Some(11.0), Some(0.6)],
                &[Some(22.0), Some(0.9)],
                &[Some(33.0), Some(0.7)],
            ],
        );
        let d = point.differences(&base);
        assert_eq!(d[0].delta, Some(2.0));
        assert_eq!(d[0].mean, Some(22.0));
        assert_eq!(d[0].baseline, Some(20.0));
        let half = d[0].delta_ci95.expect("three pairs");
        assert!((half - 4.302_652_73 / 3f64.sqrt()).abs() < 1e-6, "{half}");
        assert_eq!(d[0].replications, 3);
        // Replication 1 has no baseline utilization: two pairs, 0.1 and 0.0.
        assert_eq!(d[1].replications, 2);
        assert!((d[1].delta.expect("two pairs") - 0.05).abs() < 1e-12);
        // The baseline against itself: zero, exactly.
        let same = base.differences(&base);
        assert_eq!(same[0].delta, Some(0.0));
        assert_eq!(same[0].delta_ci95, Some(0.0));
    }
}

//! Pairing the replications of two runs, metric by metric and entity by entity.

use bordersim_stats::MeanCi;

use super::significance::{FALSE_DISCOVERY_RATE, benjamini_hochberg, p_value};
use super::{Difference, Measure, Status};

/// The p-value of a difference that is part of the family tested: one with a p-value whose
/// paired differences are not all zero. A metric the variant leaves exactly unchanged in
/// every replication (common random numbers make most untouched ones so) tests nothing.
pub(super) fn tested(d: &Difference) -> Option<f64> {
    d.p_value
        .filter(|_| !(d.delta == Some(0.0) && d.ci95 == Some(0.0)))
}

/// The differences of every (metric, entity) of either run; `base_measures[r]` and
/// `variant_measures[r]` are replication `r`'s.
pub(super) fn differences(
    base_measures: &[Vec<Measure>],
    variant_measures: &[Vec<Measure>],
) -> Vec<Difference> {
    let mut keys: Vec<(&'static str, &str)> = Vec::new();
    for m in base_measures
        .first()
        .into_iter()
        .chain(variant_measures.first())
        .flatten()
    {
        if !keys.contains(&(m.metric, m.entity.as_str())) {
            keys.push((m.metric, m.entity.as_str()));
        }
    }
    let find =
        |list: &[Measure], metric: &str, entity: &str| -> Option<(Option<f64>, Option<String>)> {
            list.iter()
                .find(|x| x.metric == metric && x.entity == entity)
                .map(|x| (x.value, x.note.clone()))
        };
    let mut out = Vec::with_capacity(keys.len());
    for (metric, entity) in keys {
        let b: Vec<Option<(Option<f64>, Option<String>)>> = base_measures
            .iter()
            .map(|l| find(l, metric, entity))
            .collect();
        let v: Vec<Option<(Option<f64>, Option<String>)>> = variant_measures
            .iter()
            .map(|l| find(l, metric, entity))
            .collect();
        let in_base = b.iter().any(Option::is_some);
        let in_variant = v.iter().any(Option::is_some);
        let values = |side: &[Option<(Option<f64>, Option<String>)>]| -> Vec<Option<f64>> {
            side.iter().map(|x| x.as_ref().and_then(|x| x.0)).collect()
        };
        let (mut bv, mut vv) = (values(&b), values(&v));
        let mut notes: Vec<String> = Vec::new();
        // A station where no vehicle stopped in any replication of a run held nobody up:
        // its wait is 0 there, not missing (a desk a reform bypasses). So is a waiting area
        // nobody waited in (a booking share of 0).
        if metric.starts_with("wait_") || metric == "waiting_area_mean_s" {
            for (run, side, present) in [
                ("baseline", &mut bv, in_base),
                ("variant", &mut vv, in_variant),
            ] {
                if present && side.iter().all(Option::is_none) {
                    for x in side.iter_mut() {
                        *x = Some(0.0);
                    }
                    notes.push(if metric.starts_with("wait_") {
                        format!("{run}: no vehicle stopped here: wait 0")
                    } else {
                        format!("{run}: nobody waited in the waiting area: 0")
                    });
                }
            }
        }
        let pairs: Vec<(f64, f64)> = bv
            .iter()
            .zip(&vv)
            .filter_map(|(b, v)| Some(((*b)?, (*v)?)))
            .collect();
        let own_mean = |side: &[Option<f64>]| {
            let s: Vec<f64> = side.iter().flatten().copied().collect();
            MeanCi::from_samples(&s).map(|c| c.mean)
        };
        let mut note_of = |side: &[Option<(Option<f64>, Option<String>)>], run: &str| {
            if let Some(n) = side.iter().flatten().find_map(|x| x.1.clone()) {
                let n = format!("{run}: {n}");
                if !notes.contains(&n) {
                    notes.push(n);
                }
            }
        };
        note_of(&b, "baseline");
        note_of(&v, "variant");
        let status = if !in_variant {
            notes.push("not present in the variant".into());
            Status::NotInVariant
        } else if !in_base {
            notes.push("not present in the baseline".into());
            Status::NotInBaseline
        } else if pairs.is_empty() {
            notes.push("no replication measured it in both runs".into());
            Status::NotMeasured
        } else {
            Status::Compared
        };
        let n = base_measures.len().min(variant_measures.len());
        if status == Status::Compared && pairs.len() < n {
            notes.push(format!(
                "measured by both runs in {} of {n} replications (no observation in the others)",
                pairs.len()
            ));
        }
        let d: Vec<f64> = pairs.iter().map(|p| p.1 - p.0).collect();
        let dci = MeanCi::from_samples(&d);
        let (baseline, variant) = if pairs.is_empty() {
            (own_mean(&bv), own_mean(&vv))
        } else {
            let b: Vec<f64> = pairs.iter().map(|p| p.0).collect();
            let v: Vec<f64> = pairs.iter().map(|p| p.1).collect();
            (
                MeanCi::from_samples(&b).map(|c| c.mean),
                MeanCi::from_samples(&v).map(|c| c.mean),
            )
        };
        let delta = dci.map(|c| c.mean);
        let ci95 = dci.and_then(|c| c.half_width_95);
        out.push(Difference {
            metric: metric.to_string(),
            entity: entity.to_string(),
            status,
            baseline,
            variant,
            delta,
            ci95,
            relative: delta
                .zip(baseline)
                .and_then(|(d, b)| (b != 0.0).then(|| d / b)),
            replications: pairs.len() as u32,
            p_value: p_value(&d),
            significant_unadjusted: delta.zip(ci95).is_some_and(|(d, hw)| d.abs() > hw),
            significant: false,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        });
    }
    let p: Vec<Option<f64>> = out.iter().map(tested).collect();
    for (d, s) in out
        .iter_mut()
        .zip(benjamini_hochberg(&p, FALSE_DISCOVERY_RATE))
    {
        d.significant = s;
    }
    out
}

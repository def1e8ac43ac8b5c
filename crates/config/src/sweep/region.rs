//! The rules of a plan whose base is a region (`[sweep] region`).

use super::raw::RawPlan;

/// What a plan whose base is a region (its `[sweep] region` at `at`) may not hold: a base
/// scenario, a block of replications, outputs (a region sweep writes the region's
/// measures), a `crossing` on an axis other than an override, an override axis without
/// one, or override axes of two crossings (a point changes one crossing).
pub(super) fn region_problems(
    raw: &RawPlan,
    at: usize,
    problems: &mut Vec<(usize, String, String)>,
) {
    let sweep = raw.sweep.get_ref();
    if sweep.scenario.is_some() {
        problems.push((
            at,
            "sweep.region".into(),
            "the plan names a base region and a base scenario: keep one".into(),
        ));
    }
    if let Some(b) = &sweep.block
        && b.get_ref() != sweep.replications.get_ref()
    {
        problems.push((
            b.span().start,
            "sweep.block".into(),
            "a region sweep runs each point's replications together (each iteration of the \
             equilibrium needs them all): leave out `block`"
                .into(),
        ));
    }
    if let Some(o) = &sweep.outputs {
        problems.push((
            o.span().start,
            "sweep.outputs".into(),
            "a region sweep writes the region's measures (volume, share and border time per \
             crossing and direction, trade by side): leave out `outputs`"
                .into(),
        ));
    }
    let mut first: Option<&str> = None;
    for (i, a) in raw.axis.iter().enumerate() {
        let axis = a.get_ref();
        if let Some(files) = &axis.scenario {
            problems.push((
                files.span().start,
                format!("axis[{i}].scenario"),
                "the plan's base is a region: an axis of scenario files has no place in it".into(),
            ));
        }
        match (&axis.path, &axis.crossing) {
            (Some(_), None) => problems.push((
                a.span().start,
                format!("axis[{i}].crossing"),
                "an override axis of a region sweep names the crossing it changes: add \
                 crossing = \"id\""
                    .into(),
            )),
            (None, Some(c)) => problems.push((
                c.span().start,
                format!("axis[{i}].crossing"),
                "`crossing` goes with `path` (the crossing whose parameter the axis varies)"
                    .into(),
            )),
            (Some(_), Some(c)) => match first {
                Some(f) if f != c.get_ref() => problems.push((
                    c.span().start,
                    format!("axis[{i}].crossing"),
                    format!(
                        "a point changes one crossing: an earlier axis changes `{f}`, this one `{}`",
                        c.get_ref()
                    ),
                )),
                _ => first = Some(c.get_ref()),
            },
            (None, None) => {}
        }
    }
}

//! The rules of a plan whose base is a region (`[sweep] region`).

use super::raw::RawPlan;

/// What a plan whose base is a region (its `[sweep] region`, or its axis of region files,
/// at `at`) may not hold: a base scenario, a block of replications, outputs (a region
/// sweep writes the region's measures), an axis of scenario files, a second base region, a
/// `crossing` on an axis other than an override, an override axis without its crossing
/// (`crossing`, or a `crossings.<id>.<path>` path), or with both.
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
    let mut region_axes = 0;
    for (i, a) in raw.axis.iter().enumerate() {
        let axis = a.get_ref();
        if let Some(files) = &axis.scenario {
            problems.push((
                files.span().start,
                format!("axis[{i}].scenario"),
                "the plan's base is a region: an axis of scenario files has no place in it".into(),
            ));
        }
        if let Some(files) = &axis.region {
            region_axes += 1;
            if sweep.region.is_some() {
                problems.push((
                    files.span().start,
                    format!("axis[{i}].region"),
                    "the plan names its base region in [sweep] and in an axis of region files: \
                     keep one"
                        .into(),
                ));
            } else if region_axes == 2 {
                problems.push((
                    files.span().start,
                    format!("axis[{i}].region"),
                    "a second axis of region files: a plan has one".into(),
                ));
            }
        }
        let prefixed = axis
            .path
            .as_ref()
            .is_some_and(|p| p.get_ref().starts_with("crossings."));
        match (&axis.path, &axis.crossing) {
            (Some(p), None) if !prefixed || crossing_path(p.get_ref()).is_none() => {
                problems.push((
                    a.span().start,
                    format!("axis[{i}].crossing"),
                    "an override axis of a region sweep names the crossing it changes: add \
                     crossing = \"id\", or write the path as `crossings.<id>.<path>`"
                        .into(),
                ));
            }
            (Some(p), Some(c)) if prefixed => problems.push((
                p.span().start,
                format!("axis[{i}].path"),
                format!(
                    "the path names its crossing and so does `crossing` (`{}`): keep one",
                    c.get_ref()
                ),
            )),
            (None, Some(c)) => problems.push((
                c.span().start,
                format!("axis[{i}].crossing"),
                "`crossing` goes with `path` (the crossing whose parameter the axis varies)".into(),
            )),
            _ => {}
        }
    }
}

/// `crossings.<id>.<path>` split into the crossing's id and its own `<path>`; `None` when
/// the path does not have that shape.
pub(super) fn crossing_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("crossings.")?;
    let (id, own) = rest.split_once('.')?;
    (!id.is_empty() && !own.is_empty()).then_some((id, own))
}

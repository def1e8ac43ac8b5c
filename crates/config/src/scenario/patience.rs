//! `[[classes]]` `patience` and `patience_at`: how long the class's vehicles wait in a
//! queue before giving up (reneging), and where (docs/planning.md, "Reneging and
//! abandonment").

use bordersim_model::{Patience, StationId};

use super::names::Names;
use super::{Cx, service};
use crate::raw::RawClass;
use crate::spans::{child, index};

/// The class's patience, `None` when it has none or when something is wrong (reported).
pub(super) fn patience(
    cx: &mut Cx<'_>,
    path: &str,
    raw: &RawClass,
    stations: &Names<'_>,
) -> Option<Patience> {
    let Some(table) = &raw.patience else {
        if raw.patience_at.is_some() {
            cx.error(
                &child(path, "patience_at"),
                "patience_at names where the class's vehicles give up, but the class has no \
                 patience: add `patience = { dist = \"exponential\", mean = \"10 min\" }` or \
                 leave patience_at out",
            );
        }
        return None;
    };
    let field = child(path, "patience");
    let dist = service::service(cx, &field, table)?;
    let mean = dist.mean_ms();
    if !(mean.is_finite() && mean > 0.0) {
        cx.error(
            &field,
            "a patience must be longer than 0 on average: a vehicle with no patience would \
             give up the moment it queues (leave patience out for vehicles that never give up)",
        );
        return None;
    }
    let at = match &raw.patience_at {
        None => None,
        Some(names) => {
            let field = child(path, "patience_at");
            if names.is_empty() {
                cx.error(
                    &field,
                    "name at least one station, or leave patience_at out for every station",
                );
                return None;
            }
            let mut ids = Vec::with_capacity(names.len());
            for (k, name) in names.iter().enumerate() {
                match stations.resolve(name, &[]) {
                    Ok(s) => ids.push(StationId(s as u32)),
                    Err(Some(message)) => cx.error(&index(&field, k), message),
                    Err(None) => {}
                }
            }
            if ids.len() != names.len() {
                return None;
            }
            Some(ids)
        }
    };
    Some(Patience { dist, stations: at })
}

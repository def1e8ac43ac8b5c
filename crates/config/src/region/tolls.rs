//! The `[[tolls]]` entries: an amount by crossing, side of departure and class.

use bordersim_trade::{Grid, SIDES};

use super::raw::RawRegionFile;
use super::values::{lookup, non_negative};
use crate::diagnostic::Collector;
use crate::spans::{child, index};

/// `[[tolls]]`, as a grid by crossing, side of departure and class (0 where none applies).
pub(super) fn tolls(
    cx: &mut Collector<'_>,
    raw: &RawRegionFile,
    sides: &[String],
    crossing_ids: &[String],
    class_ids: &[String],
) -> Grid<f64> {
    let mut tolls = Grid::new(raw.crossings.len(), raw.classes.len(), 0.0);
    for (t, toll) in raw.tolls.iter().enumerate() {
        let path = index("tolls", t);
        let c = lookup(
            cx,
            &child(&path, "crossing"),
            "crossing",
            &toll.crossing,
            crossing_ids,
            false,
        );
        let k = match &toll.class {
            Some(name) => {
                lookup(cx, &child(&path, "class"), "class", name, class_ids, false).map(Some)
            }
            None => Some(None),
        };
        let s = match &toll.from {
            Some(name) => lookup(cx, &child(&path, "from"), "side", name, sides, false).map(Some),
            None => Some(None),
        };
        let amount = non_negative(cx, &child(&path, "amount"), toll.amount, "a toll");
        if let (Some(c), Some(k), Some(s)) = (c, k, s) {
            for d in 0..SIDES {
                for class in 0..raw.classes.len() {
                    if s.is_none_or(|s| s == d) && k.is_none_or(|k| k == class) {
                        tolls.set(c, d, class, amount);
                    }
                }
            }
        }
    }
    tolls
}

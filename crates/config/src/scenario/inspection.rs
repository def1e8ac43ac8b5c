//! Random selection that inspects nobody: a class with `random_inspection` whose vehicles
//! meet no route filtered on the red channel. Selected vehicles are put in the red channel,
//! so without such a route they follow the same routes as everyone else and the selection
//! changes nothing.

use bordersim_model::{Channel, ClassId, Crossing};

use super::{Cx, Labels};
use crate::spans::{child, index};
use crate::units::format_number;

/// Warns, at `classes[c].random_inspection`, for every class selected at random for
/// inspection whose red-channel vehicles no route sends anywhere different.
pub(super) fn uninspected(cx: &mut Cx<'_>, crossing: &Crossing, labels: &Labels) {
    let stations = crossing.stations();
    for (c, class) in crossing.population().classes.iter().enumerate() {
        if class.random_inspection <= 0.0 {
            continue;
        }
        let id = ClassId(c as u16);
        let reached = crossing.stations_reached_by(id);
        let red_route = stations
            .iter()
            .zip(&reached)
            .filter(|(_, r)| **r)
            .flat_map(|(st, _)| &st.routes)
            .any(|route| {
                route.probability > 0.0
                    && route
                        .when
                        .channels
                        .as_ref()
                        .is_some_and(|chs| chs.contains(&Channel::Red))
                    && route
                        .when
                        .classes
                        .as_ref()
                        .is_none_or(|cs| cs.contains(&id))
            });
        if !red_route {
            let name = labels.classes.get(c).map_or("?", String::as_str);
            cx.warn(
                &child(&index("classes", c), "random_inspection"),
                format!(
                    "random_inspection = {} selects {name} vehicles for physical inspection \
                     (the red channel), but no route they meet is filtered on the red \
                     channel, so the selected vehicles go where everyone goes and nobody is \
                     inspected; add a route such as {{ channel = \"red\", to = \"<inspection \
                     station>\", p = 1 }} or remove random_inspection",
                    format_number(class.random_inspection)
                ),
            );
        }
    }
}

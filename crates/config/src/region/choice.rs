//! The `[choice]` table: the logit scale and the weights of border minutes and tolls.

use bordersim_trade::ChoiceParams;

use super::raw::RawChoice;
use crate::diagnostic::Collector;
use crate::units::format_number;

/// `[choice]`, with SANDAG's defaults for what it leaves out; a bad value is reported.
pub(super) fn choice(cx: &mut Collector<'_>, rc: Option<&RawChoice>) -> ChoiceParams {
    let defaults = ChoiceParams::default();
    let choice = ChoiceParams {
        time_coefficient: rc
            .and_then(|c| c.time_coefficient)
            .unwrap_or(defaults.time_coefficient),
        border_weight: rc
            .and_then(|c| c.border_weight)
            .unwrap_or(defaults.border_weight),
        toll_weight: rc
            .and_then(|c| c.toll_weight)
            .unwrap_or(defaults.toll_weight),
    };
    if !(choice.time_coefficient.is_finite() && choice.time_coefficient < 0.0) {
        let why = if choice.time_coefficient == 0.0 {
            "a logit scale of zero makes every crossing equally likely whatever its cost"
        } else {
            "a longer trip must be less attractive"
        };
        cx.error(
            "choice.time_coefficient",
            format!(
                "the logit scale (utils per generalized minute) must be negative, got {}: {why}; \
                 SANDAG's model uses -0.025",
                format_number(choice.time_coefficient)
            ),
        );
    }
    if !(choice.border_weight.is_finite() && choice.border_weight > 0.0) {
        cx.error(
            "choice.border_weight",
            format!(
                "the weight of a border minute must be positive, got {} (SANDAG: 2.5)",
                format_number(choice.border_weight)
            ),
        );
    }
    if !(choice.toll_weight.is_finite() && choice.toll_weight >= 0.0) {
        cx.error(
            "choice.toll_weight",
            format!(
                "the weight of a toll must be zero or positive, got {}",
                format_number(choice.toll_weight)
            ),
        );
    }
    choice
}

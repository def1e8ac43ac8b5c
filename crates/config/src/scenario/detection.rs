//! `[scenario.detection]`: the probability that one inspection finds an irregularity, per
//! channel and selection kind (docs/economics.md). Each is a probability, 0 to 1; an
//! unstated one keeps its illustrative default.

use bordersim_model::DetectionRates;

use super::Cx;
use crate::raw::RawDetection;
use crate::units::format_number;

/// The scenario's detection probabilities: the defaults
/// ([`DetectionRates::ILLUSTRATIVE`]) with the stated values in their place; `None` (each
/// error reported at its field) when a stated value is not a probability.
pub(super) fn rates(cx: &mut Cx<'_>, raw: Option<&RawDetection>) -> Option<DetectionRates> {
    let mut rates = DetectionRates::ILLUSTRATIVE;
    let Some(raw) = raw else {
        return Some(rates);
    };
    let mut ok = true;
    for (key, what, value, slot) in [
        (
            "documentary_check",
            "a documentary check (yellow channel)",
            raw.documentary_check,
            &mut rates.documentary_check,
        ),
        (
            "targeted_inspection",
            "a physical inspection selected by risk targeting (red channel)",
            raw.targeted_inspection,
            &mut rates.targeted_inspection,
        ),
        (
            "random_inspection",
            "a physical inspection selected at random (red channel)",
            raw.random_inspection,
            &mut rates.random_inspection,
        ),
    ] {
        let Some(v) = value else { continue };
        if v.is_finite() && (0.0..=1.0).contains(&v) {
            *slot = v;
        } else {
            ok = false;
            cx.error(
                &format!("scenario.detection.{key}"),
                format!(
                    "{key} is the probability that {what} finds an irregularity: between 0 \
                     and 1, got {}",
                    format_number(v)
                ),
            );
        }
    }
    ok.then_some(rates)
}

#[cfg(test)]
mod tests {
    use bordersim_model::DetectionRates;

    use crate::tests::{check, edit, ok};

    #[test]
    fn unstated_detection_keeps_the_illustrative_rates() {
        let loaded = ok(crate::tests::BASE);
        assert_eq!(
            *loaded.scenario.crossing.detection_rates(),
            DetectionRates::ILLUSTRATIVE
        );
    }

    #[test]
    fn stated_rates_replace_the_defaults_one_by_one() {
        let loaded = ok(&edit(
            "warmup = \"1h\"\n",
            "warmup = \"1h\"\n\n[scenario.detection]\ntargeted_inspection = 0.1\n\
             random_inspection = 0.01\n",
        ));
        assert_eq!(
            *loaded.scenario.crossing.detection_rates(),
            DetectionRates {
                documentary_check: 0.02,
                targeted_inspection: 0.1,
                random_inspection: 0.01,
            }
        );
        let loaded = ok(&edit(
            "warmup = \"1h\"\n",
            "warmup = \"1h\"\ndetection = { documentary_check = 0, targeted_inspection = 1 }\n",
        ));
        assert_eq!(
            *loaded.scenario.crossing.detection_rates(),
            DetectionRates {
                documentary_check: 0.0,
                targeted_inspection: 1.0,
                random_inspection: 0.02,
            }
        );
    }

    #[test]
    fn a_rate_outside_0_to_1_is_located() {
        for (key, bad) in [
            ("documentary_check", "1.5"),
            ("targeted_inspection", "-0.1"),
            ("random_inspection", "nan"),
        ] {
            let input = edit(
                "warmup = \"1h\"\n",
                &format!("warmup = \"1h\"\n\n[scenario.detection]\n{key} = {bad}\n"),
            );
            let err = check(&input, &[key, "between 0 and 1"]);
            assert_eq!(err.diagnostics.len(), 1, "{err}");
            let d = &err.diagnostics[0];
            assert_eq!(d.path, format!("scenario.detection.{key}"));
            assert_eq!(d.file, "test.toml");
            // BASE's `warmup` is line 4; the table header is line 6, the value line 7.
            assert_eq!(d.line, 7, "{err}");
        }
        check(
            &edit(
                "warmup = \"1h\"\n",
                "warmup = \"1h\"\n\n[scenario.detection]\ntargeted = 0.1\n",
            ),
            &["targeted"],
        );
    }
}

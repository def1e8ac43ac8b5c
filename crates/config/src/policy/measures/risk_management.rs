//! `[[risk_management]]` — WTO TFA Art. 7.4: a class's risk-channel probabilities and its
//! share picked at random for physical inspection.

use crate::diagnostic::Collector;
use serde::Deserialize;
use toml::{Table, Value};

use crate::policy::lookup::{CLASSES, known_entry, share_ok};
use crate::policy::measure::Measure;
use crate::spans::child;

/// New risk channels or random-inspection share for one class.
pub(crate) struct RiskManagement;

/// One `[[risk_management]]` entry.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRisk {
    /// The class's `id`.
    pub(crate) class: String,
    /// New channel probabilities `{ green, yellow, red }` (checked by the scenario's
    /// validation: they must sum to 1).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<std::collections::BTreeMap<String, f64>>")
    )]
    pub(crate) channels: Option<Table>,
    /// New share picked at random for physical inspection, in [0, 1].
    #[serde(default)]
    pub(crate) random_inspection: Option<f64>,
}

impl Measure for RiskManagement {
    const NAME: &'static str = "risk_management";
    const ARTICLE: Option<&'static str> = Some("7.4");
    const HELP: &'static str = "channel probabilities, targeted vs random inspection";
    type Raw = RawRisk;

    fn writes(r: &RawRisk, _baseline: &Table) -> Vec<String> {
        let mut targets = Vec::new();
        if r.channels.is_some() {
            targets.push(format!("classes.{}.channels", r.class));
        }
        if r.random_inspection.is_some() {
            targets.push(format!("classes.{}.random_inspection", r.class));
        }
        targets
    }

    fn apply(r: &RawRisk, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        // Both fields are checked before either is written, so every problem is reported.
        let share = r
            .random_inspection
            .map(|p| share_ok(cx, &child(path, "random_inspection"), p));
        let Some(class) = known_entry(cx, doc, CLASSES, &r.class, &child(path, "class")) else {
            return;
        };
        if share == Some(false) {
            return;
        }
        if let Some(channels) = &r.channels {
            class.insert("channels".into(), Value::Table(channels.clone()));
        }
        if let Some(p) = r.random_inspection {
            class.insert("random_inspection".into(), Value::Float(p));
        }
    }
}

//! The plan file as written: the TOML tables serde reads, with their spans.

use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlan {
    pub(super) sweep: Spanned<RawSweep>,
    #[serde(default)]
    pub(super) axis: Vec<Spanned<RawAxis>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSweep {
    pub(super) name: String,
    #[serde(default)]
    pub(super) scenario: Option<String>,
    #[serde(default)]
    pub(super) region: Option<Spanned<String>>,
    pub(super) replications: Spanned<i64>,
    #[serde(default)]
    pub(super) block: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) seed: Option<u64>,
    #[serde(default)]
    pub(super) combine: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) baseline: Option<Spanned<toml::Table>>,
    #[serde(default)]
    pub(super) outputs: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAxis {
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) path: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) values: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    #[serde(default)]
    pub(super) range: Option<Spanned<Vec<i64>>>,
    #[serde(default)]
    pub(super) policy: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(super) demand: Option<Spanned<Vec<Spanned<f64>>>>,
    #[serde(default)]
    pub(super) class: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) scenario: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub(super) crossing: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) region: Option<Spanned<Vec<Spanned<String>>>>,
}

//! `[[one_stop_border_post]]` (WTO TFA Art. 8): two countries' sequential controls merged
//! into one joint stop. The merge itself is shared with `[[single_window]]`, in
//! [`super::joint_stop`].

use crate::diagnostic::Collector;
use toml::Table;

use super::joint_stop::{RawMerge, merge, merge_writes};
use crate::policy::measure::Measure;

/// Two countries' sequential controls merged into one joint stop.
pub(crate) struct OneStopBorderPost;

impl Measure for OneStopBorderPost {
    const NAME: &'static str = "one_stop_border_post";
    const ARTICLE: Option<&'static str> = Some("8");
    const HELP: &'static str = "two countries' sequential controls merged into one joint stop";
    type Raw = RawMerge;

    fn writes(m: &RawMerge, _baseline: &Table) -> Vec<String> {
        merge_writes(m)
    }

    fn apply(m: &RawMerge, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        merge(m, cx, doc, path);
    }
}

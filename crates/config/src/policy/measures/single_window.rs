//! `[[single_window]]` (WTO TFA Art. 10.4): several agencies' document stations of one
//! country merged into one joint stop with a combined, shorter service. The merge itself is
//! shared with `[[one_stop_border_post]]`, in [`super::joint_stop`].

use crate::diagnostic::Collector;
use toml::Table;

use super::joint_stop::{RawMerge, merge, merge_writes};
use crate::policy::measure::Measure;

/// Several document stations merged into one with a combined, shorter service.
pub(crate) struct SingleWindow;

impl Measure for SingleWindow {
    const NAME: &'static str = "single_window";
    const ARTICLE: Option<&'static str> = Some("10.4");
    const HELP: &'static str =
        "several document stations merged into one with a combined, shorter service";
    type Raw = RawMerge;

    fn writes(m: &RawMerge, _baseline: &Table) -> Vec<String> {
        merge_writes(m)
    }

    fn apply(m: &RawMerge, cx: &mut Collector<'_>, doc: &mut Table, path: &str) {
        merge(m, cx, doc, path);
    }
}

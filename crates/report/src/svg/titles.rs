//! Axis titles that fit their axis: a title longer than the room beside its axis is
//! shortened by whole words before its unit, which always stays ("mean wait of the
//! vehicles … (min)"); the caption beside the chart says the rest.

use std::borrow::Cow;

/// Estimated width of an axis title (12 px, semi-bold), px: the tick labels' estimate
/// (6.4 px a character at 11 px) scaled to the larger, bolder type.
pub(super) fn title_width(text: &str) -> f64 {
    7.2 * text.chars().count() as f64
}

/// `title` as it fits in `room` px by [`title_width`]: whole, or its words before the unit
/// (the last parenthesis) cut at the last one that fits, then `…` and the unit.
pub(super) fn fit_title(title: &str, room: f64) -> Cow<'_, str> {
    if title_width(title) <= room {
        return Cow::Borrowed(title);
    }
    let (head, unit) = match title.rfind(" (") {
        Some(at) if title.ends_with(')') => (&title[..at], &title[at..]),
        _ => (title, ""),
    };
    let tail = format!("…{unit}");
    let mut kept = head;
    while !kept.is_empty() && title_width(kept) + title_width(&tail) > room {
        kept = match kept.rfind(' ') {
            Some(at) => &kept[..at],
            None => "",
        };
        kept = kept.trim_end_matches([',', ':', ';', ' ']);
    }
    if kept.is_empty() {
        // Not even one word fits: the unit alone, which says what is measured in what.
        return Cow::Owned(unit.trim_start().to_owned());
    }
    Cow::Owned(format!("{kept}{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_title_is_cut_by_words_and_keeps_its_unit() {
        let long = "wait in queue of the vehicles starting service, mean per bin (min)";
        assert_eq!(fit_title(long, 1000.0), long);
        let short = fit_title(long, 300.0);
        assert!(title_width(&short) <= 300.0, "{short}");
        assert!(short.ends_with("… (min)"), "{short}");
        assert_eq!(short, "wait in queue of the vehicles… (min)");
        assert_eq!(fit_title("abcdefghijklmnopqrstuvwxyz (min)", 60.0), "(min)");
        assert_eq!(fit_title("no unit at all here", 60.0), "no unit…");
    }
}

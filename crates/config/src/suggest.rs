//! "Did you mean …?": the closest known name to a misspelt one.

/// Edit distance counting a swap of two neighbours as one edit (optimal string alignment),
/// ignoring case.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Names longer than this (in characters) get no suggestion: nobody misspells a name that
/// long, and the edit distance costs the product of the two lengths.
const LONGEST_SUGGESTED: usize = 100;

/// The known name closest to `word`, if it is close enough to be a plausible typo (at most
/// one edit per three characters, at least one), ignoring case. Names longer than 100
/// characters get none.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    if length > LONGEST_SUGGESTED {
        return None;
    }
    let limit = (length / 3).max(1);
    known
        .into_iter()
        // The distance is at least the difference of the lengths.
        .filter(|k| k.chars().count().abs_diff(length) <= limit)
        .map(|k| (distance(word, k), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// `` `a`, `b`, `c` `` for messages.
pub(crate) fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `" (did you mean `x`?)"`, or nothing.
pub(crate) fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, known)
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_word() {
        assert_eq!(distance("servres", "servers"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(
            closest("servres", ["id", "servers", "service"]),
            Some("servers")
        );
        assert_eq!(closest("xrya", ["primary", "xray", "exit"]), Some("xray"));
        assert_eq!(closest("Truck", ["truck", "car"]), Some("truck"));
        assert_eq!(closest("bicycle", ["truck", "car"]), None);
        assert_eq!(
            did_you_mean("lognormall", ["lognormal", "gamma"]),
            " (did you mean `lognormal`?)"
        );
        assert_eq!(list(["a", "b"]), "`a`, `b`");
    }

    #[test]
    fn very_long_names_get_no_suggestion_and_cost_nothing() {
        let long = "x".repeat(1_000_000);
        let near = format!("{long}y");
        assert_eq!(closest(&long, [near.as_str(), "x"]), None);
        assert_eq!(closest("x", [long.as_str()]), None);
        let hundred = "a".repeat(100);
        let typo = format!("{}b", "a".repeat(99));
        assert_eq!(closest(&typo, [hundred.as_str()]), Some(hundred.as_str()));
    }
}

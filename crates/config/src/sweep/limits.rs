//! Bounds on what a plan may ask for, checked on the plan's numbers alone, before any list
//! of points or units is made: replications of a point, replications per work unit, and
//! the number of work units.

/// Most replications of one point, and of one work unit: the command line's and the API's
/// limit on one experiment (`bordersim_experiment::MAX_REPLICATIONS`, held equal to it by
/// the command line's tests). A point of a sweep is one experiment, summarised like a run.
pub const MAX_REPLICATIONS: u32 = 1000;

/// Why replications are bounded ([`MAX_REPLICATIONS`]), for messages.
pub const MAX_REPLICATIONS_WHY: &str = "1000 paired replications already narrow an interval \
    to a thirtieth of one replication's spread; a study of more runs has more points";

/// Most work units a plan may expand to. Each unit is a file in a shard's output directory
/// and a line of its manifest, and the list of units is made before anything runs: 100,000
/// units (as many as [`super::MAX_POINTS`]) is already a large cluster's study.
pub const MAX_UNITS: u64 = 100_000;

/// The number of work units of `points` points of `replications` replications each, in
/// blocks of `block` (0 read as 1), computed without making them.
#[must_use]
pub fn unit_count(points: usize, replications: u32, block: u32) -> u64 {
    let per_point = u64::from(replications).div_ceil(u64::from(block.max(1)));
    (points as u64).saturating_mul(per_point)
}

/// The refusal of a plan whose points and blocks make more than [`MAX_UNITS`] work units
/// (`None` when the count is allowed).
#[must_use]
pub fn units_refusal(points: usize, replications: u32, block: u32) -> Option<String> {
    let units = unit_count(points, replications, block);
    (units > MAX_UNITS).then(|| {
        format!(
            "{points} point(s) of {replications} replications in blocks of {} make {units} \
             work units; at most {MAX_UNITS} are allowed (each is a file of the output \
             directory): give a larger `block` or fewer points",
            block.max(1)
        )
    })
}

/// The refusal of `value` as a count of replications (`what`: "replications" or
/// "replications per unit") outside 1..=[`MAX_REPLICATIONS`] (`None` when allowed).
pub(super) fn replications_refusal(value: i64, what: &str) -> Option<String> {
    if value < 1 {
        Some(format!("needs a whole number of {what}, at least 1"))
    } else if value > i64::from(MAX_REPLICATIONS) {
        Some(format!(
            "{value} is above the limit of {MAX_REPLICATIONS} {what}: {MAX_REPLICATIONS_WHY}"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_counted_exactly_and_refused_past_the_limit() {
        assert_eq!(unit_count(4, 3, 2), 8);
        assert_eq!(unit_count(1, 1000, 1), 1000);
        assert_eq!(unit_count(100, 1000, 1), MAX_UNITS);
        assert_eq!(unit_count(3, 5, 0), 15);
        assert_eq!(unit_count(usize::MAX, u32::MAX, 1), u64::MAX);
        assert_eq!(units_refusal(100, 1000, 1), None);
        assert!(units_refusal(101, 1000, 1).is_some_and(|m| m.contains("make 101000 work units")));
        assert_eq!(replications_refusal(1000, "replications"), None);
        assert_eq!(
            replications_refusal(0, "replications").as_deref(),
            Some("needs a whole number of replications, at least 1")
        );
        assert!(
            replications_refusal(1001, "replications").is_some_and(|m| m.starts_with(
                "1001 is above the limit of 1000 replications: 1000 paired replications"
            ))
        );
    }
}

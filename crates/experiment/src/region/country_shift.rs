//! How a reform moves each country's trade, transit kept apart.
//!
//! A single region's report books a flow as its origin country's export and its destination
//! country's import, and as transit for a side of the border whose country is neither
//! ([`bordersim_trade::accounting::account_by_country`]). A comparison takes the same
//! accounting of both runs, country by country, and the change of each of exports, imports,
//! balance and transit with the paired interval of every other region figure: the change
//! of each replication's best response in the reform against the same replication's in the
//! baseline ([`super::intervals`]).

use bordersim_trade::accounting::CountryTrade;
use serde::Serialize;

use super::intervals::{Replicate, change_ci95};

/// One of a country's trade figures in the baseline, in the reform, and its change, per day
/// (in the unit of the demand's cargo value).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct TradeChange {
    /// Value per day in the baseline (0 where the baseline does not list the country).
    pub baseline_per_day: f64,
    /// Value per day in the reform (0 where the reform does not list the country).
    pub reform_per_day: f64,
    /// `reform_per_day − baseline_per_day`.
    pub change_per_day: f64,
    /// Half-width of the 95% interval of `change_per_day`: the paired change of each
    /// replication's best response (`docs/region.md`); `None` with fewer than two
    /// replications.
    pub change_per_day_ci95: Option<f64>,
}

/// The change of one country's trade from the baseline to the reform: its own exports and
/// imports, and apart from them the transit through its side of the border.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CountryShift {
    /// The country's id (a side's id, or a zone's `country`).
    pub country: String,
    /// Cargo value per day of the flows that start in the country.
    pub exports: TradeChange,
    /// Cargo value per day of the flows that end in the country.
    pub imports: TradeChange,
    /// Exports minus imports.
    pub balance: TradeChange,
    /// Cargo value per day of the flows that cross the country's side of the border but
    /// neither start nor end in it: not its exports or imports.
    pub transit: TradeChange,
}

/// Each country of either run (the baseline's in its order, then those only the reform
/// lists), with the change of its trade; `base` and `reform` are each run's accounting of
/// its equilibrium flows and `base_reps`, `reform_reps` its replications' best responses.
pub(super) fn country_shift(
    base: &[CountryTrade],
    reform: &[CountryTrade],
    base_reps: &[Replicate],
    reform_reps: &[Replicate],
) -> Vec<CountryShift> {
    let mut countries: Vec<&str> = base.iter().map(|c| c.country.as_str()).collect();
    for c in reform {
        if !countries.contains(&c.country.as_str()) {
            countries.push(&c.country);
        }
    }
    countries
        .into_iter()
        .map(|country| {
            let change = |f: fn(&CountryTrade) -> f64| {
                let (b, r) = (value(base, country, f), value(reform, country, f));
                TradeChange {
                    baseline_per_day: b,
                    reform_per_day: r,
                    change_per_day: r - b,
                    change_per_day_ci95: change_ci95(base_reps, reform_reps, |x| {
                        value(&x.by_country, country, f)
                    }),
                }
            };
            CountryShift {
                country: country.to_owned(),
                exports: change(|c| c.exports),
                imports: change(|c| c.imports),
                balance: change(|c| c.balance),
                transit: change(|c| c.transit),
            }
        })
        .collect()
}

/// `f` of `country`'s row in `rows`; 0 where it has none (it carries nothing there).
fn value(rows: &[CountryTrade], country: &str, f: fn(&CountryTrade) -> f64) -> f64 {
    rows.iter().find(|c| c.country == country).map_or(0.0, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(country: &str, exports: f64, imports: f64, transit: f64) -> CountryTrade {
        CountryTrade {
            country: country.into(),
            exports,
            imports,
            balance: exports - imports,
            transit,
        }
    }

    #[test]
    fn each_figure_changes_by_the_difference_and_a_country_of_one_run_counts_0_in_the_other() {
        let base = [row("zw", 10.0, 4.0, 7.0), row("za", 3.0, 0.0, 0.0)];
        let reform = [row("zw", 12.0, 4.0, 9.0), row("cd", 0.0, 5.0, 0.0)];
        let shift = country_shift(&base, &reform, &[], &[]);
        let names: Vec<&str> = shift.iter().map(|c| c.country.as_str()).collect();
        assert_eq!(names, ["zw", "za", "cd"]);
        let zw = &shift[0];
        assert_eq!(
            (zw.exports.change_per_day, zw.imports.change_per_day),
            (2.0, 0.0)
        );
        assert_eq!(
            (zw.transit.baseline_per_day, zw.transit.reform_per_day),
            (7.0, 9.0)
        );
        assert_eq!(zw.transit.change_per_day, 2.0);
        assert_eq!(zw.balance.change_per_day, 2.0);
        assert_eq!(zw.exports.change_per_day_ci95, None);
        assert_eq!(
            (
                shift[1].exports.reform_per_day,
                shift[1].exports.change_per_day
            ),
            (0.0, -3.0)
        );
        assert_eq!(
            (
                shift[2].imports.baseline_per_day,
                shift[2].imports.change_per_day
            ),
            (0.0, 5.0)
        );
    }
}

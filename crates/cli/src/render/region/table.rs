//! The region reports as text: the equilibrium's iterations, flows per crossing, direction
//! and class (border times in minutes), trade per side, crossing and commodity (money per
//! day); for a comparison, the traffic shift and the trade created and diverted.

use std::fmt::Write as _;

use bordersim_experiment::region::{RegionComparison, RegionReport};

use super::convergence_line;
use crate::render::columns::Table;
use crate::render::numbers::{decimal, minutes, money, signed_money, thousands};

/// A table whose first `left` columns are left-aligned, as text.
fn columns(titles: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let mut table = Table::with_left(titles, left);
    for row in rows {
        table.row(row.clone());
    }
    table.render_text()
}

/// The equilibrium as text.
pub(super) fn table(r: &RegionReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "bordersim region | {} | {} replications per crossing, seed {}",
        r.region, r.replications, r.seed
    );
    let _ = writeln!(out, "\nEquilibrium: {}", convergence_line(r));
    let rows: Vec<Vec<String>> = r
        .iterations
        .iter()
        .map(|i| {
            vec![
                i.iteration.to_string(),
                format!("{:.4}", i.gap),
                decimal(i.vehicles_per_day, 0),
            ]
        })
        .collect();
    out.push_str(&columns(&["iteration", "gap", "vehicles/day"], &rows, 0));

    let _ = writeln!(
        out,
        "\nFlows at the crossings (border time: arrival to exit, minutes)"
    );
    let rows: Vec<Vec<String>> = r
        .flows
        .iter()
        .map(|f| {
            vec![
                f.crossing.clone(),
                f.direction.clone(),
                f.class.clone(),
                if f.open {
                    decimal(f.volume_per_day, 0)
                } else {
                    "closed".into()
                },
                format!("{:.1}%", 100.0 * f.share),
                minutes(f.border_time.mean_s),
                minutes(f.border_time.p95_s),
            ]
        })
        .collect();
    out.push_str(&columns(
        &[
            "crossing",
            "direction",
            "class",
            "vehicles/day",
            "share",
            "mean",
            "p95",
        ],
        &rows,
        3,
    ));

    let _ = writeln!(out, "\nTrade per day (cargo value)");
    let rows: Vec<Vec<String>> = r
        .trade
        .sides
        .iter()
        .map(|s| {
            vec![
                s.side.clone(),
                money(s.exports_per_day),
                money(s.imports_per_day),
                signed_money(s.balance_per_day),
                money(s.exports_lost_to_delay_per_day),
            ]
        })
        .collect();
    out.push_str(&columns(
        &[
            "side",
            "exports",
            "imports",
            "balance",
            "exports lost to delay",
        ],
        &rows,
        1,
    ));
    let rows: Vec<Vec<String>> = r
        .trade
        .by_crossing
        .iter()
        .filter(|t| t.value_per_day != 0.0)
        .map(|t| {
            vec![
                t.crossing.clone(),
                t.direction.clone(),
                money(t.value_per_day),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&columns(&["crossing", "direction", "value"], &rows, 2));
    let rows: Vec<Vec<String>> = r
        .trade
        .by_commodity
        .iter()
        .map(|t| {
            vec![
                if t.commodity.is_empty() {
                    "(none)".into()
                } else {
                    t.commodity.clone()
                },
                t.direction.clone(),
                money(t.value_per_day),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&columns(&["commodity", "direction", "value"], &rows, 2));
    // Only when some zone names a country of its own: otherwise every country is a side.
    if r.trade.by_country.len() > r.trade.sides.len() {
        let rows: Vec<Vec<String>> = r
            .trade
            .by_country
            .iter()
            .map(|c| {
                vec![
                    c.country.clone(),
                    money(c.exports),
                    money(c.imports),
                    signed_money(c.balance),
                    money(c.transit),
                ]
            })
            .collect();
        let _ = writeln!(
            out,
            "\nTrade per country (a flow through a side whose country neither sends nor \
             receives it is that country's transit)"
        );
        out.push_str(&columns(
            &["country", "exports", "imports", "balance", "transit"],
            &rows,
            1,
        ));
    }
    let k = &r.costs;
    let _ = writeln!(
        out,
        "\nCost of border time per day: {} vehicle-hours, resource cost {}, cargo time cost {} \
         ({} days a year: resource {} and cargo {} a year)",
        decimal(k.border_vehicle_hours_per_day, 0),
        money(k.resource_cost_per_day),
        money(k.cargo_time_cost_per_day),
        decimal(k.annualisation_days, 1),
        money(k.resource_cost_per_year),
        money(k.cargo_time_cost_per_year),
    );
    let _ = writeln!(
        out,
        "\n  {} crossing simulations, {} events.",
        thousands(r.simulations),
        thousands(r.events)
    );
    out
}

/// The share of all traffic the reform moves, `Σ |reform − baseline| / Σ baseline` over
/// every flow: the measure of the equilibria's gap, so comparable with their tolerance.
pub(super) fn traffic_moved(c: &RegionComparison) -> f64 {
    let moved: f64 = c.shift.flows.iter().map(|f| f.volume_change.abs()).sum();
    let total: f64 = c.shift.flows.iter().map(|f| f.volume_baseline).sum();
    if total > 0.0 { moved / total } else { 0.0 }
}

/// A note when the reform moves less traffic than the equilibria's tolerance: each
/// equilibrium stopped once less than that share of traffic would still move, so a shift
/// this small (printed as 0) is not resolved by them.
pub(super) fn within_tolerance_note(c: &RegionComparison) -> Option<String> {
    let tolerance = c.baseline.tolerance.max(c.reform.tolerance);
    let moved = traffic_moved(c);
    (moved < tolerance).then(|| {
        format!(
            "\n  Note: the reform moves {:.2}% of all traffic, less than the equilibria's \
             tolerance ({}%):\n  each stopped once less than that would still move, so the \
             shift and trade below are within\n  what they resolve — a change of 0 is not \
             evidence of no effect. Lower `tolerance` in\n  the region file to measure it \
             (docs/economics.md, \"Region appraisal\").\n",
            100.0 * moved,
            100.0 * tolerance
        )
    })
}

/// The comparison of two equilibria as text.
pub(super) fn comparison_table(c: &RegionComparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "bordersim compare | region: {} | reform: {} | {} replications per crossing, seed {}",
        c.baseline.region, c.reform_name, c.baseline.replications, c.baseline.seed
    );
    let _ = writeln!(
        out,
        "\nBaseline equilibrium: {}",
        convergence_line(&c.baseline)
    );
    let _ = writeln!(out, "Reform equilibrium:   {}", convergence_line(&c.reform));
    if let Some(note) = within_tolerance_note(c) {
        out.push_str(&note);
    }
    let _ = writeln!(
        out,
        "\nTraffic shift (vehicles/day; border time: mean arrival to exit, minutes)"
    );
    let rows: Vec<Vec<String>> = c
        .shift
        .flows
        .iter()
        .map(|f| {
            vec![
                f.crossing.clone(),
                f.direction.clone(),
                f.class.clone(),
                decimal(f.volume_baseline, 0),
                decimal(f.volume_reform, 0),
                format!("{:+.0}", f.volume_change),
                format!("{:+.1} pts", 100.0 * f.share_change),
                minutes(f.border_mean_baseline_s),
                minutes(f.border_mean_reform_s),
            ]
        })
        .collect();
    out.push_str(&columns(
        &[
            "crossing",
            "direction",
            "class",
            "baseline",
            "reform",
            "change",
            "share",
            "border base",
            "border reform",
        ],
        &rows,
        3,
    ));
    let t = &c.shift.trade;
    let _ = writeln!(out, "\nTrade per day");
    let _ = writeln!(
        out,
        "  created (net change of all trade): {}",
        signed_money(t.created_per_day)
    );
    let _ = writeln!(
        out,
        "  diverted between crossings:        {}",
        money(t.diverted_per_day)
    );
    let rows: Vec<Vec<String>> = t
        .sides
        .iter()
        .map(|s| {
            vec![
                s.side.clone(),
                signed_money(s.exports_change_per_day),
                signed_money(s.imports_change_per_day),
                signed_money(s.balance_change_per_day),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&columns(
        &["side", "exports", "imports", "balance"],
        &rows,
        1,
    ));
    let rows: Vec<Vec<String>> = t
        .by_crossing
        .iter()
        .filter(|x| x.value_per_day != 0.0)
        .map(|x| {
            vec![
                x.crossing.clone(),
                x.direction.clone(),
                signed_money(x.value_per_day),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push('\n');
        out.push_str(&columns(
            &["crossing", "direction", "value change"],
            &rows,
            2,
        ));
    }
    let a = &c.shift.appraisal;
    let _ = writeln!(
        out,
        "\nWhat the reform is worth ({} days a year)",
        decimal(a.annualisation_days, 1)
    );
    let _ = writeln!(
        out,
        "  users' benefit (logsum, behavioural value of time): {} a day, {} a year",
        signed_money(a.user_benefit_per_day),
        signed_money(a.user_benefit_per_year)
    );
    let _ = writeln!(
        out,
        "  delay cost saved (resource {} + cargo {}):  {} a day, {} a year",
        signed_money(a.resource_cost_saved_per_day),
        signed_money(a.cargo_time_cost_saved_per_day),
        signed_money(a.delay_cost_saved_per_day),
        signed_money(a.delay_cost_saved_per_year)
    );
    out.push_str(
        "\n  Both runs use the same seed and replications, and every regional source draws the \
         same\n  candidate vehicles, so the shift is measured on common random numbers.\n",
    );
    out
}

//! `bordersim schema KIND`: the JSON Schema of a kind of config file, generated from the
//! serde types its loader reads. The bundled configs point at committed copies
//! (`schemas/KIND.schema.json`) with a `#:schema` first line, which Taplo and "Even Better
//! TOML" read for completion and hover docs.

use clap::ValueEnum;

use bordersim_config::{SchemaKind, schema_json, serde_schema_json};

use crate::failure::Failure;
use crate::output::print_stdout;

/// `bordersim schema KIND`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Editors that read JSON Schemas for TOML (Taplo, the \"Even Better \
    TOML\" extension) use one named on a file's first line:\n  #:schema \
    ../../schemas/scenario.schema.json\n(a path relative to the file, or a URL)."
)]
pub struct SchemaArgs {
    /// Which kind of file
    #[arg(value_enum)]
    pub kind: Kind,
}

/// The kinds of config file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A scenario file (one crossing)
    Scenario,
    /// A policy file (a reform of a baseline scenario)
    Policy,
    /// A region file (several crossings and the demand between zones)
    Region,
    /// A sweep plan (a study of many points)
    Sweep,
    /// A calibration fit file (`calibrate --fit`: parameters, bounds, shortcuts)
    Fit,
    /// A staffing plan (`optimise-staffing --plan`: objective, lane groups, budgets)
    Plan,
}

/// Prints the schema of `args.kind` to standard output.
///
/// # Errors
///
/// [`Failure`] when standard output cannot be written.
pub fn schema(args: &SchemaArgs) -> Result<(), Failure> {
    print_stdout(schema_text(args.kind).as_bytes())
}

/// The schema of a kind of file as printed (and committed as `schemas/NAME.schema.json`).
pub fn schema_text(kind: Kind) -> String {
    match kind {
        Kind::Scenario => schema_json(SchemaKind::Scenario),
        Kind::Policy => schema_json(SchemaKind::Policy),
        Kind::Region => schema_json(SchemaKind::Region),
        Kind::Sweep => schema_json(SchemaKind::Sweep),
        Kind::Fit => serde_schema_json::<bordersim_calibrate::RawFit>(
            "bordersim fit",
            "A calibration fit file (`bordersim calibrate SCENARIO --observed CSV --fit \
             FILE`): `[fit]` settings, `[[parameter]]` paths with their bounds, `[shortcuts]`; \
             docs/calibration.md describes every key.",
        ),
        Kind::Plan => serde_schema_json::<bordersim_planning::plan::RawPlanFile>(
            "bordersim plan",
            "A staffing plan (`bordersim optimise-staffing SCENARIO --plan FILE`): `[plan]` \
             with its objective, `[[groups]]` of lanes with budgets, bounds and shift rules; \
             docs/planning.md describes every key.",
        ),
    }
}

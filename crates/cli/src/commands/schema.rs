//! `bordersim schema KIND`: the JSON Schema of a kind of config file, generated from the
//! serde types its loader reads. The bundled configs point at committed copies
//! (`schemas/KIND.schema.json`) with a `#:schema` first line, which Taplo and "Even Better
//! TOML" read for completion and hover docs.

use clap::ValueEnum;

use bordersim_config::{SchemaKind, schema_json};

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
}

/// Prints the schema of `args.kind` to standard output.
///
/// # Errors
///
/// [`Failure`] when standard output cannot be written.
pub fn schema(args: &SchemaArgs) -> Result<(), Failure> {
    let kind = match args.kind {
        Kind::Scenario => SchemaKind::Scenario,
        Kind::Policy => SchemaKind::Policy,
        Kind::Region => SchemaKind::Region,
        Kind::Sweep => SchemaKind::Sweep,
    };
    print_stdout(schema_json(kind).as_bytes())
}

//! `bordersim completions SHELL`: a completion script for bash, zsh or fish, generated
//! from the same command-line definition the binary parses.

use clap::{CommandFactory, ValueEnum};
use clap_complete::Shell;

use crate::args::Cli;
use crate::failure::Failure;
use crate::output::print_stdout;

/// `bordersim completions SHELL`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Install, e.g.:\n  bash: bordersim completions bash > \
    ~/.local/share/bash-completion/completions/bordersim\n  zsh:  bordersim completions zsh \
    > ~/.zfunc/_bordersim   (with fpath+=~/.zfunc before compinit)\n  fish: bordersim \
    completions fish > ~/.config/fish/completions/bordersim.fish")]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: CompletionShell,
}

/// The shells a script is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    /// Bash
    Bash,
    /// Zsh
    Zsh,
    /// Fish
    Fish,
}

/// Prints the completion script for `args.shell` to standard output.
///
/// # Errors
///
/// [`Failure`] when standard output cannot be written.
pub fn completions(args: &CompletionsArgs) -> Result<(), Failure> {
    let shell = match args.shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "bordersim", &mut script);
    print_stdout(&script)
}

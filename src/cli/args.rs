//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// copylint: lints the marketing copy of addiction- and behavioral-health treatment centers.
#[derive(Debug, Parser)]
#[command(name = "copylint", version, about, long_about = None)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files, directories (recursively) or `-` for standard input.
    Check(CheckArgs),
    /// List the rules: code, name, severity, summary.
    Rules(RulesArgs),
    /// Show the full documentation of one rule (by code or name).
    Explain(ExplainArgs),
    /// Write a commented starter copylint.toml in the current directory.
    Init,
    /// Run the language server on stdin/stdout (for editors).
    Server,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// rustc-style diagnostics with source snippets.
    Human,
    /// One line per finding: `path:line:col: severity[CODE] message`.
    Concise,
    /// Machine-readable JSON (docs/json-output.md).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One self-contained HTML report page for writers.
    Html,
}

/// How to treat undecodable input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    /// Invalid UTF-8 is an error naming the byte offset.
    Strict,
    /// Invalid sequences become U+FFFD and the file is linted.
    Lossy,
}

/// When to use colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colors when standard output is a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The lowest severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only errors fail.
    Error,
    /// Warnings and errors fail.
    Warning,
    /// Any finding fails.
    Info,
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads standard input. Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Only these rules: codes (C001), prefixes (C, C0) or names; comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules: codes, prefixes or names; comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit with 1 when a finding at or above this severity remains [default: the
    /// configuration's `fail-on`, else warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Use this configuration file for every input instead of the nearest copylint.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Apply safe fixes to the files (atomically), then report what remains.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the fixes as a unified diff without writing anything.
    #[arg(long)]
    pub diff: bool,
    /// When to color human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// File name to report (and pick the format by) for standard input.
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Do not compare assertions across files.
    #[arg(long)]
    pub no_cross_file: bool,
    /// Extra rule files or directories, loaded with the embedded pack.
    #[arg(long = "rules", value_name = "PATH")]
    pub extra_rules: Vec<PathBuf>,
    /// Files larger than this many bytes are reported and skipped.
    #[arg(long, value_name = "BYTES", default_value_t = crate::lint::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// `strict` (invalid UTF-8 is an error) or `lossy` (replace it with U+FFFD).
    #[arg(long, value_enum, default_value_t = Encoding::Strict)]
    pub encoding: Encoding,
    /// Print the number of findings per rule after the output.
    #[arg(long)]
    pub statistics: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

/// Arguments of `rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// Rule code (C001) or name (uncited-evidence-claim).
    pub rule: String,
}

//! copylint: a linter for the marketing copy of addiction- and behavioral-health treatment
//! centers. It flags unsourced medical claims, unsupervised dosing advice, self-contradicting
//! reassurance, missing disclaimers, inducements, stigmatizing language and scraping debris, and
//! prints compiler-style diagnostics.
//!
//! ```
//! use copylint::{lint_source, Engine, Pack, document::Format};
//! let engine = Engine::new(Pack::embedded().expect("embedded pack")).expect("engine");
//! let page = "# Baclofen\n\nStudies show baclofen cures addiction. Recovery starts with treatment.\n";
//! let diags = lint_source(&engine, "page.md", page, Format::Markdown);
//! assert!(diags.iter().any(|d| d.code == "C001"));
//! assert!(diags.iter().any(|d| d.code == "M001"));
//! ```
#![warn(missing_docs)]

/// A regex compiled once per process on the fast path (ASCII word boundaries), for builtin checks.
macro_rules! regex {
    ($src:expr $(,)?) => {{
        static CELL: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        $crate::engine::compile::cached(&CELL, $src)
    }};
}

/// A regex for short texts (see `engine::compile::ShortRegex`), compiled once per process.
macro_rules! short_regex {
    ($src:expr $(,)?) => {{
        static CELL: std::sync::OnceLock<$crate::engine::compile::ShortRegex> = std::sync::OnceLock::new();
        $crate::engine::compile::cached_short(&CELL, $src)
    }};
}

pub mod baseline;
pub(crate) mod bytescan;
pub mod checks;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod document;
pub mod engine;
pub mod error;
pub mod fix;
pub mod lint;
pub mod output;
pub mod pack;
pub mod segment;
pub mod server;
pub mod source;
pub mod suppress;

pub use diagnostic::Diagnostic;
pub use discover::{discover, Input};
pub use engine::Engine;
pub use error::{Error, Result};
pub use lint::{lint_inputs, lint_source, lint_with_profiles, FileReport, Overrides, Profile, Report, RunOptions};
pub use pack::Pack;

/// Base of rule documentation links in JSON output (generated pages under docs/rules/).
pub const DOCS_BASE: &str = "docs/rules/";
/// Absolute base of the same pages, for SARIF `helpUri` (which must be a URI).
pub const DOCS_URL: &str = "https://github.com/copylint/copylint/blob/main/docs/rules/";

//! Output formats: every one is a view of the same [`crate::Report`].

mod concise;
mod github;
mod html_report;
mod human;
mod json;
mod sarif;
mod statistics;
mod stream;

pub use concise::concise;
pub use github::github;
pub use html_report::html_report;
pub use human::{human, ReportFiles};
pub use json::{json, json_to};
pub use sarif::{sarif, sarif_to};
pub use statistics::statistics;

use crate::pack::Severity;
use crate::Report;

/// Counts per severity.
pub fn counts(report: &Report) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for d in report.diagnostics() {
        match d.severity {
            Severity::Error => c.0 += 1,
            Severity::Warning => c.1 += 1,
            Severity::Info => c.2 += 1,
        }
    }
    c
}

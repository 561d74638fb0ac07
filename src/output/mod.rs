//! Output formats: every one is a view of the same [`crate::Report`]. The streamed ones
//! ([`Writer`]) are written a window of files at a time (`window`, in path order), then `finish`
//! with the run's [`Totals`]; the whole-report functions (`json`, `sarif_to`, `human`...) are the
//! same writers over one window, so both give the same text. Within the output, findings that pair
//! two pages (cross-file) come after all the others: a streamed run knows them only at the end.

mod concise;
mod github;
mod html_report;
mod human;
mod json;
mod pretty;
mod sarif;
mod statistics;
mod stream;

pub use concise::{concise, Concise};
pub use github::{github, Github};
pub use html_report::html_report;
pub use human::{human, Human, ReportFiles};
pub use json::{json, json_to, Json};
pub use sarif::{sarif, sarif_to, Sarif};
pub use statistics::statistics;

use std::collections::HashSet;
use std::io::Write;

use crate::pack::Severity;
use crate::{Diagnostic, Report};

/// A format written as the run goes.
pub trait Writer {
    /// Writes the findings of one window of files (in path order).
    fn window(&mut self, report: &Report, out: &mut dyn Write) -> std::io::Result<()>;
    /// Writes what comes after every finding (errors, summary).
    fn finish(&mut self, totals: &Totals, out: &mut dyn Write) -> std::io::Result<()>;
}

/// Running totals of a run, for the summary that ends an output.
#[derive(Debug, Default)]
pub struct Totals {
    /// Files linted or reported unreadable.
    pub files: usize,
    /// Paths with at least one finding.
    pub with_findings: HashSet<String>,
    /// Findings per severity: error, warning, info.
    pub counts: (usize, usize, usize),
    /// Every error (unreadable inputs, missing paths, files that could not be fixed), as shown.
    pub errors: Vec<String>,
}

impl Totals {
    /// The totals of a whole report.
    pub fn of(report: &Report) -> Totals {
        let mut t = Totals { errors: report.errors.iter().map(|e| e.to_string()).collect(), ..Totals::default() };
        t.add(report, true);
        t
    }

    /// Adds a window of files (`new_files`), or findings on files already counted (cross-file).
    pub fn add(&mut self, report: &Report, new_files: bool) {
        if new_files {
            self.files += report.files.len();
        }
        for f in &report.files {
            if !f.diagnostics.is_empty() && !self.with_findings.contains(&f.path) {
                self.with_findings.insert(f.path.clone());
            }
            for d in &f.diagnostics {
                match d.severity {
                    Severity::Error => self.counts.0 += 1,
                    Severity::Warning => self.counts.1 += 1,
                    Severity::Info => self.counts.2 += 1,
                }
            }
            if let Some(e) = &f.error {
                self.errors.push(e.to_string());
            }
        }
    }
}

/// Whether `d` pairs its page with another one.
pub fn is_cross_file(d: &Diagnostic) -> bool {
    d.related.iter().any(|r| r.path != d.path)
}

/// The report's findings in output order, each with the index of its file: per file in path order,
/// then the cross-file ones.
pub fn in_output_order(report: &Report) -> impl Iterator<Item = (usize, &Diagnostic)> {
    let all = || report.files.iter().enumerate().flat_map(|(i, f)| f.diagnostics.iter().map(move |d| (i, d)));
    all().filter(|(_, d)| !is_cross_file(d)).chain(all().filter(|(_, d)| is_cross_file(d)))
}

/// Writes a whole report with `writer`.
pub(crate) fn whole(writer: &mut dyn Writer, report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writer.window(report, out)?;
    writer.finish(&Totals::of(report), out)
}

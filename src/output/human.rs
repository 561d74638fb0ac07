//! rustc-style output through codespan-reporting.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::{Ansi, NoColor, WriteColor};
use codespan_reporting::term::{self};

use super::{Totals, Writer};

use crate::pack::Severity;
use crate::Report;

/// A report's sources seen as codespan files (ids are indices into `report.files`).
pub struct ReportFiles<'a>(pub &'a Report);

impl<'a> Files<'a> for ReportFiles<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.0.files.get(id).map(|f| f.path.as_str()).ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.0.files.get(id).and_then(|f| f.source.as_deref()).map(|s| s.text.as_str()).ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let s = self.0.files.get(id).and_then(|f| f.source.as_deref()).ok_or(FilesError::FileMissing)?;
        Ok(s.line_index(byte_index))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let s = self.0.files.get(id).and_then(|f| f.source.as_deref()).ok_or(FilesError::FileMissing)?;
        let starts = s.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge { given: line_index, max: starts.len() })?;
        let end = starts.get(line_index + 1).copied().unwrap_or(s.text.len());
        Ok(start..end)
    }
}

fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Info => CsSeverity::Note,
    }
}

/// rustc-style diagnostics, then the errors and a summary line.
#[derive(Debug, Clone, Copy)]
pub struct Human {
    /// ANSI colors.
    pub color: bool,
}

impl Human {
    /// Writes the findings of one window of files.
    pub fn window_to(&mut self, report: &Report, out: &mut dyn WriteColor) -> std::io::Result<()> {
        let files = ReportFiles(report);
        let config = term::Config::default();
        let id_of = |path: &str| report.files.iter().position(|f| f.path == path);
        for (fid, d) in super::in_output_order(report) {
            let mut labels = vec![Label::primary(fid, d.span.clone()).with_message(d.label.clone())];
            for r in &d.related {
                if let Some(rid) = id_of(&r.path) {
                    labels.push(Label::secondary(rid, r.span.clone()).with_message(r.message.clone()));
                }
            }
            let mut notes = Vec::new();
            if let Some(h) = &d.help {
                notes.push(format!("help: {h}"));
            }
            if let Some(e) = d.fix.as_ref().and_then(|f| f.edits.first()) {
                notes.push(format!("fix: replace with `{}`", e.replacement));
            }
            notes.push(format!("rule: {} ({}), see `copylint explain {}`", d.name, d.severity.as_str(), d.code));
            let cs = CsDiagnostic::new(severity(d.severity))
                .with_code(d.code.clone())
                .with_message(d.message.clone())
                .with_labels(labels)
                .with_notes(notes);
            term::emit(out, &config, &files, &cs).map_err(std::io::Error::other)?;
        }
        Ok(())
    }

    /// Writes the errors and the summary line.
    pub fn finish_to(&mut self, totals: &Totals, out: &mut dyn WriteColor) -> std::io::Result<()> {
        let none = Report::default();
        let files = ReportFiles(&none);
        let config = term::Config::default();
        for e in &totals.errors {
            let cs = CsDiagnostic::<usize>::error().with_message(e.clone());
            term::emit(out, &config, &files, &cs).map_err(std::io::Error::other)?;
        }
        let (e, w, i) = totals.counts;
        let total = e + w + i;
        if total == 0 {
            writeln!(out, "No problems found in {} file(s).", totals.files)?;
        } else {
            writeln!(
                out,
                "Found {total} problem(s) ({e} error, {w} warning, {i} info) in {} of {} file(s).",
                totals.with_findings.len(),
                totals.files
            )?;
        }
        Ok(())
    }
}

impl Writer for Human {
    fn window(&mut self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if self.color {
            self.window_to(report, &mut Ansi::new(out))
        } else {
            self.window_to(report, &mut NoColor::new(out))
        }
    }

    fn finish(&mut self, totals: &Totals, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if self.color {
            self.finish_to(totals, &mut Ansi::new(out))
        } else {
            self.finish_to(totals, &mut NoColor::new(out))
        }
    }
}

/// Writes every diagnostic of a whole report, then the errors and a summary line.
pub fn human(report: &Report, out: &mut dyn WriteColor) -> std::io::Result<()> {
    let mut w = Human { color: false };
    w.window_to(report, out)?;
    w.finish_to(&Totals::of(report), out)
}

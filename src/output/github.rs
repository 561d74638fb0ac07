//! GitHub Actions workflow commands: `::error file=...,line=...::message`, shown as annotations.

use std::fmt::Write;

use super::stream::to_string;
use super::{in_output_order, whole, Totals, Writer};

use crate::pack::Severity;
use crate::Report;

/// Escapes data per the workflow-command rules.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands (`::warning file=...::message`), one per finding, then errors.
pub struct Github;

impl Writer for Github {
    fn window(&mut self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for (_, d) in in_output_order(report) {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let (a, b) = report
                .source(&d.path)
                .map_or((None, None), |s| (Some(s.position(d.span.start)), Some(s.position(d.span.end))));
            let mut props = format!("file={}", property(&d.path));
            if let (Some(a), Some(b)) = (a, b) {
                let _ = write!(props, ",line={},col={},endLine={},endColumn={}", a.line, a.column, b.line, b.column);
            }
            let _ = write!(props, ",title={}", property(&format!("{} {}", d.code, d.name)));
            writeln!(out, "::{level} {props}::{}", data(&d.message))?;
        }
        Ok(())
    }

    fn finish(&mut self, totals: &Totals, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for e in &totals.errors {
            writeln!(out, "::error title=copylint::{}", data(e))?;
        }
        Ok(())
    }
}

/// Renders a whole report.
pub fn github(report: &Report) -> String {
    to_string(|out| whole(&mut Github, report, out))
}

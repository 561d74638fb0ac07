//! GitHub Actions workflow commands: `::error file=...,line=...::message`, shown as annotations.

use std::fmt::Write;

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

/// Renders one workflow command per diagnostic.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in report.diagnostics() {
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
        let _ = writeln!(out, "::{level} {props}::{}", data(&d.message));
    }
    for e in report.all_errors() {
        let _ = writeln!(out, "::error title=copylint::{}", data(&e.to_string()));
    }
    out
}

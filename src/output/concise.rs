//! `path:line:col: severity[CODE] message`, one line per diagnostic (grep, quickfix lists).

use std::fmt::Write;

use crate::Report;

/// Renders the concise format.
pub fn concise(report: &Report) -> String {
    let mut out = String::new();
    for d in report.diagnostics() {
        let (line, col) = report.source(&d.path).map_or((0, 0), |s| {
            let p = s.position(d.span.start);
            (p.line, p.column)
        });
        let _ = writeln!(out, "{}:{}:{}: {}[{}] {}", d.path, line, col, d.severity.as_str(), d.code, d.message);
    }
    for e in report.all_errors() {
        let _ = writeln!(out, "error: {e}");
    }
    out
}

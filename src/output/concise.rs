//! `path:line:col: severity[CODE] message`, one line per diagnostic (grep, quickfix lists).

use super::stream::to_string;
use super::{in_output_order, whole, Totals, Writer};

use crate::Report;

/// `path:line:col: severity[CODE] message`, one line per finding, then the errors.
pub struct Concise;

impl Writer for Concise {
    fn window(&mut self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for (_, d) in in_output_order(report) {
            let (line, col) = report.source(&d.path).map_or((0, 0), |s| {
                let p = s.position(d.span.start);
                (p.line, p.column)
            });
            writeln!(out, "{}:{}:{}: {}[{}] {}", d.path, line, col, d.severity.as_str(), d.code, d.message)?;
        }
        Ok(())
    }

    fn finish(&mut self, totals: &Totals, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for e in &totals.errors {
            writeln!(out, "error: {e}")?;
        }
        Ok(())
    }
}

/// Renders a whole report.
pub fn concise(report: &Report) -> String {
    to_string(|out| whole(&mut Concise, report, out))
}

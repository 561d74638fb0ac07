//! The JSON format (`--format json`), documented in docs/json-output.md. Version 1.

use std::ops::Range;

use serde_json::{json, Value};

use super::stream::{to_string, ArrayIn};
use super::{in_output_order, whole, Totals, Writer};
use crate::Diagnostic;

use crate::source::SourceFile;
use crate::Report;

fn span(src: Option<&SourceFile>, r: &Range<usize>) -> Value {
    match src {
        Some(s) => json!({ "start": s.position(r.start), "end": s.position(r.end) }),
        None => json!({ "start": { "offset": r.start }, "end": { "offset": r.end } }),
    }
}

/// One diagnostic as a JSON value.
fn diagnostic(report: &Report, d: &Diagnostic) -> Value {
    let src = report.source(&d.path);
    json!({
        "path": d.path,
        "code": d.code,
        "name": d.name,
        "severity": d.severity,
        "message": d.message,
        "label": d.label,
        "span": span(src, &d.span),
        "related": d.related.iter().map(|r| json!({
            "path": r.path,
            "message": r.message,
            "span": span(report.source(&r.path), &r.span),
        })).collect::<Vec<_>>(),
        "help": d.help,
        "fix": d.fix.as_ref().map(|f| json!({
            "edits": f.edits.iter().map(|e| json!({
                "span": span(src, &e.span),
                "replacement": e.replacement,
            })).collect::<Vec<_>>(),
        })),
        "url": d.url,
    })
}

/// The JSON document, written a window at a time.
pub struct Json {
    array: ArrayIn,
}

impl Json {
    /// The document around the diagnostics: `diagnostics` sorts first, so only the summary and
    /// errors, which come after, wait for the end of the run.
    fn skeleton(diagnostics: Value, totals: Option<&Totals>) -> Value {
        let (e, w, i) = totals.map_or((0, 0, 0), |t| t.counts);
        json!({
            "diagnostics": diagnostics,
            "version": 1,
            "tool": { "name": "copylint", "version": env!("CARGO_PKG_VERSION") },
            "errors": totals.map_or(Vec::new(), |t| t.errors.iter().map(|m| json!({ "message": m })).collect()),
            "summary": {
                "files": totals.map_or(0, |t| t.files),
                "diagnostics": e + w + i,
                "errors": e,
                "warnings": w,
                "info": i,
                "unreadable": totals.map_or(0, |t| t.errors.len()),
            },
        })
    }

    /// Starts the document.
    pub fn begin(out: &mut dyn std::io::Write) -> std::io::Result<Json> {
        let array = ArrayIn::new(&Json::skeleton(json!([ArrayIn::hole()]), None));
        array.begin(out)?;
        Ok(Json { array })
    }
}

impl Writer for Json {
    fn window(&mut self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for (_, d) in in_output_order(report) {
            self.array.item(&diagnostic(report, d), out)?;
        }
        Ok(())
    }

    fn finish(&mut self, totals: &Totals, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.array.end(&Json::skeleton(json!([ArrayIn::hole()]), Some(totals)), out)
    }
}

/// Writes the JSON document of a whole report to `out`.
pub fn json_to(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut w = Json::begin(out)?;
    whole(&mut w, report, out)
}

/// Renders the JSON document.
pub fn json(report: &Report) -> String {
    to_string(|out| json_to(report, out))
}

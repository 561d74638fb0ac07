//! The JSON format (`--format json`), documented in docs/json-output.md. Version 1.

use std::ops::Range;

use serde_json::{json, Value};

use super::stream::{to_string, write_pretty, ObjectWith, SeqOf};
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

/// Writes the JSON document to `out`, one diagnostic at a time.
pub fn json_to(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let errors: Vec<Value> = report.all_errors().map(|e| json!({ "message": e.to_string() })).collect();
    let (e, w, i) = super::counts(report);
    let doc = ObjectWith {
        fixed: json!({
            "version": 1,
            "tool": { "name": "copylint", "version": env!("CARGO_PKG_VERSION") },
            "errors": errors,
            "summary": {
                "files": report.files.len(),
                "diagnostics": e + w + i,
                "errors": e,
                "warnings": w,
                "info": i,
                "unreadable": report.all_errors().count(),
            },
        }),
        key: "diagnostics",
        value: SeqOf(|| report.diagnostics().map(|d| diagnostic(report, d))),
    };
    write_pretty(&doc, out)
}

/// Renders the JSON document.
pub fn json(report: &Report) -> String {
    to_string(|out| json_to(report, out))
}

//! The JSON format (`--format json`), documented in docs/json-output.md. Version 1.

use std::ops::Range;

use serde_json::{json, Value};

use crate::source::SourceFile;
use crate::Report;

fn span(src: Option<&SourceFile>, r: &Range<usize>) -> Value {
    match src {
        Some(s) => json!({ "start": s.position(r.start), "end": s.position(r.end) }),
        None => json!({ "start": { "offset": r.start }, "end": { "offset": r.end } }),
    }
}

/// Renders the JSON document.
pub fn json(report: &Report) -> String {
    let diagnostics: Vec<Value> = report
        .diagnostics()
        .map(|d| {
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
        })
        .collect();
    let errors: Vec<Value> = report.all_errors().map(|e| json!({ "message": e.to_string() })).collect();
    let (e, w, i) = super::counts(report);
    let doc = json!({
        "version": 1,
        "tool": { "name": "copylint", "version": env!("CARGO_PKG_VERSION") },
        "diagnostics": diagnostics,
        "errors": errors,
        "summary": {
            "files": report.files.len(),
            "diagnostics": e + w + i,
            "errors": e,
            "warnings": w,
            "info": i,
            "unreadable": report.all_errors().count(),
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

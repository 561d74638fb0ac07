//! The JSON format (`--format json`), documented in docs/json-output.md. Version 1.

use std::ops::Range;

use serde::Serialize;
use serde_json::{json, Value};

use super::stream::{to_string, ArrayIn};
use super::{in_output_order, whole, Totals, Writer};
use crate::Diagnostic;

use crate::source::{Position, SourceFile};
use crate::Report;

/// A span: line and column positions when the source is known, offsets otherwise.
#[derive(Serialize)]
#[serde(untagged)]
enum Span {
    Known { end: Position, start: Position },
    Offsets { end: Offset, start: Offset },
}

#[derive(Serialize)]
struct Offset {
    offset: usize,
}

fn span(src: Option<&SourceFile>, r: &Range<usize>) -> Span {
    match src {
        Some(s) => Span::Known { end: s.position(r.end), start: s.position(r.start) },
        None => Span::Offsets { end: Offset { offset: r.end }, start: Offset { offset: r.start } },
    }
}

/// One diagnostic as JSON. Members are in key order (the order the format has always had), and
/// serialized straight from the report, without building a tree.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    fix: Option<JsonFix<'a>>,
    help: &'a Option<String>,
    label: &'a str,
    message: &'a str,
    name: &'a str,
    path: &'a str,
    related: Vec<JsonRelated<'a>>,
    severity: crate::pack::Severity,
    span: Span,
    url: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    replacement: &'a str,
    span: Span,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    path: &'a str,
    span: Span,
}

fn diagnostic<'a>(report: &Report, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let src = report.source(&d.path);
    JsonDiagnostic {
        code: &d.code,
        fix: d.fix.as_ref().map(|f| JsonFix {
            edits: f.edits.iter().map(|e| JsonEdit { replacement: &e.replacement, span: span(src, &e.span) }).collect(),
        }),
        help: &d.help,
        label: &d.label,
        message: &d.message,
        name: &d.name,
        path: &d.path,
        related: d
            .related
            .iter()
            .map(|r| JsonRelated { message: &r.message, path: &r.path, span: span(report.source(&r.path), &r.span) })
            .collect(),
        severity: d.severity,
        span: span(src, &d.span),
        url: &d.url,
    }
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

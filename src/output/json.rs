//! The JSON format (`--format json`), documented in docs/json-output.md. Version 1.

use std::ops::Range;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{json, Value};

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

/// The document, serialized as it is written: one diagnostic at a time, never the whole tree in
/// memory. Keys in the order a `Value` map would print them (sorted).
struct Document<'a>(&'a Report);

struct Diagnostics<'a>(&'a Report);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.diagnostics().map(|d| diagnostic(self.0, d)))
    }
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let errors: Vec<Value> = report.all_errors().map(|e| json!({ "message": e.to_string() })).collect();
        let (e, w, i) = super::counts(report);
        let mut map = s.serialize_map(Some(5))?;
        map.serialize_entry("diagnostics", &Diagnostics(report))?;
        map.serialize_entry("errors", &errors)?;
        map.serialize_entry(
            "summary",
            &json!({
                "files": report.files.len(),
                "diagnostics": e + w + i,
                "errors": e,
                "warnings": w,
                "info": i,
                "unreadable": report.all_errors().count(),
            }),
        )?;
        map.serialize_entry("tool", &json!({ "name": "copylint", "version": env!("CARGO_PKG_VERSION") }))?;
        map.serialize_entry("version", &1)?;
        map.end()
    }
}

/// Writes the JSON document to `out`.
pub fn json_to(report: &Report, out: &mut impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &Document(report))?;
    out.write_all(b"\n")
}

/// Renders the JSON document.
pub fn json(report: &Report) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail; serialization of these values cannot either.
    let _ = json_to(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

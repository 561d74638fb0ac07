//! The JSON format (`--format json`), documented in docs/json-output.md. Version 1.

use std::ops::Range;

use serde::Serialize;
use serde_json::{json, Value};

use super::pretty::Pretty;
use super::stream::{to_string, ArrayIn};
use super::{in_output_order, whole, Totals, Writer};
use crate::Diagnostic;

use crate::source::{Position, SourceFile};
use crate::Report;

/// A span: line and column positions when the source is known, offsets otherwise.
#[derive(Serialize)]
#[cfg_attr(test, derive(Debug))]
#[serde(untagged)]
enum Span {
    Known { end: Position, start: Position },
    Offsets { end: Offset, start: Offset },
}

#[derive(Serialize)]
#[cfg_attr(test, derive(Debug))]
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

/// Prints `d` as serializing it prints it (the property test below compares the two).
fn print(p: &mut Pretty, d: &JsonDiagnostic) {
    p.object(|p| {
        p.key("\"code\": ");
        p.string(d.code);
        p.key("\"fix\": ");
        match &d.fix {
            None => p.null(),
            Some(fix) => p.object(|p| {
                p.key("\"edits\": ");
                p.array(&fix.edits, |p, e| {
                    p.object(|p| {
                        p.key("\"replacement\": ");
                        p.string(e.replacement);
                        p.key("\"span\": ");
                        print_span(p, &e.span);
                    })
                });
            }),
        }
        p.key("\"help\": ");
        match d.help {
            None => p.null(),
            Some(help) => p.string(help),
        }
        for (key, value) in
            [("\"label\": ", d.label), ("\"message\": ", d.message), ("\"name\": ", d.name), ("\"path\": ", d.path)]
        {
            p.key(key);
            p.string(value);
        }
        p.key("\"related\": ");
        p.array(&d.related, |p, r| {
            p.object(|p| {
                p.key("\"message\": ");
                p.string(r.message);
                p.key("\"path\": ");
                p.string(r.path);
                p.key("\"span\": ");
                print_span(p, &r.span);
            })
        });
        p.key("\"severity\": ");
        p.string(d.severity.as_str());
        p.key("\"span\": ");
        print_span(p, &d.span);
        p.key("\"url\": ");
        p.string(d.url);
    });
}

fn print_span(p: &mut Pretty, span: &Span) {
    let position = |p: &mut Pretty, at: &Position| {
        p.object(|p| {
            for (key, n) in [
                ("\"column\": ", at.column),
                ("\"line\": ", at.line),
                ("\"offset\": ", at.offset),
                ("\"utf16_column\": ", at.utf16_column),
            ] {
                p.key(key);
                p.number(n);
            }
        })
    };
    let offset = |p: &mut Pretty, at: &Offset| {
        p.object(|p| {
            p.key("\"offset\": ");
            p.number(at.offset);
        })
    };
    p.object(|p| match span {
        Span::Known { end, start } => {
            p.key("\"end\": ");
            position(p, end);
            p.key("\"start\": ");
            position(p, start);
        }
        Span::Offsets { end, start } => {
            p.key("\"end\": ");
            offset(p, end);
            p.key("\"start\": ");
            offset(p, start);
        }
    });
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
            let d = diagnostic(report, d);
            self.array.item_printed(|p| print(p, &d), out)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Strings with everything serde_json escapes, and what it leaves alone (`/`, DEL, `é`, U+2028).
    fn text() -> impl Strategy<Value = String> {
        "[a-z \"\\\\/\u{0}-\u{1f}\u{7f}é\u{2028}—]{0,12}"
    }

    fn span() -> impl Strategy<Value = Span> {
        let n = || 0usize..100_000;
        prop_oneof![
            (n(), n(), n(), n(), n(), n(), n(), n()).prop_map(|(a, b, c, d, e, f, g, h)| Span::Known {
                end: Position { column: a, line: b, offset: c, utf16_column: d },
                start: Position { column: e, line: f, offset: g, utf16_column: h },
            }),
            (n(), n()).prop_map(|(a, b)| Span::Offsets { end: Offset { offset: a }, start: Offset { offset: b } }),
        ]
    }

    /// Writes `d` both ways into a document whose array sits `depth` levels deep.
    fn both(d: &JsonDiagnostic, depth: usize) -> (Vec<u8>, Vec<u8>) {
        let mut skeleton = serde_json::json!([ArrayIn::hole()]);
        for _ in 0..depth {
            skeleton = serde_json::json!({ "k": skeleton });
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (out, printed) in [(&mut a, false), (&mut b, true)] {
            let mut array = ArrayIn::new(&skeleton);
            for _ in 0..2 {
                let written = if printed { array.item_printed(|p| print(p, d), out) } else { array.item(d, out) };
                written.unwrap_or_else(|e| panic!("{e}"));
            }
        }
        (a, b)
    }

    proptest! {
        #[test]
        fn printed_diagnostics_are_serialized_diagnostics(
            strings in proptest::collection::vec(text(), 8),
            help in proptest::option::of(text()),
            spans in proptest::collection::vec(span(), 5),
            edits in proptest::option::of(0usize..3),
            related in 0usize..3,
            severity in prop_oneof![
                Just(crate::pack::Severity::Error),
                Just(crate::pack::Severity::Warning),
                Just(crate::pack::Severity::Info),
            ],
            depth in 0usize..12,
        ) {
            let s = |i: usize| strings[i].as_str();
            let at = |i: usize| match &spans[i] {
                Span::Known { end, start } => Span::Known { end: *end, start: *start },
                Span::Offsets { end, start } => {
                    Span::Offsets { end: Offset { offset: end.offset }, start: Offset { offset: start.offset } }
                }
            };
            let d = JsonDiagnostic {
                code: s(0),
                fix: edits.map(|n| JsonFix { edits: (0..n).map(|i| JsonEdit { replacement: s(1), span: at(i) }).collect() }),
                help: &help,
                label: s(2),
                message: s(3),
                name: s(4),
                path: s(5),
                related: (0..related).map(|i| JsonRelated { message: s(6), path: s(7), span: at(i + 2) }).collect(),
                severity,
                span: at(4),
                url: s(6),
            };
            let (serialized, printed) = both(&d, depth);
            prop_assert_eq!(String::from_utf8_lossy(&printed), String::from_utf8_lossy(&serialized));
        }
    }
}

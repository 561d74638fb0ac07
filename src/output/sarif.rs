//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. Columns are UTF-16 code units
//! (`columnKind: utf16CodeUnits`), as GitHub expects.

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::{json, Value};

use super::stream::{to_string, ArrayIn};
use super::{in_output_order, whole, Totals, Writer};
use crate::pack::{Pack, Severity};
use crate::source::SourceFile;
use crate::{Diagnostic, Report};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(src: Option<&SourceFile>, span: &Range<usize>) -> Value {
    match src {
        Some(s) => {
            let (a, b) = (s.position(span.start), s.position(span.end));
            json!({
                "startLine": a.line, "startColumn": a.utf16_column,
                "endLine": b.line, "endColumn": b.utf16_column,
                "charOffset": a.offset, "charLength": b.offset - a.offset,
            })
        }
        None => json!({ "charOffset": span.start, "charLength": span.end - span.start }),
    }
}

fn uri(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}

/// Renders the SARIF log. `pack` supplies rule metadata for every rule that reported.
pub fn sarif(report: &Report, pack: &Pack) -> String {
    to_string(|out| sarif_to(report, pack, out))
}

/// Writes the SARIF log of a whole report to `out`.
pub fn sarif_to(report: &Report, pack: &Pack, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut w = Sarif::begin(pack, out)?;
    whole(&mut w, report, out)
}

/// The SARIF log, written a window at a time: `results` sorts before `tool`, so the rules that
/// reported (indexed in order of first appearance) are written after the results.
pub struct Sarif<'p> {
    pack: &'p Pack,
    array: ArrayIn,
    rule_index: BTreeMap<String, usize>,
    rules: Vec<Value>,
}

impl<'p> Sarif<'p> {
    fn skeleton(rules: Vec<Value>) -> Value {
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "results": [ArrayIn::hole()],
                "tool": { "driver": {
                    "name": "copylint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": crate::DOCS_URL,
                    "rules": rules,
                }},
                "columnKind": "utf16CodeUnits",
            }],
        })
    }

    /// Starts the log.
    pub fn begin(pack: &'p Pack, out: &mut dyn std::io::Write) -> std::io::Result<Sarif<'p>> {
        let array = ArrayIn::new(&Sarif::skeleton(Vec::new()));
        array.begin(out)?;
        Ok(Sarif { pack, array, rule_index: BTreeMap::new(), rules: Vec::new() })
    }

    /// The index of `d`'s rule in the log's rule list (added on first use).
    fn rule(&mut self, d: &Diagnostic) -> usize {
        if let Some(i) = self.rule_index.get(&d.code) {
            return *i;
        }
        let r = self.pack.rule(&d.code);
        self.rule_index.insert(d.code.clone(), self.rules.len());
        self.rules.push(json!({
            "id": d.code,
            "name": d.name,
            "shortDescription": { "text": r.map_or(d.name.as_str(), |r| r.summary.as_str()) },
            "fullDescription": { "text": r.map_or("", |r| r.docs().what.as_str()) },
            "helpUri": format!("{}{}-{}.md", crate::DOCS_URL, d.code, d.name),
            "help": {
                "text": r.map(|r| format!("{}\n\nHow to fix: {}", r.docs().why.trim(), r.docs().fix.trim())).unwrap_or_default(),
                "markdown": r.map(crate::cli::explain::render).unwrap_or_default(),
            },
            "defaultConfiguration": { "level": level(r.map_or(d.severity, |r| r.severity)) },
            "properties": { "tags": [format!("family-{}", d.code.chars().next().unwrap_or('?'))] },
        }));
        self.rules.len() - 1
    }
}

/// One SARIF result.
fn result(report: &Report, d: &Diagnostic, rule_index: usize) -> Value {
    let src = report.source(&d.path);
    let mut result = json!({
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(&d.path) },
                "region": region(src, &d.span),
            }
        }],
        "partialFingerprints": { "copylint/v1": crate::baseline::fingerprint(report, d) },
    });
    if !d.related.is_empty() {
        result["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "id": i,
                    "message": { "text": r.message },
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&r.path) },
                        "region": region(report.source(&r.path), &r.span),
                    }
                })
            })
            .collect();
    }
    if let Some(fix) = &d.fix {
        result["fixes"] = json!([{
            "description": { "text": d.help.clone().unwrap_or_default() },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri(&d.path) },
                "replacements": fix.edits.iter().map(|e| json!({
                    "deletedRegion": region(src, &e.span),
                    "insertedContent": { "text": e.replacement },
                })).collect::<Vec<_>>(),
            }],
        }]);
    }
    result
}

impl Writer for Sarif<'_> {
    fn window(&mut self, report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for (_, d) in in_output_order(report) {
            let index = self.rule(d);
            self.array.item(&result(report, d, index), out)?;
        }
        Ok(())
    }

    fn finish(&mut self, _: &Totals, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.array.end(&Sarif::skeleton(std::mem::take(&mut self.rules)), out)
    }
}

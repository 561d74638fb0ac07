//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. Columns are UTF-16 code units
//! (`columnKind: utf16CodeUnits`), as GitHub expects.

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::{json, Value};

use super::stream::{to_string, write_pretty, ObjectWith, SeqOf};
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

/// Writes the SARIF log to `out`, one result at a time.
pub fn sarif_to(report: &Report, pack: &Pack, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for d in report.diagnostics() {
        if rule_index.contains_key(d.code.as_str()) {
            continue;
        }
        rule_index.insert(&d.code, rules.len());
        let r = pack.rule(&d.code);
        rules.push(json!({
            "id": d.code,
            "name": d.name,
            "shortDescription": { "text": r.map_or(d.name.as_str(), |r| r.summary.as_str()) },
            "fullDescription": { "text": r.map_or("", |r| r.docs.what.as_str()) },
            "helpUri": format!("{}{}-{}.md", crate::DOCS_URL, d.code, d.name),
            "help": {
                "text": r.map(|r| format!("{}\n\nHow to fix: {}", r.docs.why.trim(), r.docs.fix.trim())).unwrap_or_default(),
                "markdown": r.map(crate::cli::explain::render).unwrap_or_default(),
            },
            "defaultConfiguration": { "level": level(r.map_or(d.severity, |r| r.severity)) },
            "properties": { "tags": [format!("family-{}", d.code.chars().next().unwrap_or('?'))] },
        }));
    }
    let result = |d: &Diagnostic| {
        let src = report.source(&d.path);
        let mut result = json!({
            "ruleId": d.code,
            "ruleIndex": rule_index.get(d.code.as_str()).copied().unwrap_or(0),
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
    };
    let run = ObjectWith {
        fixed: json!({
            "tool": { "driver": {
                "name": "copylint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": crate::DOCS_URL,
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
        }),
        key: "results",
        value: SeqOf(|| report.diagnostics().map(result)),
    };
    let log = ObjectWith {
        fixed: json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
        }),
        key: "runs",
        value: [run],
    };
    write_pretty(&log, out)
}

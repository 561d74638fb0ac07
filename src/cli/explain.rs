//! `copylint rules` and `copylint explain`, both from the rules' own declarations.

use std::fmt::Write;

use crate::pack::{Pack, Rule};

/// The rule table (or JSON list).
pub fn rules_table(pack: &Pack, json: bool) -> String {
    if json {
        let list: Vec<_> = pack
            .rules
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code, "name": r.name, "severity": r.severity, "kind": r.kind.as_str(),
                    "summary": r.summary, "url": r.url(),
                })
            })
            .collect();
        return serde_json::to_string_pretty(&list).unwrap_or_default() + "\n";
    }
    let width = pack.rules.iter().map(|r| r.name.len()).max().unwrap_or(4);
    let mut out = String::new();
    let _ = writeln!(out, "{:<5} {:<width$} {:<8} SUMMARY", "CODE", "NAME", "SEVERITY");
    for r in &pack.rules {
        let _ = writeln!(out, "{:<5} {:<width$} {:<8} {}", r.code, r.name, r.severity.as_str(), r.summary);
    }
    let _ = writeln!(out, "\n{} rules. `copylint explain CODE` shows one in full.", pack.rules.len());
    out
}

/// The full documentation of a rule, or `None` if no rule has that code or name.
pub fn explain(pack: &Pack, key: &str) -> Option<String> {
    pack.rule(key).map(render)
}

/// Renders one rule's documentation as Markdown-flavoured text (also used for docs/rules/).
pub fn render(r: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} {}\n", r.code, r.name);
    let _ = writeln!(out, "{}\n", r.summary);
    let _ = writeln!(out, "Severity: {}. Kind: {}.\n", r.severity.as_str(), r.kind.as_str());
    let _ = writeln!(out, "## What it does\n\n{}\n", r.docs().what.trim());
    let _ = writeln!(out, "## Why it matters\n\n{}\n\nAuthority: {}\n", r.docs().why.trim(), r.docs().authority.trim());
    let _ = writeln!(out, "## Example\n\n> {}\n", r.docs().example.trim().replace('\n', "\n> "));
    let _ = writeln!(out, "## How to fix\n\n{}", r.docs().fix.trim());
    if !r.docs().sources.is_empty() {
        let _ = writeln!(out, "\n## Sources\n");
        for s in &r.docs().sources {
            let _ = writeln!(out, "- {s}");
        }
    }
    out
}

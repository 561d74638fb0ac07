//! `--statistics`: how many findings each rule produced.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::Report;

/// A table of counts per rule, most frequent first.
pub fn statistics(report: &Report) -> String {
    let mut counts: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for d in report.diagnostics() {
        *counts.entry((d.code.as_str(), d.name.as_str(), d.severity.as_str())).or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = String::new();
    for ((code, name, sev), n) in rows {
        let _ = writeln!(out, "{n:>5}  {code}  {name} ({sev})");
    }
    out
}

//! Baselines: today's findings recorded by code and content fingerprint (not line number), so a
//! content repository with legacy pages can adopt the gate and see only new findings.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Diagnostic, Error, Report};

/// FNV-1a, stable across platforms and releases (fingerprints are stored in files).
pub(crate) fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn normalized(s: &str) -> String {
    s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// A finding's fingerprint: its code, the matched text (white space and case folded) and the
/// text of its sentence-sized neighbourhood, so moving a paragraph or editing another one
/// leaves it unchanged.
pub fn fingerprint(report: &Report, d: &Diagnostic) -> String {
    let text = report.source(&d.path).map(|s| s.text.as_str()).unwrap_or("");
    let matched = text.get(d.span.clone()).unwrap_or("");
    let line = report.source(&d.path).map(|s| s.line_text(s.line_index(d.span.start))).unwrap_or("");
    let key = format!("{}\u{0}{}\u{0}{}", d.code, normalized(matched), normalized(line));
    format!("{:016x}", fnv(key.as_bytes()))
}

/// One recorded finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// File path as reported.
    pub path: String,
    /// Rule code.
    pub code: String,
    /// Content fingerprint.
    pub fingerprint: String,
}

/// A baseline file.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Baseline {
    /// Format version.
    pub version: u32,
    /// Recorded findings.
    pub findings: Vec<Entry>,
}

impl Baseline {
    /// Records every diagnostic of a report.
    pub fn from_report(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .diagnostics()
            .map(|d| Entry { path: d.path.clone(), code: d.code.clone(), fingerprint: fingerprint(report, d) })
            .collect();
        findings.sort();
        Baseline { version: 1, findings }
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> crate::Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.to_path_buf(), source: e })?;
        serde_json::from_str(&text).map_err(|e| Error::Config {
            file: path.display().to_string(),
            line: e.line(),
            column: e.column(),
            message: format!("invalid baseline: {e}"),
        })
    }

    /// Writes the baseline as pretty JSON.
    pub fn write(&self, path: &Path) -> crate::Result<()> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default() + "\n";
        std::fs::write(path, text).map_err(|e| Error::Io { path: path.to_path_buf(), source: e })
    }

    /// Removes from `report` every diagnostic the baseline records (each entry absorbs one
    /// finding, so a second identical finding is still new). Returns how many were removed.
    pub fn apply(&self, report: &mut Report) -> usize {
        self.budget().apply(report)
    }

    /// What the baseline still excuses, to filter a run a window of files at a time.
    pub fn budget(&self) -> Budget {
        let mut left: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for e in &self.findings {
            *left.entry((e.path.clone(), e.code.clone(), e.fingerprint.clone())).or_default() += 1;
        }
        Budget { left }
    }
}

/// How many findings per (path, code, fingerprint) a baseline still excuses.
#[derive(Debug, Clone, Default)]
pub struct Budget {
    left: BTreeMap<(String, String, String), usize>,
}

impl Budget {
    /// Removes the findings the baseline records from `report`, using up its entries; returns how
    /// many were removed.
    pub fn apply(&mut self, report: &mut Report) -> usize {
        let mut keep: Vec<Vec<bool>> = Vec::with_capacity(report.files.len());
        let mut removed = 0;
        for f in &report.files {
            let mut k = Vec::with_capacity(f.diagnostics.len());
            for d in &f.diagnostics {
                let key = (d.path.clone(), d.code.clone(), fingerprint(report, d));
                match self.left.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        removed += 1;
                        k.push(false);
                    }
                    _ => k.push(true),
                }
            }
            keep.push(k);
        }
        for (f, k) in report.files.iter_mut().zip(keep) {
            let mut it = k.into_iter();
            f.diagnostics.retain(|_| it.next().unwrap_or(true));
        }
        removed
    }
}

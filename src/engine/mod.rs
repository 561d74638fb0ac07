//! The rule engine: compiles a pack once, then lints documents with one scan each.

pub mod analysis;
pub mod compile;
mod cues;
pub mod gates;
pub(crate) mod hir_code;
mod kinds;
mod prefixes;
mod trigrams;

pub use kinds::shown;

use std::ops::Range;

pub use analysis::Analysis;
pub use compile::{Hits, Scale, Scanner};

use crate::document::Document;
use crate::pack::{MatcherId, Pack, Rule, Severity};

/// A rule's finding in document-text coordinates, before it becomes a [`crate::Diagnostic`].
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the rule in the pack.
    pub rule: usize,
    /// Primary span (document text).
    pub span: Range<usize>,
    /// Severity after cue downgrades.
    pub severity: Severity,
    /// Message arguments.
    pub args: Vec<(&'static str, String)>,
    /// Secondary spans in the same document with their labels.
    pub related: Vec<(Range<usize>, String)>,
    /// Further uses of the same problem on the page (once-per-page rules).
    pub repeats: Vec<Range<usize>>,
    /// Safe edits (replacements of spans); empty when the rule has no fix.
    pub fix: Vec<(Range<usize>, String)>,
    /// Label on the primary span (defaults to the rule's summary).
    pub label: Option<String>,
    /// Whether `span` is already a source span (metadata) rather than a document-text span.
    pub in_source: bool,
}

impl Finding {
    /// A finding with no arguments.
    pub fn new(rule: usize, span: Range<usize>, severity: Severity) -> Finding {
        Finding {
            rule,
            span,
            severity,
            args: Vec::new(),
            related: Vec::new(),
            repeats: Vec::new(),
            fix: Vec::new(),
            label: None,
            in_source: false,
        }
    }

    /// Adds a message argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Finding {
        self.args.push((name, value.into()));
        self
    }
}

/// A normalized assertion kept for cross-document conflicts.
#[derive(Debug, Clone)]
pub struct Assertion {
    /// The conflict rule.
    pub rule: usize,
    /// Drug id the assertion is about.
    pub subject: Option<String>,
    /// Reassuring (`true`) or contradicting (`false`).
    pub low: bool,
    /// Span in document text.
    pub span: Range<usize>,
    /// Whether it already met its opposite on its own page.
    pub paired: bool,
    /// A figure the assertion states (dose ceilings and toxic doses); when both sides carry
    /// one, they conflict only if the contradicting figure is at or below the reassuring one.
    pub value: Option<f64>,
}

/// Lexicon matchers the cue layer and the gates need.
#[derive(Debug, Clone, Default)]
pub struct CueLexicons {
    pub(crate) negation: Vec<MatcherId>,
    pub(crate) pseudo_negation: Vec<MatcherId>,
    pub(crate) hedge: Vec<MatcherId>,
    pub(crate) conditional: Vec<MatcherId>,
    pub(crate) supervision: Vec<MatcherId>,
    pub(crate) source: Vec<MatcherId>,
    pub(crate) clause_break: Vec<MatcherId>,
    pub(crate) reported: Vec<MatcherId>,
    pub(crate) scoped_normal: Vec<MatcherId>,
    pub(crate) scoped_high: Vec<MatcherId>,
    pub(crate) medical: Vec<MatcherId>,
    pub(crate) dose: Vec<MatcherId>,
    pub(crate) health: Vec<MatcherId>,
}

impl CueLexicons {
    fn from_pack(pack: &Pack) -> crate::Result<CueLexicons> {
        let get = |name: &str| -> crate::Result<Vec<MatcherId>> {
            pack.lexicon(name).map(|id| vec![id]).ok_or_else(|| {
                crate::Error::Pack(format!("the cue layer needs a lexicon named `{name}` (rules/lexicons/)"))
            })
        };
        Ok(CueLexicons {
            negation: get("negation")?,
            pseudo_negation: get("pseudo_negation")?,
            hedge: get("hedge")?,
            conditional: get("conditional")?,
            supervision: get("supervision")?,
            source: get("source")?,
            clause_break: get("clause_break")?,
            reported: get("reported")?,
            scoped_normal: get("scoped_normal")?,
            scoped_high: get("scoped_high")?,
            medical: get("medical_topic")?,
            dose: get("dose")?,
            health: get("health_topic")?,
        })
    }
}

/// What linting one document yields.
#[derive(Debug, Default)]
pub struct DocOutcome {
    /// Findings, sorted by position.
    pub findings: Vec<Finding>,
    /// Assertions for cross-document conflicts.
    pub assertions: Vec<Assertion>,
}

/// A compiled pack with the set of enabled rules.
#[derive(Debug)]
pub struct Engine {
    pack: Pack,
    scanner: Scanner,
    cues: CueLexicons,
    enabled: Vec<bool>,
}

impl Engine {
    /// Compiles `pack` with every rule enabled.
    pub fn new(pack: Pack) -> crate::Result<Engine> {
        Engine::with_scale(pack, Scale::Throughput)
    }

    /// Compiles `pack` for the amount of text it will lint (see [`Scale`]).
    pub fn with_scale(pack: Pack, scale: Scale) -> crate::Result<Engine> {
        let scanner = Scanner::new(&pack, scale)?;
        let cues = CueLexicons::from_pack(&pack)?;
        let enabled = vec![true; pack.rules.len()];
        Ok(Engine { pack, scanner, cues, enabled })
    }

    /// The pack.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// The scanner (for statistics).
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// Enables only the rules for which `keep` returns true.
    pub fn retain(&mut self, keep: impl Fn(&Rule) -> bool) {
        for (i, r) in self.pack.rules.iter().enumerate() {
            self.enabled[i] = keep(r);
        }
    }

    /// Whether rule `i` is enabled.
    pub fn is_enabled(&self, i: usize) -> bool {
        self.enabled.get(i).copied().unwrap_or(false)
    }

    /// Lints one document.
    pub fn lint(&self, doc: &Document) -> DocOutcome {
        self.lint_timed(doc).0
    }

    /// Lints one document and reports how long the scan and everything after it took (for the
    /// bench: the cue layer, rule kinds and assertions are the part after the scan).
    pub fn lint_timed(&self, doc: &Document) -> (DocOutcome, std::time::Duration, std::time::Duration) {
        let t = std::time::Instant::now();
        let hits = self.scanner.scan(&doc.text);
        let scan = t.elapsed();
        let t = std::time::Instant::now();
        let a = Analysis::new(doc, &self.pack, &hits, &self.cues);
        let mut out = DocOutcome::default();
        for (i, rule) in self.pack.rules.iter().enumerate() {
            if self.enabled[i] && a.gate_open(rule.gate) {
                kinds::run(&a, i, rule, &mut out);
            }
        }
        out.findings.sort_by(|x, y| {
            (x.span.start, x.span.end, &self.pack.rules[x.rule].code).cmp(&(
                y.span.start,
                y.span.end,
                &self.pack.rules[y.rule].code,
            ))
        });
        let rest = t.elapsed();
        (out, scan, rest)
    }
}

//! The rule pack: rules, lexicons and facts loaded from TOML, validated, ready to compile.
//! The default pack is embedded at build time from `rules/`.

mod load;
pub(crate) mod schema;
mod snapshot;

use std::collections::BTreeMap;

pub use schema::{Docs, FactEntry, Test};

/// Diagnostic severity, ordered `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Editorial or verify-by-hand.
    Info,
    /// Should be fixed before publishing.
    Warning,
    /// Likely legal or patient-safety exposure.
    Error,
}

impl Severity {
    /// Parses `error`, `warning` or `info`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// How a rule decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    /// Fires on every literal phrase that survives the cue layer.
    Phrase,
    /// Fires on every regex match that survives the cue layer.
    Pattern,
    /// Fires on a trigger with no satisfier within a scope.
    Requires,
    /// Fires once when the page lacks required content.
    Document,
    /// Fires when reassuring and contradicting assertions about one subject meet.
    Conflict,
    /// Code-backed structural check, declared in the pack.
    Builtin,
    /// Reported by the pipeline itself (suppression bookkeeping), declared for docs and selection.
    Meta,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "phrase" => Kind::Phrase,
            "pattern" => Kind::Pattern,
            "requires" => Kind::Requires,
            "document" => Kind::Document,
            "conflict" => Kind::Conflict,
            "builtin" => Kind::Builtin,
            "meta" => Kind::Meta,
            _ => return None,
        })
    }

    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Phrase => "phrase",
            Kind::Pattern => "pattern",
            Kind::Requires => "requires",
            Kind::Document => "document",
            Kind::Conflict => "conflict",
            Kind::Builtin => "builtin",
            Kind::Meta => "meta",
        }
    }
}

/// Where a satisfier or companion is looked for, relative to the trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Scope {
    /// The trigger's sentence.
    Sentence,
    /// The trigger's sentence or the one before it in the same block.
    SentenceOrPrevious,
    /// The trigger's sentence or the one after it in the same block.
    SentenceOrNext,
    /// The trigger's block.
    Paragraph,
    /// From the trigger's section heading to the next heading.
    Section,
    /// Anywhere on the page.
    Document,
}

/// Parses a scope name (`sentence`, `paragraph`, ...).
pub fn scope_from_str(s: &str) -> Option<Scope> {
    Scope::parse(s)
}

impl Scope {
    fn parse(s: &str) -> Option<Scope> {
        Some(match s {
            "sentence" => Scope::Sentence,
            "sentence-or-previous" => Scope::SentenceOrPrevious,
            "sentence-or-next" => Scope::SentenceOrNext,
            "paragraph" => Scope::Paragraph,
            "section" => Scope::Section,
            "document" => Scope::Document,
            _ => return None,
        })
    }
}

/// Which pages a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Gate {
    /// Every page.
    None,
    /// Pages about medications, doses, withdrawal, detox or overdose.
    Medical,
    /// Medical pages and pages about addiction treatment and recovery.
    Health,
}

/// Context cues found around a match (ConText/NegEx style).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u16)]
pub enum Cue {
    /// A negation governs the match ("not", "never", "without", ...).
    Negated = 1,
    /// Hedged ("may", "might", "some studies", ...).
    Hedged = 2,
    /// Conditional or hypothetical ("if", "when misused", "at high doses").
    Conditional = 4,
    /// Medical supervision is named in the sentence or the one before.
    Supervised = 8,
    /// A citation, link or named source backs the sentence.
    Cited = 16,
    /// The match stands inside quotation marks.
    Quoted = 32,
    /// Reported belief rather than assertion ("was believed", "a myth that").
    Reported = 64,
    /// Scoped to normal, prescribed use ("as prescribed", "at normal doses").
    ScopedNormal = 128,
    /// Scoped to misuse or high doses ("at high doses", "when misused").
    ScopedHigh = 256,
}

impl Cue {
    /// All cues, for parsing and docs.
    pub const ALL: [(&'static str, Cue); 9] = [
        ("negated", Cue::Negated),
        ("hedged", Cue::Hedged),
        ("conditional", Cue::Conditional),
        ("supervised", Cue::Supervised),
        ("cited", Cue::Cited),
        ("quoted", Cue::Quoted),
        ("reported", Cue::Reported),
        ("scoped-normal", Cue::ScopedNormal),
        ("scoped-high", Cue::ScopedHigh),
    ];

    fn parse(s: &str) -> Option<Cue> {
        Cue::ALL.iter().find(|(n, _)| *n == s).map(|(_, c)| *c)
    }
}

/// A set of [`Cue`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct CueSet(pub u16);

impl CueSet {
    /// Every cue.
    pub const ALL: CueSet = CueSet(u16::MAX);

    /// The set of `cues`.
    pub const fn of(cues: &[Cue]) -> CueSet {
        let (mut bits, mut i) = (0, 0);
        while i < cues.len() {
            bits |= cues[i] as u16;
            i += 1;
        }
        CueSet(bits)
    }

    /// The cues of either set.
    pub fn union(self, other: CueSet) -> CueSet {
        CueSet(self.0 | other.0)
    }
    /// The cues of `self` not in `other`.
    pub fn without(self, other: CueSet) -> CueSet {
        CueSet(self.0 & !other.0)
    }
    /// Adds a cue.
    pub fn insert(&mut self, c: Cue) {
        self.0 |= c as u16;
    }
    /// Whether the set has `c`.
    pub fn has(self, c: Cue) -> bool {
        self.0 & c as u16 != 0
    }
    /// Whether the two sets share a cue.
    pub fn intersects(self, other: CueSet) -> bool {
        self.0 & other.0 != 0
    }
    /// The names of the cues in the set.
    pub fn names(self) -> Vec<&'static str> {
        Cue::ALL.iter().filter(|(_, c)| self.has(*c)).map(|(n, _)| *n).collect()
    }
}

/// Index of a matcher (a set of phrases and patterns) in [`Pack::matchers`].
pub type MatcherId = usize;

/// Phrases and patterns of one matcher, before compilation.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct MatcherDef {
    /// Literal phrases: case-insensitive, whole words.
    pub phrases: Vec<String>,
    /// Regular expressions (case-insensitive unless they say otherwise).
    pub patterns: Vec<String>,
    /// Where each pattern was declared (`file:line:column`), for error messages.
    pub origins: Vec<String>,
    /// Whether each pattern comes from the embedded pack (checked by the test suite, so compiled
    /// on first use rather than at start-up).
    pub embedded: Vec<bool>,
}

/// What satisfies a `requires` or `document` rule.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Satisfier {
    /// Matchers whose hits satisfy.
    pub matchers: Vec<MatcherId>,
    /// Cues that satisfy.
    pub cues: CueSet,
    /// Where to look.
    pub scope: Scope,
}

/// A conflict rule's assertion forms.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ConflictSpec {
    /// Topic name (for messages and cross-file grouping).
    pub topic: String,
    /// Label on the contradicting span.
    pub label: String,
    /// Reassuring forms.
    pub low: Vec<MatcherId>,
    /// Contradicting forms.
    pub high: Vec<MatcherId>,
    /// Whether a negated high form is a low assertion.
    pub negated_high_is_low: bool,
    /// A sentence with one of these is scoped out of the topic (jurisdiction, formulation).
    pub unless: Vec<MatcherId>,
}

/// One rule, validated.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Rule {
    /// Stable code, e.g. `C001`.
    pub code: String,
    /// Kebab-case name, e.g. `uncited-evidence-claim`.
    pub name: String,
    /// How it decides.
    pub kind: Kind,
    /// Default severity.
    pub severity: Severity,
    /// One line for `copylint rules`.
    pub summary: String,
    /// Message template (`{match}`, `{drug}`, `{other}` and check-specific names).
    pub message: String,
    /// How to fix it, shown as `= help:`.
    pub help: Option<String>,
    /// Which pages it applies to.
    pub gate: Gate,
    /// Cues that drop a match.
    pub silence: CueSet,
    /// Cues that lower the severity.
    pub downgrade: Option<(CueSet, Severity)>,
    /// Trigger matchers.
    pub trigger: Vec<MatcherId>,
    /// Companion that must also occur, and where.
    pub with: Option<(Vec<MatcherId>, Scope)>,
    /// Matches overlapping these are dropped.
    pub exclude: Vec<MatcherId>,
    /// Satisfier for `requires` / `document`.
    pub requires: Option<Satisfier>,
    /// Assertion forms for `conflict`.
    pub conflict: Option<ConflictSpec>,
    /// Builtin check id.
    pub check: Option<String>,
    /// Safe replacements keyed by lower-case matched text.
    pub fix: BTreeMap<String, String>,
    /// Free-form options for builtin checks.
    pub options: BTreeMap<String, toml::Value>,
    /// Documentation: [`Rule::docs`].
    #[serde(skip)]
    pub(crate) docs: std::sync::OnceLock<Docs>,
    /// Test cases.
    pub tests: Vec<Test>,
    /// The file it came from.
    pub origin: String,
}

impl Rule {
    /// Its documentation. A run reads the embedded rule files without their `[docs]` tables (a
    /// third of the text); an embedded rule's are read from the binary the first time they are
    /// asked for (`explain`, SARIF).
    pub fn docs(&self) -> &Docs {
        self.docs.get_or_init(|| Pack::embedded_docs(&self.origin).unwrap_or_default())
    }

    /// The family letter (first character of the code).
    pub fn family(&self) -> char {
        self.code.chars().next().unwrap_or('?')
    }

    /// Link to the rule's generated documentation page.
    pub fn url(&self) -> String {
        // Once per diagnostic: `concat` sizes the string once, where `format!` cost ~1,300
        // instructions (1.6% of a run over 10 MB of Markdown pages).
        [crate::DOCS_BASE, &self.code, "-", &self.name, ".md"].concat()
    }

    /// A numeric option for a builtin check, or `default`.
    pub fn option_f64(&self, key: &str, default: f64) -> f64 {
        match self.options.get(key) {
            Some(toml::Value::Integer(i)) => *i as f64,
            Some(toml::Value::Float(f)) => *f,
            _ => default,
        }
    }
}

/// One drug of the lexicon.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Drug {
    /// Canonical id (generic name).
    pub id: String,
    /// Matcher over its names.
    pub matcher: MatcherId,
}

/// Facts table; each entry carries its own source and date.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Facts {
    /// Facts by drug id.
    #[serde(with = "dated")]
    pub by_drug: BTreeMap<String, FactEntry>,
}

/// Facts with the date of their file (which a facts file gives once, not per entry, so that
/// [`FactEntry`] does not read it), for the pack snapshot.
mod dated {
    use super::FactEntry;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(facts: &BTreeMap<String, FactEntry>, s: S) -> Result<S::Ok, S::Error> {
        facts.iter().map(|(drug, f)| (drug, (f, &f.as_of))).collect::<BTreeMap<_, _>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, FactEntry>, D::Error> {
        let dated = BTreeMap::<String, (FactEntry, String)>::deserialize(d)?;
        Ok(dated.into_iter().map(|(drug, (f, as_of))| (drug, FactEntry { as_of, ..f })).collect())
    }
}

/// A loaded, validated rule pack.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Pack {
    /// Rules in code order.
    pub rules: Vec<Rule>,
    /// All matchers (rules' and lexicons').
    pub matchers: Vec<MatcherDef>,
    /// Named lexicon matchers.
    pub lexicons: BTreeMap<String, MatcherId>,
    /// Drug lexicon.
    pub drugs: Vec<Drug>,
    /// Facts table.
    pub facts: Facts,
}

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// An embedded pattern as build.rs prepared it (see `engine::gates`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prepared {
    /// The source the regex engine compiles (ASCII word classes, case folding).
    pub src: &'static str,
    /// Gating literal sets: a match contains a literal of each.
    pub gates: &'static [&'static [&'static str]],
    /// Phrase sets (see `engine::gates::Gates`).
    pub phrases: &'static [&'static [&'static str]],
    /// The characters no match contains (they end its search unit).
    pub delimiters: &'static str,
    /// `src` parsed ([`crate::engine::hir_code`]; empty if it does not parse).
    pub hir: &'static [u8],
    /// Whether the first phrase set gates it in evenly spaced text (`engine::gates::Gates`).
    pub phrase_gate: bool,
}

#[cfg(test)]
impl Prepared {
    /// Its gates, owned (the test that build.rs prepared each pattern as the engine would).
    pub(crate) fn gates(&self) -> crate::engine::gates::Gates {
        let owned = |sets: &[&[&str]]| sets.iter().map(|s| s.iter().map(|l| l.to_string()).collect()).collect();
        crate::engine::gates::Gates {
            parts: owned(self.gates),
            phrases: owned(self.phrases),
            phrase_gate: self.phrase_gate,
        }
    }
}

impl Pack {
    /// The default pack embedded in the binary.
    pub fn embedded() -> crate::Result<Pack> {
        Pack::from_files(EMBEDDED.iter().copied())
    }

    /// An embedded pattern as build.rs prepared it: compiled source and its syntax tree, gating
    /// literal sets and the characters that end its search unit.
    pub(crate) fn prepared(pattern: &str) -> Option<Prepared> {
        let i = PREPARED.binary_search_by(|(p, ..)| (*p).cmp(pattern)).ok()?;
        let (_, src, gates, phrases, delimiters, hir, phrase_gate) = PREPARED[i];
        Some(Prepared { src, gates, phrases, delimiters, hir, phrase_gate })
    }

    /// The default pack as a run loads it: without its docs and rule tests (see
    /// [`Pack::embedded_run_files`]), from the snapshot build.rs vouches for when it can
    /// (`snapshot.rs`), else from the rule files.
    pub fn embedded_for_run() -> crate::Result<Pack> {
        match snapshot::load() {
            Some(pack) => Ok(pack),
            None => Pack::from_files(Pack::embedded_run_files()),
        }
    }

    /// The embedded files `(path, text)`.
    pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
        EMBEDDED
    }

    /// The embedded files as a run loads them: without their docs and rule tests (a rule file
    /// ends with its `[docs]` table, then its `[[test]]` tables; build.rs checked that cutting them
    /// off leaves the rest unchanged), half the TOML to parse at every start. [`Pack::embedded`]
    /// keeps them.
    pub fn embedded_run_files() -> impl Iterator<Item = (&'static str, &'static str)> {
        EMBEDDED.iter().zip(EMBEDDED_RUN_LEN).map(|((p, t), &n)| (*p, t.get(..n).unwrap_or(t)))
    }

    /// The docs of the embedded rule file at `path` (its `[docs]` table, parsed alone).
    fn embedded_docs(path: &str) -> Option<Docs> {
        let (_, text) = Pack::embedded_files()
            .iter()
            .zip(EMBEDDED_RUN_LEN)
            .find(|((p, _), _)| *p == path)
            .map(|((p, t), &n)| (p, t.get(n..).unwrap_or("")))?;
        let end = text.find("\n[[test]]").map_or(text.len(), |i| i + 1);
        toml::from_str::<schema::DocsTable>(&text[..end]).ok().map(|t| t.docs)
    }

    /// Loads a pack from `(path, text)` pairs: `lexicons/`, `facts/` and rule files.
    pub fn from_files<P: Into<String>, T: Into<String>>(
        files: impl IntoIterator<Item = (P, T)>,
    ) -> crate::Result<Pack> {
        load::load(files.into_iter().map(|(p, t)| (p.into(), t.into())).collect())
    }

    /// Finds a rule by code or name.
    pub fn rule(&self, key: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
    }

    /// A lexicon matcher by name.
    pub fn lexicon(&self, name: &str) -> Option<MatcherId> {
        self.lexicons.get(name).copied()
    }

    /// Adds phrases and patterns to a named lexicon (from configuration). Unknown lexicon or an
    /// invalid pattern is an error.
    pub fn extend_lexicon(&mut self, name: &str, phrases: &[String], patterns: &[String]) -> crate::Result<()> {
        let id = self.lexicon(name).ok_or_else(|| crate::Error::Pack(format!("no lexicon `{name}` to extend")))?;
        for p in patterns {
            regex_syntax::Parser::new()
                .parse(p)
                .map_err(|e| crate::Error::Pack(format!("invalid regex `{p}`: {e}")))?;
        }
        let def = &mut self.matchers[id];
        def.phrases.extend(phrases.iter().filter(|p| !p.trim().is_empty()).cloned());
        def.patterns.extend(patterns.iter().cloned());
        def.origins.extend(patterns.iter().map(|_| format!("configuration lexicon `{name}`")));
        def.embedded.extend(patterns.iter().map(|_| false));
        Ok(())
    }
}

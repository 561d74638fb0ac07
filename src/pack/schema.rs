//! The on-disk shape of rule files and lexicons (serde). Validation lives in `load.rs`.
#![allow(missing_docs)] // serde shapes; the validated model in pack/mod.rs is documented

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// One rule file: `rules/<family>/<CODE>-<name>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub code: Spanned<String>,
    pub name: Spanned<String>,
    pub kind: Spanned<String>,
    pub severity: Spanned<String>,
    pub summary: String,
    pub message: String,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub gate: Option<Spanned<String>>,
    #[serde(default)]
    pub silence: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub downgrade: Option<Downgrade>,
    #[serde(default)]
    pub check: Option<Spanned<String>>,
    #[serde(default)]
    pub trigger: Option<Matcher>,
    #[serde(default)]
    pub with: Option<Matcher>,
    #[serde(default)]
    pub exclude: Option<Matcher>,
    #[serde(default)]
    pub requires: Option<Matcher>,
    #[serde(default)]
    pub conflict: Option<Conflict>,
    #[serde(default)]
    pub fix: Option<Fix>,
    #[serde(default)]
    pub options: Option<Spanned<BTreeMap<String, toml::Value>>>,
    /// Required; a run reads the embedded files without it (see `Pack::embedded_run_files`).
    #[serde(default)]
    pub docs: Option<Docs>,
    #[serde(default, rename = "test")]
    pub tests: Vec<Test>,
}

/// Literal phrases (case-insensitive, whole words), regular expressions and named lexicons.
/// The same table shape serves `[trigger]`, `[with]`, `[exclude]`, `[requires]` and the
/// conflict sides; `load.rs` checks which of `cues` and `scope` each table may have.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    /// Named lexicon matchers to include (`drug`, `dose`, `supervision`, ...).
    #[serde(default)]
    pub lexicons: Vec<Spanned<String>>,
    /// `[requires]` only: cue classes that satisfy (e.g. `supervised`, `cited`).
    #[serde(default)]
    pub cues: Vec<Spanned<String>>,
    /// `[with]` (default: sentence) and `[requires]` (required): where to look.
    #[serde(default)]
    pub scope: Option<Spanned<String>>,
}

/// A topic with reassuring (`low`) and contradicting (`high`) assertion forms.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    pub topic: String,
    /// Label on the secondary span.
    pub label: String,
    pub low: Matcher,
    pub high: Matcher,
    /// Whether a negated `high` form counts as a `low` assertion ("is not addictive").
    #[serde(default)]
    pub negated_high_is_low: bool,
    /// Sentences containing these are not assertions of the topic.
    #[serde(default)]
    pub unless: Option<Matcher>,
}

/// A safe replacement, keyed by the matched phrase (lower case).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    pub replace: BTreeMap<String, String>,
}

/// Cues that lower the severity instead of silencing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Downgrade {
    pub cues: Vec<Spanned<String>>,
    pub severity: Spanned<String>,
}

/// The rule's documentation; `copylint explain` prints it.
#[derive(Debug, Deserialize, Clone, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What the rule flags.
    pub what: String,
    /// Why it matters, with the public source.
    pub why: String,
    /// The kind of authority behind the rule: law, platform policy, certification standard,
    /// professional ethics, clinical guidance, style guidance, editorial.
    pub authority: String,
    /// Copy that triggers it.
    pub example: String,
    /// How to fix it.
    pub fix: String,
    #[serde(default)]
    /// Public sources (section names of the regulatory anchors).
    pub sources: Vec<String>,
}

/// A test case carried by the rule file.
#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Test {
    /// Input text.
    pub text: String,
    /// Codes expected from this rule (empty: must stay silent).
    pub expect: Vec<String>,
    /// `md`, `html` or `txt` (default).
    #[serde(default)]
    pub format: Option<String>,
    /// Configuration (copylint.toml text) to lint the case with.
    #[serde(default)]
    pub config: Option<String>,
}

/// The `[docs]` table of a rule file alone.
#[derive(Debug, Deserialize)]
pub struct DocsTable {
    pub docs: Docs,
}

/// `rules/lexicons/*.toml`: named word lists shared by rules and the cue layer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconFile {
    #[serde(default, rename = "lexicon")]
    pub lexicons: Vec<LexiconEntry>,
    #[serde(default, rename = "drug")]
    pub drugs: Vec<DrugEntry>,
}

/// One named lexicon.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconEntry {
    pub name: Spanned<String>,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
}

/// One drug with its names (generic and brand).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugEntry {
    pub id: String,
    pub names: Vec<Spanned<String>>,
}

/// `rules/facts/*.toml`: dated, sourced facts about medications.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactsFile {
    pub as_of: String,
    pub source: String,
    #[serde(rename = "fact")]
    pub facts: Vec<FactEntry>,
}

/// Facts about one drug.
#[derive(Debug, Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct FactEntry {
    /// Drug id from the drug lexicon.
    pub drug: String,
    /// US federal schedule: "none", "I".."V".
    pub schedule: String,
    #[serde(default)]
    /// States that schedule it although it is not federally controlled.
    pub state_schedules: Vec<String>,
    #[serde(default)]
    /// Indication ids it is FDA-approved for.
    pub approved_for: Vec<String>,
    #[serde(default)]
    /// Indication ids it is not FDA-approved for.
    pub not_approved_for: Vec<String>,
    #[serde(default)]
    /// Drug classes it belongs to.
    pub classes: Vec<String>,
    #[serde(default)]
    /// Drug classes it does not belong to.
    pub not_classes: Vec<String>,
    /// Where the facts come from.
    pub source: String,
    /// Date of the file the entry came from (filled at load).
    #[serde(skip)]
    pub as_of: String,
}

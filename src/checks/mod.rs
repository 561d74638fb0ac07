//! Code-backed structural checks. Each is declared in a rule file (`kind = "builtin"`,
//! `check = "<id>"`) that carries its code, message, docs and tests; the Rust function holds only
//! the logic. `tests/pack.rs` asserts every id here has exactly one declaration and vice versa.

mod attribution;
mod consistency;
mod disclaimer;
mod editorial;

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::engine::compile::ASCII_FOLDS;
use crate::engine::{Analysis, DocOutcome};
use crate::pack::Rule;

/// A builtin check: reads the analysis, pushes findings for rule `idx`.
pub type CheckFn = fn(&Analysis, usize, &Rule, &mut DocOutcome);

/// Every builtin check, by id.
pub const BUILTINS: &[(&str, CheckFn)] = &[
    ("empty_list_lead_in", editorial::empty_list_lead_in),
    ("dangling_citation_marker", editorial::dangling_citation_marker),
    ("duplicated_paragraph", editorial::duplicated_paragraph),
    ("keyword_stuffing", editorial::keyword_stuffing),
    ("reviewer_attribution", attribution::reviewer_attribution),
    ("author_credentials", attribution::author_credentials),
    ("incomplete_disclaimer", disclaimer::incomplete_disclaimer),
    ("off_label_without_disclosure", disclaimer::off_label_without_disclosure),
    ("dose_figure_conflict", consistency::dose_figure_conflict),
    ("drug_class_conflict", consistency::drug_class_conflict),
    ("facts_mismatch", consistency::facts_mismatch),
    ("fda_status", consistency::fda_status),
];

/// A whole-text regex with words one of which every match contains. A page must mention one (a
/// cheap test: one automaton pass) before the regex is compiled for it: a page or a few that never
/// do never pay for compiling it. Once compiled, the regex runs on every page (its own literal
/// search is as quick as the test).
pub(crate) struct Gated {
    words: &'static [&'static str],
    src: &'static str,
    gate: OnceLock<Option<AhoCorasick>>,
    regex: OnceLock<Regex>,
}

impl Gated {
    pub(crate) const fn new(words: &'static [&'static str], src: &'static str) -> Gated {
        Gated { words, src, gate: OnceLock::new(), regex: OnceLock::new() }
    }

    /// The regex, compiled now if it was not.
    pub(crate) fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| crate::engine::compile::fast_regex(self.src))
    }

    /// The regex, unless it is not compiled yet and cannot match `text`.
    pub(crate) fn for_text(&self, text: &str) -> Option<&Regex> {
        match self.regex.get() {
            Some(re) => Some(re),
            None => self.may_match(text).then(|| self.regex()),
        }
    }

    /// Whether `text` may contain one of the words case-insensitively. Unicode case folding maps
    /// only the [`ASCII_FOLDS`] characters onto ASCII letters: a text with one may match any word;
    /// in any other text a case-insensitive match is an ASCII case-insensitive one.
    fn may_match(&self, text: &str) -> bool {
        let gate = self.gate.get_or_init(|| {
            AhoCorasick::builder().ascii_case_insensitive(true).build(self.words.iter().chain(&ASCII_FOLDS)).ok()
        });
        gate.as_ref().is_none_or(|a| a.is_match(text))
    }
}

/// Compiles the builtin checks' regexes that every page needs now. A run calls it on a spare thread
/// at start-up, so that compiling them (~3 ms) overlaps loading the pack instead of following it.
/// The gated ones (dose figures, drug classes) follow, by [`warm_for`].
pub fn warm_up() {
    attribution::warm();
    disclaimer::warm();
    crate::engine::analysis::warm();
}

/// Compiles the gated regexes (see `Gated`) that the files at `paths` may need, or all of them
/// (`None`: a large run, where some page will).
pub fn warm_for(paths: Option<Vec<std::path::PathBuf>>) {
    let Some(paths) = paths else {
        consistency::warm_gated(None);
        return;
    };
    for path in paths {
        // Markup and all: a superset of the page's text. A file that cannot be read as UTF-8 here
        // has its regexes compiled when it is linted, if it needs them.
        if let Ok(text) = std::fs::read_to_string(&path) {
            consistency::warm_gated(Some(&text));
        }
    }
}

/// Whether a builtin check with this id exists.
pub fn exists(id: &str) -> bool {
    get(id).is_some()
}

/// The check with this id.
pub fn get(id: &str) -> Option<CheckFn> {
    BUILTINS.iter().find(|(n, _)| *n == id).map(|(_, f)| *f)
}

#[cfg(test)]
mod tests {
    use super::Gated;
    use proptest::prelude::*;

    #[test]
    fn mentions_ignore_ascii_case_and_distrust_unicode_folds() {
        let mentions = |text: &str, words: &'static [&'static str]| Gated::new(words, "x").may_match(text);
        assert!(mentions("Take 5 MG daily", &["mg"]));
        assert!(mentions("it is an Opioid.", &["benzodiazepine", "opioid"]));
        assert!(!mentions("no dose units here", &["mg", "milligrams"]));
        assert!(!mentions("m g", &["mg"]));
        // `ſ` folds to `s` and the Kelvin sign to `k`: such a text may match words it does not spell.
        assert!(mentions("a ſtimulant", &["stimulant"]));
        assert!(mentions("\u{212A}", &["opioid"]));
    }

    #[test]
    fn a_gated_regex_compiles_for_the_first_page_with_its_words() {
        let gated = Gated::new(&["opioid"], r"(?i)\bopioids?\b");
        assert!(gated.for_text("nothing to see").is_none() && gated.regex.get().is_none());
        assert!(gated.for_text("an Opioid").is_some_and(|re| re.is_match("an Opioid")));
        assert!(gated.for_text("nothing to see").is_some(), "once compiled, it runs on every page");
    }

    /// Separators between the parts of a generated text.
    pub(super) const SEPARATORS: &[&str] = &["", " ", " ", "\n", ". ", ", "];

    /// Every text a regex matches passes its gate. Texts are one to three runs of `slots`, one
    /// choice per slot (its language's parts, in several cases, with `ſ` and the Kelvin sign, and
    /// near misses), so that many of them match.
    pub(super) fn gate_is_sound(gated: &Gated, slots: &[&[&'static str]]) {
        let re = gated.regex();
        let run: Vec<_> = slots.iter().map(|s| prop::sample::select(s.to_vec())).collect();
        let text = proptest::collection::vec(run, 1..4).prop_map(|v| v.concat().concat());
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(3000));
        let outcome = runner.run(&text, |t| {
            prop_assert!(!re.is_match(&t) || gated.may_match(&t), "{t:?} matches {re} but misses {:?}", gated.words);
            Ok(())
        });
        if let Err(e) = outcome {
            panic!("{e}");
        }
    }
}

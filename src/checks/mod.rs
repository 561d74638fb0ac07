//! Code-backed structural checks. Each is declared in a rule file (`kind = "builtin"`,
//! `check = "<id>"`) that carries its code, message, docs and tests; the Rust function holds only
//! the logic. `tests/pack.rs` asserts every id here has exactly one declaration and vice versa.

mod attribution;
mod consistency;
mod disclaimer;
mod editorial;

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

/// Whether `text` may contain one of `words` (ASCII lowercase) case-insensitively: a cheap test a
/// whole-text regex must pass before it runs (and is compiled), exact when every match of the
/// regex contains one of the words. Unicode case folding maps only `ſ` and the Kelvin sign onto
/// ASCII letters (`s` and `k`): a text with either may match any word; in any other text a
/// case-insensitive match is an ASCII case-insensitive one.
pub(crate) fn mentions_any(text: &str, words: &[&str]) -> bool {
    let hay = text.as_bytes();
    if memchr::memmem::find(hay, "\u{17F}".as_bytes()).is_some()
        || memchr::memmem::find(hay, "\u{212A}".as_bytes()).is_some()
    {
        return true;
    }
    words.iter().any(|w| {
        let w = w.as_bytes();
        let Some(&first) = w.first() else { return true };
        memchr::memchr2_iter(first, first.to_ascii_uppercase(), hay)
            .any(|i| hay.get(i..i + w.len()).is_some_and(|h| h.eq_ignore_ascii_case(w)))
    })
}

/// Compiles the builtin checks' regexes that every page needs now. A run calls it on a spare thread
/// at start-up, so that compiling them (~3 ms) overlaps loading the pack instead of following it.
/// The dose and drug-class regexes compile for the first page that mentions their words.
pub fn warm_up() {
    attribution::warm();
    disclaimer::warm();
    crate::engine::analysis::warm();
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
    use super::mentions_any;
    use proptest::prelude::*;

    #[test]
    fn mentions_ignore_ascii_case_and_distrust_unicode_folds() {
        assert!(mentions_any("Take 5 MG daily", &["mg"]));
        assert!(mentions_any("it is an Opioid.", &["benzodiazepine", "opioid"]));
        assert!(!mentions_any("no dose units here", &["mg", "milligrams"]));
        assert!(!mentions_any("m g", &["mg"]));
        // `ſ` folds to `s` and the Kelvin sign to `k`: such a text may match words it does not spell.
        assert!(mentions_any("a ſtimulant", &["stimulant"]));
        assert!(mentions_any("\u{212A}", &["opioid"]));
    }

    /// Separators between the parts of a generated text.
    pub(super) const SEPARATORS: &[&str] = &["", " ", " ", "\n", ". ", ", "];

    /// Every text a regex matches passes its gate. Texts are one to three runs of `slots`, one
    /// choice per slot (its language's parts, in several cases, with `ſ` and the Kelvin sign, and
    /// near misses), so that many of them match.
    pub(super) fn gate_is_sound(re: &regex::Regex, words: &[&str], slots: &[&[&'static str]]) {
        let run: Vec<_> = slots.iter().map(|s| prop::sample::select(s.to_vec())).collect();
        let text = proptest::collection::vec(run, 1..4).prop_map(|v| v.concat().concat());
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(3000));
        let outcome = runner.run(&text, |t| {
            prop_assert!(!re.is_match(&t) || mentions_any(&t, words), "{t:?} matches {re} but misses {words:?}");
            Ok(())
        });
        if let Err(e) = outcome {
            panic!("{e}");
        }
    }
}

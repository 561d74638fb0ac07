//! Code-backed structural checks. Each is declared in a rule file (`kind = "builtin"`,
//! `check = "<id>"`) that carries its code, message, docs and tests; the Rust function holds only
//! the logic. `tests/pack.rs` asserts every id here has exactly one declaration and vice versa.

mod attribution;
mod consistency;
mod disclaimer;
mod editorial;

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::engine::compile::{Groups, ASCII_FOLDS};
use crate::engine::{Analysis, DocOutcome, Hits};
use crate::pack::Rule;
use regex_automata::{meta, Input};

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

/// The gated regexes whose words the scanner finds ([`scanned_words`]).
static SCANNED: [&Gated; 4] =
    [&consistency::CEILING, &consistency::TOXIC, &consistency::CLASS_CLAIM, &disclaimer::MARKER];

/// The word lists of the [`Gated`] regexes the scanner finds on every page ([`Hits::words`]), in
/// [`SCANNED`] order: a page's words come from its one literal pass, not from a search of the
/// page per regex.
pub(crate) fn scanned_words() -> [&'static [&'static str]; 4] {
    SCANNED.map(|g| g.words)
}

/// A whole-text regex with words (none holding a `.`) one of which every match contains. A page
/// must mention one (a cheap test: one literal search) before the regex is compiled for it: a page
/// or a few that never do never pay for compiling it. Once compiled, the regex runs on every page.
///
/// The regex matches `.` only as a decimal point (`\d\.\d`), so every match lies between two full
/// stops that are not: [`Gated::captures`] searches only the stretches between such stops that
/// hold one of the words. The tests of each check compare that with a whole-text search.
pub(crate) struct Gated {
    words: &'static [&'static str],
    src: &'static str,
    words_ac: OnceLock<Option<AhoCorasick>>,
    regex: OnceLock<meta::Regex>,
}

impl Gated {
    pub(crate) const fn new(words: &'static [&'static str], src: &'static str) -> Gated {
        Gated { words, src, words_ac: OnceLock::new(), regex: OnceLock::new() }
    }

    /// The regex, compiled now if it was not.
    pub(crate) fn regex(&self) -> &meta::Regex {
        self.regex.get_or_init(|| crate::engine::compile::text_regex(self.src))
    }

    /// The regex, unless it is not compiled yet and cannot match `text`.
    pub(crate) fn for_text(&self, text: &str) -> Option<&meta::Regex> {
        match self.regex.get() {
            Some(re) => Some(re),
            None => self.may_match(text).then(|| self.regex()),
        }
    }

    /// The words, ASCII case-insensitive, leftmost first (as the alternation `(?i-u:w1|w2|...)`
    /// finds them), in one small automaton (`None`: it could not be built), for a text the scanner
    /// has not scanned.
    fn words_automaton(&self) -> Option<&AhoCorasick> {
        self.words_ac
            .get_or_init(|| {
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostFirst)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(self.words)
                    .ok()
            })
            .as_ref()
    }

    /// Compiles what a run over many pages searches them with: the regex (their words come from
    /// the scan, [`Gated::captures_scanned`]).
    pub(crate) fn warm_for_throughput(&self) {
        self.regex();
    }

    /// Where the words occur, leftmost first and not overlapping (`None`: no searcher could be
    /// built).
    fn find_words(&self, text: &str) -> Option<Vec<std::ops::Range<usize>>> {
        Some(self.words_automaton()?.find_iter(text).map(|m| m.range()).collect())
    }

    /// Whether `text` may contain one of the words case-insensitively. Unicode case folding maps
    /// only the [`ASCII_FOLDS`] characters onto ASCII letters: a text with one may match any word;
    /// in any other text a case-insensitive match is an ASCII case-insensitive one.
    fn may_match(&self, text: &str) -> bool {
        if has_fold(text) {
            return true;
        }
        self.words_automaton().is_none_or(|ac| ac.is_match(text))
    }

    /// Where the scanner found its words in the text `hits` are of (`None`: it is not one of
    /// [`SCANNED`]).
    fn scanned<'h>(&self, hits: &'h Hits) -> Option<&'h [std::ops::Range<usize>]> {
        SCANNED.iter().position(|g| std::ptr::eq(*g, self)).map(|k| hits.words(k))
    }

    /// The regex, unless it is not compiled yet and `text`, whose words the scan found (`hits`),
    /// has none ([`Gated::for_text`]).
    pub(crate) fn for_scanned(&self, text: &str, hits: &Hits) -> Option<&meta::Regex> {
        match (self.regex.get(), self.scanned(hits)) {
            (Some(re), _) => Some(re),
            (None, Some(words)) => (!words.is_empty() || hits.has_fold()).then(|| self.regex()),
            (None, None) => self.for_text(text),
        }
    }

    /// [`Gated::captures`] for a text the scanner has scanned (`hits`): its words found there.
    pub(crate) fn captures_scanned<'t>(&self, text: &'t str, hits: &Hits) -> Vec<Groups<'t>> {
        let Some(words) = self.scanned(hits) else { return self.captures(text) };
        let Some(re) = self.for_scanned(text, hits) else { return Vec::new() };
        if hits.has_fold() {
            return all_captures(re, text);
        }
        self.captures_in(re, text, Self::stretches_of(text, words.iter().cloned()))
    }

    /// The regex's `captures_iter(text)` (none when it cannot match `text`, [`Gated::for_text`]):
    /// the same matches in the same order, from searching only the stretches that hold a word,
    /// each on its own.
    pub(crate) fn captures<'t>(&self, text: &'t str) -> Vec<Groups<'t>> {
        let Some(re) = self.for_text(text) else { return Vec::new() };
        let Some(stretches) = self.stretches(text) else { return all_captures(re, text) };
        self.captures_in(re, text, stretches)
    }

    /// The matches of `re` in `stretches` of `text`, each searched on its own.
    fn captures_in<'t>(
        &self,
        re: &meta::Regex,
        text: &'t str,
        stretches: Vec<std::ops::Range<usize>>,
    ) -> Vec<Groups<'t>> {
        let mut out = Vec::new();
        for stretch in stretches {
            // Cut at the stop: `\b` sees the end of the text there as it sees a `.`, and the
            // search from `at` sees the text before it.
            let hay = &text[..stretch.end];
            let mut at = stretch.start;
            loop {
                let mut caps = re.create_captures();
                re.search_captures(&Input::new(hay).range(at..), &mut caps);
                let Some(m) = caps.get_match() else { break };
                if m.is_empty() {
                    // An empty match resumes differently; these regexes have none.
                    return all_captures(re, text);
                }
                at = m.end();
                out.push(Groups::new(text, caps));
            }
        }
        out
    }

    /// The stretches of `text` between full stops that are not decimal points and that hold one of
    /// the words, in order; `None` when the text has an [`ASCII_FOLDS`] character (it may spell a
    /// word another way) or no searcher for the words could be built.
    fn stretches(&self, text: &str) -> Option<Vec<std::ops::Range<usize>>> {
        if has_fold(text) {
            return None;
        }
        Some(Self::stretches_of(text, self.find_words(text)?.into_iter()))
    }

    /// The stretches between full stops that hold `words` (by start; overlapping ones allowed).
    fn stretches_of(text: &str, words: impl Iterator<Item = std::ops::Range<usize>>) -> Vec<std::ops::Range<usize>> {
        let bytes = text.as_bytes();
        let mut stretches: Vec<std::ops::Range<usize>> = Vec::new();
        for m in words {
            // Words hold no `.`: a word that overlaps one already found, or starts in its stretch,
            // is in it.
            if stretches.last().is_some_and(|s| m.start < s.end) {
                continue;
            }
            stretches.push(stop_before(bytes, m.start)..stop_after(bytes, m.end));
        }
        stretches
    }
}

/// Every match of `re` in `text`, with its groups, as `captures_iter` finds them.
pub(crate) fn all_captures<'t>(re: &meta::Regex, text: &'t str) -> Vec<Groups<'t>> {
    re.captures_iter(text).map(|caps| Groups::new(text, caps)).collect()
}

/// Whether `hay` holds `needle` (lowercase ASCII), ASCII case aside. The places to compare are
/// found by a vectorized search for its first byte in both cases: comparing at every position
/// (`windows(n).any(eq_ignore_ascii_case)`) was 2% of a run over 10 MB of pages.
pub(crate) fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else { return true };
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), hay)
        .any(|i| hay.get(i + 1..i + needle.len()).is_some_and(|h| h.eq_ignore_ascii_case(rest)))
}

/// Whether `text` has a character that case-folds onto an ASCII letter ([`ASCII_FOLDS`]).
fn has_fold(text: &str) -> bool {
    ASCII_FOLDS.iter().any(|f| text.contains(f))
}

/// Whether the `.` at `i` ends a stretch: it is not between two characters that may be digits
/// (ASCII digits and, to be safe, any non-ASCII character: `\d` is Unicode).
fn is_stop(bytes: &[u8], i: usize) -> bool {
    let digit_like = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_digit() || !b.is_ascii());
    !(i > 0 && digit_like(bytes.get(i - 1)) && digit_like(bytes.get(i + 1)))
}

/// The start of the stretch holding `at`: just past the last stop before it, or 0.
fn stop_before(bytes: &[u8], at: usize) -> usize {
    let mut end = at;
    while let Some(i) = memchr::memrchr(b'.', &bytes[..end]) {
        if is_stop(bytes, i) {
            return i + 1;
        }
        end = i;
    }
    0
}

/// The end of the stretch holding `at`: the first stop at or after it, or the end of the text.
fn stop_after(bytes: &[u8], at: usize) -> usize {
    let mut from = at;
    while let Some(i) = memchr::memchr(b'.', &bytes[from..]).map(|i| i + from) {
        if is_stop(bytes, i) {
            return i;
        }
        from = i + 1;
    }
    bytes.len()
}

/// Compiles the builtin checks' regexes that every page needs, in the order a page's lint asks for
/// them (the analysis's, the disclaimer marker, then reviewer and author lines). A run calls it on
/// a spare thread at start-up, so that compiling them (~2 ms) overlaps loading the pack instead of
/// following it; a lint that gets to one first compiles it itself. The regexes only some pages
/// need follow, by [`warm_for`].
pub fn warm_up() {
    crate::engine::analysis::warm();
    disclaimer::warm();
    attribution::warm();
}

/// Compiles the regexes only some pages need (reference entries, the gated ones, see `Gated`,
/// disclaimer clauses, credentials) that the files at `paths` may need, or all of them (`None`: a
/// large run, where some page will). Compiling one a page does not need costs a core the lint
/// could use: a single page's run took 6% longer when every one was compiled.
pub fn warm_for(paths: Option<Vec<std::path::PathBuf>>) {
    let Some(paths) = paths else {
        crate::engine::analysis::warm_for(None);
        consistency::warm_gated(None);
        disclaimer::warm_for(None);
        attribution::warm_for(None);
        return;
    };
    for path in paths {
        // Markup and all: a superset of the page's text. A file that cannot be read as UTF-8 here
        // has its regexes compiled when it is linted, if it needs them.
        if let Ok(text) = std::fs::read_to_string(&path) {
            // The analysis, which every check reads, needs its regexes first.
            crate::engine::analysis::warm_for(Some(&text));
            consistency::warm_gated(Some(&text));
            disclaimer::warm_for(Some(&text));
            attribution::warm_for(Some(&text));
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

    proptest! {
        /// The same answer as comparing at every position, on texts and needles over a few
        /// letters in both cases, digits and punctuation (so needles recur, overlap and nearly
        /// match), needles cut from the text included.
        #[test]
        fn contains_ignore_ascii_case_compares_where_a_window_would(
            text in proptest::collection::vec(prop::sample::select(b"aAbB -1\xC3\xA9".to_vec()), 0..200),
            needle in proptest::collection::vec(prop::sample::select(b"ab -1".to_vec()), 0..6),
            piece in (0usize..200, 0usize..8),
        ) {
            let windowed = |n: &[u8]| n.is_empty() || text.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
            let start = piece.0.min(text.len());
            let cut = text[start..(start + piece.1).min(text.len())].to_ascii_lowercase();
            for n in [needle, cut] {
                prop_assert_eq!(super::contains_ignore_ascii_case(&text, &n), windowed(&n), "{:?} in {:?}", n, text);
            }
        }
    }

    #[test]
    fn a_gated_regex_compiles_for_the_first_page_with_its_words() {
        let gated = Gated::new(&["opioid"], r"(?i)\bopioids?\b");
        assert!(gated.for_text("nothing to see").is_none() && gated.regex.get().is_none());
        assert!(gated.for_text("an Opioid").is_some_and(|re| re.is_match("an Opioid")));
        assert!(gated.for_text("nothing to see").is_some(), "once compiled, it runs on every page");
    }

    /// Runs `check` on 3,000 texts of one to three runs of `slots`, one choice per slot (its
    /// language's parts, in several cases, with `ſ` and the Kelvin sign, and near misses), so that
    /// many of them match.
    pub(super) fn for_generated_texts(slots: &[&[&'static str]], check: impl Fn(String) -> Result<(), TestCaseError>) {
        let run: Vec<_> = slots.iter().map(|s| prop::sample::select(s.to_vec())).collect();
        let text = proptest::collection::vec(run, 1..4).prop_map(|v| v.concat().concat());
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(3000));
        if let Err(e) = runner.run(&text, check) {
            panic!("{e}");
        }
    }

    /// The scanner's words for `gated` (one of [`super::SCANNED`]) in `t`: a text has
    /// them exactly when the words' own search finds one, and they make the same stretches.
    pub(super) fn scanned_words_agree(gated: &Gated, t: &str, hits: &crate::engine::Hits) -> Result<(), TestCaseError> {
        let words = gated.scanned(hits).unwrap_or_else(|| panic!("{:?} is not scanned", gated.words));
        prop_assert_eq!(hits.has_fold(), super::has_fold(t), "{:?}", t);
        if !super::has_fold(t) {
            prop_assert_eq!(words.is_empty(), !gated.may_match(t), "{:?}", t);
            let own = gated.stretches(t).unwrap_or_default();
            prop_assert_eq!(Gated::stretches_of(t, words.iter().cloned()), own, "{:?}", t);
        }
        Ok(())
    }

    /// A scanner for the tests' texts.
    pub(super) fn engine() -> crate::Engine {
        crate::Engine::new(crate::Pack::embedded().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Gated::captures`] finds what `captures_iter` over the whole text finds, every group
    /// included, on generated texts, and so does [`Gated::captures_scanned`] from the scanner's
    /// words; and the words' two searchers find the same words.
    pub(super) fn stretches_find_all(gated: &Gated, slots: &[&[&'static str]]) {
        let engine = engine();
        let re = gated.regex();
        assert!(gated.words.iter().all(|w| !w.contains('.')), "a word with a stop: {:?}", gated.words);
        let spans = |c: &super::Groups| c.ranges();
        let (texts, matched) = (std::cell::Cell::new(0usize), std::cell::Cell::new(0usize));
        let Some(automaton) = gated.words_automaton() else { panic!("no searcher for {:?}", gated.words) };
        // What the automaton stands for: the words as one alternation.
        let alternation: Vec<String> = gated.words.iter().map(|w| regex::escape(w)).collect();
        let words = regex::Regex::new(&format!("(?i-u:{})", alternation.join("|"))).unwrap_or_else(|e| panic!("{e}"));
        for_generated_texts(slots, |t| {
            let whole: Vec<_> = super::all_captures(re, &t).iter().map(spans).collect();
            let found: Vec<_> = gated.captures(&t).iter().map(spans).collect();
            prop_assert_eq!(&found, &whole, "{:?}", t);
            let hits = engine.scanner().scan(&t);
            let scanned: Vec<_> = gated.captures_scanned(&t, &hits).iter().map(spans).collect();
            prop_assert_eq!(&scanned, &whole, "{:?}", t);
            scanned_words_agree(gated, &t, &hits)?;
            // The automaton finds the words as the alternation does.
            let by_automaton: Vec<_> = automaton.find_iter(&t).map(|m| m.range()).collect();
            let by_regex: Vec<_> = words.find_iter(&t).map(|m| m.range()).collect();
            prop_assert_eq!(by_automaton, by_regex, "{:?}", t);
            texts.set(texts.get() + 1);
            matched.set(matched.get() + usize::from(!whole.is_empty()));
            Ok(())
        });
        let (texts, matched) = (texts.get(), matched.get());
        assert!(matched * 20 >= texts, "only {matched} of {texts} texts match {}: the test shows little", gated.src);
    }

    #[test]
    fn stretches_end_at_stops_that_are_not_decimal_points() {
        let gated = Gated::new(&["mg"], r"(?i)\b\d+(?:\.\d+)?\s?mg\b");
        let text = "Take 2.5 mg. Then ٣.٥ mg! Dr. Who, 10mg.5 mg. No dose. 1.5 MG";
        let stretches = gated.stretches(text).unwrap_or_default();
        let shown: Vec<&str> = stretches.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(shown, ["Take 2.5 mg", " Then ٣.٥ mg! Dr", " Who, 10mg", "5 mg", " 1.5 MG"]);
        assert_eq!(gated.stretches("a ſ and 5 mg"), None, "a fold character: the whole text");
    }

    /// Separators between the parts of a generated text.
    pub(super) const SEPARATORS: &[&str] = &["", " ", " ", "\n", ". ", ", ", ".", "1.", "."];

    /// Every text a regex matches passes its gate, on generated texts.
    pub(super) fn gate_is_sound(gated: &Gated, slots: &[&[&'static str]]) {
        let re = gated.regex();
        for_generated_texts(slots, |t| {
            prop_assert!(
                !re.is_match(&t) || gated.may_match(&t),
                "{t:?} matches {} but misses {:?}",
                gated.src,
                gated.words
            );
            Ok(())
        });
    }
}

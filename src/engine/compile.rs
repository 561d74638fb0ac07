//! Compiles every matcher of the pack into ONE literal set, built once per process: all literal
//! phrases, plus the gating literals of every pattern, found in one pass over a text
//! ([`PrefixSet`]). A pattern runs only over the
//! units where a literal of each of its gating parts occurs: the stretch of a line (a block of
//! visible text) between two characters the pattern can never match (`.`, `,`, `;`, ...). A page
//! pays for the few patterns it can match, and a pattern is compiled the first time a page needs
//! it (without the regex engine's own prefilter: the gate already found its literals). A run over
//! a few pages builds no literal set: each page indexes itself instead ([`Scale::StartUp`]).

use std::borrow::Cow;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::OnceLock;

use memchr::memmem::Finder;
use regex::{Regex, RegexBuilder};
use regex_automata::{meta, Input};

pub use super::gates::ascii_words;
use super::gates::{case_insensitive, collapsed, gate_literals, unit_delimiters};
use super::hir_code;
use super::prefixes::PrefixSet;
use super::trigrams::TrigramIndex;
use crate::bytescan::{self, AnyOf};
use crate::pack::{MatcherId, Pack};

/// Size limit for user regexes (a huge pattern is a config error, not a hang).
const REGEX_SIZE_LIMIT: usize = 1 << 23;

/// What a scanner is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// Much text (a corpus, a language server): the fastest search.
    #[default]
    Throughput,
    /// Little text (a page or a few, as an editor or a pre-commit hook asks): the cheapest build.
    /// No literal set is built for the first few pages: their literals are found through a trigram
    /// index of each (`TrigramIndex`; a text longer than `SMALL_TEXT`, or a further page, gets
    /// the [`PrefixSet`]). A
    /// pattern is compiled only for a unit that also holds its phrases (`Pattern::has_also`),
    /// and then to its forward NFA alone (searched by a backtracker; no reverse NFA, no
    /// lazy DFA), so a page pays less to start than it would save by searching faster.
    StartUp,
}

/// What a literal of the scan stands for.
#[derive(Debug, Clone, Copy)]
enum Entry {
    /// A literal phrase of a matcher.
    Phrase(PhraseInfo),
    /// A literal of the most selective required part of pattern `.0`: the pattern may match in a
    /// unit that has one (and a literal of each of its other required parts, [`Pattern::also`]).
    Gate(usize),
    /// A phrase of the first phrase set of pattern `.0`, which gates it in evenly spaced units at
    /// throughput scale ([`Pattern::phrase_gated`]).
    PhraseGate(usize),
    /// A character that Unicode case folding matches to an ASCII letter (ſ for s, K for k): the
    /// literals of Unicode-folded patterns miss it, so those patterns run over the whole text.
    Fold,
}

/// The non-ASCII characters whose simple case folding reaches an ASCII letter.
pub(crate) const ASCII_FOLDS: [&str; 2] = ["\u{17F}", "\u{212A}"];

/// Literal phrase metadata for a literal of the scan.
#[derive(Debug, Clone, Copy)]
struct PhraseInfo {
    matcher: MatcherId,
    /// Whether the phrase starts / ends with a word character (then a boundary is required).
    bound_start: bool,
    bound_end: bool,
}

/// The compiled scanner.
#[derive(Debug)]
pub struct Scanner {
    /// The distinct literals: phrases, gating literals and [`ASCII_FOLDS`].
    literals: Vec<String>,
    /// `literals` filed for the scan, built with the scanner for throughput. At start-up scale the
    /// first [`INDEXED_PAGES`] texts up to [`SMALL_TEXT`] are searched through a [`TrigramIndex`]
    /// of their own instead, and the set is built only if a longer text or more texts come.
    set: OnceLock<PrefixSet>,
    /// Texts searched through a [`TrigramIndex`] so far.
    indexed: AtomicUsize,
    /// What each literal stands for: `entries[spans[i]]` for literal `i`.
    entries: Vec<Entry>,
    spans: Vec<Range<u32>>,
    patterns: Vec<Pattern>,
    /// Patterns without literals to gate them: searched over the whole text.
    ungated: Vec<usize>,
    /// Gated patterns compiled with Unicode case folding (see [`Entry::Fold`]).
    unicode_folded: Vec<usize>,
    /// Byte tables of the characters that end a search unit (`\n` and a pattern's delimiters);
    /// entry 0 is the line.
    units: Vec<[bool; 256]>,
    /// Whether a literal holds a line break (then the scan searches the text in one piece).
    multiline_literals: bool,
    scale: Scale,
    phrase_count: usize,
    matcher_count: usize,
    /// How many word lists of the builtin checks it finds ([`Hits::words`]).
    word_lists: usize,
}

/// The regex configuration for searches over short texts (a unit, a block): no literal prefilter
/// and no full DFA, which cost more to build than such searches save.
fn unit_regex_config() -> meta::Config {
    meta::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT)).auto_prefilter(false).dfa(false)
}

/// A pattern, compiled on first use; `focused` when it has a group named `m`.
#[derive(Debug)]
struct Pattern {
    src: String,
    /// `src` parsed, for an embedded pattern (see [`hir_code`]); empty for a user's.
    hir: &'static [u8],
    owner: MatcherId,
    /// Its further required parts (lowercase literals) and phrases (words with one space between,
    /// `carries no risk`): a unit its first part's literal opened must hold a literal of each, or
    /// the pattern does not run there. Checked in the unit's text rather than by the literal scan:
    /// they are common words ("treatment", "alcohol") that would fire all over the page for the
    /// sake of the few units a rare first part opens, or phrases the text may space its own way.
    also: Vec<Vec<Literal>>,
    /// How many of `also` are parts; phrases follow. At start-up scale, while the pattern is not
    /// compiled, a unit is checked for every phrase set (the unit collapsed, up to 64 searches per
    /// set): it spares most compiles a page would pay (60-1,400 µs each; the smallest seed page
    /// compiled 33 patterns, 5 of which match, and now 6). At throughput scale an evenly spaced
    /// unit is checked for the first set alone, in one search ([`Pattern::has_first_phrase`]).
    parts: usize,
    /// Searchers for each set of `also` (parts and phrase sets), built the first time a unit is
    /// checked for that set (most patterns never are, and a unit that lacks one set is not checked
    /// for the next).
    finders: Box<[OnceLock<Vec<Finder<'static>>>]>,
    /// One searcher for all phrases of the first phrase set, at throughput scale: see
    /// [`Pattern::has_first_phrase`]. Built the first time a unit is checked.
    first_phrases: OnceLock<AnyOf>,
    /// Index of its unit table in [`Scanner::units`].
    unit: usize,
    /// Whether its first phrase set is in the literal scan ([`Entry::PhraseGate`]): an evenly spaced
    /// unit is its own collapsed form, so a match there holds one of the phrases as it is and only
    /// a unit with other white space need be opened by the first part. Throughput scale only: at
    /// start-up a unit is checked for every phrase set before a compile anyway.
    phrase_gated: bool,
    re: OnceLock<Option<(meta::Regex, bool)>>,
}

impl Pattern {
    fn new(
        src: String,
        hir: &'static [u8],
        owner: MatcherId,
        mut also: Vec<Vec<Literal>>,
        phrases: Vec<Vec<Literal>>,
        unit: usize,
        phrase_gated: bool,
    ) -> Pattern {
        let parts = also.len();
        also.extend(phrases);
        let finders = also.iter().map(|_| OnceLock::new()).collect();
        let first_phrases = OnceLock::new();
        Pattern { src, hir, owner, also, parts, finders, first_phrases, unit, phrase_gated, re: OnceLock::new() }
    }

    /// Whether `text[unit]` (ASCII-lowercased: `lower`) holds a literal of each of the further
    /// required parts and, as `gate` asks, a phrase of each phrase set or of the first (ASCII case
    /// and the width of white space aside: in the unit [`collapsed`], which `scratch` then holds).
    fn has_also(&self, text: &str, unit: &Range<usize>, lower: &[u8], gate: UnitCheck, scratch: &mut Vec<u8>) -> bool {
        // Whether `hay` has a literal of each set of `also[sets]`.
        let holds = |sets: Range<usize>, hay: &[u8]| {
            sets.into_iter().all(|k| {
                let set = self.finders[k]
                    .get_or_init(|| self.also[k].iter().map(|l| Finder::new(l.as_bytes()).into_owned()).collect());
                set.iter().any(|l| l.find(hay).is_some())
            })
        };
        if !holds(0..self.parts, lower) {
            return false;
        }
        if self.parts == self.also.len() {
            return true;
        }
        match gate {
            UnitCheck::AllPhrases if self.re.get().is_none() => {
                collapsed(&text[unit.clone()], scratch);
                holds(self.parts..self.also.len(), scratch)
            }
            UnitCheck::FirstPhrase => self.has_first_phrase(lower),
            _ => true,
        }
    }

    /// Whether `lower` (an evenly spaced unit, ASCII-lowercased) holds a phrase of the first
    /// phrase set. One multi-literal search (tens of nanoseconds on a clause) where the regex takes
    /// about a microsecond: on the fixture pages, 84% of the units a pattern's gates open lack the
    /// phrase (counted over 10 MB of them).
    fn has_first_phrase(&self, lower: &[u8]) -> bool {
        self.first_phrases.get_or_init(|| AnyOf::new(&self.also[self.parts])).is_in(lower)
    }

    /// Builds the forward NFA, and for [`Scale::Throughput`] the reverse NFA and a lazy DFA; never
    /// the regex engine's prefilter (it would look again for the literals the gate found: building
    /// it doubled the compile time a single page pays), a full DFA or a one-pass DFA (a unit is a
    /// clause: building them cost more than they save; the one-pass engine serves only anchored
    /// searches).
    /// From `hir` when it holds `src` parsed (an embedded pattern: no parsing, no case folding),
    /// else from `src`.
    fn compile(src: &str, hir: &[u8], scale: Scale) -> Result<meta::Regex, String> {
        let config = unit_regex_config().onepass(false).hybrid(scale == Scale::Throughput);
        let mut builder = meta::Regex::builder();
        builder.configure(config);
        if let Some(re) = hir_code::decode(hir).and_then(|tree| builder.build_from_hir(&tree).ok()) {
            return Ok(re);
        }
        builder.build(src).map_err(|e| e.to_string())
    }

    fn get(&self, scale: Scale) -> Option<&(meta::Regex, bool)> {
        self.re
            .get_or_init(|| {
                // Validated when the scanner was built, so this cannot fail in practice.
                let re = Pattern::compile(&self.src, self.hir, scale).ok()?;
                let focused = re.group_info().to_index(regex_automata::PatternID::ZERO, "m").is_some();
                Some((re, focused))
            })
            .as_ref()
    }

    /// Pushes every match within `range` of `text` (left to right, not overlapping).
    fn find_all(&self, text: &str, range: Range<usize>, scale: Scale, out: &mut Vec<Range<usize>>) {
        let Some((re, focused)) = self.get(scale) else { return };
        let mut at = range.start;
        while at <= range.end {
            match self.push_match(re, *focused, &Input::new(text).range(at..range.end), out) {
                Some(end) => at = if end > at { end } else { next_char(text, at) },
                None => break,
            }
        }
    }

    /// Pushes the pattern's matches (or its `m` groups) found by `input` searches.
    fn push_match(&self, re: &meta::Regex, focused: bool, input: &Input, out: &mut Vec<Range<usize>>) -> Option<usize> {
        if focused {
            let mut caps = re.create_captures();
            re.search_captures(input, &mut caps);
            let whole = caps.get_match()?;
            if let Some(m) = caps.get_group_by_name("m").filter(|m| !m.is_empty()) {
                out.push(m.range());
            }
            Some(whole.end())
        } else {
            let m = re.search(input)?;
            if !m.is_empty() {
                out.push(m.range());
            }
            Some(m.end())
        }
    }
}

/// Hits per matcher, each list sorted by start.
#[derive(Debug, Default)]
pub struct Hits {
    /// Per matcher, then per word list of the builtin checks.
    by_matcher: Vec<Vec<Range<usize>>>,
    matchers: usize,
    folded: bool,
}

impl Hits {
    /// Whether the text has a character of [`ASCII_FOLDS`] (which Unicode case folding maps onto
    /// an ASCII letter).
    pub fn has_fold(&self) -> bool {
        self.folded
    }

    /// Where the words of list `k` of [`crate::checks::scanned_words`] occur (ASCII case aside,
    /// inside other words too), by start.
    pub fn words(&self, k: usize) -> &[Range<usize>] {
        self.by_matcher.get(self.matchers + k).map_or(&[], Vec::as_slice)
    }

    /// Whether none of the matchers has a hit.
    pub fn none_of(&self, ms: &[MatcherId]) -> bool {
        ms.iter().all(|m| self.of(*m).is_empty())
    }

    /// Hits of one matcher.
    pub fn of(&self, m: MatcherId) -> &[Range<usize>] {
        self.by_matcher.get(m).map_or(&[], |v| v.as_slice())
    }

    /// Hits of several matchers merged, sorted by start, overlapping ones reduced to the longest.
    pub fn union(&self, ms: &[MatcherId]) -> Vec<Range<usize>> {
        let mut all: Vec<Range<usize>> = ms.iter().flat_map(|m| self.of(*m).iter().cloned()).collect();
        all.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut out: Vec<Range<usize>> = Vec::with_capacity(all.len());
        for h in all {
            match out.last_mut() {
                Some(last) if h.start < last.end => {
                    if h.end > last.end {
                        last.end = h.end;
                    }
                }
                _ => out.push(h),
            }
        }
        out
    }

    /// Whether any hit of `ms` lies within `range`.
    pub fn any_in(&self, ms: &[MatcherId], range: &Range<usize>) -> bool {
        ms.iter().any(|m| first_in(self.of(*m), range).is_some())
    }

    /// Whether any hit of `ms` overlaps `span`.
    pub fn any_overlapping(&self, ms: &[MatcherId], span: &Range<usize>) -> bool {
        ms.iter().any(|m| {
            let hs = self.of(*m);
            let i = hs.partition_point(|h| h.end <= span.start);
            hs[i..].iter().take_while(|h| h.start < span.end).any(|h| h.end > span.start)
        })
    }
}

/// The first hit lying within `range` in a start-sorted list.
pub fn first_in<'a>(hits: &'a [Range<usize>], range: &Range<usize>) -> Option<&'a Range<usize>> {
    let i = hits.partition_point(|h| h.start < range.start);
    hits[i..].iter().take_while(|h| h.start < range.end).find(|h| h.end <= range.end)
}

/// All hits lying within `range` in a start-sorted list.
pub fn all_in<'a>(hits: &'a [Range<usize>], range: &Range<usize>) -> impl Iterator<Item = &'a Range<usize>> {
    let i = hits.partition_point(|h| h.start < range.start);
    let end = range.end;
    hits[i..].iter().take_while(move |h| h.start < end).filter(move |h| h.end <= end)
}

/// A builtin check's regex, compiled once per process on the fast path (see [`ascii_words`]).
pub fn cached(cell: &'static OnceLock<Regex>, src: &str) -> &'static Regex {
    cell.get_or_init(|| fast_regex(src))
}

/// Compiles a builtin check's regex on the fast path (see [`ascii_words`]).
pub fn fast_regex(src: &str) -> Regex {
    RegexBuilder::new(&ascii_words(src))
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .unwrap_or_else(|e| unreachable!("builtin regex {src}: {e}"))
}

/// Whether this process compiles its [`ShortRegex`]es for [`Scale::StartUp`] (see
/// [`builtins_for`]).
static BUILTINS_AT_START_UP: AtomicBool = AtomicBool::new(false);

/// Says what the builtin checks' [`ShortRegex`]es, compiled once per process, are for: at
/// [`Scale::StartUp`] without the lazy DFA and its reverse NFA, as a page's patterns are (the
/// backtracker searches a line well enough; the costliest of them, a reference entry's author with
/// its Unicode letter classes, compiles in 0.6 ms instead of 1.5). By default, and for a run over
/// many pages (where they search 19% slower without it), with it. Call it before the first is
/// compiled: one compiled already stays as it is (either way it finds the same matches).
pub fn builtins_for(scale: Scale) {
    BUILTINS_AT_START_UP.store(scale == Scale::StartUp, Ordering::Relaxed);
}

/// A builtin check's regex over a page's text or stretches of it (`checks::Gated`), on the fast
/// path (see [`ascii_words`]): for a run over many pages as the regex crate builds one; at start-up
/// ([`builtins_for`]) without the literal prefilter and full DFA, which cost a page more to build
/// than they save searching it (the toxic-dose regex: 1.4 ms, 0.5 without them).
pub fn text_regex(src: &str) -> meta::Regex {
    let config = if BUILTINS_AT_START_UP.load(Ordering::Relaxed) {
        unit_regex_config()
    } else {
        meta::Config::new().nfa_size_limit(Some(REGEX_SIZE_LIMIT))
    };
    meta::Regex::builder()
        .configure(config)
        .build(&ascii_words(src))
        .unwrap_or_else(|e| unreachable!("builtin regex {src}: {e}"))
}

/// A builtin check's regex for short texts (a block, a line, a name), compiled once per process on
/// the fast path (see [`ascii_words`]) and without what speeds up searching long texts: a literal
/// prefilter and a full DFA (nor, at start-up, the lazy DFA: [`builtins_for`]). Those cost more to
/// build (up to half a millisecond for an alternation of phrases) than searching a short text
/// saves.
#[derive(Debug)]
pub struct ShortRegex(meta::Regex);

/// The capture groups of a [`ShortRegex`] match.
pub struct Groups<'h> {
    hay: &'h str,
    caps: regex_automata::util::captures::Captures,
}

impl<'h> Groups<'h> {
    /// The groups of a match of `caps` in `hay`.
    pub fn new(hay: &'h str, caps: regex_automata::util::captures::Captures) -> Groups<'h> {
        Groups { hay, caps }
    }

    /// The text of group `i` (0: the whole match), if it took part in the match.
    pub fn get(&self, i: usize) -> Option<&'h str> {
        self.caps.get_group(i).and_then(|s| self.hay.get(s.range()))
    }

    /// Where group `i` is, if it took part in the match.
    pub fn range(&self, i: usize) -> Option<Range<usize>> {
        self.caps.get_group(i).map(|s| s.range())
    }

    /// Where each group is, in order (none for one that took no part).
    #[cfg(test)]
    pub fn ranges(&self) -> Vec<Option<Range<usize>>> {
        (0..self.caps.group_len()).map(|i| self.range(i)).collect()
    }
}

impl ShortRegex {
    /// Compiles a builtin pattern; a builtin that does not compile is a bug the tests catch.
    pub fn new(src: &str) -> ShortRegex {
        let lazy_dfa = !BUILTINS_AT_START_UP.load(Ordering::Relaxed);
        meta::Regex::builder()
            .configure(unit_regex_config().hybrid(lazy_dfa))
            .build(&ascii_words(src))
            .map(ShortRegex)
            .unwrap_or_else(|e| unreachable!("builtin regex {src}: {e}"))
    }

    /// Whether `hay` has a match.
    pub fn is_match(&self, hay: &str) -> bool {
        self.0.is_match(hay)
    }

    /// The first match at or after `start` (which sees the text before it for `\b`); none when
    /// `start` is past the end.
    pub fn find_at(&self, hay: &str, start: usize) -> Option<Range<usize>> {
        if start > hay.len() {
            return None;
        }
        self.0.search(&Input::new(hay).range(start..)).map(|m| m.range())
    }

    /// The groups of the first match.
    pub fn captures<'h>(&self, hay: &'h str) -> Option<Groups<'h>> {
        let mut caps = self.0.create_captures();
        self.0.captures(hay, &mut caps);
        caps.is_match().then_some(Groups { hay, caps })
    }
}

/// A [`ShortRegex`] compiled once per process.
pub fn cached_short(cell: &'static OnceLock<ShortRegex>, src: &str) -> &'static ShortRegex {
    cell.get_or_init(|| ShortRegex::new(src))
}

fn is_word_byte_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether the character that ends `text[..at]` is a word character ([`is_word_byte_char`]).
fn word_before(text: &str, at: usize) -> bool {
    match text.as_bytes()[..at].last() {
        Some(&b) if b.is_ascii() => is_word_byte_char(char::from(b)),
        Some(_) => text[..at].chars().next_back().is_some_and(is_word_byte_char),
        None => false,
    }
}

/// Whether the character that starts `text[at..]` is a word character ([`is_word_byte_char`]).
fn word_after(text: &str, at: usize) -> bool {
    match text.as_bytes()[at..].first() {
        Some(&b) if b.is_ascii() => is_word_byte_char(char::from(b)),
        Some(_) => text[at..].chars().next().is_some_and(is_word_byte_char),
        None => false,
    }
}

impl Scanner {
    /// Compiles all matchers of `pack`. Patterns from outside the embedded pack (user rule files,
    /// configuration) are compiled now, so that a bad or oversized one is an error naming where it
    /// was written; the embedded pack's are compiled on first use (tests compile them all).
    pub fn new(pack: &Pack, scale: Scale) -> crate::Result<Scanner> {
        let mut literals: Vec<String> = Vec::new();
        let mut entries = Vec::new();
        let mut patterns = Vec::new();
        let mut ungated = Vec::new();
        let mut unicode_folded = Vec::new();
        let mut units: Vec<(String, [bool; 256])> = vec![(String::new(), unit_table(""))];
        for (id, def) in pack.matchers.iter().enumerate() {
            for p in &def.phrases {
                let lower = p.to_lowercase();
                let info = PhraseInfo {
                    matcher: id,
                    bound_start: lower.chars().next().is_some_and(is_word_byte_char),
                    bound_end: lower.chars().last().is_some_and(is_word_byte_char),
                };
                // Typographic apostrophes are common in copy: match both forms.
                let mut variants = vec![lower.clone()];
                if lower.contains('\'') {
                    variants.push(lower.replace('\'', "’"));
                }
                if lower.contains('’') {
                    variants.push(lower.replace('’', "'"));
                }
                for v in variants {
                    literals.push(v);
                    entries.push(Entry::Phrase(info));
                }
            }
            for (i, p) in def.patterns.iter().enumerate() {
                let origin = def.origins.get(i).map_or("", String::as_str);
                let embedded = def.embedded.get(i).copied().unwrap_or(false);
                // An embedded pattern's literal sets are borrowed from the binary (build.rs
                // prepared them); a user's are derived now.
                let (src, hir, gate_parts, phrases, delimiters, phrase_gate) =
                    match Pack::prepared(p).filter(|_| embedded) {
                        Some(prep) => (
                            prep.src.to_string(),
                            prep.hir,
                            borrowed(prep.gates),
                            borrowed(prep.phrases),
                            prep.delimiters.to_string(),
                            prep.phrase_gate,
                        ),
                        None => {
                            let words = ascii_words(p);
                            let gates = gate_literals(&words);
                            let src = case_insensitive(&words);
                            let delimiters = unit_delimiters(&words);
                            (src, &[][..], owned(gates.parts), owned(gates.phrases), delimiters, gates.phrase_gate)
                        }
                    };
                let unit = match units.iter().position(|(d, _)| *d == delimiters) {
                    Some(u) => u,
                    None => {
                        units.push((delimiters.clone(), unit_table(&delimiters)));
                        units.len() - 1
                    }
                };
                if !embedded {
                    Pattern::compile(&src, hir, scale).map_err(|e| {
                        crate::Error::Pack(format!(
                            "{origin}: regex too large or invalid: {}",
                            e.lines().last().unwrap_or("")
                        ))
                    })?;
                }
                let index = patterns.len();
                if gate_parts.is_empty() {
                    ungated.push(index);
                } else if !src.starts_with("(?i-u:") {
                    unicode_folded.push(index);
                }
                let mut parts = gate_parts.into_iter();
                for l in parts.next().unwrap_or_default() {
                    literals.push(l.into_owned());
                    entries.push(Entry::Gate(index));
                }
                let phrase_gated = phrase_gate && scale == Scale::Throughput && !phrases.is_empty();
                if phrase_gated {
                    for l in &phrases[0] {
                        literals.push(l.to_string());
                        entries.push(Entry::PhraseGate(index));
                    }
                }
                patterns.push(Pattern::new(src, hir, id, parts.collect(), phrases, unit, phrase_gated));
            }
        }
        let phrase_count = entries.iter().filter(|e| matches!(e, Entry::Phrase(_))).count();
        // The builtin checks' word lists ([`Hits::words`]): any occurrence, ASCII case aside.
        let word_lists = crate::checks::scanned_words();
        for (k, list) in word_lists.iter().enumerate() {
            let info = PhraseInfo { matcher: pack.matchers.len() + k, bound_start: false, bound_end: false };
            for w in list.iter() {
                literals.push(w.to_ascii_lowercase());
                entries.push(Entry::Phrase(info));
            }
        }
        // Always: besides Unicode-folded patterns, the builtin checks ask whether a page has one
        // ([`Hits::has_fold`]).
        for c in ASCII_FOLDS {
            literals.push(c.to_string());
            entries.push(Entry::Fold);
        }
        let (literals, entries, spans) = distinct(literals, entries);
        let multiline_literals = literals.iter().any(|l| l.contains('\n'));
        let set = OnceLock::new();
        if scale == Scale::Throughput && !literals.is_empty() {
            let _ = set.set(PrefixSet::new(&literals));
        }
        Ok(Scanner {
            literals,
            set,
            indexed: AtomicUsize::new(0),
            entries,
            spans,
            patterns,
            ungated,
            unicode_folded,
            units: units.into_iter().map(|(_, t)| t).collect(),
            multiline_literals,
            scale,
            phrase_count,
            matcher_count: pack.matchers.len(),
            word_lists: word_lists.len(),
        })
    }

    /// Number of literal phrases in the scan (including apostrophe variants).
    pub fn phrase_count(&self) -> usize {
        self.phrase_count
    }

    /// Number of regex patterns.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Number of patterns without gating literals (searched over every text).
    pub fn ungated_count(&self) -> usize {
        self.ungated.len()
    }

    /// The patterns without literals to gate them, as compiled (for `stage_costs`: they cost most).
    pub fn ungated_patterns(&self) -> impl Iterator<Item = &str> {
        self.ungated.iter().map(|&i| self.patterns[i].src.as_str())
    }

    /// Compiles every pattern now (tests; a long-running server warming up).
    pub fn compile_all(&self) -> Result<(), String> {
        for p in &self.patterns {
            Pattern::compile(&p.src, p.hir, Scale::Throughput).map_err(|e| format!("{}: {e}", p.src))?;
        }
        Ok(())
    }

    /// Compiles the patterns among `needed` that are not compiled yet, on all threads: the first
    /// page of a run needs dozens at once (a single page waits for nothing else).
    fn compile_in_parallel(&self, needed: impl Iterator<Item = usize>) {
        use rayon::prelude::*;
        let mut todo: Vec<usize> = needed.filter(|&p| self.patterns[p].re.get().is_none()).collect();
        if todo.len() < 2 {
            return;
        }
        todo.sort_unstable();
        todo.dedup();
        if rayon::current_thread_index().is_some() {
            todo.par_iter().for_each(|&p| {
                self.patterns[p].get(self.scale);
            });
            return;
        }
        // Off the thread pool (a run over one page, the language server), starting the pool would
        // cost more than the second core saves: one more thread takes patterns from the same list
        // (a 7 KB seed page compiles 22, ~3 ms on one core). A few are compiled where they are
        // needed. (Asking how many cores there are reads the cgroup files: on one core the two
        // threads take turns at the same work.)
        if todo.len() < MIN_SHARED_COMPILES {
            return;
        }
        let next = AtomicUsize::new(0);
        let work = || {
            while let Some(&p) = todo.get(next.fetch_add(1, Ordering::Relaxed)) {
                self.patterns[p].get(self.scale);
            }
        };
        std::thread::scope(|scope| {
            // A thread that cannot start leaves the work to this one.
            let _ = std::thread::Builder::new().spawn_scoped(scope, work);
            work();
        });
    }

    /// Scans `text` once and returns hits per matcher.
    pub fn scan(&self, text: &str) -> Hits {
        let (mut by_matcher, mut runs, has_fold) = self.scan_literals(text);
        if has_fold {
            runs.retain(|(p, _)| !self.unicode_folded.contains(p));
        }
        let folded = if has_fold { self.unicode_folded.as_slice() } else { &[] };
        self.compile_in_parallel(runs.iter().map(|(p, _)| *p).chain(self.ungated.iter().chain(folded).copied()));
        for (p, line) in runs {
            let pattern = &self.patterns[p];
            pattern.find_all(text, line, self.scale, &mut by_matcher[pattern.owner]);
        }
        for &i in self.ungated.iter().chain(folded) {
            let pattern = &self.patterns[i];
            for line in lines(text) {
                pattern.find_all(text, line, self.scale, &mut by_matcher[pattern.owner]);
            }
        }
        Hits::sorted(by_matcher, self.matcher_count, has_fold)
    }

    /// The literal set to search a text of `len` bytes with; `None`: a trigram index of the text.
    fn set_for(&self, len: usize) -> Option<&PrefixSet> {
        if self.scale == Scale::StartUp
            && len <= SMALL_TEXT
            && self.set.get().is_none()
            && self.indexed.fetch_add(1, Ordering::Relaxed) < INDEXED_PAGES
        {
            return None;
        }
        Some(self.set.get_or_init(|| PrefixSet::new(&self.literals)))
    }

    /// The literal pass: phrase hits per matcher; the `(pattern, unit)` pairs where the unit (the
    /// stretch of a line between two characters the pattern cannot match) has a literal of each of
    /// the pattern's required parts, so the pattern runs there; whether the text has a character of
    /// [`ASCII_FOLDS`].
    #[allow(clippy::type_complexity)]
    fn scan_literals(&self, text: &str) -> (Vec<Vec<Range<usize>>>, Vec<(usize, Range<usize>)>, bool) {
        let by_matcher: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.matcher_count + self.word_lists];
        if self.literals.is_empty() {
            return (by_matcher, Vec::new(), false);
        }
        let gates = UnitGates {
            state: vec![0..0; self.patterns.len()],
            touched: Vec::new(),
            units: vec![0..0; self.units.len()],
            scratch: Vec::new(),
            uneven: if self.scale == Scale::Throughput { uneven_spacing(text) } else { Vec::new() },
        };
        let mut pass = LiteralPass { scanner: self, text, by_matcher, runs: Vec::new(), folded: false, gates };
        // The text is searched ASCII-lowercased (same offsets) and every literal is lowercase.
        // The buffers are the thread's, kept from its last page: a page's matches grew a new
        // vector through nine reallocations.
        let (mut lower, mut found) = SCAN_BUFFERS.take();
        if let Some(set) = self.set_for(text.len()) {
            // A chunk of whole lines at a time when no literal holds a line break, so a large file
            // is not copied whole.
            let mut chunk_start = 0;
            while chunk_start < text.len() {
                let chunk_end = if self.multiline_literals { text.len() } else { chunk_end(text, chunk_start) };
                lower.clear();
                lower.extend(text.as_bytes()[chunk_start..chunk_end].iter().map(u8::to_ascii_lowercase));
                let chunk = Chunk { lower: &lower, start: chunk_start };
                set.find_all(&lower, &mut found);
                for &(literal, start, end) in &found {
                    pass.found(&chunk, literal as usize, chunk_start + start, chunk_start + end);
                }
                pass.end_chunk(&chunk);
                chunk_start = chunk_end;
            }
        } else {
            lower.extend(text.as_bytes().iter().map(u8::to_ascii_lowercase));
            let chunk = Chunk { lower: &lower, start: 0 };
            for (literal, at) in TrigramIndex::new(&lower).find_all(&self.literals) {
                pass.found(&chunk, literal, at.start, at.end);
            }
            pass.end_chunk(&chunk);
        }
        SCAN_BUFFERS.set(retained(lower, found));
        (pass.by_matcher, pass.runs, pass.folded)
    }
}

thread_local! {
    /// The literal pass's buffers ([`Scanner::scan_literals`]): the lowercased text (a chunk of
    /// it) and the matches of the literal set in it.
    #[allow(clippy::type_complexity)]
    static SCAN_BUFFERS: std::cell::Cell<(Vec<u8>, Vec<(u32, usize, usize)>)> = const { std::cell::Cell::new((Vec::new(), Vec::new())) };
}

/// The buffers to keep for the thread's next page: cleared, and dropped when a large file made
/// them large (memory stays bounded by what one page needs, not the largest file seen).
fn retained(mut lower: Vec<u8>, mut found: Vec<(u32, usize, usize)>) -> (Vec<u8>, Vec<(u32, usize, usize)>) {
    const KEEP: usize = 1 << 20;
    lower.clear();
    found.clear();
    if lower.capacity() > KEEP {
        lower = Vec::new();
    }
    if found.capacity() > KEEP / 16 {
        found = Vec::new();
    }
    (lower, found)
}

/// The fewest patterns a page needs compiled for a second thread to share the work (one thread
/// starts in tens of microseconds; a pattern compiles in 30-1,200).
const MIN_SHARED_COMPILES: usize = 4;

/// The longest text searched through a [`TrigramIndex`] at start-up scale, not the literal set.
const SMALL_TEXT: usize = 256 * 1024;

/// How many texts a start-up scanner searches through a [`TrigramIndex`] before it builds the
/// literal set. An index costs little to build, but each of the ~3,150 literals is looked up in
/// it: ~0.9 M instructions a page however short, where the set costs ~1.5 M to build once and a
/// short page next to nothing to search. A run of 3,000 one-line pages (90 KB, so start-up scale)
/// spent 95% of its 2,737 M instructions in those lookups; now 131 M. One or two pages (an
/// editor, a hook) still pay no build.
const INDEXED_PAGES: usize = 2;

/// How much text the literal set searches at a time: [`chunk_end`].
const CHUNK: usize = 64 * 1024;

/// The end of the chunk starting at `start`: past [`CHUNK`] bytes, at the end of a line.
fn chunk_end(text: &str, start: usize) -> usize {
    if text.len() - start <= CHUNK {
        return text.len();
    }
    memchr::memchr(b'\n', &text.as_bytes()[start + CHUNK..]).map_or(text.len(), |i| start + CHUNK + i + 1)
}

/// A gate literal or phrase: borrowed from the binary for an embedded pattern, owned for a user's.
type Literal = Cow<'static, str>;

fn borrowed(sets: &'static [&'static [&'static str]]) -> Vec<Vec<Literal>> {
    sets.iter().map(|set| set.iter().map(|&l| Cow::Borrowed(l)).collect()).collect()
}

fn owned(sets: Vec<Vec<String>>) -> Vec<Vec<Literal>> {
    sets.into_iter().map(|set| set.into_iter().map(Cow::Owned).collect()).collect()
}

/// The distinct literals, and what each stands for (`entries[spans[i]]` for literal `i`). A word
/// often gates many patterns ("treatment" gates a dozen) and a phrase can sit in several lexicons:
/// one scanned literal per distinct literal means one match where there were a dozen.
fn distinct(mut literals: Vec<String>, entries: Vec<Entry>) -> (Vec<String>, Vec<Entry>, Vec<Range<u32>>) {
    // By text, then position (as a stable sort would order them): first by the first eight bytes
    // as one number (zero past the end: a literal that ends there is a prefix of the other, and
    // sorts first either way) and the position, then each run of equal keys by the whole text.
    let prefix = |l: &String| {
        let mut key = [0u8; 8];
        let n = l.len().min(8);
        key[..n].copy_from_slice(&l.as_bytes()[..n]);
        u64::from_be_bytes(key)
    };
    let mut keyed: Vec<(u64, usize)> = literals.iter().enumerate().map(|(i, l)| (prefix(l), i)).collect();
    keyed.sort_unstable();
    for run in keyed.chunk_by_mut(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        run.sort_unstable_by(|&(_, a), &(_, b)| literals[a].cmp(&literals[b]).then(a.cmp(&b)));
    }
    let order = keyed.into_iter().map(|(_, i)| i);
    let mut out_literals: Vec<String> = Vec::new();
    let mut out_entries = Vec::with_capacity(entries.len());
    let mut spans: Vec<Range<u32>> = Vec::new();
    for i in order {
        let n = out_entries.len() as u32;
        match out_literals.last() {
            Some(last) if *last == literals[i] => {
                if let Some(s) = spans.last_mut() {
                    s.end = n + 1;
                }
            }
            _ => {
                out_literals.push(std::mem::take(&mut literals[i]));
                spans.push(n..n + 1);
            }
        }
        out_entries.push(entries[i]);
    }
    (out_literals, out_entries, spans)
}

/// Which phrases [`Pattern::has_also`] checks a unit for, beside the further required parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitCheck {
    /// None: at throughput scale, a unit whose white space is not lone spaces (a phrase in it
    /// may be spaced otherwise; the collapsed check costs more than the regex search it spares).
    NoPhrase,
    /// Of every set while the pattern is not compiled (start-up scale: a check spares a compile).
    AllPhrases,
    /// Of the first set (throughput scale, an evenly spaced unit: [`Pattern::has_first_phrase`]).
    FirstPhrase,
}

/// The literal pass over one text: phrase hits per matcher, the `(pattern, unit)` pairs to search,
/// whether the text has a character of [`ASCII_FOLDS`].
struct LiteralPass<'a> {
    scanner: &'a Scanner,
    text: &'a str,
    by_matcher: Vec<Vec<Range<usize>>>,
    runs: Vec<(usize, Range<usize>)>,
    folded: bool,
    gates: UnitGates,
}

impl LiteralPass<'_> {
    /// Literal `literal` at `start..end` (matches come by end, then by start), found in `chunk`:
    /// the text from `chunk.start` on, ASCII-lowercased.
    fn found(&mut self, chunk: &Chunk, literal: usize, start: usize, end: usize) {
        let (scanner, text) = (self.scanner, self.text);
        let span = &scanner.spans[literal];
        for entry in &scanner.entries[span.start as usize..span.end as usize] {
            let info = match *entry {
                Entry::Gate(p) => {
                    self.gates.see(text, chunk, start, p, false, scanner, &mut self.runs);
                    continue;
                }
                Entry::PhraseGate(p) => {
                    self.gates.see(text, chunk, start, p, true, scanner, &mut self.runs);
                    continue;
                }
                Entry::Fold => {
                    self.folded = true;
                    continue;
                }
                Entry::Phrase(info) => info,
            };
            if info.bound_start && word_before(text, start) {
                continue;
            }
            if info.bound_end && word_after(text, end) {
                continue;
            }
            self.by_matcher[info.matcher].push(start..end);
        }
    }

    /// The end of a chunk (whole lines): every unit seen so far is complete.
    fn end_chunk(&mut self, chunk: &Chunk) {
        self.gates.flush(self.text, chunk, self.scanner, &mut self.runs);
    }
}

/// A stretch of whole lines of a text from byte `start`, ASCII-lowercased.
struct Chunk<'a> {
    lower: &'a [u8],
    start: usize,
}

impl Chunk<'_> {
    fn of(&self, unit: &Range<usize>) -> &[u8] {
        &self.lower[unit.start - self.start..unit.end - self.start]
    }
}

/// The unit per pattern where its first required part was last seen. The scan's matches come in
/// order of their end and no gating literal contains a character that ends its pattern's unit, so
/// each pattern's units are visited in order. Units lie within a line and chunks end at line ends,
/// so every unit seen is complete, and checked, when its chunk ends ([`UnitGates::flush`]).
struct UnitGates {
    /// Per pattern: the unit its latest gating literal lies in (empty: none yet).
    state: Vec<Range<usize>>,
    /// Patterns seen.
    touched: Vec<usize>,
    /// Per unit table: the unit of the latest literal (units of a kind are visited in order).
    units: Vec<Range<usize>>,
    /// A unit's text [`collapsed`], for [`Pattern::has_also`] at start-up scale.
    scratch: Vec<u8>,
    /// At throughput scale, where the text's white space is uneven ([`uneven_spacing`]).
    uneven: Vec<usize>,
}

impl UnitGates {
    /// Records a gating literal of pattern `p` at `at` (`phrase`: of its phrase gate); a pattern
    /// leaving a unit runs over it. The first part of a [`Pattern::phrase_gated`] pattern opens
    /// only a unit with white space other than lone spaces: the phrases open the rest.
    #[allow(clippy::too_many_arguments)]
    fn see(
        &mut self,
        text: &str,
        chunk: &Chunk,
        at: usize,
        p: usize,
        phrase: bool,
        scanner: &Scanner,
        runs: &mut Vec<(usize, Range<usize>)>,
    ) {
        let seen = self.state[p].clone();
        if at < seen.end {
            return;
        }
        let pattern = &scanner.patterns[p];
        let by_part_alone = pattern.phrase_gated && !phrase;
        if by_part_alone && self.uneven.is_empty() {
            return;
        }
        let current = &mut self.units[pattern.unit];
        if !(current.start <= at && at < current.end) {
            *current = unit_around(text.as_bytes(), at, pattern.unit, &scanner.units);
        }
        if by_part_alone && evenly_spaced(&self.uneven, current) {
            return;
        }
        let current = current.clone();
        if seen.end == 0 {
            self.touched.push(p);
        } else {
            self.run(text, chunk, p, seen, scanner, runs);
        }
        self.state[p] = current;
    }

    /// The end of a chunk: every pattern runs over the last unit it was seen in.
    fn flush(&mut self, text: &str, chunk: &Chunk, scanner: &Scanner, runs: &mut Vec<(usize, Range<usize>)>) {
        let mut touched = std::mem::take(&mut self.touched);
        for &p in &touched {
            let unit = std::mem::take(&mut self.state[p]);
            self.run(text, chunk, p, unit, scanner, runs);
        }
        touched.clear();
        self.touched = touched;
    }

    /// Pattern `p` runs over `unit` if the unit also holds its further required parts.
    fn run(
        &mut self,
        text: &str,
        chunk: &Chunk,
        p: usize,
        unit: Range<usize>,
        scanner: &Scanner,
        runs: &mut Vec<(usize, Range<usize>)>,
    ) {
        let check = match scanner.scale {
            Scale::StartUp => UnitCheck::AllPhrases,
            // An evenly spaced unit was opened by a phrase of the first set, another may space it
            // otherwise (see `see`).
            Scale::Throughput if scanner.patterns[p].phrase_gated => UnitCheck::NoPhrase,
            Scale::Throughput if evenly_spaced(&self.uneven, &unit) => UnitCheck::FirstPhrase,
            Scale::Throughput => UnitCheck::NoPhrase,
        };
        if scanner.patterns[p].has_also(text, &unit, chunk.of(&unit), check, &mut self.scratch) {
            runs.push((p, unit));
        }
    }
}

/// Where `text` has white space other than a lone ASCII space (white space as [`collapsed`] and
/// `\s` know it, `char::is_whitespace`): a byte offset in each run of two spaces, and the offset of
/// each other white space character (ASCII tab to carriage return but the line feed that ends
/// every unit, and the non-ASCII ones, whose UTF-8 forms start with C2, E1, E2 or E3), in order. A
/// unit without one is its own [`collapsed`] form, ASCII case aside.
fn uneven_spacing(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    // Overlapping: a unit may start inside a run of spaces.
    let two_spaces = memchr::memmem::Finder::new(b"  ");
    let mut at = Vec::new();
    let mut from = 0;
    while let Some(i) = two_spaces.find(&bytes[from..]) {
        at.push(from + i);
        from += i + 1;
    }
    at.extend(memchr::memchr3_iter(b'\t', 0x0B, 0x0C, bytes));
    at.extend(memchr::memchr_iter(b'\r', bytes));
    let lead_bytes = memchr::memchr3_iter(0xC2, 0xE1, 0xE2, bytes).chain(memchr::memchr_iter(0xE3, bytes));
    at.extend(lead_bytes.filter(|&i| text.get(i..).and_then(|t| t.chars().next()).is_some_and(char::is_whitespace)));
    at.sort_unstable();
    at
}

/// Whether `unit` holds none of the offsets `uneven` ([`uneven_spacing`]).
fn evenly_spaced(uneven: &[usize], unit: &Range<usize>) -> bool {
    uneven.get(uneven.partition_point(|&i| i < unit.start)).is_none_or(|&i| i >= unit.end)
}

/// The unit around `at` for unit table `table` (0: the line).
fn unit_around(bytes: &[u8], at: usize, table: usize, tables: &[[bool; 256]]) -> Range<usize> {
    if table == 0 {
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        return start..end;
    }
    let ends = &tables[table];
    let start = last_end_before(bytes, at, ends).map_or(0, |i| i + 1);
    let end = first_end_from(bytes, at, ends).unwrap_or(bytes.len());
    start..end
}

/// Whether none of eight bytes can end a unit: all ASCII, none a line feed, none in `!`..=`?`,
/// where every [`UNIT_CANDIDATES`](super::gates::UNIT_CANDIDATES) character lies.
#[inline]
fn ends_none(x: u64) -> bool {
    bytescan::all_ascii(x) && (bytescan::within(x, b'!', b'?') | bytescan::equal(x, b'\n')) == 0
}

/// The first byte at or after `from` that `ends` marks: eight bytes at a time where
/// [`ends_none`] says none can (a byte at a time was 3% of a run over 10 MB of text).
fn first_end_from(bytes: &[u8], from: usize, ends: &[bool; 256]) -> Option<usize> {
    let mut i = from;
    while let Some(&chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        if !ends_none(u64::from_le_bytes(chunk)) {
            if let Some(k) = chunk.iter().position(|&b| ends[b as usize]) {
                return Some(i + k);
            }
        }
        i += 8;
    }
    bytes.get(i..)?.iter().position(|&b| ends[b as usize]).map(|k| i + k)
}

/// The last byte before `before` that `ends` marks, eight bytes at a time as in [`first_end_from`].
fn last_end_before(bytes: &[u8], before: usize, ends: &[bool; 256]) -> Option<usize> {
    let mut j = before.min(bytes.len());
    while j >= 8 {
        let Some(&chunk) = bytes[j - 8..j].first_chunk::<8>() else { break };
        if !ends_none(u64::from_le_bytes(chunk)) {
            if let Some(k) = chunk.iter().rposition(|&b| ends[b as usize]) {
                return Some(j - 8 + k);
            }
        }
        j -= 8;
    }
    bytes[..j].iter().rposition(|&b| ends[b as usize])
}

/// The byte table of a unit: a line break and `delimiters` end it.
fn unit_table(delimiters: &str) -> [bool; 256] {
    let mut t = [false; 256];
    t[b'\n' as usize] = true;
    for b in delimiters.bytes() {
        t[b as usize] = true;
    }
    t
}

impl Hits {
    fn sorted(mut by_matcher: Vec<Vec<Range<usize>>>, matchers: usize, folded: bool) -> Hits {
        for v in &mut by_matcher {
            v.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)));
            v.dedup();
        }
        Hits { by_matcher, matchers, folded }
    }
}

/// The lines of `text` (its blocks), as ranges without the `\n`.
fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    text.split('\n').map(move |l| {
        let r = start..start + l.len();
        start = r.end + 1;
        r
    })
}

fn next_char(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(text.len() + 1, |c| at + c.len_utf8())
}

/// Every page in `fixtures/` (text, Markdown, HTML), for tests that compare a search with the one
/// it replaced on real copy.
#[cfg(test)]
pub(crate) fn fixture_pages() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    ignore::Walk::new(dir)
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt" || x == "md" || x == "html"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unit_candidates_lie_where_eight_byte_skips_look() {
        assert!(super::super::gates::UNIT_CANDIDATES.bytes().all(|b| (0x21..=0x3F).contains(&b)));
    }

    proptest! {
        /// Unit bounds found eight bytes at a time are those a byte at a time finds, for any unit
        /// table the scanner can make (a line break and any of the candidates), on texts of
        /// words with line feeds inside eight-byte stretches, digits, spaces, the bytes next to
        /// the skipped range, the candidates and non-ASCII characters.
        #[test]
        fn unit_bounds_are_found_as_byte_by_byte(
            pieces in proptest::collection::vec(prop::sample::select(vec![
                "abc", "de ", "fgh ", "ij\n", "\n", "klm", "@[`{", " 9", "-'", ".", ", ", "(x)", "\"q\"", "é", ";", ":", "!", "?",
                "ab!c", "d?ef", "g;h", "i:j", "k.l", "m,n",
            ]), 0..40),
            delimiters in proptest::collection::vec(prop::sample::select(super::super::gates::UNIT_CANDIDATES.chars().collect::<Vec<_>>()), 0..4),
            at in 0usize..200,
        ) {
            let text = pieces.concat().into_bytes();
            let delimiters: String = delimiters.into_iter().collect();
            let tables = [unit_table(""), unit_table(&delimiters)];
            let at = at.min(text.len());
            let ends = &tables[1];
            let start = text[..at].iter().rposition(|&b| ends[b as usize]).map_or(0, |i| i + 1);
            let end = text[at..].iter().position(|&b| ends[b as usize]).map_or(text.len(), |i| at + i);
            prop_assert_eq!(unit_around(&text, at, 1, &tables), start..end);
        }
    }

    #[test]
    fn a_thread_keeps_small_scan_buffers_and_drops_large_ones() {
        let (lower, found) = retained(Vec::with_capacity(4096), vec![(1, 2, 3); 10]);
        assert!(lower.capacity() >= 4096 && found.capacity() >= 10 && found.is_empty());
        let (lower, found) = retained(vec![b'a'; 2 << 20], Vec::with_capacity(1 << 20));
        assert_eq!((lower.capacity(), found.capacity()), (0, 0));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        /// The distinct literals come out in text order, each with its entries in the order given
        /// (as a stable sort by text would put them); over two letters and lengths around the
        /// eight-byte key, literals repeat and share long prefixes.
        #[test]
        fn distinct_literals_in_text_order(literals in proptest::collection::vec("[ab]{0,11}", 0..40)) {
            let entries: Vec<Entry> = (0..literals.len()).map(Entry::Gate).collect();
            let (out, out_entries, spans) = distinct(literals.clone(), entries);
            let mut oracle: Vec<usize> = (0..literals.len()).collect();
            oracle.sort_by(|&a, &b| literals[a].cmp(&literals[b]));
            let gates: Vec<usize> = out_entries.iter().map(|e| match e { Entry::Gate(i) => *i, _ => usize::MAX }).collect();
            prop_assert_eq!(&gates, &oracle);
            let mut texts = oracle.iter().map(|&i| literals[i].clone()).collect::<Vec<_>>();
            texts.dedup();
            prop_assert_eq!(&out, &texts);
            for (l, span) in out.iter().zip(&spans) {
                prop_assert!(gates[span.start as usize..span.end as usize].iter().all(|&i| literals[i] == *l));
            }
        }

        /// A unit with none of the offsets `uneven_spacing` reports is its own collapsed form
        /// (ASCII case aside), so a phrase found or missed in it is found or missed collapsed.
        #[test]
        fn an_evenly_spaced_unit_is_its_own_collapsed_form(
            text in "[aB1 \t\r\x0b\x0c\u{85}\u{a0}\u{1680}\u{2000}\u{200a}\u{200b}\u{2028}\u{202f}\u{205f}\u{3000}’—É]{0,24}",
        ) {
            let uneven = uneven_spacing(&text);
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let mut collapsed_unit = Vec::new();
            for (k, &start) in bounds.iter().enumerate() {
                for &end in &bounds[k..] {
                    let unit = &text[start..end];
                    collapsed(unit, &mut collapsed_unit);
                    let own = collapsed_unit == unit.to_ascii_lowercase().into_bytes();
                    if evenly_spaced(&uneven, &(start..end)) {
                        prop_assert!(own, "{unit:?} is not its own collapsed form");
                    }
                }
            }
            // Only uneven white space is reported: a collapsed text has none.
            collapsed(&text, &mut collapsed_unit);
            let collapsed_text = String::from_utf8(collapsed_unit).unwrap_or_default();
            prop_assert_eq!(uneven_spacing(&collapsed_text), Vec::<usize>::new());
        }
    }

    #[test]
    fn word_neighbours_read_whole_characters() {
        let text = "aé_9 ’x—Ωb😀c.d\u{301}e";
        for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let before = text[..at].chars().next_back().is_some_and(is_word_byte_char);
            let after = text[at..].chars().next().is_some_and(is_word_byte_char);
            assert_eq!((word_before(text, at), word_after(text, at)), (before, after), "at {at}");
        }
    }

    #[test]
    fn short_regexes_find_and_capture_like_regexes() {
        let re = ShortRegex::new(r"(?i)\breviewed\s+by\b\s*:?\s*(.*)$");
        let groups = re.captures("Medically Reviewed by: Dr. Ana Ruiz").unwrap_or_else(|| panic!("no match"));
        assert_eq!(groups.get(1), Some("Dr. Ana Ruiz"));
        assert_eq!(groups.get(2), None);
        assert!(re.captures("reviewedby").is_none());
        let year = ShortRegex::new(r"\b(?:19|20)\d{2}\b");
        assert_eq!(year.find_at("in 2019 and 2020", 0), Some(3..7));
        // The search starts at `start` but sees the text before it: no word boundary inside "12019".
        assert_eq!(year.find_at("12019 2020", 1), Some(6..10));
        assert_eq!(year.find_at("2019", 5), None);
    }

    /// build.rs prepared every embedded pattern exactly as the scanner would at run time.
    #[test]
    fn patterns_prepared_at_build_time_match_run_time() {
        let pack = Pack::embedded().unwrap_or_else(|e| panic!("{e}"));
        let mut n = 0;
        for def in &pack.matchers {
            for p in &def.patterns {
                let Some(prep) = Pack::prepared(p) else { panic!("not prepared: {p}") };
                let words = ascii_words(p);
                assert_eq!(prep.src, case_insensitive(&words));
                assert_eq!(prep.gates(), gate_literals(&words), "{p}");
                assert_eq!(prep.delimiters, unit_delimiters(&words), "{p}");
                // The tree the regex is built from is the one the regex engine parses the source to.
                let parsed = regex_automata::util::syntax::parse(prep.src).unwrap_or_else(|e| panic!("{p}: {e}"));
                assert_eq!(hir_code::decode(prep.hir).as_ref(), Some(&parsed), "{p}");
                n += 1;
            }
        }
        assert!(n > 200, "{n} patterns");
    }

    /// Every fixture page, and each again with its white space varied (two spaces, a tab, a
    /// no-break or thin space, a mix) where the phrase checks must see through it.
    fn fixture_texts() -> Vec<String> {
        let pages = fixture_pages();
        let spaces = ["  ", "\t", "\u{a0}", " ", "\u{2009}", " \u{a0}\t", " "];
        let varied = pages.iter().map(|page| {
            let mut n = 0;
            page.chars()
                .map(|c| match c {
                    ' ' => {
                        n += 1;
                        spaces[n % spaces.len()].to_string()
                    }
                    c => c.to_string(),
                })
                .collect::<String>()
        });
        let mut texts = pages.clone();
        texts.extend(varied);
        texts
    }

    #[test]
    fn every_match_holds_its_phrases() {
        let pack = Pack::embedded().unwrap_or_else(|e| panic!("{e}"));
        let scanner = Scanner::new(&pack, Scale::Throughput).unwrap_or_else(|e| panic!("{e}"));
        let with_phrases: Vec<&Pattern> = scanner.patterns.iter().filter(|p| p.parts < p.also.len()).collect();
        assert!(with_phrases.len() * 2 > scanner.pattern_count(), "most patterns string words together");
        let texts = fixture_texts();
        let mut matches = 0;
        let mut scratch = Vec::new();
        for p in with_phrases {
            let re = regex::Regex::new(&p.src).unwrap_or_else(|e| panic!("{e}"));
            for text in &texts {
                for m in re.find_iter(text) {
                    matches += 1;
                    collapsed(m.as_str(), &mut scratch);
                    for set in &p.also[p.parts..] {
                        let held = set.iter().any(|l| memchr::memmem::find(&scratch, l.as_bytes()).is_some());
                        assert!(held, "{:?} has none of {set:?} ({})", m.as_str(), p.src);
                    }
                }
            }
        }
        assert!(matches > 100, "{matches} matches");
    }

    /// The gated scan finds exactly what running every pattern over the whole text finds, and a
    /// scanner built for start-up finds the same as one built for throughput.
    #[test]
    fn gated_patterns_find_what_exhaustive_search_finds() {
        let pack = Pack::embedded().unwrap_or_else(|e| panic!("{e}"));
        let scanner = Scanner::new(&pack, Scale::Throughput).unwrap_or_else(|e| panic!("{e}"));
        scanner.compile_all().unwrap_or_else(|e| panic!("embedded pattern does not compile: {e}"));
        assert!(scanner.ungated_count() * 4 < scanner.pattern_count(), "most patterns should have a literal gate");
        let mut texts = fixture_texts();
        texts.push("Take 300MG three times a day; 1,200 mg max. ’Studies SHOW’ it's 100% safe — guaranteed.".into());
        // Unicode folding: ſ is s and K (Kelvin) is k to a Unicode-folded pattern.
        texts.push("It doeſ not interact with alcohol. You can Keep drinking. I’m clean ſince May.".into());
        // Units: punctuation inside and around matches (a decimal, a thousands comma, brackets).
        texts.push("Only 2.5 mg, (or 1,000 mg!) \"take 10 mg\"; studies: show (it) works. #1 rehab? 95%.".into());
        // Longer than a chunk of the literal scan: matches on both sides of chunk ends.
        let all = texts.join("\n");
        assert!(all.len() > CHUNK, "{} bytes", all.len());
        texts.push(all);
        assert!(texts.len() > 10);
        for text in &texts {
            let (mut reference, _, _) = scanner.scan_literals(text);
            for p in &scanner.patterns {
                for line in lines(text) {
                    p.find_all(text, line, Scale::Throughput, &mut reference[p.owner]);
                }
            }
            let found = scanner.scan(text).by_matcher;
            assert_eq!(found, Hits::sorted(reference, scanner.matcher_count, false).by_matcher);
            // A new scanner for each text: phrases are checked only until a pattern is compiled.
            let lean = Scanner::new(&pack, Scale::StartUp).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(lean.scan(text).by_matcher, found, "start-up scale differs on {text:?}");
        }
        let lean = Scanner::new(&pack, Scale::StartUp).unwrap_or_else(|e| panic!("{e}"));
        // Start-up scale searches a text longer than SMALL_TEXT with the literal set, not an index.
        let mut long = String::new();
        for t in texts.iter().cycle() {
            if long.len() > SMALL_TEXT {
                break;
            }
            long.push_str(t);
            long.push('\n');
        }
        assert!(long.len() > SMALL_TEXT && lean.set.get().is_none());
        assert_eq!(lean.scan(&long).by_matcher, scanner.scan(&long).by_matcher);
        assert!(lean.set.get().is_some(), "start-up scale built its literal set");
        // One start-up scanner for many short texts: the first INDEXED_PAGES through an index of
        // their own, the rest through the literal set it then builds; all find the same.
        let reused = Scanner::new(&pack, Scale::StartUp).unwrap_or_else(|e| panic!("{e}"));
        for (k, text) in texts.iter().filter(|t| t.len() <= SMALL_TEXT).enumerate() {
            assert_eq!(reused.scan(text).by_matcher, scanner.scan(text).by_matcher, "text {k} differs");
            assert_eq!(reused.set.get().is_some(), k >= INDEXED_PAGES, "after text {k}");
        }
    }

    /// The literal set over the scanner's own literals finds what an automaton over them finds,
    /// on every fixture page lowercased (the texts the scan searches), its white space varied.
    #[test]
    fn literal_set_finds_what_an_automaton_finds_on_real_pages() {
        let pack = Pack::embedded().unwrap_or_else(|e| panic!("{e}"));
        let mut texts: Vec<Vec<u8>> = fixture_texts().iter().map(|t| t.to_ascii_lowercase().into_bytes()).collect();
        texts.push(
            b"take 300mg; 1,200 mg. \xe2\x80\x99studies show\xe2\x80\x99 it's 100% \xc5\xbfafe (95%) #1 [add".to_vec(),
        );
        let scanner = Scanner::new(&pack, Scale::Throughput).unwrap_or_else(|e| panic!("{e}"));
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(&scanner.literals)
            .unwrap_or_else(|e| panic!("{e}"));
        let set = PrefixSet::new(&scanner.literals);
        let (mut found, mut total) = (Vec::new(), 0);
        for text in &texts {
            set.find_all(text, &mut found);
            let expected: Vec<(u32, usize, usize)> =
                ac.find_overlapping_iter(text).map(|m| (m.pattern().as_u32(), m.start(), m.end())).collect();
            assert_eq!(found, expected);
            total += found.len();
        }
        assert!(total > 10_000, "{total} literals found");
    }
}

//! Per-document facts every rule can ask for: which sentence a span is in, the page's topic gates,
//! citation markers and whether they resolve, drug mentions and the page's main drug.

use std::ops::Range;

use std::sync::OnceLock;

use regex_automata::{meta, Anchored, Input};

use super::compile::{all_in, text_regex, Hits, ShortRegex};
use super::CueLexicons;
use crate::document::{BlockKind, Document};
use crate::pack::{Gate, Pack};

/// A citation marker in the text (`[3]`, `(2)`, `[^1]`, `effects.1,2`, superscripts).
#[derive(Debug, Clone)]
pub struct Marker {
    /// Span of the marker itself.
    pub span: Range<usize>,
    /// Whether the page has a reference list, footnotes or a link that it can resolve to.
    pub resolved: bool,
}

/// Analysis of one document.
pub struct Analysis<'a> {
    /// The document.
    pub doc: &'a Document,
    /// The pack.
    pub pack: &'a Pack,
    /// Scanner hits.
    pub hits: &'a Hits,
    /// Cue lexicon ids.
    pub cues: &'a CueLexicons,
    /// Citation markers, sorted.
    pub markers: Vec<Marker>,
    /// Whether the page has a reference list or footnote definitions.
    pub has_references: bool,
    /// Drug mentions `(span, drug index)`, sorted.
    pub drug_mentions: Vec<(Range<usize>, usize)>,
    /// The most mentioned drug.
    pub main_drug: Option<usize>,
    medical: bool,
    health: bool,
}

fn reference_heading() -> &'static ShortRegex {
    short_regex!(
        r"(?i)^\s*(references|sources|citations|bibliography|works cited|footnotes|notes|further reading)\s*:?\s*$"
    )
}

/// The author part of a reference entry: "Garbutt, J. C." or "1. Smith J".
fn reference_author() -> &'static ShortRegex {
    short_regex!(r"^\s*(?:\[?\d{1,3}[.\])]\s*)?\p{Lu}[\p{L}'’-]+,?\s+(?:\p{Lu}\.\s?(?:\p{Lu}\.\s?)?|\p{Lu}{1,3}\b)")
}

/// A publication year: "(2010)", "(2010a)" or a bare 19xx/20xx.
fn reference_year() -> &'static ShortRegex {
    short_regex!(r"\(\d{4}[a-z]?\)|\b(?:19|20)\d{2}\b")
}

/// How far (in characters, on the same line) the year may follow the author part.
const YEAR_WITHIN: usize = 300;

/// "Garbutt, J. C., ... (2010)." or "1. Smith J, et al. Title. 2019;" style reference entries:
/// an author part, then a year within [`YEAR_WITHIN`] characters on the same line. Blocks that
/// cannot be one (no run of four digits, too few periods or words) are turned away before any
/// regex runs, so most pages never compile these two.
fn is_reference_entry(t: &str) -> bool {
    let has_year_digits = has_four_digits(t.as_bytes());
    if !has_year_digits || !looks_like_citation(t) {
        return false;
    }
    let Some(author) = reference_author().find_at(t, 0) else { return false };
    let rest = &t[author.end..];
    let line = rest.find('\n').map_or(rest, |i| &rest[..i]);
    let limit = author.end + line.char_indices().nth(YEAR_WITHIN).map_or(line.len(), |(i, _)| i);
    reference_year().find_at(t, author.end).is_some_and(|y| y.start <= limit)
}

/// Whether `bytes` has four ASCII digits in a row. Any four consecutive offsets hold one that is 3
/// modulo 4, so only every fourth byte is looked at until a digit turns up: this runs over every
/// block of every page, and the plain four-byte window cost 2% of a run.
fn has_four_digits(bytes: &[u8]) -> bool {
    let mut at = 3;
    while at < bytes.len() {
        if bytes[at].is_ascii_digit() {
            let before = bytes[..at].iter().rev().take(3).take_while(|b| b.is_ascii_digit()).count();
            let after = bytes[at + 1..].iter().take(3).take_while(|b| b.is_ascii_digit()).count();
            if before + 1 + after >= 4 {
                return true;
            }
        }
        at += 4;
    }
    false
}

// 1: [23], [1, 2], [^note]   2: (2) after sentence punctuation   3: glued digits after a period
// 4: superscript digits
// A parenthesised number counts only right after sentence punctuation on the same line and
// when no digit follows it, so "help?\n(855) 430-9439" is a phone number, not a marker.
const MARKER: &str = r"(\[\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\]|\[\^[\w-]+\])|[.!?][ \t]?(\(\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\))(?:[ \t]*(?:\n|$)|[ \t]+[^\d\s(])|[a-z)\]]\.(\d{1,3}(?:,\d{1,3})*)(?:\s|$)|([¹²³⁴⁵⁶⁷⁸⁹⁰]+)";

fn marker_re() -> &'static meta::Regex {
    static CELL: OnceLock<meta::Regex> = OnceLock::new();
    CELL.get_or_init(|| text_regex(MARKER))
}

/// Every position of `text` where a match of [`MARKER`] can start, ascending: a `[`; sentence
/// punctuation before a `(`, with a space or tab between or not; a lowercase letter, `)` or `]`
/// before a full stop and a digit (`\d` is ASCII, [`super::gates::ascii_words`]); a superscript
/// digit. Each of the regex's branches starts so. No branch starts with a letter class the regex
/// engine could find as a literal, so a search of the whole text ran its lazy DFA over every byte.
fn marker_starts(text: &[u8]) -> Vec<usize> {
    let sentence_end = |i: Option<usize>| i.is_some_and(|i| matches!(text[i], b'.' | b'!' | b'?'));
    let mut starts = Vec::new();
    for q in memchr::memchr3_iter(b'[', b'(', b'.', text) {
        match text[q] {
            b'[' => starts.push(q),
            b'(' => {
                if sentence_end(q.checked_sub(1)) {
                    starts.push(q - 1);
                } else if q >= 2 && matches!(text[q - 1], b' ' | b'\t') && sentence_end(Some(q - 2)) {
                    starts.push(q - 2);
                }
            }
            _ => {
                if q > 0
                    && matches!(text[q - 1], b'a'..=b'z' | b')' | b']')
                    && text.get(q + 1).is_some_and(u8::is_ascii_digit)
                {
                    starts.push(q - 1);
                }
            }
        }
    }
    // ¹ ² ³ are U+00B9, U+00B2, U+00B3; ⁰ and ⁴..⁹ are U+2070, U+2074..U+2079.
    for q in memchr::memchr2_iter(0xC2, 0xE2, text) {
        if matches!(text.get(q..q + 2), Some([0xC2, 0xB2 | 0xB3 | 0xB9]))
            || matches!(text.get(q..q + 3), Some([0xE2, 0x81, 0xB0 | 0xB4..=0xB9]))
        {
            starts.push(q);
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// The citation markers of `text` (the span of the group that matched), as the regex's matches
/// over the whole text would give them: the regex tried anchored at each [`marker_starts`]
/// position past the last match, leftmost first.
fn marker_spans(text: &str) -> Vec<Range<usize>> {
    let re = marker_re();
    let mut caps = re.create_captures();
    let (mut out, mut end) = (Vec::new(), 0);
    for start in marker_starts(text.as_bytes()) {
        if start < end {
            continue;
        }
        re.search_captures(&Input::new(text).range(start..).anchored(Anchored::Yes), &mut caps);
        let Some(m) = caps.get_match() else { continue };
        end = m.end();
        if let Some(group) = (1..=4).find_map(|i| caps.get_group(i)) {
            out.push(group.range());
        }
    }
    out
}

impl<'a> Analysis<'a> {
    pub(super) fn new(doc: &'a Document, pack: &'a Pack, hits: &'a Hits, cues: &'a CueLexicons) -> Self {
        let has_references = doc.footnote_definitions > 0
            || doc.blocks.iter().any(|b| {
                let t = doc.slice(&b.span);
                (b.kind == BlockKind::Heading || t.len() < 40) && reference_heading().is_match(t)
                    || b.kind != BlockKind::Heading && is_reference_entry(t)
            });
        let mut markers = Vec::new();
        for span in marker_spans(&doc.text) {
            // A marker inside a link or with a link right after it resolves too.
            let linked = doc.links.iter().any(|l| l.start <= span.start && span.end <= l.end);
            markers.push(Marker { span, resolved: has_references || linked });
        }
        let mut drug_mentions = Vec::new();
        let mut counts = vec![0usize; pack.drugs.len()];
        for (i, d) in pack.drugs.iter().enumerate() {
            for h in hits.of(d.matcher) {
                drug_mentions.push((h.clone(), i));
                counts[i] += 1;
            }
        }
        drug_mentions.sort_by_key(|(s, _)| s.start);
        let main_drug = counts.iter().enumerate().filter(|(_, c)| **c > 0).max_by_key(|(_, c)| **c).map(|(i, _)| i);
        let count = |ms: &[usize]| ms.iter().map(|m| hits.of(*m).len()).sum::<usize>();
        let strong = drug_mentions.len() + count(&cues.dose);
        let weak = count(&cues.medical);
        let medical = (strong >= 1 && strong + weak >= 2) || weak >= 4;
        let health = medical || count(&cues.health) >= 3;
        Analysis { doc, pack, hits, cues, markers, has_references, drug_mentions, main_drug, medical, health }
    }

    /// Whether a rule with this gate applies to the page.
    pub fn gate_open(&self, gate: Gate) -> bool {
        match gate {
            Gate::None => true,
            Gate::Medical => self.medical,
            Gate::Health => self.health,
        }
    }

    /// Span of the sentence containing `offset` (or the whole block separator region).
    pub fn sentence_span(&self, offset: usize) -> Range<usize> {
        match self.doc.sentence_at(offset) {
            Some(i) => self.doc.sentences[i].span.clone(),
            None => 0..0,
        }
    }

    /// The sentence index and the indices of the sentences around it in the same block.
    pub fn neighbours(&self, offset: usize) -> (Option<usize>, Option<usize>, Option<usize>) {
        let Some(i) = self.doc.sentence_at(offset) else {
            return (None, None, None);
        };
        let block = self.doc.sentences[i].block;
        let prev = i.checked_sub(1).filter(|p| self.doc.sentences[*p].block == block);
        let next = Some(i + 1).filter(|n| self.doc.sentences.get(*n).is_some_and(|s| s.block == block));
        (Some(i), prev, next)
    }

    /// Drug mentioned nearest to `span` within its sentence, else the page's main drug.
    pub fn subject(&self, span: &Range<usize>) -> Option<usize> {
        let sent = self.sentence_span(span.start);
        let i = self.drug_mentions.partition_point(|(s, _)| s.start < sent.start);
        self.drug_mentions[i..]
            .iter()
            .take_while(|(s, _)| s.start < sent.end)
            .min_by_key(|(s, _)| s.start.abs_diff(span.start))
            .map(|(_, d)| *d)
            .or(self.main_drug)
    }

    /// Drugs mentioned in the sentence containing `offset`.
    pub fn drugs_in_sentence(&self, offset: usize) -> Vec<usize> {
        let sent = self.sentence_span(offset);
        let from = self.drug_mentions.partition_point(|(s, _)| s.start < sent.start);
        let mut v: Vec<usize> = self.drug_mentions[from..]
            .iter()
            .take_while(|(s, _)| s.start < sent.end)
            .filter(|(s, _)| s.end <= sent.end)
            .map(|(_, d)| *d)
            .collect();
        v.dedup();
        v
    }

    /// Markers within `range` (markers are sorted by start).
    pub fn markers_in(&self, range: &Range<usize>) -> impl Iterator<Item = &Marker> {
        let r = range.clone();
        let from = self.markers.partition_point(|m| m.span.start < r.start);
        self.markers[from..].iter().take_while(move |m| m.span.start < r.end).filter(move |m| m.span.end <= r.end)
    }

    /// Whether the hits of lexicon `m` occur within `range`.
    pub fn lexicon_in(&self, ms: &[usize], range: &Range<usize>) -> bool {
        ms.iter().any(|m| all_in(self.hits.of(*m), range).next().is_some())
    }

    /// The text of a span.
    pub fn text(&self, span: &Range<usize>) -> &'a str {
        self.doc.text.get(span.clone()).unwrap_or("")
    }
}

/// Reference entries name authors and a year and usually a title with a period.
fn looks_like_citation(t: &str) -> bool {
    t.matches('.').nth(1).is_some() && crate::segment::more_words_than(t, 4)
}

/// Compiles this module's regexes that every page needs (start-up warms them on another core
/// while the pack loads).
pub(crate) fn warm() {
    reference_heading();
    marker_re();
}

/// Compiles the regexes of reference entries for `text` if a line of it could be one (the test
/// [`is_reference_entry`] makes before running them); `None`: now.
pub(crate) fn warm_for(text: Option<&str>) {
    if text.is_none_or(|t| t.lines().any(|l| has_four_digits(l.as_bytes()) && looks_like_citation(l))) {
        reference_author();
        reference_year();
    }
}

#[cfg(test)]
mod tests {
    use super::{has_four_digits, is_reference_entry, looks_like_citation, marker_spans, MARKER};
    use proptest::prelude::*;

    /// The search `marker_spans` replaced: the regex over the whole text, leftmost first.
    fn markers_by_regex(t: &str) -> Vec<std::ops::Range<usize>> {
        let re = crate::engine::compile::fast_regex(MARKER);
        re.captures_iter(t).filter_map(|c| (1..=4).find_map(|i| c.get(i)).map(|m| m.range())).collect()
    }

    #[test]
    fn markers_are_found_where_the_regex_finds_them() {
        let mut n = 0;
        let mut pages = crate::engine::compile::fixture_pages();
        pages
            .push("Safe.[1] Works (2) and.3 more.¹²\nCall (855) 430-9439. It helps! (4)\nx.5,6 [^a-b] [1, 2–3]".into());
        assert!(pages.len() > 10);
        for page in &pages {
            let found = marker_spans(page);
            assert_eq!(found, markers_by_regex(page));
            n += found.len();
        }
        assert!(n >= 10, "{n} markers");
    }

    /// The single regex `is_reference_entry` replaced (with the same cheap checks around it).
    fn oracle(t: &str) -> bool {
        static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        let re = RE.get_or_init(|| regex::Regex::new(
            r"^\s*(?:\[?\d{1,3}[.\])]\s*)?\p{Lu}[\p{L}'’-]+,?\s+(?:\p{Lu}\.\s?(?:\p{Lu}\.\s?)?|\p{Lu}{1,3}(?-u:\b)).{0,300}?(?:\(\d{4}[a-z]?\)|(?-u:\b)(?:19|20)\d{2}(?-u:\b))",
        )
        .unwrap_or_else(|e| panic!("{e}")));
        re.is_match(t) && looks_like_citation(t)
    }

    #[test]
    fn reference_entries_are_recognised() {
        for (t, entry) in [
            ("Garbutt, J. C., West, S. L. (2010). Efficacy of naltrexone. JAMA.", true),
            ("1. Smith J, et al. Naltrexone for alcohol use. Lancet. 2019;12:1-9.", true),
            ("[3] Mason, B. J. Treatment of outpatients. J Clin Psychiatry. 2001.", true),
            ("Our program began in 2005. It has helped many people. Call today.", false),
            ("Garbutt, J. C. Efficacy of naltrexone. JAMA.\nSecond line with 2010 in it.", false),
            ("Smith, J. Short. 2019.", false),
        ] {
            assert_eq!(is_reference_entry(t), entry, "{t:?}");
            assert_eq!(oracle(t), entry, "the regex disagrees on {t:?}");
        }
        // The year must come within 300 characters of the author part.
        let far = format!("Garbutt, J. C. {}. Title. JAMA (2010).", "word ".repeat(70));
        assert!(!is_reference_entry(&far) && !oracle(&far));
        let near = format!("Garbutt, J. C. {}. Title. JAMA (2010).", "word ".repeat(50));
        assert!(is_reference_entry(&near) && oracle(&near));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        /// The strided search finds four digits in a row exactly where a four-byte window does.
        #[test]
        fn four_digits_in_a_row_found_as_a_window_finds_them(text in "[0-9a ٣é]{0,40}") {
            let window = text.as_bytes().windows(4).any(|w| w.iter().all(u8::is_ascii_digit));
            prop_assert_eq!(has_four_digits(text.as_bytes()), window, "{:?}", text);
        }

        /// Texts built from what the marker regex's branches start and end with find the markers
        /// the regex finds over the whole text: overlapping candidates, phone numbers, decimals,
        /// superscripts, Unicode digits and spaces the ASCII `\d` does not take.
        #[test]
        fn markers_agree_with_the_whole_text_regex(parts in proptest::collection::vec(
            prop::sample::select(vec!["[", "]", "^", "(", ")", ".", "!", "?", " ", "\t", "\n", "1", "23", "4567",
                ",", "–", "-", "a", "z", "A", "é", "¹", "²", "⁴", "⁰", "x_y", "٣", "note", "\u{a0}", "[1]", "(2)", ".3"]),
            0..40,
        )) {
            let t: String = parts.concat();
            prop_assert_eq!(marker_spans(&t), markers_by_regex(&t), "{:?}", t);
        }

        /// Short blocks built from the pieces the pattern cares about agree with the regex.
        #[test]
        fn reference_entry_agrees_with_the_regex(parts in proptest::collection::vec(
            prop::sample::select(vec!["Garbutt", "Ó", "J.", "JC", " ", ", ", ".", "(2010)", "(2010a)", "2019", "1999", "12345",
                "[1]", "1.", "et al", "Title", "\n", "é", "x", "-", "’"]),
            0..16,
        )) {
            let t: String = parts.concat();
            prop_assert_eq!(is_reference_entry(&t), oracle(&t), "{:?}", t);
        }
    }
}

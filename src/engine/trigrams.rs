//! Finding many literals in one short text without building an automaton.
//!
//! The pack's ~1,500 literals make an Aho-Corasick automaton that costs ~9 M instructions (~3 ms)
//! to build: more than linting a page. A page is small, so index the page instead: every position
//! filed under a hash of the three bytes that start there (a counting sort, linear in the text),
//! then each literal looked up under its rarest three bytes and compared where it could start.
//! The matches are exactly those of the automaton's overlapping search, in the same order: every
//! occurrence of every literal, by end, then by start (a longer literal ending at the same place
//! comes first). A property test checks this against the automaton.

use std::ops::Range;

/// A text's positions, filed by a hash of the three bytes starting there.
pub(crate) struct TrigramIndex<'t> {
    text: &'t [u8],
    /// Bucket `b` holds `positions[starts[b]..starts[b + 1]]`, ascending.
    starts: Vec<u32>,
    positions: Vec<u32>,
    bits: u32,
}

/// The largest text an index is built for (positions are `u32`). The scanner indexes texts up to
/// 256 KB; past this, only if the automaton could not be built.
const MAX_TEXT: usize = 1 << 24;

fn bucket(gram: &[u8], bits: u32) -> usize {
    let v = u32::from(gram[0]) | u32::from(gram[1]) << 8 | u32::from(gram[2]) << 16;
    (v.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

impl<'t> TrigramIndex<'t> {
    /// Indexes `text` (at most [`MAX_TEXT`] bytes; a longer text gets an empty index and
    /// [`TrigramIndex::find_all`] falls back to a plain search per literal).
    pub(crate) fn new(text: &'t [u8]) -> TrigramIndex<'t> {
        // About one position per bucket, between 256 and 65,536 buckets.
        let bits = text.len().max(1).next_power_of_two().trailing_zeros().clamp(8, 16);
        let grams = if text.len() <= MAX_TEXT { text.len().saturating_sub(2) } else { 0 };
        let mut starts = vec![0u32; (1 << bits) + 1];
        for i in 0..grams {
            starts[bucket(&text[i..], bits) + 1] += 1;
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut next = starts.clone();
        let mut positions = vec![0u32; grams];
        for i in 0..grams {
            let b = bucket(&text[i..], bits);
            positions[next[b] as usize] = i as u32;
            next[b] += 1;
        }
        TrigramIndex { text, starts, positions, bits }
    }

    fn positions(&self, gram: &[u8]) -> &[u32] {
        let b = bucket(gram, self.bits);
        &self.positions[self.starts[b] as usize..self.starts[b + 1] as usize]
    }

    /// Every occurrence of every literal as `(literal, start..end)`, ordered by end, then by start.
    pub(crate) fn find_all<L: AsRef<[u8]>>(&self, literals: &[L]) -> Vec<(usize, Range<usize>)> {
        let mut out = Vec::new();
        for (id, lit) in literals.iter().enumerate() {
            let lit = lit.as_ref();
            if lit.len() < 3 || self.text.len() > MAX_TEXT {
                self.scan(id, lit, &mut out);
                continue;
            }
            // The literal's three bytes that start fewest positions of the text.
            let Some((offset, candidates)) =
                (0..=lit.len() - 3).map(|k| (k, self.positions(&lit[k..k + 3]))).min_by_key(|(_, c)| c.len())
            else {
                continue;
            };
            for &p in candidates {
                let Some(start) = (p as usize).checked_sub(offset) else { continue };
                if self.text[start..].starts_with(lit) {
                    out.push((id, start..start + lit.len()));
                }
            }
        }
        out.sort_unstable_by_key(|(_, r)| (r.end, r.start));
        out
    }

    /// Every occurrence of `lit`, overlapping ones included, by a plain search.
    fn scan(&self, id: usize, lit: &[u8], out: &mut Vec<(usize, Range<usize>)>) {
        if lit.is_empty() {
            out.extend((0..=self.text.len()).map(|i| (id, i..i)));
            return;
        }
        let finder = memchr::memmem::Finder::new(lit);
        let mut at = 0;
        while let Some(i) = finder.find(&self.text[at..]) {
            out.push((id, at + i..at + i + lit.len()));
            at += i + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TrigramIndex;
    use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};
    use proptest::prelude::*;

    /// What the automaton finds: the oracle.
    fn automaton(text: &[u8], literals: &[Vec<u8>]) -> Vec<(usize, std::ops::Range<usize>)> {
        let ac = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .match_kind(MatchKind::Standard)
            .build(literals)
            .unwrap_or_else(|e| panic!("{e}"));
        ac.find_overlapping_iter(text).map(|m| (m.pattern().as_usize(), m.start()..m.end())).collect()
    }

    #[test]
    fn finds_overlapping_and_nested_literals_in_automaton_order() {
        let text = b"aaaa the theme of athens; a b c";
        let literals: Vec<Vec<u8>> = ["aa", "the", "theme", "them", "a", "hem", "athens", "ens;", "b c"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        let index = TrigramIndex::new(text);
        assert_eq!(index.find_all(&literals), automaton(text, &literals));
        assert!(index.find_all(&literals).iter().any(|(l, r)| *l == 0 && *r == (1..3)), "overlapping `aa`");
    }

    #[test]
    fn short_and_empty_texts() {
        let literals: Vec<Vec<u8>> = ["abc", "ab", "a"].iter().map(|s| s.as_bytes().to_vec()).collect();
        for text in [&b""[..], b"a", b"ab", b"abc", b"abcabc"] {
            assert_eq!(TrigramIndex::new(text).find_all(&literals), automaton(text, &literals), "{text:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any text and literals over a small alphabet (so literals recur, overlap and nest), and
        /// texts long enough that buckets hold many positions.
        #[test]
        fn same_matches_as_the_automaton(
            text in proptest::collection::vec(prop::sample::select(b"ab c\xC5\xBF".to_vec()), 0..600),
            literals in proptest::collection::vec(proptest::collection::vec(prop::sample::select(b"ab c\xC5\xBF".to_vec()), 1..7), 1..40),
        ) {
            let mut literals = literals;
            literals.sort();
            literals.dedup();
            prop_assert_eq!(TrigramIndex::new(&text).find_all(&literals), automaton(&text, &literals));
        }
    }
}

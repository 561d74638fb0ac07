//! Byte searches shared by the document parsers, the scan and the checks: eight ASCII bytes
//! classified as one number, and a search for any of a few literals.

use aho_corasick::AhoCorasick;

/// A one in every byte of a `u64`, and the high bit of every byte.
const LOW: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether all eight bytes of `x` (little-endian) are ASCII: what [`equal`] and [`within`] need.
#[inline]
pub(crate) fn all_ascii(x: u64) -> bool {
    x & HIGH == 0
}

/// The high bit of each byte of `x` (eight ASCII bytes) equal to the ASCII byte `b`: (byte ^ b)
/// + 0x7F sets it exactly when byte ^ b is not zero, and no sum carries into the next byte.
#[inline]
pub(crate) fn equal(x: u64, b: u8) -> u64 {
    !((x ^ (u64::from(b) * LOW)) + 0x7F * LOW) & HIGH
}

/// The high bit of each byte of `x` (eight ASCII bytes) in `lo..=hi` (`0 < lo <= hi < 0x80`):
/// byte + (0x80 - lo) sets it when byte >= lo, byte + (0x7F - hi) when byte > hi.
#[inline]
pub(crate) fn within(x: u64, lo: u8, hi: u8) -> u64 {
    (x + u64::from(0x80 - lo) * LOW) & !(x + u64::from(0x7F - hi) * LOW) & HIGH
}

/// How many bytes a mask of high bits marks: one multiply gathers them in the top byte
/// (`count_ones` is a long sequence on the baseline x86-64 target, which has no POPCNT).
#[inline]
pub(crate) fn count(mask: u64) -> usize {
    ((mask >> 7).wrapping_mul(LOW) >> 56) as usize
}

/// A search for any of a few literals: Teddy (SIMD) where the machine has it, else an automaton.
#[derive(Debug)]
pub(crate) enum AnyOf {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
    /// The literals would not build into a searcher: every text is taken to hold one.
    Any,
}

impl AnyOf {
    pub(crate) fn new<L: AsRef<str>>(literals: &[L]) -> AnyOf {
        let bytes = || literals.iter().map(|l| l.as_ref().as_bytes());
        if let Some(packed) = aho_corasick::packed::Searcher::new(bytes()) {
            return AnyOf::Packed(packed);
        }
        match AhoCorasick::new(bytes()) {
            Ok(ac) => AnyOf::Automaton(ac),
            Err(_) => AnyOf::Any,
        }
    }

    /// Whether `text` holds one of the literals.
    pub(crate) fn is_in(&self, text: &[u8]) -> bool {
        match self {
            AnyOf::Packed(s) => s.find(text).is_some(),
            AnyOf::Automaton(ac) => ac.is_match(text),
            AnyOf::Any => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Each classifier marks the bytes a byte-at-a-time test marks, on every ASCII byte.
        #[test]
        fn eight_bytes_are_classified_as_one_at_a_time(
            bytes in proptest::array::uniform8(0u8..0x80),
            b in 0u8..0x80,
            lo in 1u8..0x80,
            span in 0u8..0x80,
        ) {
            let hi = lo.saturating_add(span).min(0x7F);
            let x = u64::from_le_bytes(bytes);
            let marks = |f: &dyn Fn(u8) -> bool| {
                bytes.iter().enumerate().fold(0u64, |m, (k, &c)| if f(c) { m | 0x80 << (8 * k) } else { m })
            };
            prop_assert!(all_ascii(x));
            prop_assert_eq!(equal(x, b), marks(&|c| c == b));
            prop_assert_eq!(within(x, lo, hi), marks(&|c| (lo..=hi).contains(&c)));
            prop_assert_eq!(count(within(x, lo, hi)), bytes.iter().filter(|c| (lo..=hi).contains(*c)).count());
        }
    }

    proptest! {
        /// One automaton search finds a needle exactly where a search per needle does: texts
        /// cut from the needles and glued with noise, so needles overlap, nest and nearly occur.
        #[test]
        fn an_automaton_holds_what_a_search_per_needle_finds(
            pieces in proptest::collection::vec(prop::sample::select(vec!["doi", ".org", "nih", ".gov/", ".go", "v/", "stud", "y", "ies", "et al", "x", "/", " "]), 0..8),
        ) {
            const NEEDLES: &[&str] = &["doi.org", "nih.gov", ".gov/", "study", "studies", "et al"];
            let hay = pieces.concat();
            prop_assert_eq!(AnyOf::new(NEEDLES).is_in(hay.as_bytes()), NEEDLES.iter().any(|n| hay.contains(n)), "{:?}", hay);
        }
    }

    #[test]
    fn any_of_finds_a_literal_anywhere() {
        let set = AnyOf::new(&["doi.org", "nih.gov", "study"]);
        assert!(set.is_in(b"https://pubmed.ncbi.nlm.nih.gov/1") && set.is_in(b"a 2019 study"));
        assert!(!set.is_in(b"/drugs/baclofen") && !set.is_in(b""));
    }
}

//! Finding many literals in a long text by their first bytes, not by walking an automaton.
//!
//! The pack's ~3,100 literals (phrases, gating literals, word lists) make an Aho-Corasick
//! automaton that spends ~50 instructions per byte: the text's common words keep it off its
//! root state, and every step away from the root follows sparse transitions and failure links.
//! Most positions of a text start no literal, and their first four bytes say so: a bitmap of
//! 65,536 bits (8 KB, which stays in the first-level cache) holds a hash of the first four bytes
//! of every literal of four bytes or more, and a second one the first two bytes of every shorter
//! literal (a one-byte literal sets every pair it can start). At a position, two bit tests decide
//! whether there is anything to compare; on 10 MB of copy one position in six has a candidate.
//! A literal of four to seven bytes is filed under its first four, a longer one under its first
//! eight, a shorter one under its first two, and each is compared as a masked eight-byte number.
//!
//! The matches are exactly those of the automaton's overlapping search, in the same order: every
//! occurrence of every literal, by end, then by start (a longer literal ending at the same place
//! comes first; a literal given twice is found twice, in the order given). An empty literal is
//! never found (the scanner has none: the pack refuses empty phrases, and a gate is a piece of a
//! pattern). A property test checks all this against the automaton.

use std::ops::Range;

/// Bits in each bitmap: a 16-bit index.
const BITS: usize = 1 << 16;

/// A bitmap over 16-bit indices.
struct Bitmap(Box<[u64; BITS / 64]>);

impl Bitmap {
    fn new() -> Bitmap {
        Bitmap(Box::new([0; BITS / 64]))
    }

    fn set(&mut self, i: usize) {
        self.0[(i >> 6) % (BITS / 64)] |= 1 << (i & 63);
    }

    #[inline]
    fn has(&self, i: usize) -> bool {
        self.0[(i >> 6) % (BITS / 64)] >> (i & 63) & 1 != 0
    }
}

/// The bitmap index of a four-byte prefix.
#[inline]
fn hashed(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

/// An open-addressed table from a prefix key to the literals filed under it.
struct Table {
    /// Per slot: the key and the range of `Buckets::ids` it holds (empty: an empty slot).
    slots: Box<[(u32, u32, u32)]>,
    /// `32 - log2(slots)`: a key's first slot is the top bits of its hash.
    shift: u32,
}

impl Table {
    /// A table for `buckets`, each a key and its `ids` range.
    fn new(buckets: &[(u32, Range<u32>)]) -> Table {
        // At most half full; u32 keys, so at most 2^32 slots.
        let size = (buckets.len() * 2).next_power_of_two().clamp(16, 1 << 32);
        let mut table =
            Table { slots: vec![(0u32, 0u32, 0u32); size].into_boxed_slice(), shift: 32 - size.trailing_zeros() };
        for (key, range) in buckets {
            let mut s = table.first_slot(*key);
            while table.slots[s].2 != 0 {
                s = (s + 1) & (table.slots.len() - 1);
            }
            table.slots[s] = (*key, range.start, range.end);
        }
        table
    }

    #[inline]
    fn first_slot(&self, key: u32) -> usize {
        (u64::from(key.wrapping_mul(0x9E37_79B1)) >> self.shift) as usize
    }

    #[inline]
    fn get(&self, key: u32) -> Range<usize> {
        let mut s = self.first_slot(key);
        loop {
            let (k, start, end) = self.slots[s];
            if end == 0 {
                return 0..0;
            }
            if k == key {
                return start as usize..end as usize;
            }
            s = (s + 1) & (self.slots.len() - 1);
        }
    }
}

/// Literals filed under keys: each bucket's literals in order of length, then of id.
struct Buckets {
    table: Table,
    ids: Vec<Filed>,
}

/// A literal in a bucket: its id, its length, its first eight bytes and the eight after them
/// (zero past its end), each with the mask of the bytes it has.
#[derive(Clone, Copy)]
struct Filed {
    id: u32,
    len: u32,
    head: u64,
    mask: u64,
    next: u64,
    next_mask: u64,
}

impl Filed {
    fn new(id: usize, lit: &[u8]) -> Filed {
        let mask = |n: usize| if n >= 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
        Filed {
            id: id as u32,
            len: lit.len() as u32,
            head: head(lit),
            mask: mask(lit.len()),
            next: head(lit.get(8..).unwrap_or_default()),
            next_mask: mask(lit.len().saturating_sub(8)),
        }
    }

    /// Whether the literal's first eight bytes (at most) are those of `word`.
    #[inline]
    fn heads(&self, word: u64) -> bool {
        word & self.mask == self.head
    }
}

impl Buckets {
    /// Files `(key, literal)` entries.
    fn new(mut entries: Vec<(u32, Filed)>) -> Buckets {
        entries.sort_unstable_by_key(|&(key, f)| (key, f.len, f.id));
        let mut buckets: Vec<(u32, Range<u32>)> = Vec::new();
        let mut ids = Vec::with_capacity(entries.len());
        for (key, filed) in entries {
            let n = ids.len() as u32;
            match buckets.last_mut() {
                Some((k, range)) if *k == key => range.end = n + 1,
                _ => buckets.push((key, n..n + 1)),
            }
            ids.push(filed);
        }
        Buckets { table: Table::new(&buckets), ids }
    }

    #[inline]
    fn get(&self, key: u32) -> &[Filed] {
        &self.ids[self.table.get(key)]
    }
}

/// The first eight bytes of `bytes` as a little-endian number, zero past its end.
fn head(bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = bytes.len().min(8);
    b[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(b)
}

/// A 32-bit key for the first eight bytes of a word.
#[inline]
fn folded(word: u64) -> u32 {
    (word ^ (word >> 29)) as u32 ^ (word >> 32) as u32
}

/// The literals of a set, filed by their first bytes in three tiers by length.
pub(crate) struct PrefixSet {
    /// Every literal's bytes, one after another (literal `i` is `bytes[starts[i]..starts[i + 1]]`):
    /// the part past the first sixteen bytes is compared from here.
    bytes: Vec<u8>,
    starts: Vec<usize>,
    /// One to three bytes: filed under their first two bytes (a one-byte literal under every pair
    /// it starts), the bitmap indexed by the pair itself.
    short_bits: Bitmap,
    short: Buckets,
    /// Four bytes or more: a hash of their first four bytes.
    long_bits: Bitmap,
    /// Four to seven bytes: under their first four.
    medium: Buckets,
    /// Eight bytes or more: under their first eight (as [`folded`]).
    long: Buckets,
}

impl PrefixSet {
    /// The set of `literals`; a literal's id is its index (ids are `u32`: a set of four billion
    /// literals would not fit in memory anyway).
    pub(crate) fn new<L: AsRef<[u8]>>(literals: &[L]) -> PrefixSet {
        let mut bytes = Vec::with_capacity(literals.iter().map(|l| l.as_ref().len()).sum());
        let mut starts = Vec::with_capacity(literals.len() + 1);
        starts.push(0);
        let mut bits = [Bitmap::new(), Bitmap::new()];
        let mut tiers: [Vec<(u32, Filed)>; 3] = Default::default();
        for (id, lit) in literals.iter().enumerate() {
            let lit = lit.as_ref();
            bytes.extend_from_slice(lit);
            starts.push(bytes.len());
            let filed = Filed::new(id, lit);
            match lit.len() {
                0 => {}
                1 => {
                    for b in 0..=255u8 {
                        let key = u32::from(u16::from_le_bytes([lit[0], b]));
                        bits[0].set(key as usize);
                        tiers[0].push((key, filed));
                    }
                }
                2 | 3 => {
                    let key = u32::from(u16::from_le_bytes([lit[0], lit[1]]));
                    bits[0].set(key as usize);
                    tiers[0].push((key, filed));
                }
                4..=7 => {
                    bits[1].set(hashed(filed.head as u32));
                    tiers[1].push((filed.head as u32, filed));
                }
                _ => {
                    bits[1].set(hashed(filed.head as u32));
                    tiers[2].push((folded(filed.head), filed));
                }
            }
        }
        let [short_bits, long_bits] = bits;
        let [short, medium, long] = tiers.map(Buckets::new);
        PrefixSet { bytes, starts, short_bits, short, long_bits, medium, long }
    }

    /// The bytes of literal `id`.
    fn literal(&self, id: u32) -> &[u8] {
        let id = id as usize;
        &self.bytes[self.starts[id]..self.starts[id + 1]]
    }

    /// Every occurrence of every literal in `hay`, as `(literal, start, end)`, appended to `out`
    /// (cleared first) by end, then by start.
    pub(crate) fn find_all(&self, hay: &[u8], out: &mut Vec<(u32, usize, usize)>) {
        out.clear();
        let n = hay.len();
        for (i, w) in hay.windows(8).enumerate() {
            let Some(&bytes) = w.first_chunk::<8>() else { continue };
            let word = u64::from_le_bytes(bytes);
            // One branch on both bitmaps: most positions have no candidate in either.
            if self.short_bits.has((word & 0xFFFF) as usize) | self.long_bits.has(hashed(word as u32)) {
                self.at(hay, i, word, out);
            }
        }
        // The last seven positions (all of a shorter text): their bytes, zero past the end.
        for i in n.saturating_sub(7)..n {
            self.at(hay, i, head(&hay[i..]), out);
        }
    }

    /// The literals starting at `i`, whose next eight bytes (zero past the end) are `word`.
    #[inline(never)]
    fn at(&self, hay: &[u8], i: usize, word: u64, out: &mut Vec<(u32, usize, usize)>) {
        let n = hay.len();
        let pair = (word & 0xFFFF) as usize;
        if self.short_bits.has(pair) {
            for f in self.short.get(pair as u32) {
                if f.heads(word) && i + f.len as usize <= n {
                    push(out, f.id, i, i + f.len as usize);
                }
            }
        }
        if !self.long_bits.has(hashed(word as u32)) {
            return;
        }
        for f in self.medium.get(word as u32) {
            if f.heads(word) && i + f.len as usize <= n {
                push(out, f.id, i, i + f.len as usize);
            }
        }
        if i + 8 <= n {
            for f in self.long.get(folded(word)) {
                let end = i + f.len as usize;
                if f.head != word || end > n {
                    continue;
                }
                // The next eight bytes as a number where the text has them (no call to compare).
                let same = match hay.get(i + 8..i + 16).and_then(|b| b.first_chunk::<8>()) {
                    Some(&b) => {
                        u64::from_le_bytes(b) & f.next_mask == f.next
                            && (f.len <= 16 || hay[i + 16..end] == self.literal(f.id)[16..])
                    }
                    None => hay[i + 8..end] == self.literal(f.id)[8..],
                };
                if same {
                    push(out, f.id, i, end);
                }
            }
        }
    }
}

impl std::fmt::Debug for PrefixSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrefixSet").field("literals", &(self.starts.len() - 1)).finish_non_exhaustive()
    }
}

/// Appends a match found at a start no smaller than any before it, keeping `out` by end, then
/// by start: only matches that end later than it (longer ones starting earlier) move past it.
#[inline]
fn push(out: &mut Vec<(u32, usize, usize)>, id: u32, start: usize, end: usize) {
    let m = (id, start, end);
    let mut at = out.len();
    while at > 0 && out[at - 1].2 > m.2 {
        at -= 1;
    }
    if at == out.len() {
        out.push(m);
    } else {
        out.insert(at, m);
    }
}

#[cfg(test)]
mod tests {
    use super::PrefixSet;
    use aho_corasick::{AhoCorasickBuilder, AhoCorasickKind, MatchKind};
    use proptest::prelude::*;

    /// What the automaton finds: the oracle.
    fn automaton(text: &[u8], literals: &[Vec<u8>]) -> Vec<(u32, usize, usize)> {
        let ac = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::NoncontiguousNFA))
            .match_kind(MatchKind::Standard)
            .build(literals)
            .unwrap_or_else(|e| panic!("{e}"));
        ac.find_overlapping_iter(text).map(|m| (m.pattern().as_u32(), m.start(), m.end())).collect()
    }

    fn found(text: &[u8], literals: &[Vec<u8>]) -> Vec<(u32, usize, usize)> {
        let set = PrefixSet::new(literals);
        let mut out = vec![(9, 9, 9)];
        set.find_all(text, &mut out);
        out
    }

    fn bytes(words: &[&str]) -> Vec<Vec<u8>> {
        words.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn finds_overlapping_and_nested_literals_in_automaton_order() {
        let text = b"aaaa the theme of athens; a b c #x";
        let literals = bytes(&["aa", "the", "theme", "them", "a", "hem", "athens", "ens;", "b c", "#", "themes"]);
        assert_eq!(found(text, &literals), automaton(text, &literals));
        assert!(found(text, &literals).contains(&(0, 1, 3)), "overlapping `aa`");
    }

    #[test]
    fn literals_at_the_end_and_texts_shorter_than_a_prefix() {
        let literals = bytes(&["abcd", "abc", "ab", "a", "d", "cd", "bcd"]);
        for text in [&b""[..], b"a", b"ab", b"abc", b"abcd", b"xabcd", b"abcabcd"] {
            assert_eq!(found(text, &literals), automaton(text, &literals), "{text:?}");
        }
    }

    #[test]
    fn repeated_literals_are_found_in_the_order_given_and_empty_ones_never() {
        let text = b"abcdefghij abc";
        let literals = bytes(&["abcdefghij", "abc", "abcdefghij", "abc"]);
        assert_eq!(found(text, &literals), automaton(text, &literals));
        assert_eq!(found(text, &bytes(&["", "bc"])), vec![(1, 1, 3), (1, 12, 14)]);
        assert_eq!(found(text, &bytes(&[])), vec![]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any text and literals over a small alphabet (so literals recur, overlap and nest and
        /// prefixes collide), short literals and long ones, multi-byte characters among them, and
        /// pieces of the text up to 24 bytes long (so long literals occur, and near-misses of them
        /// differ past their first eight bytes).
        #[test]
        fn same_matches_as_the_automaton(
            text in proptest::collection::vec(prop::sample::select(b"ab c\xC5\xBF".to_vec()), 0..600),
            literals in proptest::collection::vec(proptest::collection::vec(prop::sample::select(b"ab c\xC5\xBF".to_vec()), 1..9), 1..60),
            pieces in proptest::collection::vec((0usize..600, 1usize..25), 0..20),
        ) {
            let mut literals = literals;
            for (at, len) in pieces {
                let start = at.min(text.len());
                literals.push(text[start..(start + len).min(text.len())].to_vec());
            }
            literals.retain(|l| !l.is_empty());
            prop_assert_eq!(found(&text, &literals), automaton(&text, &literals));
        }

        /// Texts of two letters, and pieces of them: long literals with many near-misses, which
        /// share their first eight or sixteen bytes with the text and differ after.
        #[test]
        fn same_matches_as_the_automaton_on_two_letters(
            text in proptest::collection::vec(prop::sample::select(b"ab".to_vec()), 0..2000),
            pieces in proptest::collection::vec((0usize..2000, 1usize..30), 1..30),
        ) {
            let mut literals: Vec<Vec<u8>> = Vec::new();
            for (at, len) in pieces {
                let start = at.min(text.len());
                literals.push(text[start..(start + len).min(text.len())].to_vec());
            }
            literals.retain(|l| !l.is_empty());
            prop_assert_eq!(found(&text, &literals), automaton(&text, &literals));
        }
    }
}

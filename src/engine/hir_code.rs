//! A compact binary form of a regex's translated syntax tree (`regex_syntax::hir::Hir`). build.rs
//! writes it for every embedded pattern, so that a run builds their regexes from the tree: no
//! parsing, no Unicode case folding (a `(?i)` class such as `\p{Lu}` folds every code point of
//! it), which were half of compiling a page's patterns (22 patterns of a 7 KB seed page: 3.1 ms
//! from source, 1.6 ms from the tree). Shared with build.rs, so it needs nothing but
//! `regex-syntax`.
//!
//! A node is a tag byte followed by its fields, numbers as four little-endian bytes, children
//! after their parent (prefix order). [`decode`] rebuilds the tree through `Hir`'s own
//! constructors and answers `None` for bytes it did not write, never panicking.

use regex_syntax::hir::{Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind};
use regex_syntax::hir::{Look, Repetition};

const EMPTY: u8 = 0;
const LITERAL: u8 = 1;
const CLASS_UNICODE: u8 = 2;
const CLASS_BYTES: u8 = 3;
const LOOK: u8 = 4;
const REPETITION: u8 = 5;
const CAPTURE: u8 = 6;
const CONCAT: u8 = 7;
const ALTERNATION: u8 = 8;
/// Written for an absent number (a repetition's missing maximum, a capture without a name).
const NONE: u32 = u32::MAX;
/// Deeper trees are refused: regex-syntax's own parser nests at most 250 levels.
const MAX_DEPTH: usize = 1_000;

/// The binary form of `hir` (build.rs writes it; in the crate only tests do).
#[cfg_attr(not(test), allow(dead_code))]
pub fn encode(hir: &Hir) -> Vec<u8> {
    let mut out = Vec::new();
    write(hir, &mut out);
    out
}

#[cfg_attr(not(test), allow(dead_code))]
fn number(n: usize, out: &mut Vec<u8>) {
    out.extend_from_slice(&u32::try_from(n).unwrap_or(NONE).to_le_bytes());
}

#[cfg_attr(not(test), allow(dead_code))]
fn write(hir: &Hir, out: &mut Vec<u8>) {
    match hir.kind() {
        HirKind::Empty => out.push(EMPTY),
        HirKind::Literal(lit) => {
            out.push(LITERAL);
            number(lit.0.len(), out);
            out.extend_from_slice(&lit.0);
        }
        HirKind::Class(Class::Unicode(class)) => {
            out.push(CLASS_UNICODE);
            number(class.ranges().len(), out);
            for r in class.ranges() {
                out.extend_from_slice(&u32::from(r.start()).to_le_bytes());
                out.extend_from_slice(&u32::from(r.end()).to_le_bytes());
            }
        }
        HirKind::Class(Class::Bytes(class)) => {
            out.push(CLASS_BYTES);
            number(class.ranges().len(), out);
            for r in class.ranges() {
                out.extend_from_slice(&[r.start(), r.end()]);
            }
        }
        HirKind::Look(look) => {
            out.push(LOOK);
            out.extend_from_slice(&look.as_repr().to_le_bytes());
        }
        HirKind::Repetition(rep) => {
            out.push(REPETITION);
            out.extend_from_slice(&rep.min.to_le_bytes());
            out.extend_from_slice(&rep.max.unwrap_or(NONE).to_le_bytes());
            out.push(u8::from(rep.greedy));
            write(&rep.sub, out);
        }
        HirKind::Capture(cap) => {
            out.push(CAPTURE);
            out.extend_from_slice(&cap.index.to_le_bytes());
            match &cap.name {
                Some(name) => {
                    number(name.len(), out);
                    out.extend_from_slice(name.as_bytes());
                }
                None => out.extend_from_slice(&NONE.to_le_bytes()),
            }
            write(&cap.sub, out);
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            out.push(if matches!(hir.kind(), HirKind::Concat(_)) { CONCAT } else { ALTERNATION });
            number(subs.len(), out);
            subs.iter().for_each(|s| write(s, out));
        }
    }
}

/// The tree `bytes` hold, if they are one whole tree as [`encode`] writes them.
pub fn decode(bytes: &[u8]) -> Option<Hir> {
    let mut reader = Reader { bytes, at: 0 };
    let hir = reader.node(0)?;
    (reader.at == bytes.len()).then_some(hir)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4).and_then(|b| b.try_into().ok()).map(u32::from_le_bytes)
    }

    /// A count of items that each take at least `size` bytes: no larger than what is left.
    fn count(&mut self, size: usize) -> Option<usize> {
        let n = usize::try_from(self.u32()?).ok()?;
        (n.checked_mul(size)? <= self.bytes.len() - self.at).then_some(n)
    }

    fn node(&mut self, depth: usize) -> Option<Hir> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match self.byte()? {
            EMPTY => Hir::empty(),
            LITERAL => {
                let n = self.count(1)?;
                Hir::literal(self.take(n)?)
            }
            CLASS_UNICODE => {
                let n = self.count(8)?;
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    let (start, end) = (char::from_u32(self.u32()?)?, char::from_u32(self.u32()?)?);
                    ranges.push(ClassUnicodeRange::new(start, end));
                }
                Hir::class(Class::Unicode(ClassUnicode::new(ranges)))
            }
            CLASS_BYTES => {
                let n = self.count(2)?;
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    ranges.push(ClassBytesRange::new(self.byte()?, self.byte()?));
                }
                Hir::class(Class::Bytes(ClassBytes::new(ranges)))
            }
            LOOK => Hir::look(Look::from_repr(self.u32()?)?),
            REPETITION => {
                let min = self.u32()?;
                let max = Some(self.u32()?).filter(|&m| m != NONE);
                let greedy = match self.byte()? {
                    0 => false,
                    1 => true,
                    _ => return None,
                };
                let sub = Box::new(self.node(depth + 1)?);
                Hir::repetition(Repetition { min, max, greedy, sub })
            }
            CAPTURE => {
                let index = self.u32()?;
                let name = match self.u32()? {
                    NONE => None,
                    n => Some(std::str::from_utf8(self.take(usize::try_from(n).ok()?)?).ok()?.into()),
                };
                let sub = Box::new(self.node(depth + 1)?);
                Hir::capture(Capture { index, name, sub })
            }
            tag @ (CONCAT | ALTERNATION) => {
                let n = self.count(1)?;
                let subs = (0..n).map(|_| self.node(depth + 1)).collect::<Option<Vec<_>>>()?;
                if tag == CONCAT {
                    Hir::concat(subs)
                } else {
                    Hir::alternation(subs)
                }
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};
    use proptest::prelude::*;

    fn parse(p: &str) -> regex_syntax::hir::Hir {
        regex_syntax::parse(p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    #[test]
    fn trees_of_every_kind_come_back_whole() {
        for p in [
            "",
            "abc",
            r"(?i)\p{Lu}\p{L}+",
            r"(?-u:\b)(?:a|bc)*?x{2,5}y{3,}(?P<m>z)(q)|^$",
            r"(?i-u:caf[a-z]|\x00)",
            r"(?s:.)|(?m:^a$)|\B|(?-u:\B)",
        ] {
            let hir = parse(p);
            assert_eq!(decode(&encode(&hir)), Some(hir), "{p}");
        }
        // Byte classes beyond ASCII, as a byte-oriented parser makes them.
        let bytes = regex_syntax::ParserBuilder::new().utf8(false).build().parse(r"(?s-u:.[^x]\xFF)");
        let hir = bytes.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(decode(&encode(&hir)), Some(hir));
    }

    #[test]
    fn bytes_it_did_not_write_are_refused() {
        let whole = encode(&parse(r"(?P<m>ab|[c-e])+x"));
        for cut in 0..whole.len() {
            assert_eq!(decode(&whole[..cut]), None, "cut at {cut}");
        }
        let mut longer = whole.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
        assert_eq!(decode(&[9]), None, "unknown tag");
        assert_eq!(decode(&[2, 1, 0, 0, 0, 0, 0xD8, 0, 0, 0, 0xD8, 0, 0]), None, "a surrogate is no char");
        // A count larger than the bytes left is refused before anything is allocated for it.
        assert_eq!(decode(&[7, 0xFF, 0xFF, 0xFF, 0x7F]), None);
        let deep: Vec<u8> =
            std::iter::repeat_n([5u8, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1], 2_000).flatten().collect();
        assert_eq!(decode(&deep), None, "nesting deeper than any parser allows");
    }

    /// Pattern pieces, combined at random into patterns the parser accepts.
    fn pattern() -> impl Strategy<Value = String> {
        let atom = prop::sample::select(vec![
            "a",
            "é",
            "’",
            r"\d",
            r"\s",
            r"\w",
            r"\p{Lu}",
            ".",
            "[^.]",
            r"(?-u:\b)",
            r"\b",
            "^",
            "$",
            "(?i:k)",
            "[a-c]",
        ])
        .prop_map(String::from);
        atom.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
                prop::collection::vec(inner.clone(), 1..4).prop_map(|v| format!("(?:{})", v.join("|"))),
                (inner.clone(), prop::sample::select(vec!["*", "+?", "?", "{2}", "{1,3}", "{2,}"]))
                    .prop_map(|(a, r)| format!("(?:{a}){r}")),
                inner.clone().prop_map(|a| format!("({a})")),
                inner.prop_map(|a| format!("(?i:{a})")),
            ]
        })
    }

    proptest! {
        #[test]
        fn parsed_patterns_come_back_whole(p in pattern()) {
            for p in [p.clone(), format!("(?P<m>{p})x")] {
                let hir = parse(&p);
                prop_assert_eq!(decode(&encode(&hir)), Some(hir));
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&bytes);
        }
    }
}

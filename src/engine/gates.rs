//! How a pattern is prepared for the scanner, with nothing but `regex-syntax`: ASCII word
//! classes, case folding, and the literals that gate it. Shared with `build.rs`, which runs it
//! over the embedded pack at build time so that start-up skips parsing those patterns.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

/// Rewrites `\b`, `\B`, `\w`/`\W` and `\d`/`\D` to their ASCII forms. Unicode word boundaries
/// force the regex engine off its lazy DFA on any non-ASCII text (’ and — are everywhere in web
/// copy); ASCII ones keep every search on the fast path, and an ASCII `\d` gives a pattern literal
/// prefixes (`0`..`9`) to be gated on. Documented in the README ("Writing a rule").
pub fn ascii_words(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('b') if class_depth == 0 => out.push_str("(?-u:\\b)"),
                Some('B') if class_depth == 0 => out.push_str("(?-u:\\B)"),
                Some('w') if class_depth == 0 => out.push_str("[0-9A-Za-z_]"),
                Some('w') => out.push_str("0-9A-Za-z_"),
                Some('W') if class_depth == 0 => out.push_str("[^0-9A-Za-z_]"),
                Some('d') if class_depth == 0 => out.push_str("[0-9]"),
                Some('d') => out.push_str("0-9"),
                Some('D') if class_depth == 0 => out.push_str("[^0-9]"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            '[' => {
                class_depth += 1;
                out.push(c);
                // A `]` or `^]` right after the opening bracket is a literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Wraps a pattern case-insensitively. ASCII case folding (`(?i-u:)`) keeps the automaton small;
/// patterns that need Unicode (`\p{Lu}`, `.`, negated classes) keep Unicode folding.
pub fn case_insensitive(p: &str) -> String {
    let ascii = format!("(?i-u:{p})");
    let valid = regex_syntax::ParserBuilder::new().utf8(true).build().parse(&ascii).is_ok();
    if valid {
        ascii
    } else {
        format!("(?i:{p})")
    }
}

/// Literals that every match of `hir` starts with, ASCII case aside, when there are few; `None`
/// when there is no such finite set.
fn literals_of(hir: &Hir) -> Option<Vec<String>> {
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    let lits = seq.literals()?;
    if lits.is_empty() {
        return None;
    }
    // Alternations multiply (`(many|several) (studies|trials)`): shorter prefixes of the prefixes
    // are still necessary, and fewer.
    let mut bytes: Vec<&[u8]> = lits.iter().map(|l| l.as_bytes()).collect();
    for keep in [8, 4, 2, 1] {
        if bytes.len() <= 64 {
            break;
        }
        bytes = bytes.iter().map(|b| &b[..b.len().min(keep)]).collect();
        bytes.sort_unstable();
        bytes.dedup();
    }
    if bytes.len() > 64 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    for b in bytes {
        // A cut inside a multi-byte character: keep whole characters only.
        let s = String::from_utf8_lossy(b);
        let s = s.trim_matches('\u{FFFD}');
        // The automaton folds ASCII case only: a non-ASCII letter (é/É) would need its own forms.
        let uncased = |c: char| c.is_ascii() || (c.to_lowercase().eq([c]) && c.to_uppercase().eq([c]));
        if s.is_empty() || !s.chars().all(uncased) {
            return None;
        }
        out.push(s.to_ascii_lowercase());
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The literal sets that gate `pattern`: of the parts every match must contain (the pieces of
/// its top-level sequence: a word, an alternation of words, a repeated piece), the most selective
/// (at most [`MAX_GATES`]); a line can hold a match only if it has a literal of each. Empty means
/// the pattern must run over every text.
pub fn gate_literals(pattern: &str) -> Vec<Vec<String>> {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else { return Vec::new() };
    let mut sets = Vec::new();
    required_parts(&hir, &mut sets);
    sets.sort_by_key(|l| std::cmp::Reverse(selectivity(l)));
    sets.dedup();
    // A further part pays only when its literals are long: short ones (`a`, digits) fire so often
    // in the automaton that they cost more than the pattern runs they save.
    let mut kept: Vec<Vec<String>> = Vec::new();
    for set in sets {
        let long = set.iter().all(|l| l.len() >= MIN_EXTRA_GATE);
        if kept.is_empty() || (kept.len() < MAX_GATES && long) {
            kept.push(set);
        }
    }
    kept
}

/// Required parts checked per pattern: more select better, but cost automaton matches.
const MAX_GATES: usize = 3;

/// Shortest literal of a required part checked beyond the most selective one.
const MIN_EXTRA_GATE: usize = 4;

/// Finite literal sets, one per part of `hir` that every match contains.
fn required_parts(hir: &Hir, out: &mut Vec<Vec<String>>) {
    match hir.kind() {
        HirKind::Concat(parts) => parts.iter().for_each(|p| required_parts(p, out)),
        HirKind::Capture(c) => required_parts(&c.sub, out),
        HirKind::Repetition(r) if r.min >= 1 => required_parts(&r.sub, out),
        HirKind::Empty | HirKind::Look(_) | HirKind::Repetition(_) => {}
        _ => out.extend(literals_of(hir)),
    }
}

/// How selective a literal set is in prose: longer literals first, then punctuation that copy
/// rarely has (`=`, `<`, `%`), then fewer literals.
fn selectivity(lits: &[String]) -> (usize, bool, std::cmp::Reverse<usize>) {
    let common = |c: char| c.is_alphanumeric() || c.is_whitespace() || matches!(c, '.' | ',' | '\'' | '’' | '-');
    let min = lits.iter().map(String::len).min().unwrap_or(0);
    let rare = lits.iter().all(|l| l.chars().any(|c| !common(c)));
    (min, rare, std::cmp::Reverse(lits.len()))
}

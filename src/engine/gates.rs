//! How a pattern is prepared for the scanner, with nothing but `regex-syntax` and the trigram
//! index (to count literals in a sample of copy): ASCII word classes, case folding, and the
//! literals that gate it. Shared with `build.rs`, which runs it over the embedded pack at build
//! time so that start-up skips parsing those patterns.

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};

use super::trigrams::TrigramIndex;

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

/// Wraps a pattern case-insensitively. ASCII case folding (`(?i-u:)`) keeps the scan simple;
/// patterns that need Unicode (`\p{Lu}`, `.`, negated classes) keep Unicode folding.
pub fn case_insensitive(p: &str) -> String {
    if folds_ascii_only(p) {
        format!("(?i-u:{p})")
    } else {
        format!("(?i:{p})")
    }
}

/// Whether [`case_insensitive`] folds `p` by ASCII case alone (it is valid without Unicode).
fn folds_ascii_only(p: &str) -> bool {
    regex_syntax::ParserBuilder::new().utf8(true).build().parse(&format!("(?i-u:{p})")).is_ok()
}

/// Literals that every match of `hir` starts with, ASCII case aside, when there are few; `None`
/// when there is no such finite set. `ascii_folded`: the pattern folds ASCII case only
/// ([`case_insensitive`]), so a non-ASCII letter matches itself alone.
fn literals_of(hir: &Hir, ascii_folded: bool) -> Option<Vec<String>> {
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
        // The literal scan folds ASCII case only: where the pattern folds Unicode case, a non-ASCII
        // letter (é/É, µ/Μ) would need its other forms.
        let uncased = |c: char| c.is_ascii() || (c.to_lowercase().eq([c]) && c.to_uppercase().eq([c]));
        if s.is_empty() || !(ascii_folded || s.chars().all(uncased)) {
            return None;
        }
        out.push(s.to_ascii_lowercase());
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// What gates a pattern: literal sets a match must hold one literal of each of.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Gates {
    /// Of the parts every match must contain (the pieces of its top-level sequence: a word, an
    /// alternation of words, a repeated piece), the most selective (at most `MAX_GATES`),
    /// looked for in the text as it is (ASCII case aside). Empty: the pattern runs over every text.
    pub parts: Vec<Vec<String>>,
    /// Up to `MAX_PHRASES` more sets, the most selective of the same kind taken from the pattern
    /// with each white-space piece as one space (`carries\s+no\s+risk`: `carries no risk`), that
    /// its parts do not already give; [`collapsed`], as they are looked for in a unit's text
    /// [`collapsed`].
    pub phrases: Vec<Vec<String>>,
    /// Whether copy has the first phrase set more seldom than the first part (in [`SAMPLE`]):
    /// then, where the scanner builds its literal set (throughput), the phrases gate the pattern in evenly spaced
    /// text (a unit whose white space is lone spaces is its own [`collapsed`] form, so each match
    /// there holds one of them as it is) and the first part only in the rest.
    pub phrase_gate: bool,
}

/// The literal sets that gate `pattern` ([`Gates`]).
pub fn gate_literals(pattern: &str) -> Gates {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else { return Gates::default() };
    let ascii_folded = folds_ascii_only(pattern);
    let parts = strongest_parts(&hir, ascii_folded);
    if parts.is_empty() {
        return Gates::default();
    }
    let mut phrases = Vec::new();
    required_parts(&spaced(&hir), ascii_folded, &mut phrases);
    for set in &mut phrases {
        for l in set.iter_mut() {
            *l = collapsed_str(l);
        }
        set.sort();
        set.dedup();
    }
    phrases.retain(|set| !parts.contains(set));
    phrases.sort();
    phrases.dedup();
    phrases.sort_by_cached_key(|l| (in_sample(l), std::cmp::Reverse(strength(l)), l.len()));
    phrases.truncate(MAX_PHRASES);
    let phrase_gate = phrases.first().is_some_and(|first| in_sample(first) < in_sample(&parts[0]));
    Gates { parts, phrases, phrase_gate }
}

/// Phrase sets per pattern (see [`Gates::phrases`]).
const MAX_PHRASES: usize = 3;

/// `text` ASCII-lowercased with each run of white space (Unicode `White_Space`, what `\s` matches)
/// as one space, into `out`. A match's text collapsed lies within its unit's text collapsed, and
/// holds a phrase of each of its pattern's [`Gates::phrases`].
pub fn collapsed(text: &str, out: &mut Vec<u8>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut space = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (white, len) = if b.is_ascii() {
            ((b as char).is_whitespace(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        if white {
            if !space {
                out.push(b' ');
            }
        } else if len == 1 {
            out.push(b.to_ascii_lowercase());
        } else {
            out.extend_from_slice(&bytes[i..i + len]);
        }
        space = white;
        i += len;
    }
}

fn collapsed_str(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    collapsed(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// `hir` with each piece that matches only white space (`\s`, `\s+`, `\s*`, `\s?`) as a space
/// (optional when the piece may match nothing). For every match of `hir` there is a match of the
/// result with the same [`collapsed`] text: each such piece took a stretch of white space or
/// nothing, and takes one space or nothing instead.
fn spaced(hir: &Hir) -> Hir {
    let space = || Hir::literal(*b" ");
    match hir.kind() {
        _ if is_white_space(hir) => space(),
        HirKind::Repetition(r) if is_white_space(&r.sub) => {
            if r.min >= 1 {
                space()
            } else {
                Hir::repetition(Repetition { min: 0, max: Some(1), greedy: r.greedy, sub: Box::new(space()) })
            }
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition { sub: Box::new(spaced(&r.sub)), ..r.clone() }),
        HirKind::Capture(c) => Hir::capture(Capture { sub: Box::new(spaced(&c.sub)), ..c.clone() }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(spaced).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(spaced).collect()),
        _ => hir.clone(),
    }
}

/// Whether `hir` is a class of white space characters only (one character of white space).
fn is_white_space(hir: &Hir) -> bool {
    use regex_syntax::hir::Class;
    match hir.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            !c.ranges().is_empty() && c.ranges().iter().all(|r| (r.start()..=r.end()).all(char::is_whitespace))
        }
        HirKind::Class(Class::Bytes(c)) => {
            !c.ranges().is_empty()
                && c.ranges().iter().all(|r| (r.start()..=r.end()).all(|b| b.is_ascii() && (b as char).is_whitespace()))
        }
        _ => false,
    }
}

/// Of the parts of `hir` every match contains, the most selective (see [`gate_literals`]).
fn strongest_parts(hir: &Hir, ascii_folded: bool) -> Vec<Vec<String>> {
    let mut sets = Vec::new();
    required_parts(hir, ascii_folded, &mut sets);
    let shortest = |l: &[String]| l.iter().map(String::len).min().unwrap_or(0);
    sets.sort();
    sets.dedup();
    sets.sort_by_cached_key(|l| {
        (in_sample(l), std::cmp::Reverse(strength(l)), std::cmp::Reverse(shortest(l)), l.len())
    });
    // A further part pays only when its literals are long or rare: short common ones (`a`,
    // digits) fire so often in the literal scan that they cost more than the pattern runs they save.
    let mut kept: Vec<Vec<String>> = Vec::new();
    for set in sets {
        let cheap = set.iter().all(|l| l.len() >= MIN_EXTRA_GATE || rare(l));
        if kept.is_empty() || (kept.len() < MAX_GATES && cheap) {
            kept.push(set);
        }
    }
    kept
}

/// Punctuation that can end a pattern's search unit. A pattern that can never match one of these
/// characters matches only between two of them (or a line break), so it runs over the stretch of
/// the line around its gating literals instead of the whole line, and all its gating literals must
/// occur in that one stretch.
pub const UNIT_CANDIDATES: &str = ".,!?;:()\"";

/// The characters of [`UNIT_CANDIDATES`] that no match of `pattern` can contain (its search unit
/// ends at them). Empty when the pattern does not parse (it then runs over whole lines).
pub fn unit_delimiters(pattern: &str) -> String {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else { return String::new() };
    UNIT_CANDIDATES.chars().filter(|&c| !can_match(&hir, c)).collect()
}

/// Whether some match of `hir` can contain the ASCII character `c`.
fn can_match(hir: &Hir, c: char) -> bool {
    use regex_syntax::hir::Class;
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(l) => l.0.contains(&(c as u8)),
        HirKind::Class(Class::Unicode(cls)) => cls.ranges().iter().any(|r| r.start() <= c && c <= r.end()),
        HirKind::Class(Class::Bytes(cls)) => cls.ranges().iter().any(|r| r.start() <= c as u8 && c as u8 <= r.end()),
        HirKind::Repetition(r) => r.max != Some(0) && can_match(&r.sub, c),
        HirKind::Capture(cap) => can_match(&cap.sub, c),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().any(|p| can_match(p, c)),
    }
}

/// Required parts checked per pattern: more select better, but cost automaton matches.
const MAX_GATES: usize = 3;

/// Shortest literal of a required part checked beyond the most selective one.
const MIN_EXTRA_GATE: usize = 4;

/// Finite literal sets, one per part of `hir` that every match contains.
fn required_parts(hir: &Hir, ascii_folded: bool, out: &mut Vec<Vec<String>>) {
    match hir.kind() {
        HirKind::Concat(parts) => {
            parts.iter().for_each(|p| required_parts(p, ascii_folded, out));
            // Every match also holds a match of each tail of the sequence, which starts with one of
            // that tail's prefixes: `\[(?:insert|your)` gives `[insert`, `[your`; `,\d{3}` `,0`..`,9`.
            for i in 0..parts.len().saturating_sub(1) {
                out.extend(literals_of(&Hir::concat(parts[i..].to_vec()), ascii_folded));
            }
        }
        HirKind::Capture(c) => required_parts(&c.sub, ascii_folded, out),
        HirKind::Repetition(r) if r.min >= 1 => required_parts(&r.sub, ascii_folded, out),
        HirKind::Empty | HirKind::Look(_) | HirKind::Repetition(_) => {}
        _ => out.extend(literals_of(hir, ascii_folded)),
    }
}

/// Copy of the kind copylint lints: the text of the five real treatment-center pages in
/// `fixtures/seeds`, ASCII-lowercased (as the scanner searches). How often a literal set occurs in
/// it estimates how often it will occur in the pages a run lints: a pattern's gate opens a unit,
/// and is checked, wherever one of its literals occurs, so the part that occurs least gates it.
/// Length alone misjudged the domain's own words: `curing\s+(?:addiction|alcoholism)` was gated
/// on `addiction`, which a treatment page says every few lines, and not on `curing`.
const SAMPLE: &str = include_str!("sample_copy.txt");

/// How often the literals of `lits` occur in [`SAMPLE`] (overlapping occurrences too). The
/// sample is indexed once (under a millisecond; a plain search of it for each literal took 1.3 ms
/// per pattern, which a run with a user's patterns would pay).
fn in_sample(lits: &[String]) -> usize {
    static INDEX: std::sync::OnceLock<TrigramIndex<'static>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| TrigramIndex::new(SAMPLE.as_bytes())).find_all(lits).len()
}

/// How selective a literal set is in prose: its weakest literal's length, a rare literal counting
/// as long ([`rare`]).
fn strength(lits: &[String]) -> usize {
    lits.iter().map(|l| if rare(l) { RARE_STRENGTH.max(l.len()) } else { l.len() }).min().unwrap_or(0)
}

/// How long a literal a rare one is worth.
const RARE_STRENGTH: usize = 8;

/// Whether copy rarely has `lit`: it has punctuation that prose seldom uses (`#`, `%`, `[`, `=`),
/// or a digit beside punctuation (`,0`, `0%`).
fn rare(lit: &str) -> bool {
    let common = |c: char| c.is_alphanumeric() || c.is_whitespace() || matches!(c, '.' | ',' | '\'' | '’' | '-');
    let unusual = lit.chars().any(|c| !common(c));
    let numeric =
        lit.chars().any(|c| c.is_ascii_digit()) && lit.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace());
    unusual || numeric
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_ends_at_what_the_pattern_cannot_match() {
        // Words and spaces only: every candidate ends its unit.
        assert_eq!(unit_delimiters(&ascii_words(r"\bstudies\s+show\b")), UNIT_CANDIDATES);
        // A decimal point and a thousands comma can be matched: neither ends the unit.
        assert_eq!(unit_delimiters(&ascii_words(r"\d{1,3}(?:,\d{3})*(?:\.\d+)?\s?mg")), "!?;:()\"");
        // A negated class matches all but what it names.
        assert_eq!(unit_delimiters(r"no\b[^.;]{0,40}?\bwithdrawal"), ".;");
        // `.` matches any character but a line break; `{0}` matches nothing.
        assert_eq!(unit_delimiters(r"a.b"), "");
        assert_eq!(unit_delimiters(r"a(?:,){0}b"), UNIT_CANDIDATES);
        assert_eq!(unit_delimiters(r"\(\d{4}\)"), ".,!?;:\"");
        // Not a pattern: whole lines.
        assert_eq!(unit_delimiters(r"(unclosed"), "");
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    fn gates(p: &str) -> Vec<Vec<String>> {
        gate_literals(&ascii_words(p)).parts
    }

    fn phrases(p: &str) -> Vec<Vec<String>> {
        gate_literals(&ascii_words(p)).phrases
    }

    #[test]
    fn gates_prefer_rare_and_joined_literals() {
        // A bracket joined to the words after it, not the words alone (`your` is everywhere).
        assert_eq!(gates(r"\[(?:insert|your)\b[^\]]{0,40}\]")[0], ["[insert", "[your"]);
        // A thousands separator and digit, not the common word after the number.
        let g = gates(r"\b\d{1,3}(?:,\d{3})+\s+(?:deaths|people)");
        assert_eq!(g[0], [",0", ",1", ",2", ",3", ",4", ",5", ",6", ",7", ",8", ",9"]);
        assert!(g.contains(&vec!["deaths".to_string(), "people".to_string()]), "{g:?}");
        // Rare punctuation gates first, and a short rare part may be an extra gate.
        let g = gates(r"#\s?1\s+(?:rehab|treatment)");
        assert_eq!(g[0], ["#"]);
        let g = gates(r"\b(?:relapse|overdose)\b[^.;]{0,40}?\b\d{1,3}\s?(?:%|percent)");
        assert!(g.contains(&vec!["%".to_string(), "percent".to_string()]), "{g:?}");
        // A non-ASCII letter gates a pattern that folds ASCII case only (µ matches µ alone, so the
        // dose unit gates, not the digits before it), not one that folds Unicode case (µ is also
        // Μ and μ there).
        let g = gates(r"\b\d+\s?(?:mg|µg)\b");
        assert_eq!(g[0], ["mg", "µg"]);
        let g = gates(r"\p{Lu}\w+\s+\d+\s?(?:mg|µg)\b");
        assert!(g.iter().all(|set| !set.contains(&"µg".to_string())), "{g:?}");
        // Short common parts are never extra gates.
        assert!(gates(r"\bstudies\s+(?:show|prove)\s+a\b").iter().all(|s| s != &["a"]));
    }

    #[test]
    fn sample_counts_are_every_occurrence() {
        let sample = SAMPLE.as_bytes();
        let every = |l: &[u8]| sample.windows(l.len()).filter(|w| *w == l).count();
        let mut literals: Vec<Vec<u8>> = (0..sample.len())
            .step_by(997)
            .flat_map(|i| (1..12).map(move |k| sample[i..(i + k).min(sample.len())].to_vec()))
            .collect();
        literals.extend([b"zzq".to_vec(), b"\xff".to_vec(), b"aa".to_vec(), b"  ".to_vec()]);
        for l in literals {
            let Ok(s) = String::from_utf8(l.clone()) else { continue };
            assert_eq!(in_sample(std::slice::from_ref(&s)), every(&l), "{s:?}");
        }
    }

    #[test]
    fn the_part_that_copy_of_this_kind_has_least_gates() {
        // The sample is searched as the scanner searches: ASCII-lowercased.
        assert!(!SAMPLE.bytes().any(|b| b.is_ascii_uppercase()));
        assert!(in_sample(&["addiction".into()]) > 20);
        // The domain's own words lose to shorter ones a treatment page seldom says.
        assert_eq!(gates(r"\bvegan\s+addiction\s+programs?\b")[0], ["vegan"]);
        assert_eq!(gates(r"\b(?:yoga|surf)\s+(?:recovery|treatment)\b")[0], ["surf", "yoga"]);
        // Length still decides between parts the sample has as seldom.
        assert_eq!(gates(r"\bgolf\s+concierge\b")[0], ["concierge"]);
        // Phrase sets too: the first is the one the sample has least.
        let p = phrases(r"\b(?:treatment|therapy)\s+(?:is|are)\s+(?:guaranteed|assured)\b");
        assert!(p[0].iter().all(|l| in_sample(std::slice::from_ref(l)) == 0), "{p:?}");
        // Phrases gate where every part is a common word, not where a part is as rare.
        let g = gate_literals(&ascii_words(r"\byou\s+(?:can|may)\s+(?:also\s+)?(?:take|use)\s+more\b"));
        assert!(g.phrase_gate, "{g:?}");
        assert!(!gate_literals(&ascii_words(r"\bvegan\s+addiction\s+programs?\b")).phrase_gate);
    }

    #[test]
    fn phrases_join_words_with_one_space() {
        assert_eq!(phrases(r"\bcarries\s+no\s+risk\b")[0], ["carries no risk"]);
        // Optional white space: with and without the space; an alternation multiplies.
        let p = phrases(r"\b(?:no|zero)\s+risks?\s?free\b");
        for phrase in ["no risk free", "zero risksfree", "no riskfree"] {
            assert!(p[0].contains(&phrase.to_string()), "{phrase}: {p:?}");
        }
        // A literal run of spaces and `\s*` after it collapse to one space.
        assert!(phrases(r"et  \s*al\b").contains(&vec!["et al".to_string()]));
        // A short part the parts leave out (`mg` after a number) is a phrase set.
        let p = phrases(r"\b\d+\s?(?:mg|milligrams)\b");
        assert!(p.iter().any(|s| s.contains(&"mg".to_string())), "{p:?}");
        // Nothing the parts already give; nothing for ungated patterns.
        assert!(phrases(r"\b(?:guaranteed|promise)\b").is_empty());
        assert_eq!(gate_literals(r"[a-z]+\s+[a-z]+"), Gates::default());
    }

    #[test]
    fn collapsing_joins_white_space_and_folds_ascii_case() {
        let mut out = Vec::new();
        collapsed("No\u{a0} RISK\t\t at\u{2009}all — É ", &mut out);
        assert_eq!(String::from_utf8_lossy(&out), "no risk at all — É ");
        collapsed("", &mut out);
        assert!(out.is_empty());
    }
}

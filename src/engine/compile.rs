//! Compiles every matcher of the pack into ONE Aho-Corasick automaton (all literal phrases) and
//! ONE RegexSet pre-filter (all patterns), built once per process.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use crate::pack::{MatcherId, Pack};

/// Size limit for user regexes (a huge pattern is a config error, not a hang).
const REGEX_SIZE_LIMIT: usize = 1 << 23;

/// Literal phrase metadata for an automaton pattern.
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
    ac: Option<AhoCorasick>,
    phrases: Vec<PhraseInfo>,
    set: RegexSet,
    regexes: Vec<LazyRegex>,
    matcher_count: usize,
}

/// A pattern compiled on first use; `focused` when it has a group named `m`.
#[derive(Debug)]
struct LazyRegex {
    src: String,
    owner: MatcherId,
    re: OnceLock<Option<(Regex, bool)>>,
}

impl LazyRegex {
    fn get(&self) -> Option<&(Regex, bool)> {
        self.re
            .get_or_init(|| {
                // Already compiled once as part of the set, so this cannot fail in practice.
                let re = RegexBuilder::new(&self.src).size_limit(REGEX_SIZE_LIMIT).build().ok()?;
                let focused = re.capture_names().any(|n| n == Some("m"));
                Some((re, focused))
            })
            .as_ref()
    }
}

/// Hits per matcher, each list sorted by start.
#[derive(Debug, Default)]
pub struct Hits {
    by_matcher: Vec<Vec<Range<usize>>>,
}

impl Hits {
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

/// Rewrites `\b`, `\B` and `\w`/`\W` to their ASCII forms. Unicode word boundaries force the
/// regex engine off its lazy DFA on any non-ASCII text (’ and — are everywhere in web copy);
/// ASCII ones keep every search on the fast path. Documented in docs/writing-rules.md.
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
fn case_insensitive(p: &str) -> String {
    let ascii = format!("(?i-u:{p})");
    let valid = regex_syntax::ParserBuilder::new().utf8(true).build().parse(&ascii).is_ok();
    if valid {
        ascii
    } else {
        format!("(?i:{p})")
    }
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

fn is_word_byte_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Scanner {
    /// Compiles all matchers of `pack`.
    pub fn new(pack: &Pack) -> crate::Result<Scanner> {
        let mut patterns: Vec<String> = Vec::new();
        let mut phrases = Vec::new();
        let mut regex_src = Vec::new();
        let mut owners = Vec::new();
        let mut origins: Vec<&str> = Vec::new();
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
                    patterns.push(v);
                    phrases.push(info);
                }
            }
            for (i, p) in def.patterns.iter().enumerate() {
                regex_src.push(case_insensitive(&ascii_words(p)));
                owners.push(id);
                origins.push(def.origins.get(i).map_or("", String::as_str));
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| crate::Error::Pack(format!("cannot build phrase automaton: {e}")))?,
            )
        };
        let set =
            match RegexSetBuilder::new(&regex_src).size_limit(REGEX_SIZE_LIMIT * 8).dfa_size_limit(64 << 20).build() {
                Ok(set) => set,
                Err(e) => {
                    // Name the pattern that is at fault: compile each on its own.
                    let culprit = regex_src.iter().zip(&origins).find_map(|(src, origin)| {
                        RegexBuilder::new(src).size_limit(REGEX_SIZE_LIMIT).build().err().map(|err| (origin, err))
                    });
                    return Err(match culprit {
                        Some((origin, err)) => crate::Error::Pack(format!(
                            "{origin}: regex too large or invalid: {}",
                            err.to_string().lines().last().unwrap_or("")
                        )),
                        None => crate::Error::Pack(format!("cannot build regex set: {e}")),
                    });
                }
            };
        // Individual regexes are compiled on first need: only those the set reports as matching
        // some document are ever built.
        let regexes = regex_src
            .into_iter()
            .zip(owners)
            .map(|(src, owner)| LazyRegex { src, owner, re: OnceLock::new() })
            .collect();
        Ok(Scanner { ac, phrases, set, regexes, matcher_count: pack.matchers.len() })
    }

    /// Number of literal phrases in the automaton (including apostrophe variants).
    pub fn phrase_count(&self) -> usize {
        self.phrases.len()
    }

    /// Number of regex patterns.
    pub fn pattern_count(&self) -> usize {
        self.regexes.len()
    }

    /// Scans `text` once and returns hits per matcher.
    pub fn scan(&self, text: &str) -> Hits {
        let mut by_matcher: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.matcher_count];
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                let info = self.phrases[m.pattern().as_usize()];
                if info.bound_start && text[..m.start()].chars().next_back().is_some_and(is_word_byte_char) {
                    continue;
                }
                if info.bound_end && text[m.end()..].chars().next().is_some_and(is_word_byte_char) {
                    continue;
                }
                by_matcher[info.matcher].push(m.start()..m.end());
            }
        }
        for i in self.set.matches(text).iter() {
            let lazy = &self.regexes[i];
            let owner = &lazy.owner;
            let Some((re, focused)) = lazy.get() else {
                continue;
            };
            if *focused {
                // A group named `m` marks the reported part of a wider match.
                for c in re.captures_iter(text) {
                    if let Some(m) = c.name("m").filter(|m| !m.is_empty()) {
                        by_matcher[*owner].push(m.start()..m.end());
                    }
                }
            } else {
                for m in re.find_iter(text) {
                    if !m.is_empty() {
                        by_matcher[*owner].push(m.start()..m.end());
                    }
                }
            }
        }
        for v in &mut by_matcher {
            v.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)));
            v.dedup();
        }
        Hits { by_matcher }
    }
}

//! Reviewer and author attribution (E004, E005).

use crate::engine::compile::ShortRegex;

use crate::engine::{shown, Analysis, DocOutcome, Finding};
use crate::pack::Rule;

const REVIEWED_LINE: &str = r"(?i)^(?:(medically|clinically|fact[- ]checked and|editorially)\s+)?(?:reviewed|verified|fact[- ]checked)\s+by\b\s*:?\s*(.*)$";

/// The first letters (lowercase) a [`REVIEWED_LINE`] can start with.
const REVIEWED_FIRST: &[u8] = b"mcefrv";

fn reviewed_line() -> &'static ShortRegex {
    short_regex!(REVIEWED_LINE)
}

fn team_only() -> &'static ShortRegex {
    short_regex!(
        r"(?i)^(?:the\s+|our\s+)?(?:[\w&'’-]+\s+){0,3}(?:team|staff|editors?|editorial( board| staff| team)?|department|board|experts?|professionals)\.?$"
    )
}

/// Credentials: the first group are prescriber/medical credentials.
fn credential() -> &'static ShortRegex {
    short_regex!(
        r"\b(?:(MD|M\.D\.|DO|D\.O\.|PharmD|Pharm\.D\.|NP|PA-C|RN|APRN|FNP(?:-BC)?|DNP|MBBS|FASAM|DABAM)|(PhD|Ph\.D\.|PsyD|LCSW|LMFT|LPC|LPCC|LMHC|CADC|CAADC|LADC|LCADC|MSW|CAP|MAC|NCC|LCDC))\b|\bDr\.?\s"
    )
}

/// A person's name as a line: "Jane Smith", "Jane Q. Smith", "Dr. Ana María López-Ruiz, MD, FASAM":
/// an optional "Dr" or "Dr.", two or three capitalised names (a middle initial after the first),
/// then credentials after commas. Written out rather than as a regex: the Unicode letter classes
/// made that regex the costliest of the builtin checks to compile (~2 ms at every start). Letters
/// are `char::is_alphabetic` and capitals `char::is_uppercase` (a hair wider than `\p{L}` and
/// `\p{Lu}`: they also take letter numbers and circled capitals).
fn is_person_line(t: &str) -> bool {
    let after_title = t.strip_prefix("Dr").map(|r| r.strip_prefix('.').unwrap_or(r)).and_then(spaced);
    after_title.is_some_and(person_names) || person_names(t)
}

/// Names, then credentials, to the end of `s`.
fn person_names(s: &str) -> bool {
    let Some(mut rest) = name(s) else { return false };
    // A middle initial ("Q.") cannot be read as a name, so taking it when present is exact.
    if let Some(r) = spaced(rest).and_then(initial) {
        rest = r;
    }
    let mut names = 0;
    while names < 2 {
        match spaced(rest).and_then(name) {
            Some(r) => rest = r,
            None => break,
        }
        names += 1;
    }
    if names == 0 {
        return false;
    }
    while !rest.is_empty() {
        let Some(r) = rest.strip_prefix(',') else { return false };
        let r = r.trim_start();
        let n = r.bytes().take_while(|b| b.is_ascii_alphabetic() || matches!(b, b'.' | b'-')).count();
        if n == 0 {
            return false;
        }
        rest = &r[n..];
    }
    true
}

/// What follows one or more whitespace characters at the start of `s`.
fn spaced(s: &str) -> Option<&str> {
    let r = s.trim_start();
    (r.len() < s.len()).then_some(r)
}

/// What follows a capitalised name (a capital, then letters, apostrophes or hyphens).
fn name(s: &str) -> Option<&str> {
    let mut chars = s.chars();
    if !chars.next()?.is_uppercase() {
        return None;
    }
    let rest = chars.as_str();
    let n: usize =
        rest.chars().take_while(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-')).map(char::len_utf8).sum();
    (n > 0).then(|| &rest[n..])
}

/// What follows an initial ("Q.").
fn initial(s: &str) -> Option<&str> {
    let mut chars = s.chars();
    if !chars.next()?.is_uppercase() {
        return None;
    }
    chars.as_str().strip_prefix('.')
}

/// E004: "Reviewed by" with no person, or a team/brand only.
pub fn reviewer_attribution(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let doc = a.doc;
    if let Some(r) = &doc.meta.reviewer {
        if r.value.trim().is_empty() || team_only().is_match(r.value.trim()) {
            let mut f =
                Finding::new(idx, r.source_span.clone(), rule.severity).arg("match", format!("reviewer: {}", r.value));
            f.in_source = true;
            out.findings.push(f);
        }
    }
    for (i, b) in doc.blocks.iter().enumerate() {
        let text = doc.slice(&b.span);
        // Most blocks are turned away by their first letter before their words are counted.
        let first = text.as_bytes().first().map(u8::to_ascii_lowercase);
        if !first.is_some_and(|c| REVIEWED_FIRST.contains(&c)) || crate::segment::more_words_than(text, 14) {
            continue;
        }
        let Some(c) = reviewed_line().captures(text) else {
            continue;
        };
        let rest = c.get(2).unwrap_or("").trim();
        let named_next = rest.is_empty()
            && doc.blocks.get(i + 1).is_some_and(|n| {
                let t = doc.slice(&n.span);
                is_person_line(t) && credential().is_match(t)
            });
        if (rest.is_empty() && !named_next) || team_only().is_match(rest) {
            out.findings.push(Finding::new(idx, b.span.clone(), rule.severity).arg("match", shown(text)));
        }
    }
}

fn author_line() -> &'static ShortRegex {
    short_regex!(r"(?i)^(?:author|written by|by)\s*:?\s+(.+)$")
}

fn medical_review() -> &'static ShortRegex {
    short_regex!(r"(?i)\bmedically\s+reviewed\s+by\b\s*:?\s*(.*)$")
}

/// E005: author with no credential and no medical reviewer; "medically reviewed" by a
/// non-prescriber credential.
pub fn author_credentials(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let doc = a.doc;
    let mut medical_reviewer = false;
    for b in &doc.blocks {
        let text = doc.slice(&b.span);
        if text.len() > 240 || !super::contains_ignore_ascii_case(text.as_bytes(), b"reviewed") {
            continue;
        }
        if crate::segment::more_words_than(text, 16) {
            continue;
        }
        if let Some(c) = medical_review().captures(text) {
            let who = c.get(1).unwrap_or("");
            match credential().captures(who) {
                Some(cr) if cr.get(1).is_some() || who.contains("Dr") => medical_reviewer = true,
                Some(cr) => {
                    let cred = cr.get(2).unwrap_or("").to_string();
                    let mut f = Finding::new(idx, b.span.clone(), rule.severity).arg("match", shown(text));
                    f.label = Some(format!("{cred} is not a prescriber credential for a medical review"));
                    out.findings.push(f);
                    medical_reviewer = true;
                }
                None => {}
            }
        }
    }
    if medical_reviewer {
        return;
    }
    if let Some(r) = &doc.meta.reviewer {
        if credential().captures(&r.value).is_some_and(|c| c.get(1).is_some()) {
            return;
        }
    }
    if let Some(au) = &doc.meta.author {
        if !au.value.is_empty() && !credential().is_match(&au.value) {
            let mut f =
                Finding::new(idx, au.source_span.clone(), rule.severity).arg("match", format!("author: {}", au.value));
            f.in_source = true;
            out.findings.push(f);
            return;
        }
    }
    for b in doc.blocks.iter().take(6) {
        let text = doc.slice(&b.span);
        if crate::segment::more_words_than(text, 8) {
            continue;
        }
        if let Some(c) = author_line().captures(text) {
            let who = c.get(1).unwrap_or("").trim();
            if is_person_line(who) && !credential().is_match(who) {
                out.findings.push(Finding::new(idx, b.span.clone(), rule.severity).arg("match", shown(text)));
                return;
            }
        }
    }
}

/// Compiles the regexes every page's leading blocks are tried against: reviewer and author lines
/// (start-up warms them on another core while the pack loads).
pub(super) fn warm() {
    reviewed_line();
    author_line();
}

/// Words of a page that names a reviewer or an author, ASCII case aside. A hint for warming, not a
/// test: a page that needs [`warm_for`]'s regexes without one compiles them when it is linted.
const NAMING_HINTS: &[&str] = &["review", "verified", "fact-checked", "fact checked", "author", "written by"];

/// Compiles the regexes only pages naming a reviewer or an author run (team names, credentials,
/// medical reviews): for `text` if it has a [`NAMING_HINTS`] word; `None`: now.
pub(super) fn warm_for(text: Option<&str>) {
    let names =
        |text: &str| NAMING_HINTS.iter().any(|w| super::contains_ignore_ascii_case(text.as_bytes(), w.as_bytes()));
    if text.is_none_or(names) {
        team_only();
        credential();
        medical_review();
    }
}

#[cfg(test)]
mod tests {
    use super::{is_person_line, REVIEWED_FIRST, REVIEWED_LINE};
    use proptest::prelude::*;
    use regex_syntax::hir::literal::{ExtractKind, Extractor};

    /// Every match of the reviewer line starts with a letter of `REVIEWED_FIRST`, in either ASCII
    /// case, and with no other character: its prefixes, case folding and all, say so.
    #[test]
    fn reviewer_lines_start_with_the_letters_checked_first() {
        let hir = regex_syntax::parse(REVIEWED_LINE).unwrap_or_else(|e| panic!("{e}"));
        let seq = Extractor::new().kind(ExtractKind::Prefix).limit_literal_len(1).extract(&hir);
        let literals = seq.literals().unwrap_or_else(|| panic!("no finite prefix set"));
        let mut firsts: Vec<u8> = literals.iter().filter_map(|l| l.as_bytes().first().copied()).collect();
        firsts.sort_unstable();
        firsts.dedup();
        let mut expected: Vec<u8> = REVIEWED_FIRST.iter().flat_map(|c| [*c, c.to_ascii_uppercase()]).collect();
        expected.sort_unstable();
        assert_eq!(firsts, expected, "{:?}", String::from_utf8_lossy(&firsts));
        assert!(literals.iter().all(|l| !l.as_bytes().is_empty()));
    }

    /// The regex `is_person_line` replaced: it must accept exactly the same lines.
    fn oracle() -> &'static regex::Regex {
        static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
        RE.get_or_init(|| {
            regex::Regex::new(
                r"^(?:Dr\.?\s+)?\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}\.)?(?:\s+\p{Lu}[\p{L}'’-]+){1,2}(?:,\s*[A-Za-z.\-]+)*$",
            )
            .unwrap_or_else(|e| panic!("{e}"))
        })
    }

    #[test]
    fn person_lines_are_read_as_the_regex_read_them() {
        let re = oracle();
        for (line, person) in [
            ("Jane Smith", true),
            ("Jane Q. Smith", true),
            ("Dr. Ana María López-Ruiz, MD, FASAM", true),
            ("Dr John O’Neil,PhD", true),
            ("Drew Carey", true),
            ("Dr. Drew", false),
            ("Dr.Drew Carey", false),
            ("Jane Smith Q.", false),
            ("Jane Q. R. Smith", false),
            ("Jane Smith Lee Park", false),
            ("jane smith", false),
            ("Jane Smith,", false),
            ("Jane Smith, M.D.", true),
            ("J. Smith", false),
            ("Jane  Smith ", false),
            ("Our Clinical Team", true),
            ("Reviewed by our team", false),
            ("Émile Zola", true),
            ("", false),
        ] {
            assert_eq!(is_person_line(line), person, "{line:?}");
            assert_eq!(re.is_match(line), person, "the regex disagrees on {line:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
        /// Lines built from the pieces the grammar cares about agree with the regex.
        #[test]
        fn person_line_agrees_with_the_regex(parts in proptest::collection::vec(
            prop::sample::select(vec!["Dr", ".", " ", "  ", "\t", "Jo", "J", "Q", "é", "É", "ane", "’", "'", "-", ",", "MD", "M.D.", "1", "x"]),
            0..12,
        )) {
            let line: String = parts.concat();
            prop_assert_eq!(is_person_line(&line), oracle().is_match(&line), "{:?}", line);
        }
    }
}

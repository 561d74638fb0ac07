//! Editorial integrity: lost lists, dangling markers, repeats, keyword stuffing.

use std::collections::HashMap;

use crate::document::BlockKind;
use crate::engine::{Analysis, DocOutcome, Finding};
use crate::pack::Rule;

/// E001: a block ending with ":" whose next block is not a list (or a sub-heading).
pub fn empty_list_lead_in(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let doc = a.doc;
    for (i, b) in doc.blocks.iter().enumerate() {
        let text = doc.slice(&b.span);
        if !text.ends_with(':') || b.kind == BlockKind::ListItem {
            continue;
        }
        let next = doc.blocks.get(i + 1);
        let listed = next.is_some_and(|n| match n.kind {
            BlockKind::ListItem | BlockKind::TableCell | BlockKind::Heading | BlockKind::Quote => true,
            BlockKind::Paragraph => short_item_run(a, i + 1),
        });
        if listed {
            continue;
        }
        let lead_in = b.sentences.clone().last().map_or(b.span.clone(), |s| doc.sentences[s].span.clone());
        let shown = crate::engine::shown(doc.slice(&lead_in));
        let mut f = Finding::new(idx, lead_in, rule.severity).arg("match", shown);
        f.label = Some(match next {
            Some(_) => "the next block is not a list".into(),
            None => "nothing follows this lead-in".into(),
        });
        out.findings.push(f);
    }
}

/// Two or more short lines without sentence punctuation: a list without bullets.
fn short_item_run(a: &Analysis, from: usize) -> bool {
    let short = |i: usize| {
        a.doc.blocks.get(i).is_some_and(|b| {
            let t = a.doc.slice(&b.span);
            !t.ends_with('.') && t.split_whitespace().take(9).count() <= 8
        })
    };
    short(from) && short(from + 1)
}

/// E002: citation markers with nothing on the page to resolve them.
pub fn dangling_citation_marker(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    for m in &a.markers {
        if !m.resolved {
            let text = a.text(&m.span).to_string();
            out.findings.push(Finding::new(idx, m.span.clone(), rule.severity).arg("match", text));
        }
    }
}

/// Feeds `out` the bytes of `text` with white space collapsed and case folded: its words
/// (`split_whitespace`), each character lowercased, joined by single spaces. ASCII (nearly all
/// copy) is folded a byte at a time; other characters go through `to_lowercase`.
fn normalized(text: &str, mut out: impl FnMut(u8)) {
    let (mut started, mut gap) = (false, false);
    for c in text.chars() {
        let space =
            if c.is_ascii() { matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r') } else { c.is_whitespace() };
        if space {
            gap = started;
            continue;
        }
        if gap {
            out(b' ');
            gap = false;
        }
        started = true;
        if c.is_ascii() {
            out(c.to_ascii_lowercase() as u8);
        } else {
            for l in c.to_lowercase() {
                let mut buf = [0u8; 4];
                l.encode_utf8(&mut buf).bytes().for_each(&mut out);
            }
        }
    }
}

/// FNV-1a hash of the [`normalized`] text, without allocating.
fn normalized_hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    normalized(text, |b| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    });
    h
}

/// Whether two texts are equal once [`normalized`] (only asked when their hashes are equal).
fn same_normalized(a: &str, b: &str) -> bool {
    if a == b {
        return true; // a verbatim copy, the common case
    }
    let bytes = |t: &str| {
        let mut v = Vec::with_capacity(t.len());
        normalized(t, |b| v.push(b));
        v
    };
    bytes(a) == bytes(b)
}

/// E003: a block repeated verbatim (normalized), at least `min_words` long.
pub fn duplicated_paragraph(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let min_words = rule.option_f64("min_words", 8.0) as usize;
    let mut seen: HashMap<u64, usize> = HashMap::new();
    for (i, b) in a.doc.blocks.iter().enumerate() {
        let text = a.doc.slice(&b.span);
        if text.split_whitespace().nth(min_words.saturating_sub(1)).is_none() {
            continue;
        }
        let key = normalized_hash(text);
        match seen.get(&key).filter(|&&first| same_normalized(a.doc.slice(&a.doc.blocks[first].span), text)) {
            Some(&first) => {
                let first_span = a.doc.blocks[first].span.clone();
                let mut f = Finding::new(idx, b.span.clone(), rule.severity).arg("match", crate::engine::shown(text));
                f.label = Some("repeated here".into());
                f.related.push((first_span, "first occurrence".into()));
                out.findings.push(f);
            }
            None => {
                seen.entry(key).or_insert(i);
            }
        }
    }
}

/// E008: the same short keyword line repeated `min_repeats` times or more.
pub fn keyword_stuffing(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let min = rule.option_f64("min_repeats", 3.0) as usize;
    let mut groups: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, b) in a.doc.blocks.iter().enumerate() {
        let text = a.doc.slice(&b.span);
        let words = text.split_whitespace().take(9).count();
        if (3..=8).contains(&words) {
            groups.entry(normalized_hash(text.trim_end_matches(['?', '.', '!']))).or_default().push(i);
        }
    }
    // A keyword line is typed in lower case somewhere, or is a search question; repeated
    // button labels ("Call us", "Get help now") are not keyword stuffing.
    let keyword_like = |blocks: &Vec<usize>| {
        blocks.iter().any(|i| {
            let t = a.doc.slice(&a.doc.blocks[*i].span);
            t.ends_with('?') || !t.chars().any(char::is_uppercase)
        })
    };
    let mut keys: Vec<_> = groups.into_iter().filter(|(_, v)| v.len() >= min && keyword_like(v)).collect();
    keys.sort_by_key(|(_, v)| v[0]);
    for (_, blocks) in keys {
        let spans: Vec<_> = blocks.iter().map(|i| a.doc.blocks[*i].span.clone()).collect();
        let text = a.doc.slice(&spans[0]).to_string();
        let mut f =
            Finding::new(idx, spans[1].clone(), rule.severity).arg("match", text).arg("count", spans.len().to_string());
        for s in spans.iter().skip(2) {
            f.related.push((s.clone(), "repeated again".into()));
        }
        f.related.push((spans[0].clone(), "first occurrence".into()));
        out.findings.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::normalized_hash;
    use proptest::prelude::*;

    /// The hash as first written: words lowercased and joined by single spaces, a char at a time.
    fn reference(text: &str) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let joined: Vec<String> =
            text.split_whitespace().map(|w| w.chars().flat_map(char::to_lowercase).collect()).collect();
        for b in joined.join(" ").bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    #[test]
    fn hash_ignores_case_and_spacing_only() {
        assert_eq!(normalized_hash("  Call  US\ttoday\u{a0}\u{b}"), normalized_hash("call us today"));
        assert_ne!(normalized_hash("call us today"), normalized_hash("call us  tomorrow"));
        assert_eq!(normalized_hash("İSTANBUL Straße"), reference("İSTANBUL Straße"));
    }

    proptest! {
        #[test]
        fn hash_is_the_hash_of_the_normalized_words(text in "[ \\t\\n\\x0b\\x0c\\r\\u{a0}\\u{2003}aZ.é\\u{130}ſK’Σ]{0,40}") {
            prop_assert_eq!(normalized_hash(&text), reference(&text));
        }
    }
}

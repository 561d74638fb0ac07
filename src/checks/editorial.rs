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
            !t.ends_with('.') && crate::segment::words_up_to(t, 9) <= 8
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
/// copy) is folded a byte at a time through [`ASCII_FOLDED`]; other characters go through
/// `to_lowercase`. Stops when `out` returns false.
fn normalized(text: &str, mut out: impl FnMut(u8) -> bool) {
    let bytes = text.as_bytes();
    let (mut started, mut gap) = (false, false);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let c = if b.is_ascii() {
            i += 1;
            None
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            i += c.len_utf8().max(1);
            Some(c)
        };
        let space = match c {
            None => ASCII_FOLDED[usize::from(b)] == SPACE,
            Some(c) => c.is_whitespace(),
        };
        if space {
            gap = started;
            continue;
        }
        if gap && !out(b' ') {
            return;
        }
        gap = false;
        started = true;
        let more = match c {
            None => out(ASCII_FOLDED[usize::from(b)]),
            Some(c) => c.to_lowercase().all(|l| l.encode_utf8(&mut [0u8; 4]).bytes().all(&mut out)),
        };
        if !more {
            return;
        }
    }
}

/// [`ASCII_FOLDED`]'s mark for white space (no ASCII byte).
const SPACE: u8 = 0xFF;

/// Each ASCII byte lowercased, and [`SPACE`] for ASCII white space (`char::is_whitespace`: tab,
/// line feed, vertical tab, form feed, carriage return, space).
const ASCII_FOLDED: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).to_ascii_lowercase();
        b += 1;
    }
    let mut w = 0;
    let spaces = *b" \t\n\x0b\x0c\r";
    while w < spaces.len() {
        t[spaces[w] as usize] = SPACE;
        w += 1;
    }
    t
};

/// FNV-1a hash of the first `limit` bytes of the [`normalized`] text, without allocating.
fn normalized_hash(text: &str, limit: usize) -> u64 {
    let (mut h, mut left): (u64, usize) = (0xcbf2_9ce4_8422_2325, limit);
    if limit == 0 {
        return h;
    }
    normalized(text, |b| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
        left -= 1;
        left > 0
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
        normalized(t, |b| {
            v.push(b);
            true
        });
        v
    };
    bytes(a) == bytes(b)
}

/// How much of a block's normalized text [`duplicated_paragraph`] hashes: enough to tell nearly
/// all blocks apart; blocks that share it are told apart by their whole text.
const KEY_BYTES: usize = 64;

/// E003: a block repeated verbatim (normalized), at least `min_words` long.
pub fn duplicated_paragraph(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let min_words = rule.option_f64("min_words", 8.0) as usize;
    // First occurrences of distinct blocks, by the hash of their start.
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, b) in a.doc.blocks.iter().enumerate() {
        let text = a.doc.slice(&b.span);
        if !crate::segment::more_words_than(text, min_words.saturating_sub(1)) {
            continue;
        }
        let firsts = seen.entry(normalized_hash(text, KEY_BYTES)).or_default();
        match firsts.iter().find(|&&first| same_normalized(a.doc.slice(&a.doc.blocks[first].span), text)) {
            Some(&first) => {
                let first_span = a.doc.blocks[first].span.clone();
                let mut f = Finding::new(idx, b.span.clone(), rule.severity).arg("match", crate::engine::shown(text));
                f.label = Some("repeated here".into());
                f.related.push((first_span, "first occurrence".into()));
                out.findings.push(f);
            }
            None => firsts.push(i),
        }
    }
}

/// E008: the same short keyword line repeated `min_repeats` times or more.
pub fn keyword_stuffing(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let min = rule.option_f64("min_repeats", 3.0) as usize;
    let mut groups: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, b) in a.doc.blocks.iter().enumerate() {
        let text = a.doc.slice(&b.span);
        let words = crate::segment::words_up_to(text, 9);
        if (3..=8).contains(&words) {
            groups.entry(normalized_hash(text.trim_end_matches(['?', '.', '!']), usize::MAX)).or_default().push(i);
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

    /// The hash as first written: words lowercased and joined by single spaces, a char at a time;
    /// of the first `limit` bytes of that.
    fn reference_prefix(text: &str, limit: usize) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let joined: Vec<String> =
            text.split_whitespace().map(|w| w.chars().flat_map(char::to_lowercase).collect()).collect();
        for b in joined.join(" ").bytes().take(limit) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h
    }

    fn reference(text: &str) -> u64 {
        reference_prefix(text, usize::MAX)
    }

    #[test]
    fn hash_ignores_case_and_spacing_only() {
        let hash = |t: &str| normalized_hash(t, usize::MAX);
        assert_eq!(hash("  Call  US\ttoday\u{a0}\u{b}"), hash("call us today"));
        assert_ne!(hash("call us today"), hash("call us  tomorrow"));
        assert_eq!(hash("İSTANBUL Straße"), reference("İSTANBUL Straße"));
        // A prefix: the first bytes of the normalized text, whatever the spacing before them.
        assert_eq!(normalized_hash("Call  us today", 7), normalized_hash("call us tomorrow", 7));
        assert_ne!(normalized_hash("Call  us today", 8), normalized_hash("call us tomorrow", 9));
        assert_eq!(normalized_hash("İSTANBUL", 3), reference("i\u{307}"));
    }

    proptest! {
        #[test]
        fn ascii_hash_is_the_hash_of_the_normalized_words(text in "[ \\t\\n\\x0b\\x0c\\r\\x00\\x1c\\x7faZ.]{0,40}") {
            prop_assert_eq!(normalized_hash(&text, usize::MAX), reference(&text));
        }

        #[test]
        fn prefix_hash_is_the_hash_of_the_normalized_start(text in "[ \\taZ\\u{a0}é\\u{130}ſ’]{0,30}", limit in 1usize..20) {
            prop_assert_eq!(normalized_hash(&text, limit), reference_prefix(&text, limit));
        }

        #[test]
        fn hash_is_the_hash_of_the_normalized_words(text in "[ \\t\\n\\x0b\\x0c\\r\\u{a0}\\u{2003}aZ.é\\u{130}ſK’Σ]{0,40}") {
            prop_assert_eq!(normalized_hash(&text, usize::MAX), reference(&text));
        }
    }
}

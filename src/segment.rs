//! Sentence segmentation inside one block. Does not break after abbreviations ("Dr.", "e.g.",
//! "mg."), initials, decimals, or a numbered-list marker; keeps closing quotes and a trailing
//! citation marker ("... instances. (2)") with the sentence they close. Also counts words, for
//! checks that ask whether a block or a stretch is short.

use std::ops::Range;

const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "e.g", "i.e", "vs", "approx", "no", "fig", "al", "cf", "mg", "mcg", "ml",
    "etc", "inc", "ltd", "jr", "sr", "dept", "est", "u.s", "a.m", "p.m", "ca", "vol", "ed", "eds", "pp", "ph.d", "m.d",
    "lic", "rev", "gen", "sen", "rep", "mt", "ft",
];

/// Splits `text` (one block) into sentence ranges, trimmed of surrounding white space, appended
/// to `out` (a document's blocks share one vector).
pub fn sentences_into(text: &str, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    // Without a `…` the terminals are ASCII, found by a vectorized search. (A `memmem` search
    // built its searcher for every block.)
    let ellipsis = memchr::memchr_iter(0xE2, bytes).any(|i| bytes[i..].starts_with("…".as_bytes()));
    while i < bytes.len() {
        // The next byte that may end a sentence: `.`, `!`, `?` or the lead byte of `…`.
        let next = if ellipsis {
            bytes[i..].iter().position(|&b| matches!(b, b'.' | b'!' | b'?' | 0xE2))
        } else {
            memchr::memchr3(b'.', b'!', b'?', &bytes[i..])
        };
        let Some(skip) = next else { break };
        i += skip;
        let c = bytes[i];
        if c == 0xE2 && !bytes[i..].starts_with("…".as_bytes()) {
            i += 1;
            continue;
        }
        let mut end = i + if c == b'.' || c == b'!' || c == b'?' { 1 } else { '…'.len_utf8() };
        // Absorb repeated terminals and closing quotes/brackets.
        loop {
            let rest = &text[end..];
            let Some(ch) = rest.chars().next() else { break };
            if matches!(ch, '.' | '!' | '?' | '"' | '\'' | '”' | '’' | ')' | ']' | '»') {
                end += ch.len_utf8();
            } else {
                break;
            }
        }
        if c == b'.' && !splits_after_period(text, start, i) {
            i = end;
            continue;
        }
        // A citation marker glued to the period: "It helps.[3] More."
        if let Some(m) = citation_marker_len(&text[end..]) {
            end += m;
        }
        let rest = &text[end..];
        let ws = rest.len() - rest.trim_start().len();
        if ws == 0 && !rest.is_empty() {
            i = end; // "1.5", "U.S.", "site.com"
            continue;
        }
        let next = rest.trim_start();
        if next.chars().next().is_some_and(|ch| ch.is_lowercase()) {
            i = end;
            continue;
        }
        // A citation marker right after the period belongs to this sentence.
        if let Some(m) = citation_marker_len(next) {
            let after = &next[m..];
            if after.trim_start().is_empty() || after.starts_with(char::is_whitespace) {
                end += ws + m;
            }
        }
        push_trimmed(text, start..end, out);
        start = end;
        i = end;
    }
    push_trimmed(text, start..text.len(), out);
}

/// The number of words of `text` as `str::split_whitespace` splits it, counted up to `max`: the
/// checks ask whether a block has more than a few words. Eight ASCII bytes are classified at a time
/// as one number; a character past ASCII is decoded (`split_whitespace` decodes every character:
/// 2% of the instructions of a run over 10 MB of text pages, in the checks that asked).
pub fn words_up_to(text: &str, max: usize) -> usize {
    use crate::bytescan::{all_ascii, count, equal, within};
    let bytes = text.as_bytes();
    // `white_before`: whether the byte before `i` ended white space (or `i` is the start).
    let (mut words, mut white_before, mut i) = (0usize, true, 0usize);
    while words < max {
        if let Some(&chunk) = bytes.get(i..).and_then(|b| b.first_chunk::<8>()) {
            let x = u64::from_le_bytes(chunk);
            if all_ascii(x) {
                // Tab to carriage return, and space: `char::is_whitespace` in ASCII.
                let white = within(x, b'\t', b'\r') | equal(x, b' ');
                let before = (white << 8) | if white_before { 0x80 } else { 0 };
                words += count(!white & before);
                white_before = white >> 63 != 0;
                i += 8;
                continue;
            }
        }
        let Some(&b) = bytes.get(i) else { break };
        let (white, len) = if b.is_ascii() {
            (matches!(b, b' ' | b'\t'..=b'\r'), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_whitespace(), c.len_utf8())
        };
        words += usize::from(!white && white_before);
        white_before = white;
        i += len;
    }
    words.min(max)
}

/// Whether `text` has more than `n` words (`split_whitespace().nth(n).is_some()`).
pub fn more_words_than(text: &str, n: usize) -> bool {
    words_up_to(text, n.saturating_add(1)) > n
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    let rest = s.trim_start();
    if !rest.is_empty() {
        let lead = s.len() - rest.len();
        let trail = rest.len() - rest.trim_end().len();
        out.push(r.start + lead..r.end - trail);
    }
}

/// Whether a period at byte `dot` (sentence started at `start`) can end a sentence.
fn splits_after_period(text: &str, start: usize, dot: usize) -> bool {
    let before = &text[start..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || c == '(' || c == '[' || c == '"' || c == '“')
        .map_or(0, |p| p + before[p..].chars().next().map_or(1, char::len_utf8));
    let word = &before[word_start..];
    if word.is_empty() {
        return true;
    }
    // Numbered-list marker at the start of the block: "1. Intensive Inpatient Treatment".
    if start == 0 && word_start == 0 && word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // Single-letter initials: "J. C. Garbutt".
    let mut chars = word.chars();
    if let (Some(ch), None) = (chars.next(), chars.next()) {
        if ch.is_uppercase() {
            return false;
        }
    }
    // The abbreviations are ASCII without `k`: a word lowercases to one exactly when it equals
    // one ASCII case aside (of the non-ASCII characters only the Kelvin sign lowercases to ASCII).
    !ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Length of a citation marker such as `(2)`, `[23]`, `[^1]` at the start of `s`.
fn citation_marker_len(s: &str) -> Option<usize> {
    let (open, close) = match s.as_bytes().first()? {
        b'(' => (b'(', b')'),
        b'[' => (b'[', b']'),
        _ => return None,
    };
    let _ = open;
    let body_end = s[1..].find(close as char)? + 1;
    let body = s[1..body_end].trim_start_matches('^');
    let ok = !body.is_empty()
        && body.len() <= 12
        && body.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | '–' | ' '));
    ok.then_some(body_end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    fn split(t: &str) -> Vec<&str> {
        let mut found = Vec::new();
        sentences_into(t, &mut found);
        found.into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn abbreviations_decimals_and_initials() {
        assert_eq!(split("Ask Dr. Smith first. Then rest."), vec!["Ask Dr. Smith first.", "Then rest."]);
        assert_eq!(
            split("Some drugs, e.g. Baclofen, help. Others do not."),
            vec!["Some drugs, e.g. Baclofen, help.", "Others do not."]
        );
        assert_eq!(split("Take 2.5 mg. Twice daily is common."), vec!["Take 2.5 mg. Twice daily is common."]);
        assert_eq!(
            split("Garbutt, J. C. and Gallop, R. wrote it. Fine."),
            vec!["Garbutt, J. C. and Gallop, R. wrote it.", "Fine."]
        );
        assert_eq!(split("It costs 1.5 units. Next."), vec!["It costs 1.5 units.", "Next."]);
    }

    #[test]
    fn ellipses_end_sentences_and_other_three_byte_characters_do_not() {
        assert_eq!(split("Wait… Then go. It’s fine — really"), vec!["Wait…", "Then go.", "It’s fine — really"]);
        assert_eq!(split("“Don’t stop” — ‘never’… Ok!"), vec!["“Don’t stop” — ‘never’…", "Ok!"]);
        assert_eq!(split("Trailing…"), vec!["Trailing…"]);
        assert_eq!(split("–—’"), vec!["–—’"]);
    }

    #[test]
    fn numbered_markers_and_quotes() {
        assert_eq!(split("1. Intensive Inpatient Treatment"), vec!["1. Intensive Inpatient Treatment"]);
        assert_eq!(split("So, “is it addictive?” This is valid."), vec!["So, “is it addictive?”", "This is valid."]);
        assert_eq!(split("Wait! Really? Yes."), vec!["Wait!", "Really?", "Yes."]);
    }

    #[test]
    fn trailing_citation_marker_stays() {
        assert_eq!(split("Convulsions may occur. (2) Next one."), vec!["Convulsions may occur. (2)", "Next one."]);
        assert_eq!(split("It helps.[3] More."), vec!["It helps.[3]", "More."]);
        assert_eq!(split("It works. (2)"), vec!["It works. (2)"]);
    }

    proptest::proptest! {
        /// An abbreviation is recognised ASCII case aside, as lowercasing the word and looking it
        /// up recognised it: words of ASCII letters, stops, the Kelvin sign, `İ` (which lowercase to
        /// ASCII or to more than one character), and the abbreviations in any case.
        #[test]
        fn abbreviations_match_as_lowercased_words(
            word in proptest::prop_oneof![
                "[a-zA-Z.\u{212A}\u{130}ßé]{1,5}",
                proptest::sample::select(ABBREVIATIONS.to_vec()).prop_flat_map(|a| {
                    proptest::collection::vec(proptest::bool::ANY, a.len()).prop_map(move |up| {
                        a.chars().zip(up).map(|(c, u)| if u { c.to_ascii_uppercase() } else { c }).collect::<String>()
                    })
                }),
            ],
        ) {
            let text = format!("Ask {word}. Then");
            let lowered = ABBREVIATIONS.contains(&word.to_lowercase().as_str());
            let single_capital = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            proptest::prop_assert_eq!(splits_after_period(&text, 0, 4 + word.len()), !lowered && !single_capital);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2000))]
        /// Word counts agree with `split_whitespace` on texts of letters and white space: ASCII
        /// alone (whole eight-byte chunks, with the control bytes next to tab..carriage return),
        /// and with non-ASCII white space and letters (no-break space, em space, next line, é).
        #[test]
        fn words_are_counted_as_split_whitespace_splits(
            ascii in "[ab \t\n\r\u{0B}\u{0C}\u{0E}\u{08}\u{1F}!]{0,60}",
            mixed in "[ab \t\n\r\u{0B}\u{0C}\u{0E}\u{08}\u{85}\u{A0}\u{2003}é]{0,60}",
            max in 0usize..12,
        ) {
            for text in [&ascii, &mixed] {
                let words = text.split_whitespace().count();
                proptest::prop_assert_eq!(words_up_to(text, max), words.min(max), "{:?}", text);
                proptest::prop_assert_eq!(more_words_than(text, max), text.split_whitespace().nth(max).is_some());
            }
        }
    }

    #[test]
    fn lowercase_continuation_does_not_split() {
        assert_eq!(split("It is approx. ten. Done."), vec!["It is approx. ten.", "Done."]);
        assert_eq!(split("See the U.S. rules. Done."), vec!["See the U.S. rules.", "Done."]);
    }
}

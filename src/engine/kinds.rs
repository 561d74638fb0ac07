//! How each rule kind turns scanner hits into findings.

use std::collections::HashMap;
use std::ops::Range;

use super::analysis::Analysis;
use super::{Assertion, DocOutcome, Finding};
use crate::pack::{Cue, CueSet, Kind, MatcherId, Rule, Scope, Severity};

pub(super) fn run(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    match rule.kind {
        Kind::Phrase | Kind::Pattern | Kind::Requires => matches(a, idx, rule, &mut out.findings),
        Kind::Document => document(a, idx, rule, &mut out.findings),
        Kind::Conflict => conflict(a, idx, rule, out),
        Kind::Meta => {}
        Kind::Builtin => {
            if let Some(check) = rule.check.as_deref().and_then(crate::checks::get) {
                check(a, idx, rule, out);
            }
        }
    }
}

/// The text range a scope covers around `span`.
pub(crate) fn scope_range(a: &Analysis, scope: Scope, span: &Range<usize>) -> Range<usize> {
    let doc = a.doc;
    let (cur, prev, next) = a.neighbours(span.start);
    let sent = |i: Option<usize>| i.map(|i| doc.sentences[i].span.clone());
    match scope {
        Scope::Sentence => sent(cur).unwrap_or(span.clone()),
        Scope::SentenceOrPrevious => {
            let c = sent(cur).unwrap_or(span.clone());
            sent(prev).map_or(c.start, |p| p.start)..c.end
        }
        Scope::SentenceOrNext => {
            let c = sent(cur).unwrap_or(span.clone());
            c.start..sent(next).map_or(c.end, |n| n.end)
        }
        Scope::Paragraph => doc.block_at(span.start).map_or(span.clone(), |b| doc.blocks[b].span.clone()),
        Scope::Section => {
            let Some(b) = doc.block_at(span.start) else {
                return span.clone();
            };
            let section = doc.blocks[b].section;
            let first = doc.blocks.iter().find(|x| x.section == section).map_or(span.start, |x| x.span.start);
            let last = doc.blocks.iter().rev().find(|x| x.section == section).map_or(span.end, |x| x.span.end);
            first..last
        }
        Scope::Document => 0..doc.text.len(),
    }
}

/// Trigger hits that survive `exclude`, `with` and the silencing cues, with the cues the rule
/// reads further (those that downgrade it or, for a `requires` rule, satisfy it).
pub(crate) fn triggers(a: &Analysis, rule: &Rule, matchers: &[MatcherId]) -> Vec<(Range<usize>, CueSet)> {
    // Most rules find nothing on a page: say so before anything is gathered.
    if a.hits.none_of(matchers) {
        return Vec::new();
    }
    let mut read = rule.downgrade.map_or(CueSet::default(), |(set, _)| set);
    if let Some(s) = rule.requires.as_ref().filter(|_| rule.kind == Kind::Requires) {
        read = read.union(s.cues);
    }
    let read = read.without(rule.silence);
    let mut out = Vec::new();
    for h in a.hits.union(matchers) {
        if a.hits.any_overlapping(&rule.exclude, &h) {
            continue;
        }
        if let Some((with, scope)) = &rule.with {
            let r = scope_range(a, *scope, &h);
            if !a.lexicon_in(with, &r) {
                continue;
            }
        }
        if a.cues_among(&h, rule.silence).intersects(rule.silence) {
            continue;
        }
        let cues = if read == CueSet::default() { read } else { a.cues_among(&h, read) };
        out.push((h, cues));
    }
    out
}

fn satisfied(a: &Analysis, rule: &Rule, span: &Range<usize>, cues: CueSet) -> bool {
    let Some(s) = &rule.requires else {
        return false;
    };
    if cues.intersects(s.cues) {
        return true;
    }
    let r = scope_range(a, s.scope, span);
    // A scope wider than the cue layer's window widens the citation and supervision search too.
    let wide = !matches!(s.scope, Scope::Sentence | Scope::SentenceOrPrevious | Scope::SentenceOrNext);
    let in_range = |x: &crate::document::Sentence| x.span.start >= r.start && x.span.end <= r.end;
    if wide && s.cues.has(Cue::Cited) && a.doc.sentences.iter().any(|x| in_range(x) && a.sentence_cited(&x.span)) {
        return true;
    }
    if wide && s.cues.has(Cue::Supervised) && a.supervision_in(&r) {
        return true;
    }
    a.lexicon_in(&s.matchers, &r)
}

/// Severity after downgrade cues.
pub(crate) fn severity(rule: &Rule, cues: CueSet) -> Severity {
    match rule.downgrade {
        Some((set, sev)) if cues.intersects(set) => sev.min(rule.severity),
        _ => rule.severity,
    }
}

/// Collapses white space and shortens long matched text for messages: past 80 characters, the
/// first 77 and "...". Reads no further than it shows (a finding may span a long paragraph).
pub fn shown(text: &str) -> String {
    const MAX: usize = 80;
    const KEPT: usize = 77;
    // Room for what is shown of most texts, so that the pushes do not grow it: 137,000
    // reallocations over 10 MB of pages.
    let mut s = String::with_capacity(text.len().min(4 * MAX));
    // Bytes, a word copied at a time (`split_whitespace`, then counting and indexing chars, cost
    // 3,600 instructions a paragraph): the collapsed text's length in chars, the byte length it
    // has at its 77th, and where the word being read starts.
    let (mut chars, mut cut, mut word) = (0, 0, None);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (len, space) = match bytes[i] {
            b if b < 0x80 => (1, matches!(b, b'\t'..=b'\r' | b' ')),
            _ => text[i..].chars().next().map_or((1, false), |c| (c.len_utf8(), c.is_whitespace())),
        };
        if space {
            if let Some(from) = word.take() {
                s.push_str(&text[from..i]);
            }
        } else {
            let from = *word.get_or_insert_with(|| {
                if !s.is_empty() {
                    s.push(' ');
                    chars += 1;
                    if chars == KEPT {
                        cut = s.len();
                    }
                }
                i
            });
            chars += 1;
            if chars == KEPT {
                cut = s.len() + (i + len - from);
            } else if chars > MAX {
                s.push_str(&text[from..i]);
                s.truncate(cut);
                s.push_str("...");
                return s;
            }
        }
        i += len;
    }
    if let Some(from) = word {
        s.push_str(&text[from..]);
    }
    s
}

fn fix_for(rule: &Rule, text: &str) -> Option<String> {
    if rule.fix.is_empty() {
        return None;
    }
    let key = text.to_lowercase();
    let rep = rule.fix.get(&key)?;
    let upper = text.chars().next().is_some_and(char::is_uppercase);
    Some(if upper {
        let mut c = rep.chars();
        c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
    } else {
        rep.clone()
    })
}

fn matches(a: &Analysis, idx: usize, rule: &Rule, out: &mut Vec<Finding>) {
    if a.hits.none_of(&rule.trigger) {
        return;
    }
    // `once_per`: "sentence" (default), "paragraph", or "page" (one finding listing every use).
    let once_per = rule.options.get("once_per").and_then(|v| v.as_str()).unwrap_or("sentence");
    let per_page = once_per == "page";
    let mut last_unit = None;
    let mut page: Option<Finding> = None;
    for (h, cues) in triggers(a, rule, &rule.trigger) {
        if rule.kind == Kind::Requires && satisfied(a, rule, &h, cues) {
            continue;
        }
        let text = a.text(&h);
        let fix = fix_for(rule, text).map(|r| (h.clone(), r));
        if let Some(f) = page.as_mut() {
            f.repeats.push(h.clone());
            f.fix.extend(fix);
            continue;
        }
        // Several triggers in one sentence (or paragraph) are one problem.
        let unit = if once_per == "paragraph" { a.doc.block_at(h.start) } else { a.doc.sentence_at(h.start) };
        if unit.is_some() && unit == last_unit {
            continue;
        }
        last_unit = unit;
        let mut f = Finding::new(idx, h.clone(), severity(rule, cues)).arg("match", shown(text));
        if let Some(d) = a.subject(&h) {
            f = f.arg("drug", a.pack.drugs[d].id.clone());
        }
        f.fix.extend(fix);
        if per_page {
            page = Some(f);
        } else {
            out.push(f);
        }
    }
    if let Some(mut f) = page {
        let n = f.repeats.len() + 1;
        f.args.push(("count", n.to_string()));
        if n > 1 {
            f.label = Some(format!("{n} uses on this page; the first is here"));
        }
        out.push(f);
    }
}

fn document(a: &Analysis, idx: usize, rule: &Rule, out: &mut Vec<Finding>) {
    let whole = 0..a.doc.text.len();
    if let Some(s) = &rule.requires {
        if a.lexicon_in(&s.matchers, &whole) {
            return;
        }
    }
    let at = if rule.trigger.is_empty() {
        a.drug_mentions.first().map(|(s, _)| s.clone()).or_else(|| a.doc.blocks.first().map(|b| b.span.clone()))
    } else {
        triggers(a, rule, &rule.trigger).into_iter().next().map(|(s, _)| s)
    };
    if let Some(span) = at {
        let text = shown(a.text(&span));
        out.push(Finding::new(idx, span, rule.severity).arg("match", text));
    }
}

fn conflict(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let Some(spec) = &rule.conflict else { return };
    let high_drop = CueSet::of(&[Cue::Reported, Cue::Quoted]);
    // What a contradicting form's cues are read for: the drops, negation, the rule's silencers.
    let high_read = high_drop.union(rule.silence).union(CueSet::of(&[Cue::Negated]));
    let silence_but_negation = rule.silence.without(CueSet::of(&[Cue::Negated]));
    let subject = |span: &Range<usize>| a.subject(span);
    // Questions are not assertions; an `unless` companion scopes the sentence out of the topic.
    let assertive = |span: &Range<usize>| {
        let sent = a.sentence_span(span.start);
        !a.text(&sent).trim_end().ends_with('?') && !a.lexicon_in(&spec.unless, &sent)
    };
    let mut lows: Vec<Range<usize>> = Vec::new();
    let mut highs: Vec<Range<usize>> = Vec::new();
    let low_hits = a.hits.union(&spec.low);
    for h in &low_hits {
        if a.hits.any_overlapping(&rule.exclude, h) || !assertive(h) {
            continue;
        }
        if !a.cues_among(h, rule.silence).intersects(rule.silence) {
            lows.push(h.clone());
        }
    }
    // A contradicting form inside a surviving reassurance ("addictive" in "not addictive") is
    // part of it; inside a negated one ("not approved by the FDA for AUD") it stands.
    let surviving = Intervals::new(lows.clone());
    for h in a.hits.union(&spec.high) {
        if a.hits.any_overlapping(&rule.exclude, &h) || surviving.overlaps(&h) || !assertive(&h) {
            continue;
        }
        let cues = a.cues_among(&h, high_read);
        if cues.intersects(high_drop) {
            continue;
        }
        if cues.has(Cue::Negated) {
            if spec.negated_high_is_low && !cues.intersects(silence_but_negation) {
                lows.push(h);
            }
            continue;
        }
        highs.push(h);
    }
    lows.sort_by_key(|s| s.start);
    let sentence_of = |s: &Range<usize>| a.doc.sentence_at(s.start);
    let mut reported_sentences = std::collections::HashSet::new();
    let mut paired_lows = vec![false; lows.len()];
    // Subjects once per assertion; for each reassurance, the nearest contradiction about the same
    // drug (or either side without one) in another sentence, by binary search over start offsets.
    let high_subjects: Vec<Option<usize>> = highs.iter().map(&subject).collect();
    let high_sentences: Vec<Option<usize>> = highs.iter().map(&sentence_of).collect();
    let starts: Vec<usize> = highs.iter().map(|h| h.start).collect();
    let partners = Partners::new(&starts, &high_subjects, &high_sentences);
    for (li, low) in lows.iter().enumerate() {
        let ls = subject(low);
        let lsent = sentence_of(low);
        let partner = partners.nearest(low.start, ls, lsent).map(|k| &highs[k]);
        let Some(h) = partner else { continue };
        paired_lows[li] = true;
        if !reported_sentences.insert(lsent) {
            continue;
        }
        let mut f = Finding::new(idx, low.clone(), rule.severity)
            .arg("match", shown(a.text(low)))
            .arg("other", shown(a.text(h)))
            .arg("topic", spec.topic.clone());
        if let Some(d) = ls {
            f = f.arg("drug", a.pack.drugs[d].id.clone());
        }
        f.label = Some("the reassuring claim".into());
        f.related.push((h.clone(), spec.label.clone()));
        out.findings.push(f);
    }
    let drug_id = |s: Option<usize>| s.map(|d| a.pack.drugs[d].id.clone());
    for (li, low) in lows.iter().enumerate() {
        out.assertions.push(Assertion {
            rule: idx,
            subject: drug_id(subject(low)),
            low: true,
            span: low.clone(),
            paired: paired_lows[li],
            value: None,
        });
    }
    for h in highs {
        out.assertions.push(Assertion {
            rule: idx,
            subject: drug_id(subject(&h)),
            low: false,
            span: h,
            paired: false,
            value: None,
        });
    }
}

/// Spans, to ask whether any overlaps a given one by binary search: by start, with the furthest
/// end of each prefix (asking each span in turn was quadratic on a long page: 15.6 M instructions
/// over a 2 MB page).
struct Intervals {
    spans: Vec<Range<usize>>,
    /// `furthest[k]`: the largest end among `spans[..=k]`.
    furthest: Vec<usize>,
}

impl Intervals {
    fn new(mut spans: Vec<Range<usize>>) -> Self {
        spans.sort_by_key(|s| s.start);
        let furthest = spans
            .iter()
            .scan(0, |end, s| {
                *end = s.end.max(*end);
                Some(*end)
            })
            .collect();
        Intervals { spans, furthest }
    }

    /// Whether a span shares a byte with `h`: of those starting before `h` ends, the one ending
    /// furthest ends after `h` starts.
    fn overlaps(&self, h: &Range<usize>) -> bool {
        let before = self.spans.partition_point(|s| s.start < h.end);
        before > 0 && self.furthest[before - 1] > h.start
    }
}

/// The contradictions of a page, to find a reassurance's partner: the nearest one (the earlier on
/// a tie) in another sentence about the same drug, or where either side names none.
struct Partners<'a> {
    starts: &'a [usize],
    sentences: &'a [Option<usize>],
    /// Every contradiction, in page order (for a reassurance that names no drug).
    all: Vec<usize>,
    /// The contradictions about each drug, and about none, in page order.
    by_subject: HashMap<Option<usize>, Vec<usize>>,
}

impl<'a> Partners<'a> {
    /// `starts` in page order, with each one's subject and sentence.
    fn new(starts: &'a [usize], subjects: &[Option<usize>], sentences: &'a [Option<usize>]) -> Self {
        let mut by_subject: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
        for (k, s) in subjects.iter().enumerate() {
            by_subject.entry(*s).or_default().push(k);
        }
        Partners { starts, sentences, all: (0..starts.len()).collect(), by_subject }
    }

    /// The partner of a reassurance starting at `at`, by binary search in the lists it may pair
    /// with, not by walking past every contradiction about other drugs (quadratic on a long page).
    fn nearest(&self, at: usize, subject: Option<usize>, sentence: Option<usize>) -> Option<usize> {
        let listed = |s: Option<usize>| self.by_subject.get(&s).map_or(&[][..], Vec::as_slice);
        let lists: [&[usize]; 2] = if subject.is_none() { [&self.all, &[]] } else { [listed(subject), listed(None)] };
        let other_sentence = |k: &usize| self.sentences[*k] != sentence;
        // The last candidate before the reassurance and the first after it.
        let (mut before, mut after): (Option<usize>, Option<usize>) = (None, None);
        for list in lists {
            let split = list.partition_point(|&k| self.starts[k] < at);
            before = before.max(list[..split].iter().rev().copied().find(other_sentence));
            let next = list[split..].iter().copied().find(other_sentence);
            after = match (after, next) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
        }
        match (before, after) {
            (Some(b), Some(a)) => Some(if at - self.starts[b] <= self.starts[a] - at { b } else { a }),
            (b, a) => b.or(a),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shown;
    use proptest::prelude::*;

    /// What `shown` computed before it learned to stop early.
    fn oracle(text: &str) -> String {
        let s: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.chars().count() > 80 {
            let cut: String = s.chars().take(77).collect();
            format!("{cut}...")
        } else {
            s
        }
    }

    #[test]
    fn shown_collapses_and_shortens() {
        assert_eq!(shown("  a \n b\t"), "a b");
        let long = "word ".repeat(40);
        assert_eq!(shown(&long), format!("{}...", &long[..77]));
        assert_eq!(shown(&"é".repeat(81)), format!("{}...", "é".repeat(77)));
        assert_eq!(shown(&"x".repeat(80)), "x".repeat(80));
    }

    /// The partner as the page was first searched: walking every contradiction from the nearest.
    fn nearest_by_walking(
        starts: &[usize],
        subjects: &[Option<usize>],
        sentences: &[Option<usize>],
        at: usize,
        subject: Option<usize>,
        sentence: Option<usize>,
    ) -> Option<usize> {
        let eligible = |k: usize| {
            sentences[k] != sentence && (subject.is_none() || subjects[k].is_none() || subject == subjects[k])
        };
        let split = starts.partition_point(|&s| s < at);
        let before = (0..split).rev().find(|&k| eligible(k));
        let after = (split..starts.len()).find(|&k| eligible(k));
        match (before, after) {
            (Some(b), Some(a)) => Some(if at - starts[b] <= starts[a] - at { b } else { a }),
            (b, a) => b.or(a),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn intervals_overlap_as_asking_each_span(
            spans in proptest::collection::vec((0usize..200, 0usize..30), 0..30),
            asked in proptest::collection::vec((0usize..220, 0usize..30), 1..20),
        ) {
            let spans: Vec<std::ops::Range<usize>> = spans.into_iter().map(|(s, l)| s..s + l).collect();
            let set = super::Intervals::new(spans.clone());
            for (s, l) in asked {
                let h = s..s + l;
                let naive = spans.iter().any(|x| x.start < h.end && h.start < x.end);
                prop_assert_eq!(set.overlaps(&h), naive, "{:?} against {:?}", h, spans);
            }
        }

        #[test]
        fn partners_are_the_nearest_eligible(
            gaps in proptest::collection::vec(0usize..40, 0..40),
            subjects in proptest::collection::vec(proptest::option::of(0usize..3), 40),
            lows in proptest::collection::vec((0usize..900, proptest::option::of(0usize..3)), 1..10),
        ) {
            // Contradictions in page order (ties allowed), sentences of 60 bytes, a few with none.
            let starts: Vec<usize> = gaps.iter().scan(0, |at, g| { *at += g; Some(*at) }).collect();
            let sentence = |at: usize| (at % 7 != 3).then_some(at / 60);
            let sentences: Vec<Option<usize>> = starts.iter().map(|&s| sentence(s)).collect();
            let subjects = &subjects[..starts.len()];
            let partners = super::Partners::new(&starts, subjects, &sentences);
            for (at, subject) in lows {
                prop_assert_eq!(
                    partners.nearest(at, subject, sentence(at)),
                    nearest_by_walking(&starts, subjects, &sentences, at, subject, sentence(at))
                );
            }
        }

        #[test]
        fn shown_is_what_it_was(words in proptest::collection::vec("[a-zé’\u{1c}😀]{0,30}", 0..12), spaces in proptest::collection::vec("[ \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{2028}\u{3000}]{1,3}", 12)) {
            let text: String = words.iter().zip(&spaces).map(|(w, s)| format!("{w}{s}")).collect();
            prop_assert_eq!(shown(&text), oracle(&text));
        }
    }
}

//! The cue layer (ConText/NegEx style): decides from the words around a match whether it is
//! negated, hedged, conditional, supervised, cited, quoted, reported or scoped. Every rule uses it;
//! rules declare which cues silence or downgrade them.

use std::ops::Range;

use super::analysis::Analysis;
use super::compile::all_in;
use crate::pack::{Cue, CueSet, MatcherId};

/// How many words may stand between a negation and what it negates.
const NEGATION_WINDOW: usize = 5;

impl Analysis<'_> {
    /// The start of the clause containing `offset` within sentence `sent`.
    fn clause_start(&self, sent: &Range<usize>, offset: usize) -> usize {
        let mut start = sent.start;
        for b in self.cues.clause_break.iter().flat_map(|m| all_in(self.hits.of(*m), &(sent.start..offset))) {
            start = start.max(b.end);
        }
        let before = self.text(&(sent.start..offset));
        if let Some(i) = before.rfind([';', ':', '—']) {
            start = start.max(sent.start + i + 1);
        }
        start
    }

    /// The end of the clause containing `offset` within sentence `sent`.
    fn clause_end(&self, sent: &Range<usize>, offset: usize) -> usize {
        let mut end = sent.end;
        for m in &self.cues.clause_break {
            if let Some(b) = all_in(self.hits.of(*m), &(offset..sent.end)).next() {
                end = end.min(b.start);
            }
        }
        let after = self.text(&(offset..sent.end));
        if let Some(i) = after.find([';', ':', '—']) {
            end = end.min(offset + i);
        }
        end
    }

    /// Whether at most `window` words stand between `a` and `b` (counted only up to one past it).
    fn within_words(&self, a: usize, b: usize, window: usize) -> bool {
        b <= a || !crate::segment::more_words_than(self.text(&(a..b)), window)
    }

    /// Whether a negation cue governs `span` (before it, same clause, within the window, not a
    /// pseudo-negation such as "not only").
    pub fn negated(&self, span: &Range<usize>) -> bool {
        let sent = self.sentence_span(span.start);
        let from = self.clause_start(&sent, span.start);
        self.negation_before(from, span.start, NEGATION_WINDOW)
    }

    fn negation_before(&self, from: usize, to: usize, window: usize) -> bool {
        let region = from..to;
        self.cues.negation.iter().flat_map(|m| all_in(self.hits.of(*m), &region)).any(|n| {
            // A comma ends the scope of a verb-like negation ("To avoid withdrawal, taper off"),
            // but a negated subject spans an apposition ("No medication, including X, is safe").
            let subject_negation =
                matches!(self.text(n).to_lowercase().as_str(), "no" | "none" | "neither" | "nobody" | "nothing");
            (subject_negation || !self.text(&(n.end..to)).contains(','))
                && self.within_words(n.end, to, window)
                && !self.hits.any_overlapping(&self.cues.pseudo_negation, n)
        })
    }

    fn any_in(&self, ms: &[MatcherId], range: &Range<usize>, except: &Range<usize>) -> bool {
        ms.iter().any(|m| all_in(self.hits.of(*m), range).any(|h| h.end <= except.start || h.start >= except.end))
    }

    /// Whether a sentence range names medical supervision that is not itself negated.
    pub(crate) fn supervision_in(&self, range: &Range<usize>) -> bool {
        self.cues.supervision.iter().flat_map(|m| all_in(self.hits.of(*m), range)).any(|s| {
            let sent = self.sentence_span(s.start);
            let from = self.clause_start(&sent, s.start);
            !self.negation_before(from, s.start, 2)
        })
    }

    /// Whether a sentence is backed by a citation marker, a link or a named source.
    pub fn sentence_cited(&self, sent: &Range<usize>) -> bool {
        let links = &self.doc.links;
        let first = links.partition_point(|l| l.end <= sent.start);
        self.markers_in(sent).next().is_some()
            || links.get(first).is_some_and(|l| l.start < sent.end)
            || self.lexicon_in(&self.cues.source, sent)
    }

    fn quoted(&self, sent: &Range<usize>, span: &Range<usize>) -> bool {
        let before = self.text(&(sent.start..span.start));
        let after = self.text(&(span.end..sent.end));
        let curly = before.rfind('“').is_some_and(|i| !before[i..].contains('”')) && after.contains('”');
        let straight = before.matches('"').count() % 2 == 1 && after.contains('"');
        curly || straight
    }

    /// All cues of a match.
    pub fn cues_of(&self, span: &Range<usize>) -> CueSet {
        self.cues_among(span, CueSet::ALL)
    }

    /// The cues of `wanted` that a match has: the others are not looked for (a rule that asks
    /// about negation, quotes and reports does not pay for the supervision and citation searches).
    pub fn cues_among(&self, span: &Range<usize>, wanted: CueSet) -> CueSet {
        let mut set = CueSet::default();
        let (Some(si), prev, next) = self.neighbours(span.start) else {
            return set;
        };
        let sent = self.doc.sentences[si].span.clone();
        let want = |c: Cue| wanted.has(c);
        let c_start = if want(Cue::Negated) || want(Cue::Hedged) || want(Cue::Reported) {
            self.clause_start(&sent, span.start)
        } else {
            sent.start
        };
        if want(Cue::Negated) && self.negation_before(c_start, span.start, NEGATION_WINDOW) {
            set.insert(Cue::Negated);
        }
        if want(Cue::Hedged) {
            let c_end = self.clause_end(&sent, span.end).max(span.end);
            if self.any_in(&self.cues.hedge, &(c_start..c_end), span) {
                set.insert(Cue::Hedged);
            }
        }
        if want(Cue::Conditional) && self.any_in(&self.cues.conditional, &sent, span) {
            set.insert(Cue::Conditional);
        }
        if want(Cue::Supervised) {
            let prev_span = prev.map(|p| self.doc.sentences[p].span.clone());
            if self.supervision_in(&sent) || prev_span.as_ref().is_some_and(|p| self.supervision_in(p)) {
                set.insert(Cue::Supervised);
            }
        }
        if want(Cue::Cited) {
            let next_cited = next.is_some_and(|n| {
                let ns = &self.doc.sentences[n].span;
                // Only a bare marker sentence or a sentence that opens with a source continues a
                // claim.
                self.markers_in(ns).next().is_some() && self.text(ns).len() < 12
                    || self.lexicon_in(&self.cues.source, ns)
            });
            if self.sentence_cited(&sent) || next_cited {
                set.insert(Cue::Cited);
            }
        }
        if want(Cue::Quoted) && self.quoted(&sent, span) {
            set.insert(Cue::Quoted);
        }
        if want(Cue::Reported) && self.any_in(&self.cues.reported, &(c_start..span.end), span) {
            set.insert(Cue::Reported);
        }
        if want(Cue::ScopedNormal) && self.any_in(&self.cues.scoped_normal, &sent, span) {
            set.insert(Cue::ScopedNormal);
        }
        if want(Cue::ScopedHigh) && self.any_in(&self.cues.scoped_high, &sent, span) {
            set.insert(Cue::ScopedHigh);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use crate::document::{Document, Format};
    use crate::engine::{Analysis, Engine};
    use crate::pack::{Cue, CueSet, Pack};

    /// The cues of the first occurrence of `needle` in `text`.
    fn cues(text: &str, needle: &str) -> Vec<&'static str> {
        let engine = Engine::new(Pack::embedded().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
        let doc = Document::parse(text, Format::Text);
        let hits = engine.scanner.scan(&doc.text);
        let a = Analysis::new(&doc, &engine.pack, &hits, &engine.cues);
        let start = doc.text.find(needle).unwrap_or_else(|| panic!("{needle} not in {text}"));
        a.cues_of(&(start..start + needle.len())).names()
    }

    fn has(text: &str, needle: &str, cue: Cue) -> bool {
        let name = Cue::ALL.iter().find(|(_, c)| *c == cue).map_or("", |(n, _)| *n);
        cues(text, needle).contains(&name)
    }

    #[test]
    fn negation_within_window_and_clause() {
        assert!(has("There is no cure for addiction.", "cure for addiction", Cue::Negated));
        assert!(has("Baclofen is not a controlled substance.", "controlled substance", Cue::Negated));
        assert!(has("Never stop baclofen abruptly.", "stop baclofen", Cue::Negated));
        assert!(has("Gabapentin doesn’t cause seizures.", "cause seizures", Cue::Negated));
        // Too far away: more than five words between the negation and the match.
        assert!(!has("It is not the case that the drug in question is addictive.", "addictive", Cue::Negated));
    }

    #[test]
    fn clause_breaks_end_negation_scope() {
        assert!(!has("There is no cure, but treatment works.", "treatment works", Cue::Negated));
        assert!(!has("It is not a cure; it reduces cravings.", "reduces cravings", Cue::Negated));
        assert!(!has("It is not a cure however it reduces cravings.", "reduces cravings", Cue::Negated));
        assert!(!has("Although it is not a narcotic, cases of addiction exist.", "addiction", Cue::Negated));
        // A comma ends a verb-like negation but not a negated subject with an apposition.
        assert!(!has("To avoid withdrawal, taper off slowly.", "taper off", Cue::Negated));
        assert!(has("No medication, including naltrexone, is completely safe.", "completely safe", Cue::Negated));
    }

    #[test]
    fn pseudo_negations_do_not_negate() {
        assert!(!has("It is not only effective but cheap.", "effective", Cue::Negated));
        assert!(!has("There is no doubt it is addictive.", "addictive", Cue::Negated));
        assert!(!has("Ask whether or not baclofen is addictive.", "addictive", Cue::Negated));
        assert!(has("It is not necessarily effective for everyone.", "effective", Cue::Hedged));
    }

    #[test]
    fn hedges_conditionals_and_scopes() {
        assert!(has("Baclofen may reduce cravings.", "reduce cravings", Cue::Hedged));
        assert!(has("Some studies suggest it works.", "it works", Cue::Hedged));
        assert!(!has("Baclofen reduces cravings.", "reduces cravings", Cue::Hedged));
        assert!(has("If you take too much, it can cause seizures.", "seizures", Cue::Conditional));
        assert!(has("At high doses it can cause seizures.", "seizures", Cue::Conditional));
        assert!(has("At a normal prescribed dose, it is not addictive.", "not addictive", Cue::ScopedNormal));
        assert!(has("When misused at high doses, it is addictive.", "addictive", Cue::ScopedHigh));
    }

    #[test]
    fn supervision_in_sentence_or_previous_and_not_negated() {
        assert!(has("Your doctor will start you at 10 mg twice a day.", "10 mg twice a day", Cue::Supervised));
        assert!(has("Talk with your doctor first. Then take 10 mg twice a day.", "10 mg twice a day", Cue::Supervised));
        assert!(!has("Take 10 mg twice a day without asking your doctor.", "10 mg twice a day", Cue::Supervised));
        assert!(!has("Ask your sponsor, then take 10 mg twice a day.", "10 mg twice a day", Cue::Supervised));
        // Two sentences back is too far.
        assert!(!has("Ask your doctor. It helps. Take 10 mg twice a day.", "10 mg twice a day", Cue::Supervised));
    }

    #[test]
    fn citations_resolve_only_against_the_page() {
        let cited = "Studies show it works [1].\n\nReferences\n\n1. Smith, J. (2019). A trial of it. J Med.";
        assert!(has(cited, "Studies show", Cue::Cited));
        // An unresolved marker still counts as a citation cue (E002 reports the marker itself).
        assert!(has("Studies show it works [1].", "Studies show", Cue::Cited));
        assert!(has("According to NIDA, studies show it works.", "studies show", Cue::Cited));
        assert!(has("A 2019 study found that it works.", "found that", Cue::Cited));
        assert!(!has("Studies show it works. Call us today.", "Studies show", Cue::Cited));
    }

    #[test]
    fn cues_among_a_set_are_the_cues_of_the_match_in_it() {
        let engine = Engine::new(Pack::embedded().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
        let texts = [
            "Talk with your doctor first. If you feel worse, “it may not be addictive” at a normal dose [1].",
            "Some people believe that, when misused at high doses, it is not a controlled substance.",
            "According to NIDA, no medication is completely safe; studies suggest it might help. (2)",
            "Your doctor will start you at 10 mg twice a day.\n\nIt was believed to have no abuse potential.",
            // A reported or negating word in an earlier clause does not reach the match.
            "It was believed to help; today it is addictive. It is not a cure, but treatment works.",
        ];
        for text in texts {
            let doc = Document::parse(text, Format::Text);
            let hits = engine.scanner.scan(&doc.text);
            let a = Analysis::new(&doc, &engine.pack, &hits, &engine.cues);
            // Every word as a match, and every set of cues.
            let words = doc.text.split_whitespace().map(|w| {
                let start = w.as_ptr() as usize - doc.text.as_ptr() as usize;
                start..start + w.len()
            });
            for span in words {
                let all = a.cues_of(&span);
                for wanted in 0..1u16 << Cue::ALL.len() {
                    let wanted = CueSet(
                        Cue::ALL
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| wanted >> i & 1 == 1)
                            .fold(0, |m, (_, (_, c))| m | *c as u16),
                    );
                    assert_eq!(
                        a.cues_among(&span, wanted),
                        CueSet(all.0 & wanted.0),
                        "{:?} {wanted:?}",
                        &doc.text[span.clone()]
                    );
                }
            }
        }
    }

    #[test]
    fn quoted_and_reported() {
        assert!(has("People call it “a miracle cure” online.", "miracle cure", Cue::Quoted));
        assert!(has("It was believed to have no abuse potential.", "no abuse potential", Cue::Reported));
        assert!(has(
            "Some people worry that it is trading one addiction for another.",
            "trading one addiction",
            Cue::Reported
        ));
        assert!(!has("It has no abuse potential.", "no abuse potential", Cue::Reported));
    }
}

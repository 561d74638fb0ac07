//! Consistency checks that need numbers or the facts table: dose figures (X006), drug classes
//! (X007), facts-table mismatches (X008) and misstated FDA status (M006).

use std::collections::BTreeMap;
use std::ops::Range;

use super::disclaimer::indication_name;
use super::{all_captures, Gated};
use crate::engine::compile::Groups;
use crate::engine::{shown, Analysis, Assertion, DocOutcome, Finding};
use crate::pack::{Cue, CueSet, Rule};

/// The cues of a mention that the page does not assert: negated, quoted or reported.
const NOT_ASSERTED: CueSet = CueSet::of(&[Cue::Negated, Cue::Quoted, Cue::Reported]);

/// Their unit: what every match of [`CEILING`] (and of [`TOXIC`]) contains.
const DOSE_UNITS: &[&str] = &["mg", "milligrams"];

/// A stated maximum dose.
pub(super) static CEILING: Gated = Gated::new(
    DOSE_UNITS,
    r"(?i)\b(?:(?:no|not|never)\b[^.]{0,30}?\bmore than|do not exceed|don't exceed|maximum (?:daily |recommended )?dose (?:is|of)|up to|should not exceed)\s+(\d{1,3}(?:,\d{3})+|\d{1,5}(?:\.\d+)?)\s?(?:mg|milligrams)\b",
);

/// A dose called toxic: every match holds one of these words (rarer than its unit).
pub(super) static TOXIC: Gated = Gated::new(
    &["toxic", "overdose", "lethal", "fatal", "poisoning"],
    r"(?i)\b(\d{1,3}(?:,\d{3})+|\d{1,5}(?:\.\d+)?)\s?(?:mg|milligrams)\b[^.]{0,60}?\b(?:toxicity|toxic|overdose|lethal|fatal|poisoning)\b|\b(?:toxic|lethal|fatal) (?:dose|amount)[^.]{0,20}?\b(\d{1,3}(?:,\d{3})+|\d{1,5}(?:\.\d+)?)\s?(?:mg|milligrams)\b",
);

/// Spans affirming and denying one (drug, class) pair.
type ClassClaims = BTreeMap<(Option<usize>, String), (Vec<Range<usize>>, Vec<Range<usize>>)>;
/// First "stimulant" and first "depressant" claim per drug.
type StimDep = BTreeMap<Option<usize>, (Option<Range<usize>>, Option<Range<usize>>)>;

fn number(c: &Groups, groups: &[usize]) -> Option<(f64, Range<usize>)> {
    let g = groups.iter().copied().find(|g| c.range(*g).is_some())?;
    c.get(g)?.parse().ok().map(|v| (v, c.range(g).unwrap_or_default()))
}

/// Compiles the gated regexes that `text` may need (`None`: all of them).
pub(super) fn warm_gated(text: Option<&str>) {
    for gated in [&CEILING, &TOXIC, &CLASS_CLAIM] {
        match text {
            Some(text) => {
                gated.for_text(text);
            }
            None => gated.warm_for_throughput(),
        }
    }
}

/// X006: a stated maximum dose at or above a stated toxic dose on the same page.
pub fn dose_figure_conflict(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let text = &a.doc.text;
    // Each regex on its own: a page without toxic words still states its ceilings (assertions
    // for conflicts with other pages).
    let toxic_doses: Vec<(f64, Range<usize>, Option<usize>)> = TOXIC
        .captures_scanned(text, a.hits)
        .into_iter()
        .filter_map(|c| {
            let span = c.range(0)?;
            let (v, _) = number(&c, &[1, 2])?;
            Some((v, span.clone(), a.subject(&span)))
        })
        .collect();
    let drug_id = |d: Option<usize>| d.map(|d| a.pack.drugs[d].id.clone());
    for (v, span, d) in &toxic_doses {
        out.assertions.push(Assertion {
            rule: idx,
            subject: drug_id(*d),
            low: false,
            span: span.clone(),
            paired: false,
            value: Some(*v),
        });
    }
    for c in CEILING.captures_scanned(text, a.hits) {
        let Some(span) = c.range(0) else { continue };
        let Some((max, _)) = number(&c, &[1]) else {
            continue;
        };
        let subject = a.subject(&span);
        let clash = toxic_doses.iter().find(|(v, s, d)| {
            *v <= max
                && (d.is_none() || subject.is_none() || *d == subject)
                && a.doc.sentence_at(s.start) != a.doc.sentence_at(span.start)
        });
        out.assertions.push(Assertion {
            rule: idx,
            subject: drug_id(subject),
            low: true,
            span: span.clone(),
            paired: clash.is_some(),
            value: Some(max),
        });
        if let Some((v, s, _)) = clash {
            let mut f = Finding::new(idx, span.clone(), rule.severity)
                .arg("match", shown(a.text(&span)))
                .arg("other", shown(a.text(s)));
            f.label = Some(format!("a daily ceiling of {max} mg"));
            f.related.push((s.clone(), format!("but {v} mg is called toxic here")));
            out.findings.push(f);
        }
    }
}

/// A drug class affirmed or denied; every match names a class.
pub(super) static CLASS_CLAIM: Gated = Gated::new(
    &["benzodiazepine", "opioid", "narcotic", "stimulant", "depressant", "barbiturate", "muscle relaxant"],
    r"(?i)\b(is|are|isn't|aren't|is not|are not)\s+(not\s+)?(?:an?\s+|considered (?:an?\s+)?|classified as (?:an?\s+)?)?(benzodiazepine|opioid|narcotic|stimulant|depressant|barbiturate|muscle relaxant|antidepressant)s?\b",
);

/// X007: incompatible class labels for one drug ("is a benzodiazepine" / "is not a benzodiazepine").
pub fn drug_class_conflict(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let text = &a.doc.text;
    // (drug, class) -> (affirmed spans, denied spans)
    let mut claims: ClassClaims = BTreeMap::new();
    let Some(class_claim) = CLASS_CLAIM.for_scanned(text, a.hits) else { return };
    // The whole text at once: class words are common on these pages, and the regex's own search
    // is quicker than visiting each stretch with one.
    for c in all_captures(class_claim, text) {
        let Some(span) = c.range(0) else { continue };
        let sent = a.sentence_span(span.start);
        if a.text(&sent).trim_end().ends_with('?') {
            continue;
        }
        let verb = c.get(1).unwrap_or("").to_lowercase();
        let denied = c.get(2).is_some() || verb.contains("not") || verb.contains("n't");
        let class = c.get(3).unwrap_or("").to_lowercase();
        let entry = claims.entry((a.subject(&span), class)).or_default();
        if denied {
            entry.1.push(span);
        } else {
            entry.0.push(span);
        }
    }
    let mut stim_dep: StimDep = BTreeMap::new();
    for ((drug, class), (yes, no)) in &claims {
        if let (Some(y), Some(n)) = (yes.first(), no.first()) {
            let mut f = Finding::new(idx, n.clone(), rule.severity)
                .arg("match", shown(a.text(n)))
                .arg("other", shown(a.text(y)));
            f.related.push((y.clone(), format!("called a {class} here")));
            out.findings.push(f);
        }
        let e = stim_dep.entry(*drug).or_default();
        match class.as_str() {
            "stimulant" => e.0 = e.0.clone().or(yes.first().cloned()),
            "depressant" => e.1 = e.1.clone().or(yes.first().cloned()),
            _ => {}
        }
    }
    for (s, d) in stim_dep.values() {
        if let (Some(s), Some(d)) = (s, d) {
            let mut f = Finding::new(idx, s.clone(), rule.severity)
                .arg("match", shown(a.text(s)))
                .arg("other", shown(a.text(d)));
            f.related.push((d.clone(), "called a depressant here".into()));
            out.findings.push(f);
        }
    }
}

/// X008: an assertion about legal status that contradicts the facts table.
pub fn facts_mismatch(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let pack = a.pack;
    let (Some(affirm), Some(deny)) = (pack.lexicon("controlled_affirm"), pack.lexicon("controlled_deny")) else {
        return;
    };
    let state = pack.lexicon("us_state");
    for (m, says_controlled) in [(affirm, true), (deny, false)] {
        for h in a.hits.of(m) {
            if says_controlled && a.hits.any_overlapping(&[deny], h) {
                continue;
            }
            if a.cues_among(h, NOT_ASSERTED).intersects(NOT_ASSERTED) {
                continue;
            }
            let sent = a.sentence_span(h.start);
            if a.text(&sent).trim_end().ends_with('?') || state.is_some_and(|s| a.lexicon_in(&[s], &sent)) {
                continue;
            }
            let Some(d) = a.subject(h) else { continue };
            let drug = &pack.drugs[d];
            let Some(facts) = pack.facts.by_drug.get(&drug.id) else {
                continue;
            };
            let controlled = facts.schedule != "none";
            if controlled == says_controlled {
                continue;
            }
            let fact = if controlled {
                format!("{} is a federally controlled substance (Schedule {})", drug.id, facts.schedule)
            } else {
                format!("{} is not a federally controlled substance", drug.id)
            };
            let mut f = Finding::new(idx, h.clone(), rule.severity)
                .arg("match", shown(a.text(h)))
                .arg("drug", drug.id.clone())
                .arg("fact", fact)
                .arg("source", format!("{} (as of {})", facts.source, facts.as_of));
            f.label = Some("contradicts the facts table".into());
            out.findings.push(f);
        }
    }
}

/// M006: "FDA-approved" for an indication the facts table lists as not approved for that drug.
pub fn fda_status(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let pack = a.pack;
    let Some(approved) = pack.lexicon("fda_approval") else {
        return;
    };
    for h in a.hits.of(approved) {
        if a.cues_among(h, NOT_ASSERTED).intersects(NOT_ASSERTED) {
            continue;
        }
        let sent = a.sentence_span(h.start);
        let clause_end = a.text(&(h.end..sent.end)).find([';', ',']).map_or(sent.end, |i| h.end + i);
        let after = h.start..clause_end;
        let drugs = a.drugs_in_sentence(h.start);
        let drugs = if drugs.is_empty() { a.main_drug.into_iter().collect() } else { drugs };
        for d in drugs {
            let drug = &pack.drugs[d];
            let Some(facts) = pack.facts.by_drug.get(&drug.id) else {
                continue;
            };
            let wrong = facts
                .not_approved_for
                .iter()
                .find(|ind| pack.lexicon(&format!("indication_{ind}")).is_some_and(|m| a.lexicon_in(&[m], &after)));
            if let Some(ind) = wrong {
                let mut f = Finding::new(idx, h.clone(), rule.severity)
                    .arg("match", shown(a.text(&(h.start..clause_end))))
                    .arg("drug", drug.id.clone())
                    .arg("fact", format!("{} is not FDA-approved for {}", drug.id, indication_name(ind)))
                    .arg("source", format!("{} (as of {})", facts.source, facts.as_of));
                f.label = Some("contradicts the facts table".into());
                out.findings.push(f);
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CEILING, CLASS_CLAIM, TOXIC};
    use crate::checks::tests::{
        engine, for_generated_texts, gate_is_sound, scanned_words_agree, stretches_find_all, SEPARATORS,
    };

    /// Separators that most often let the parts around them match, stops among them.
    const NEAR: &[&str] = &[" ", " ", "\n", "", ". ", "."];

    #[test]
    fn dose_and_class_regexes_match_only_past_their_gates() {
        assert!(CEILING.regex().is_match("do not exceed 40 mg"));
        assert!(TOXIC.regex().is_match("a lethal dose is 900 milligrams"));
        assert!(CLASS_CLAIM.regex().is_match("it is not an opioid"));
        let lead = &[
            "Do not exceed",
            "up to",
            "no more than",
            "never take more than",
            "maximum daily dose is",
            "a toxic dose of",
            "Lethal amount",
            "x",
        ][..];
        let number = &["5", "1,000", "2.5", "40", "x", ".5", "\u{663}.\u{665}", "1.000.5"][..];
        let unit =
            &["mg", "MG", "Mg", "milligrams", "MILLIGRAMS", "milligram", "mgs", "m g", "\u{17F}", "\u{212A}"][..];
        let tail =
            &["", " toxicity", " is lethal", " can cause an overdose", " fatal", "s", " poi\u{17F}oning", "."][..];
        for gated in [&CEILING, &TOXIC] {
            gate_is_sound(gated, &[lead, SEPARATORS, number, SEPARATORS, unit, tail, SEPARATORS]);
            stretches_find_all(gated, &[lead, NEAR, number, NEAR, unit, tail, SEPARATORS]);
        }
        let verb = &["is", "Are", "isn't", "is not", "are not", "IS", "x"][..];
        let article = &["", "not ", "a ", "an ", "considered a ", "classified as an "][..];
        let class = &[
            "opioid",
            "Benzodiazepine",
            "narcotic",
            "stimulant",
            "\u{17F}timulant",
            "depre\u{17F}\u{17F}ant",
            "antidepressant",
            "muscle relaxant",
            "barbiturate",
            "depression",
            "stimulus",
        ][..];
        let slots = [verb, SEPARATORS, article, class, &["", "s", "x"], SEPARATORS];
        gate_is_sound(&CLASS_CLAIM, &slots);
        let engine = engine();
        for_generated_texts(&slots, |t| scanned_words_agree(&CLASS_CLAIM, &t, &engine.scanner().scan(&t)));
    }
}

//! Disclaimer completeness (D002) and off-label disclosure (D004).

use super::Gated;

use crate::engine::compile::ShortRegex;

use crate::engine::{shown, Analysis, DocOutcome, Finding};
use crate::pack::{Cue, CueSet, Rule};

/// Disclaimer wording: every match says `disclaimer`, `purposes only` or `medical`.
pub(super) static MARKER: Gated = Gated::new(
    &["disclaimer", "purposes only", "medical"],
    r"(?i)\b(?:medical\s+)?disclaimer\b|informational purposes only|educational purposes only|not (?:intended (?:as|to be) )?(?:a substitute for|a replacement for|intended to replace) (?:professional )?medical|(?:does|is) not (?:constitute|replace|provide|intended as) (?:professional )?medical advice|not medical advice",
);

fn not_advice() -> &'static ShortRegex {
    short_regex!(
        r"(?i)not (?:be )?(?:intended (?:as|to be|to replace) )?(?:a substitute|a replacement|medical advice|professional (?:medical )?advice)|(?:does|do|is|are) not (?:constitute|replace|provide|intended as|offer) (?:professional |personal )?(?:medical )?advice|not (?:be )?(?:used|relied on) (?:in place of|as a substitute)|informational purposes only|educational purposes only|not medical advice"
    )
}

fn consult() -> &'static ShortRegex {
    short_regex!(
        r"(?i)\bconsult\b|seek (?:the )?(?:advice|guidance)|advice of (?:your|a) (?:physician|doctor|health)|(?:talk|speak) (?:to|with) (?:your|a) (?:doctor|physician|health ?care|medical|qualified)|qualified (?:health ?care |medical )?(?:provider|professional|clinician)|call (?:your doctor|911)"
    )
}

/// D002: a disclaimer that lacks its "not medical advice" or its "consult a professional" part.
/// Adjacent blocks are joined, so a disclaimer split across lines is read whole.
pub fn incomplete_disclaimer(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let doc = a.doc;
    // One pass over the page for disclaimer wording, then only the blocks that have it.
    let mut blocks: Vec<usize> = MARKER
        .captures_scanned(&doc.text, a.hits)
        .iter()
        .filter_map(|c| c.range(0).and_then(|m| doc.block_at(m.start)))
        .collect();
    blocks.dedup();
    let mut last_checked: Option<usize> = None;
    for i in blocks {
        if last_checked.is_some_and(|l| i <= l + 1) {
            continue;
        }
        last_checked = Some(i);
        let b = &doc.blocks[i];
        let text = doc.slice(&b.span);
        let next = doc.blocks.get(i + 1).map_or("", |n| doc.slice(&n.span));
        let prev = i.checked_sub(1).map_or("", |p| doc.slice(&doc.blocks[p].span));
        let joined = [prev, text, next].join(" ");
        let has_not_advice = not_advice().is_match(&joined);
        let has_consult = consult().is_match(&joined);
        if !(has_not_advice && has_consult) {
            let missing = if has_not_advice {
                "a consult-a-professional clause"
            } else if has_consult {
                "a not-medical-advice clause"
            } else {
                "both of its essential parts"
            };
            let mut f = Finding::new(idx, b.span.clone(), rule.severity).arg("match", shown(text)).arg("text", missing);
            f.label = Some(["this disclaimer lacks ", missing].concat());
            out.findings.push(f);
        }
    }
}

/// D004: a drug presented for an indication the facts table lists as not FDA-approved, with no
/// off-label notice on the page.
pub fn off_label_without_disclosure(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let pack = a.pack;
    let whole = 0..a.doc.text.len();
    if pack.lexicon("off_label_disclosure").is_some_and(|m| a.lexicon_in(&[m], &whole)) {
        return;
    }
    let Some(treat) = pack.lexicon("treatment_use") else {
        return;
    };
    let mut done = Vec::new();
    for (span, d) in &a.drug_mentions {
        if done.contains(d) {
            continue;
        }
        let drug = &pack.drugs[*d];
        let Some(facts) = pack.facts.by_drug.get(&drug.id) else {
            continue;
        };
        let sent = a.sentence_span(span.start);
        if !a.lexicon_in(&[treat], &sent) || a.sentence_cited(&sent) {
            continue;
        }
        let unapproved = facts
            .not_approved_for
            .iter()
            .find(|ind| pack.lexicon(&format!("indication_{ind}")).is_some_and(|m| a.lexicon_in(&[m], &sent)));
        let Some(ind) = unapproved else { continue };
        if a.cues_among(span, CueSet::of(&[Cue::Negated])).has(Cue::Negated) {
            continue;
        }
        done.push(*d);
        let mut f = Finding::new(idx, span.clone(), rule.severity)
            .arg("match", shown(a.text(span)))
            .arg("drug", drug.id.clone())
            .arg("fact", indication_name(ind))
            .arg("source", format!("{} (as of {})", facts.source, facts.as_of));
        f.label = Some(format!("{} is not FDA-approved for {}", drug.id, indication_name(ind)));
        out.findings.push(f);
    }
}

/// Human name of an indication id used in the facts table.
pub(crate) fn indication_name(id: &str) -> &str {
    match id {
        "aud" => "alcohol use disorder",
        "oud" => "opioid use disorder",
        "addiction" => "addiction treatment",
        other => other,
    }
}

/// Compiles the disclaimer marker, which most pages search their wording with (start-up warms it
/// on another core while the pack loads).
pub(super) fn warm() {
    MARKER.regex();
}

/// Compiles the clause regexes, which only a page with disclaimer wording runs: for `text` if the
/// marker finds some in it (markup and all: a superset of the page's text); `None`: now.
pub(super) fn warm_for(text: Option<&str>) {
    if text.is_none_or(|t| MARKER.for_text(t).is_some_and(|re| re.is_match(t))) {
        not_advice();
        consult();
    }
}

#[cfg(test)]
mod tests {
    use super::MARKER;
    use crate::checks::tests::{gate_is_sound, stretches_find_all, SEPARATORS};

    /// The marker's words gate it, and its matches from the scanner's words are its matches.
    #[test]
    fn the_marker_matches_only_past_its_words() {
        let lead = &["", "This is ", "Medical ", "It is not ", "does not ", "IS NOT ", "x"][..];
        let wording = &[
            "disclaimer",
            "DISCLAIMER",
            "medical\ndisclaimer",
            "informational purposes only",
            "Educational Purposes Only",
            "a substitute for medical advice",
            "intended as a replacement for professional medical care",
            "constitute medical advice",
            "medical advice",
            "intended to replace medical",
            "di\u{17F}claimer",
            "medic al",
            "purposes",
        ][..];
        let tail = &["", ".", " here", "s", ", ok", "é"][..];
        gate_is_sound(&MARKER, &[lead, wording, tail, SEPARATORS]);
        stretches_find_all(&MARKER, &[lead, wording, tail, SEPARATORS]);
    }
}

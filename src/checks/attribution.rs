//! Reviewer and author attribution (E004, E005).

use regex::Regex;

use crate::engine::{shown, Analysis, DocOutcome, Finding};
use crate::pack::Rule;

fn reviewed_line() -> &'static Regex {
    regex!(
        r"(?i)^(?:(medically|clinically|fact[- ]checked and|editorially)\s+)?(?:reviewed|verified|fact[- ]checked)\s+by\b\s*:?\s*(.*)$"
    )
}

fn team_only() -> &'static Regex {
    regex!(
        r"(?i)^(?:the\s+|our\s+)?(?:[\w&'’-]+\s+){0,3}(?:team|staff|editors?|editorial( board| staff| team)?|department|board|experts?|professionals)\.?$"
    )
}

/// Credentials: the first group are prescriber/medical credentials.
fn credential() -> &'static Regex {
    regex!(
        r"\b(?:(MD|M\.D\.|DO|D\.O\.|PharmD|Pharm\.D\.|NP|PA-C|RN|APRN|FNP(?:-BC)?|DNP|MBBS|FASAM|DABAM)|(PhD|Ph\.D\.|PsyD|LCSW|LMFT|LPC|LPCC|LMHC|CADC|CAADC|LADC|LCADC|MSW|CAP|MAC|NCC|LCDC))\b|\bDr\.?\s"
    )
}

fn person_line() -> &'static Regex {
    regex!(r"^(?:Dr\.?\s+)?\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}\.)?(?:\s+\p{Lu}[\p{L}'’-]+){1,2}(?:,\s*[A-Za-z.\-]+)*$")
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
        if text.split_whitespace().count() > 14 {
            continue;
        }
        let Some(c) = reviewed_line().captures(text) else {
            continue;
        };
        let rest = c.get(2).map_or("", |m| m.as_str()).trim();
        let named_next = rest.is_empty()
            && doc.blocks.get(i + 1).is_some_and(|n| {
                let t = doc.slice(&n.span);
                person_line().is_match(t) && credential().is_match(t)
            });
        if (rest.is_empty() && !named_next) || team_only().is_match(rest) {
            out.findings.push(Finding::new(idx, b.span.clone(), rule.severity).arg("match", shown(text)));
        }
    }
}

fn author_line() -> &'static Regex {
    regex!(r"(?i)^(?:author|written by|by)\s*:?\s+(.+)$")
}

fn medical_review() -> &'static Regex {
    regex!(r"(?i)\bmedically\s+reviewed\s+by\b\s*:?\s*(.*)$")
}

/// E005: author with no credential and no medical reviewer; "medically reviewed" by a
/// non-prescriber credential.
pub fn author_credentials(a: &Analysis, idx: usize, rule: &Rule, out: &mut DocOutcome) {
    let doc = a.doc;
    let mut medical_reviewer = false;
    for b in &doc.blocks {
        let text = doc.slice(&b.span);
        if text.len() > 240 || !text.as_bytes().windows(8).any(|w| w.eq_ignore_ascii_case(b"reviewed")) {
            continue;
        }
        if text.split_whitespace().count() > 16 {
            continue;
        }
        if let Some(c) = medical_review().captures(text) {
            let who = c.get(1).map_or("", |m| m.as_str());
            match credential().captures(who) {
                Some(cr) if cr.get(1).is_some() || who.contains("Dr") => medical_reviewer = true,
                Some(cr) => {
                    let cred = cr.get(2).map_or("", |m| m.as_str()).to_string();
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
        if text.split_whitespace().count() > 8 {
            continue;
        }
        if let Some(c) = author_line().captures(text) {
            let who = c.get(1).map_or("", |m| m.as_str()).trim();
            if person_line().is_match(who) && !credential().is_match(who) {
                out.findings.push(Finding::new(idx, b.span.clone(), rule.severity).arg("match", shown(text)));
                return;
            }
        }
    }
}

/// Compiles this module's regexes (start-up warms them on another core while the pack loads).
pub(super) fn warm() {
    reviewed_line();
    team_only();
    credential();
    person_line();
    author_line();
    medical_review();
}

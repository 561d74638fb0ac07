//! Inline suppressions, in every format:
//! `<!-- copylint-disable-next-line C001 -->`, `<!-- copylint-disable C001, S -->` ...
//! `<!-- copylint-enable -->`, with an optional reason after `--`. Plain text files may also use
//! a comment line `# copylint-disable-next-line C001 -- reason`. No codes means every rule.
//! A suppression that suppresses nothing is reported (E009); with `require-reason`, one without a
//! reason does not suppress and is reported (E010).

use std::ops::Range;

use crate::cli::selects;
use crate::diagnostic::Diagnostic;
use crate::document::Format;
use crate::source::SourceFile;

/// What a directive does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Suppresses findings on the next non-blank line.
    NextLine,
    /// Suppresses findings until a matching `enable` (or the end of the file).
    Disable,
    /// Ends a `disable`.
    Enable,
}

/// One parsed directive.
#[derive(Debug, Clone)]
pub struct Directive {
    /// What it does.
    pub action: Action,
    /// Selectors (codes, prefixes, names); empty means all rules.
    pub selectors: Vec<String>,
    /// The text after `--`.
    pub reason: Option<String>,
    /// Byte range of the directive in the source.
    pub span: Range<usize>,
}

/// Finds the directives of a file.
pub fn directives(source: &str, format: Format) -> Vec<Directive> {
    // Every directive names the tool: most files have none, and then need no regex at all.
    if memchr::memmem::find(source.as_bytes(), b"copylint-").is_none() {
        return Vec::new();
    }
    let html = regex!(r"<!--\s*copylint-(disable-next-line|disable|enable)\b(.*?)-->");
    let line = regex!(r"(?m)^[ \t]*#[ \t]*copylint-(disable-next-line|disable|enable)\b(.*)$");
    let mut out: Vec<Directive> = Vec::new();
    let mut add = |c: regex::Captures| {
        let (Some(whole), Some(kind)) = (c.get(0), c.get(1)) else { return };
        let rest = c.get(2).map_or("", |m| m.as_str());
        let (codes, reason) = match rest.split_once("--") {
            Some((c, r)) => (c, Some(r.trim().to_string()).filter(|r| !r.is_empty())),
            None => (rest, None),
        };
        let action = match kind.as_str() {
            "disable-next-line" => Action::NextLine,
            "disable" => Action::Disable,
            _ => Action::Enable,
        };
        let selectors =
            codes.split([',', ' ', '\t']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        out.push(Directive { action, selectors, reason, span: whole.start()..whole.end() });
    };
    html.captures_iter(source).for_each(&mut add);
    if format == Format::Text {
        line.captures_iter(source).for_each(&mut add);
    }
    out.sort_by_key(|d| d.span.start);
    out
}

fn covers(selectors: &[String], d: &Diagnostic) -> bool {
    selectors.is_empty() || selectors.iter().any(|s| selects(s, &d.code, &d.name))
}

/// What applying suppressions left over.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Directives that suppressed nothing.
    pub unused: Vec<Directive>,
    /// Directives ignored because they give no reason (with `require-reason`).
    pub unexplained: Vec<Directive>,
}

/// Removes suppressed diagnostics from `diags`.
pub fn apply(src: &SourceFile, format: Format, diags: &mut Vec<Diagnostic>, require_reason: bool) -> Outcome {
    let mut outcome = Outcome::default();
    let all = directives(&src.text, format);
    if all.is_empty() {
        return outcome;
    }
    let (active, unexplained): (Vec<Directive>, Vec<Directive>) =
        all.into_iter().partition(|d| !require_reason || d.reason.is_some() || d.action == Action::Enable);
    outcome.unexplained = unexplained;
    // Each suppressing directive with the byte range it covers.
    let mut regions: Vec<(usize, Range<usize>)> = Vec::new();
    for (i, d) in active.iter().enumerate() {
        match d.action {
            Action::NextLine => {
                let mut line = src.line_index(d.span.end) + 1;
                while line < src.line_starts().len() && src.line_text(line).trim().is_empty() {
                    line += 1;
                }
                let start = src.line_starts().get(line).copied().unwrap_or(src.text.len());
                let end = src.line_starts().get(line + 1).copied().unwrap_or(src.text.len());
                regions.push((i, start..end));
            }
            Action::Disable => {
                let end = active[i + 1..]
                    .iter()
                    .find(|e| {
                        e.action == Action::Enable
                            && (e.selectors.is_empty() || e.selectors.iter().any(|s| d.selectors.contains(s)))
                    })
                    .map_or(src.text.len(), |e| e.span.start);
                regions.push((i, d.span.end..end));
            }
            Action::Enable => {}
        }
    }
    let mut used = vec![false; active.len()];
    let suppressed = |diag: &Diagnostic, at: usize, used: &mut Vec<bool>| -> bool {
        match regions.iter().find(|(i, r)| r.contains(&at) && covers(&active[*i].selectors, diag)) {
            Some((i, _)) => {
                used[*i] = true;
                true
            }
            None => false,
        }
    };
    diags.retain_mut(|diag| {
        // A finding that lists further uses on the page ("also here") loses only the suppressed
        // uses; when its first use is suppressed, the next one becomes the primary span.
        let mut related = std::mem::take(&mut diag.related);
        related.retain(|r| !(r.repeat && suppressed(diag, r.span.start, &mut used)));
        let drop_fix = |fix: &mut Option<crate::diagnostic::Fix>, keep: &[Range<usize>]| {
            if let Some(f) = fix.as_mut() {
                f.edits.retain(|e| keep.iter().any(|k| k.start <= e.span.start && e.span.end <= k.end));
            }
        };
        if suppressed(diag, diag.span.start, &mut used) {
            let Some(pos) = related.iter().position(|r| r.repeat) else {
                return false;
            };
            let next = related.remove(pos);
            diag.span = next.span;
        }
        let mut keep: Vec<Range<usize>> = vec![diag.span.clone()];
        keep.extend(related.iter().filter(|r| r.repeat).map(|r| r.span.clone()));
        drop_fix(&mut diag.fix, &keep);
        if diag.fix.as_ref().is_some_and(|f| f.edits.is_empty()) {
            diag.fix = None;
        }
        diag.related = related;
        true
    });
    outcome.unused =
        active.into_iter().zip(used).filter(|(d, u)| !u && d.action != Action::Enable).map(|(d, _)| d).collect();
    outcome
}

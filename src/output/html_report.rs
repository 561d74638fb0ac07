//! `--format html`: one self-contained report page for writers (no terminal needed): a summary
//! per rule and per page, then each page's copy with every finding highlighted inline (hover for
//! the message) and listed with its help text.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::pack::Severity;
use crate::Report;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:70rem;color:#1d1d1f;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2.5rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:left;font-size:.9rem}
th{background:#f5f5f7}.n{text-align:right}
.copy{white-space:pre-wrap;font-family:Georgia,serif;font-size:1rem;line-height:1.6;background:#fafafa;border:1px solid #e5e5e5;padding:1rem;border-radius:6px}
mark{border-radius:3px;padding:0 1px;cursor:help}
mark.error{background:#ffd6d6;border-bottom:2px solid #d70015}mark.warning{background:#fff1c2;border-bottom:2px solid #b25000}
mark.info{background:#dbeafe;border-bottom:2px solid #0a64d8}
.badge{display:inline-block;font-size:.75rem;font-weight:600;border-radius:4px;padding:0 .35rem;color:#fff}
.badge.error{background:#d70015}.badge.warning{background:#b25000}.badge.info{background:#0a64d8}
ol.findings li{margin:.4rem 0}.help{color:#555;font-size:.9rem}.clean{color:#1a7f37}
";

/// Renders the report.
pub fn html_report(report: &Report) -> String {
    let mut out = String::new();
    let (e, w, i) = super::Totals::of(report).counts;
    let _ = write!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>copylint report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n");
    let _ = writeln!(out, "<h1>copylint report</h1>\n<p>{} page(s): <span class=\"badge error\">{e} error</span> <span class=\"badge warning\">{w} warning</span> <span class=\"badge info\">{i} info</span></p>", report.files.len());
    let mut per_rule: BTreeMap<(&str, &str), (Severity, usize)> = BTreeMap::new();
    for d in report.diagnostics() {
        let entry = per_rule.entry((d.code.as_str(), d.name.as_str())).or_insert((d.severity, 0));
        entry.1 += 1;
        entry.0 = entry.0.max(d.severity);
    }
    out.push_str(
        "<h2>By rule</h2>\n<table><tr><th>Rule</th><th>Name</th><th>Severity</th><th class=\"n\">Findings</th></tr>\n",
    );
    for ((code, name), (sev, n)) in &per_rule {
        let _ = writeln!(out, "<tr><td>{code}</td><td>{name}</td><td><span class=\"badge {c}\">{c}</span></td><td class=\"n\">{n}</td></tr>", c = class(*sev));
    }
    out.push_str("</table>\n<h2>By page</h2>\n<table><tr><th>Page</th><th class=\"n\">Errors</th><th class=\"n\">Warnings</th><th class=\"n\">Info</th></tr>\n");
    for (fi, f) in report.files.iter().enumerate() {
        let count = |s: Severity| f.diagnostics.iter().filter(|d| d.severity == s).count();
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#page-{fi}\">{}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&f.path),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        );
    }
    out.push_str("</table>\n");
    for (fi, f) in report.files.iter().enumerate() {
        let _ = writeln!(out, "<h2 id=\"page-{fi}\">{}</h2>", esc(&f.path));
        if let Some(err) = &f.error {
            let _ = writeln!(out, "<p class=\"badge error\">{}</p>", esc(&err.to_string()));
            continue;
        }
        let Some(src) = &f.source else { continue };
        if f.diagnostics.is_empty() {
            out.push_str("<p class=\"clean\">No findings.</p>\n");
        }
        out.push_str("<div class=\"copy\">");
        out.push_str(&highlighted(&src.text, &f.diagnostics, fi));
        out.push_str("</div>\n<ol class=\"findings\">\n");
        for (di, d) in f.diagnostics.iter().enumerate() {
            let p = src.position(d.span.start);
            let _ = write!(
                out,
                "<li id=\"f-{fi}-{di}\"><span class=\"badge {c}\">{code}</span> line {line}: {msg}",
                c = class(d.severity),
                code = esc(&d.code),
                line = p.line,
                msg = esc(&d.message)
            );
            if let Some(h) = &d.help {
                let _ = write!(out, "<div class=\"help\">{}</div>", esc(h));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The text with `<mark>` around every primary span; overlapping spans are split into segments
/// marked with the highest severity among them.
fn highlighted(text: &str, diags: &[crate::Diagnostic], fi: usize) -> String {
    let mut bounds: Vec<usize> = vec![0, text.len()];
    for d in diags {
        bounds.push(d.span.start.min(text.len()));
        bounds.push(d.span.end.min(text.len()));
    }
    bounds.retain(|b| text.is_char_boundary(*b));
    bounds.sort_unstable();
    bounds.dedup();
    let mut out = String::with_capacity(text.len() * 2);
    for w in bounds.windows(2) {
        let (a, b) = (w[0], w[1]);
        let seg = esc(&text[a..b]);
        let covering: Vec<(usize, &crate::Diagnostic)> = diags
            .iter()
            .enumerate()
            .filter(|(_, d)| d.span.start <= a && b <= d.span.end && d.span.start < d.span.end)
            .collect();
        match covering.iter().map(|(_, d)| d.severity).max() {
            Some(sev) => {
                let title: Vec<String> = covering.iter().map(|(_, d)| format!("{}: {}", d.code, d.message)).collect();
                let first = covering[0].0;
                let _ = write!(
                    out,
                    "<mark class=\"{}\" title=\"{}\" data-finding=\"f-{fi}-{first}\">{seg}</mark>",
                    class(sev),
                    esc(&title.join("\n"))
                );
            }
            None => out.push_str(&seg),
        }
    }
    out
}

//! Renderer-independent diagnostics: byte spans into the original source, everything else text.

use std::ops::Range;

use serde::Serialize;

use crate::pack::Severity;

/// A secondary span, possibly in another file.
#[derive(Debug, Clone, Serialize)]
pub struct Related {
    /// File of the span.
    pub path: String,
    /// Byte range in that file's source.
    pub span: Range<usize>,
    /// What this span shows.
    pub message: String,
    /// Another use of the same problem on the page (a once-per-page finding), as opposed to
    /// context such as the other side of a contradiction. Suppressions remove uses one by one.
    pub repeat: bool,
}

/// One replacement of a byte range.
#[derive(Debug, Clone, Serialize)]
pub struct Edit {
    /// Byte range to replace.
    pub span: Range<usize>,
    /// Replacement text.
    pub replacement: String,
}

/// A safe fix: one or more non-overlapping edits.
#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    /// Edits in source order.
    pub edits: Vec<Edit>,
}

/// One finding, ready for any output format.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// File.
    pub path: String,
    /// Rule code.
    pub code: String,
    /// Rule name.
    pub name: String,
    /// Severity.
    pub severity: Severity,
    /// Message.
    pub message: String,
    /// Label on the primary span.
    pub label: String,
    /// Primary byte range.
    pub span: Range<usize>,
    /// Secondary spans.
    pub related: Vec<Related>,
    /// How to fix it.
    pub help: Option<String>,
    /// Optional safe edit.
    pub fix: Option<Fix>,
    /// Documentation link.
    pub url: String,
}

/// Fills `{name}` placeholders from `args`; unknown ones stay as written.
pub fn render(template: &str, args: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                let key = &after[..j];
                match args.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_known_placeholders() {
        let s = super::render("claim `{match}` about {drug} {nope}", &[("match", "x".into()), ("drug", "y".into())]);
        assert_eq!(s, "claim `x` about y {nope}");
    }
}

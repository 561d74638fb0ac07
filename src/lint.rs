//! One run: load each input, parse, lint (in parallel), then cross-document conflicts.

use std::collections::HashMap;
use std::io::Read;
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{render, Diagnostic, Edit, Fix, Related};
use crate::discover::{decode, Input};
use crate::document::{Document, Format};
use crate::engine::{shown, Engine, Finding};
use crate::source::SourceFile;
use crate::Error;

/// Results for one input.
#[derive(Debug)]
pub struct FileReport {
    /// Path as shown.
    pub path: String,
    /// The decoded source (absent when it could not be read).
    pub source: Option<Arc<SourceFile>>,
    /// Diagnostics sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Why the file could not be linted.
    pub error: Option<Error>,
}

/// Results of a run, files in input order.
#[derive(Debug, Default)]
pub struct Report {
    /// One entry per input.
    pub files: Vec<FileReport>,
    /// Errors not tied to a readable input (missing paths).
    pub errors: Vec<Error>,
}

impl Report {
    /// All diagnostics in output order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|f| f.diagnostics.iter())
    }

    /// The source of a path in this run.
    pub fn source(&self, path: &str) -> Option<&SourceFile> {
        self.files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| f.source.as_deref())
    }

    /// All errors: inputs that could not be linted and paths that could not be read.
    pub fn all_errors(&self) -> impl Iterator<Item = &Error> {
        self.errors
            .iter()
            .chain(self.files.iter().filter_map(|f| f.error.as_ref()))
    }
}

/// Options of a run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Pair assertions across documents.
    pub cross_file: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { cross_file: true }
    }
}

/// An assertion mapped to source coordinates, for the corpus pass.
#[derive(Debug, Clone)]
struct Record {
    rule: usize,
    subject: Option<String>,
    low: bool,
    span: Range<usize>,
    text: String,
    paired: bool,
    value: Option<f64>,
}

/// Lints one source text. Returns diagnostics sorted by position.
pub fn lint_source(engine: &Engine, path: &str, text: &str, format: Format) -> Vec<Diagnostic> {
    lint_one(engine, path, text, format).0
}

fn lint_one(
    engine: &Engine,
    path: &str,
    text: &str,
    format: Format,
) -> (Vec<Diagnostic>, Vec<Record>) {
    let doc = Document::parse(text, format);
    let outcome = engine.lint(&doc);
    let mut diags: Vec<Diagnostic> = outcome
        .findings
        .iter()
        .map(|f| to_diagnostic(engine, &doc, path, f))
        .collect();
    sort(&mut diags);
    let records = outcome
        .assertions
        .into_iter()
        .map(|a| Record {
            rule: a.rule,
            subject: a.subject,
            low: a.low,
            text: shown(doc.slice(&a.span)),
            span: doc.source_span(&a.span),
            paired: a.paired,
            value: a.value,
        })
        .collect();
    (diags, records)
}

fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.code).cmp(&(b.span.start, b.span.end, &b.code))
    });
}

fn to_diagnostic(engine: &Engine, doc: &Document, path: &str, f: &Finding) -> Diagnostic {
    let rule = &engine.pack().rules[f.rule];
    let map = |s: &Range<usize>| {
        if f.in_source {
            s.clone()
        } else {
            doc.source_span(s)
        }
    };
    Diagnostic {
        path: path.to_string(),
        code: rule.code.clone(),
        name: rule.name.clone(),
        severity: f.severity,
        message: render(&rule.message, &f.args),
        label: f.label.clone().unwrap_or_default(),
        span: map(&f.span),
        related: f
            .related
            .iter()
            .map(|(s, m)| Related {
                path: path.to_string(),
                span: doc.source_span(s),
                message: m.clone(),
            })
            .collect(),
        help: rule.help.as_ref().map(|h| render(h, &f.args)),
        fix: (!f.fix.is_empty()).then(|| Fix {
            edits: f
                .fix
                .iter()
                .map(|(s, r)| Edit {
                    span: doc.source_span(s),
                    replacement: r.clone(),
                })
                .collect(),
        }),
        url: rule.url(),
    }
}

fn read(input: &Input) -> Result<String, Error> {
    let mut bytes = Vec::new();
    if input.stdin {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::Io {
                path: input.path.clone(),
                source: e,
            })?;
    } else {
        bytes = std::fs::read(&input.path).map_err(|e| Error::Io {
            path: input.path.clone(),
            source: e,
        })?;
    }
    decode(&input.path, bytes)
}

/// Lints every input (in parallel, output in input order), then pairs assertions across files.
pub fn lint_inputs(engine: &Engine, inputs: &[Input], options: RunOptions) -> Report {
    let results: Vec<(Option<FileReport>, Vec<Record>)> = inputs
        .par_iter()
        .map(|input| {
            let path = input.path.display().to_string();
            match read(input) {
                Ok(text) => {
                    let (diagnostics, records) = lint_one(engine, &path, &text, input.format);
                    let source = Arc::new(SourceFile::new(path.clone(), text));
                    (
                        Some(FileReport {
                            path,
                            source: Some(source),
                            diagnostics,
                            error: None,
                        }),
                        records,
                    )
                }
                Err(Error::Binary { .. }) if !input.explicit => (None, Vec::new()),
                Err(e) => (
                    Some(FileReport {
                        path,
                        source: None,
                        diagnostics: Vec::new(),
                        error: Some(e),
                    }),
                    Vec::new(),
                ),
            }
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut records = Vec::with_capacity(results.len());
    for (report, recs) in results {
        if let Some(r) = report {
            records.push(recs);
            files.push(r);
        }
    }
    if options.cross_file && files.len() > 1 {
        cross_file(engine, &mut files, &records);
    }
    Report {
        files,
        errors: Vec::new(),
    }
}

/// A reassuring assertion that met no contradiction on its own page is checked against the
/// contradicting assertions of the other pages about the same drug.
fn cross_file(engine: &Engine, files: &mut [FileReport], records: &[Vec<Record>]) {
    let mut highs: HashMap<(usize, &str), Vec<(usize, &Record)>> = HashMap::new();
    for (fi, recs) in records.iter().enumerate() {
        for r in recs.iter().filter(|r| !r.low) {
            if let Some(s) = &r.subject {
                highs.entry((r.rule, s.as_str())).or_default().push((fi, r));
            }
        }
    }
    let mut added: Vec<(usize, Diagnostic)> = Vec::new();
    for (fi, recs) in records.iter().enumerate() {
        let mut done = Vec::new();
        for r in recs.iter().filter(|r| r.low && !r.paired) {
            let Some(s) = &r.subject else { continue };
            let partner = highs.get(&(r.rule, s.as_str())).and_then(|hs| {
                hs.iter().find(|(gi, h)| {
                    *gi != fi
                        && match (r.value, h.value) {
                            (Some(low), Some(high)) => high <= low,
                            _ => true,
                        }
                })
            });
            let Some((gi, h)) = partner else { continue };
            if done.contains(&(r.rule, s.clone())) {
                continue;
            }
            done.push((r.rule, s.clone()));
            let rule = &engine.pack().rules[r.rule];
            let label = rule
                .conflict
                .as_ref()
                .map_or_else(|| "contradicted here".to_string(), |c| c.label.clone());
            let topic = rule
                .conflict
                .as_ref()
                .map_or_else(String::new, |c| c.topic.clone());
            let args = [
                ("match", r.text.clone()),
                ("other", h.text.clone()),
                ("drug", s.clone()),
                ("topic", topic),
            ];
            let other_path = files[*gi].path.clone();
            added.push((
                fi,
                Diagnostic {
                    path: files[fi].path.clone(),
                    code: rule.code.clone(),
                    name: rule.name.clone(),
                    severity: rule.severity,
                    message: format!("{} (in {other_path})", render(&rule.message, &args)),
                    label: "the reassuring claim".into(),
                    span: r.span.clone(),
                    related: vec![Related {
                        path: other_path,
                        span: h.span.clone(),
                        message: label,
                    }],
                    help: rule.help.as_ref().map(|x| render(x, &args)),
                    fix: None,
                    url: rule.url(),
                },
            ));
        }
    }
    for (fi, d) in added {
        files[fi].diagnostics.push(d);
    }
    for f in files.iter_mut() {
        sort(&mut f.diagnostics);
    }
}

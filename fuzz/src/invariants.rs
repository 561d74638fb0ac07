//! What every fuzz target asserts, shared by the libFuzzer targets in `fuzz_targets/` and by
//! `tests/fuzz_corpus.rs`, which replays the seed corpus and every saved crash through the same
//! functions on stable Rust (so CI builds and runs the targets without nightly).
//!
//! Invariants: no panic; every span (document blocks and sentences, their source mapping,
//! diagnostics, related spans, fix edits) lies within its text and on UTF-8 character boundaries;
//! output is sorted and deterministic, and the same at both engine scales; the JSON output parses and round-trips; errors name the
//! file and a line/column inside it.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use copylint::config::Config;
use copylint::document::{Document, Format};
use copylint::engine::Scale;
use copylint::{Diagnostic, Engine, Error, Input, Overrides, Pack, Profile, RunOptions};

/// The embedded pack's engine, built once per process.
pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| match Pack::embedded().and_then(Engine::new) {
        Ok(e) => e,
        Err(e) => panic!("the embedded pack must load: {e}"),
    })
}

/// The same engine built for start-up (`Scale::StartUp`: a trigram index of each text instead of
/// the automaton, patterns searched by a backtracker): it must find exactly what the first finds.
pub fn start_up_engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| match Pack::embedded().and_then(|p| Engine::with_scale(p, Scale::StartUp)) {
        Ok(e) => e,
        Err(e) => panic!("the embedded pack must load: {e}"),
    })
}

fn embedded_pack() -> &'static Pack {
    engine().pack()
}

fn assert_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(span.start <= span.end, "{what}: reversed span {span:?}");
    assert!(span.end <= text.len(), "{what}: span {span:?} past the end ({} bytes)", text.len());
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} not on a character boundary"
    );
}

/// Decodes like the CLI does with `--encoding lossy` (BOMs, UTF-16, invalid UTF-8 replaced).
fn decode(data: &[u8]) -> Option<String> {
    match copylint::discover::decode_with(Path::new("fuzz.input"), data.to_vec(), true) {
        Ok(text) => Some(text),
        // Binary (NUL bytes) is the one refusal lossy decoding keeps; it must name the file.
        Err(e) => {
            assert!(e.to_string().contains("fuzz.input"), "{e}");
            None
        }
    }
}

/// Checks a parsed document's structure against its source.
pub fn check_document(source: &str, doc: &Document) {
    let mut last = 0;
    for b in &doc.blocks {
        assert_span(&doc.text, &b.span, "block");
        assert!(b.span.start >= last, "blocks out of order");
        last = b.span.start;
        assert_span(source, &doc.source_span(&b.span), "block source span");
        assert!(b.sentences.end <= doc.sentences.len(), "block sentences out of range");
    }
    let mut last = 0;
    for s in &doc.sentences {
        assert_span(&doc.text, &s.span, "sentence");
        assert!(s.span.start >= last, "sentences out of order");
        last = s.span.start;
        assert!(s.block < doc.blocks.len(), "sentence of no block");
        assert_span(source, &doc.source_span(&s.span), "sentence source span");
    }
    for l in &doc.links {
        assert_span(&doc.text, l, "link");
    }
    for m in [&doc.meta.author, &doc.meta.reviewer].into_iter().flatten() {
        assert_span(source, &m.source_span, "metadata");
    }
}

/// Checks diagnostics of one file: spans valid, sorted by position.
pub fn check_diagnostics(source: &str, diags: &[Diagnostic]) {
    let mut last = (0, 0);
    for d in diags {
        assert_span(source, &d.span, &d.code);
        assert!((d.span.start, d.span.end) >= last, "{}: diagnostics not sorted", d.code);
        last = (d.span.start, d.span.end);
        for r in d.related.iter().filter(|r| r.path == d.path) {
            assert_span(source, &r.span, "related span");
        }
        for e in d.fix.iter().flat_map(|f| &f.edits) {
            assert_span(source, &e.span, "fix edit");
        }
        assert!(!d.message.is_empty() && !d.code.is_empty());
    }
}

fn same(a: &[Diagnostic], b: &[Diagnostic]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.code == y.code && x.span == y.span && x.message == y.message)
}

/// Target `text`, `markdown`, `html`: one adapter, then the engine on its output.
pub fn parser(data: &[u8], format: Format) {
    let Some(source) = decode(data) else { return };
    let doc = Document::parse(&source, format);
    check_document(&source, &doc);
    let a = copylint::lint_source(engine(), "fuzz.input", &source, format);
    check_diagnostics(&source, &a);
    let b = copylint::lint_source(engine(), "fuzz.input", &source, format);
    assert!(same(&a, &b), "linting is not deterministic");
    let c = copylint::lint_source(start_up_engine(), "fuzz.input", &source, format);
    assert!(same(&a, &c), "the start-up scale finds otherwise than the throughput scale");
}

/// Target `pipeline`: the first byte picks the format, byte 0x1E splits the rest into up to three
/// files (so cross-file pairing runs); the report is rendered as JSON, which must parse, round-trip
/// and agree with the report, twice in a row.
pub fn pipeline(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let ext = ["txt", "md", "html"][usize::from(first % 3)];
    let inputs: Vec<Input> = rest
        .split(|&b| b == 0x1E)
        .take(3)
        .enumerate()
        .map(|(i, part)| {
            let text = String::from_utf8_lossy(part).into_owned();
            Input::in_memory(PathBuf::from(format!("page{i}.{ext}")), Arc::new(text))
        })
        .collect();
    let run = || {
        let report = copylint::lint_inputs(engine(), &inputs, RunOptions::default());
        let json = copylint::output::json(&report);
        (report, json)
    };
    let (report, json) = run();
    let (_, again) = run();
    assert_eq!(json, again, "JSON output is not deterministic");
    let value: serde_json::Value = match serde_json::from_str(&json) {
        Ok(v) => v,
        Err(e) => panic!("JSON output does not parse: {e}"),
    };
    let reparsed: serde_json::Value = serde_json::from_str(&value.to_string()).unwrap_or_default();
    assert_eq!(value, reparsed, "JSON does not round-trip");
    let mut paths = Vec::new();
    for f in &report.files {
        paths.push(f.path.clone());
        if let Some(src) = &f.source {
            check_diagnostics(&src.text, &f.diagnostics);
            for d in &f.diagnostics {
                for r in &d.related {
                    let other = report.source(&r.path).map(|s| s.text.as_str());
                    assert_span(other.unwrap_or(""), &r.span, "related span in another file");
                }
            }
        }
    }
    assert!(paths.windows(2).all(|w| w[0] <= w[1]), "files not in path order: {paths:?}");
    let listed = value["diagnostics"].as_array().map_or(0, Vec::len);
    assert_eq!(listed, report.diagnostics().count(), "JSON lists another number of diagnostics");
    for d in value["diagnostics"].as_array().into_iter().flatten() {
        let path = d["path"].as_str().unwrap_or_default();
        let len = report.source(path).map_or(0, |s| s.text.len()) as u64;
        let (start, end) = (d["span"]["start"]["offset"].as_u64(), d["span"]["end"]["offset"].as_u64());
        assert!(start <= end && end.unwrap_or(0) <= len, "JSON span outside {path}");
        assert!(d["span"]["start"]["line"].as_u64().unwrap_or(0) >= 1, "JSON line is not 1-based");
    }
}

fn assert_located(e: &Error, file: &str, text: &str) {
    let lines = text.split(['\n', '\r']).count().max(1);
    match e {
        Error::RuleFile { file: f, line, column, message } | Error::Config { file: f, line, column, message } => {
            if f == file {
                assert!(*line >= 1 && *line <= lines + 1, "{e}: line outside the file ({lines} lines)");
                assert!(*column >= 1, "{e}: column is not 1-based");
            }
            assert!(!message.is_empty(), "error without a message");
        }
        other => assert!(!other.to_string().is_empty(), "error without a message"),
    }
}

/// Target `rule_file`: the bytes as a user rule file loaded beside the embedded pack. A broken
/// file is an error naming it and a place inside it; a good one must build an engine (a regex
/// over the size limit is an error, not a hang) whose findings keep the invariants.
pub fn rule_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    const FILE: &str = "user/rules/fuzz.toml";
    let mut files: Vec<(String, String)> =
        Pack::embedded_files().iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    files.push((FILE.to_string(), text.to_string()));
    match Pack::from_files(files).and_then(Engine::new) {
        Err(e) => assert_located(&e, FILE, text),
        Ok(engine) => {
            let page =
                "Studies show baclofen cures addiction. It is not addictive.\n\nWithdrawal can cause seizures.\n";
            check_diagnostics(page, &copylint::lint_source(&engine, "p.txt", page, Format::Text));
        }
    }
}

/// Target `config`: the bytes as a copylint.toml. Errors name the file and a place in it; a valid
/// configuration (without extra rule packs, which would read the disk) builds a profile that lints.
pub fn config_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    const FILE: &str = "site/copylint.toml";
    match Config::parse(Path::new(FILE), text, embedded_pack()) {
        Err(e) => assert_located(&e, FILE, text),
        Ok(config) if config.rule_packs.is_empty() => match Profile::build(config, &Overrides::default()) {
            Err(e) => assert_located(&e, FILE, text),
            Ok(profile) => {
                let page = "We help addicts. Studies show our program works.\n";
                check_diagnostics(page, &profile.lint_source("site/p.txt", page, Format::Text));
            }
        },
        Ok(_) => {}
    }
}

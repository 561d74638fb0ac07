//! Where the time goes, in process: parse, scan (automaton + gated patterns), and everything after the
//! scan (analysis, the cue layer, rule kinds, assertions). Corpus: every page under fixtures/,
//! linted ROUNDS times (warm). Run: `cargo run --release --example stage_costs [ROUNDS]`.

use std::time::{Duration, Instant};

use copylint::document::{Document, Format};
use copylint::{discover, Engine, Pack};

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let t = Instant::now();
    let engine = Engine::new(Pack::embedded().expect("embedded pack")).expect("engine");
    let build = t.elapsed();
    let (inputs, _) = discover(&["fixtures".into()], None);
    let pages: Vec<(String, Format)> =
        inputs.iter().map(|i| (std::fs::read_to_string(&i.path).expect("read fixture"), i.format)).collect();
    let bytes: usize = pages.iter().map(|(t, _)| t.len()).sum();
    // Warm up lazy DFAs and lazily compiled regexes.
    for (text, f) in &pages {
        engine.lint(&Document::parse(text, *f));
    }
    let (mut parse, mut scan, mut full) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut scan_in_lint, mut rest_in_lint) = (Duration::ZERO, Duration::ZERO);
    let mut findings = 0;
    for _ in 0..rounds {
        for (text, f) in &pages {
            let t = Instant::now();
            let doc = Document::parse(text, *f);
            parse += t.elapsed();
            let t = Instant::now();
            let hits = engine.scanner().scan(&doc.text);
            scan += t.elapsed();
            drop(hits);
            let t = Instant::now();
            let (outcome, in_scan, in_rest) = engine.lint_timed(&doc);
            full += t.elapsed();
            findings += outcome.findings.len();
            scan_in_lint += in_scan;
            rest_in_lint += in_rest;
        }
    }
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "engine build: {build:?} ({} phrases, {} patterns, {} without gating literals)",
        engine.scanner().phrase_count(),
        engine.scanner().pattern_count(),
        engine.scanner().ungated_count()
    );
    for p in engine.scanner().ungated_patterns() {
        println!("  runs on every line: {p}");
    }
    println!("corpus: {} pages, {bytes} bytes, x{rounds} rounds = {mb:.1} MB, {findings} findings", pages.len());
    println!("parse:         {parse:?} ({:.1} MB/s)", mb / parse.as_secs_f64());
    println!("scan:          {scan:?} ({:.1} MB/s)", mb / scan.as_secs_f64());
    println!("lint (scan + analysis + cues + rules): {full:?} ({:.1} MB/s)", mb / full.as_secs_f64());
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let subset: Vec<&(String, Format)> = pages.iter().filter(|(_, f)| *f == format).collect();
        let n: usize = subset.iter().map(|(t, _)| t.len()).sum();
        let t = Instant::now();
        for _ in 0..rounds {
            for (text, f) in &subset {
                std::hint::black_box(engine.lint(&Document::parse(text, *f)));
            }
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "  {format:?}: {} pages, {:.1} MB/s (parse + lint, one thread)",
            subset.len(),
            (n * rounds) as f64 / 1e6 / secs
        );
    }
    // An editor re-lints the open page after each change: a ~50 KB Markdown page, warm engine.
    let mut page = String::new();
    'fill: loop {
        for (text, f) in &pages {
            if page.len() >= 50_000 {
                break 'fill;
            }
            if *f == Format::Markdown || *f == Format::Text {
                page.push_str(text);
                page.push_str("\n\n");
            }
        }
    }
    let mut best = Duration::MAX;
    for _ in 0..20 {
        let t = Instant::now();
        std::hint::black_box(copylint::lint_source(&engine, "page.md", &page, Format::Markdown));
        best = best.min(t.elapsed());
    }
    println!("re-lint of a {} KB page (editor change, best of 20): {best:?}", page.len() / 1000);
    println!(
        "after the scan (analysis, cue layer, rule kinds, assertions), timed inside each lint call: {rest_in_lint:?} = {:.0}% of parse + lint (scan inside lint: {scan_in_lint:?})",
        100.0 * rest_in_lint.as_secs_f64() / (parse + scan_in_lint + rest_in_lint).as_secs_f64()
    );
}

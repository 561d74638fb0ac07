//! Prints how long each start-up phase takes: `cargo run --release --example phase_timing [FILE]`.
use std::time::Instant;

fn main() {
    let t = Instant::now();
    let pack = copylint::Pack::embedded().expect("pack");
    let t_pack = t.elapsed();
    let t2 = Instant::now();
    let scanner = copylint::engine::Scanner::new(&pack).expect("scanner");
    let t_scan = t2.elapsed();
    let t3 = Instant::now();
    let engine = copylint::Engine::new(pack).expect("engine");
    let t_engine = t3.elapsed();
    let text = std::env::args()
        .nth(1)
        .map(|p| std::fs::read_to_string(p).expect("read"))
        .unwrap_or_default();
    let t4 = Instant::now();
    let d = copylint::lint_source(&engine, "x", &text, copylint::document::Format::Text);
    let t_lint = t4.elapsed();
    let t6 = Instant::now();
    let doc = copylint::document::Document::parse(&text, copylint::document::Format::Text);
    let t_parse = t6.elapsed();
    let t7 = Instant::now();
    let _hits = scanner.scan(&doc.text);
    println!(
        "parse {t_parse:?} scan {:?} profile {:?}",
        t7.elapsed(),
        scanner.profile(&doc.text)
    );
    let t5 = Instant::now();
    let _ = copylint::lint_source(&engine, "x", &text, copylint::document::Format::Text);
    let t_lint2 = t5.elapsed();
    println!(
        "pack {t_pack:?}  scanner {t_scan:?} ({} phrases, {} patterns)  engine {t_engine:?}  lint {t_lint:?} ({} diags)  second lint {t_lint2:?}",
        scanner.phrase_count(),
        scanner.pattern_count(),
        d.len()
    );
}

#[allow(dead_code)]
fn unused() {}

//! Fixture pages with expected diagnostics. Each directory under fixtures/ is linted as one run
//! (so cross-file conflicts count); every page's findings must equal its `<page>.expected` file,
//! one `LINE:COLUMN CODE` per line. A finding that appears, disappears or moves fails the test.
//! `UPDATE_EXPECT=1 cargo test --test fixtures` rewrites the files; review the diff before
//! committing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codespan_reporting::term::termcolor::Buffer;
use copylint::{discover, lint_inputs, Engine, Pack, Report, RunOptions};

fn engine() -> Engine {
    Engine::new(Pack::embedded().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"))
}

fn run_dir(engine: &Engine, dir: &Path) -> Report {
    let (inputs, errors) = discover(&[dir.to_path_buf()], None);
    assert!(errors.is_empty(), "{errors:?}");
    lint_inputs(engine, &inputs, RunOptions::default())
}

fn expected_path(page: &str) -> PathBuf {
    PathBuf::from(format!("{page}.expected"))
}

#[test]
fn fixture_pages_match_their_expected_diagnostics() {
    let engine = engine();
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("fixtures")
        .unwrap_or_else(|e| panic!("fixtures/: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let mut pages = 0;
    for dir in dirs {
        let report = run_dir(&engine, &dir);
        for f in &report.files {
            pages += 1;
            let src = f.source.as_ref().unwrap_or_else(|| panic!("{}: {:?}", f.path, f.error));
            let got: Vec<String> = f
                .diagnostics
                .iter()
                .map(|d| {
                    let p = src.position(d.span.start);
                    format!("{}:{} {}", p.line, p.column, d.code)
                })
                .collect();
            let want_path = expected_path(&f.path);
            if update {
                let body = if got.is_empty() { String::new() } else { got.join("\n") + "\n" };
                std::fs::write(&want_path, body).unwrap_or_else(|e| panic!("{e}"));
                continue;
            }
            let want_text = std::fs::read_to_string(&want_path).unwrap_or_default();
            let want: Vec<String> = want_text.lines().map(str::to_string).filter(|l| !l.trim().is_empty()).collect();
            if got != want {
                let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
                let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
                failures.push(format!("{}: missing {missing:?}, unexpected {extra:?}", f.path));
            }
        }
    }
    assert!(pages >= 10, "expected at least 10 fixture pages, found {pages}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Pages that are not about medications or treatment claims get no D, C or S findings.
#[test]
fn non_medical_pages_get_no_d_c_s_findings() {
    let engine = engine();
    let report = run_dir(&engine, Path::new("fixtures/pages"));
    let mut by_page: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in &report.files {
        by_page.insert(&f.path, f.diagnostics.iter().map(|d| d.code.as_str()).collect());
    }
    for page in ["fixtures/pages/careers.md", "fixtures/pages/amenities.md"] {
        let codes = by_page.get(page).unwrap_or_else(|| panic!("{page} not linted"));
        assert!(!codes.iter().any(|c| c.starts_with(['D', 'C', 'S'])), "{page}: {codes:?}");
    }
}

/// Every output format of one crafted page, compared with stored snapshots.
/// `UPDATE_EXPECT=1` rewrites them.
#[test]
fn output_format_snapshots() {
    let engine = engine();
    let (inputs, _) = discover(&[PathBuf::from("fixtures/pages/gabapentin-faq.md")], None);
    let report = lint_inputs(&engine, &inputs, RunOptions::default());
    let mut buf = Buffer::no_color();
    copylint::output::human(&report, &mut buf).unwrap_or_else(|e| panic!("{e}"));
    let outputs = [
        ("human.txt", String::from_utf8_lossy(buf.as_slice()).into_owned()),
        ("concise.txt", copylint::output::concise(&report)),
        ("github.txt", copylint::output::github(&report)),
        ("json", copylint::output::json(&report)),
        ("sarif", copylint::output::sarif(&report, engine.pack())),
        ("html", copylint::output::html_report(&report)),
    ];
    let mut changed = Vec::new();
    for (ext, got) in outputs {
        let snap = PathBuf::from(format!("tests/snapshots/gabapentin-faq.{ext}"));
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::create_dir_all("tests/snapshots").unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&snap, &got).unwrap_or_else(|e| panic!("{e}"));
            continue;
        }
        let want = std::fs::read_to_string(&snap).unwrap_or_else(|e| panic!("{}: {e}", snap.display()));
        if got != want {
            changed.push(snap.display().to_string());
        }
    }
    assert!(changed.is_empty(), "output changed: {changed:?}; rerun with UPDATE_EXPECT=1 and review the diff");
}

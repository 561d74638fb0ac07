//! The fuzz targets (fuzz/fuzz_targets, run with `cargo fuzz` for hours) replayed on stable Rust
//! over their seed corpus and every saved crash (fuzz/regressions/<target>/), through the same
//! invariant functions: so CI builds and runs the targets' logic without nightly or libFuzzer.

#[path = "../fuzz/src/invariants.rs"]
mod invariants;

use std::path::{Path, PathBuf};

use copylint::document::Format;

fn files(dir: &str, ext: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .build()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| ext.iter().any(|x| e == *x)))
        .collect();
    out.sort();
    out
}

fn regressions(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    out.sort();
    out
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn parser_targets_over_fixtures_and_regressions() {
    for (target, ext, format) in
        [("text", "txt", Format::Text), ("markdown", "md", Format::Markdown), ("html", "html", Format::Html)]
    {
        let inputs = [files("fixtures", &[ext]), regressions(target)].concat();
        assert!(!inputs.is_empty(), "{target}: no seeds");
        for p in inputs {
            let data = read(&p);
            invariants::parser(&data, format);
            // Truncations exercise unterminated constructs (open tags, fences, entities).
            for cut in [data.len() / 3, data.len() / 2, data.len().saturating_sub(7)] {
                invariants::parser(&data[..cut], format);
            }
        }
    }
}

#[test]
fn pipeline_target_over_fixtures_and_regressions() {
    for p in files("fixtures", &["txt", "md", "html"]) {
        let byte = match p.extension().and_then(|e| e.to_str()) {
            Some("txt") => 0u8,
            Some("md") => 1,
            _ => 2,
        };
        let mut data = vec![byte];
        data.extend(read(&p));
        invariants::pipeline(&data);
    }
    let mut cross = vec![1u8];
    cross.extend(read(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cross-file/kratom-a.md"))));
    cross.push(0x1E);
    cross.extend(read(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/cross-file/kratom-b.md"))));
    invariants::pipeline(&cross);
    for p in regressions("pipeline") {
        invariants::pipeline(&read(&p));
    }
}

#[test]
fn rule_file_target_over_the_pack_and_regressions() {
    let mut n = 0;
    for p in files("rules", &["toml"]) {
        if p.components().any(|c| c.as_os_str() == "lexicons" || c.as_os_str() == "facts") {
            continue;
        }
        // The pack's own rules under user codes, as fuzz/seed.sh seeds them.
        let text = String::from_utf8_lossy(&read(&p))
            .lines()
            .map(|l| match l.strip_prefix("code = \"") {
                Some(rest) => format!("code = \"U{}", rest.trim_start_matches(|c: char| c.is_ascii_alphabetic())),
                None => match l.strip_prefix("name = \"") {
                    Some(rest) => format!("name = \"user-{rest}"),
                    None => l.to_string(),
                },
            })
            .collect::<Vec<_>>()
            .join("\n");
        invariants::rule_file(text.as_bytes());
        invariants::rule_file(&text.as_bytes()[..text.len() / 2]);
        n += 1;
    }
    assert!(n >= 50);
    for p in regressions("rule_file") {
        invariants::rule_file(&read(&p));
    }
}

#[test]
fn config_target_over_seeds_and_regressions() {
    let seeds = [files("fuzz/seeds/config", &["toml"]), regressions("config")].concat();
    assert!(seeds.len() >= 3);
    for p in seeds {
        invariants::config_file(&read(&p));
    }
    invariants::config_file(copylint::config::Config::starter().as_bytes());
}

/// Found by the `config` target: a control character inside a TOML comment gave an error with
/// an empty message ("file:4:41: ").
#[test]
fn control_character_in_configuration_is_named() {
    let pack = copylint::Pack::embedded().unwrap_or_else(|e| panic!("{e}"));
    let err = copylint::config::Config::parse(Path::new("site/copylint.toml"), "# a\n# b \u{5} c\n", &pack)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(err, "site/copylint.toml:2:5: invalid character U+0005 (control characters are not allowed in TOML)");
}

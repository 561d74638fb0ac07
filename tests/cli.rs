//! The command line as users and CI run it: exit codes, inputs, formats, errors.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_copylint"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap_or_else(|e| panic!("cannot run copylint: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
    }
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
    p.display().to_string()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", stdout(o)))
}

const DIRTY: &str = "Studies show our program cures addiction for good.\n\nRecovery starts with treatment.\n";
const CLEAN: &str = "Our team is here for you and your family.\n";

#[test]
fn exit_codes_follow_the_fail_level() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let clean = write(dir.path(), "clean.txt", CLEAN.as_bytes());
    let dirty = write(dir.path(), "dirty.txt", DIRTY.as_bytes());
    assert_eq!(run(&["check", &clean]).status.code(), Some(0));
    assert_eq!(run(&["check", &dirty]).status.code(), Some(1));
    // Only an info finding: fails at --fail-on info, passes at the default (warning).
    let info = write(dir.path(), "info.txt", b"Our program treats substance abuse.\n");
    assert_eq!(run(&["check", &info]).status.code(), Some(0));
    assert_eq!(run(&["check", "--fail-on", "info", &info]).status.code(), Some(1));
    assert_eq!(run(&["check", "--fail-on", "error", &info]).status.code(), Some(0));
}

#[test]
fn usage_and_io_errors_exit_2_and_name_the_path() {
    let o = run(&["check", "does/not/exist.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("does/not/exist.md") || stderr(&o).contains("does/not/exist.md"));
    let o = run(&["check", "--select", "Z999", "fixtures/seeds"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Z999"));
    assert_eq!(run(&["check", "--format", "yaml"]).status.code(), Some(2));
    assert_eq!(run(&["explain", "NOPE"]).status.code(), Some(2));
}

#[test]
fn an_undecodable_file_is_reported_and_the_others_are_still_linted() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bad = write(dir.path(), "bad.txt", b"Good start \xff\xfe broken\n");
    let dirty = write(dir.path(), "dirty.txt", DIRTY.as_bytes());
    let o = run(&["check", "--format", "json", &bad, &dirty]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    let errors = v["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errors.iter().any(|e| e["message"].as_str().is_some_and(|m| m.contains("bad.txt") && m.contains("byte 11"))),
        "{errors:?}"
    );
    let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
    assert!(diags.iter().any(|d| d["path"].as_str().is_some_and(|p| p.ends_with("dirty.txt"))));
}

#[test]
fn stdin_is_linted_under_its_given_name() {
    let mut child = bin()
        .args(["check", "--format", "json", "--stdin-filename", "page.md", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    child.stdin.take().map(|mut s| s.write_all(DIRTY.as_bytes()));
    let o = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["diagnostics"][0]["path"], "page.md");
}

#[test]
fn json_output_has_the_documented_shape_and_utf16_columns() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // ’ is one scalar and one UTF-16 unit; 😀 is one scalar and two UTF-16 units.
    let f = write(
        dir.path(),
        "p.txt",
        "It’s 😀 true: studies show detox cures addiction for good. Recovery starts with treatment.\n".as_bytes(),
    );
    let o = run(&["check", "--format", "json", &f]);
    let v = json(&o);
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "copylint");
    let d =
        v["diagnostics"].as_array().and_then(|a| a.iter().find(|d| d["code"] == "C001").cloned()).unwrap_or_default();
    for key in ["path", "code", "name", "severity", "message", "span", "related", "help", "fix", "url"] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    let start = &d["span"]["start"];
    let text = "It’s 😀 true: ";
    assert_eq!(start["offset"], text.len());
    assert_eq!(start["line"], 1);
    assert_eq!(start["column"], text.chars().count() + 1);
    assert_eq!(start["utf16_column"], text.encode_utf16().count() + 1);
    assert_eq!(d["span"]["end"]["column"], text.chars().count() + 1 + "studies show".len());
    assert_eq!(v["summary"]["files"], 1);
    assert!(v["summary"]["diagnostics"].as_u64().is_some_and(|n| n >= 2));
}

#[test]
fn output_is_sorted_and_deterministic() {
    let a = stdout(&run(&["check", "--format", "json", "fixtures/seeds"]));
    let b = stdout(&run(&["check", "--format", "json", "fixtures/seeds"]));
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_str(&a).unwrap_or_default();
    // Per file in path order, then the findings that pair two pages (known only at the end).
    let keys: Vec<(bool, String, u64)> = v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    let path = d["path"].as_str().unwrap_or("");
                    let cross = d["related"].as_array().is_some_and(|r| r.iter().any(|r| r["path"] != path));
                    (cross, path.to_string(), d["span"]["start"]["offset"].as_u64().unwrap_or(0))
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(keys.len() > 20);
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn select_and_ignore_take_codes_prefixes_and_names() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let f = write(dir.path(), "p.txt", DIRTY.as_bytes());
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.push(&f);
        json(&run(&all))["diagnostics"]
            .as_array()
            .map(|a| a.iter().filter_map(|d| d["code"].as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    assert!(codes(&[]).contains(&"C001".to_string()));
    assert!(codes(&[]).contains(&"M001".to_string()));
    assert_eq!(codes(&["--select", "C"]), vec!["C001"]);
    assert_eq!(codes(&["--select", "guarantee-or-cure-claim"]), vec!["M001"]);
    assert!(!codes(&["--ignore", "C0,M"]).iter().any(|c| c.starts_with('C') || c.starts_with('M')));
}

#[test]
fn a_malformed_rule_file_is_an_error_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rule = "code = \"C901\"\nname = \"my-rule\"\nkind = \"phrase\"\nseverity = \"warning\"\nsummary = \"s\"\nmessage = \"m\"\n[trigger]\npatterns = ['(unclosed']\n[docs]\nwhat = \"w\"\nwhy = \"y\"\nauthority = \"a\"\nexample = \"e\"\nfix = \"f\"\n";
    let path = write(dir.path(), "rules/C901-my-rule.toml", rule.as_bytes());
    let o = run(&["check", "--rules", &path, "fixtures/seeds"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("C901-my-rule.toml:8:13"), "{err}");
    assert!(err.contains("invalid regex"), "{err}");
    let bad_toml = write(dir.path(), "rules/C902-x.toml", b"code = \"C902\"\nname = = 3\n");
    let o = run(&["check", "--rules", &bad_toml, "fixtures/seeds"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("C902-x.toml:2:"), "{}", stderr(&o));
}

#[test]
fn a_user_rule_file_extends_the_pack() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let rule = "code = \"M901\"\nname = \"spa-language\"\nkind = \"phrase\"\nseverity = \"warning\"\nsummary = \"Spa words.\"\nmessage = \"spa word `{match}`\"\n[trigger]\nphrases = [\"luxury spa\"]\n[docs]\nwhat = \"w\"\nwhy = \"y\"\nauthority = \"editorial\"\nexample = \"e\"\nfix = \"f\"\n";
    let path = write(dir.path(), "M901-spa-language.toml", rule.as_bytes());
    let page = write(dir.path(), "page.txt", b"Relax at our luxury spa.\n");
    let o = run(&["check", "--format", "json", "--rules", &path, &page]);
    assert_eq!(json(&o)["diagnostics"][0]["code"], "M901");
}

#[test]
fn walking_respects_gitignore_and_skips_unknown_and_binary_files() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(dir.path(), ".gitignore", b"ignored/\n");
    write(dir.path(), "ignored/page.md", DIRTY.as_bytes());
    write(dir.path(), "site/page.md", DIRTY.as_bytes());
    write(dir.path(), "site/data.json", DIRTY.as_bytes());
    write(dir.path(), "site/blob.txt", b"binary\x00data");
    let o = run(&["check", "--format", "json", &dir.path().display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["summary"]["files"], 1, "{v}");
    // Named explicitly, an unknown extension is linted as text and a binary file is an error.
    let json_file = dir.path().join("site/data.json").display().to_string();
    assert_eq!(run(&["check", &json_file]).status.code(), Some(1));
    let blob = dir.path().join("site/blob.txt").display().to_string();
    let o = run(&["check", &blob]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("binary"));
}

#[test]
fn rules_and_explain_come_from_the_declarations() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let table = stdout(&o);
    assert!(table.contains("C001  uncited-evidence-claim"));
    let declared = std::fs::read_dir("rules")
        .map(|dirs| {
            dirs.flatten()
                .filter(|d| !matches!(d.file_name().to_str(), Some("lexicons" | "facts")))
                .filter_map(|d| std::fs::read_dir(d.path()).ok())
                .map(|files| files.flatten().filter(|f| f.path().extension().is_some_and(|e| e == "toml")).count())
                .sum::<usize>()
        })
        .unwrap_or(0);
    assert!(declared >= 52, "{declared}");
    assert!(table.contains(&format!("{declared} rules")), "{table}");
    let by_code = stdout(&run(&["explain", "c001"]));
    let by_name = stdout(&run(&["explain", "uncited-evidence-claim"]));
    assert_eq!(by_code, by_name);
    for section in ["## What it does", "## Why it matters", "Authority:", "## Example", "## How to fix"] {
        assert!(by_code.contains(section), "missing {section}");
    }
}

#[test]
fn a_closed_pipe_is_not_a_crash() {
    let mut child = bin()
        .args(["check", "--color", "never", "fixtures/seeds"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    drop(child.stdout.take()); // like `| head -0`
    let o = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn human_output_has_rustc_shape_and_no_color_when_piped() {
    let o = run(&["check", "fixtures/seeds/000_a9387f0dbda18cbe.txt"]);
    let out = stdout(&o);
    assert!(out.contains("error[D001]: this page discusses"));
    assert!(out.contains("┌─ fixtures/seeds/000_a9387f0dbda18cbe.txt:1:1"));
    assert!(out.contains("= help:"));
    assert!(!out.contains('\u{1b}'), "colors must be off when stdout is not a terminal");
    let colored = stdout(&run(&["check", "--color", "always", "fixtures/seeds/000_a9387f0dbda18cbe.txt"]));
    assert!(colored.contains('\u{1b}'));
}

#[test]
fn cross_file_conflicts_are_on_by_default_and_can_be_turned_off() {
    let codes = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        args.push("fixtures/cross-file");
        json(&run(&args))["diagnostics"]
            .as_array()
            .map(|a| a.iter().filter_map(|d| d["code"].as_str().map(String::from)).collect())
            .unwrap_or_default()
    };
    assert_eq!(codes(&[]), vec!["X001"]);
    assert!(codes(&["--no-cross-file"]).is_empty());
    let v = json(&run(&["check", "--format", "json", "fixtures/cross-file"]));
    let related = &v["diagnostics"][0]["related"][0];
    assert!(related["path"].as_str().is_some_and(|p| p.ends_with("kratom-b.md")), "{related}");
    assert_eq!(related["span"]["start"]["line"], 3);
}

#[test]
fn a_user_facts_file_overrides_the_table_for_the_drugs_it_names() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let page = write(
        dir.path(),
        "page.txt",
        b"Baclofen remains a controlled medication. Baclofen withdrawal can be serious.\n",
    );
    let facts = "as_of = \"2026-01-01\"\nsource = \"our counsel\"\n[[fact]]\ndrug = \"baclofen\"\nschedule = \"V\"\nsource = \"hypothetical state rule\"\n";
    let facts_path = write(dir.path(), "facts/override.toml", facts.as_bytes());
    let x008 = |extra: &[&str]| -> usize {
        let mut args = vec!["check", "--format", "json", "--select", "X008"];
        args.extend_from_slice(extra);
        args.push(&page);
        json(&run(&args))["diagnostics"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(x008(&[]), 1, "the embedded table says baclofen is not controlled");
    assert_eq!(x008(&["--rules", &facts_path]), 0, "the override says it is");
}

/// Streamed output (windows of files written as they are linted, cross-file findings at the end)
/// is the same text as the whole report held in memory (`--statistics` forces that mode and only
/// appends its table), over more files than one window, with a cross-file pair across windows, an
/// unreadable file and a baseline.
#[test]
fn streamed_output_is_the_whole_report_output() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pages: Vec<(String, String)> = ["fixtures/seeds", "fixtures/pages", "fixtures/cross-file"]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "md" || x == "html"))
        .filter_map(|p| Some((p.extension()?.to_str()?.to_string(), std::fs::read_to_string(&p).ok()?)))
        .collect();
    assert!(pages.len() > 10);
    let mut n = 0;
    while n < 150 {
        for (ext, text) in &pages {
            write(dir.path(), &format!("p{n:03}.{ext}"), text.as_bytes());
            n += 1;
        }
    }
    // The two pages of the cross-file pair, far apart in path order (different windows).
    let kratom = |f: &str| std::fs::read_to_string(format!("fixtures/cross-file/{f}")).unwrap_or_default();
    write(dir.path(), "a-kratom.md", kratom("kratom-a.md").as_bytes());
    write(dir.path(), "z-kratom.md", kratom("kratom-b.md").as_bytes());
    write(dir.path(), "broken.txt", b"Studies show \xff\xfe it works.\n");
    let root = dir.path().to_string_lossy().to_string();
    let base = dir.path().join("baseline.json").to_string_lossy().to_string();
    let first = dir.path().join("p000.txt").to_string_lossy().to_string();
    run(&["check", "--write-baseline", &base, &first]);
    for format in ["json", "sarif", "concise", "github", "human"] {
        let streamed = run(&["check", "--format", format, "--color", "never", "--baseline", &base, &root]);
        let whole = run(&["check", "--format", format, "--color", "never", "--baseline", &base, "--statistics", &root]);
        let (s, w) = (stdout(&streamed), stdout(&whole));
        assert!(s.len() > 10_000, "{format}: {} bytes", s.len());
        assert!(w.starts_with(&s), "{format}: streamed output differs from the whole report's");
        assert!(w[s.len()..].lines().all(|l| l.trim_start().starts_with(char::is_numeric)), "{format}");
        assert_eq!(streamed.status.code(), Some(2), "{format}: the unreadable file is an error");
        assert_eq!(streamed.status.code(), whole.status.code());
        if format == "json" {
            let v: serde_json::Value = serde_json::from_str(&s).unwrap_or_default();
            let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
            let cross = |d: &serde_json::Value| {
                d["related"].as_array().is_some_and(|r| r.iter().any(|r| r["path"] != d["path"]))
            };
            // Cross-file findings come last, and the pages of the pair in different windows met.
            let first_cross = diags.iter().position(cross).unwrap_or(diags.len());
            assert!(first_cross < diags.len() && diags[first_cross..].iter().all(cross));
            assert!(diags.iter().any(|d| cross(d)
                && d["path"].as_str().is_some_and(|p| p.ends_with("z-kratom.md") || p.ends_with("a-kratom.md"))));
            assert_eq!(v["summary"]["files"], n + 3);
            assert_eq!(v["summary"]["unreadable"], 1);
        }
    }
}

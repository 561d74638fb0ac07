//! The rule pack: every rule's own `[[test]]` cases, its documentation, and the pack's invariants.

use copylint::document::Format;
use copylint::pack::Kind;
use std::path::Path;

use copylint::config::Config;
use copylint::{lint_source, Engine, Overrides, Pack, Profile};

fn engine() -> Engine {
    let pack = Pack::embedded().unwrap_or_else(|e| panic!("embedded pack: {e}"));
    Engine::new(pack).unwrap_or_else(|e| panic!("engine: {e}"))
}

/// Runs every `[[test]]` of every rule; collects all failures and reports them at once.
#[test]
fn rule_cases() {
    let engine = engine();
    let mut failures = Vec::new();
    let mut cases = 0;
    for rule in &engine.pack().rules {
        for (i, t) in rule.tests.iter().enumerate() {
            cases += 1;
            let format = match t.format.as_deref() {
                Some("md") => Format::Markdown,
                Some("html") => Format::Html,
                _ => Format::Text,
            };
            let diags = match &t.config {
                Some(cfg) => {
                    let config = Config::parse(Path::new("case.toml"), cfg, engine.pack())
                        .unwrap_or_else(|e| panic!("{}: {e}", rule.origin));
                    let profile = Profile::build(config, &Overrides::default()).unwrap_or_else(|e| panic!("{e}"));
                    profile.lint_source("case", &t.text, format)
                }
                None => lint_source(&engine, "case", &t.text, format),
            };
            let got: Vec<String> = diags
                .into_iter()
                .filter(|d| d.code == rule.code)
                .map(|d| format!("{} `{}`", d.code, &t.text[d.span.clone()]))
                .collect();
            let ok = got.len() == t.expect.len() && t.expect.iter().all(|c| c == &rule.code);
            if !ok {
                failures.push(format!(
                    "{}: test #{}: expected {:?}, got {:?}\n    text: {}",
                    rule.origin,
                    i + 1,
                    t.expect,
                    got,
                    t.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cases} rule cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_rule_has_two_firing_and_two_silent_cases_and_full_docs() {
    let engine = engine();
    let mut problems = Vec::new();
    for r in &engine.pack().rules {
        let fire = r.tests.iter().filter(|t| !t.expect.is_empty()).count();
        let silent = r.tests.iter().filter(|t| t.expect.is_empty()).count();
        if fire < 2 || silent < 2 {
            problems.push(format!("{}: {fire} firing and {silent} silent cases (need 2 and 2)", r.code));
        }
        for (field, text) in [
            ("what", &r.docs().what),
            ("why", &r.docs().why),
            ("authority", &r.docs().authority),
            ("example", &r.docs().example),
            ("fix", &r.docs().fix),
        ] {
            if text.trim().is_empty() {
                problems.push(format!("{}: docs.{field} is empty", r.code));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn builtin_checks_and_declarations_match_one_to_one() {
    let engine = engine();
    let declared: Vec<&str> =
        engine.pack().rules.iter().filter(|r| r.kind == Kind::Builtin).filter_map(|r| r.check.as_deref()).collect();
    for (id, _) in copylint::checks::BUILTINS {
        assert_eq!(
            declared.iter().filter(|d| *d == id).count(),
            1,
            "builtin `{id}` must be declared by exactly one rule"
        );
    }
    assert_eq!(declared.len(), copylint::checks::BUILTINS.len());
}

/// A run parses the embedded files without their `[docs]` and `[[test]]` tables, and gets the same
/// pack: the docs are read when asked for.
#[test]
fn run_files_are_the_pack_without_its_docs_and_tests() {
    let full = Pack::embedded().unwrap_or_else(|e| panic!("embedded pack: {e}"));
    let run_files: Vec<(String, String)> = Pack::embedded_run_files().map(|(p, t)| (p.into(), t.into())).collect();
    let cut: usize = Pack::embedded_files().iter().map(|(_, t)| t.len()).sum::<usize>()
        - run_files.iter().map(|(_, t)| t.len()).sum::<usize>();
    assert!(cut > 60_000, "only {cut} bytes of docs and tests cut");
    assert!(run_files.iter().all(|(_, t)| !t.contains("[[test]]") && !t.contains("[docs]")));
    let run = Pack::from_files(run_files).unwrap_or_else(|e| panic!("run pack: {e}"));
    assert!(run.rules.iter().all(|r| r.tests.is_empty()));
    let describe = |p: &Pack| {
        let rules: Vec<String> =
            p.rules.iter().map(|r| format!("{} {} {:?} {}", r.code, r.name, r.kind, r.docs().what)).collect();
        let matchers: Vec<String> =
            p.matchers.iter().map(|m| format!("{:?} {:?} {:?}", m.phrases, m.patterns, m.origins)).collect();
        (rules, matchers, p.lexicons.clone())
    };
    assert_eq!(describe(&run), describe(&full));
    for (r, f) in run.rules.iter().zip(&full.rules) {
        assert_eq!(r.docs(), f.docs(), "{}", r.code);
        assert!(!r.docs().what.is_empty() && !r.docs().fix.is_empty(), "{}", r.code);
    }
}

/// A user's rule file must have its docs; the error names the file.
#[test]
fn a_user_rule_without_docs_is_an_error() {
    let (_, text) = Pack::embedded_files()
        .iter()
        .find(|(p, _)| p.ends_with("C001-uncited-evidence-claim.toml"))
        .unwrap_or_else(|| panic!("C001 is embedded"));
    let cut = &text[..text.find("\n[docs]").unwrap_or_else(|| panic!("C001 has docs"))];
    let user = cut.replace("\"C001\"", "\"C901\"").replace("uncited-evidence-claim", "my-evidence-claim");
    let mut files: Vec<(String, String)> =
        Pack::embedded_run_files().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    files.push(("my-rules/C901-my-evidence-claim.toml".to_string(), user));
    let err = Pack::from_files(files).map(|_| ()).expect_err("a rule without docs loads");
    let msg = err.to_string();
    assert!(msg.contains("my-rules/C901-my-evidence-claim.toml") && msg.contains("missing field `docs`"), "{msg}");
}

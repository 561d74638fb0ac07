//! CI and editor integration: configuration, suppressions, baseline, fixes, output formats.

use std::path::Path;
use std::process::{Command, Output};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copylint"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run copylint: {e}"))
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn codes(o: &Output) -> Vec<String> {
    json(o)["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["code"].as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// `(code, start line)` of every diagnostic in a JSON report.
fn code_lines(v: &serde_json::Value) -> Vec<(String, u64)> {
    v["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    (x["code"].as_str().unwrap_or("").to_string(), x["span"]["start"]["line"].as_u64().unwrap_or(0))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

const PAGE: &str = "Studies show our program cures addiction for good.\n\nWe help addicts get clean. Recovery starts with treatment.\n";

#[test]
fn config_select_ignore_extend_select_and_fail_on() {
    let d = tmp();
    write(d.path(), "site/page.txt", PAGE);
    assert_eq!(codes(&run_in(d.path(), &["check", "--format", "json", "site"])), vec!["C001", "M001", "L001", "L003"]);
    write(d.path(), "copylint.toml", "select = [\"C\"]\nextend-select = [\"L003\"]\n");
    assert_eq!(codes(&run_in(d.path(), &["check", "--format", "json", "site"])), vec!["C001", "L003"]);
    write(d.path(), "copylint.toml", "ignore = [\"C001\", \"guarantee-or-cure-claim\"]\n");
    assert_eq!(codes(&run_in(d.path(), &["check", "--format", "json", "site"])), vec!["L001", "L003"]);
    // L001 and L003 are warnings: fail-on = "error" passes.
    write(d.path(), "copylint.toml", "ignore = [\"C\", \"M\"]\nfail-on = \"error\"\n");
    assert_eq!(run_in(d.path(), &["check", "site"]).status.code(), Some(0));
    // The command line wins over the file.
    assert_eq!(run_in(d.path(), &["check", "--fail-on", "warning", "site"]).status.code(), Some(1));
}

#[test]
fn config_is_found_walking_up_from_each_file() {
    let d = tmp();
    write(d.path(), "a/page.txt", PAGE);
    write(d.path(), "b/page.txt", PAGE);
    write(d.path(), "b/copylint.toml", "select = [\"M\"]\n");
    let v = json(&run_in(d.path(), &["check", "--format", "json", "a", "b"]));
    let by_file = |suffix: &str| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|x| x["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
                    .filter_map(|x| x["code"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(by_file("a/page.txt").len(), 4);
    assert_eq!(by_file("b/page.txt"), vec!["M001"]);
    // --config overrides discovery for every file.
    write(d.path(), "only-l.toml", "select = [\"L\"]\n");
    let o = run_in(d.path(), &["check", "--format", "json", "--config", "only-l.toml", "a", "b"]);
    assert_eq!(codes(&o), vec!["L001", "L003", "L001", "L003"]);
}

#[test]
fn config_severity_per_file_ignores_and_rule_options() {
    let d = tmp();
    write(d.path(), "site/page.txt", PAGE);
    write(d.path(), "site/blog/old.txt", PAGE);
    write(
        d.path(),
        "copylint.toml",
        "[severity]\nL = \"error\"\n\n[per-file-ignores]\n\"site/blog/**\" = [\"L\", \"C001\"]\n",
    );
    let v = json(&run_in(d.path(), &["check", "--format", "json", "site"]));
    let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
    assert!(diags.iter().filter(|x| x["code"] == "L001").all(|x| x["severity"] == "error"));
    let old: Vec<_> = diags
        .iter()
        .filter(|x| x["path"].as_str().is_some_and(|p| p.contains("blog")))
        .filter_map(|x| x["code"].as_str())
        .collect();
    assert_eq!(old, vec!["M001"]);
    // Rule options: a citation anywhere in the paragraph satisfies C001 with scope = "paragraph".
    let page = "Studies show detox helps. Many people recover [1].\n\nRecovery and treatment work.\n\nReferences\n\n1. Smith, J. (2019). A trial of detox. J Med.\n";
    write(d.path(), "cite/page.txt", page);
    assert!(codes(&run_in(d.path(), &["check", "--format", "json", "cite"])).contains(&"C001".to_string()));
    write(d.path(), "cite/copylint.toml", "[rule.C001]\nscope = \"paragraph\"\n");
    assert!(!codes(&run_in(d.path(), &["check", "--format", "json", "cite"])).contains(&"C001".to_string()));
}

#[test]
fn config_facility_disclaimer_html_skip_and_extra_rules() {
    let d = tmp();
    write(d.path(), "lead.txt", "Call our free 24/7 helpline. Harbor Light Recovery answers every call.\n");
    assert_eq!(codes(&run_in(d.path(), &["check", "--format", "json", "lead.txt"])), vec!["M008"]);
    write(d.path(), "copylint.toml", "[facility]\nnames = [\"Harbor Light Recovery\"]\n");
    assert!(codes(&run_in(d.path(), &["check", "--format", "json", "lead.txt"])).is_empty());

    let med = "Gabapentin is often prescribed for withdrawal. Typical doses are 300 mg.\n\nTalk with your care team first; this is general information.\n";
    write(d.path(), "med/page.txt", med);
    assert!(codes(&run_in(d.path(), &["check", "--format", "json", "med"])).contains(&"D001".to_string()));
    write(d.path(), "med/copylint.toml", "[disclaimer]\nphrases = [\"this is general information\"]\n");
    assert!(!codes(&run_in(d.path(), &["check", "--format", "json", "med"])).contains(&"D001".to_string()));

    let html = "<html><body><div class=\"cookie-banner\">We help addicts.</div><p>Our team is here.</p></body></html>";
    write(d.path(), "web/page.html", html);
    assert_eq!(codes(&run_in(d.path(), &["check", "--format", "json", "web"])), vec!["L001"]);
    write(d.path(), "web/copylint.toml", "[html]\nskip = [\"nav\", \".cookie-banner\"]\n");
    assert!(codes(&run_in(d.path(), &["check", "--format", "json", "web"])).is_empty());

    let rule = "code = \"M901\"\nname = \"spa-language\"\nkind = \"phrase\"\nseverity = \"warning\"\nsummary = \"s\"\nmessage = \"spa `{match}`\"\n[trigger]\nphrases = [\"luxury spa\"]\n[docs]\nwhat = \"w\"\nwhy = \"y\"\nauthority = \"editorial\"\nexample = \"e\"\nfix = \"f\"\n";
    write(d.path(), "spa/rules/M901-spa-language.toml", rule);
    write(d.path(), "spa/page.txt", "Relax at our luxury spa.\n");
    write(d.path(), "spa/copylint.toml", "rules = [\"rules\"]\n");
    assert_eq!(codes(&run_in(d.path(), &["check", "--format", "json", "spa"])), vec!["M901"]);
}

#[test]
fn bad_config_is_an_error_with_file_line_and_column() {
    let cases = [
        ("colour = true\n", "copylint.toml:1:1", "unknown field"),
        ("select = [\"C\", \"Q999\"]\n", "copylint.toml:1:16", "selects no rule"),
        ("fail-on = \"sometimes\"\n", "copylint.toml:1:11", "unknown severity"),
        ("[severity]\nL001 = \"loud\"\n", "copylint.toml:2:8", "unknown severity"),
        ("[per-file-ignores]\n\"a/[\" = [\"L\"]\n", "copylint.toml:2:", "invalid glob"),
        ("[rule.C001]\nscope = \"chapter\"\n", "copylint.toml:2:9", "unknown scope"),
        ("[rule.L001]\nscope = \"sentence\"\n", "copylint.toml:", "no satisfier scope"),
        ("[html]\nskip = [\"nav > a\"]\n", "copylint.toml:2:9", "unsupported selector"),
        ("[rule.C001]\nloudness = 3\n", "copylint.toml:2:1", "unknown field"),
    ];
    for (text, place, what) in cases {
        let d = tmp();
        write(d.path(), "copylint.toml", text);
        write(d.path(), "page.txt", PAGE);
        let o = run_in(d.path(), &["check", "page.txt"]);
        assert_eq!(o.status.code(), Some(2), "{text}");
        let err = stderr(&o);
        assert!(err.contains(place) && err.contains(what), "{text}: {err}");
    }
}

#[test]
fn init_writes_a_starter_file_that_loads() {
    let d = tmp();
    assert_eq!(run_in(d.path(), &["init"]).status.code(), Some(0));
    assert!(d.path().join("copylint.toml").is_file());
    assert_eq!(run_in(d.path(), &["init"]).status.code(), Some(2));
    write(d.path(), "page.txt", "Our team is here for you.\n");
    assert_eq!(run_in(d.path(), &["check", "page.txt"]).status.code(), Some(0));
}

#[test]
fn each_suppression_form() {
    let d = tmp();
    let md = "<!-- copylint-disable-next-line L001 -- quoting a client -->\nWe help addicts.\n\n<!-- copylint-disable C001, M -->\nStudies show our program cures addiction for good.\n<!-- copylint-enable -->\n\nStudies show recovery and treatment work. We help addicts.\n";
    write(d.path(), "page.md", md);
    let v = json(&run_in(d.path(), &["check", "--format", "json", "page.md"]));
    let lines = code_lines(&v);
    assert_eq!(lines, vec![("C001".to_string(), 8), ("L001".to_string(), 8)]);
    // Plain-text comment form, and an unused suppression reported as E009.
    let txt = "# copylint-disable-next-line L001\nWe help addicts.\n\n# copylint-disable-next-line C001\nOur team is here for you and for recovery and treatment.\n";
    write(d.path(), "page.txt", txt);
    let v = json(&run_in(d.path(), &["check", "--format", "json", "--fail-on", "info", "page.txt"]));
    let got = code_lines(&v);
    assert_eq!(got, vec![("E009".to_string(), 4)]);
}

#[test]
fn a_reason_can_be_required() {
    let d = tmp();
    write(d.path(), "copylint.toml", "[suppressions]\nrequire-reason = true\n");
    write(d.path(), "page.md", "<!-- copylint-disable-next-line L001 -->\nWe help addicts.\n\n<!-- copylint-disable-next-line L001 -- a client's words -->\nWe help addicts.\n");
    let v = json(&run_in(d.path(), &["check", "--format", "json", "page.md"]));
    let got = code_lines(&v);
    assert_eq!(got, vec![("E010".to_string(), 1), ("L001".to_string(), 2)]);
}

#[test]
fn baseline_survives_unrelated_edits_and_reports_only_new_findings() {
    let d = tmp();
    write(d.path(), "site/page.txt", PAGE);
    write(
        d.path(),
        "site/other.md",
        "# Kratom\n\nKratom is a miracle cure for opioid addiction and recovery treatment.\n",
    );
    let o = run_in(d.path(), &["check", "--write-baseline", "baseline.json", "site"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(run_in(d.path(), &["check", "--baseline", "baseline.json", "site"]).status.code(), Some(0));
    // Unrelated edits: lines inserted above, a paragraph moved, white space changed.
    let moved = "Intro line added.\n\nAnother new paragraph about visiting hours.\n\nWe help addicts get clean.  Recovery starts with treatment.\n\nStudies show our program cures addiction for good.\n";
    write(d.path(), "site/page.txt", moved);
    let o = run_in(d.path(), &["check", "--format", "json", "--baseline", "baseline.json", "site"]);
    assert_eq!(codes(&o), Vec::<String>::new());
    assert_eq!(o.status.code(), Some(0));
    // A new finding is reported.
    write(d.path(), "site/page.txt", &format!("{moved}\nOur rehab is the #1 rehab in the nation.\n"));
    let o = run_in(d.path(), &["check", "--format", "json", "--baseline", "baseline.json", "site"]);
    assert_eq!(codes(&o), vec!["M005"]);
    // A malformed baseline is an error with its position.
    write(d.path(), "bad.json", "{\"version\": 1, \"findings\": [}");
    let o = run_in(d.path(), &["check", "--baseline", "bad.json", "site"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.json:1:"), "{}", stderr(&o));
}

#[test]
fn fix_every_fixable_rule_idempotently_keeping_permissions() {
    let d = tmp();
    let page = "We help addicts and an alcoholic father get clean.\n\nHe was hooked on pills and abusing opioids; Suboxone is an opioid replacement therapy.\n\nGabapentin doses of 300 mg are common during withdrawal.\n";
    write(d.path(), "page.txt", page);
    write(d.path(), "copylint.toml", "[disclaimer]\ntext = \"This page is for informational purposes only and is not a substitute for professional medical advice. Consult your doctor.\"\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.path().join("page.txt"), std::fs::Permissions::from_mode(0o640))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let before = codes(&run_in(d.path(), &["check", "--format", "json", "page.txt"]));
    for c in ["L001", "L003", "L004", "L002", "L005", "D001"] {
        assert!(before.contains(&c.to_string()), "{c} missing from {before:?}");
    }
    // --diff shows the fixes and writes nothing.
    let o = run_in(d.path(), &["check", "--diff", "page.txt"]);
    let diff = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        diff.contains(
            "+We help people with substance use disorders and a person with alcohol use disorder father stop using."
        ),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(d.path().join("page.txt")).unwrap_or_default(), page);
    // --fix applies them atomically; the fixable rules are gone.
    let o = run_in(d.path(), &["check", "--format", "json", "--fix", "page.txt"]);
    let after = codes(&o);
    for c in ["L001", "L002", "L003", "L004", "L005", "D001"] {
        assert!(!after.contains(&c.to_string()), "{c} still reported after --fix: {after:?}");
    }
    let fixed = std::fs::read_to_string(d.path().join("page.txt")).unwrap_or_default();
    assert!(
        fixed.contains("medication for opioid use disorder (MOUD)")
            && fixed.contains("addicted to pills")
            && fixed.ends_with("Consult your doctor.\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.path().join("page.txt")).map(|m| m.permissions().mode() & 0o777).unwrap_or(0);
        assert_eq!(mode, 0o640);
    }
    // A second run changes nothing.
    run_in(d.path(), &["check", "--fix", "page.txt"]);
    assert_eq!(std::fs::read_to_string(d.path().join("page.txt")).unwrap_or_default(), fixed);
}

#[test]
fn sarif_has_every_property_github_code_scanning_reads() {
    let o = run_in(
        Path::new("."),
        &["check", "--format", "sarif", "fixtures/pages/gabapentin-faq.md", "fixtures/seeds/001_fa1b8c42d4c9c878.txt"],
    );
    let v = json(&o);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().is_some_and(|s| s.contains("sarif-2.1.0")));
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "copylint");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let rules = run["tool"]["driver"]["rules"].as_array().cloned().unwrap_or_default();
    assert!(rules.len() >= 10);
    for r in &rules {
        assert!(r["id"].as_str().is_some_and(|s| s.len() == 4));
        assert!(r["shortDescription"]["text"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(r["helpUri"].as_str().is_some_and(|s| s.starts_with("https://")));
    }
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert!(!results.is_empty());
    for res in &results {
        assert!(res["ruleId"].is_string());
        assert!(matches!(res["level"].as_str(), Some("error" | "warning" | "note")));
        assert!(res["message"]["text"].as_str().is_some_and(|s| !s.is_empty()));
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].as_str().is_some_and(|u| u.starts_with("fixtures/")));
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][k].as_u64().is_some_and(|n| n >= 1), "{k} in {res}");
        }
        let id = res["ruleId"].as_str().unwrap_or("");
        let idx = res["ruleIndex"].as_u64().unwrap_or(999) as usize;
        assert_eq!(rules[idx]["id"], id);
    }
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()), "conflicts carry related locations");
    assert!(results.iter().any(|r| r["fixes"].is_array()), "fixable findings carry fixes");
}

#[test]
fn github_concise_and_statistics_formats() {
    let o = run_in(Path::new("."), &["check", "--format", "github", "fixtures/pages/gabapentin-faq.md"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        out.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")),
        "{out}"
    );
    assert!(out.contains("::error file=fixtures/pages/gabapentin-faq.md,line=8,col=64,endLine=8,endColumn=78,title=C001 uncited-evidence-claim::"), "{out}");
    let o =
        run_in(Path::new("."), &["check", "--format", "concise", "--statistics", "fixtures/pages/gabapentin-faq.md"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.contains("fixtures/pages/gabapentin-faq.md:8:64: error[C001] evidence claim `Research shows` has no citation on this page"));
    assert!(out.lines().any(|l| l.trim_start().starts_with("1  C001  uncited-evidence-claim (error)")), "{out}");
}

#[test]
fn html_report_is_self_contained_with_summaries_and_highlights() {
    let d = tmp();
    write(d.path(), "page.txt", "We help addicts <and> \"families\".\n\nStudies show our program cures addiction for good. Recovery starts with treatment.\n");
    let o = run_in(d.path(), &["check", "--format", "html", "page.txt"]);
    let html = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert!(
        !html.contains("<script") && !html.contains("http://") && !html.contains("<link"),
        "must be self-contained"
    );
    assert!(html.contains("<h2>By rule</h2>") && html.contains("<h2>By page</h2>"));
    let findings = codes(&run_in(d.path(), &["check", "--format", "json", "page.txt"]));
    assert_eq!(html.matches("<li id=\"f-0-").count(), findings.len());
    for code in &findings {
        assert!(html.contains("<mark class=") && html.contains(&format!("title=\"{code}:")), "{code}");
    }
    assert!(html.contains("&lt;and&gt; &quot;families&quot;"), "copy is escaped");
}

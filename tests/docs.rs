//! Generated documentation stays in step with the rule declarations.
//! `UPDATE_EXPECT=1 cargo test --test docs` regenerates docs/rules/.

use copylint::Pack;

#[test]
fn rule_pages_are_generated_from_the_declarations() {
    let pack = Pack::embedded().unwrap_or_else(|e| panic!("{e}"));
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut stale = Vec::new();
    let mut index = String::from("# copylint rules\n\nGenerated from `rules/` by `UPDATE_EXPECT=1 cargo test --test docs`; do not edit.\n\n| code | name | severity | summary |\n|---|---|---|---|\n");
    for r in &pack.rules {
        let path = format!("docs/rules/{}-{}.md", r.code, r.name);
        let body = copylint::cli::explain::render(r);
        index.push_str(&format!(
            "| [{}]({}-{}.md) | {} | {} | {} |\n",
            r.code,
            r.code,
            r.name,
            r.name,
            r.severity.as_str(),
            r.summary.replace('|', "\\|")
        ));
        if update {
            std::fs::write(&path, &body).unwrap_or_else(|e| panic!("{path}: {e}"));
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(body.as_str()) {
            stale.push(path);
        }
    }
    let index_path = "docs/rules/README.md";
    if update {
        std::fs::write(index_path, &index).unwrap_or_else(|e| panic!("{e}"));
    } else if std::fs::read_to_string(index_path).ok().as_deref() != Some(index.as_str()) {
        stale.push(index_path.into());
    }
    assert!(stale.is_empty(), "stale docs (run UPDATE_EXPECT=1 cargo test --test docs): {stale:?}");
}

#[test]
fn readme_quick_start_commands_are_the_ones_ci_runs() {
    let readme = std::fs::read_to_string("README.md").unwrap_or_default();
    let ci = std::fs::read_to_string(".ci/run").unwrap_or_default();
    assert!(
        readme.contains("cargo run --release -- check fixtures/"),
        "README quick start must lint the bundled fixtures"
    );
    assert!(readme.contains("cargo test --locked"), "README must give the test command");
    assert!(ci.contains("cargo test --locked"), ".ci/run must run the README's test command");
    assert!(ci.contains("cargo fmt --check") && ci.contains("cargo clippy --all-targets -- -D warnings"));
}

//! HTML pages lint like their text versions, with positions in the HTML source.

use std::path::PathBuf;

use copylint::{discover, lint_inputs, Diagnostic, Engine, Pack, Report, RunOptions};

fn engine() -> Engine {
    Engine::new(Pack::embedded().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"))
}

fn run(dir: &str) -> Report {
    let (inputs, errors) = discover(&[PathBuf::from(dir)], None);
    assert!(errors.is_empty(), "{errors:?}");
    lint_inputs(&engine(), &inputs, RunOptions::default())
}

/// Visible text of an HTML source range: tags removed, the generator's entities decoded.
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&rsquo;", "’")
        .replace("&lsquo;", "‘")
        .replace("&ldquo;", "“")
        .replace("&rdquo;", "”")
        .replace("&mdash;", "—")
        .replace("&ndash;", "–")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

fn stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('.').next().unwrap_or(name).to_string()
}

fn findings(report: &Report, html: bool) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = report
        .files
        .iter()
        .flat_map(|f| {
            let src = f.source.as_ref().map(|s| s.text.clone()).unwrap_or_default();
            f.diagnostics.iter().map(move |d: &Diagnostic| {
                let raw = &src[d.span.clone()];
                let text = if html { visible(raw) } else { raw.to_string() };
                (stem(&f.path), d.code.clone(), text.split_whitespace().collect::<Vec<_>>().join(" "))
            })
        })
        .collect();
    out.sort();
    out
}

#[test]
fn html_seed_pages_yield_the_same_findings_as_their_text_versions() {
    let text = findings(&run("fixtures/seeds"), false);
    let html = findings(&run("fixtures/html-seeds"), true);
    let missing: Vec<_> = text.iter().filter(|t| !html.contains(t)).collect();
    let extra: Vec<_> = html.iter().filter(|h| !text.contains(h)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing in HTML: {missing:#?}\nextra in HTML: {extra:#?}");
    assert!(text.len() > 50);
}

#[test]
fn html_findings_point_at_the_html_line_of_their_block() {
    let report = run("fixtures/html-seeds");
    for f in &report.files {
        let Some(src) = f.source.as_ref() else {
            continue;
        };
        for d in &f.diagnostics {
            let line = src.line_text(src.line_index(d.span.start));
            let first_word: String =
                visible(&src.text[d.span.clone()]).split_whitespace().next().unwrap_or("").to_string();
            assert!(visible(line).contains(&first_word), "{}: {} at a line without its text: {line}", f.path, d.code);
            assert!(!line.contains("<nav>") && !line.contains("<script>"), "{}: finding in page furniture", f.path);
        }
    }
}

#[test]
fn positions_survive_entities_and_multibyte_characters() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let page = "<html><body>\n<p>It&rsquo;s true &#8212; 😀 <b>studies</b> show detox cures addiction&nbsp;for good. Recovery starts with treatment.</p>\n</body></html>\n";
    let path = dir.path().join("p.html");
    std::fs::write(&path, page).unwrap_or_else(|e| panic!("{e}"));
    let (inputs, _) = discover(&[path], None);
    let report = lint_inputs(&engine(), &inputs, RunOptions::default());
    let f = &report.files[0];
    let src = f.source.as_ref().unwrap_or_else(|| panic!("no source"));
    let c001 =
        f.diagnostics.iter().find(|d| d.code == "C001").unwrap_or_else(|| panic!("no C001: {:?}", f.diagnostics));
    assert_eq!(&page[c001.span.clone()], "studies</b> show");
    let pos = src.position(c001.span.start);
    assert_eq!(pos.line, 2);
    let prefix = "<p>It&rsquo;s true &#8212; 😀 <b>";
    assert_eq!(pos.column, prefix.chars().count() + 1);
    assert_eq!(pos.utf16_column, prefix.encode_utf16().count() + 1);
    let m001 = f.diagnostics.iter().find(|d| d.code == "M001").unwrap_or_else(|| panic!("no M001"));
    assert_eq!(&page[m001.span.clone()], "cures addiction");
}

//! Bad inputs: each gets a clear message naming the file, never a panic, and the other files are
//! still linted. Property tests for the parsers and the pipeline.

use std::path::Path;
use std::process::{Command, Output};

use copylint::document::{Document, Format};
use copylint::{lint_source, Engine, Pack};
use proptest::prelude::*;

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copylint")).current_dir(dir).args(args).output().unwrap_or_else(|e| panic!("{e}"))
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const DIRTY: &str = "We help addicts. Recovery starts with treatment.\n";

fn assert_no_panic(o: &Output) {
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
}

#[test]
fn invalid_utf8_is_an_error_with_offset_unless_lossy() {
    let d = tmp();
    std::fs::write(d.path().join("bad.txt"), b"We help addicts \xff here. Recovery starts with treatment.\n")
        .unwrap_or_default();
    std::fs::write(d.path().join("good.txt"), DIRTY).unwrap_or_default();
    let o = run_in(d.path(), &["check", "--format", "json", "bad.txt", "good.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert!(v["errors"][0]["message"].as_str().is_some_and(|m| m.contains("bad.txt") && m.contains("byte 16")));
    assert_eq!(v["diagnostics"][0]["path"], "good.txt");
    let o = run_in(d.path(), &["check", "--format", "json", "--encoding", "lossy", "bad.txt"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["diagnostics"][0]["code"], "L001");
}

#[test]
fn byte_order_marks_utf8_and_utf16() {
    let d = tmp();
    let mut utf8 = b"\xEF\xBB\xBF".to_vec();
    utf8.extend_from_slice(DIRTY.as_bytes());
    std::fs::write(d.path().join("bom8.txt"), utf8).unwrap_or_default();
    for (name, be) in [("bom16le.txt", false), ("bom16be.txt", true)] {
        let mut bytes = if be { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in DIRTY.encode_utf16() {
            bytes.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        std::fs::write(d.path().join(name), bytes).unwrap_or_default();
    }
    let v = json(&run_in(d.path(), &["check", "--format", "json", "bom8.txt", "bom16le.txt", "bom16be.txt"]));
    let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(diags.len(), 3, "{v}");
    for d in diags {
        assert_eq!(d["code"], "L001");
        assert_eq!(d["span"]["start"]["line"], 1);
        assert_eq!(d["span"]["start"]["column"], 9);
    }
}

#[test]
fn crlf_and_lone_cr_keep_lines_and_columns_right() {
    let d = tmp();
    std::fs::write(d.path().join("crlf.txt"), "First line.\r\nWe help addicts.\r\nRecovery and treatment.\r\n")
        .unwrap_or_default();
    std::fs::write(d.path().join("cr.txt"), "First line.\rWe help addicts.\rRecovery and treatment.\r")
        .unwrap_or_default();
    let v = json(&run_in(d.path(), &["check", "--format", "json", "crlf.txt", "cr.txt"]));
    for d in v["diagnostics"].as_array().cloned().unwrap_or_default() {
        assert_eq!(d["span"]["start"]["line"], 2, "{d}");
        assert_eq!(d["span"]["start"]["column"], 9, "{d}");
    }
}

#[test]
fn empty_files_binary_files_directories_and_missing_paths() {
    let d = tmp();
    std::fs::write(d.path().join("empty.md"), "").unwrap_or_default();
    let o = run_in(d.path(), &["check", "empty.md"]);
    assert_eq!(o.status.code(), Some(0));
    std::fs::create_dir_all(d.path().join("looks-like-a-file.md")).unwrap_or_default();
    std::fs::write(d.path().join("looks-like-a-file.md/page.txt"), DIRTY).unwrap_or_default();
    let o = run_in(d.path(), &["check", "looks-like-a-file.md"]);
    assert_eq!(o.status.code(), Some(1), "a directory named like a file is walked");
    let o = run_in(d.path(), &["check", "nope.md", "empty.md"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("nope.md"));
    assert_no_panic(&o);
}

#[test]
fn oversized_files_are_reported_and_skipped() {
    let d = tmp();
    // A sparse 200 MB file and a 50 MB single line: both over the default limit, neither read.
    let big = std::fs::File::create(d.path().join("huge.txt")).unwrap_or_else(|e| panic!("{e}"));
    big.set_len(200 << 20).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(d.path().join("one-line.txt"), "a".repeat(50 << 20)).unwrap_or_default();
    std::fs::write(d.path().join("good.txt"), DIRTY).unwrap_or_default();
    let o = run_in(d.path(), &["check", "--format", "json", "huge.txt", "one-line.txt", "good.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    let errors: Vec<String> = v["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["message"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    assert!(errors.iter().any(|e| e.contains("huge.txt") && e.contains("--max-file-size")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("one-line.txt")), "{errors:?}");
    assert_eq!(v["diagnostics"][0]["path"], "good.txt");
    // Raising the limit lints the long line (bounded work, no finding in "aaaa...").
    let o = run_in(d.path(), &["check", "--max-file-size", "60000000", "one-line.txt"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn deeply_nested_markup_does_not_overflow() {
    let d = tmp();
    let md = format!("{}We help addicts.\n", "> ".repeat(5_000));
    std::fs::write(d.path().join("deep.md"), md).unwrap_or_default();
    let list: String = (0..3_000).map(|i| format!("{}- item\n", "  ".repeat(i))).collect();
    std::fs::write(d.path().join("list.md"), list).unwrap_or_default();
    let html = format!("{}<p>We help addicts.</p>{}", "<div><span>".repeat(10_000), "</span></div>".repeat(10_000));
    std::fs::write(d.path().join("deep.html"), html).unwrap_or_default();
    std::fs::write(
        d.path().join("broken.html"),
        "<p>We help <b>addicts<p>unclosed <a href='x>tag &amp &#xZZ; <!-- open comment",
    )
    .unwrap_or_default();
    for f in ["deep.md", "list.md", "deep.html", "broken.html"] {
        let o = run_in(d.path(), &["check", f]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{f}: {}", stderr(&o));
        assert_no_panic(&o);
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_unreadable_files() {
    use std::os::unix::fs::PermissionsExt;
    let d = tmp();
    std::os::unix::fs::symlink(d.path().join("a"), d.path().join("b")).unwrap_or_default();
    std::os::unix::fs::symlink(d.path().join("b"), d.path().join("a")).unwrap_or_default();
    std::fs::write(d.path().join("good.txt"), DIRTY).unwrap_or_default();
    let o = run_in(d.path(), &["check", "a", "good.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains('a'));
    let o = run_in(d.path(), &["check", "."]);
    assert_eq!(o.status.code(), Some(1), "walking skips the loop: {}", stderr(&o));
    let locked = d.path().join("locked.txt");
    std::fs::write(&locked, DIRTY).unwrap_or_default();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap_or_default();
    if std::fs::read(&locked).is_err() {
        // (Root reads anything; the check only means something for other users.)
        let o = run_in(d.path(), &["check", "locked.txt", "good.txt"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stdout).contains("locked.txt"));
    }
}

#[test]
fn a_regex_too_big_is_a_rule_error_not_a_hang() {
    let d = tmp();
    let rule = "code = \"M902\"\nname = \"huge\"\nkind = \"pattern\"\nseverity = \"info\"\nsummary = \"s\"\nmessage = \"m\"\n[trigger]\npatterns = ['(?:\\pL{200}){50}']\n[docs]\nwhat = \"w\"\nwhy = \"y\"\nauthority = \"a\"\nexample = \"e\"\nfix = \"f\"\n";
    std::fs::write(d.path().join("M902-huge.toml"), rule).unwrap_or_default();
    std::fs::write(d.path().join("p.txt"), DIRTY).unwrap_or_default();
    let start = std::time::Instant::now();
    let o = run_in(d.path(), &["check", "--rules", "M902-huge.toml", "p.txt"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("M902-huge.toml:8:13: regex too large"), "{}", stderr(&o));
    assert!(start.elapsed().as_secs() < 60);
}

fn engine() -> &'static Engine {
    static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| Engine::new(Pack::embedded().unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}")))
}

fn arbitrary_page() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "We help addicts. ",
        "Studies show ",
        "it works",
        "<p>",
        "</p>",
        "<b>",
        "&amp;",
        "&rsquo;",
        "&#8212;",
        "&#x",
        "<!--",
        "-->",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "- ",
        "1. ",
        "# ",
        "> ",
        "[1]",
        "(2)",
        "’",
        "—",
        "😀",
        ":",
        " ",
        "mg ",
        "300 ",
        "baclofen ",
        "is not addictive. ",
        "withdrawal symptoms. ",
        "`",
        "**",
        "|",
        "---\n",
        "<div>",
        "</div>",
        "<script>",
        "</script>",
        "\u{0}",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Every span lies within the source, on character boundaries; linting is deterministic.
    #[test]
    fn spans_are_valid_and_output_deterministic(page in arbitrary_page()) {
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let doc = Document::parse(&page, format);
            for b in &doc.blocks {
                prop_assert!(doc.text.is_char_boundary(b.span.start) && doc.text.is_char_boundary(b.span.end));
                let s = doc.source_span(&b.span);
                prop_assert!(s.end <= page.len() && page.is_char_boundary(s.start) && page.is_char_boundary(s.end));
            }
            let a = lint_source(engine(), "p", &page, format);
            let b = lint_source(engine(), "p", &page, format);
            prop_assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(&b) {
                prop_assert_eq!(&x.span, &y.span);
                prop_assert_eq!(&x.code, &y.code);
                prop_assert!(x.span.start <= x.span.end && x.span.end <= page.len());
                prop_assert!(page.is_char_boundary(x.span.start) && page.is_char_boundary(x.span.end));
                for e in x.fix.iter().flat_map(|f| f.edits.iter()) {
                    prop_assert!(e.span.end <= page.len() && page.is_char_boundary(e.span.start));
                }
            }
        }
    }

    /// Inserting unrelated paragraphs before a finding moves it and changes nothing else.
    #[test]
    fn unrelated_text_only_moves_findings(prefix in prop::collection::vec("[a-z]{1,8}( [a-z]{1,8}){0,8}\\.", 0..6)) {
        let tail = "Studies show our detox cures addiction for good. Recovery starts with treatment.\n";
        let base: Vec<(String, String)> = lint_source(engine(), "p", tail, Format::Text)
            .into_iter().map(|d| (d.code.clone(), tail[d.span].to_string())).collect();
        let pre: String = prefix.iter().map(|p| format!("{p}\n\n")).collect();
        let page = format!("{pre}{tail}");
        let moved: Vec<(String, String)> = lint_source(engine(), "p", &page, Format::Text)
            .into_iter().filter(|d| d.span.start >= pre.len())
            .map(|d| (d.code.clone(), page[d.span].to_string())).collect();
        prop_assert_eq!(base, moved);
    }
}

/// `--fix` never writes through a symbolic link (a link can point out of the tree): the link is
/// reported, its target is untouched, and the other files are still fixed.
#[cfg(unix)]
#[test]
fn fix_refuses_symlinks_and_fixes_the_rest() {
    let outside = tmp();
    let target = outside.path().join("elsewhere.txt");
    std::fs::write(&target, DIRTY).unwrap_or_default();
    let d = tmp();
    std::os::unix::fs::symlink(&target, d.path().join("link.txt")).unwrap_or_default();
    std::fs::write(d.path().join("real.txt"), DIRTY).unwrap_or_default();
    let o = run_in(d.path(), &["check", "--fix", "--format", "json", "link.txt", "real.txt"]);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("link.txt") && stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&target).unwrap_or_default(), DIRTY, "the link's target was written");
    assert!(!std::fs::read_to_string(d.path().join("real.txt")).unwrap_or_default().contains("addicts"));
}

/// The original is replaced by a rename, never rewritten in place: a run interrupted before the
/// rename leaves it as it was. A failing final step leaves it intact and no temporary file behind.
#[cfg(unix)]
#[test]
fn fix_writes_a_new_file_and_leaves_the_original_intact_on_failure() {
    use std::os::unix::fs::MetadataExt;
    let d = tmp();
    let page = d.path().join("page.txt");
    std::fs::write(&page, DIRTY).unwrap_or_default();
    let inode = std::fs::metadata(&page).map(|m| m.ino()).unwrap_or(0);
    copylint::fix::write_atomic(&page, "fixed\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read_to_string(&page).unwrap_or_default(), "fixed\n");
    assert_ne!(std::fs::metadata(&page).map(|m| m.ino()).unwrap_or(0), inode, "rewritten in place");
    // The rename cannot replace a non-empty directory: the write fails after the temporary file
    // was written, which is the last moment an interruption could happen.
    let dir = d.path().join("dir.txt");
    std::fs::create_dir(&dir).unwrap_or_default();
    std::fs::write(dir.join("keep"), "x").unwrap_or_default();
    let err = copylint::fix::write_atomic(&dir, "new").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("dir.txt"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("keep")).unwrap_or_default(), "x");
    let mut names: Vec<String> = std::fs::read_dir(d.path())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["dir.txt", "page.txt"], "a temporary file was left behind");
}

fn fixable_page() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "We help addicts. ",
        "An addict can recover. ",
        "She has been clean for a year. ",
        "Drug abuse is common. ",
        "He got hooked on pills. ",
        "Methadone is a replacement therapy. ",
        "Studies show it works. ",
        "Baclofen helps with cravings. ",
        "drug addicts",
        "\n\n",
        "# Heading\n\n",
        "- ",
        "’",
        "<!-- copylint-disable-next-line L001 -- quoted -->\n",
    ]);
    prop::collection::vec(atoms, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Fixing is idempotent: after one round of fixes, a second finds nothing more to fix, and the
    /// findings left are the same as a fresh lint of the fixed text.
    #[test]
    fn fixing_is_idempotent(page in fixable_page(), markdown in any::<bool>()) {
        let format = if markdown { Format::Markdown } else { Format::Text };
        let (once, _) = copylint::fix::apply(&page, &lint_source(engine(), "p", &page, format));
        let after = lint_source(engine(), "p", &once, format);
        let (twice, n) = copylint::fix::apply(&once, &after);
        prop_assert_eq!(&twice, &once, "a second round of fixes changed the text");
        prop_assert_eq!(n, 0);
        prop_assert!(after.iter().all(|d| d.fix.is_none()), "fixable findings left: {:?}",
            after.iter().filter(|d| d.fix.is_some()).map(|d| &d.code).collect::<Vec<_>>());
    }
}

//! Embeds every `rules/**/*.toml` file into the binary, and prepares the embedded patterns for
//! the scanner (case folding, gating literals: src/engine/gates.rs) so start-up need not.
use std::path::{Path, PathBuf};

#[path = "src/engine/gates.rs"]
#[allow(dead_code)]
mod gates;
#[path = "src/engine/hir_code.rs"]
#[allow(dead_code)]
mod hir_code;
#[path = "src/engine/trigrams.rs"]
#[allow(dead_code)]
mod trigrams;

/// Every string in an array under a `patterns` key, anywhere in the file.
fn patterns(v: &toml::Value, key: Option<&str>, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => t.iter().for_each(|(k, v)| patterns(v, Some(k), out)),
        toml::Value::Array(a) if key == Some("patterns") => {
            out.extend(a.iter().filter_map(|x| x.as_str().map(str::to_string)));
        }
        toml::Value::Array(a) => a.iter().for_each(|x| patterns(x, key, out)),
        _ => {}
    }
}

/// The length of `text` a run parses: before its `[docs]` table, or else its first `[[test]]`
/// table, when everything from there on is docs and tests (the text cut there parses to the same
/// document without its `docs` table and `test` array); else the whole length.
fn run_len(text: &str) -> usize {
    let at = |table: &str| text.find(&format!("\n{table}")).map(|i| i + 1);
    let Some(cut) = at("[docs]").or_else(|| at("[[test]]")) else { return text.len() };
    let (Ok(whole), Ok(head)) = (text.parse::<toml::Table>(), text[..cut].parse::<toml::Table>()) else {
        return text.len();
    };
    let mut without = whole;
    without.remove("test");
    without.remove("docs");
    if without == head {
        cut
    } else {
        text.len()
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

/// The source files the loaded embedded pack depends on besides the rule files.
const LOADER_SOURCES: &[&str] = &["src/pack/mod.rs", "src/pack/load.rs", "src/pack/schema.rs", "src/source.rs"];

/// FNV-1a over the path and bytes of each rule file and loader source, in order.
fn source_hash(root: &Path, rule_files: &[PathBuf]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let loader = LOADER_SOURCES.iter().map(|p| root.join(p));
    for f in rule_files.iter().cloned().chain(loader) {
        let rel = f.strip_prefix(root).unwrap_or(&f).to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&f).unwrap_or_default();
        for b in rel.bytes().chain([0]).chain(bytes).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    for f in LOADER_SOURCES {
        println!("cargo:rerun-if-changed={f}");
    }
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let mut src = String::from("/// The default rule pack, embedded at build time: `(path, text)`.\npub(crate) static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&root).unwrap_or(f).to_string_lossy().replace('\\', "/");
        src.push_str(&format!("    ({rel:?}, include_str!({:?})),\n", f.display().to_string()));
    }
    src.push_str("];\n");
    src.push_str(
        "/// Per embedded file, the length of its text before its docs and rule tests (`[docs]` and\n/// `[[test]]` tables, which `Rule::docs` and the test suite read): a run parses that much.\npub(crate) static EMBEDDED_RUN_LEN: &[usize] = &[\n",
    );
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        src.push_str(&format!("    {},\n", run_len(&text)));
    }
    src.push_str("];\n");
    // A file that does not parse is reported by the loader at run time; nothing to prepare here.
    let mut all = Vec::new();
    for f in &files {
        if let Some(v) = std::fs::read_to_string(f).ok().and_then(|t| t.parse::<toml::Table>().ok()) {
            patterns(&toml::Value::Table(v), None, &mut all);
        }
    }
    all.sort();
    all.dedup();
    src.push_str(
        "/// Embedded patterns prepared at build time: `(pattern, compiled source, gating parts, phrases,\n/// unit delimiters, the compiled source's syntax tree: engine::hir_code, whether the first phrase\n/// set gates it: engine::gates::Gates)`, sorted.\n",
    );
    src.push_str("/// Literal sets.\ntype Sets = &'static [&'static [&'static str]];\n");
    src.push_str("/// One prepared pattern.\ntype PreparedEntry = (&'static str, &'static str, Sets, Sets, &'static str, &'static [u8], bool);\n");
    src.push_str("pub(crate) static PREPARED: &[PreparedEntry] = &[\n");
    for p in &all {
        let words = gates::ascii_words(p);
        let gates = gates::gate_literals(&words);
        let compiled = gates::case_insensitive(&words);
        src.push_str(&format!("    ({p:?}, {compiled:?}, "));
        for sets in [&gates.parts, &gates.phrases] {
            src.push_str("&[");
            for g in sets {
                src.push_str(&format!("&{g:?}, "));
            }
            src.push_str("], ");
        }
        src.push_str(&format!("{:?}, b\"", gates::unit_delimiters(&words)));
        // A pattern that does not parse has no tree: the loader reports it at run time.
        if let Ok(hir) = regex_syntax::parse(&compiled) {
            for b in hir_code::encode(&hir) {
                src.push_str(&format!("\\x{b:02x}"));
            }
        }
        src.push_str(&format!("\", {}),\n", gates.phrase_gate));
    }
    src.push_str("];\n");
    src.push_str(&format!(
        "/// A hash of what the loaded embedded pack is made from (the rule files, the loader): the\n/// pack snapshot (src/pack/snapshot.json) serves a run only when it was made from the same.\npub(crate) static PACK_SOURCE_HASH: &str = \"{:016x}\";\n",
        source_hash(&root, &files)
    ));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded_rules.rs");
    if let Err(e) = std::fs::write(&out, src) {
        panic!("cannot write {}: {e}", out.display());
    }
}

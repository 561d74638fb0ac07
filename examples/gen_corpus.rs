//! Deterministic bench corpora built from the fixture pages.
//!
//! `cargo run --release --example gen_corpus -- OUT_DIR MEGABYTES FORMAT many|one`
//! writes MEGABYTES of pages of FORMAT (`txt`, `md` or `html`) under OUT_DIR: `many` as separate
//! files (one page each, about 3-12 KB), `one` as a single large file. The same arguments always
//! give the same bytes. `cargo run --release --example gen_corpus -- --phrases` prints every literal
//! phrase of the embedded pack, one a line (for `rg -c -i -F -f`).

use std::fmt::Write as _;
use std::path::PathBuf;

fn pages(ext: &str) -> Vec<String> {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir("fixtures").expect("run from the repository root").flatten().map(|e| e.path()).collect();
    dirs.sort();
    let mut out = Vec::new();
    for d in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d).into_iter().flatten().flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files {
            if f.extension().is_some_and(|x| x == ext) {
                out.push(std::fs::read_to_string(&f).expect("read fixture"));
            }
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--phrases") {
        let pack = copylint::Pack::embedded().expect("pack");
        let mut out = String::new();
        for m in &pack.matchers {
            for p in &m.phrases {
                let _ = writeln!(out, "{p}");
            }
        }
        print!("{out}");
        return;
    }
    if let [flag, dir, n] = args.as_slice() {
        if flag == "--user-rules" {
            user_rules(&PathBuf::from(dir), n.parse().expect("N"));
            return;
        }
    }
    let [dir, mb, ext, mode] = args.as_slice() else {
        eprintln!("usage: gen_corpus OUT_DIR MEGABYTES txt|md|html many|one | --phrases | --user-rules DIR N");
        std::process::exit(2);
    };
    let target = mb.parse::<f64>().expect("MEGABYTES") * 1e6;
    let sources = pages(ext);
    assert!(!sources.is_empty(), "no fixture pages with extension {ext}");
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("create OUT_DIR");
    let mut written = 0usize;
    let mut big = String::new();
    let mut i = 0usize;
    while (written as f64) < target {
        // Vary each copy a little so no two pages are byte-identical (a heading with its number).
        let page = &sources[i % sources.len()];
        let body = match ext.as_str() {
            "html" => page.replacen("<main>", &format!("<main>\n<h1>Page {i}</h1>"), 1),
            "md" => format!("# Page {i}\n\n{page}"),
            _ => format!("Page {i}\n\n{page}"),
        };
        written += body.len();
        if mode == "one" {
            big.push_str(&body);
            big.push_str("\n\n");
        } else {
            let sub = dir.join(format!("{:03}", i / 500));
            std::fs::create_dir_all(&sub).expect("create subdir");
            std::fs::write(sub.join(format!("page-{i:06}.{ext}")), body).expect("write page");
        }
        i += 1;
    }
    if mode == "one" {
        std::fs::write(dir.join(format!("all.{ext}")), big).expect("write file");
    }
    eprintln!("wrote {written} bytes in {} page(s) to {}", i, dir.display());
}

/// Writes `n` phrase rules (codes D500, C500, ... E642 for 1,000), two phrases each, built from marketing and clinical
/// words so that some occur in the fixture pages (as a site's own rules would): the rule-count
/// scaling bench (issue 7: 1,000 extra rules may cost at most 1.5x).
fn user_rules(dir: &std::path::Path, n: usize) {
    const FIRST: &[&str] = &[
        "luxury",
        "resort",
        "beachfront",
        "holistic",
        "premier",
        "exclusive",
        "guaranteed",
        "rapid",
        "painless",
        "natural",
        "proven",
        "complete",
        "permanent",
        "instant",
        "safe",
        "gentle",
        "elite",
        "private",
        "medical",
        "supervised",
        "alcohol",
        "opioid",
        "baclofen",
        "gabapentin",
        "kratom",
        "suboxone",
        "withdrawal",
        "detox",
        "recovery",
        "treatment",
        "addiction",
        "craving",
        "relapse",
        "sober",
        "clinical",
        "daily",
        "lasting",
        "fast",
        "free",
        "affordable",
    ];
    const SECOND: &[&str] = &[
        "detox",
        "rehab",
        "cure",
        "program",
        "care",
        "recovery",
        "results",
        "treatment",
        "therapy",
        "retreat",
        "center",
        "support",
        "plan",
        "protocol",
        "method",
        "solution",
        "relief",
        "symptoms",
        "dose",
        "use",
        "disorder",
        "cravings",
        "effects",
        "medication",
        "sobriety",
        "success",
        "outcomes",
        "stay",
        "healing",
        "wellness",
    ];
    std::fs::create_dir_all(dir).expect("create DIR");
    for i in 0..n {
        let a = |k: usize| format!("{} {}", FIRST[(i * 7 + k) % FIRST.len()], SECOND[(i * 13 + k * 5) % SECOND.len()]);
        let code = format!("{}{}", ['D', 'C', 'S', 'X', 'M', 'L', 'E'][i % 7], 500 + i / 7);
        let rule = format!(
            "code = \"{code}\"\nname = \"user-phrase-{c:04}\"\nkind = \"phrase\"\nseverity = \"info\"\n\
             summary = \"Site phrase {c}.\"\nmessage = \"site wording `{{match}}`\"\n\n[trigger]\n\
             phrases = [\"{p1} {i}\", \"{p2}\"]\n\n[docs]\nwhat = \"w\"\nwhy = \"w\"\nauthority = \"site style guide\"\nexample = \"{p2}\"\nfix = \"f\"\n",
            c = i + 1,
            p1 = a(0),
            p2 = a(i / FIRST.len() + 1),
        );
        std::fs::write(dir.join(format!("{code}-user-phrase-{:04}.toml", i + 1)), rule).expect("write rule");
    }
}

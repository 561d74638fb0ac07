//! One run: resolve each input's configuration, load, parse, lint (in parallel, a window of files
//! at a time, output in path order), apply per-file settings and inline suppressions, then pair
//! assertions across files.

use std::collections::HashMap;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{render, Diagnostic, Edit, Fix, Related};
use crate::discover::{decode_with, Input};
use crate::document::{Document, Format};
use crate::engine::{shown, Engine, Finding, Scale};
use crate::pack::{Pack, Rule};
use crate::source::SourceFile;
use crate::{cli, Error};

/// Results for one input.
#[derive(Debug)]
pub struct FileReport {
    /// Path as shown.
    pub path: String,
    /// The input format.
    pub format: Format,
    /// The decoded source (absent when it could not be read).
    pub source: Option<Arc<SourceFile>>,
    /// Diagnostics sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Why the file could not be linted.
    pub error: Option<Error>,
    /// Index of the profile (configuration) that linted it.
    pub profile: usize,
}

/// Results of a run, files in input order.
#[derive(Debug, Default)]
pub struct Report {
    /// One entry per input.
    pub files: Vec<FileReport>,
    /// Errors not tied to a readable input (missing paths).
    pub errors: Vec<Error>,
}

impl Report {
    /// All diagnostics in output order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|f| f.diagnostics.iter())
    }

    /// The source of a path in this run (files are in path order).
    pub fn source(&self, path: &str) -> Option<&SourceFile> {
        match self.files.binary_search_by(|f| f.path.as_str().cmp(path)) {
            Ok(i) => self.files[i].source.as_deref(),
            // A report assembled by hand, out of order.
            Err(_) => self.files.iter().find(|f| f.path == path).and_then(|f| f.source.as_deref()),
        }
    }

    /// All errors: inputs that could not be linted and paths that could not be read.
    pub fn all_errors(&self) -> impl Iterator<Item = &Error> {
        self.errors.iter().chain(self.files.iter().filter_map(|f| f.error.as_ref()))
    }
}

/// Options of a run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Pair assertions across documents.
    pub cross_file: bool,
    /// Files larger than this many bytes are reported and skipped.
    pub max_file_size: u64,
    /// Replace invalid UTF-8 / UTF-16 with U+FFFD instead of reporting an error.
    pub lossy: bool,
}

/// Default `--max-file-size`: 32 MiB, far beyond any web page, small enough to bound memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 32 << 20;

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { cross_file: true, max_file_size: DEFAULT_MAX_FILE_SIZE, lossy: false }
    }
}

/// A configuration with the engine built for it.
#[derive(Debug)]
pub struct Profile {
    /// The configuration (defaults when no file was found).
    pub config: Config,
    /// The compiled rule pack with this configuration's selection.
    pub engine: Engine,
}

/// Command-line settings that apply on top of every configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--select` (replaces the configuration's `select`).
    pub select: Vec<String>,
    /// `--ignore` (added to the configuration's `ignore`).
    pub ignore: Vec<String>,
    /// `--rules` (added to the configuration's `rules`).
    pub rule_packs: Vec<PathBuf>,
    /// What the run's engines are built for: [`Scale::StartUp`] when it lints little text.
    pub scale: Scale,
}

/// Loads rule files from the embedded pack and `extra` paths (files or directories).
pub fn load_pack(extra: &[PathBuf]) -> crate::Result<Pack> {
    if extra.is_empty() {
        return Pack::embedded_for_run();
    }
    let mut files: Vec<(String, String)> =
        Pack::embedded_run_files().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    for root in extra {
        for path in toml_files(root)? {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::Io { path: path.clone(), source: e })?;
            files.push((path.display().to_string(), text));
        }
    }
    Pack::from_files(files)
}

fn toml_files(root: &Path) -> crate::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(root).map_err(|e| Error::Io { path: root.to_path_buf(), source: e })?;
    if meta.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(root).build().flatten() {
        if entry.path().extension().is_some_and(|e| e == "toml") && entry.file_type().is_some_and(|t| t.is_file()) {
            out.push(entry.path().to_path_buf());
        }
    }
    out.sort();
    Ok(out)
}

impl Profile {
    /// A profile with the default configuration around an existing engine.
    pub fn from_engine(engine: Engine) -> Profile {
        Profile { config: Config::default(), engine }
    }

    /// Builds the engine for `config`: its rule packs, lexicon extensions, rule options and
    /// selection, with the command-line overrides on top.
    pub fn build(config: Config, cli: &Overrides) -> crate::Result<Profile> {
        let mut packs = config.rule_packs.clone();
        packs.extend(cli.rule_packs.iter().cloned());
        let mut pack = load_pack(&packs)?;
        pack.extend_lexicon("facility", &config.facility_names, &[])?;
        pack.extend_lexicon("disclaimer_accepted", &config.disclaimer_phrases, &config.disclaimer_patterns)?;
        for rule in &mut pack.rules {
            if let Some(o) = config.rule_options.get(&rule.code) {
                if let (Some(scope), Some(req)) = (o.scope, rule.requires.as_mut()) {
                    req.scope = scope;
                }
                rule.options.extend(o.options.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        for sel in cli.select.iter().chain(&cli.ignore) {
            if !pack.rules.iter().any(|r| cli::selects(sel, &r.code, &r.name)) {
                return Err(Error::UnknownSelector(sel.clone()));
            }
        }
        let mut engine = Engine::with_scale(pack, cli.scale)?;
        let select: Option<&Vec<String>> =
            if cli.select.is_empty() { config.select.as_ref() } else { Some(&cli.select) };
        let any = |list: &[String], r: &Rule| list.iter().any(|s| cli::selects(s, &r.code, &r.name));
        engine.retain(|r| {
            let selected = select.is_none_or(|s| any(s, r)) || any(&config.extend_select, r);
            selected && !any(&config.ignore, r) && !any(&cli.ignore, r)
        });
        Ok(Profile { config, engine })
    }
}

/// An assertion mapped to source coordinates, for the corpus pass.
#[derive(Debug, Clone)]
struct Record {
    code: String,
    subject: Option<String>,
    low: bool,
    span: Range<usize>,
    text: String,
    paired: bool,
    value: Option<f64>,
}

/// Lints one source text with the default configuration. Returns diagnostics sorted by position.
pub fn lint_source(engine: &Engine, path: &str, text: &str, format: Format) -> Vec<Diagnostic> {
    let config = Config::default();
    lint_one(engine, &config, &SourceFile::new(path, text), format).0
}

impl Profile {
    /// Lints one source text with this profile's configuration.
    pub fn lint_source(&self, path: &str, text: &str, format: Format) -> Vec<Diagnostic> {
        lint_one(&self.engine, &self.config, &SourceFile::new(path, text), format).0
    }
}

fn lint_one(engine: &Engine, config: &Config, src: &SourceFile, format: Format) -> (Vec<Diagnostic>, Vec<Record>) {
    let (path, text) = (src.path.as_str(), src.text.as_str());
    let skip: &[String] =
        if config.html_skip.is_empty() { crate::document::default_html_skip() } else { &config.html_skip };
    let doc = Document::parse_with(text, format, skip);
    let outcome = engine.lint(&doc);
    let mut diags: Vec<Diagnostic> = outcome.findings.iter().map(|f| to_diagnostic(engine, &doc, path, f)).collect();
    per_file(engine, config, src, format, &mut diags);
    sort(&mut diags);
    let records = outcome
        .assertions
        .into_iter()
        .map(|a| Record {
            code: engine.pack().rules[a.rule].code.clone(),
            subject: a.subject,
            low: a.low,
            text: shown(doc.slice(&a.span)),
            span: doc.source_span(&a.span),
            paired: a.paired,
            value: a.value,
        })
        .collect();
    (diags, records)
}

/// Per-file settings: `[per-file-ignores]`, `[severity]`, the configured disclaimer fix, inline
/// suppressions and their bookkeeping (E009, E010).
fn per_file(engine: &Engine, config: &Config, src: &SourceFile, format: Format, diags: &mut Vec<Diagnostic>) {
    let path = Path::new(&src.path);
    let ignored = config.ignored_for(path);
    let selected = |code: &str, name: &str| !ignored.iter().any(|s| cli::selects(s, code, name));
    diags.retain(|d| selected(&d.code, &d.name));
    for d in diags.iter_mut() {
        if let Some((_, sev)) = config.severity.iter().rev().find(|(s, _)| cli::selects(s, &d.code, &d.name)) {
            d.severity = *sev;
        }
        if d.code == "D001" {
            if let Some(text) = &config.disclaimer_text {
                d.fix = Some(Fix { edits: vec![disclaimer_insertion(&src.text, format, text)] });
            }
        }
    }
    let outcome = crate::suppress::apply(src, format, diags, config.require_reason);
    let pack = engine.pack();
    let mut meta = |code: &str, span: &Range<usize>, label: &str| {
        let Some((i, rule)) = pack.rules.iter().enumerate().find(|(_, r)| r.code == code) else { return };
        if !engine.is_enabled(i) || !selected(&rule.code, &rule.name) {
            return;
        }
        let matched = shown(src.text.get(span.clone()).unwrap_or(""));
        let args = [("match", matched)];
        diags.push(Diagnostic {
            path: src.path.clone(),
            code: rule.code.clone(),
            name: rule.name.clone(),
            severity: config
                .severity
                .iter()
                .rev()
                .find(|(s, _)| cli::selects(s, &rule.code, &rule.name))
                .map_or(rule.severity, |(_, s)| *s),
            message: render(&rule.message, &args),
            label: label.to_string(),
            span: span.clone(),
            related: Vec::new(),
            help: rule.help.as_ref().map(|h| render(h, &args)),
            fix: None,
            url: rule.url(),
        });
    };
    for d in &outcome.unused {
        meta("E009", &d.span, "suppresses nothing");
    }
    for d in &outcome.unexplained {
        meta("E010", &d.span, "no reason after `--`");
    }
}

/// Where and how the configured disclaimer is appended.
fn disclaimer_insertion(text: &str, format: Format, disclaimer: &str) -> Edit {
    match format {
        Format::Html => {
            let at = text.to_ascii_lowercase().rfind("</body>").unwrap_or(text.len());
            Edit {
                span: at..at,
                replacement: format!("<p class=\"medical-disclaimer\">{}</p>\n", html_escape(disclaimer)),
            }
        }
        _ => {
            let sep = if text.ends_with("\n\n") {
                ""
            } else if text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            Edit { span: text.len()..text.len(), replacement: format!("{sep}{disclaimer}\n") }
        }
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (a.span.start, a.span.end, &a.code).cmp(&(b.span.start, b.span.end, &b.code)));
}

fn to_diagnostic(engine: &Engine, doc: &Document, path: &str, f: &Finding) -> Diagnostic {
    let rule = &engine.pack().rules[f.rule];
    let map = |s: &Range<usize>| if f.in_source { s.clone() } else { doc.source_span(s) };
    Diagnostic {
        path: path.to_string(),
        code: rule.code.clone(),
        name: rule.name.clone(),
        severity: f.severity,
        message: render(&rule.message, &f.args),
        label: f.label.clone().unwrap_or_default(),
        span: map(&f.span),
        related: f
            .related
            .iter()
            .map(|(s, m)| Related {
                path: path.to_string(),
                span: doc.source_span(s),
                message: m.clone(),
                repeat: false,
            })
            .chain(f.repeats.iter().map(|s| Related {
                path: path.to_string(),
                span: doc.source_span(s),
                message: "also here".into(),
                repeat: true,
            }))
            .collect(),
        help: rule.help.as_ref().map(|h| render(h, &f.args)),
        fix: (!f.fix.is_empty()).then(|| Fix {
            edits: f.fix.iter().map(|(s, r)| Edit { span: doc.source_span(s), replacement: r.clone() }).collect(),
        }),
        url: rule.url(),
    }
}

fn read(input: &Input, options: RunOptions) -> Result<String, Error> {
    if let Some(text) = &input.contents {
        return Ok(text.as_str().to_string());
    }
    let io = |e| Error::Io { path: input.path.clone(), source: e };
    let too_large = |size: u64| Error::TooLarge { path: input.path.clone(), size, limit: options.max_file_size };
    let mut bytes = Vec::new();
    if input.stdin {
        std::io::stdin().take(options.max_file_size + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > options.max_file_size {
            return Err(too_large(bytes.len() as u64));
        }
    } else {
        bytes = read_file(&input.path, options.max_file_size).map_err(io)?.map_err(too_large)?;
    }
    decode_with(&input.path, bytes, options.lossy)
}

/// A file's bytes, or its size if that is over `limit`. One `open`, one `fstat` and, for a
/// regular file, reads up to the size `fstat` gave: `fs::metadata` and then `fs::read` looked
/// the path up twice, stat-ed it twice and read once more to find the end (22% of a one-core run
/// over 15,591 700-byte pages, mostly system calls). A file that grows meanwhile is read as it was
/// when opened; one whose size is not known beforehand (a pipe, `/proc`) is read to its end.
fn read_file(path: &Path, limit: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Ok(Err(size));
    }
    let mut bytes = Vec::new();
    if size == 0 {
        file.take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Ok(Err(bytes.len() as u64));
        }
        return Ok(Ok(bytes));
    }
    // `size` is at most `limit`, which the user set: a failed allocation is an error, not a panic.
    let wanted = usize::try_from(size).map_err(std::io::Error::other)?;
    bytes.try_reserve_exact(wanted).map_err(std::io::Error::other)?;
    bytes.resize(wanted, 0);
    let mut filled = 0;
    while filled < wanted {
        match (&file).read(&mut bytes[filled..]) {
            Ok(0) => break, // it shrank
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(filled);
    Ok(Ok(bytes))
}

/// Lints every input with one engine and the default configuration.
pub fn lint_inputs(engine: &Engine, inputs: &[Input], options: RunOptions) -> Report {
    let config = Config::default();
    run(&[(engine, &config)], inputs, &vec![0; inputs.len()], options)
}

/// Lints every input with its profile (`assign[i]` indexes `profiles`).
pub fn lint_with_profiles(profiles: &[Profile], inputs: &[Input], assign: &[usize], options: RunOptions) -> Report {
    let views: Vec<(&Engine, &Config)> = profiles.iter().map(|p| (&p.engine, &p.config)).collect();
    run(&views, inputs, assign, options)
}

/// Lints every input with its profile, in path order, [`WINDOW`] files at a time: each window's
/// reports go to `sink` as soon as they are done, and are dropped after it, so memory holds one
/// window of sources and findings (and every file's cross-file assertions, which are small), not
/// the corpus. Then come the cross-file findings (`sink`'s flag set), which exist only once every
/// file is linted: windows of the pages that received one, with the pages they cite (no
/// diagnostics of their own), both read again for their sources. A `sink` error stops the run.
pub fn lint_streaming(
    profiles: &[Profile],
    inputs: &[Input],
    assign: &[usize],
    options: RunOptions,
    sink: &mut dyn FnMut(Vec<FileReport>, bool) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let views: Vec<(&Engine, &Config)> = profiles.iter().map(|p| (&p.engine, &p.config)).collect();
    run_windows(&views, inputs, assign, options, sink)
}

/// Files linted at a time by [`lint_streaming`]: enough per thread that the pause at the end of a
/// window is rare (64 cost ~15% on 2 cores with 700-byte pages), few enough that a window of pages
/// and their findings is a few megabytes (at 128: 62 MB peak RSS on 100 MB of 7 KB pages; 256: 65).
pub const WINDOW: usize = 128;

/// A linted file's cross-file assertions, kept until every file is linted.
struct Pending {
    input: usize,
    path: String,
    profile: usize,
    format: Format,
    records: Vec<Record>,
    /// Length and hash of the text that was linted: the file is read again only if it still has it.
    digest: (usize, u64),
    /// The source itself when it cannot be read again (standard input).
    kept: Option<Arc<SourceFile>>,
}

/// The contradicting assertions kept for pairing, per (rule, drug). A reassuring claim pairs with
/// the first one, in path order, on another page whose value it does not undercut (see
/// [`cross_file`]). An assertion with two earlier ones on two different pages that pair with every
/// claim it pairs with (no value, or a value at most its own) can never be that first one, so it
/// is not kept: the kept ones stay few however many pages repeat a statement.
#[derive(Default)]
struct Frontier {
    /// Per rule code, then drug: what its kept assertions cover.
    kept: HashMap<String, HashMap<String, Cover>>,
}

/// What the kept assertions of one (rule, drug) cover, in constant space: an assertion is covered
/// when kept ones on two different pages have no value or a value at most its own. The first two
/// pages with a valueless one, and the two pages whose lowest values are lowest, tell that as well
/// as every kept assertion would (a page repeating a statement a thousand times keeps it a
/// thousand times, and would otherwise make each check scan them all).
#[derive(Default)]
struct Cover {
    /// The first two distinct pages with a valueless kept assertion.
    valueless: [Option<usize>; 2],
    /// (lowest value, page) of the two pages with the lowest values, lowest first.
    lowest: [Option<(f64, usize)>; 2],
}

impl Cover {
    /// Whether kept assertions on two different pages cover an assertion with `value`.
    fn covers(&self, value: Option<f64>) -> bool {
        let valued = self.lowest.iter().flatten().filter(|(o, _)| value.is_some_and(|v| *o <= v)).map(|(_, p)| p);
        let mut pages = self.valueless.iter().flatten().chain(valued);
        let first = pages.next();
        first.is_some_and(|f| pages.any(|p| p != f))
    }

    /// Records a kept assertion on `page`.
    fn add(&mut self, page: usize, value: Option<f64>) {
        match value {
            None => {
                if !self.valueless.contains(&Some(page)) {
                    if let Some(slot) = self.valueless.iter_mut().find(|s| s.is_none()) {
                        *slot = Some(page);
                    }
                }
            }
            // No value is at least NaN: it covers nothing.
            Some(v) if v.is_nan() => {}
            Some(v) => {
                let lowest = &mut self.lowest;
                // A page already there keeps its lowest value; another takes the second place if
                // it beats what is there (or it is free); then the lower of the two goes first.
                if let Some(known) = lowest.iter_mut().flatten().find(|(_, p)| *p == page) {
                    known.0 = known.0.min(v);
                } else if lowest[1].is_none_or(|(second, _)| v < second) {
                    lowest[1] = Some((v, page));
                }
                if matches!(*lowest, [None, Some(_)]) || matches!(*lowest, [Some((a, _)), Some((b, _))] if b < a) {
                    lowest.swap(0, 1);
                }
            }
        }
    }
}

impl Frontier {
    /// The records of page `page` worth keeping.
    fn keep(&mut self, page: usize, mut records: Vec<Record>) -> Vec<Record> {
        records.retain(|r| {
            let Some(subject) = r.subject.as_ref().filter(|_| !r.low) else { return true };
            let cover = self.kept.entry(r.code.clone()).or_default().entry(subject.clone()).or_default();
            if cover.covers(r.value) {
                return false;
            }
            cover.add(page, r.value);
            true
        });
        // They are kept until the end of the run: without the room of the page's other assertions
        // (a page's dozens keep one or two; the allocation's rest stayed with them, ~3 KB a page,
        // 15 MB of the 100 MB corpus's peak).
        records.shrink_to_fit();
        records
    }
}

/// What tells whether a file changed before the tail reads it again: its length and a hash of its
/// text eight bytes at a time (FxHash's step; a byte at a time was 1.4% of a run over 10 MB).
fn digest(text: &str) -> (usize, u64) {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut words = text.as_bytes().chunks_exact(8);
    let mut h = words.by_ref().fold(0, |h, w| step(h, <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes)));
    for &b in words.remainder() {
        h = step(h, u64::from(b));
    }
    (text.len(), h)
}

/// Reads and lints one input: its report (none for a binary file found by walking a directory)
/// and its cross-file assertions.
fn lint_input(
    profiles: &[(&Engine, &Config)],
    input: &Input,
    p: usize,
    options: RunOptions,
) -> (Option<FileReport>, Vec<Record>, (usize, u64)) {
    let (engine, config) = profiles[p];
    let path = input.path.display().to_string();
    match read(input, options) {
        Ok(text) => {
            let source = Arc::new(SourceFile::new(path.clone(), text));
            let (diagnostics, mut records) = lint_one(engine, config, &source, input.format);
            // Only what can pair across pages is kept until the end of the run: assertions about a
            // named drug, and of the reassuring ones only those no statement on their page met.
            records.retain(|r| r.subject.is_some() && !(r.low && r.paired));
            let digest = if records.is_empty() { (0, 0) } else { digest(&source.text) };
            let report =
                FileReport { path, format: input.format, source: Some(source), diagnostics, error: None, profile: p };
            (Some(report), records, digest)
        }
        Err(Error::Binary { .. }) if !input.explicit => (None, Vec::new(), (0, 0)),
        Err(e) => {
            let report = FileReport {
                path,
                format: input.format,
                source: None,
                diagnostics: Vec::new(),
                error: Some(e),
                profile: p,
            };
            (Some(report), Vec::new(), (0, 0))
        }
    }
}

/// The whole report in memory: every window, with the cross-file findings merged into their files.
fn run(profiles: &[(&Engine, &Config)], inputs: &[Input], assign: &[usize], options: RunOptions) -> Report {
    let mut files: Vec<FileReport> = Vec::new();
    // Collecting cannot fail.
    let _ = run_windows(profiles, inputs, assign, options, &mut |window, cross_file| {
        if !cross_file {
            files.extend(window);
            return Ok(());
        }
        for t in window.into_iter().filter(|t| !t.diagnostics.is_empty()) {
            if let Ok(i) = files.binary_search_by(|f| f.path.cmp(&t.path)) {
                files[i].diagnostics.extend(t.diagnostics);
                sort(&mut files[i].diagnostics);
            }
        }
        Ok(())
    });
    Report { files, errors: Vec::new() }
}

fn run_windows(
    profiles: &[(&Engine, &Config)],
    inputs: &[Input],
    assign: &[usize],
    options: RunOptions,
    sink: &mut dyn FnMut(Vec<FileReport>, bool) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // Output in path order, whatever order the paths were given in; `Report::source` relies on it.
    let mut order: Vec<(String, usize)> =
        inputs.iter().enumerate().map(|(i, x)| (x.path.display().to_string(), i)).collect();
    order.sort();
    let mut pending: Vec<Pending> = Vec::new();
    let mut frontier = Frontier::default();
    // The reports of one window, in path order; what pairs across pages goes to `pending`.
    let mut window_reports = |window: &[(String, usize)], pending: &mut Vec<Pending>| {
        let lint = |&(_, i): &(String, usize)| {
            let p = assign.get(i).copied().unwrap_or(0);
            (i, lint_input(profiles, &inputs[i], p, options))
        };
        // One page (an editor saving, a pre-commit hook) is linted on this thread: starting the
        // thread pool and a writer thread cost it more than they could save.
        let results: Vec<_> =
            if window.len() == 1 { window.iter().map(lint).collect() } else { window.par_iter().map(lint).collect() };
        let mut files = Vec::with_capacity(results.len());
        for (i, (report, records, digest)) in results {
            let Some(r) = report else { continue };
            let records = if options.cross_file { frontier.keep(pending.len(), records) } else { Vec::new() };
            if !records.is_empty() {
                let kept = r.source.clone().filter(|_| inputs[i].stdin);
                let (path, profile, format) = (r.path.clone(), r.profile, r.format);
                pending.push(Pending { input: i, path, profile, format, records, digest, kept });
            }
            files.push(r);
        }
        files
    };
    let written = if order.len() == 1 {
        let files = window_reports(&order, &mut pending);
        sink(files, false)
    } else {
        // One thread lints windows (on the rayon pool) while this one writes the previous window:
        // the channel holds one finished window, so at most three are in memory.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<FileReport>>(1);
            let producer = scope.spawn(|| {
                for window in order.chunks(WINDOW) {
                    if tx.send(window_reports(window, &mut pending)).is_err() {
                        break; // the writer stopped
                    }
                }
                drop(tx);
            });
            let mut written = Ok(());
            for files in rx.iter() {
                if let Err(e) = sink(files, false) {
                    written = Err(e);
                    break;
                }
            }
            drop(rx);
            if let Err(panic) = producer.join() {
                std::panic::resume_unwind(panic);
            }
            written
        })
    };
    written?;
    let pairs = if options.cross_file { cross_file(profiles, &pending) } else { Vec::new() };
    tail(profiles, inputs, options, &pending, pairs, sink)
}

/// Hands the cross-file findings to `sink` as reports, [`WINDOW`] receiving pages at a time in
/// path order, each window with the pages its findings cite (no diagnostics of their own). Each of
/// those pages is read again for its source; a page that changed during the run loses its
/// findings. Inline suppressions apply as on the first pass.
fn tail(
    profiles: &[(&Engine, &Config)],
    inputs: &[Input],
    options: RunOptions,
    pending: &[Pending],
    pairs: Vec<Pair>,
    sink: &mut dyn FnMut(Vec<FileReport>, bool) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut by_file: std::collections::BTreeMap<usize, Vec<Pair>> = std::collections::BTreeMap::new();
    for pair in pairs {
        by_file.entry(pair.page).or_default().push(pair);
    }
    let receivers: Vec<(usize, Vec<Pair>)> = by_file.into_iter().collect();
    let mut chunks = receivers.into_iter().peekable();
    while chunks.peek().is_some() {
        let chunk: Vec<_> = chunks.by_ref().take(WINDOW).collect();
        // The window's pages and the pages they cite are read again on the pool: one thread
        // reading and indexing them in turn left the other core idle for a tenth of a run.
        let mut wanted: Vec<usize> =
            chunk.iter().flat_map(|(fi, found)| std::iter::once(*fi).chain(found.iter().map(|p| p.cited))).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let load = |pi: usize| -> Option<Arc<SourceFile>> {
            let p = &pending[pi];
            if p.kept.is_some() {
                return p.kept.clone();
            }
            let text = read(&inputs[p.input], options).ok().filter(|t| digest(t) == p.digest)?;
            Some(Arc::new(SourceFile::new(p.path.clone(), text)))
        };
        let loaded: Vec<Option<Arc<SourceFile>>> = wanted.par_iter().map(|&pi| load(pi)).collect();
        let source = |pi: usize| wanted.binary_search(&pi).ok().and_then(|k| loaded[k].clone());
        let reports: Vec<(FileReport, Vec<usize>)> = chunk
            .into_par_iter()
            .filter_map(|(fi, found)| {
                let p = &pending[fi];
                let src = source(fi)?;
                let mut diags = Vec::new();
                let mut cited = Vec::new();
                for pair in found {
                    if source(pair.cited).is_some() {
                        cited.push(pair.cited);
                        diags.extend(pair.diagnostic(profiles, pending));
                    }
                }
                crate::suppress::apply(&src, p.format, &mut diags, profiles[p.profile].1.require_reason);
                sort(&mut diags);
                let report = FileReport {
                    path: p.path.clone(),
                    format: p.format,
                    source: Some(src),
                    diagnostics: diags,
                    error: None,
                    profile: p.profile,
                };
                Some((report, cited))
            })
            .collect();
        let mut out: Vec<FileReport> = Vec::with_capacity(reports.len());
        let mut cited: Vec<usize> = Vec::new();
        for (report, c) in reports {
            out.push(report);
            cited.extend(c);
        }
        // Many pages cite the same one: each is looked for among the reports once.
        cited.sort_unstable();
        cited.dedup();
        for gi in cited {
            let p = &pending[gi];
            if !out.iter().any(|f| f.path == p.path) {
                let source = source(gi);
                let report = FileReport {
                    path: p.path.clone(),
                    format: p.format,
                    source,
                    diagnostics: Vec::new(),
                    error: None,
                    profile: p.profile,
                };
                out.push(report);
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        sink(out, true)?;
    }
    Ok(())
}

/// A reassuring assertion that met no contradiction on its own page, paired with the first
/// contradicting one about the same drug on another page: indices into `pending` and into those
/// pages' records. Its diagnostic is made when its page is written ([`tail`]), so the run holds
/// pairs, not diagnostics, however many pages repeat the claim.
struct Pair {
    page: usize,
    low: usize,
    cited: usize,
    high: usize,
}

impl Pair {
    /// The finding on the reassuring claim's page (none if its rule is gone).
    fn diagnostic(&self, profiles: &[(&Engine, &Config)], pending: &[Pending]) -> Option<Diagnostic> {
        let f = &pending[self.page];
        let (r, h) = (&f.records[self.low], &pending[self.cited].records[self.high]);
        let (engine, config) = profiles[f.profile];
        let rule = engine.pack().rule(&r.code)?;
        let label = rule.conflict.as_ref().map_or_else(|| "contradicted here".to_string(), |c| c.label.clone());
        let topic = rule.conflict.as_ref().map_or_else(String::new, |c| c.topic.clone());
        let drug = r.subject.clone().unwrap_or_default();
        let args = [("match", r.text.clone()), ("other", h.text.clone()), ("drug", drug), ("topic", topic)];
        let other_path = pending[self.cited].path.clone();
        let mut d = Diagnostic {
            path: f.path.clone(),
            code: rule.code.clone(),
            name: rule.name.clone(),
            severity: rule.severity,
            message: [&render(&rule.message, &args), " (in ", &other_path, ")"].concat(),
            label: "the reassuring claim".into(),
            span: r.span.clone(),
            related: vec![Related { path: other_path, span: h.span.clone(), message: label, repeat: false }],
            help: rule.help.as_ref().map(|x| render(x, &args)),
            fix: None,
            url: rule.url(),
        };
        if let Some((_, sev)) = config.severity.iter().rev().find(|(s, _)| cli::selects(s, &d.code, &d.name)) {
            d.severity = *sev;
        }
        Some(d)
    }
}

/// A reassuring assertion that met no contradiction on its own page is checked against the
/// contradicting assertions of the other pages about the same drug: the first that its value does
/// not undercut, in path order, pairs with it; one pair per page, rule and drug.
#[allow(clippy::type_complexity)]
fn cross_file(profiles: &[(&Engine, &Config)], pending: &[Pending]) -> Vec<Pair> {
    // Per (rule code, drug): (page, record index, record) of each contradicting assertion.
    let mut highs: HashMap<(&str, &str), Vec<(usize, usize, &Record)>> = HashMap::new();
    for (fi, f) in pending.iter().enumerate() {
        for (hi, r) in f.records.iter().enumerate().filter(|(_, r)| !r.low) {
            if let Some(s) = &r.subject {
                highs.entry((r.code.as_str(), s.as_str())).or_default().push((fi, hi, r));
            }
        }
    }
    let mut pairs = Vec::new();
    for (fi, f) in pending.iter().enumerate() {
        let (engine, config) = profiles[f.profile];
        let mut done: Vec<(&str, &str)> = Vec::new();
        for (li, r) in f.records.iter().enumerate().filter(|(_, r)| r.low && !r.paired) {
            let Some(s) = &r.subject else { continue };
            let partner = highs.get(&(r.code.as_str(), s.as_str())).and_then(|hs| {
                hs.iter().find(|(gi, _, h)| {
                    *gi != fi
                        && match (r.value, h.value) {
                            (Some(low), Some(high)) => high <= low,
                            _ => true,
                        }
                })
            });
            let Some(&(gi, hi, _)) = partner else { continue };
            if done.contains(&(r.code.as_str(), s.as_str())) {
                continue;
            }
            done.push((r.code.as_str(), s.as_str()));
            let Some(rule) = engine.pack().rule(&r.code) else { continue };
            if config.ignored_for(Path::new(&f.path)).iter().any(|sel| cli::selects(sel, &rule.code, &rule.name)) {
                continue;
            }
            pairs.push(Pair { page: fi, low: li, cited: gi, high: hi });
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A file is read whole and exactly, up to and including the limit; one byte over is refused
    /// with its size.
    #[test]
    fn read_file_reads_exactly_up_to_the_limit() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        for len in [0usize, 1, 31, 32, 33, 4095, 4096, 70_000] {
            let path = dir.path().join(format!("{len}.txt"));
            let bytes: Vec<u8> = (0..len).map(|i| b"abcdefghij"[i % 10]).collect();
            std::fs::write(&path, &bytes)?;
            assert_eq!(read_file(&path, len as u64)?, Ok(bytes.clone()), "{len} bytes, limit {len}");
            if len > 0 {
                assert_eq!(read_file(&path, len as u64 - 1)?, Err(len as u64), "{len} bytes, one over");
            }
        }
        assert!(read_file(&dir.path().join("missing.txt"), 10).is_err());
        Ok(())
    }

    /// A file whose size is not known beforehand (a FIFO) is read to its end, and held to the limit.
    #[cfg(unix)]
    #[test]
    fn read_file_reads_a_fifo_to_its_end() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo").arg(&path).status()?;
        assert!(made.success());
        let body = "Baclofen is not addictive.\n".repeat(500);
        for (limit, want) in [(1_000_000, Ok(body.clone().into_bytes())), (100, Err(101))] {
            let (p, b) = (path.clone(), body.clone());
            let writer = std::thread::spawn(move || std::fs::write(p, b));
            assert_eq!(read_file(&path, limit)?, want);
            // The reader stops at the limit; the writer then sees a closed pipe.
            let _ = writer.join();
        }
        Ok(())
    }

    /// A page edited anywhere (a byte of a full eight-byte word or of the tail) reads as changed.
    #[test]
    fn a_changed_byte_changes_the_digest() {
        let text = "Baclofen is not addictive, they say. Withdrawal can be severe!";
        let before = digest(text);
        assert_eq!(digest(text), before);
        for i in 0..text.len() {
            let mut edited = text.as_bytes().to_vec();
            edited[i] ^= 0x20;
            let edited = String::from_utf8_lossy(&edited);
            assert_ne!(digest(&edited), before, "byte {i}");
        }
        assert_ne!(digest(&text[1..]), before);
    }

    fn high(value: Option<f64>) -> Record {
        let subject = Some("kratom".to_string());
        Record { code: "X001".into(), subject, low: false, span: 0..1, text: "t".into(), paired: false, value }
    }

    /// Which high assertions survive, page by page.
    fn kept(pages: &[Vec<Option<f64>>]) -> Vec<Vec<Option<f64>>> {
        let mut f = Frontier::default();
        pages
            .iter()
            .enumerate()
            .map(|(i, vals)| f.keep(i, vals.iter().map(|v| high(*v)).collect()).into_iter().map(|r| r.value).collect())
            .collect()
    }

    /// The frontier as first written: every kept assertion, scanned for each new one.
    fn keep_by_scanning(
        kept: &mut Vec<(String, String, usize, Option<f64>)>,
        page: usize,
        records: &[Record],
    ) -> Vec<bool> {
        records
            .iter()
            .map(|r| {
                let Some(subject) = r.subject.as_ref().filter(|_| !r.low) else { return true };
                let covers = |other: &Option<f64>| match (other, r.value) {
                    (None, _) => true,
                    (Some(o), Some(v)) => *o <= v,
                    (Some(_), None) => false,
                };
                let mut pages =
                    kept.iter().filter(|(c, s, _, v)| *c == r.code && s == subject && covers(v)).map(|(_, _, p, _)| *p);
                let first = pages.next();
                if first.is_some_and(|f| pages.any(|p| p != f)) {
                    return false;
                }
                kept.push((r.code.clone(), subject.clone(), page, r.value));
                true
            })
            .collect()
    }

    fn record() -> impl Strategy<Value = Record> {
        let value = prop_oneof![
            Just(None),
            Just(Some(f64::NAN)),
            Just(Some(-0.0)),
            (-3i32..6).prop_map(|v| Some(f64::from(v) * 50.0)),
        ];
        (
            prop::sample::select(vec!["X001", "X006"]),
            prop::option::weighted(0.9, Just("a")),
            prop::bool::weighted(0.1),
            value,
        )
            .prop_map(|(code, subject, low, value)| Record {
                code: code.into(),
                subject: subject.map(String::from),
                low,
                span: 0..1,
                text: "t".into(),
                paired: false,
                value,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The constant-space frontier keeps exactly what scanning every kept assertion keeps.
        #[test]
        fn the_frontier_keeps_what_scanning_every_kept_assertion_keeps(
            pages in prop::collection::vec(prop::collection::vec(record(), 0..12), 0..8),
        ) {
            let mut frontier = Frontier::default();
            let mut scanned = Vec::new();
            for (page, records) in pages.into_iter().enumerate() {
                let expected: Vec<Option<f64>> = keep_by_scanning(&mut scanned, page, &records)
                    .into_iter()
                    .zip(&records)
                    .filter(|(keep, _)| *keep)
                    .map(|(_, r)| r.value)
                    .collect();
                let kept = frontier.keep(page, records);
                prop_assert_eq!(kept.capacity(), kept.len(), "room kept for dropped assertions");
                let kept: Vec<Option<f64>> = kept.into_iter().map(|r| r.value).collect();
                prop_assert_eq!(format!("{kept:?}"), format!("{expected:?}"), "page {}", page);
            }
        }
    }

    #[test]
    fn the_frontier_drops_only_assertions_that_can_never_pair_first() {
        // Without values: the first two pages' assertions cover every later one (the second on
        // page 1 as well: page 0's or page 1's first comes before it for a claim on any page).
        let none = vec![vec![None], vec![None, None], vec![None], vec![None]];
        assert_eq!(kept(&none), vec![vec![None], vec![None], vec![], vec![]]);
        // Two assertions on ONE page do not cover a third page (a claim on that page needs another).
        assert_eq!(kept(&[vec![None, None], vec![None]]), vec![vec![None, None], vec![None]]);
        // A lower value is not covered by higher ones; a higher value is, by two lower ones.
        let vals = vec![vec![Some(100.0)], vec![Some(200.0)], vec![Some(50.0)], vec![Some(300.0)], vec![Some(150.0)]];
        assert_eq!(
            kept(&vals),
            vec![vec![Some(100.0)], vec![Some(200.0)], vec![Some(50.0)], vec![], vec![]],
            "300 and 150 are covered by 100 and 50"
        );
        // Reassuring claims (low) and other drugs are never dropped.
        let mut f = Frontier::default();
        for page in 0..5 {
            let mut low = high(None);
            low.low = true;
            let mut other = high(None);
            other.subject = Some(format!("drug{page}"));
            assert_eq!(f.keep(page, vec![low, other]).len(), 2);
        }
    }
}

//! The command-line edge: parses arguments, runs the library, prints, chooses the exit code.

pub mod args;
pub mod explain;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use args::Args;
use args::{CheckArgs, ColorChoice, Command, FailOn, OutputFormat};

use crate::config::Config;
use crate::engine::Scale;
use crate::lint::load_pack;
use crate::pack::{Pack, Severity};
use crate::{discover, lint_with_profiles, output, Input, Overrides, Profile, Report, RunOptions};

/// Exit code: nothing at or above the fail level.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above the fail level.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: usage, I/O, rule or config error.
pub const EXIT_ERROR: u8 = 2;

/// Runs the parsed command line.
pub fn run(args: Args) -> ExitCode {
    let code = match args.command {
        Command::Check(c) => check(c),
        Command::Rules(r) => with_pack(|pack| emit(explain::rules_table(pack, r.json).as_bytes())),
        Command::Explain(e) => with_pack(|pack| match explain::explain(pack, &e.rule) {
            Some(text) => emit(text.as_bytes()),
            None => {
                eprintln!("error: no rule `{}` (try `copylint rules`)", e.rule);
                EXIT_ERROR
            }
        }),
        Command::Init => init(),
        Command::Server => crate::server::run(),
    };
    ExitCode::from(code)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn emit(bytes: &[u8]) -> u8 {
    emit_with(|out| out.write_all(bytes))
}

/// Writes output as it is produced (no copy of the whole output in memory).
fn emit_with(write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock>) -> std::io::Result<()>) -> u8 {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => EXIT_CLEAN,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

fn with_pack(f: impl FnOnce(&Pack) -> u8) -> u8 {
    match load_pack(&[]) {
        Ok(p) => f(&p),
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

fn init() -> u8 {
    let path = Path::new("copylint.toml");
    if path.exists() {
        eprintln!("error: copylint.toml already exists");
        return EXIT_ERROR;
    }
    match std::fs::write(path, Config::starter()) {
        Ok(()) => {
            eprintln!("wrote copylint.toml");
            EXIT_CLEAN
        }
        Err(e) => {
            eprintln!("error: copylint.toml: {e}");
            EXIT_ERROR
        }
    }
}

/// Whether `sel` (a code, a code prefix or a name) selects `code`/`name`.
pub fn selects(sel: &str, code: &str, name: &str) -> bool {
    let s = sel.trim();
    name == s || (!s.is_empty() && code.len() >= s.len() && code[..s.len()].eq_ignore_ascii_case(s))
}

fn fail(e: impl std::fmt::Display) -> u8 {
    eprintln!("error: {e}");
    EXIT_ERROR
}

/// Text up to which a run's engines are built for start-up ([`Scale::StartUp`]): a few pages, as
/// an editor or a pre-commit hook asks. Past it, the faster search repays the dearer build.
const START_UP_BYTES: u64 = 160 * 1024;

/// What to build the engines for, from the size of the inputs (standard input counts as a page).
fn scale_for(inputs: &[Input]) -> Scale {
    let mut total = 0u64;
    for input in inputs {
        total += if input.stdin { 16 * 1024 } else { std::fs::metadata(&input.path).map_or(0, |m| m.len()) };
        if total > START_UP_BYTES {
            return Scale::Throughput;
        }
    }
    Scale::StartUp
}

/// Resolves each input's configuration (nearest file walking up, or `--config`) and builds one
/// profile per distinct configuration.
fn profiles(args: &CheckArgs, inputs: &[Input], scale: Scale) -> crate::Result<(Vec<Profile>, Vec<usize>)> {
    // The embedded pack validates configuration files; loaded only if there is one.
    let base = std::cell::OnceCell::new();
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        rule_packs: args.extra_rules.clone(),
        scale,
    };
    let mut by_path: HashMap<Option<PathBuf>, usize> = HashMap::new();
    let mut dir_cache: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut profiles = Vec::new();
    let mut assign = Vec::with_capacity(inputs.len());
    let cwd = std::env::current_dir().unwrap_or_default();
    for input in inputs.iter().map(Some).chain(inputs.is_empty().then_some(None)) {
        let config_path = match &args.config {
            Some(p) => Some(p.clone()),
            None => {
                let dir = match input {
                    Some(i) if !i.stdin => i.path.parent().map(|p| cwd.join(p)).unwrap_or_else(|| cwd.clone()),
                    _ => cwd.clone(),
                };
                dir_cache.entry(dir.clone()).or_insert_with(|| crate::config::find(&dir)).clone()
            }
        };
        let idx = match by_path.get(&config_path) {
            Some(i) => *i,
            None => {
                let config = match &config_path {
                    Some(p) => {
                        let pack = match base.get() {
                            Some(pack) => pack,
                            None => {
                                let pack = load_pack(&[])?;
                                base.get_or_init(|| pack)
                            }
                        };
                        Config::load(p, pack)?
                    }
                    None => Config::default(),
                };
                profiles.push(Profile::build(config, &overrides)?);
                by_path.insert(config_path, profiles.len() - 1);
                profiles.len() - 1
            }
        };
        if input.is_some() {
            assign.push(idx);
        }
    }
    Ok((profiles, assign))
}

fn check(args: CheckArgs) -> u8 {
    // Spare threads compile the builtin checks' regexes while the pack loads: one those every page
    // needs, one those the inputs need (all of them for a large run). Two, not one after the other:
    // a page's lint would otherwise wait for the second set (a core idles while it does).
    // They start once the inputs are found: how the regexes are compiled depends on how much
    // there is to lint (finding one file takes a tenth of a millisecond).
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let (inputs, errors) = discover(&paths, args.stdin_filename.as_deref());
    let scale = scale_for(&inputs);
    crate::engine::compile::builtins_for(scale);
    std::thread::spawn(crate::checks::warm_up);
    let wanted = match scale {
        Scale::StartUp => Some(inputs.iter().filter(|i| !i.stdin).map(|i| i.path.clone()).collect()),
        Scale::Throughput => None,
    };
    std::thread::spawn(move || crate::checks::warm_for(wanted));
    let (profiles, assign) = match profiles(&args, &inputs, scale) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    // The process exits after this command: freeing the engines (automata, compiled patterns)
    // and, below, the report would only cost time (several ms for a single page).
    let profiles: &[Profile] = Box::leak(profiles.into_boxed_slice());
    let cross_file = !args.no_cross_file && profiles.iter().all(|p| p.config.cross_file != Some(false));
    let options =
        RunOptions { cross_file, max_file_size: args.max_file_size, lossy: args.encoding == args::Encoding::Lossy };
    let threshold = |profile: usize| match args.fail_on {
        Some(FailOn::Error) => Severity::Error,
        Some(FailOn::Warning) => Severity::Warning,
        Some(FailOn::Info) => Severity::Info,
        None => profiles.get(profile).and_then(|p| p.config.fail_on).unwrap_or(Severity::Warning),
    };
    // Modes that need every finding at once (rewriting files, recording a baseline, the HTML
    // page, per-rule statistics) hold the whole report; the others stream it.
    let whole =
        args.fix || args.diff || args.write_baseline.is_some() || args.statistics || args.format == OutputFormat::Html;
    if !whole {
        return check_streaming(&args, profiles, &inputs, &assign, options, errors, &threshold);
    }
    let mut report = std::mem::ManuallyDrop::new(lint_with_profiles(profiles, &inputs, &assign, options));
    let mut fix_errors = Vec::new();
    if args.fix || args.diff {
        if inputs.iter().any(|i| i.stdin) {
            return fail("--fix and --diff work on files, not standard input");
        }
        let (diff, fixed, failed) = apply_fixes(&report, args.fix);
        if args.diff {
            return emit(diff.as_bytes());
        }
        if fixed > 0 {
            eprintln!("copylint: fixed {fixed} finding(s)");
            *report = lint_with_profiles(profiles, &inputs, &assign, options);
        }
        fix_errors = failed;
    }
    report.errors = errors;
    report.errors.append(&mut fix_errors);
    if let Some(path) = &args.write_baseline {
        let baseline = crate::baseline::Baseline::from_report(&report);
        return match baseline.write(path) {
            Ok(()) => {
                eprintln!("copylint: recorded {} finding(s) in {}", baseline.findings.len(), path.display());
                if report.all_errors().next().is_some() {
                    EXIT_ERROR
                } else {
                    EXIT_CLEAN
                }
            }
            Err(e) => fail(e),
        };
    }
    if let Some(path) = &args.baseline {
        match crate::baseline::Baseline::read(path) {
            Ok(b) => {
                b.apply(&mut report);
            }
            Err(e) => return fail(e),
        }
    }
    let pack = profiles[0].engine.pack();
    let written = if args.format == OutputFormat::Html {
        emit(crate::output::html_report(&report).as_bytes())
    } else {
        emit_with(|out| match writer(args.format, pack, use_color(args.color), out)? {
            Some(mut w) => {
                w.window(&report, out)?;
                w.finish(&output::Totals::of(&report), out)
            }
            None => Ok(()),
        })
    };
    if written != EXIT_CLEAN {
        return written;
    }
    if args.statistics && emit(crate::output::statistics(&report).as_bytes()) != EXIT_CLEAN {
        return EXIT_ERROR;
    }
    let errors: Vec<String> = report.all_errors().map(|e| e.to_string()).collect();
    let failing = report.files.iter().any(|f| f.diagnostics.iter().any(|d| d.severity >= threshold(f.profile)));
    exit_code(args.format, &errors, failing)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Starts the output of a format written window by window; `None` for the HTML page, which is
/// written from a whole report.
fn writer<'p>(
    format: OutputFormat,
    pack: &'p Pack,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<Option<Box<dyn output::Writer + 'p>>> {
    Ok(Some(match format {
        OutputFormat::Json => Box::new(output::Json::begin(out)?),
        OutputFormat::Sarif => Box::new(output::Sarif::begin(pack, out)?),
        OutputFormat::Concise => Box::new(output::Concise),
        OutputFormat::Github => Box::new(output::Github),
        OutputFormat::Human => Box::new(output::Human { color }),
        OutputFormat::Html => return Ok(None),
    }))
}

/// The exit code once the output is written: 2 if anything could not be linted (repeated on
/// stderr for the formats a person does not read on stdout), else 1 for findings at the fail level.
fn exit_code(format: OutputFormat, errors: &[String], failing: bool) -> u8 {
    if !errors.is_empty() {
        if matches!(format, OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Html) {
            for e in errors {
                eprintln!("error: {e}");
            }
        }
        return EXIT_ERROR;
    }
    if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// `check` for the streamed formats: each window of files is written as soon as it is linted (and
/// filtered through the baseline), then the cross-file findings, then errors and the summary.
fn check_streaming(
    args: &CheckArgs,
    profiles: &[Profile],
    inputs: &[Input],
    assign: &[usize],
    options: RunOptions,
    errors: Vec<crate::Error>,
    threshold: &dyn Fn(usize) -> Severity,
) -> u8 {
    let mut baseline = match &args.baseline {
        Some(path) => match crate::baseline::Baseline::read(path) {
            Ok(b) => Some(b.budget()),
            Err(e) => return fail(e),
        },
        None => None,
    };
    let pack = profiles[0].engine.pack();
    let mut totals = output::Totals { errors: errors.iter().map(|e| e.to_string()).collect(), ..Default::default() };
    let mut failing = false;
    let written = emit_with(|out| {
        let Some(mut writer) = writer(args.format, pack, use_color(args.color), out)? else { return Ok(()) };
        let mut window = |files: Vec<crate::FileReport>, new_files: bool, out: &mut dyn Write| {
            let mut report = Report { files, errors: Vec::new() };
            if let Some(b) = &mut baseline {
                b.apply(&mut report);
            }
            failing |= report.files.iter().any(|f| f.diagnostics.iter().any(|d| d.severity >= threshold(f.profile)));
            totals.add(&report, new_files);
            writer.window(&report, out)?;
            // The window's sources and findings are freed here, not at exit.
            Ok::<(), std::io::Error>(())
        };
        crate::lint::lint_streaming(profiles, inputs, assign, options, &mut |files, cross_file| {
            window(files, !cross_file, out)
        })?;
        writer.finish(&totals, out)
    });
    if written != EXIT_CLEAN {
        return written;
    }
    exit_code(args.format, &totals.errors, failing)
}

/// Applies (or, with `write == false`, only diffs) every fix. Returns the diff text, how many
/// findings were fixed, and the files that could not be written (the others still are).
fn apply_fixes(report: &Report, write: bool) -> (String, usize, Vec<crate::Error>) {
    let mut diff = String::new();
    let mut fixed = 0;
    let mut errors = Vec::new();
    for f in &report.files {
        let Some(src) = &f.source else { continue };
        if !f.diagnostics.iter().any(|d| d.fix.is_some()) {
            continue;
        }
        let (new, n) = crate::fix::apply(&src.text, &f.diagnostics);
        if n == 0 || new == src.text {
            continue;
        }
        diff.push_str(&crate::fix::diff(&f.path, &src.text, &new));
        if write {
            if let Err(e) = crate::fix::write_atomic(Path::new(&f.path), &new) {
                errors.push(e);
                continue;
            }
        }
        fixed += n;
    }
    (diff, fixed, errors)
}

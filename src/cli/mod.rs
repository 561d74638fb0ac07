//! The command-line edge: parses arguments, runs the library, prints, chooses the exit code.

pub mod args;
pub mod explain;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codespan_reporting::term::termcolor::Buffer;

pub use args::Args;
use args::{CheckArgs, ColorChoice, Command, FailOn, OutputFormat};

use crate::pack::{Pack, Severity};
use crate::{discover, lint_inputs, Engine, Error, RunOptions};

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
        Command::Rules(r) => with_pack(&[], |pack| {
            emit(explain::rules_table(pack, r.json).as_bytes())
        }),
        Command::Explain(e) => with_pack(&[], |pack| match explain::explain(pack, &e.rule) {
            Some(text) => emit(text.as_bytes()),
            None => {
                eprintln!("error: no rule `{}` (try `copylint rules`)", e.rule);
                EXIT_ERROR
            }
        }),
    };
    ExitCode::from(code)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn emit(bytes: &[u8]) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => EXIT_CLEAN,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

fn with_pack(extra: &[PathBuf], f: impl FnOnce(&Pack) -> u8) -> u8 {
    match load_pack(extra) {
        Ok(p) => f(&p),
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

/// The embedded pack plus the rule files under `extra`.
pub fn load_pack(extra: &[PathBuf]) -> crate::Result<Pack> {
    let mut files: Vec<(String, String)> = Pack::embedded_files()
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    for root in extra {
        for path in toml_files(root)? {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
            files.push((path.display().to_string(), text));
        }
    }
    Pack::from_files(files)
}

fn toml_files(root: &Path) -> crate::Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(root).map_err(|e| Error::Io {
        path: root.to_path_buf(),
        source: e,
    })?;
    if meta.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(root).build().flatten() {
        if entry.path().extension().is_some_and(|e| e == "toml")
            && entry.file_type().is_some_and(|t| t.is_file())
        {
            out.push(entry.path().to_path_buf());
        }
    }
    out.sort();
    Ok(out)
}

/// Whether `sel` (a code, a code prefix or a name) selects `code`/`name`.
pub fn selects(sel: &str, code: &str, name: &str) -> bool {
    let s = sel.trim();
    name == s || (!s.is_empty() && code.len() >= s.len() && code[..s.len()].eq_ignore_ascii_case(s))
}

fn check(args: CheckArgs) -> u8 {
    let pack = match load_pack(&args.extra_rules) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    for sel in args.select.iter().chain(&args.ignore) {
        if !pack.rules.iter().any(|r| selects(sel, &r.code, &r.name)) {
            eprintln!("error: {}", Error::UnknownSelector(sel.clone()));
            return EXIT_ERROR;
        }
    }
    let mut engine = match Engine::new(pack) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let (select, ignore) = (args.select.clone(), args.ignore.clone());
    engine.retain(|r| {
        (select.is_empty() || select.iter().any(|s| selects(s, &r.code, &r.name)))
            && !ignore.iter().any(|s| selects(s, &r.code, &r.name))
    });
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (inputs, errors) = discover(&paths, args.stdin_filename.as_deref());
    let mut report = lint_inputs(
        &engine,
        &inputs,
        RunOptions {
            cross_file: !args.no_cross_file,
        },
    );
    report.errors = errors;
    let written = match args.format {
        OutputFormat::Json => emit(crate::output::json(&report).as_bytes()),
        OutputFormat::Concise => emit(crate::output::concise(&report).as_bytes()),
        OutputFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let mut buf = if color {
                Buffer::ansi()
            } else {
                Buffer::no_color()
            };
            match crate::output::human(&report, &mut buf) {
                Ok(()) => emit(buf.as_slice()),
                Err(e) => {
                    eprintln!("error: cannot render diagnostics: {e}");
                    EXIT_ERROR
                }
            }
        }
    };
    if written != EXIT_CLEAN {
        return written;
    }
    if report.all_errors().next().is_some() {
        if args.format != OutputFormat::Human {
            for e in report.all_errors() {
                eprintln!("error: {e}");
            }
        }
        return EXIT_ERROR;
    }
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    if report.diagnostics().any(|d| d.severity >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

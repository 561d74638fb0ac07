//! Library errors: each names the file and, where it applies, the place.

use std::path::PathBuf;

/// Everything that can go wrong before or while linting one input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is not valid UTF-8.
    #[error("{path}: invalid UTF-8 at byte {offset}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// A file is larger than `--max-file-size`.
    #[error("{path}: {size} bytes is over the {limit}-byte limit (--max-file-size); not linted")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A file looks binary (contains NUL bytes).
    #[error("{path}: binary file (contains NUL bytes), not linted")]
    Binary {
        /// The file.
        path: PathBuf,
    },
    /// A rule file or lexicon is malformed.
    #[error("{file}:{line}:{column}: {message}")]
    RuleFile {
        /// Rule file path (as embedded or as given).
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The rule pack as a whole is inconsistent (duplicate codes, unknown check, ...).
    #[error("rule pack: {0}")]
    Pack(String),
    /// A configuration or baseline file is malformed.
    #[error("{file}:{line}:{column}: {message}")]
    Config {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A command-line selector named no rule.
    #[error("unknown rule selector `{0}` (use a code such as C001, a prefix such as C or C0, or a name)")]
    UnknownSelector(String),
}

impl Error {
    /// Builds a [`Error::RuleFile`] from a byte span into `text`.
    pub(crate) fn at(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Error {
        let src = crate::source::SourceFile::new(file, text);
        let p = src.position(offset);
        Error::RuleFile { file: file.to_string(), line: p.line, column: p.column, message: message.into() }
    }
}

/// The message of a TOML syntax error; a control character is named (parsers have left the message
/// empty for one in a comment, or called it only a bad comment character).
pub(crate) fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let at = e.span().map_or(0, |s| s.start);
    let found = text.get(at..).and_then(|t| t.chars().next());
    // A control character is named whatever the parser said about it (it may say nothing).
    if let Some(c) = found.filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return format!("invalid character U+{:04X} (control characters are not allowed in TOML)", c as u32);
    }
    let message = e.message().trim();
    if !message.is_empty() {
        return message.to_string();
    }
    match found {
        Some(c) => format!("invalid TOML at `{c}`"),
        None => "invalid TOML (unexpected end of file)".to_string(),
    }
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

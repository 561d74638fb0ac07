//! `copylint.toml` / `.copylint.toml`: found by walking up from each linted file (`--config`
//! overrides). Unknown keys and bad values are errors with file:line:column, like cargo's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::pack::{Pack, Scope, Severity};
use crate::Error;

/// Names of configuration files, in order of preference within one directory.
pub const FILE_NAMES: &[&str] = &["copylint.toml", ".copylint.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    per_file_ignores: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    rule: BTreeMap<String, Spanned<RawRuleOptions>>,
    #[serde(default)]
    facility: RawFacility,
    #[serde(default)]
    disclaimer: RawDisclaimer,
    #[serde(default)]
    suppressions: RawSuppressions,
    #[serde(default)]
    html: RawHtml,
    cross_file: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRuleOptions {
    scope: Option<Spanned<String>>,
    once_per: Option<Spanned<String>>,
    min_words: Option<Spanned<i64>>,
    min_repeats: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFacility {
    #[serde(default)]
    names: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisclaimer {
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
    #[serde(default)]
    patterns: Vec<Spanned<String>>,
    text: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSuppressions {
    #[serde(default)]
    require_reason: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHtml {
    #[serde(default)]
    skip: Vec<Spanned<String>>,
}

/// Per-rule option overrides (`[rule.C001] scope = "section"`).
#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    /// Satisfier scope of a `requires` rule.
    pub scope: Option<Scope>,
    /// Other options (`once_per`, `min_words`, `min_repeats`).
    pub options: BTreeMap<String, toml::Value>,
}

/// A validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from (`None`: defaults).
    pub path: Option<PathBuf>,
    /// `select`: only these rules (codes, prefixes, names); `None` means all.
    pub select: Option<Vec<String>>,
    /// `extend-select`: added to the selection.
    pub extend_select: Vec<String>,
    /// `ignore`.
    pub ignore: Vec<String>,
    /// `fail-on`.
    pub fail_on: Option<Severity>,
    /// `[severity]`: selector -> severity.
    pub severity: Vec<(String, Severity)>,
    /// `[per-file-ignores]`: glob (relative to the config's directory) -> selectors.
    pub per_file_ignores: Vec<(globset::GlobMatcher, Vec<String>)>,
    /// `rules`: extra rule packs (absolute paths).
    pub rule_packs: Vec<PathBuf>,
    /// `[rule.CODE]` overrides.
    pub rule_options: BTreeMap<String, RuleOptions>,
    /// `[facility] names`.
    pub facility_names: Vec<String>,
    /// `[disclaimer] phrases`.
    pub disclaimer_phrases: Vec<String>,
    /// `[disclaimer] patterns`.
    pub disclaimer_patterns: Vec<String>,
    /// `[disclaimer] text`: appended by `--fix` where D001 fires.
    pub disclaimer_text: Option<String>,
    /// `[suppressions] require-reason`.
    pub require_reason: bool,
    /// `[html] skip`: simple CSS selectors of page furniture.
    pub html_skip: Vec<String>,
    /// `cross-file`.
    pub cross_file: Option<bool>,
}

/// Finds the nearest configuration file in `dir` or its ancestors.
pub fn find(dir: &Path) -> Option<PathBuf> {
    let mut cur = Some(dir);
    while let Some(d) = cur {
        for name in FILE_NAMES {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        cur = d.parent();
    }
    None
}

struct Cx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Cx<'_> {
    fn err<T>(&self, s: &Spanned<T>, msg: impl Into<String>) -> Error {
        self.at(s.span().start, msg)
    }
    fn at(&self, offset: usize, msg: impl Into<String>) -> Error {
        let p = crate::source::SourceFile::new(self.file, self.text).position(offset);
        Error::Config { file: self.file.to_string(), line: p.line, column: p.column, message: msg.into() }
    }
}

fn severity(cx: &Cx, s: &Spanned<String>) -> crate::Result<Severity> {
    Severity::parse(s.get_ref())
        .ok_or_else(|| cx.err(s, format!("unknown severity `{}` (expected error, warning or info)", s.get_ref())))
}

fn selectors(cx: &Cx, pack: &Pack, list: &[Spanned<String>]) -> crate::Result<Vec<String>> {
    list.iter()
        .map(|s| {
            let sel = s.get_ref();
            if pack.rules.iter().any(|r| crate::cli::selects(sel, &r.code, &r.name)) {
                Ok(sel.clone())
            } else {
                Err(cx.err(
                    s,
                    format!("`{sel}` selects no rule (use a code such as C001, a prefix such as C, or a name)"),
                ))
            }
        })
        .collect()
}

/// A simple CSS selector: `tag`, `.class`, `#id`, `tag.class`, `tag#id`.
pub fn valid_selector(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '#'))
        && !s.ends_with(['.', '#'])
        && s.matches('#').count() <= 1
}

impl Config {
    /// Reads and validates a configuration file against `pack` (the embedded pack), which it
    /// needs to check rule selectors.
    pub fn load(path: &Path, pack: &Pack) -> crate::Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io { path: path.to_path_buf(), source: e })?;
        Config::parse(path, &text, pack)
    }

    /// Parses configuration text (`path` names it in errors and anchors relative paths).
    pub fn parse(path: &Path, text: &str, pack: &Pack) -> crate::Result<Config> {
        let file = path.display().to_string();
        let cx = Cx { file: &file, text };
        let raw: Raw = toml::from_str(text)
            .map_err(|e| cx.at(e.span().map_or(0, |s| s.start), crate::error::toml_message(text, &e)))?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut cfg = Config { path: Some(path.to_path_buf()), ..Config::default() };
        cfg.select = raw.select.as_ref().map(|s| selectors(&cx, pack, s)).transpose()?;
        cfg.extend_select = selectors(&cx, pack, &raw.extend_select)?;
        cfg.ignore = selectors(&cx, pack, &raw.ignore)?;
        cfg.fail_on = raw.fail_on.as_ref().map(|s| severity(&cx, s)).transpose()?;
        for (sel, sev) in &raw.severity {
            if !pack.rules.iter().any(|r| crate::cli::selects(sel, &r.code, &r.name)) {
                return Err(cx.err(sev, format!("`{sel}` selects no rule")));
            }
            cfg.severity.push((sel.clone(), severity(&cx, sev)?));
        }
        for (glob, sels) in &raw.per_file_ignores {
            let g = globset::Glob::new(glob).map_err(|e| {
                cx.err(
                    sels.first().unwrap_or(&Spanned::new(0..0, String::new())),
                    format!("invalid glob `{glob}`: {e}"),
                )
            })?;
            cfg.per_file_ignores.push((g.compile_matcher(), selectors(&cx, pack, sels)?));
        }
        cfg.rule_packs = raw.rules.iter().map(|r| dir.join(r.get_ref())).collect();
        for (code, opts) in &raw.rule {
            let Some(rule) = pack.rule(code) else {
                return Err(cx.err(opts, format!("no rule `{code}`")));
            };
            let o = opts.get_ref();
            let mut ro = RuleOptions::default();
            if let Some(s) = &o.scope {
                if rule.requires.is_none() {
                    return Err(cx.err(s, format!("{} has no satisfier scope to set", rule.code)));
                }
                ro.scope = Some(crate::pack::scope_from_str(s.get_ref()).ok_or_else(|| {
                    cx.err(s, format!("unknown scope `{}` (expected sentence, sentence-or-previous, sentence-or-next, paragraph, section or document)", s.get_ref()))
                })?);
            }
            if let Some(v) = &o.once_per {
                if !matches!(v.get_ref().as_str(), "sentence" | "paragraph" | "page") {
                    return Err(cx.err(v, "`once-per` must be sentence, paragraph or page"));
                }
                ro.options.insert("once_per".into(), toml::Value::String(v.get_ref().clone()));
            }
            for (key, v) in [("min_words", &o.min_words), ("min_repeats", &o.min_repeats)] {
                if let Some(v) = v {
                    if *v.get_ref() < 1 {
                        return Err(cx.err(v, format!("`{}` must be at least 1", key.replace('_', "-"))));
                    }
                    ro.options.insert(key.into(), toml::Value::Integer(*v.get_ref()));
                }
            }
            cfg.rule_options.insert(rule.code.clone(), ro);
        }
        cfg.facility_names = raw.facility.names.iter().map(|s| s.get_ref().clone()).collect();
        cfg.disclaimer_phrases = raw.disclaimer.phrases.iter().map(|s| s.get_ref().clone()).collect();
        for p in &raw.disclaimer.patterns {
            regex_syntax::Parser::new().parse(p.get_ref()).map_err(|e| cx.err(p, format!("invalid regex: {e}")))?;
            cfg.disclaimer_patterns.push(p.get_ref().clone());
        }
        cfg.disclaimer_text = raw.disclaimer.text;
        cfg.require_reason = raw.suppressions.require_reason;
        for s in &raw.html.skip {
            if !valid_selector(s.get_ref()) {
                return Err(cx.err(
                    s,
                    format!("unsupported selector `{}` (use tag, .class, #id, tag.class or tag#id)", s.get_ref()),
                ));
            }
            cfg.html_skip.push(s.get_ref().trim().to_string());
        }
        cfg.cross_file = raw.cross_file;
        Ok(cfg)
    }

    /// The directory relative paths and globs are anchored at.
    pub fn dir(&self) -> PathBuf {
        self.path.as_ref().and_then(|p| p.parent()).map(Path::to_path_buf).unwrap_or_default()
    }

    /// Selectors ignored for `path` by `[per-file-ignores]`.
    pub fn ignored_for(&self, path: &Path) -> Vec<&str> {
        let rel = path.strip_prefix(self.dir()).unwrap_or(path);
        let rel = rel.strip_prefix("./").unwrap_or(rel);
        self.per_file_ignores
            .iter()
            .filter(|(g, _)| g.is_match(rel) || g.is_match(path))
            .flat_map(|(_, s)| s.iter().map(String::as_str))
            .collect()
    }

    /// A commented starter file for `copylint init`.
    pub fn starter() -> &'static str {
        include_str!("config_starter.toml")
    }
}

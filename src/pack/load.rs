//! Parses and validates rule files, lexicons and facts. Every error names the file, line and
//! column of the offending value.

use std::collections::{BTreeMap, BTreeSet};

use toml::Spanned;

use super::schema::{self, FactsFile, LexiconFile, RuleFile};
use super::{
    ConflictSpec, Cue, CueSet, Drug, Gate, Kind, MatcherDef, MatcherId, Pack, Rule, Satisfier, Scope, Severity,
};
use crate::Error;

const FAMILIES: &str = "DCSXMLE";
const PLACEHOLDERS: &[&str] = &["match", "drug", "other", "line", "n", "count", "text", "topic", "fact", "source"];

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    /// Line index of the file, built on first need (pattern origins, errors).
    lines: std::cell::OnceCell<crate::source::SourceFile>,
    /// A file of the embedded pack: its patterns are checked by the test suite, not at each start.
    embedded: bool,
}

impl<'a> Ctx<'a> {
    fn new(file: &'a str, text: &'a str) -> Ctx<'a> {
        let embedded = Pack::embedded_run_files().any(|(p, t)| p == file && t == text)
            || Pack::embedded_files().iter().any(|(p, t)| *p == file && *t == text);
        Ctx { file, text, lines: std::cell::OnceCell::new(), embedded }
    }

    fn err<T>(&self, s: &Spanned<T>, msg: impl Into<String>) -> Error {
        Error::at(self.file, self.text, s.span().start, msg)
    }

    fn position(&self, offset: usize) -> crate::source::Position {
        self.lines.get_or_init(|| crate::source::SourceFile::new(self.file, self.text)).position(offset)
    }
}

/// Loads files in the order given (the embedded pack first, then the user's), so that a user's
/// facts file overrides the embedded entries for the drugs it names.
pub(super) fn load(files: Vec<(String, String)>) -> crate::Result<Pack> {
    let mut pack = Pack::default();
    let is_lexicon = |p: &str| p.contains("lexicons/") || p.starts_with("lexicons");
    let is_facts = |p: &str| p.contains("facts/") || p.starts_with("facts");
    for (path, text) in files.iter().filter(|(p, _)| is_lexicon(p)) {
        load_lexicons(&mut pack, path, text)?;
    }
    for (path, text) in files.iter().filter(|(p, _)| is_facts(p)) {
        load_facts(&mut pack, path, text)?;
    }
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for (path, text) in files.iter().filter(|(p, _)| !is_lexicon(p) && !is_facts(p)) {
        let rule = load_rule(&mut pack, path, text)?;
        if !codes.insert(rule.code.clone()) {
            return Err(Error::Pack(format!("{path}: duplicate rule code {}", rule.code)));
        }
        if !names.insert(rule.name.clone()) {
            return Err(Error::Pack(format!("{path}: duplicate rule name {}", rule.name)));
        }
        pack.rules.push(rule);
    }
    pack.rules.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(pack)
}

fn parse<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> crate::Result<T> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        Error::at(path, text, offset, crate::error::toml_message(text, &e))
    })
}

fn load_lexicons(pack: &mut Pack, path: &str, text: &str) -> crate::Result<()> {
    let cx = Ctx::new(path, text);
    let file: LexiconFile = parse(path, text)?;
    for lex in file.lexicons {
        let def = matcher_def(&cx, &lex.phrases, &lex.patterns)?;
        let id = push(pack, def);
        if pack.lexicons.insert(lex.name.get_ref().clone(), id).is_some() {
            return Err(cx.err(&lex.name, format!("lexicon `{}` is defined twice", lex.name.get_ref())));
        }
    }
    for drug in file.drugs {
        let def = matcher_def(&cx, &drug.names, &[])?;
        let id = push(pack, def);
        pack.drugs.push(Drug { id: drug.id, matcher: id });
    }
    Ok(())
}

fn load_facts(pack: &mut Pack, path: &str, text: &str) -> crate::Result<()> {
    let file: FactsFile = parse(path, text)?;
    // Later files (a user's, loaded after the embedded pack) override entries drug by drug.
    for mut f in file.facts {
        f.as_of = file.as_of.clone();
        pack.facts.by_drug.insert(f.drug.clone(), f);
    }
    let _ = file.source;
    Ok(())
}

fn push(pack: &mut Pack, def: MatcherDef) -> MatcherId {
    pack.matchers.push(def);
    pack.matchers.len() - 1
}

fn matcher_def(cx: &Ctx, phrases: &[Spanned<String>], patterns: &[Spanned<String>]) -> crate::Result<MatcherDef> {
    let mut def = MatcherDef::default();
    for p in phrases {
        let s = p.get_ref().trim();
        if s.is_empty() {
            return Err(cx.err(p, "empty phrase"));
        }
        def.phrases.push(s.to_string());
    }
    for p in patterns {
        // Parse only: compiling happens once, in the scanner.
        if !cx.embedded {
            regex_syntax::ParserBuilder::new()
                .build()
                .parse(p.get_ref())
                .map_err(|e| cx.err(p, format!("invalid regex: {}", first_line(&e.to_string()))))?;
        }
        def.patterns.push(p.get_ref().clone());
        let at = cx.position(p.span().start);
        def.origins.push(format!("{}:{}:{}", cx.file, at.line, at.column));
        def.embedded.push(cx.embedded);
    }
    Ok(def)
}

fn first_line(s: &str) -> String {
    s.lines().rfind(|l| !l.trim().is_empty()).unwrap_or(s).trim().to_string()
}

/// A rule's matcher: its own phrases/patterns plus named lexicons. `cues` and `scope` belong to
/// particular tables and are rejected elsewhere.
fn matcher(pack: &mut Pack, cx: &Ctx, m: &schema::Matcher, table: &str) -> crate::Result<Vec<MatcherId>> {
    if let Some(c) = m.cues.first().filter(|_| table != "requires") {
        return Err(cx.err(c, format!("`cues` is only allowed in [requires], not in [{table}]")));
    }
    if let Some(s) = m.scope.as_ref().filter(|_| table != "requires" && table != "with") {
        return Err(cx.err(s, format!("`scope` is only allowed in [with] and [requires], not in [{table}]")));
    }
    let mut ids = Vec::new();
    if !m.phrases.is_empty() || !m.patterns.is_empty() {
        let def = matcher_def(cx, &m.phrases, &m.patterns)?;
        ids.push(push(pack, def));
    }
    for name in &m.lexicons {
        ids.extend(lexicon(pack, cx, name)?);
    }
    Ok(ids)
}

fn lexicon(pack: &Pack, cx: &Ctx, name: &Spanned<String>) -> crate::Result<Vec<MatcherId>> {
    if name.get_ref() == "drug" {
        return Ok(pack.drugs.iter().map(|d| d.matcher).collect());
    }
    pack.lexicon(name.get_ref())
        .map(|id| vec![id])
        .ok_or_else(|| cx.err(name, format!("unknown lexicon `{}`", name.get_ref())))
}

fn scope(cx: &Ctx, s: &Spanned<String>) -> crate::Result<Scope> {
    Scope::parse(s.get_ref()).ok_or_else(|| {
        cx.err(s, format!(
            "unknown scope `{}` (expected sentence, sentence-or-previous, sentence-or-next, paragraph, section or document)",
            s.get_ref()
        ))
    })
}

fn cues(cx: &Ctx, list: &[Spanned<String>]) -> crate::Result<CueSet> {
    let mut set = CueSet::default();
    for c in list {
        let cue = Cue::parse(c.get_ref()).ok_or_else(|| {
            let all: Vec<_> = Cue::ALL.iter().map(|(n, _)| *n).collect();
            cx.err(c, format!("unknown cue `{}` (expected one of: {})", c.get_ref(), all.join(", ")))
        })?;
        set.insert(cue);
    }
    Ok(set)
}

fn severity(cx: &Ctx, s: &Spanned<String>) -> crate::Result<Severity> {
    Severity::parse(s.get_ref())
        .ok_or_else(|| cx.err(s, format!("unknown severity `{}` (expected error, warning or info)", s.get_ref())))
}

fn load_rule(pack: &mut Pack, path: &str, text: &str) -> crate::Result<Rule> {
    let cx = Ctx::new(path, text);
    let f: RuleFile = parse(path, text)?;
    let code = f.code.get_ref().clone();
    let valid_code = code.len() == 4
        && code.chars().next().is_some_and(|c| FAMILIES.contains(c))
        && code[1..].bytes().all(|b| b.is_ascii_digit());
    if !valid_code {
        return Err(
            cx.err(&f.code, format!("invalid code `{code}`: expected a family letter ({FAMILIES}) and three digits"))
        );
    }
    let name = f.name.get_ref().clone();
    let valid_name = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !valid_name {
        return Err(cx.err(&f.name, format!("invalid name `{name}`: expected kebab-case")));
    }
    let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".toml");
    if path.ends_with(".toml") && stem != format!("{code}-{name}") {
        return Err(cx.err(&f.code, format!("file name `{stem}.toml` does not match `{code}-{name}.toml`")));
    }
    let kind = Kind::parse(f.kind.get_ref()).ok_or_else(|| {
        cx.err(
            &f.kind,
            format!(
                "unknown kind `{}` (expected phrase, pattern, requires, document, conflict or builtin)",
                f.kind.get_ref()
            ),
        )
    })?;
    let sev = severity(&cx, &f.severity)?;
    let gate = match &f.gate {
        None => Gate::None,
        Some(g) => match g.get_ref().as_str() {
            "none" => Gate::None,
            "medical" => Gate::Medical,
            "health" => Gate::Health,
            other => return Err(cx.err(g, format!("unknown gate `{other}` (expected none, medical or health)"))),
        },
    };
    let silence = match &f.silence {
        Some(list) => cues(&cx, list)?,
        None => {
            let mut s = CueSet::default();
            s.insert(Cue::Negated);
            s
        }
    };
    let downgrade = match &f.downgrade {
        Some(d) => Some((cues(&cx, &d.cues)?, severity(&cx, &d.severity)?)),
        None => None,
    };
    for ph in placeholders(&f.message) {
        if !PLACEHOLDERS.contains(&ph.as_str()) {
            return Err(cx.err(&f.code, format!("message uses unknown placeholder `{{{ph}}}`")));
        }
    }
    let trigger = match &f.trigger {
        Some(m) => matcher(pack, &cx, m, "trigger")?,
        None => Vec::new(),
    };
    let needs_trigger = matches!(kind, Kind::Phrase | Kind::Pattern | Kind::Requires);
    if needs_trigger && trigger.is_empty() {
        return Err(
            cx.err(&f.kind, format!("a `{}` rule needs a [trigger] with phrases, patterns or lexicons", kind.as_str()))
        );
    }
    let with = match &f.with {
        Some(m) => {
            let sc = match &m.scope {
                Some(s) => scope(&cx, s)?,
                None => Scope::Sentence,
            };
            Some((matcher(pack, &cx, m, "with")?, sc))
        }
        None => None,
    };
    let exclude = match &f.exclude {
        Some(m) => matcher(pack, &cx, m, "exclude")?,
        None => Vec::new(),
    };
    let requires = match &f.requires {
        Some(r) => {
            let Some(sc) = &r.scope else {
                return Err(cx.err(&f.kind, "[requires] needs a `scope`"));
            };
            let sc = scope(&cx, sc)?;
            Some(Satisfier { matchers: matcher(pack, &cx, r, "requires")?, cues: cues(&cx, &r.cues)?, scope: sc })
        }
        None => None,
    };
    if matches!(kind, Kind::Requires | Kind::Document) && requires.is_none() {
        return Err(cx.err(&f.kind, format!("a `{}` rule needs a [requires] table", kind.as_str())));
    }
    let conflict = match &f.conflict {
        Some(c) => Some(ConflictSpec {
            topic: c.topic.clone(),
            label: c.label.clone(),
            low: matcher(pack, &cx, &c.low, "conflict.low")?,
            high: matcher(pack, &cx, &c.high, "conflict.high")?,
            negated_high_is_low: c.negated_high_is_low,
            unless: match &c.unless {
                Some(m) => matcher(pack, &cx, m, "conflict.unless")?,
                None => Vec::new(),
            },
        }),
        None => None,
    };
    if kind == Kind::Conflict && conflict.is_none() {
        return Err(cx.err(&f.kind, "a `conflict` rule needs a [conflict] table"));
    }
    let check = match (&f.check, kind) {
        (Some(c), Kind::Builtin) => {
            if !crate::checks::exists(c.get_ref()) {
                return Err(cx.err(c, format!("unknown builtin check `{}`", c.get_ref())));
            }
            Some(c.get_ref().clone())
        }
        (None, Kind::Builtin) => return Err(cx.err(&f.kind, "a `builtin` rule needs `check = \"...\"`")),
        (Some(c), _) => return Err(cx.err(c, "`check` is only for `kind = \"builtin\"`")),
        (None, _) => None,
    };
    let options = match f.options {
        Some(o) => {
            for (k, v) in o.get_ref() {
                let ok = match k.as_str() {
                    "once_per" => matches!(v.as_str(), Some("sentence" | "paragraph" | "page")),
                    "min_words" | "min_repeats" => v.as_integer().is_some_and(|n| n > 0),
                    _ => {
                        return Err(
                            cx.err(&o, format!("unknown option `{k}` (known: once_per, min_words, min_repeats)"))
                        )
                    }
                };
                if !ok {
                    return Err(cx.err(&o, format!("invalid value {v} for option `{k}`")));
                }
            }
            o.into_inner()
        }
        None => BTreeMap::new(),
    };
    let fix: BTreeMap<String, String> =
        f.fix.map(|x| x.replace.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect()).unwrap_or_default();
    Ok(Rule {
        code,
        name,
        kind,
        severity: sev,
        summary: f.summary,
        message: f.message,
        help: f.help,
        gate,
        silence,
        downgrade,
        trigger,
        with,
        exclude,
        requires,
        conflict,
        check,
        fix,
        options,
        docs: match f.docs {
            Some(docs) => std::sync::OnceLock::from(docs),
            // An embedded file (`Ctx::embedded`) without docs is one as a run reads it (whole, each
            // has docs: tests/pack.rs); `Rule::docs` reads them when asked.
            None if cx.embedded => std::sync::OnceLock::new(),
            None => return Err(Error::at(path, text, 0, "missing field `docs`")),
        },
        tests: f.tests,
        origin: path.to_string(),
    })
}

fn placeholders(msg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = msg;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                out.push(after[..j].to_string());
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    out
}

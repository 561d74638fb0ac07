//! `copylint server`: a Language Server over stdio (lsp-server + lsp-types, as rust-analyzer).
//! Open documents are linted from memory on open, change and save; diagnostics carry UTF-16
//! ranges, the rule code with a link to its docs, and related information for conflicts (across
//! the open documents too). Code actions offer each safe fix and "suppress this rule here";
//! hovering a finding shows the rule's documentation. Configuration changes reload settings.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;

use crate::config::Config;
use crate::discover::Input;
use crate::lint::load_pack;
use crate::pack::Severity;
use crate::source::SourceFile;
use crate::{lint_with_profiles, Diagnostic, Overrides, Profile, Report, RunOptions};

struct Doc {
    text: Arc<String>,
    path: PathBuf,
}

/// At most this many workspace files join the cross-file run (larger sites: open documents only).
const WORKSPACE_LIMIT: usize = 2_000;

#[derive(Default)]
struct State {
    /// Lintable files under the workspace folders, read from disk for cross-file conflicts.
    workspace: Vec<Input>,
    docs: BTreeMap<String, Doc>,
    profiles: Vec<Profile>,
    profile_of: HashMap<Option<PathBuf>, usize>,
    report: Option<Report>,
}

/// Converts a `file:` URI to a path (percent-decoded); other schemes keep their text.
fn path_of(uri: &str) -> PathBuf {
    let rest = uri.strip_prefix("file://").unwrap_or(uri);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&rest[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    PathBuf::from(String::from_utf8_lossy(&out).into_owned())
}

/// Converts a path to a `file:` URI.
fn uri_of(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.display().to_string().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

fn lsp_uri(s: &str) -> Option<lsp::Uri> {
    lsp::Uri::from_str(s).ok()
}

fn range(src: &SourceFile, span: &std::ops::Range<usize>) -> lsp::Range {
    let (a, b) = (src.position(span.start), src.position(span.end));
    lsp::Range {
        start: lsp::Position { line: (a.line - 1) as u32, character: (a.utf16_column - 1) as u32 },
        end: lsp::Position { line: (b.line - 1) as u32, character: (b.utf16_column - 1) as u32 },
    }
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    }
}

impl State {
    /// The profile (configuration) for a path, built once per configuration file.
    fn profile_for(&mut self, path: &Path) -> usize {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let config_path = crate::config::find(&dir);
        if let Some(i) = self.profile_of.get(&config_path) {
            return *i;
        }
        let config = match (&config_path, load_pack(&[])) {
            (Some(p), Ok(base)) => Config::load(p, &base).unwrap_or_else(|e| {
                eprintln!("copylint server: {e}; using defaults");
                Config::default()
            }),
            _ => Config::default(),
        };
        let profile = Profile::build(config, &Overrides::default())
            .or_else(|e| {
                eprintln!("copylint server: {e}; using defaults");
                Profile::build(Config::default(), &Overrides::default())
            })
            .ok();
        let Some(profile) = profile else { return 0 };
        self.profiles.push(profile);
        self.profile_of.insert(config_path, self.profiles.len() - 1);
        self.profiles.len() - 1
    }

    /// Finds the lintable files under the workspace folders.
    fn scan_workspace(&mut self, roots: &[PathBuf]) {
        let (inputs, _) = crate::discover(roots, None);
        if inputs.len() > WORKSPACE_LIMIT {
            eprintln!("copylint server: {} workspace files; cross-file checks use open documents only", inputs.len());
            self.workspace.clear();
        } else {
            self.workspace = inputs;
        }
    }

    /// Lints every open document and returns the notifications. Conflicts are paired across the
    /// open documents and, when `with_workspace` (open, save, configuration change), with the
    /// workspace files on disk too.
    fn relint(&mut self, with_workspace: bool) -> Vec<Notification> {
        let docs: Vec<(String, PathBuf, Arc<String>)> =
            self.docs.iter().map(|(u, d)| (u.clone(), d.path.clone(), d.text.clone())).collect();
        let mut inputs = Vec::with_capacity(docs.len());
        let mut assign = Vec::with_capacity(docs.len());
        for (_, path, text) in &docs {
            assign.push(self.profile_for(path));
            inputs.push(Input::in_memory(path.clone(), text.clone()));
        }
        if with_workspace {
            let open: Vec<PathBuf> = docs.iter().map(|(_, p, _)| p.clone()).collect();
            let disk: Vec<Input> = self.workspace.iter().filter(|i| !open.contains(&i.path)).cloned().collect();
            for i in disk {
                assign.push(self.profile_for(&i.path));
                inputs.push(i);
            }
        }
        if self.profiles.is_empty() {
            return Vec::new();
        }
        let report = lint_with_profiles(&self.profiles, &inputs, &assign, RunOptions::default());
        let uri_by_path: HashMap<String, String> =
            docs.iter().map(|(u, p, _)| (p.display().to_string(), u.clone())).collect();
        let mut out = Vec::new();
        for (uri, _, _) in &docs {
            let Some(f) = report.files.iter().find(|f| uri_by_path.get(&f.path) == Some(uri)) else { continue };
            let Some(src) = &f.source else { continue };
            let diagnostics: Vec<lsp::Diagnostic> =
                f.diagnostics.iter().map(|d| to_lsp(&report, src, d, &uri_by_path)).collect();
            if let Some(u) = lsp_uri(uri) {
                let params = lsp::PublishDiagnosticsParams { uri: u, diagnostics, version: None };
                out.push(Notification::new("textDocument/publishDiagnostics".into(), params));
            }
        }
        self.report = Some(report);
        out
    }

    fn file_of(&self, uri: &str) -> Option<(&crate::FileReport, &SourceFile)> {
        let doc = self.docs.get(uri)?;
        let report = self.report.as_ref()?;
        let f = report.files.iter().find(|f| Path::new(&f.path) == doc.path)?;
        Some((f, f.source.as_deref()?))
    }
}

fn to_lsp(report: &Report, src: &SourceFile, d: &Diagnostic, uri_by_path: &HashMap<String, String>) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let rsrc = report.source(&r.path)?;
            let uri = uri_by_path.get(&r.path).cloned().unwrap_or_else(|| uri_of(Path::new(&r.path)));
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location { uri: lsp_uri(&uri)?, range: range(rsrc, &r.span) },
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(src, &d.span),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.clone())),
        code_description: lsp_uri(&format!("{}{}-{}.md", crate::DOCS_URL, d.code, d.name))
            .map(|href| lsp::CodeDescription { href }),
        source: Some("copylint".into()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn apply_change(text: &str, change: &lsp::TextDocumentContentChangeEvent) -> String {
    let Some(r) = change.range else { return change.text.clone() };
    let src = SourceFile::new("", text);
    let a = src.offset_of_utf16(r.start.line as usize, r.start.character as usize);
    let b = src.offset_of_utf16(r.end.line as usize, r.end.character as usize).max(a);
    let mut out = String::with_capacity(text.len() + change.text.len());
    out.push_str(&text[..a]);
    out.push_str(&change.text);
    out.push_str(&text[b..]);
    out
}

fn code_actions(state: &State, params: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
    let uri = params.text_document.uri.as_str().to_string();
    let Some((f, src)) = state.file_of(&uri) else { return Vec::new() };
    let (start, end) = (
        src.offset_of_utf16(params.range.start.line as usize, params.range.start.character as usize),
        src.offset_of_utf16(params.range.end.line as usize, params.range.end.character as usize),
    );
    let mut out = Vec::new();
    for d in f.diagnostics.iter().filter(|d| d.span.start <= end && start <= d.span.end) {
        let uri_map: HashMap<String, String> = HashMap::new();
        let lsp_diag = state.report.as_ref().map(|r| to_lsp(r, src, d, &uri_map));
        if let Some(fix) = &d.fix {
            let edits: Vec<lsp::TextEdit> = fix
                .edits
                .iter()
                .map(|e| lsp::TextEdit { range: range(src, &e.span), new_text: e.replacement.clone() })
                .collect();
            let title = match fix.edits.as_slice() {
                [one] if !one.replacement.contains('\n') => format!("Replace with `{}` ({})", one.replacement, d.code),
                _ => format!("Apply copylint fix ({})", d.code),
            };
            out.push(action(title, &params.text_document.uri, edits, lsp_diag.clone(), true));
        }
        let line = src.line_index(d.span.start);
        let line_text = src.line_text(line);
        let indent: String = line_text.chars().take_while(|c| c.is_whitespace()).collect();
        let at = lsp::Position { line: line as u32, character: 0 };
        let edit = lsp::TextEdit {
            range: lsp::Range { start: at, end: at },
            new_text: format!("{indent}<!-- copylint-disable-next-line {} -- reason -->\n", d.code),
        };
        out.push(action(
            format!("Suppress {} on this line", d.code),
            &params.text_document.uri,
            vec![edit],
            lsp_diag,
            false,
        ));
    }
    out
}

// lsp-types keys WorkspaceEdit::changes by Uri, which clippy flags as a mutable key type; the
// map is built here and only serialized.
#[allow(clippy::mutable_key_type)]
fn action(
    title: String,
    uri: &lsp::Uri,
    edits: Vec<lsp::TextEdit>,
    diag: Option<lsp::Diagnostic>,
    preferred: bool,
) -> lsp::CodeActionOrCommand {
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), edits);
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: diag.map(|d| vec![d]),
        edit: Some(lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() }),
        is_preferred: Some(preferred),
        ..Default::default()
    })
}

fn hover(state: &State, params: &lsp::HoverParams) -> Option<lsp::Hover> {
    let uri = params.text_document_position_params.text_document.uri.as_str().to_string();
    let (f, src) = state.file_of(&uri)?;
    let p = params.text_document_position_params.position;
    let at = src.offset_of_utf16(p.line as usize, p.character as usize);
    let d = f.diagnostics.iter().find(|d| d.span.start <= at && at <= d.span.end)?;
    let profile = state.profiles.get(f.profile)?;
    let rule = profile.engine.pack().rule(&d.code)?;
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: crate::cli::explain::render(rule),
        }),
        range: Some(range(src, &d.span)),
    })
}

fn respond<T: serde::Serialize>(conn: &Connection, req: Request, result: T) -> bool {
    conn.sender.send(Message::Response(Response::new_ok(req.id, result))).is_ok()
}

fn send_all(conn: &Connection, notes: Vec<Notification>) -> bool {
    notes.into_iter().all(|n| conn.sender.send(Message::Notification(n)).is_ok())
}

/// Runs the server on stdin/stdout until `exit`. Returns the process exit code.
pub fn run() -> u8 {
    let (conn, io) = Connection::stdio();
    let caps = lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        ..Default::default()
    };
    let caps = match serde_json::to_value(caps) {
        Ok(c) => c,
        Err(_) => return 2,
    };
    let init = match conn.initialize(caps) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("copylint server: initialize failed: {e}");
            return 2;
        }
    };
    let mut state = State::default();
    let params: Option<lsp::InitializeParams> = serde_json::from_value(init).ok();
    #[allow(deprecated)] // root_uri: older clients send only this
    let roots: Vec<PathBuf> = params
        .map(|p| match p.workspace_folders {
            Some(folders) => folders.iter().map(|f| path_of(f.uri.as_str())).collect(),
            None => p.root_uri.iter().map(|u| path_of(u.as_str())).collect(),
        })
        .unwrap_or_default();
    state.scan_workspace(&roots);
    let roots = Arc::new(roots);
    let mut shutdown = false;
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                match conn.handle_shutdown(&req) {
                    Ok(true) => {
                        shutdown = true;
                        break;
                    }
                    Ok(false) => {}
                    Err(e) => {
                        eprintln!("copylint server: {e}");
                        break;
                    }
                }
                let ok = match req.method.as_str() {
                    "textDocument/codeAction" => {
                        match serde_json::from_value::<lsp::CodeActionParams>(req.params.clone()) {
                            Ok(p) => {
                                let actions = code_actions(&state, &p);
                                respond(&conn, req, actions)
                            }
                            Err(e) => invalid(&conn, req, e),
                        }
                    }
                    "textDocument/hover" => match serde_json::from_value::<lsp::HoverParams>(req.params.clone()) {
                        Ok(p) => {
                            let h = hover(&state, &p);
                            respond(&conn, req, h)
                        }
                        Err(e) => invalid(&conn, req, e),
                    },
                    _ => {
                        let resp = Response::new_err(
                            req.id,
                            ErrorCode::MethodNotFound as i32,
                            format!("unknown method {}", req.method),
                        );
                        conn.sender.send(Message::Response(resp)).is_ok()
                    }
                };
                if !ok {
                    break;
                }
            }
            Message::Notification(n) => {
                if !notification(&conn, &mut state, n, &roots) {
                    break;
                }
            }
            Message::Response(_) => {}
        }
    }
    drop(conn);
    if let Err(e) = io.join() {
        eprintln!("copylint server: {e}");
        return 1;
    }
    if shutdown {
        0
    } else {
        1
    }
}

fn invalid(conn: &Connection, req: Request, e: serde_json::Error) -> bool {
    let resp = Response::new_err(req.id, ErrorCode::InvalidParams as i32, e.to_string());
    conn.sender.send(Message::Response(resp)).is_ok()
}

/// Handles a notification; returns false when the connection is gone.
fn notification(conn: &Connection, state: &mut State, n: Notification, roots: &[PathBuf]) -> bool {
    let mut with_workspace = true;
    match n.method.as_str() {
        "textDocument/didOpen" => {
            let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) else { return true };
            let uri = p.text_document.uri.as_str().to_string();
            let path = path_of(&uri);
            state.docs.insert(uri, Doc { text: Arc::new(p.text_document.text), path });
        }
        "textDocument/didChange" => {
            let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params) else { return true };
            let uri = p.text_document.uri.as_str().to_string();
            let Some(doc) = state.docs.get_mut(&uri) else { return true };
            let mut text = doc.text.as_str().to_string();
            for change in &p.content_changes {
                text = apply_change(&text, change);
            }
            doc.text = Arc::new(text);
            with_workspace = false;
        }
        "textDocument/didSave" => {}
        "textDocument/didClose" => {
            let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) else { return true };
            let uri = p.text_document.uri;
            state.docs.remove(uri.as_str());
            let clear = lsp::PublishDiagnosticsParams { uri, diagnostics: Vec::new(), version: None };
            if conn
                .sender
                .send(Message::Notification(Notification::new("textDocument/publishDiagnostics".into(), clear)))
                .is_err()
            {
                return false;
            }
        }
        "workspace/didChangeConfiguration" | "workspace/didChangeWatchedFiles" => {
            state.profiles.clear();
            state.profile_of.clear();
            state.scan_workspace(roots);
        }
        _ => return true,
    }
    let notes = state.relint(with_workspace);
    send_all(conn, notes)
}

//! `copylint server` spoken to over stdio, as an editor would.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            len = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_copylint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        let stdin = child.stdin.take().unwrap_or_else(|| panic!("stdin"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("stdout"));
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(v) = read_message(&mut r) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        Client { child, stdin, rx }
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.stdin.write_all(frame.as_bytes()).unwrap_or_else(|e| panic!("write: {e}"));
        self.stdin.flush().unwrap_or_else(|e| panic!("flush: {e}"));
    }

    fn request(&mut self, id: u64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.next();
            if m["id"] == id {
                return m;
            }
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&self) -> Value {
        self.rx.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|e| panic!("no message from the server: {e}"))
    }

    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            let m = self.next();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            }
        }
    }
}

fn find<'a>(diags: &'a [Value], code: &str) -> Option<&'a Value> {
    diags.iter().find(|d| d["code"] == code)
}

#[test]
fn diagnostics_changes_code_actions_hover_and_shutdown() {
    let mut c = Client::start();
    let init = c.request(1, "initialize", json!({"processId": null, "rootUri": null, "capabilities": {}}));
    assert_eq!(init["result"]["capabilities"]["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(init["result"]["capabilities"]["hoverProvider"], true);
    c.notify("initialized", json!({}));

    let uri = "file:///tmp/copylint-lsp-test/page%20one.md";
    let text = "It’s 😀 true: studies show detox cures addiction for good.\n\nWe help addicts. Recovery starts with treatment.\n";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
    );
    let diags = c.diagnostics(uri);
    let c001 = find(&diags, "C001").unwrap_or_else(|| panic!("no C001 in {diags:?}"));
    let prefix = "It’s 😀 true: ";
    assert_eq!(c001["range"]["start"], json!({"line": 0, "character": prefix.encode_utf16().count()}));
    assert_eq!(c001["range"]["end"]["character"], prefix.encode_utf16().count() + "studies show".len());
    assert_eq!(c001["source"], "copylint");
    assert_eq!(c001["severity"], 1);
    assert!(c001["codeDescription"]["href"].as_str().is_some_and(|h| h.starts_with("https://") && h.contains("C001")));
    assert!(find(&diags, "L001").is_some());

    // Incremental change: replace the claim sentence on line 0 (UTF-16 positions).
    let start = prefix.encode_utf16().count();
    let end = "It’s 😀 true: studies show detox cures addiction for good.".encode_utf16().count();
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": start}, "end": {"line": 0, "character": end}}, "text": "our team can help."}
        ]}),
    );
    let diags = c.diagnostics(uri);
    assert!(find(&diags, "C001").is_none() && find(&diags, "M001").is_none(), "{diags:?}");
    let l001 = find(&diags, "L001").cloned().unwrap_or_else(|| panic!("no L001 in {diags:?}"));
    assert_eq!(l001["range"]["start"]["line"], 2);

    let actions = c.request(
        2,
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri}, "range": l001["range"], "context": {"diagnostics": [l001]}
        }),
    );
    let list = actions["result"].as_array().cloned().unwrap_or_default();
    let fix = list
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Replace with")))
        .unwrap_or_else(|| panic!("{list:?}"));
    let edit = &fix["edit"]["changes"][uri][0];
    assert_eq!(edit["newText"], "people with substance use disorders");
    assert!(list.iter().any(|a| a["title"] == "Suppress L001 on this line"));

    let hover =
        c.request(3, "textDocument/hover", json!({"textDocument": {"uri": uri}, "position": l001["range"]["start"]}));
    let md = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(md.contains("# L001 person-labelled-by-disorder") && md.contains("## How to fix"), "{md}");

    let unknown = c.request(4, "textDocument/definition", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);

    let shutdown = c.request(5, "shutdown", json!(null));
    assert!(shutdown.get("error").is_none());
    c.notify("exit", json!(null));
    let status = c.child.wait().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn conflicts_carry_related_information_across_open_documents() {
    let mut c = Client::start();
    c.request(1, "initialize", json!({"processId": null, "capabilities": {}}));
    c.notify("initialized", json!({}));
    let a = "file:///tmp/copylint-lsp-x/a.md";
    let b = "file:///tmp/copylint-lsp-x/b.md";
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": b, "languageId": "markdown", "version": 1,
        "text": "Daily kratom use often leads to dependence and withdrawal symptoms.\n"}}),
    );
    c.diagnostics(b);
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": a, "languageId": "markdown", "version": 1,
        "text": "Kratom is not addictive.\n"}}),
    );
    let diags = loop {
        let d = c.diagnostics(a);
        if find(&d, "X001").is_some() {
            break d;
        }
    };
    let x = find(&diags, "X001").cloned().unwrap_or_default();
    let rel = &x["relatedInformation"][0];
    assert_eq!(rel["location"]["uri"], b);
    assert_eq!(rel["location"]["range"]["start"]["line"], 0);
    c.request(2, "shutdown", json!(null));
    c.notify("exit", json!(null));
}

#[test]
fn malformed_json_rpc_does_not_panic() {
    let mut c = Client::start();
    c.stdin.write_all(b"Content-Length: 12\r\n\r\n{not json!!}").unwrap_or_else(|e| panic!("{e}"));
    let _ = c.stdin.flush();
    drop(c.stdin);
    let out = c.child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn workspace_files_on_disk_take_part_in_cross_file_conflicts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("withdrawal.md"),
        "Daily kratom use often leads to dependence and withdrawal symptoms.\n",
    )
    .unwrap_or_default();
    let root = format!("file://{}", dir.path().display());
    let mut c = Client::start();
    c.request(1, "initialize", json!({"processId": null, "rootUri": root, "capabilities": {}}));
    c.notify("initialized", json!({}));
    let a = format!("{root}/open.md");
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": a, "languageId": "markdown", "version": 1,
        "text": "Kratom is not addictive.\n"}}),
    );
    let diags = c.diagnostics(&a);
    let x = find(&diags, "X001").cloned().unwrap_or_else(|| panic!("no X001 against the workspace file: {diags:?}"));
    assert_eq!(x["relatedInformation"][0]["location"]["uri"], format!("{root}/withdrawal.md"));
    c.request(2, "shutdown", json!(null));
    c.notify("exit", json!(null));
}

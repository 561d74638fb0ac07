// Starts `copylint server` for Markdown, HTML and plain-text documents.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("copylint").get("path") || "copylint";
  const server = { command, args: ["server"] };
  client = new LanguageClient(
    "copylint",
    "copylint",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "markdown" },
        { scheme: "file", language: "html" },
        { scheme: "file", language: "plaintext" },
      ],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/{copylint,.copylint}.toml") },
    }
  );
  context.subscriptions.push(client);
  client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

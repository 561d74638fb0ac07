//! JSON documents written as they are serialized: the one large member (diagnostics, SARIF
//! results) is produced item by item, so the output never exists as one tree in memory.

use serde::Serialize;
use serde_json::Value;

/// A pretty-printed JSON document with one array written item by item: the text before the array's
/// items, then each item, then the text after them, exactly as printing the whole tree would.
pub(super) struct ArrayIn {
    /// The text up to and with the array's `[`.
    before: String,
    /// Indentation of the items.
    indent: String,
    items: usize,
    /// Reused buffers: an item's pretty text, and the same indented.
    text: Vec<u8>,
    buf: Vec<u8>,
}

/// Stands for the streamed array's items in a skeleton document.
const HOLE: &str = "\u{1}copylint-items\u{1}";

impl ArrayIn {
    /// `skeleton` is the document with [`ArrayIn::hole`] as the array's only item.
    pub fn new(skeleton: &Value) -> ArrayIn {
        let (before, indent, _) = split(skeleton);
        ArrayIn { before, indent, items: 0, text: Vec::new(), buf: Vec::new() }
    }

    /// The placeholder item of a skeleton.
    pub fn hole() -> Value {
        Value::from(HOLE)
    }

    pub fn begin(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(self.before.as_bytes())
    }

    /// Writes the next item.
    pub fn item(&mut self, item: &impl Serialize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.text.clear();
        serde_json::to_writer_pretty(&mut self.text, item)?;
        // The item's lines, each indented to the array's depth, written at once.
        let buf = &mut self.buf;
        buf.clear();
        buf.extend_from_slice(if self.items == 0 { b"\n" } else { b",\n" });
        for (i, line) in self.text.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                buf.push(b'\n');
            }
            buf.extend_from_slice(self.indent.as_bytes());
            buf.extend_from_slice(line);
        }
        out.write_all(buf)?;
        self.items += 1;
        Ok(())
    }

    /// Closes the array and writes the rest of `skeleton` (the same document, now with the members
    /// known only at the end), and a final newline.
    pub fn end(&self, skeleton: &Value, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let (_, _, after) = split(skeleton);
        if self.items == 0 {
            // `[]`: the closing bracket right after the opening one.
            let close = after.find(']').map_or(0, |i| i + 1);
            out.write_all(b"]")?;
            out.write_all(&after.as_bytes()[close..])?;
        } else {
            out.write_all(after.as_bytes())?;
        }
        out.write_all(b"\n")
    }
}

/// The pretty text of `skeleton` around its hole: before the hole's line (ending with `[`), the
/// hole's indentation, after the hole (starting with the line break before `]`).
fn split(skeleton: &Value) -> (String, String, String) {
    let text = serde_json::to_string_pretty(skeleton).unwrap_or_default();
    let hole = serde_json::to_string(HOLE).unwrap_or_default();
    let Some(at) = text.find(&hole) else { return (text, String::new(), String::new()) };
    let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (text[..line.saturating_sub(1)].to_string(), text[line..at].to_string(), text[at + hole.len()..].to_string())
}

/// Renders a writer-based format into a string (tests, the language server).
pub(super) fn to_string(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and these values always serialize.
    let _ = write(&mut out);
    String::from_utf8(out).unwrap_or_default()
}

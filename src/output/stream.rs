//! JSON documents written as they are serialized: the one large member (diagnostics, SARIF
//! results) is produced item by item, so the output never exists as one tree in memory.

use serde::Serialize;
use serde_json::Value;

use super::pretty::Pretty;

/// A pretty-printed JSON document with one array written item by item: the text before the array's
/// items, then each item, then the text after them, exactly as printing the whole tree would.
pub(super) struct ArrayIn {
    /// The text up to and with the array's `[`.
    before: String,
    /// Indentation of the items.
    indent: String,
    items: usize,
    /// Reused buffer: an item's pretty text, indented.
    buf: Vec<u8>,
    /// The indentation of the items and of a few levels below them ([`Nested`]).
    pad: Vec<u8>,
    /// `,\n` and `pad` ([`Pretty`]).
    lines: Vec<u8>,
}

/// Stands for the streamed array's items in a skeleton document.
const HOLE: &str = "\u{1}copylint-items\u{1}";

impl ArrayIn {
    /// `skeleton` is the document with [`ArrayIn::hole`] as the array's only item.
    pub fn new(skeleton: &Value) -> ArrayIn {
        let (before, indent, _) = split(skeleton);
        let pad = Nested::pad(&indent);
        let lines = [&b",\n"[..], &pad].concat();
        ArrayIn { before, indent, items: 0, buf: Vec::new(), pad, lines }
    }

    /// The placeholder item of a skeleton.
    pub fn hole() -> Value {
        Value::from(HOLE)
    }

    pub fn begin(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(self.before.as_bytes())
    }

    /// Writes the next item, pretty-printed at the array's depth.
    pub fn item(&mut self, item: &impl Serialize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let buf = &mut self.buf;
        buf.clear();
        buf.extend_from_slice(if self.items == 0 { b"\n" } else { b",\n" });
        buf.extend_from_slice(self.indent.as_bytes());
        let nested = Nested::new(&self.pad, self.indent.len());
        item.serialize(&mut serde_json::Serializer::with_formatter(&mut *buf, nested))?;
        out.write_all(buf)?;
        self.items += 1;
        Ok(())
    }

    /// Writes the next item as `write` prints it ([`Pretty`]: the same text as [`ArrayIn::item`]
    /// gives for a value that serializes so).
    pub fn item_printed(
        &mut self,
        write: impl FnOnce(&mut Pretty),
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let buf = &mut self.buf;
        buf.clear();
        buf.extend_from_slice(if self.items == 0 { b"\n" } else { b",\n" });
        buf.extend_from_slice(self.indent.as_bytes());
        write(&mut Pretty::new(buf, &self.lines, self.indent.len()));
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

/// serde_json's pretty format (two spaces a level) for a value nested in a document: every line
/// after its first starts with the indentation of the line it starts on (`base`). The same text as
/// pretty-printing the value alone and indenting each of its lines, in one pass.
struct Nested<'a> {
    /// `base` followed by the indentation of a few levels ([`Nested::pad`]), sliced per line.
    pad: &'a [u8],
    /// The length of `base`.
    base: usize,
    depth: usize,
    has_value: bool,
}

impl<'a> Nested<'a> {
    /// `base` followed by the indentation of eight levels.
    fn pad(base: &str) -> Vec<u8> {
        let mut pad = base.as_bytes().to_vec();
        pad.resize(base.len() + 2 * 8, b' ');
        pad
    }

    fn new(pad: &'a [u8], base: usize) -> Nested<'a> {
        Nested { pad, base, depth: 0, has_value: false }
    }

    fn line<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        let n = self.base + 2 * self.depth;
        match self.pad.get(..n) {
            Some(pad) => w.write_all(pad),
            None => {
                w.write_all(&self.pad[..self.base])?;
                (0..self.depth).try_for_each(|_| w.write_all(b"  "))
            }
        }
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested<'_> {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.line(w, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.line(w, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// How items were written before [`Nested`]: pretty-printed alone, then each line indented.
    fn indented(value: &Value, base: &str) -> String {
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        text.lines().map(|l| format!("{base}{l}")).collect::<Vec<_>>().join("\n")
    }

    fn nested(value: &Value, base: &str) -> String {
        let mut buf = base.as_bytes().to_vec();
        let pad = Nested::pad(base);
        let _ = value.serialize(&mut serde_json::Serializer::with_formatter(&mut buf, Nested::new(&pad, base.len())));
        String::from_utf8(buf).unwrap_or_default()
    }

    fn values() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "[a-z\n\"\\\\é]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(12, 64, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[a-z]{1,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn deep_values_indent_past_the_prepared_pad() {
        let mut v = serde_json::json!({ "leaf": [1, {}, []] });
        for _ in 0..12 {
            v = serde_json::json!({ "k": [v] });
        }
        assert_eq!(nested(&v, "    "), indented(&v, "    "));
    }

    proptest! {
        #[test]
        fn nested_printing_is_pretty_printing_indented(v in values(), depth in 0usize..4) {
            let base = "  ".repeat(depth);
            prop_assert_eq!(nested(&v, &base), indented(&v, &base));
        }
    }
}

//! Pretty JSON written by hand, for the value a run writes thousands of times: a diagnostic. The
//! same text serde_json's pretty printer gives at the same indentation (`stream::Nested`), from
//! direct writes into the item's buffer: the serializer escaped each string a byte at a time and
//! wrote every key and number through its formatter, 11% of a run over 10 MB of Markdown pages
//! (49,000 diagnostics, 43 MB of JSON). A property test compares both printers.

/// A pretty printer into `out` whose every line after the first starts with the base
/// indentation.
pub(super) struct Pretty<'a> {
    out: &'a mut Vec<u8>,
    /// `,\n`, the base indentation, then spaces for a few levels (`stream::ArrayIn`): a member's
    /// line start is one slice of it.
    lines: &'a [u8],
    base: usize,
    depth: usize,
    /// Whether the open container has no member yet.
    first: bool,
}

impl<'a> Pretty<'a> {
    /// `lines`: `,\n`, then the base indentation (`base` bytes), then spaces.
    pub(super) fn new(out: &'a mut Vec<u8>, lines: &'a [u8], base: usize) -> Pretty<'a> {
        Pretty { out, lines, base, depth: 0, first: true }
    }

    /// A line break (after a comma unless the member is the container's first) and the
    /// indentation of the current depth.
    fn line(&mut self) {
        let from = if self.first { 1 } else { 0 };
        self.first = false;
        self.line_from(from);
    }

    /// `lines[from..]` up to the indentation of the current depth (spaces past its end).
    fn line_from(&mut self, from: usize) {
        let n = 2 + self.base + 2 * self.depth;
        let have = n.min(self.lines.len());
        self.out.extend_from_slice(&self.lines[from.min(have)..have]);
        self.out.resize(self.out.len() + (n - have), b' ');
    }

    /// A container: `open`, the members `members` writes, then (on a line of its own when it has
    /// members) `close`.
    fn container(&mut self, open: u8, close: u8, members: impl FnOnce(&mut Self)) {
        self.out.push(open);
        let outer = std::mem::replace(&mut self.first, true);
        self.depth += 1;
        members(self);
        self.depth -= 1;
        if !self.first {
            // The closing bracket on a line of its own, at the container's own depth.
            self.line_from(1);
        }
        self.first = outer;
        self.out.push(close);
    }

    pub(super) fn object(&mut self, members: impl FnOnce(&mut Self)) {
        self.container(b'{', b'}', members);
    }

    /// An array of `items`, each written by `item`.
    pub(super) fn array<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        self.container(b'[', b']', |p| {
            for x in items {
                p.line();
                item(p, x);
            }
        });
    }

    /// A member's key, given quoted and with its colon (`"code": `: keys here need no escaping);
    /// its value follows.
    pub(super) fn key(&mut self, quoted: &str) {
        self.line();
        self.out.extend_from_slice(quoted.as_bytes());
    }

    pub(super) fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    pub(super) fn number(&mut self, n: usize) {
        self.out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    /// A string, escaped as serde_json escapes it: `"`, `\` and the control characters below
    /// U+0020 (short forms for backspace, tab, line feed, form feed and carriage return,
    /// `\u00XX` for the rest), nothing else.
    pub(super) fn string(&mut self, s: &str) {
        let bytes = s.as_bytes();
        self.out.push(b'"');
        // Most strings need no escape: one vectorized look, one copy.
        let control = bytes.iter().fold(false, |any, &b| any | (b < 0x20));
        if !control && memchr::memchr2(b'"', b'\\', bytes).is_none() {
            self.out.extend_from_slice(bytes);
        } else {
            let mut run = 0;
            for (i, &b) in bytes.iter().enumerate() {
                let escape: &[u8] = match b {
                    b'"' => b"\\\"",
                    b'\\' => b"\\\\",
                    0x08 => b"\\b",
                    b'\t' => b"\\t",
                    b'\n' => b"\\n",
                    0x0C => b"\\f",
                    b'\r' => b"\\r",
                    0x00..=0x1F => b"",
                    _ => continue,
                };
                self.out.extend_from_slice(&bytes[run..i]);
                run = i + 1;
                if escape.is_empty() {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    self.out.extend_from_slice(b"\\u00");
                    self.out.push(HEX[usize::from(b >> 4)]);
                    self.out.push(HEX[usize::from(b & 0xF)]);
                } else {
                    self.out.extend_from_slice(escape);
                }
            }
            self.out.extend_from_slice(&bytes[run..]);
        }
        self.out.push(b'"');
    }
}

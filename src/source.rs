//! Source files and positions: the one place where byte offsets become lines and columns.

use serde::Serialize;

/// One input file as read from disk (or stdin), with an index of line starts.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as the user named it (or the `--stdin-filename`).
    pub path: String,
    /// The decoded text (UTF-8, BOM removed).
    pub text: String,
    line_starts: Vec<usize>,
}

/// A position in a source file. Lines and columns are 1-based; `column` counts Unicode scalar
/// values, `utf16_column` counts UTF-16 code units (what LSP editors expect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    // Fields in key order: JSON output serializes a position as it is.
    /// 1-based column in Unicode scalar values.
    pub column: usize,
    /// 1-based line.
    pub line: usize,
    /// Byte offset into the source.
    pub offset: usize,
    /// 1-based column in UTF-16 code units.
    pub utf16_column: usize,
}

impl SourceFile {
    /// Wraps decoded text; line breaks are `\n`, `\r\n` and a lone `\r`.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                line_starts.push(i + 1);
            }
        }
        SourceFile { path: path.into(), text, line_starts }
    }

    /// Byte offsets where each line starts.
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    /// 0-based line index containing `offset` (clamped to the text).
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The position of a byte offset. An offset inside a multi-byte character is moved back to the
    /// character's start.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_index(offset);
        let prefix = &self.text[self.line_starts[line]..offset];
        // A character takes two UTF-16 units exactly when it takes four bytes in UTF-8.
        // One pass: a character starts at every byte that is not a continuation byte (`10xxxxxx`,
        // below -64 as `i8`), and takes four bytes when it starts with `11110xxx`.
        let (chars, astral) = if prefix.is_ascii() {
            (prefix.len(), 0)
        } else {
            prefix.bytes().fold((0, 0), |(c, a), b| (c + usize::from(b as i8 >= -64), a + usize::from(b >= 0xF0)))
        };
        Position { offset, line: line + 1, column: chars + 1, utf16_column: chars + astral + 1 }
    }

    /// The byte offset of an LSP position (0-based line, UTF-16 code units), clamped to the line.
    pub fn offset_of_utf16(&self, line: usize, character: usize) -> usize {
        let Some(&start) = self.line_starts.get(line) else { return self.text.len() };
        let text = self.line_text(line);
        let mut units = 0;
        for (i, c) in text.char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + text.len()
    }

    /// The text of 0-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        let end = self.line_starts.get(line + 1).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_scalars_and_utf16_units() {
        let f = SourceFile::new("x", "ab\nit’s — 😀 here\n");
        let off = f.text.find("here").unwrap_or(0);
        let p = f.position(off);
        assert_eq!(p.line, 2);
        // "it’s — 😀 " is 9 scalar values; the emoji is 2 UTF-16 units.
        assert_eq!(p.column, 10);
        assert_eq!(p.utf16_column, 11);
    }

    #[test]
    fn crlf_and_lone_cr_break_lines() {
        let f = SourceFile::new("x", "a\r\nb\rc\nd");
        assert_eq!(f.position(f.text.find('b').unwrap_or(0)).line, 2);
        assert_eq!(f.position(f.text.find('c').unwrap_or(0)).line, 3);
        assert_eq!(f.position(f.text.find('d').unwrap_or(0)).line, 4);
        assert_eq!(f.line_text(0), "a");
    }

    proptest::proptest! {
        #[test]
        fn columns_are_the_counts_of_the_line_prefix(text in "[ab\n\r’é😀\u{10000}\u{ffff}]{0,30}", at in 0usize..40) {
            let f = SourceFile::new("x", &text);
            let p = f.position(at);
            let prefix = &text[f.line_starts()[p.line - 1]..p.offset];
            proptest::prop_assert_eq!(p.column, prefix.chars().count() + 1);
            proptest::prop_assert_eq!(p.utf16_column, prefix.encode_utf16().count() + 1);
        }
    }

    #[test]
    fn offset_inside_char_moves_to_its_start() {
        let f = SourceFile::new("x", "a’b");
        assert_eq!(f.position(2).offset, 1);
        assert_eq!(f.position(99).offset, f.text.len());
    }
}

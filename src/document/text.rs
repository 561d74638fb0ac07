//! Plain text: a blank line ends a block; so does a line break after a complete sentence, a colon,
//! or a line that reads like a heading. A line that starts in lower case after an unfinished line
//! continues it (hard-wrapped prose). Bullets and numbered items are list items.

use super::{BlockKind, Builder, Document, Format};

pub(super) fn parse(source: &str) -> Document {
    let mut b = Builder::default();
    let mut prev: Option<&str> = None; // trimmed previous line of the open block
    let mut pos = 0;
    for raw in lines(source) {
        let start = pos;
        pos += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if trimmed.is_empty() {
            b.end();
            prev = None;
            continue;
        }
        // Comment lines (suppression directives) are not prose.
        if (trimmed.starts_with("<!--") && trimmed.ends_with("-->")) || trimmed.starts_with("# copylint-") {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let src = start + lead;
        let item = is_list_item(trimmed);
        match prev {
            Some(p) if !item && continues(p, trimmed) => {
                b.replaced(" ", src - 1..src);
            }
            _ => {
                b.start(if item { BlockKind::ListItem } else { BlockKind::Paragraph });
            }
        }
        b.verbatim(trimmed, src);
        prev = Some(trimmed);
    }
    let mut doc = b.finish(Format::Text);
    // A one-line block that reads like a title is a heading.
    for i in 0..doc.blocks.len() {
        let blk = &doc.blocks[i];
        if blk.kind == BlockKind::Paragraph && looks_like_heading(doc.slice(&blk.span)) {
            doc.blocks[i].kind = BlockKind::Heading;
        }
    }
    let mut section = 0;
    for i in 0..doc.blocks.len() {
        if doc.blocks[i].kind == BlockKind::Heading && i > 0 {
            section += 1;
        }
        doc.blocks[i].section = section;
    }
    doc
}

/// Lines with their terminators: `\n`, `\r\n` and a lone `\r` all end a line.
fn lines(source: &str) -> impl Iterator<Item = &str> {
    let bytes = source.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let i = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let end = match bytes.get(i) {
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            Some(_) => i + 1,
            None => i,
        };
        let line = &source[start..end];
        start = end;
        Some(line)
    })
}

/// Bullets (`•`, `-`, `*`, `·`, `▪`, `◦`, `–`) and numbered items (`1.`, `2)`).
pub(crate) fn is_list_item(line: &str) -> bool {
    let mut chars = line.chars();
    match chars.next() {
        Some('•' | '·' | '▪' | '◦' | '‣' | '●' | '○' | '■' | '–' | '-' | '*' | '+') => {
            chars.next().is_some_and(char::is_whitespace)
        }
        Some(c) if c.is_ascii_digit() => {
            let rest = line.trim_start_matches(|c: char| c.is_ascii_digit());
            let digits = line.len() - rest.len();
            digits <= 3 && (rest.starts_with(". ") || rest.starts_with(") ") || rest.starts_with(".\t"))
        }
        _ => false,
    }
}

fn continues(prev: &str, line: &str) -> bool {
    let ends_open = !prev.ends_with(['.', '!', '?', ':', ';', '"', '”', ')', ']']);
    let starts_lower = line.chars().next().is_some_and(|c| c.is_lowercase());
    ends_open && starts_lower
}

/// Short, no sentence punctuation at the end (a question mark is allowed), not a list item.
pub(crate) fn looks_like_heading(text: &str) -> bool {
    // The cheap tests first: most blocks are prose that ends a sentence; words are counted only
    // up to one past the limit.
    if text.ends_with(['.', ',', ';', ':']) || text.contains('\n') || is_list_item(text) {
        return false;
    }
    let words = crate::segment::words_up_to(text, 13);
    words > 0 && words <= 12
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(BlockKind, String)> {
        let d = parse(src);
        d.blocks.iter().map(|b| (b.kind, d.slice(&b.span).to_string())).collect()
    }

    #[test]
    fn lines_after_full_sentences_are_blocks() {
        let k = kinds("First sentence here.\nIt helps:\nNext paragraph here.\n");
        assert_eq!(k.len(), 3);
        assert_eq!(k[1].1, "It helps:");
    }

    #[test]
    fn wrapped_lines_join() {
        let k = kinds("This is a long line that\ncontinues here.\n\n  • item one\n  • item two\n");
        assert_eq!(k[0], (BlockKind::Paragraph, "This is a long line that continues here.".into()));
        assert_eq!(k[1].0, BlockKind::ListItem);
        assert_eq!(k.len(), 3);
    }

    #[test]
    fn headings_and_sections() {
        let d = parse("Title Here\n\nBody text is here.\n\nAnother Heading?\n\nMore text.\n");
        assert_eq!(d.blocks[0].kind, BlockKind::Heading);
        assert_eq!(d.blocks[3].section, 1);
        assert_eq!(d.blocks[2].kind, BlockKind::Heading);
    }

    #[test]
    fn lone_cr_and_crlf_end_lines() {
        let k = kinds("First line here.\rSecond line here.\r\nThird line.\r");
        assert_eq!(k.len(), 3);
        assert_eq!(k[1].1, "Second line here.");
    }

    #[test]
    fn spans_map_to_source() {
        let src = "  Indented line.\r\nNext one.\r\n";
        let d = parse(src);
        let b = &d.blocks[1];
        assert_eq!(&src[d.source_span(&b.span)], "Next one.");
        assert_eq!(&src[d.source_span(&d.blocks[0].span)], "Indented line.");
    }
}

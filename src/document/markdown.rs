//! Markdown via pulldown-cmark: headings, paragraphs, list items, quotes and table cells become
//! blocks; code blocks, raw HTML and front matter are not prose. Front matter keys `author`,
//! `reviewed_by`, `reviewer` and `medically_reviewed_by` become metadata.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{BlockKind, Builder, Document, Format, MetaField};

pub(super) fn parse(source: &str, html_skip: &[String]) -> Document {
    let mut b = Builder::default();
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut skip = 0usize; // inside code blocks, images, metadata
    let mut in_metadata = false;
    let mut quote = 0usize;
    let mut items = 0usize;
    let mut link_start: Vec<(usize, String)> = Vec::new();
    for (event, range) in Parser::new_ext(source, opts).into_offset_iter() {
        match event {
            Event::Start(tag) => match tag {
                Tag::Heading { .. } => b.start(BlockKind::Heading),
                Tag::Paragraph => {
                    let in_fresh_item = b.open_kind() == Some(BlockKind::ListItem) && b.open_is_empty();
                    if !in_fresh_item {
                        b.start(if quote > 0 {
                            BlockKind::Quote
                        } else if items > 0 {
                            BlockKind::ListItem
                        } else {
                            BlockKind::Paragraph
                        });
                    }
                }
                Tag::Item => {
                    items += 1;
                    b.start(BlockKind::ListItem);
                }
                Tag::BlockQuote(_) => quote += 1,
                Tag::TableCell => b.start(BlockKind::TableCell),
                Tag::HtmlBlock => {
                    // Raw HTML is read as a browser would: comments and scripts vanish, a
                    // <div> of prose is linted with exact positions.
                    b.end();
                    super::html::parse_into(&mut b, source, range.clone(), html_skip);
                    skip += 1;
                }
                Tag::CodeBlock(_) | Tag::Image { .. } => skip += 1,
                Tag::MetadataBlock(_) => {
                    skip += 1;
                    in_metadata = true;
                }
                Tag::Link { dest_url, .. } => link_start.push((b.len(), dest_url.to_string())),
                Tag::FootnoteDefinition(_) => {
                    b.footnote_definitions += 1;
                    b.start(BlockKind::Paragraph);
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::TableCell => b.end(),
                TagEnd::Item => {
                    items = items.saturating_sub(1);
                    b.end();
                }
                TagEnd::BlockQuote(_) => quote = quote.saturating_sub(1),
                TagEnd::CodeBlock | TagEnd::Image | TagEnd::HtmlBlock => skip = skip.saturating_sub(1),
                TagEnd::MetadataBlock(_) => {
                    skip = skip.saturating_sub(1);
                    in_metadata = false;
                }
                TagEnd::Link => {
                    if let Some((s, href)) = link_start.pop() {
                        if b.len() > s && super::is_source_link(&href, b.text_since(s)) {
                            b.links.push(s..b.len());
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_metadata => read_front_matter(&mut b, source, range.start, &t),
            Event::Text(t) | Event::Code(t) if skip == 0 && !(b.open_is_empty() && is_mdx_statement(&t)) => {
                push_text(&mut b, source, range, &t)
            }
            Event::SoftBreak | Event::HardBreak if skip == 0 => b.replaced(" ", range),
            Event::FootnoteReference(label) if skip == 0 => {
                b.replaced(&format!("[^{label}]"), range);
            }
            _ => {}
        }
    }
    b.finish(Format::Markdown)
}

fn push_text(b: &mut Builder, source: &str, range: std::ops::Range<usize>, text: &str) {
    let raw = source.get(range.clone()).unwrap_or("");
    if raw == text {
        b.verbatim(text, range.start);
    } else if let Some(i) = raw.find(text) {
        b.verbatim(text, range.start + i); // inline code: text inside the backticks
    } else {
        b.replaced(text, range);
    }
}

/// Reads `key: value` lines of YAML front matter (flat keys only, which is all the rules need).
fn read_front_matter(b: &mut Builder, source: &str, start: usize, text: &str) {
    // pulldown gives the block's text; find it in the source to recover exact offsets.
    let base = source.get(start..).and_then(|s| s.find(text)).map_or(start, |i| start + i);
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value_raw = value.trim_end_matches(['\n', '\r']);
        let lead = value_raw.len() - value_raw.trim_start().len();
        let v = value_raw.trim().trim_matches(['"', '\'']);
        let v_off = base + line_start + key_len(line) + 1 + lead;
        let field = MetaField { value: v.to_string(), source_span: v_off..v_off + value_raw.trim().len() };
        match key.as_str() {
            "author" | "written_by" => b.meta.author = Some(field),
            "reviewed_by" | "reviewer" | "medically_reviewed_by" | "reviewedby" => b.meta.reviewer = Some(field),
            _ => {}
        }
    }
}

/// MDX `import`/`export` statements are code, not prose.
fn is_mdx_statement(text: &str) -> bool {
    let t = text.trim_start();
    (t.starts_with("import ") && (t.contains(" from ") || t.contains('\'') || t.contains('"')))
        || t.starts_with("export const ")
        || t.starts_with("export default ")
        || t.starts_with("export function ")
}

fn key_len(line: &str) -> usize {
    line.find(':').unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Document {
        super::parse(src, &["nav".to_string()])
    }

    #[test]
    fn blocks_and_spans() {
        let src = "---\nauthor: Jane Roe\nreviewed_by: \"Dr. A, MD\"\n---\n# Title\n\nSome **bold** text.\n\n- one\n- two\n\n```\ncode here\n```\n";
        let d = parse(src);
        let kinds: Vec<_> = d.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(kinds, vec![BlockKind::Heading, BlockKind::Paragraph, BlockKind::ListItem, BlockKind::ListItem]);
        assert_eq!(d.slice(&d.blocks[1].span), "Some bold text.");
        let bold = d.text.find("bold").unwrap_or(0);
        assert_eq!(&src[d.source_span(&(bold..bold + 4))], "bold");
        let author = d.meta.author.as_ref().map(|f| f.value.clone());
        assert_eq!(author.as_deref(), Some("Jane Roe"));
        let reviewer = d.meta.reviewer.as_ref().map(|f| &src[f.source_span.clone()]);
        assert_eq!(reviewer, Some("\"Dr. A, MD\""));
        assert!(!d.text.contains("code here"));
    }

    #[test]
    fn html_blocks_comments_and_mdx_statements() {
        let src = "import Callout from './callout'\n\nIntro text.\n\n<!-- copy note: not prose -->\n\n<div class=\"note\">\n<p>Call us &mdash; today.</p>\n</div>\n\nEnd.\n";
        let d = parse(src);
        let texts: Vec<&str> = d.blocks.iter().map(|b| d.slice(&b.span)).collect();
        assert_eq!(texts, vec!["Intro text.", "Call us — today.", "End."]);
        let call = d.text.find("Call").unwrap_or(0);
        assert_eq!(&src[d.source_span(&(call..call + 4))], "Call");
        let dash = d.text.find('—').unwrap_or(0);
        assert_eq!(&src[d.source_span(&(dash..dash + '—'.len_utf8()))], "&mdash;");
    }

    #[test]
    fn soft_breaks_join_lines_and_links_are_recorded() {
        let src = "A line\ncontinues [here](https://doi.org/10.1/x), [there](/about).\n\nTerm[^1].\n\n[^1]: Source.\n";
        let d = parse(src);
        assert_eq!(d.slice(&d.blocks[0].span), "A line continues here, there.");
        assert_eq!(d.links.len(), 1);
        assert_eq!(d.footnote_definitions, 1);
        assert!(d.text.contains("Term[^1]."));
    }
}

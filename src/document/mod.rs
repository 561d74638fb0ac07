//! The document model: visible text split into blocks and sentences, with every span mapped back
//! to byte offsets in the original source. Everything after parsing works on [`Document`].

mod html;
mod markdown;
mod offset_map;
mod text;

pub use html::DEFAULT_SKIP as DEFAULT_HTML_SKIP;
pub use offset_map::OffsetMap;

use std::ops::Range;
use std::sync::OnceLock;

use crate::bytescan::AnyOf;

/// The input formats copylint understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text: blocks are separated by blank lines or by line breaks after complete sentences.
    Text,
    /// CommonMark with front matter, tables and footnotes.
    Markdown,
    /// HTML: visible text with positions in the original markup.
    Html,
}

impl Format {
    /// The format for a file extension, if copylint knows it.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" | "mdown" | "mkd" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            _ => None,
        }
    }
}

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading (or, in plain text, a short line that reads like one).
    Heading,
    /// Running prose.
    Paragraph,
    /// One item of a bulleted or numbered list.
    ListItem,
    /// A paragraph inside a block quote.
    Quote,
    /// A table cell.
    TableCell,
}

/// A block of visible text. `span` is a range into [`Document::text`].
#[derive(Debug, Clone)]
pub struct Block {
    /// What kind of block this is.
    pub kind: BlockKind,
    /// Range into [`Document::text`].
    pub span: Range<usize>,
    /// Index of the section (a heading starts a new one).
    pub section: usize,
    /// Range of indices into [`Document::sentences`].
    pub sentences: Range<usize>,
}

/// One sentence, a range into [`Document::text`].
#[derive(Debug, Clone)]
pub struct Sentence {
    /// Range into [`Document::text`].
    pub span: Range<usize>,
    /// Index of its block.
    pub block: usize,
}

/// A metadata value (front matter, meta tags) and where it stands in the source.
#[derive(Debug, Clone)]
pub struct MetaField {
    /// The value, trimmed and unquoted.
    pub value: String,
    /// Byte range of the value in the source.
    pub source_span: Range<usize>,
}

/// Page metadata used by the attribution rules.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// `author` key.
    pub author: Option<MetaField>,
    /// `reviewed_by` / `reviewer` / `medically_reviewed_by` key.
    pub reviewer: Option<MetaField>,
}

/// A parsed page.
#[derive(Debug, Clone)]
pub struct Document {
    /// The input format.
    pub format: Format,
    /// Visible text; blocks are separated by a single `\n`.
    pub text: String,
    /// Maps offsets in `text` back to the source.
    pub map: OffsetMap,
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
    /// Sentences in reading order.
    pub sentences: Vec<Sentence>,
    /// Front matter and similar metadata.
    pub meta: Metadata,
    /// Ranges (in `text`) of hyperlinks that point at a source (see [`is_source_link`]), sorted.
    pub links: Vec<Range<usize>>,
    /// Number of footnote definitions (Markdown `[^1]: ...`).
    pub footnote_definitions: usize,
}

impl Document {
    /// Parses `source` in the given format (HTML page furniture: the default `nav`).
    pub fn parse(source: &str, format: Format) -> Document {
        Document::parse_with(source, format, default_html_skip())
    }

    /// Parses with explicit HTML furniture selectors (`[html] skip` in the configuration).
    pub fn parse_with(source: &str, format: Format, html_skip: &[String]) -> Document {
        match format {
            Format::Text => text::parse(source),
            Format::Markdown => markdown::parse(source, html_skip),
            Format::Html => html::parse(source, html_skip),
        }
    }

    /// The text of a span of `text`.
    pub fn slice(&self, span: &Range<usize>) -> &str {
        self.text.get(span.clone()).unwrap_or("")
    }

    /// Index of the sentence containing text offset `offset` (the nearest one before it when
    /// `offset` falls between sentences).
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.start <= offset);
        i.checked_sub(1)
    }

    /// Index of the block containing text offset `offset`.
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.span.start <= offset);
        i.checked_sub(1)
    }

    /// Maps a span of `text` to a byte range of the source.
    pub fn source_span(&self, span: &Range<usize>) -> Range<usize> {
        self.map.to_source(span)
    }
}

/// [`DEFAULT_HTML_SKIP`] as the selector list `parse_with` takes, built once per process.
pub fn default_html_skip() -> &'static [String] {
    static SKIP: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SKIP.get_or_init(|| html::DEFAULT_SKIP.iter().map(|s| s.to_string()).collect())
}

/// Whether a hyperlink backs a claim: it points at a scholarly, government or clinical-reference
/// source, or its text reads like a citation (`[3]`, "a 2019 study"). Internal navigation links
/// ("/drugs/baclofen") are not citations.
pub fn is_source_link(href: &str, text: &str) -> bool {
    const SOURCES: &[&str] = &[
        "doi.org",
        "doi:",
        "ncbi.nlm.nih.gov",
        "pubmed",
        "nih.gov",
        ".gov/",
        ".edu/",
        "who.int",
        "cochrane",
        "sciencedirect",
        "springer",
        "wiley.com",
        "nejm.org",
        "jamanetwork",
        "thelancet",
        "bmj.com",
        "nature.com",
        "tandfonline",
        "sagepub",
        "academic.oup.com",
        "psychiatryonline",
        "asam.org",
        "dailymed",
        "medlineplus",
        "accessdata.fda.gov",
        "clinicaltrials.gov",
        "europepmc",
        "frontiersin",
        "plos",
    ];
    let h = href.to_ascii_lowercase();
    let h = if h.ends_with(".gov") || h.ends_with(".edu") { format!("{h}/") } else { h };
    let t = text.trim().to_ascii_lowercase();
    let marker = !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || "[]()^, -".contains(c));
    let words = [
        "study",
        "studies",
        "research",
        "trial",
        "source",
        "review",
        "report",
        "guideline",
        "label",
        "journal",
        "et al",
    ];
    // One search each, built on first use: a substring search per needle (40 per link) was 4%
    // of a run over 10 MB of HTML.
    static SOURCE_SET: OnceLock<AnyOf> = OnceLock::new();
    static WORD_SET: OnceLock<AnyOf> = OnceLock::new();
    marker
        || SOURCE_SET.get_or_init(|| AnyOf::new(SOURCES)).is_in(h.as_bytes())
        || WORD_SET.get_or_init(|| AnyOf::new(&words)).is_in(t.as_bytes())
}

/// Builds a [`Document`] from pieces of visible text, each tied to a source range.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    text: String,
    map: OffsetMap,
    blocks: Vec<(BlockKind, Range<usize>)>,
    open: Option<(BlockKind, usize)>,
    pub(crate) meta: Metadata,
    pub(crate) links: Vec<Range<usize>>,
    pub(crate) footnote_definitions: usize,
}

impl Builder {
    /// Current length of the visible text.
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// The visible text pushed since offset `start`.
    pub(crate) fn text_since(&self, start: usize) -> &str {
        self.text.get(start..).unwrap_or("")
    }

    /// Starts a block (closing any open one).
    pub(crate) fn start(&mut self, kind: BlockKind) {
        self.end();
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        self.open = Some((kind, self.text.len()));
    }

    /// The kind of the open block, if any.
    pub(crate) fn open_kind(&self) -> Option<BlockKind> {
        self.open.map(|(k, _)| k)
    }

    /// Whether the open block has no text yet.
    pub(crate) fn open_is_empty(&self) -> bool {
        self.open.is_some_and(|(_, s)| s == self.text.len())
    }

    /// Appends text that appears verbatim at `src_start` in the source.
    pub(crate) fn verbatim(&mut self, text: &str, src_start: usize) {
        if self.open.is_none() {
            self.start(BlockKind::Paragraph);
        }
        self.map.push(self.text.len(), src_start, text.len(), text.len());
        self.text.push_str(text);
    }

    /// Appends text that stands for the source range `src` (entities, soft breaks, ...).
    pub(crate) fn replaced(&mut self, text: &str, src: Range<usize>) {
        if self.open.is_none() {
            self.start(BlockKind::Paragraph);
        }
        self.map.push(self.text.len(), src.start, text.len(), src.len());
        self.text.push_str(text);
    }

    /// Closes the open block; empty or all-whitespace blocks are dropped.
    pub(crate) fn end(&mut self) {
        if let Some((kind, start)) = self.open.take() {
            let raw = &self.text[start..];
            let lead = raw.len() - raw.trim_start().len();
            let trail = raw.len() - raw.trim_end().len();
            if raw.trim().is_empty() {
                self.text.truncate(start);
                if self.text.ends_with('\n') {
                    self.text.pop();
                }
            } else {
                self.blocks.push((kind, start + lead..self.text.len() - trail));
            }
        }
    }

    /// Segments sentences and returns the document.
    pub(crate) fn finish(mut self, format: Format) -> Document {
        self.end();
        let mut blocks = Vec::with_capacity(self.blocks.len());
        let mut sentences = Vec::new();
        let mut section = 0;
        let mut found = Vec::new();
        for (i, (kind, span)) in self.blocks.into_iter().enumerate() {
            if kind == BlockKind::Heading && i > 0 {
                section += 1;
            }
            let first = sentences.len();
            found.clear();
            crate::segment::sentences_into(&self.text[span.clone()], &mut found);
            for s in &found {
                sentences.push(Sentence { span: span.start + s.start..span.start + s.end, block: i });
            }
            blocks.push(Block { kind, span, section, sentences: first..sentences.len() });
        }
        self.links.sort_by_key(|r| r.start);
        Document {
            format,
            text: self.text,
            map: self.map,
            blocks,
            sentences,
            meta: self.meta,
            links: self.links,
            footnote_definitions: self.footnote_definitions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_source_link;

    #[test]
    fn source_links_by_address_or_by_text() {
        assert!(is_source_link("https://PubMed.ncbi.nlm.nih.gov/123", "here"));
        assert!(is_source_link("https://example.gov", "site"));
        assert!(is_source_link("/page", "a 2019 Study"));
        assert!(is_source_link("#ref-3", "[3]"));
        assert!(!is_source_link("/drugs/baclofen", "baclofen"));
    }
}

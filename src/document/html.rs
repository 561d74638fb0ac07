//! HTML through html5gum (a WHATWG-compliant tokenizer with source spans). The visible text is
//! read as a browser user reads it (scripts, styles, templates, hidden elements and `nav` menus
//! left out; entities decoded; white space collapsed) while every character keeps its position
//! in the original bytes, so a finding on "doesn’t" written as `doesn&rsquo;t` underlines the
//! right source. Block elements make blocks; inline elements (`b`, `a`, `span`) do not split
//! sentences. `alt` and `title` attributes are their own short blocks. `<meta name="author">`
//! and JSON-LD `author` / `reviewedBy` become metadata.

use std::ops::Range;

use html5gum::{DefaultEmitter, Emitter, ForwardingEmitter, Token, Tokenizer};

use super::{BlockKind, Builder, Document, Format, MetaField};

/// Elements whose content is never visible text.
const INVISIBLE: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object", "select",
    "textarea", "canvas", "audio", "video",
];
/// Page furniture left out when the configuration names none (`[html] skip`).
pub const DEFAULT_SKIP: &[&str] = &["nav"];

/// Whether a start tag matches a simple selector: `tag`, `.class`, `#id`, `tag.class`, `tag#id`.
fn matches_selector(name: &str, tag: &html5gum::StartTag<usize>, selector: &str) -> bool {
    let (head, id) = match selector.split_once('#') {
        Some((h, i)) => (h, Some(i)),
        None => (selector, None),
    };
    let mut parts = head.split('.');
    let tag_name = parts.next().unwrap_or("");
    if !tag_name.is_empty() && !tag_name.eq_ignore_ascii_case(name) {
        return false;
    }
    let classes = attr(tag, "class").map(|v| lossy(&v.value)).unwrap_or_default();
    if !parts.all(|c| classes.split_whitespace().any(|k| k == c)) {
        return false;
    }
    id.is_none_or(|i| attr(tag, "id").is_some_and(|v| v.value.as_slice() == i.as_bytes()))
}
/// Elements without an end tag.
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

fn block_kind(tag: &str) -> Option<BlockKind> {
    Some(match tag {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
        "li" | "dt" | "dd" => BlockKind::ListItem,
        "td" | "th" | "caption" => BlockKind::TableCell,
        "blockquote" => BlockKind::Quote,
        "p" | "div" | "section" | "article" | "header" | "footer" | "main" | "aside" | "ul" | "ol" | "dl" | "table"
        | "tr" | "thead" | "tbody" | "tfoot" | "form" | "address" | "pre" | "hr" | "br" | "figure" | "figcaption"
        | "details" | "summary" | "fieldset" | "legend" | "body" | "html" => BlockKind::Paragraph,
        _ => return None,
    })
}

struct Open {
    name: String,
    hidden: bool,
    kind: Option<BlockKind>,
}

struct State<'s> {
    source: &'s str,
    skip: &'s [String],
    b: Builder,
    stack: Vec<Open>,
    hidden: usize,
    space: bool,
    links: Vec<(usize, String)>,
    sup: usize,
    json_ld: bool,
    extra_blocks: Vec<(String, Range<usize>)>,
}

impl State<'_> {
    fn kind(&self) -> BlockKind {
        if self.stack.iter().any(|o| o.kind == Some(BlockKind::Quote)) {
            return BlockKind::Quote;
        }
        self.stack.iter().rev().find_map(|o| o.kind).unwrap_or(BlockKind::Paragraph)
    }

    fn ensure_block(&mut self) {
        if self.b.open_kind().is_none() {
            let k = self.kind();
            self.b.start(k);
            self.space = true;
        }
    }

    fn break_block(&mut self) {
        self.b.end();
        self.space = true;
    }

    fn push_char(&mut self, c: char, src: Range<usize>) {
        if c.is_whitespace() || c == '\u{a0}' {
            if !self.space {
                self.ensure_block();
                self.b.replaced(" ", src);
                self.space = true;
            }
            return;
        }
        self.ensure_block();
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        if src.len() == s.len() && self.source.get(src.clone()) == Some(s) {
            self.b.verbatim(s, src.start);
        } else {
            self.b.replaced(s, src);
        }
        self.space = false;
    }

    /// Pushes decoded text aligned with its raw source range.
    fn push_text(&mut self, raw: Range<usize>, decoded: &str) {
        if self.sup > 0
            && decoded.trim().chars().all(|c| c.is_ascii_digit() || c == ',' || c == '-')
            && !decoded.trim().is_empty()
        {
            // A superscript reference number: "cravings<sup>3</sup>" reads as a marker.
            self.ensure_block();
            self.b.replaced(&format!("[{}]", decoded.trim()), raw);
            self.space = false;
            return;
        }
        let raw_text = self.source.get(raw.clone()).unwrap_or("");
        // What `align` pairs, a stretch at a time: up to the next `&` or carriage return the
        // source is the text as it is, and such a stretch goes in one push when the decoded text
        // has the same bytes there; each entity or line break is one aligned character.
        let (mut i, mut j) = (0, 0);
        while let Some(dc) = decoded.get(j..).and_then(|d| d.chars().next()) {
            let rest = &raw_text.as_bytes()[i.min(raw_text.len())..];
            let k = memchr::memchr2(b'&', b'\r', rest).unwrap_or(rest.len());
            if k > 0 && decoded.as_bytes().get(j..j + k) == Some(&rest[..k]) {
                self.push_verbatim(&raw_text[i..i + k], raw.start + i);
                (i, j) = (i + k, j + k);
                continue;
            }
            let (src, next) = align_step(raw_text, &raw, i, dc);
            self.push_char(dc, src);
            (i, j) = (next, j + dc.len_utf8());
        }
    }

    /// [`State::push_char`] for each character of `text`, which is the source from `start` as it
    /// is (no entity, no carriage return): each stretch without white space in one push. Most
    /// text nodes are such; a push and an aligned range per character were 38% of a run over
    /// 10 MB of HTML pages.
    fn push_verbatim(&mut self, text: &str, start: usize) {
        let mut run = 0;
        for (i, c) in text.char_indices() {
            if !(c.is_whitespace() || c == '\u{a0}') {
                continue;
            }
            if run < i {
                self.ensure_block();
                self.b.verbatim(&text[run..i], start + run);
                self.space = false;
            }
            if !self.space {
                self.ensure_block();
                self.b.replaced(" ", start + i..start + i + c.len_utf8());
                self.space = true;
            }
            run = i + c.len_utf8();
        }
        if run < text.len() {
            self.ensure_block();
            self.b.verbatim(&text[run..], start + run);
            self.space = false;
        }
    }
}

/// Pairs each decoded character with the raw source bytes it came from: verbatim characters map
/// to themselves, an entity (`&rsquo;`, `&#8212;`, `&amp;`) maps to its whole reference, CRLF to
/// its two bytes.
fn align(source: &str, raw: Range<usize>, decoded: &str) -> Vec<(char, Range<usize>)> {
    let raw_text = source.get(raw.clone()).unwrap_or("");
    let mut out = Vec::with_capacity(decoded.len());
    let mut i = 0;
    for dc in decoded.chars() {
        let (src, next) = align_step(raw_text, &raw, i, dc);
        out.push((dc, src));
        i = next;
    }
    out
}

/// The source range of decoded character `dc`, whose source starts at byte `i` of `raw_text`
/// (the page's `raw`), and the byte after it (see [`align`]).
fn align_step(raw_text: &str, raw: &Range<usize>, i: usize, dc: char) -> (Range<usize>, usize) {
    let start = raw.start;
    let rb = raw_text.as_bytes();
    let rest = &raw_text[i.min(raw_text.len())..];
    let rc = rest.chars().next();
    let at = start + i;
    if rc == Some('&')
        && (dc != '&' || rest.starts_with("&amp;") || rest.starts_with("&#38;") || rest.starts_with("&#x26;"))
    {
        let mut k = i + 1;
        while k < rb.len() && (rb[k].is_ascii_alphanumeric() || rb[k] == b'#') {
            k += 1;
        }
        if k < rb.len() && rb[k] == b';' {
            k += 1;
        }
        (at..start + k, k)
    } else if rc == Some('\r') && dc == '\n' {
        let len = if rest.starts_with("\r\n") { 2 } else { 1 };
        (at..at + len, i + len)
    } else if let Some(rc) = rc {
        // Equal characters, or a replacement (NUL -> U+FFFD): map to the raw character.
        (at..at + rc.len_utf8(), i + rc.len_utf8())
    } else {
        (raw.end..raw.end, i)
    }
}

fn attr<'t>(
    tag: &'t html5gum::StartTag<usize>,
    name: &str,
) -> Option<&'t html5gum::Spanned<html5gum::HtmlString, usize>> {
    tag.attributes.iter().find(|(k, _)| k.as_slice() == name.as_bytes()).map(|(_, v)| v)
}

fn lossy(s: &[u8]) -> String {
    text_of(s).into_owned()
}

/// A token's bytes as text: `str::from_utf8`'s fast check first (`from_utf8_lossy` walks the
/// bytes a chunk at a time even when all are valid: 2.5% of a run over 4 MB of HTML).
fn text_of(s: &[u8]) -> std::borrow::Cow<'_, str> {
    std::str::from_utf8(s).map_or_else(|_| String::from_utf8_lossy(s), std::borrow::Cow::Borrowed)
}

pub(super) fn parse(source: &str, skip: &[String]) -> Document {
    let mut b = Builder::default();
    parse_into(&mut b, source, 0..source.len(), skip);
    b.finish(Format::Html)
}

/// html5gum's tokens with spans, without its parse errors, which nothing here reads: checking
/// every byte for them (`CharValidator`) was 7.6% of a run over 4 MB of HTML.
struct Quiet(DefaultEmitter<usize>);

impl Quiet {
    fn new() -> Quiet {
        let mut emitter = DefaultEmitter::<usize>::new_with_span();
        emitter.naively_switch_states(true);
        Quiet(emitter)
    }
}

impl ForwardingEmitter for Quiet {
    type Token = Token<usize>;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }

    #[inline]
    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

/// Reads the HTML in `source[range]` into `b` (also used for HTML blocks inside Markdown).
pub(super) fn parse_into(b: &mut Builder, source: &str, range: Range<usize>, skip: &[String]) {
    let emitter = Quiet::new();
    let base = range.start;
    let input = source.get(range).unwrap_or("");
    let mut st = State {
        source,
        skip,
        b: std::mem::take(b),
        stack: Vec::new(),
        hidden: 0,
        space: true,
        links: Vec::new(),
        sup: 0,
        json_ld: false,
        extra_blocks: Vec::new(),
    };
    for token in Tokenizer::new_with_emitter(input, emitter).flatten() {
        match token {
            Token::StartTag(mut tag) => {
                tag.span.start += base;
                tag.span.end += base;
                for v in tag.attributes.values_mut() {
                    v.span.start += base;
                    v.span.end += base;
                }
                start_tag(&mut st, &tag)
            }
            Token::EndTag(tag) => end_tag(&mut st, &lossy(&tag.name).to_ascii_lowercase()),
            Token::String(s) => {
                let raw = s.span.start + base..s.span.end + base;
                // Borrowed, not copied: the text is valid UTF-8 (the input is a `&str`).
                let text = text_of(&s.value);
                if st.json_ld {
                    read_json_ld(&mut st.b, source, raw, &text);
                } else if st.hidden == 0 {
                    st.push_text(raw, &text);
                }
            }
            _ => {}
        }
    }
    st.b.end();
    for (text, span) in std::mem::take(&mut st.extra_blocks) {
        st.b.start(BlockKind::Paragraph);
        st.space = true;
        for (c, src) in align(source, span, &text) {
            st.push_char(c, src);
        }
        st.b.end();
    }
    *b = st.b;
}

fn start_tag(st: &mut State, tag: &html5gum::StartTag<usize>) {
    let name = lossy(&tag.name).to_ascii_lowercase();
    if name == "meta" {
        let meta_name = attr(tag, "name").map(|v| lossy(&v.value).to_ascii_lowercase());
        if let (Some(n), Some(content)) = (meta_name, attr(tag, "content")) {
            let field = MetaField {
                value: lossy(&content.value).trim().to_string(),
                source_span: content.span.start..content.span.end,
            };
            match n.as_str() {
                "author" => st.b.meta.author = Some(field),
                "reviewer" | "reviewed_by" | "reviewed-by" => st.b.meta.reviewer = Some(field),
                _ => {}
            }
        }
        return;
    }
    if name == "script" && attr(tag, "type").is_some_and(|t| lossy(&t.value).contains("ld+json")) {
        st.json_ld = true;
    }
    let hidden_attr = attr(tag, "hidden").is_some()
        || attr(tag, "aria-hidden").is_some_and(|v| v.value.as_slice() == b"true")
        || attr(tag, "style").is_some_and(|v| {
            let s = lossy(&v.value).replace(' ', "").to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        });
    if st.hidden == 0 {
        for a in ["alt", "title"] {
            if let Some(v) = attr(tag, a) {
                let text = lossy(&v.value);
                if !text.trim().is_empty() {
                    st.extra_blocks.push((text, v.span.start..v.span.end));
                }
            }
        }
    }
    let kind = block_kind(&name);
    if kind.is_some() {
        st.break_block();
    }
    if VOID.contains(&name.as_str()) || tag.self_closing {
        return;
    }
    // Implied end tags: a new <p> or <li> closes an open one at the top.
    if matches!(name.as_str(), "p" | "li" | "dt" | "dd") && st.stack.last().is_some_and(|o| o.name == name) {
        end_tag(st, &name);
    }
    let hidden = hidden_attr
        || INVISIBLE.contains(&name.as_str())
        || st.skip.iter().any(|sel| matches_selector(&name, tag, sel));
    if hidden {
        st.hidden += 1;
    }
    match name.as_str() {
        "a" => {
            let href = attr(tag, "href").map(|h| lossy(&h.value)).unwrap_or_default();
            st.links.push((st.b.len(), href));
        }
        "sup" => st.sup += 1,
        _ => {}
    }
    st.stack.push(Open { name, hidden, kind });
}

fn end_tag(st: &mut State, name: &str) {
    if name == "script" {
        st.json_ld = false;
    }
    let Some(pos) = st.stack.iter().rposition(|o| o.name == name) else {
        if name == "br" || name == "p" {
            st.break_block();
        }
        return;
    };
    while st.stack.len() > pos {
        let Some(open) = st.stack.pop() else { break };
        if open.hidden {
            st.hidden = st.hidden.saturating_sub(1);
        }
        match open.name.as_str() {
            "a" => {
                if let Some((s, href)) = st.links.pop() {
                    if st.b.len() > s && super::is_source_link(&href, st.b.text_since(s)) {
                        st.b.links.push(s..st.b.len());
                    }
                }
            }
            "sup" => st.sup = st.sup.saturating_sub(1),
            _ => {}
        }
        if open.kind.is_some() {
            st.break_block();
        }
    }
}

/// Reads schema.org `author` / `reviewedBy` (a string, or an object or list with `name`).
fn read_json_ld(b: &mut Builder, source: &str, raw: Range<usize>, text: &str) {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let mut stack = vec![&v];
    while let Some(node) = stack.pop() {
        match node {
            serde_json::Value::Object(map) => {
                for (k, val) in map {
                    let target = match k.as_str() {
                        "author" => Some(true),
                        "reviewedBy" => Some(false),
                        _ => None,
                    };
                    if let (Some(is_author), Some(name)) = (target, person_name(val)) {
                        let span = source
                            .get(raw.clone())
                            .and_then(|s| s.find(&name))
                            .map_or(raw.start..raw.start, |i| raw.start + i..raw.start + i + name.len());
                        let field = MetaField { value: name, source_span: span };
                        if is_author {
                            b.meta.author.get_or_insert(field);
                        } else {
                            b.meta.reviewer.get_or_insert(field);
                        }
                    }
                    stack.push(val);
                }
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

fn person_name(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(m) => m.get("name").and_then(|n| n.as_str()).map(str::to_string),
        serde_json::Value::Array(a) => a.first().and_then(person_name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn state(source: &str, space: bool) -> State<'_> {
        State {
            source,
            skip: &[],
            b: Builder::default(),
            stack: Vec::new(),
            hidden: 0,
            space,
            links: Vec::new(),
            sup: 0,
            json_ld: false,
            extra_blocks: Vec::new(),
        }
    }

    proptest! {
        /// A verbatim text node pushed a stretch at a time builds what pushing each character
        /// builds: the same text, offset map and blocks, white space collapsed the same way,
        /// after open or closed blocks and a space or not.
        #[test]
        fn verbatim_text_pushes_as_its_characters_do(
            text in "[ab \t\n\u{a0}\u{2003}é.]{0,40}",
            space in any::<bool>(),
            open in any::<bool>(),
        ) {
            let source = format!("<p>{text}");
            let (mut whole, mut each) = (state(&source, space), state(&source, space));
            if open {
                whole.b.start(BlockKind::Paragraph);
                each.b.start(BlockKind::Paragraph);
            }
            whole.push_verbatim(&text, 3);
            for (i, c) in text.char_indices() {
                each.push_char(c, 3 + i..3 + i + c.len_utf8());
            }
            prop_assert_eq!(whole.space, each.space);
            whole.b.end();
            each.b.end();
            prop_assert_eq!(format!("{:?}", whole.b), format!("{:?}", each.b));
        }
    }

    #[test]
    fn token_text_is_borrowed_when_valid_and_replaced_where_not() {
        assert!(matches!(text_of("café".as_bytes()), std::borrow::Cow::Borrowed("café")));
        assert_eq!(text_of(b"a\xffb"), "a\u{fffd}b");
    }

    /// The tags and text an emitter yields, errors dropped and adjacent text joined (should an
    /// error end a text token early, the document would read the same).
    fn tokens(source: &str, emitter: impl Emitter<Token = Token<usize>>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut text: Option<(usize, usize, Vec<u8>)> = None;
        for token in Tokenizer::new_with_emitter(source, emitter).flatten() {
            match token {
                Token::String(s) => match &mut text {
                    Some((_, end, bytes)) if *end == s.span.start => {
                        *end = s.span.end;
                        bytes.extend_from_slice(&s.value);
                    }
                    _ => {
                        out.extend(text.take().map(|t| format!("{t:?}")));
                        text = Some((s.span.start, s.span.end, s.value.to_vec()));
                    }
                },
                Token::Error(_) => {}
                other => {
                    out.extend(text.take().map(|t| format!("{t:?}")));
                    out.push(format!("{other:?}"));
                }
            }
        }
        out.extend(text.take().map(|t| format!("{t:?}")));
        out
    }

    proptest! {
        /// Without its parse errors the tokenizer yields the same tags and text, at the same
        /// spans, as with them.
        #[test]
        fn the_quiet_tokenizer_yields_what_the_erring_one_does(
            pieces in proptest::collection::vec(prop::sample::select(vec![
                "<p>", "</p>", "<p a a>", "<p =x>", "</br/>", "<br/>", "<b>", "</b>", "<script>", "</script>",
                "<!-- a -- b -->", "<!--", "<!DOCTYPE html>", "<!x>", "</>", "<", ">", "&", "&amp;", "&#0;",
                "&#x110000;", "&nbsp", "\0", "\u{1}", "\u{7f}", "\u{fdd0}", "\u{feff}", "text", " ", "\n", "é",
                "<a href='x'", "\"", "=",
            ]), 0..16),
        ) {
            let source = pieces.concat();
            let mut erring = DefaultEmitter::<usize>::new_with_span();
            erring.naively_switch_states(true);
            prop_assert_eq!(tokens(&source, Quiet::new()), tokens(&source, erring));
        }
    }

    proptest! {
        /// A text node with entities, line breaks and NULs pushed stretch by stretch builds what
        /// the character by character pairing of `align` builds: text, offset map and blocks.
        #[test]
        fn text_nodes_push_as_their_aligned_characters_do(
            pieces in proptest::collection::vec(prop::sample::select(vec![
                "a", "b", " ", "é", "\u{a0}", "&amp;", "&rsquo;", "&#8212;", "&#38;", "&nbsp;", "&lt", "&",
                "&x;", "x;", "\r\n", "\r", "\n", "\0", "\t",
            ]), 0..14),
            space in any::<bool>(),
        ) {
            let source = format!("<p>{}", pieces.concat());
            let (mut stretches, mut chars) = (state(&source, space), state(&source, space));
            for token in Tokenizer::new_with_emitter(source.as_str(), super::Quiet::new()).flatten() {
                if let Token::String(s) = token {
                    let raw = s.span.start..s.span.end;
                    let decoded = String::from_utf8_lossy(&s.value);
                    stretches.push_text(raw.clone(), &decoded);
                    for (c, src) in align(&source, raw, &decoded) {
                        chars.push_char(c, src);
                    }
                }
            }
            prop_assert_eq!(stretches.space, chars.space);
            stretches.b.end();
            chars.b.end();
            prop_assert_eq!(format!("{:?}", stretches.b), format!("{:?}", chars.b));
        }
    }

    fn parse(src: &str) -> Document {
        super::parse(src, crate::document::default_html_skip())
    }

    #[test]
    fn configured_furniture_is_skipped_and_footers_still_count() {
        let src = r#"<header class="top">Menu</header><div class="cookie-banner x">We use cookies.</div><p id="promo">Promo.</p><p>Body.</p><footer><p>Not medical advice.</p></footer>"#;
        let skip = vec!["header".to_string(), ".cookie-banner".to_string(), "p#promo".to_string()];
        let d = super::parse(src, &skip);
        let texts: Vec<&str> = d.blocks.iter().map(|b| d.slice(&b.span)).collect();
        assert_eq!(texts, vec!["Body.", "Not medical advice."]);
    }

    fn blocks(d: &Document) -> Vec<(BlockKind, &str)> {
        d.blocks.iter().map(|b| (b.kind, d.slice(&b.span))).collect()
    }

    #[test]
    fn entities_map_to_their_source_bytes() {
        let src = "<p>It doesn&rsquo;t &mdash; really &#8212; help &amp; more.&nbsp;Now\r\nthen.</p>";
        let d = parse(src);
        assert_eq!(d.slice(&d.blocks[0].span), "It doesn’t — really — help & more. Now then.");
        let now = d.text.find(" Now").unwrap_or(0);
        assert_eq!(&src[d.source_span(&(now..now + 1))], "&nbsp;");
        let then = d.text.find(" then").unwrap_or(0);
        assert_eq!(&src[d.source_span(&(then..then + 1))], "\r\n");
        let at = d.text.find("doesn’t").unwrap_or(0);
        let span = d.source_span(&(at..at + "doesn’t".len()));
        assert_eq!(&src[span], "doesn&rsquo;t");
        let amp = d.text.find('&').unwrap_or(0);
        assert_eq!(&src[d.source_span(&(amp..amp + 1))], "&amp;");
    }

    #[test]
    fn block_structure_and_inline_tags() {
        let src = "<nav><a href=/>Home</a></nav><h1>Title</h1><p>Some <b>bold</b> and <a href=https://pubmed.ncbi.nlm.nih.gov/1>linked</a> text.\n  More.</p><ul><li>One<li>Two</ul><script>var x = '<p>no</p>';</script><footer><p>Foot.</p></footer>";
        let d = parse(src);
        assert_eq!(
            blocks(&d),
            vec![
                (BlockKind::Heading, "Title"),
                (BlockKind::Paragraph, "Some bold and linked text. More."),
                (BlockKind::ListItem, "One"),
                (BlockKind::ListItem, "Two"),
                (BlockKind::Paragraph, "Foot."),
            ]
        );
        assert_eq!(d.links.len(), 1);
        assert_eq!(d.sentences.iter().filter(|s| s.block == 1).count(), 2);
    }

    #[test]
    fn hidden_alt_title_sup_and_metadata() {
        let src = r#"<html><head><meta name="author" content="Jane Roe"><script type="application/ld+json">{"@type":"MedicalWebPage","reviewedBy":{"@type":"Person","name":"Dr. A. Smith, MD"}}</script></head><body><p hidden>Secret</p><p>Cravings drop<sup>3</sup>.</p><img alt="A pill bottle" src=x></body></html>"#;
        let d = parse(src);
        let texts: Vec<&str> = d.blocks.iter().map(|b| d.slice(&b.span)).collect();
        assert_eq!(texts, vec!["Cravings drop[3].", "A pill bottle"]);
        assert_eq!(d.meta.author.as_ref().map(|m| m.value.as_str()), Some("Jane Roe"));
        let r = d.meta.reviewer.as_ref().map(|m| &src[m.source_span.clone()]);
        assert_eq!(r, Some("Dr. A. Smith, MD"));
    }

    #[test]
    fn deep_nesting_and_garbage_do_not_crash() {
        let deep = "<div>".repeat(10_000) + "text" + &"</div>".repeat(10_000);
        let d = parse(&deep);
        assert_eq!(d.slice(&d.blocks[0].span), "text");
        for junk in ["<", "<p", "</", "&#", "&#xZZ;", "<p>&", "<a href='", "<!--", "<p>a</b></i>b", "\u{0}<p>\u{0}</p>"]
        {
            let _ = parse(junk);
        }
    }
}

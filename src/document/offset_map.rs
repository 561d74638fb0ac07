//! Maps offsets in a document's visible text back to byte offsets in its source.

use std::ops::Range;

#[derive(Debug, Clone, Copy)]
struct Segment {
    text_start: usize,
    src_start: usize,
    text_len: usize,
    src_len: usize,
}

/// A sorted list of segments: verbatim ones (equal lengths) map byte for byte; replaced ones
/// (an entity, a soft break) map as a whole onto their source range.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    segments: Vec<Segment>,
}

impl OffsetMap {
    pub(crate) fn push(&mut self, text_start: usize, src_start: usize, text_len: usize, src_len: usize) {
        if let Some(last) = self.segments.last_mut() {
            let verbatim = last.text_len == last.src_len && text_len == src_len;
            if verbatim && last.text_start + last.text_len == text_start && last.src_start + last.src_len == src_start {
                last.text_len += text_len;
                last.src_len += src_len;
                return;
            }
        }
        self.segments.push(Segment { text_start, src_start, text_len, src_len });
    }

    fn segment_index(&self, offset: usize) -> Option<usize> {
        let i = self.segments.partition_point(|s| s.text_start <= offset);
        i.checked_sub(1)
    }

    /// Source offset for a span start at text offset `offset`.
    pub fn start(&self, offset: usize) -> usize {
        let Some(i) = self.segment_index(offset) else {
            return self.segments.first().map_or(0, |s| s.src_start);
        };
        let s = self.segments[i];
        let delta = offset - s.text_start;
        if delta >= s.text_len {
            // In a gap after this segment (a block separator): start at the next segment.
            return self.segments.get(i + 1).map_or(s.src_start + s.src_len, |n| n.src_start);
        }
        if s.text_len == s.src_len {
            s.src_start + delta
        } else {
            s.src_start
        }
    }

    /// Source offset for a span end at text offset `offset` (exclusive).
    pub fn end(&self, offset: usize) -> usize {
        if offset == 0 {
            return self.start(0);
        }
        let Some(i) = self.segment_index(offset - 1) else {
            return 0;
        };
        let s = self.segments[i];
        let delta = offset - s.text_start;
        if delta >= s.text_len || s.text_len != s.src_len {
            s.src_start + s.src_len
        } else {
            s.src_start + delta
        }
    }

    /// Maps a text span to a source span.
    pub fn to_source(&self, span: &Range<usize>) -> Range<usize> {
        let start = self.start(span.start);
        let end = self.end(span.end).max(start);
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_and_replaced_segments() {
        // source: "a &amp; b" -> text "a & b"
        let mut m = OffsetMap::default();
        m.push(0, 0, 2, 2);
        m.push(2, 2, 1, 5);
        m.push(3, 7, 2, 2);
        assert_eq!(m.to_source(&(0..1)), 0..1);
        assert_eq!(m.to_source(&(2..3)), 2..7);
        assert_eq!(m.to_source(&(4..5)), 8..9);
        assert_eq!(m.to_source(&(0..5)), 0..9);
    }

    #[test]
    fn gaps_map_to_neighbours() {
        let mut m = OffsetMap::default();
        m.push(0, 10, 3, 3);
        m.push(4, 20, 3, 3); // text offset 3 is a separator
        assert_eq!(m.start(3), 20);
        assert_eq!(m.end(4), 13);
    }
}

//! JSON documents written as they are serialized: the one large member (diagnostics, SARIF
//! results) is produced item by item, so the output never exists as one tree in memory.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

/// A JSON object of small `fixed` members plus one streamed member `key`. Members come out in key
/// order, as a `serde_json::Value` object prints them, so the text is the same as building the
/// whole tree first.
pub(super) struct ObjectWith<'a, T> {
    pub fixed: Value,
    pub key: &'a str,
    pub value: T,
}

impl<T: Serialize> Serialize for ObjectWith<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let empty = Map::new();
        let fixed = self.fixed.as_object().unwrap_or(&empty);
        let mut map = s.serialize_map(Some(fixed.len() + 1))?;
        let mut pending = true;
        for (k, v) in fixed {
            if pending && k.as_str() > self.key {
                map.serialize_entry(self.key, &self.value)?;
                pending = false;
            }
            map.serialize_entry(k, v)?;
        }
        if pending {
            map.serialize_entry(self.key, &self.value)?;
        }
        map.end()
    }
}

/// A JSON array whose items `make` produces while it is written.
pub(super) struct SeqOf<F>(pub F);

impl<F, I> Serialize for SeqOf<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// Writes `doc` pretty-printed, with a final newline.
pub(super) fn write_pretty(doc: &impl Serialize, out: &mut impl std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    out.write_all(b"\n")
}

/// Renders a writer-based format into a string (tests, the language server).
pub(super) fn to_string(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and these values always serialize.
    let _ = write(&mut out);
    String::from_utf8(out).unwrap_or_default()
}

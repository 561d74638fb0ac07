//! The embedded pack as loaded, saved as JSON (`snapshot.json`, next to this file) so that a run
//! need not parse and validate 56 TOML files at every start: reading the JSON takes a fraction of
//! the instructions (the TOML parser was the longest step before a single page is linted).
//!
//! The snapshot names the hash of the sources it was made from (`PACK_SOURCE_HASH`, computed by
//! build.rs over the rule files and the loader); one made from other sources is never used, and
//! the run parses the TOML instead. So a stale snapshot costs speed, never correctness, and the
//! test below fails until it is made again: `UPDATE_EXPECT=1 cargo test --lib snapshot`.

use super::{Pack, PACK_SOURCE_HASH};

/// The snapshot, as committed.
static SNAPSHOT: &str = include_str!("snapshot.json");

/// How a snapshot begins: the hash of its sources.
fn head(hash: &str) -> String {
    format!("{{\"source_hash\":\"{hash}\",\"pack\":")
}

/// The embedded pack from the snapshot, if the snapshot was made from the sources this binary was
/// built from.
pub(super) fn load() -> Option<Pack> {
    load_from(SNAPSHOT, PACK_SOURCE_HASH)
}

/// The pack in `snapshot` if it was made from sources with this hash.
fn load_from(snapshot: &str, hash: &str) -> Option<Pack> {
    let json = snapshot.strip_prefix(&head(hash))?.trim_end().strip_suffix('}')?;
    serde_json::from_str(json).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The snapshot of `pack` (the embedded pack loaded from its rule files).
    fn render(pack: &Pack) -> Result<String, serde_json::Error> {
        Ok(format!("{}{}}}\n", head(PACK_SOURCE_HASH), serde_json::to_string(pack)?))
    }

    fn from_rule_files() -> Pack {
        Pack::from_files(Pack::embedded_run_files()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_snapshot_is_the_pack_the_rule_files_load() {
        let expected = render(&from_rule_files()).unwrap_or_else(|e| panic!("{e}"));
        if SNAPSHOT != expected {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/pack/snapshot.json");
            if std::env::var_os("UPDATE_EXPECT").is_some() {
                std::fs::write(path, &expected).unwrap_or_else(|e| panic!("{path}: {e}"));
                return;
            }
            panic!(
                "{path} was not made from the current rule files and loader (runs parse the TOML \
                 instead, slower): make it again with `UPDATE_EXPECT=1 cargo test --lib snapshot`"
            );
        }
        // What a run reads back is the pack itself.
        let loaded = load().unwrap_or_else(|| panic!("the snapshot does not load"));
        assert_eq!(render(&loaded).ok(), Some(expected));
    }

    #[test]
    fn a_snapshot_of_other_sources_is_not_used() {
        // Made here, so that this holds whether or not the committed one is fresh.
        let snapshot = render(&from_rule_files()).unwrap_or_else(|e| panic!("{e}"));
        assert!(load_from(&snapshot, PACK_SOURCE_HASH).is_some());
        assert!(load_from(&snapshot, "0000000000000000").is_none());
        let other = snapshot.replacen(PACK_SOURCE_HASH, "0000000000000000", 1);
        assert!(load_from(&other, PACK_SOURCE_HASH).is_none());
        // Cut short: not a pack.
        assert!(load_from(&snapshot[..snapshot.len() / 2], PACK_SOURCE_HASH).is_none());
    }
}

//! Applying fixes: non-overlapping edits, written atomically (temp file + rename in the same
//! directory, permissions kept), or shown as a unified diff.

use std::io::Write;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Edit};
use crate::Error;

/// Applies every fix of `diags` to `text`. Overlapping edits are skipped (the first wins), so
/// the result is well defined and a second run is a no-op once nothing is left to fix.
pub fn apply(text: &str, diags: &[Diagnostic]) -> (String, usize) {
    let mut edits: Vec<&Edit> = diags.iter().filter_map(|d| d.fix.as_ref()).flat_map(|f| f.edits.iter()).collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    let mut applied = 0;
    for e in edits {
        if e.span.start < pos
            || e.span.end > text.len()
            || !text.is_char_boundary(e.span.start)
            || !text.is_char_boundary(e.span.end)
        {
            continue;
        }
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&e.replacement);
        pos = e.span.end;
        applied += 1;
    }
    out.push_str(&text[pos..]);
    (out, applied)
}

/// Replaces `path`'s contents with `text` atomically: a temporary file in the same directory,
/// the original's permissions, then a rename. The original is intact if anything fails.
pub fn write_atomic(path: &Path, text: &str) -> crate::Result<()> {
    let io = |e: std::io::Error| Error::Io { path: path.to_path_buf(), source: e };
    let meta = std::fs::symlink_metadata(path).map_err(io)?;
    if meta.file_type().is_symlink() {
        return Err(io(std::io::Error::other("refusing to write through a symbolic link")));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// A unified diff of `old` -> `new` for `path`.
pub fn diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new).unified_diff().context_radius(2).header(path, path).to_string()
}

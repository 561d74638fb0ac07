//! Code-backed structural checks. Each is declared in a rule file (`kind = "builtin"`,
//! `check = "<id>"`) that carries its code, message, docs and tests; the Rust function holds only
//! the logic. `tests/pack.rs` asserts every id here has exactly one declaration and vice versa.

mod attribution;
mod consistency;
mod disclaimer;
mod editorial;

use crate::engine::{Analysis, DocOutcome};
use crate::pack::Rule;

/// A builtin check: reads the analysis, pushes findings for rule `idx`.
pub type CheckFn = fn(&Analysis, usize, &Rule, &mut DocOutcome);

/// Every builtin check, by id.
pub const BUILTINS: &[(&str, CheckFn)] = &[
    ("empty_list_lead_in", editorial::empty_list_lead_in),
    ("dangling_citation_marker", editorial::dangling_citation_marker),
    ("duplicated_paragraph", editorial::duplicated_paragraph),
    ("keyword_stuffing", editorial::keyword_stuffing),
    ("reviewer_attribution", attribution::reviewer_attribution),
    ("author_credentials", attribution::author_credentials),
    ("incomplete_disclaimer", disclaimer::incomplete_disclaimer),
    ("off_label_without_disclosure", disclaimer::off_label_without_disclosure),
    ("dose_figure_conflict", consistency::dose_figure_conflict),
    ("drug_class_conflict", consistency::drug_class_conflict),
    ("facts_mismatch", consistency::facts_mismatch),
    ("fda_status", consistency::fda_status),
];

/// Compiles the builtin checks' regexes now. A run calls it on a spare thread at start-up, so that
/// compiling them (~10 ms) overlaps loading the pack instead of following it.
pub fn warm_up() {
    attribution::warm();
    consistency::warm();
    disclaimer::warm();
    crate::engine::analysis::warm();
}

/// Whether a builtin check with this id exists.
pub fn exists(id: &str) -> bool {
    get(id).is_some()
}

/// The check with this id.
pub fn get(id: &str) -> Option<CheckFn> {
    BUILTINS.iter().find(|(n, _)| *n == id).map(|(_, f)| *f)
}

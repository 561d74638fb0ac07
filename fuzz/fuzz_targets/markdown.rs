//! The markdown adapter: bytes -> decoded text -> Document -> diagnostics; see src/invariants.rs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| copylint_fuzz::parser(data, copylint::document::Format::Markdown));

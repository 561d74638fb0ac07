//! A user rule file added to the embedded pack; see src/invariants.rs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| copylint_fuzz::rule_file(data));

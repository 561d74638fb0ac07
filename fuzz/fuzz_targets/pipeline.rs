//! The whole run: bytes split into up to three files -> lint -> JSON; see src/invariants.rs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| copylint_fuzz::pipeline(data));

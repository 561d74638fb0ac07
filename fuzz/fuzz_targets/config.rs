//! A copylint.toml configuration; see src/invariants.rs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| copylint_fuzz::config_file(data));

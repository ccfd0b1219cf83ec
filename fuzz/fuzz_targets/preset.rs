//! See `descent::fuzzing::preset`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| descent::fuzzing::preset(data));

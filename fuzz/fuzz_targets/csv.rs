//! See `descent::fuzzing::csv`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| descent::fuzzing::csv(data));

//! See `descent::fuzzing::expression`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| descent::fuzzing::expression(data));

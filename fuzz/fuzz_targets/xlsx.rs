#![no_main]
//! Fuzz target: `gouji::fuzz::xlsx` (see src/fuzz.rs).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gouji::fuzz::xlsx(data);
});

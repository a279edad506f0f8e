#![no_main]
//! Fuzz target: `gouji::fuzz::ods` (see src/fuzz.rs).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gouji::fuzz::ods(data);
});

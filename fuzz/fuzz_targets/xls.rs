#![no_main]
//! Fuzz target: `gouji::fuzz::xls` (see src/fuzz.rs).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gouji::fuzz::xls(data);
});

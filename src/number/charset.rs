//! A set of characters of the Basic Multilingual Plane as a bitmap, built at compile time: one
//! lookup answers whether a character is in it (the scanners' per-character tests).

/// The set (64 Kbit: one bit per code point below U+10000).
pub(crate) struct BmpSet([u64; 1024]);

impl BmpSet {
    /// The set of `chars`, every one of them in the Basic Multilingual Plane (a character
    /// outside it fails the build, where the set is made).
    pub(crate) const fn of(chars: &[char]) -> BmpSet {
        let mut bits = [0u64; 1024];
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i] as u32;
            assert!(c < 0x10000, "a BmpSet holds only characters below U+10000");
            bits[(c >> 6) as usize] |= 1 << (c & 63);
            i += 1;
        }
        BmpSet(bits)
    }

    /// Is the character of code point `c` in the set? (False past the plane.)
    pub(crate) fn has(&self, c: u32) -> bool {
        self.0
            .get((c >> 6) as usize)
            .is_some_and(|w| w >> (c & 63) & 1 != 0)
    }
}

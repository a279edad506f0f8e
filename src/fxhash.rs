//! A fast, unkeyed hasher for maps and sets that are never iterated in an order that reaches
//! the output (lookups, membership, counts): the multiply-rotate hash of the Rust compiler's
//! own tables, much cheaper than the keyed SipHash of [`std::collections::HashMap`] on the short
//! keys (row keys, signatures, cell origins) hashed per report. Unkeyed, so not for maps whose
//! keys an attacker picks to collide: every key hashed here is a name or signature from a rule
//! pack, or a position.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A [`HashMap`] with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A [`HashSet`] with [`FxHasher`].
pub type FxHashSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// The multiplier (from the golden ratio, odd).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The hasher: each word folded in by rotate, xor and multiply.
#[derive(Debug, Clone, Copy, Default)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_finds_what_it_holds() {
        let keys = [
            "",
            "a",
            "apply.new",
            "apply.new[total]",
            "申请",
            "本年新收政府信息公开申请",
        ];
        let map: FxHashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(map.get(k), Some(&i));
        }
        assert_eq!(map.get("apply"), None);
        let set: FxHashSet<(usize, usize)> = (0..100).map(|i| (i, i * 7)).collect();
        assert!(set.contains(&(3, 21)) && !set.contains(&(3, 22)));
    }
}

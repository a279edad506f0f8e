//! A tiny deterministic PRNG (splitmix64): the same seed gives the same corpus on every machine.

/// splitmix64 generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A generator for item `index` of a run seeded with `seed` (independent streams per item).
    pub fn for_item(seed: u64, index: u64) -> Self {
        let mut r = Rng(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
        r.next_u64();
        r
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A small count: mostly zero or few, sometimes up to `max`.
    pub fn small(&mut self, max: u64) -> u64 {
        match self.below(10) {
            0..=5 => 0,
            6..=8 => self.range(1, (max / 4).max(1)),
            _ => self.range(1, max.max(1)),
        }
    }

    /// Split `total` into `parts` non-negative parts with random weights.
    pub fn split(&mut self, total: u64, weights: &[u64]) -> Vec<u64> {
        let mut out = vec![0; weights.len()];
        if weights.is_empty() {
            return out;
        }
        let sum: u64 = weights.iter().sum::<u64>().max(1);
        for _ in 0..total {
            let mut x = self.below(sum);
            let mut i = 0;
            while i + 1 < weights.len() && x >= weights[i] {
                x -= weights[i];
                i += 1;
            }
            out[i] += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut r = Rng::new(7);
        let mut s = Rng::new(8);
        assert_ne!(r.next_u64(), s.next_u64());
    }

    #[test]
    fn split_preserves_total() {
        let mut r = Rng::new(1);
        for t in [0, 1, 17, 300] {
            let parts = r.split(t, &[5, 1, 0, 3]);
            assert_eq!(parts.iter().sum::<u64>(), t);
            assert_eq!(parts[2], 0);
        }
    }
}

//! The peers' rank keys for what-if at scale: each peer's value rounded once to the edition's ranking precision,
//! in descending order with an index over their range, so that a scenario's rank is a count of the keys above its
//! value — a multiplication and a step or two per scenario instead of a binary search — rounding the scenario's own
//! value only when a key lies within rounding's reach of it ([`rank_among`]).

use crate::text::round_to;

/// How far rounding to `decimals` (after the 12-significant-digit snap of [`round_to`]) can move a value, with
/// room to spare: half a unit of the last decimal, widened by a millionth.
pub(crate) fn rounding_reach(decimals: u32) -> f64 {
    0.5 * 10f64.powi(-(decimals as i32)) * (1.0 + 1e-6)
}

/// The peers' rank keys in descending order, with an index over their range: counting the keys above a value is
/// a multiplication and a step or two, where a binary search is a chain of dependent loads — per scenario, that
/// search was half the cost. The index only gives a starting guess; a walk from it makes the count exact.
pub(crate) struct DescendingKeys {
    keys: Vec<f64>,
    /// The smallest key, and buckets per unit of value over the keys' range (0: no index, walk from the start).
    low: f64,
    per_unit: f64,
    /// Per bucket: how many keys lie above its upper edge.
    above: Vec<u32>,
}

impl DescendingKeys {
    /// Buckets per key: most buckets then hold no key, so a count takes no step or one.
    const BUCKETS_PER_KEY: usize = 4;

    /// Index `keys` (any order; NaN is not a key and must not be given).
    pub(crate) fn new(mut keys: Vec<f64>) -> DescendingKeys {
        keys.sort_unstable_by(|a, b| b.total_cmp(a));
        let (low, high) = (keys.last().copied().unwrap_or(0.0), keys.first().copied().unwrap_or(0.0));
        let buckets = keys.len() * Self::BUCKETS_PER_KEY;
        let span = high - low;
        let per_unit = if span.is_finite() && span > 0.0 { buckets as f64 / span } else { 0.0 };
        let buckets = if per_unit > 0.0 { buckets } else { 0 };
        let mut above = Vec::with_capacity(buckets);
        // Keys above each bucket's upper edge: the edges rise, so the count only falls (the smallest keys last).
        let mut count = keys.len();
        for b in 0..buckets {
            let edge = low + (b + 1) as f64 / per_unit;
            while count > 0 && keys[count - 1] <= edge {
                count -= 1;
            }
            above.push(count as u32);
        }
        DescendingKeys { keys, low, per_unit, above }
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// How many keys are greater than `x` (as `keys.partition_point(|&k| k > x)` on the descending keys).
    #[inline]
    pub(crate) fn count_above(&self, x: f64) -> usize {
        let keys = &self.keys;
        let mut i = if self.above.is_empty() {
            0
        } else {
            // A saturating cast: below the range (or NaN) is bucket 0, above it the last bucket.
            let b = (((x - self.low) * self.per_unit) as usize).min(self.above.len() - 1);
            self.above[b] as usize
        };
        while i < keys.len() && keys[i] > x {
            i += 1;
        }
        #[allow(clippy::neg_cmp_op_on_partial_ord)] // not `<=`: a NaN x must walk down to a count of 0
        while i > 0 && !(keys[i - 1] > x) {
            i -= 1;
        }
        i
    }
}

/// How many of `keys` (rounded to `decimals`) are above `value` rounded to `decimals`: a peer ties only when equal
/// after rounding. Rounding is costly (a logarithm and powers), so it happens only when a peer key lies within
/// rounding's reach of `value`; otherwise the count is the same for the rounded and the raw value.
#[inline]
pub(crate) fn rank_among(keys: &DescendingKeys, value: f64, decimals: u32, reach: f64) -> usize {
    // |round_to(v) − v| ≤ reach + 1e-11·|v|: the snap moves v by at most half its 12th significant digit.
    let band = reach + 1e-11 * value.abs();
    let above = keys.count_above(value + band);
    // The keys are descending: none lies within the band when the next one is below it (one comparison, not a
    // second count).
    if keys.keys.get(above).is_none_or(|&p| p < value - band) {
        return above;
    }
    keys.count_above(round_to(value, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The indexed count equals a binary search on the descending keys: ties, one key, no key, a zero range,
        /// infinities among the keys, and probes at, between and beyond the keys and NaN.
        #[test]
        fn indexed_count_is_the_binary_search(
            cells in proptest::collection::vec(0u32..40, 0..70),
            probes in proptest::collection::vec(0u32..90, 1..40),
            infinite in 0u32..3,
        ) {
            let mut keys: Vec<f64> = cells.iter().map(|&c| f64::from(c) * 0.37 + 50.0).collect();
            if infinite == 1 && !keys.is_empty() {
                keys[0] = f64::INFINITY;
            } else if infinite == 2 && !keys.is_empty() {
                keys[0] = f64::NEG_INFINITY;
            }
            let indexed = DescendingKeys::new(keys.clone());
            prop_assert_eq!(indexed.len(), keys.len());
            keys.sort_unstable_by(|a, b| b.total_cmp(a));
            let mut xs: Vec<f64> = probes.iter().map(|&p| f64::from(p) * 0.185 + 49.0).collect();
            xs.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1e300, 1e300]);
            xs.extend(keys.iter().flat_map(|&k| [k, k.next_up(), k.next_down()]));
            for x in xs {
                prop_assert_eq!(indexed.count_above(x), keys.partition_point(|&k| k > x), "x = {}", x);
            }
        }
    }

    /// The shortcut of `rank_among` counts exactly what rounding every value would: on values at, next to and
    /// between the rounded peer keys, for every precision the catalog uses and the unrounded one.
    #[test]
    fn rank_among_equals_rounding_every_value() {
        // Positive and negative fields: rounding half away from zero breaks a half-way value's tie upward on one
        // side and downward on the other.
        for (decimals, origin) in
            [0, 1, 2, 3, 4, crate::engine::rank::UNROUNDED_DECIMALS].into_iter().flat_map(|d| [(d, 40.0), (d, -40.0)])
        {
            let step = 10f64.powi(-(decimals as i32));
            let mut keys: Vec<f64> =
                (0..60).map(|i| round_to(origin + 0.37 * i as f64 * step * 7.0, decimals)).collect();
            keys.push(keys[3]); // a tie among the peers
            keys.sort_unstable_by(|a, b| b.total_cmp(a));
            let indexed = DescendingKeys::new(keys.clone());
            let reach = rounding_reach(decimals);
            let mut probes = Vec::new();
            for &k in &keys {
                for d in [-0.5 * step, 0.5 * step, 0.0, -0.49999 * step, 0.49999 * step, step] {
                    let v = k + d;
                    probes.extend([v, v.next_up(), v.next_down()]);
                }
            }
            probes.extend([0.0, -1.0, 1e6, keys[0] + 1.0, keys[keys.len() - 1] - 1.0]);
            for v in probes {
                let key = round_to(v, decimals);
                let expected = keys.partition_point(|&p| p > key);
                assert_eq!(rank_among(&indexed, v, decimals, reach), expected, "v = {v:?}, decimals = {decimals}");
            }
        }
    }
}

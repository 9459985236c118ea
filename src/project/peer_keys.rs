//! The peers' rank keys for what-if at scale: each peer's value rounded once to the edition's ranking precision,
//! in descending order with an index over their range, so that a scenario's rank is one look-up in most cases —
//! the count of keys above the value's bucket, when no key lies within rounding's reach of that bucket — and
//! otherwise a count of the keys above its value, rounding the scenario's own value only when a key lies within
//! rounding's reach of it ([`DescendingKeys::rank_count`]).

use crate::text::round_to;

/// How far rounding to `decimals` (after the 12-significant-digit snap of [`round_to`]) can move a value, with
/// room to spare: half a unit of the last decimal, widened by a millionth.
pub(crate) fn rounding_reach(decimals: u32) -> f64 {
    0.5 * 10f64.powi(-(decimals as i32)) * (1.0 + 1e-6)
}

/// How far rounding can move a value of magnitude up to `magnitude`: the reach of the decimals, plus the
/// 12-significant-digit snap's half of its last digit.
fn band(reach: f64, magnitude: f64) -> f64 {
    reach + 1e-11 * magnitude
}

/// The peers' rank keys in descending order, with an index over their range: counting the keys above a value is
/// a multiplication, a look-up and a comparison, where a binary search is a chain of dependent loads — per
/// scenario, that search was half the cost. Only a value within rounding's reach of a key, or in a bucket near
/// several keys, is counted the long way.
#[derive(Debug, Clone)]
pub(crate) struct DescendingKeys {
    keys: Vec<f64>,
    /// The precision the keys were rounded to, and how far rounding to it can move a value.
    decimals: u32,
    reach: f64,
    /// The smallest key, and buckets per unit of value over the keys' range (0: no index, walk from the start).
    low: f64,
    per_unit: f64,
    buckets: Vec<Bucket>,
}

/// A bucket of the index: the keys within rounding's reach of its values (at most one is remembered), and the
/// count of the keys beyond them.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// The one key within rounding's reach of the bucket; −∞ when there is none, NaN when there are several.
    key: f64,
    /// How many keys lie above the bucket and rounding's reach of it: above every value of the bucket, whatever
    /// its rounding.
    above: u32,
}

impl DescendingKeys {
    /// Buckets per key: most buckets then hold one key or none, so most values are counted by one look-up.
    const BUCKETS_PER_KEY: usize = 8;

    /// Index `keys`, already rounded to `decimals` (any order; NaN is not a key and must not be given).
    pub(crate) fn new(mut keys: Vec<f64>, decimals: u32) -> DescendingKeys {
        keys.sort_unstable_by(|a, b| b.total_cmp(a));
        let (low, high) = (keys.last().copied().unwrap_or(0.0), keys.first().copied().unwrap_or(0.0));
        let buckets = keys.len() * Self::BUCKETS_PER_KEY;
        let span = high - low;
        let per_unit = if span.is_finite() && span > 0.0 { buckets as f64 / span } else { 0.0 };
        let buckets = if per_unit > 0.0 && keys.len() <= u32::MAX as usize { buckets } else { 0 };
        let reach = rounding_reach(decimals);
        let mut index = Vec::with_capacity(buckets);
        // Keys above each bucket's upper margin, and keys at or above its lower margin: the edges rise, so both
        // only fall (the keys are descending, the smallest last); the keys between are those within reach.
        let (mut above, mut from_lower) = (keys.len(), keys.len());
        let width = 1.0 / per_unit;
        // Rounding's reach at the largest value of any bucket, plus a millionth of a bucket for the rounding of a
        // value's bucket number and of the edges themselves.
        let margin = band(reach, low.abs().max(high.abs()) + width) + 1e-6 * width;
        for b in 0..buckets {
            let (lower, upper) = (low + b as f64 * width, low + (b + 1) as f64 * width);
            while above > 0 && keys[above - 1] <= upper + margin {
                above -= 1;
            }
            while from_lower > 0 && keys[from_lower - 1] < lower - margin {
                from_lower -= 1;
            }
            let key = match from_lower - above {
                0 => f64::NEG_INFINITY,
                1 => keys[above],
                _ => f64::NAN,
            };
            index.push(Bucket { key, above: above as u32 });
        }
        DescendingKeys { keys, decimals, reach, low, per_unit, buckets: index }
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// The bucket of `x`, saturating (below the range or NaN: bucket 0; above it: the last bucket).
    #[inline]
    fn bucket(&self, x: f64) -> usize {
        (((x - self.low) * self.per_unit) as usize).min(self.buckets.len().saturating_sub(1))
    }

    /// How many keys are greater than `x` (as `keys.partition_point(|&k| k > x)` on the descending keys).
    #[inline]
    pub(crate) fn count_above(&self, x: f64) -> usize {
        let keys = &self.keys;
        // Any start gives the count (the walks correct it); the bucket's gives it in a step or two.
        let mut i = if self.buckets.is_empty() { 0 } else { self.buckets[self.bucket(x)].above as usize };
        while i < keys.len() && keys[i] > x {
            i += 1;
        }
        #[allow(clippy::neg_cmp_op_on_partial_ord)] // not `<=`: a NaN x must walk down to a count of 0
        while i > 0 && !(keys[i - 1] > x) {
            i -= 1;
        }
        i
    }

    /// The rank count of `value` from its bucket alone, when rounding (which moves it by at most `band`) cannot
    /// carry it past the bucket's one nearby key: the keys above the bucket, plus that key if it is above. None
    /// (count the long way) when several keys are near the bucket, or the value is within `band` of its key.
    #[inline]
    fn bucket_count(&self, value: f64, band: f64) -> Option<usize> {
        let bucket = self.buckets.get(self.bucket(value))?;
        // The other keys lie beyond rounding's reach of the bucket (below it, or counted in `above`); this one
        // decides by the raw value when rounding cannot carry the value past it. A NaN key (several nearby), a
        // NaN value, or ±∞ fail the test.
        ((value - bucket.key).abs() > band).then(|| bucket.above as usize + usize::from(bucket.key > value))
    }

    /// How many keys are above `value` rounded to the keys' precision: a peer ties only when equal after
    /// rounding. In most buckets that is the bucket's count, plus one if its single nearby key is above the value
    /// and farther than rounding can move it; elsewhere rounding (costly: a logarithm and powers) happens only when
    /// a key lies within rounding's reach of `value`, as otherwise the count is the same for the rounded and the
    /// raw value.
    #[inline]
    pub(crate) fn rank_count(&self, value: f64) -> usize {
        // |round_to(v) − v| ≤ reach + 1e-11·|v|: the snap moves v by at most half its 12th significant digit.
        let band = band(self.reach, value.abs());
        if let Some(count) = self.bucket_count(value, band) {
            return count;
        }
        let above = self.count_above(value + band);
        // The keys are descending: none lies within the band when the next one is below it (one comparison, not a
        // second count).
        if self.keys.get(above).is_none_or(|&p| p < value - band) {
            return above;
        }
        self.count_above(round_to(value, self.decimals))
    }
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
            let indexed = DescendingKeys::new(keys.clone(), crate::engine::rank::UNROUNDED_DECIMALS);
            prop_assert_eq!(indexed.len(), keys.len());
            keys.sort_unstable_by(|a, b| b.total_cmp(a));
            let mut xs: Vec<f64> = probes.iter().map(|&p| f64::from(p) * 0.185 + 49.0).collect();
            xs.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1e300, 1e300]);
            xs.extend(keys.iter().flat_map(|&k| [k, k.next_up(), k.next_down()]));
            for x in xs {
                prop_assert_eq!(indexed.count_above(x), keys.partition_point(|&k| k > x), "x = {}", x);
            }
        }

        /// A rank count, settled bucket or not, is the count of keys above the value rounded: keys rounded to
        /// each precision at magnitudes from 10⁻³ to 10⁹ (a span tiny against the magnitude included), either
        /// sign, ties, and probes anywhere in and around their range, at the keys and a rounding step off them.
        #[test]
        fn rank_count_is_the_count_above_the_rounded_value(
            cells in proptest::collection::vec(-400i32..400, 1..70),
            probes in proptest::collection::vec(-500i32..500, 1..60),
            magnitude in -3i32..10,
            spread in -4i32..3,
            decimals in prop_oneof![0u32..5, Just(crate::engine::rank::UNROUNDED_DECIMALS)],
        ) {
            let (origin, unit) = (10f64.powi(magnitude), 10f64.powi(spread) * 0.0137);
            let keys: Vec<f64> = cells.iter().map(|&c| round_to(origin + f64::from(c) * unit, decimals)).collect();
            let indexed = DescendingKeys::new(keys.clone(), decimals);
            let mut sorted = keys.clone();
            sorted.sort_unstable_by(|a, b| b.total_cmp(a));
            let step = 10f64.powi(-(decimals as i32));
            let mut xs: Vec<f64> = probes.iter().map(|&p| origin + f64::from(p) * unit * 1.01).collect();
            xs.extend(sorted.iter().flat_map(|&k| [k, k.next_up(), k.next_down(), k + 0.5 * step, k - 0.5 * step]));
            xs.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -origin]);
            for x in xs {
                let key = round_to(x, decimals);
                prop_assert_eq!(indexed.rank_count(x), sorted.partition_point(|&p| p > key), "x = {:?}", x);
            }
        }
    }

    /// The shortcuts of `rank_count` count exactly what rounding every value would: on values at, next to and
    /// between the rounded peer keys, for every precision the catalog uses and the unrounded one.
    #[test]
    fn rank_count_equals_rounding_every_value() {
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
            let indexed = DescendingKeys::new(keys.clone(), decimals);
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
                assert_eq!(indexed.rank_count(v), expected, "v = {v:?}, decimals = {decimals}");
            }
        }
    }

    /// In a spread field no bucket has several keys within rounding's reach, so every value away from the keys
    /// is counted by one look-up: the index is the speed of `what_if_many`, not only a starting guess.
    #[test]
    fn a_spread_fields_values_are_counted_by_their_bucket() {
        let keys: Vec<f64> =
            (0..62).map(|i| round_to(38.0 + 0.17 * f64::from(i) + 0.01 * f64::from(i % 7), 2)).collect();
        let indexed = DescendingKeys::new(keys.clone(), 2);
        assert!(indexed.buckets.iter().all(|b| !b.key.is_nan()));
        let single = indexed.buckets.iter().filter(|b| b.key.is_finite()).count();
        assert!(single > 0 && single * 2 < indexed.buckets.len(), "{single} of {} buckets", indexed.buckets.len());
        // Values a hundredth of a key's gap away from it, on either side, and half-way between keys.
        let reach = rounding_reach(2);
        for (i, &k) in keys.iter().enumerate() {
            for v in [k + 0.02, k - 0.02, k + 0.085] {
                let count = indexed.bucket_count(v, band(reach, v));
                assert!(count.is_some(), "{v} (key {i})");
                assert_eq!(count, Some(keys.iter().filter(|&&p| p > round_to(v, 2)).count()), "{v}");
            }
        }
    }
}

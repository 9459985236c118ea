//! Ranks and groups (README §1.6).

use crate::text::round_to;

/// Decimals compared when a ranking is "unrounded": far below any publisher's printed precision (2–6), far above
/// floating-point noise.
pub const UNROUNDED_DECIMALS: u32 = 9;

/// Standard competition ranks ("1224"), descending: rank(u) = 1 + #{v : value(v) > value(u)}, comparing values
/// rounded to `precision` decimals. NaN and infinite values get no rank.
///
/// `None` ("unrounded", VCCI's rule) still compares at [`UNROUNDED_DECIMALS`]: two composites that are equal in
/// exact arithmetic can differ in the last bits of a double depending on summation order, and such noise must not
/// decide a rank.
///
/// ```
/// use chiso::engine::competition_ranks;
/// assert_eq!(competition_ranks(&[0.81, 0.80, 0.80, 0.79], None), vec![Some(1), Some(2), Some(2), Some(4)]);
/// assert_eq!(competition_ranks(&[64.561, 64.559], Some(2)), vec![Some(1), Some(1)]);
/// assert_eq!(competition_ranks(&[64.561, 64.559], None), vec![Some(1), Some(2)]);
/// ```
pub fn competition_ranks(values: &[f64], precision: Option<u32>) -> Vec<Option<u32>> {
    let d = precision.unwrap_or(UNROUNDED_DECIMALS);
    // Only finite values are ranked: an infinity is no score, never the best one. Sorted by key, highest first;
    // ranks depend only on the keys (equal keys share a rank), so the order among equal keys does not matter.
    let mut keyed: Vec<(f64, u32)> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, &v)| (round_to(v, d), i as u32))
        .filter(|(k, _)| k.is_finite())
        .collect();
    let mut ranks = vec![None; values.len()];
    if keyed.len() <= COUNT_BELOW {
        // A field of provinces: count, rank = 1 + #{keys above} (no sort; n² comparisons that vectorise).
        let keys: Vec<f64> = keyed.iter().map(|&(k, _)| k).collect();
        for &(key, i) in &keyed {
            let above = keys.iter().filter(|&&k| k > key).count();
            ranks[i as usize] = Some(above as u32 + 1);
        }
        return ranks;
    }
    keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
    let mut previous: Option<(f64, u32)> = None;
    for (pos, &(key, i)) in keyed.iter().enumerate() {
        let rank = match previous {
            Some((k, r)) if k == key => r,
            _ => pos as u32 + 1,
        };
        previous = Some((key, rank));
        ranks[i as usize] = Some(rank);
    }
    ranks
}

/// Up to this many values, ranks are counted rather than sorted (faster for the 34–64 units of a field).
const COUNT_BELOW: usize = 128;

/// Percentile by linear interpolation between order statistics (R type 7, numpy "linear", Excel PERCENTILE.INC).
/// `sorted` must be ascending; None when it is empty or `p` is outside [0, 1].
///
/// ```
/// use chiso::engine::percentile_linear;
/// assert_eq!(percentile_linear(&[1.0, 2.0, 3.0, 4.0], 0.75), Some(3.25)); // numpy.percentile(…, 75)
/// assert_eq!(percentile_linear(&[], 0.5), None);
/// ```
pub fn percentile_linear(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Quartile group, 0 = highest (≥ P75) … 3 = lowest (< P25); thresholds are lower-inclusive. None when `sorted`
/// is empty or `value` is NaN.
///
/// ```
/// use chiso::engine::quartile_group;
/// let sorted = [1.0, 2.0, 3.0, 4.0, 5.0]; // P25 = 2, P50 = 3, P75 = 4
/// assert_eq!(quartile_group(4.0, &sorted), Some(0));
/// assert_eq!(quartile_group(1.5, &sorted), Some(3));
/// assert_eq!(quartile_group(1.0, &[]), None);
/// ```
pub fn quartile_group(value: f64, sorted: &[f64]) -> Option<usize> {
    if value.is_nan() {
        return None;
    }
    let (p25, p50, p75) =
        (percentile_linear(sorted, 0.25)?, percentile_linear(sorted, 0.5)?, percentile_linear(sorted, 0.75)?);
    Some(if value >= p75 {
        0
    } else if value >= p50 {
        1
    } else if value >= p25 {
        2
    } else {
        3
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value far below the ranking precision ties with zero (its key was NaN before, which ranked it apart).
    #[test]
    fn tiny_values_tie_with_zero() {
        let values = [5e-324, 0.0, 1.0, 1e-300, -1e-310];
        for precision in [Some(0), Some(2), None] {
            assert_eq!(
                competition_ranks(&values, precision),
                vec![Some(2), Some(2), Some(1), Some(2), Some(2)],
                "{precision:?}"
            );
        }
    }

    #[test]
    fn percentile_matches_numpy_linear() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile_linear(&x, 0.25), Some(2.0));
        assert_eq!(percentile_linear(&[1.0, 2.0, 3.0, 4.0], 0.75), Some(3.25));
        assert_eq!(percentile_linear(&x, 1.5), None);
    }

    #[test]
    fn float_noise_does_not_break_ties() {
        // 0.1 + 0.2 and 0.3 differ in the last bit of a double; they are the same score.
        assert_eq!(competition_ranks(&[0.1 + 0.2, 0.3], None), vec![Some(1), Some(1)]);
    }

    #[test]
    fn counting_and_sorting_give_the_same_ranks() {
        // Below COUNT_BELOW values the ranks are counted, above they are sorted: the same rule either way.
        let mut seed = 11u64;
        for n in [1, 2, 5, 63, 127, 128, 129, 300] {
            let values: Vec<f64> = (0..n)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    match i % 17 {
                        0 => f64::NAN,
                        1 => f64::INFINITY,
                        2 => 50.0,         // ties
                        3 => 50.0 + 1e-12, // a tie after rounding
                        4 => -0.0,
                        5 => 0.0,
                        _ => ((seed >> 11) % 1000) as f64 / 10.0,
                    }
                })
                .collect();
            let got = competition_ranks(&values, None);
            for (i, &v) in values.iter().enumerate() {
                let key = round_to(v, UNROUNDED_DECIMALS);
                let expected = v.is_finite().then(|| {
                    1 + values.iter().filter(|w| w.is_finite() && round_to(**w, UNROUNDED_DECIMALS) > key).count()
                        as u32
                });
                assert_eq!(got[i], expected, "n = {n}, value {v}");
            }
        }
    }

    #[test]
    fn nan_gets_no_rank() {
        assert_eq!(competition_ranks(&[1.0, f64::NAN, 2.0], None), vec![Some(2), None, Some(1)]);
        assert_eq!(competition_ranks(&[1.0, f64::INFINITY, f64::NEG_INFINITY], None), vec![Some(1), None, None]);
    }
}

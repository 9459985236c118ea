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
    let keyed: Vec<f64> = values.iter().map(|&v| round_to(v, d)).collect();
    // Only finite values are ranked: an infinity is no score, never the best one.
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| keyed[i].is_finite()).collect();
    order.sort_by(|&a, &b| keyed[b].total_cmp(&keyed[a]));
    let mut ranks = vec![None; values.len()];
    for (pos, &i) in order.iter().enumerate() {
        let rank =
            if pos > 0 && keyed[order[pos - 1]] == keyed[i] { ranks[order[pos - 1]] } else { Some(pos as u32 + 1) };
        ranks[i] = rank;
    }
    ranks
}

/// Percentile by linear interpolation between order statistics (R type 7, numpy "linear", Excel PERCENTILE.INC).
/// `sorted` must be ascending and non-empty.
pub fn percentile_linear(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Quartile group, 0 = highest (≥ P75) … 3 = lowest (< P25); thresholds are lower-inclusive.
pub fn quartile_group(value: f64, sorted: &[f64]) -> usize {
    let (p25, p50, p75) =
        (percentile_linear(sorted, 0.25), percentile_linear(sorted, 0.5), percentile_linear(sorted, 0.75));
    if value >= p75 {
        0
    } else if value >= p50 {
        1
    } else if value >= p25 {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_matches_numpy_linear() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile_linear(&x, 0.25), 2.0);
        assert_eq!(percentile_linear(&[1.0, 2.0, 3.0, 4.0], 0.75), 3.25);
    }

    #[test]
    fn float_noise_does_not_break_ties() {
        // 0.1 + 0.2 and 0.3 differ in the last bit of a double; they are the same score.
        assert_eq!(competition_ranks(&[0.1 + 0.2, 0.3], None), vec![Some(1), Some(1)]);
    }

    #[test]
    fn nan_gets_no_rank() {
        assert_eq!(competition_ranks(&[1.0, f64::NAN, 2.0], None), vec![Some(2), None, Some(1)]);
        assert_eq!(competition_ranks(&[1.0, f64::INFINITY, f64::NEG_INFINITY], None), vec![Some(1), None, None]);
    }
}

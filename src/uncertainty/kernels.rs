//! The two loops that are most of an uncertainty run — the n² comparisons that rank the provinces and the steps'
//! weighted sums over them — each with a portable form and, on x86-64 processors with AVX2 (detected at run time),
//! a four-lane form that computes exactly the same numbers. Measured in the README ("Uncertainty analysis").

/// `greater[p]` = how many values of `row` are greater than `row[p]` (NaN counts none and none count it). These n²
/// comparisons are about half of a run's time. The portable loop compiles to SSE2 (two comparisons per
/// instruction); on x86-64 processors with AVX2 an explicit four-lane version over `padded` (the row, then NaN up
/// to a multiple of [`LANES`], so there is no remainder loop) does twice the work per instruction. The compiler
/// does not find that form itself: given the padded loop it vectorises across provinces with gathers instead.
pub(crate) fn count_greater(row: &[f64], padded: &[f64], greater: &mut [u32]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above).
        return unsafe { count_greater_avx2(row, padded, greater) };
    }
    count_greater_portable(row, greater);
}

fn count_greater_portable(row: &[f64], greater: &mut [u32]) {
    for (g, &v) in greater.iter_mut().zip(row) {
        // A lane-wide (64-bit) counter keeps the loop free of shuffles.
        let mut count = 0u64;
        for &w in row {
            count += u64::from(w > v);
        }
        *g = count as u32;
    }
}

/// `acc[p] += c · row[p]`: the steps' weighted sums over the provinces, compiled a second time for AVX2 (four
/// lanes instead of two) and used where the processor has it; the same multiplications and additions either way
/// (no fused multiply-add), so the sums are the same to the bit.
#[inline]
pub(crate) fn add_scaled(acc: &mut [f64], c: f64, row: &[f64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above).
        return unsafe { add_scaled_avx2(acc, c, row) };
    }
    add_scaled_portable(acc, c, row);
}

#[inline(always)]
fn add_scaled_portable(acc: &mut [f64], c: f64, row: &[f64]) {
    for (a, v) in acc.iter_mut().zip(row) {
        *a += c * v;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn add_scaled_avx2(acc: &mut [f64], c: f64, row: &[f64]) {
    add_scaled_portable(acc, c, row);
}

/// Values compared per block in [`count_greater`].
pub(crate) const LANES: usize = 8;

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn count_greater_avx2(row: &[f64], padded: &[f64], greater: &mut [u32]) {
    use std::arch::x86_64::{
        __m256i, _mm256_add_epi64, _mm256_castpd_si256, _mm256_cmp_pd, _mm256_loadu_pd, _mm256_set1_pd,
        _mm256_setzero_si256, _mm256_storeu_si256, _mm256_sub_epi64, _CMP_GT_OQ,
    };
    for (g, &v) in greater.iter_mut().zip(row) {
        let v = _mm256_set1_pd(v);
        let (mut low, mut high) = (_mm256_setzero_si256(), _mm256_setzero_si256());
        for block in padded.chunks_exact(LANES) {
            // SAFETY: a block holds 8 f64, read as two unaligned 4-lane loads.
            let (a, b) = unsafe { (_mm256_loadu_pd(block.as_ptr()), _mm256_loadu_pd(block.as_ptr().add(4))) };
            // A true comparison is all ones (−1 as an integer): subtracting it counts one. NaN compares false.
            low = _mm256_sub_epi64(low, _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_GT_OQ>(a, v)));
            high = _mm256_sub_epi64(high, _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_GT_OQ>(b, v)));
        }
        let mut lanes = [0u64; 4];
        // SAFETY: `lanes` is 32 bytes, written by one unaligned store.
        unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast::<__m256i>(), _mm256_add_epi64(low, high)) };
        *g = lanes.iter().sum::<u64>() as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Both counting kernels (the four-lane one where the processor has AVX2) count the same, NaN, infinities
        /// and ties included, for any length (the padding's NaN never counts).
        #[test]
        fn counting_kernels_agree(cells in proptest::collection::vec(0u32..12, 0..80)) {
            let row: Vec<f64> = cells
                .iter()
                .map(|&k| match k {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    2 => f64::NEG_INFINITY,
                    k => f64::from(k % 5) * 0.25,
                })
                .collect();
            let mut padded = vec![f64::NAN; row.len().div_ceil(LANES) * LANES];
            padded[..row.len()].copy_from_slice(&row);
            let expected: Vec<u32> =
                row.iter().map(|&v| row.iter().filter(|&&w| w > v).count() as u32).collect();
            let mut portable = vec![0; row.len()];
            count_greater_portable(&row, &mut portable);
            prop_assert_eq!(&portable, &expected);
            let mut dispatched = vec![0; row.len()];
            count_greater(&row, &padded, &mut dispatched);
            prop_assert_eq!(&dispatched, &expected);
        }

        /// Both weighted-sum kernels give the same sums to the bit (no fused multiply-add in either), for any
        /// length, NaN and infinities included.
        #[test]
        fn weighted_sum_kernels_agree(
            cells in proptest::collection::vec((0u32..12, 0u32..12), 0..80),
            c in -3.0f64..3.0,
        ) {
            let value = |k: u32| match k {
                0 => f64::NAN,
                1 => f64::INFINITY,
                k => f64::from(k) * 0.37 - 1.1,
            };
            let row: Vec<f64> = cells.iter().map(|&(v, _)| value(v)).collect();
            let start: Vec<f64> = cells.iter().map(|&(_, a)| value(a) * 1.3).collect();
            let (mut portable, mut dispatched) = (start.clone(), start);
            add_scaled_portable(&mut portable, c, &row);
            add_scaled(&mut dispatched, c, &row);
            prop_assert_eq!(
                portable.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                dispatched.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
            );
        }
    }
}

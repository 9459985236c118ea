//! The index under uncertain assumptions, compiled once from the scores of one data year: the supplied values of
//! every province in a node-major matrix, the plan's steps and coefficients, and the uncertain inputs ("factors")
//! as functions of one uniform number each. One run maps a row of uniforms to a set of assumptions, re-evaluates
//! every province over the plan with that run's coefficients and aggregation, and ranks the output node — in
//! scratch buffers reused across runs, never building a frame.

use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Gamma, StandardNormal};

use crate::engine::rank::UNROUNDED_DECIMALS;
use crate::text::round_to;

/// What one uncertain input changes.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// One child's weight × a uniform factor in [low, high]; its parent's weights are renormalised to their sum.
    Weight { pair: usize, low: f64, high: f64 },
    /// All weights of one parent drawn from a Dirichlet around the official shares (`alpha` per child).
    Dirichlet { step: usize, alpha: Vec<f64> },
    /// The parent's rule is arithmetic (u ≥ ½) or geometric (u < ½).
    Aggregation { step: usize },
    /// Incomplete parents are missing (u ≥ ½) or the rule over the present children (u < ½).
    Missing,
    /// The supplied values of one input node drawn from normal distributions around them (one standard error per
    /// province), clamped to the node's scale.
    Noise { node: usize, cells: Vec<(usize, f64)>, scale: (f64, f64) },
}

/// One uncertain input: one column of a design.
#[derive(Debug, Clone)]
pub struct Factor {
    /// The input's name in results (`weight: <node>`, `aggregation: <node>`, `missing`, `noise: <node>`, …).
    pub name: String,
    pub(crate) kind: Kind,
}

/// The compiled model of one data year.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub units: usize,
    /// Node-major supplied values: node i of province p at `i * units + p`, NaN where not supplied.
    pub base: Vec<f64>,
    /// ln of `base` (used by geometric steps for nodes no run changes).
    pub ln_base: Vec<f64>,
    /// Node is neither computed by a step nor noised: its ln is cached.
    pub fixed: Vec<bool>,
    /// (node, range of pairs) per step.
    pub steps: Vec<(usize, std::ops::Range<usize>)>,
    pub children: Vec<u32>,
    pub coef: Vec<f64>,
    /// Σ coefficients of each step (the rule's scale: k for WMEAN, the number of children for SUM, 1 for MEAN).
    pub coef_total: Vec<f64>,
    /// Steps whose weights vary (renormalised per run).
    pub weighted_steps: Vec<usize>,
    pub renormalise: bool,
    pub keep_supplied: bool,
    pub output: usize,
    pub decimals: u32,
    pub factors: Vec<Factor>,
}

/// Buffers of one worker, reused across runs.
pub(crate) struct Scratch {
    pub values: Vec<f64>,
    /// The nodes whose rows a run writes (not `fixed`).
    moving: Vec<usize>,
    coef: Vec<f64>,
    factor: Vec<f64>,
    geometric: Vec<bool>,
    acc: Vec<f64>,
    present: Vec<f64>,
    complete: Vec<bool>,
    /// Per node: its row holds a NaN in this run (so a step over it needs the per-province completeness checks).
    has_nan: Vec<bool>,
    /// The province at each rank (fast-path ranking).
    by_rank: Vec<u32>,
    /// The output row, then NaN up to a multiple of [`LANES`] (the counting's operand).
    padded: Vec<f64>,
    pub ranks: Vec<u32>,
}

impl Model {
    pub fn scratch(&self) -> Scratch {
        Scratch {
            values: self.base.clone(),
            moving: (0..self.fixed.len()).filter(|&i| !self.fixed[i]).collect(),
            coef: self.coef.clone(),
            factor: vec![1.0; self.coef.len()],
            geometric: vec![false; self.steps.len()],
            acc: vec![0.0; self.units],
            present: vec![0.0; self.units],
            complete: vec![true; self.units],
            has_nan: (0..self.base.len() / self.units.max(1))
                .map(|i| self.base[i * self.units..(i + 1) * self.units].iter().any(|v| v.is_nan()))
                .collect(),
            by_rank: vec![u32::MAX; self.units],
            padded: vec![f64::NAN; self.units.div_ceil(LANES) * LANES],
            ranks: vec![0; self.units],
        }
    }

    /// Evaluate one run (`row`: one uniform per factor; None = the official assumptions) and rank the output
    /// node into `s.ranks` (0 = no value, so no rank). The output values are `s.values[output * units..][..units]`.
    pub fn run(&self, row: Option<&[f64]>, s: &mut Scratch) {
        let u_count = self.units;
        // Only the rows a run writes (computed or noised nodes) need their starting values back.
        for &i in &s.moving {
            s.values[i * u_count..(i + 1) * u_count].copy_from_slice(&self.base[i * u_count..(i + 1) * u_count]);
        }
        s.geometric.fill(false);
        let mut renormalise = self.renormalise;
        let mut reweigh = false;
        if let Some(row) = row {
            for (f, &u) in self.factors.iter().zip(row) {
                match &f.kind {
                    Kind::Weight { pair, low, high, .. } => {
                        s.factor[*pair] = low + (high - low) * u;
                        reweigh = true;
                    }
                    Kind::Dirichlet { step, alpha } => {
                        // The draw is a function of this column only (its uniform seeds the generator), so a
                        // Saltelli design that swaps the column swaps the whole weight vector.
                        let mut rng = StdRng::seed_from_u64(u.to_bits() ^ 0xD1B5_4A32_D192_ED03);
                        let range = self.steps[*step].1.clone();
                        let mut total = 0.0;
                        for (j, a) in range.clone().zip(alpha) {
                            let g = if *a > 0.0 {
                                Gamma::new(*a, 1.0).map(|d| d.sample(&mut rng)).unwrap_or(0.0)
                            } else {
                                0.0
                            };
                            s.factor[j] = g;
                            total += g;
                        }
                        // factor = drawn share / official share, so the renormalised coefficient is Σc · share.
                        let c_total = self.coef_total[*step];
                        for j in range {
                            let official = self.coef[j] / c_total;
                            s.factor[j] =
                                if official > 0.0 && total > 0.0 { s.factor[j] / total / official } else { 1.0 };
                        }
                        reweigh = true;
                    }
                    Kind::Aggregation { step } => s.geometric[*step] = u < 0.5,
                    Kind::Missing => renormalise = u < 0.5,
                    Kind::Noise { node, cells, scale } => {
                        let mut rng = StdRng::seed_from_u64(u.to_bits() ^ 0x9E37_79B9_7F4A_7C15 ^ *node as u64);
                        for &(p, se) in cells {
                            let z: f64 = StandardNormal.sample(&mut rng);
                            let slot = node * u_count + p;
                            s.values[slot] = (self.base[slot] + se * z).clamp(scale.0, scale.1);
                        }
                    }
                }
            }
        }
        if reweigh {
            for &step in &self.weighted_steps {
                let range = self.steps[step].1.clone();
                let sum: f64 = range.clone().map(|j| self.coef[j] * s.factor[j]).sum();
                let scale = if sum > 0.0 { self.coef_total[step] / sum } else { 1.0 };
                for j in range {
                    s.coef[j] = self.coef[j] * s.factor[j] * scale;
                }
            }
        } else {
            s.coef.copy_from_slice(&self.coef);
        }
        for (k, (node, range)) in self.steps.iter().enumerate() {
            self.step(k, *node, range.clone(), s, renormalise);
        }
        self.rank(s);
    }

    // Several per-province arrays are walked in step: indexing by the province is the clearest form.
    #[allow(clippy::needless_range_loop)]
    #[inline]
    fn step(&self, k: usize, node: usize, range: std::ops::Range<usize>, s: &mut Scratch, renormalise: bool) {
        let n = self.units;
        let geometric = s.geometric[k];
        s.acc.fill(0.0);
        s.present.fill(0.0);
        s.complete.fill(true);
        if !range.clone().any(|j| s.has_nan[self.children[j] as usize]) {
            // Every child present for every province (the usual case): a plain weighted sum per row.
            for j in range {
                let c = s.coef[j];
                let child = self.children[j] as usize;
                let row = if geometric && self.fixed[child] {
                    &self.ln_base[child * n..(child + 1) * n]
                } else {
                    &s.values[child * n..(child + 1) * n]
                };
                if geometric && !self.fixed[child] {
                    for (a, v) in s.acc.iter_mut().zip(row) {
                        *a += c * v.ln();
                    }
                } else {
                    add_scaled(&mut s.acc, c, row);
                }
            }
            let total = self.coef_total[k];
            let out = &mut s.values[node * n..(node + 1) * n];
            for (o, a) in out.iter_mut().zip(&s.acc) {
                if !self.keep_supplied || o.is_nan() {
                    *o = if geometric { total * (a / total).exp() } else { *a };
                }
            }
            s.has_nan[node] = false;
            return;
        }
        for j in range {
            let c = s.coef[j];
            let child = self.children[j] as usize;
            let row = &s.values[child * n..(child + 1) * n];
            if geometric {
                let fixed = self.fixed[child];
                let ln_row = &self.ln_base[child * n..(child + 1) * n];
                for p in 0..n {
                    let v = row[p];
                    if v.is_nan() {
                        s.complete[p] = false;
                    } else {
                        s.acc[p] += c * if fixed { ln_row[p] } else { v.ln() };
                        s.present[p] += c;
                    }
                }
            } else {
                for p in 0..n {
                    let v = row[p];
                    if v.is_nan() {
                        s.complete[p] = false;
                    } else {
                        s.acc[p] += c * v;
                        s.present[p] += c;
                    }
                }
            }
        }
        let total = self.coef_total[k];
        let out = &mut s.values[node * n..(node + 1) * n];
        for p in 0..n {
            if self.keep_supplied && !out[p].is_nan() {
                continue;
            }
            let (acc, present) = (s.acc[p], s.present[p]);
            if s.complete[p] {
                out[p] = if geometric { total * (acc / total).exp() } else { acc };
            } else if renormalise && out[p].is_nan() && present > 0.0 {
                out[p] = if geometric { total * (acc / present).exp() } else { acc * total / present };
            }
        }
        s.has_nan[node] = out.iter().any(|v| v.is_nan());
    }

    /// Competition ranks ("1224") of the output row, comparing values rounded to the edition's ranking precision
    /// (as [`crate::engine::competition_ranks`]). Fast path: rank(p) = 1 + #{q : v_q > v_p} on the raw values (a
    /// branch-free count the compiler vectorises); when these ranks are all distinct and no two neighbours in rank
    /// order lie within one rounding step of each other, rounding cannot change the order or make a tie, so they
    /// are the answer. Otherwise (rare) the keys are rounded and sorted. NaN gets no rank.
    fn rank(&self, s: &mut Scratch) {
        let n = self.units;
        let row = &s.values[self.output * n..(self.output + 1) * n];
        s.by_rank.fill(u32::MAX);
        let mut exact = true;
        let mut ranked = 0;
        s.padded[..n].copy_from_slice(row);
        count_greater(row, &s.padded, &mut s.ranks);
        for (p, (rank, v)) in s.ranks.iter_mut().zip(row).enumerate() {
            if v.is_nan() {
                *rank = 0;
                continue;
            }
            ranked += 1;
            let greater = *rank;
            *rank = greater + 1;
            match s.by_rank.get_mut(greater as usize) {
                Some(slot) if *slot == u32::MAX => *slot = p as u32,
                _ => exact = false, // two equal values
            }
        }
        let step = 10f64.powi(-(self.decimals as i32));
        if exact {
            // Ranked provinces hold ranks 1..=ranked; check the neighbours.
            for r in 1..ranked {
                let (a, b) = (s.by_rank[r - 1], s.by_rank[r]);
                if a == u32::MAX || b == u32::MAX {
                    exact = false;
                    break;
                }
                let (va, vb) = (row[a as usize], row[b as usize]);
                // Rounding moves a value by at most half a step plus the 12-digit snap (< 1e-10 relative).
                if va - vb <= step + 1e-9 * va.abs().max(vb.abs()) {
                    exact = false;
                    break;
                }
            }
        }
        if exact {
            return;
        }
        let mut keyed: Vec<(f64, usize)> =
            (0..n).filter(|&p| !row[p].is_nan()).map(|p| (round_to(row[p], self.decimals), p)).collect();
        keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        for pos in 0..keyed.len() {
            let (key, p) = keyed[pos];
            s.ranks[p] = if pos > 0 && keyed[pos - 1].0 == key { s.ranks[keyed[pos - 1].1] } else { pos as u32 + 1 };
        }
    }
}

/// `greater[p]` = how many values of `row` are greater than `row[p]` (NaN counts none and none count it). These n²
/// comparisons are about half of a run's time. The portable loop compiles to SSE2 (two comparisons per
/// instruction); on x86-64 processors with AVX2 an explicit four-lane version over `padded` (the row, then NaN up
/// to a multiple of [`LANES`], so there is no remainder loop) does twice the work per instruction. The compiler
/// does not find that form itself: given the padded loop it vectorises across provinces with gathers instead.
fn count_greater(row: &[f64], padded: &[f64], greater: &mut [u32]) {
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
fn add_scaled(acc: &mut [f64], c: f64, row: &[f64]) {
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

/// The decimals ranks compare at for an edition's ranking precision.
pub(crate) fn rank_decimals(precision: Option<u32>) -> u32 {
    precision.unwrap_or(UNROUNDED_DECIMALS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::competition_ranks;
    use proptest::prelude::*;

    /// A model of one node and no steps: the run ranks the supplied values.
    fn ranks_of(values: &[f64], precision: Option<u32>) -> Vec<u32> {
        let model = Model {
            units: values.len(),
            base: values.to_vec(),
            ln_base: values.iter().map(|v| v.ln()).collect(),
            fixed: vec![true],
            steps: vec![],
            children: vec![],
            coef: vec![],
            coef_total: vec![],
            weighted_steps: vec![],
            renormalise: false,
            keep_supplied: false,
            output: 0,
            decimals: rank_decimals(precision),
            factors: vec![],
        };
        let mut s = model.scratch();
        model.run(None, &mut s);
        s.ranks
    }

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

        /// The fast ranking equals the engine's competition ranks, ties, near-ties, rounding and NaN included.
        #[test]
        fn fast_ranks_equal_competition_ranks(
            cells in proptest::collection::vec((0u32..40, 0u32..4), 1..70),
            precision in proptest::option::of(0u32..4),
        ) {
            // Values on a coarse grid plus tiny offsets: many exact and near ties around rounding boundaries.
            let values: Vec<f64> = cells
                .iter()
                .map(|&(k, jitter)| if k == 39 { f64::NAN } else { f64::from(k) * 0.005 + f64::from(jitter) * 1e-12 })
                .collect();
            let expected: Vec<u32> = competition_ranks(&values, precision).into_iter().map(|r| r.unwrap_or(0)).collect();
            prop_assert_eq!(ranks_of(&values, precision), expected);
        }

        /// Distinct raw values (the usual case, ranked without a sort) that rounding ties in runs of neighbours:
        /// steps of 0.0013 and 1e-12 offsets against precisions of 0–3 decimals, NaN included.
        #[test]
        fn distinct_values_tied_by_rounding_rank_as_competition_ranks(
            keys in proptest::collection::btree_set(0u32..3000, 1..70),
            nan_at in proptest::option::of(0usize..70),
            precision in proptest::option::of(0u32..4),
        ) {
            let mut values: Vec<f64> =
                keys.iter().map(|&k| f64::from(k / 2) * 0.0013 + f64::from(k % 2) * 1e-12 + 50.0).collect();
            if let Some(i) = nan_at.filter(|&i| i < values.len()) {
                values[i] = f64::NAN;
            }
            values.reverse(); // not in rank order
            let expected: Vec<u32> = competition_ranks(&values, precision).into_iter().map(|r| r.unwrap_or(0)).collect();
            prop_assert_eq!(ranks_of(&values, precision), expected);
        }
    }
}

//! The index under uncertain assumptions, compiled once from the scores of one data year: the supplied values of
//! every province in a node-major matrix, the plan's steps and coefficients, and the uncertain inputs ("factors")
//! as functions of one uniform number each. One run maps a row of uniforms to a set of assumptions, re-evaluates
//! every province over the plan with that run's coefficients and aggregation, and ranks the output node — in
//! scratch buffers reused across runs, never building a frame.

use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Gamma, StandardNormal};

use super::kernels::{add_scaled, count_greater, LANES};
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

//! A compiled edition. Every aggregation rule chiso evaluates is linear in the children (SUM, WMEAN, MEAN and
//! RATIO are all v = Σ c_i · v_i with rule-specific coefficients), so a plan is a list of steps in topological
//! order, each a slice of (child, coefficient) pairs in two flat arrays. Evaluating one province-year is one pass
//! over a contiguous buffer of node values; many province-years are many such buffers back to back.

use crate::error::{ChisoError, Result};
use crate::methodology::{Aggregation, Methodology};

#[derive(Debug, Clone, Copy)]
struct Step {
    node: u32,
    start: u32,
    end: u32,
    /// Σ of all coefficients of the step, used to renormalise over present children.
    coef_total: f64,
}

/// A methodology compiled for evaluation.
#[derive(Debug, Clone)]
pub struct Plan {
    n_nodes: usize,
    steps: Vec<Step>,
    child: Vec<u32>,
    coef: Vec<f64>,
}

impl Plan {
    /// Compile an edition. Nodes with rule OPAQUE are inputs; unscored children are left out of their parent.
    ///
    /// ```
    /// let m = chiso::catalog().edition("papi.2021").unwrap();
    /// let plan = chiso::engine::Plan::compile(m);
    /// let mut values = vec![f64::NAN; plan.n_nodes()];
    /// // Every sub-dimension at 1.0: each dimension is the SUM of its sub-dimensions, the total the SUM of those.
    /// for (i, n) in m.nodes.iter().enumerate() {
    ///     if n.children.is_empty() {
    ///         values[i] = 1.0;
    ///     }
    /// }
    /// plan.evaluate(&mut values, false).unwrap();
    /// assert_eq!(values[0], 28.0); // papi.2021 has 28 sub-dimensions
    /// assert!(plan.evaluate(&mut values[..3], false).is_err()); // a buffer of the wrong length is refused
    /// ```
    pub fn compile(m: &Methodology) -> Plan {
        let mut steps = Vec::new();
        let mut child = Vec::new();
        let mut coef = Vec::new();
        for i in m.topological_order() {
            let n = &m.nodes[i];
            let scored: Vec<usize> = m.dependencies(i);
            if scored.is_empty() {
                continue;
            }
            let coefficients: Vec<f64> = match n.aggregation {
                Aggregation::Opaque => continue,
                Aggregation::Sum => vec![1.0; scored.len()],
                Aggregation::Mean => vec![1.0 / scored.len() as f64; scored.len()],
                Aggregation::WMean { k } => {
                    let w: Vec<f64> = scored.iter().map(|&c| m.nodes[c].weight.unwrap_or(0.0)).collect();
                    let total: f64 = w.iter().sum();
                    w.iter().map(|wi| k * wi / total).collect()
                }
                Aggregation::Ratio => {
                    let mx: Vec<f64> = scored.iter().map(|&c| m.nodes[c].max_points.unwrap_or(0.0)).collect();
                    let total: f64 = mx.iter().sum();
                    mx.iter().map(|x| x / total).collect()
                }
            };
            let start = child.len() as u32;
            child.extend(scored.iter().map(|&c| c as u32));
            coef.extend_from_slice(&coefficients);
            steps.push(Step { node: i as u32, start, end: child.len() as u32, coef_total: coefficients.iter().sum() });
        }
        Plan { n_nodes: m.nodes.len(), steps, child, coef }
    }

    /// Number of nodes, i.e. the length of one province-year buffer.
    pub fn n_nodes(&self) -> usize {
        self.n_nodes
    }

    /// Evaluate one province-year in place. `values[i]` is node i's value, NaN where missing. A computed node is
    /// overwritten when all its scored children have values (the computed value wins over a supplied one, which
    /// the caller keeps for checking); otherwise a supplied value stays, and a missing one stays NaN — unless
    /// `renormalise`, when it becomes the rule over the present children: (Σ_present c·v) · Σ c / Σ_present c.
    ///
    /// Errors with [`ChisoError::InvalidArgument`] when `values.len()` is not [`Plan::n_nodes`].
    #[inline]
    pub fn evaluate(&self, values: &mut [f64], renormalise: bool) -> Result<()> {
        self.check_len(values.len(), "values")?;
        self.evaluate_with(values, renormalise, false);
        Ok(())
    }

    fn check_len(&self, len: usize, what: &str) -> Result<()> {
        if len == self.n_nodes {
            Ok(())
        } else {
            Err(ChisoError::InvalidArgument(format!(
                "{what} has {len} entries; this plan evaluates buffers of {} (one per node)",
                self.n_nodes
            )))
        }
    }

    /// As [`Plan::evaluate`] without the length check (callers in the crate size the buffer from the plan); with
    /// `keep_supplied`, a node that already has a value keeps it even when its children are complete (published
    /// totals win over recomputed ones, e.g. VCCI's 2011 composites).
    #[inline]
    pub(crate) fn evaluate_with(&self, values: &mut [f64], renormalise: bool, keep_supplied: bool) {
        debug_assert_eq!(values.len(), self.n_nodes);
        for s in &self.steps {
            let (start, end) = (s.start as usize, s.end as usize);
            let mut acc = 0.0;
            let mut present_coef = 0.0;
            let mut complete = true;
            for j in start..end {
                let v = values[self.child[j] as usize];
                if v.is_nan() {
                    complete = false;
                } else {
                    acc += self.coef[j] * v;
                    present_coef += self.coef[j];
                }
            }
            let slot = &mut values[s.node as usize];
            if keep_supplied && !slot.is_nan() {
                continue;
            }
            if complete {
                *slot = acc;
            } else if renormalise && slot.is_nan() && present_coef > 0.0 {
                *slot = acc * s.coef_total / present_coef;
            }
        }
    }

    /// As [`Plan::evaluate`], keeping the value of every node with `keep[i]` that already has one (a what-if that
    /// pins a computed node to a value: its ancestors follow it, its children no longer count). Crate-internal:
    /// callers size `values` and `keep` from the plan.
    pub(crate) fn evaluate_keeping(&self, values: &mut [f64], renormalise: bool, keep: &[bool]) {
        for s in &self.steps {
            self.step_keeping(s, values, renormalise, keep);
        }
    }

    /// One step of [`Plan::evaluate_keeping`].
    #[inline(always)]
    fn step_keeping(&self, s: &Step, values: &mut [f64], renormalise: bool, keep: &[bool]) {
        let node = s.node as usize;
        if keep[node] && !values[node].is_nan() {
            return;
        }
        let (start, end) = (s.start as usize, s.end as usize);
        let (mut acc, mut present_coef, mut complete) = (0.0, 0.0, true);
        for j in start..end {
            let v = values[self.child[j] as usize];
            if v.is_nan() {
                complete = false;
            } else {
                acc += self.coef[j] * v;
                present_coef += self.coef[j];
            }
        }
        if complete {
            values[node] = acc;
        } else if renormalise && values[node].is_nan() && present_coef > 0.0 {
            values[node] = acc * s.coef_total / present_coef;
        }
    }

    /// The steps (indices into the plan's evaluation order) whose node depends, directly or through other
    /// computed nodes, on a node with `changed[i]`: the only steps a change of those nodes can move. Evaluating
    /// just these, in order, on a buffer where every other node already holds its evaluated value gives the same
    /// numbers as a full [`Plan::evaluate_keeping`] (what-if at scale re-evaluates only the edited nodes'
    /// ancestors).
    pub(crate) fn steps_depending_on(&self, changed: &[bool]) -> Vec<u32> {
        let mut moved = changed.to_vec();
        let mut out = Vec::new();
        for (k, s) in self.steps.iter().enumerate() {
            let children = &self.child[s.start as usize..s.end as usize];
            if children.iter().any(|&c| moved[c as usize]) {
                moved[s.node as usize] = true;
                out.push(k as u32);
            }
        }
        out
    }

    /// The node each of `steps` computes.
    pub(crate) fn step_nodes(&self, steps: &[u32]) -> Vec<usize> {
        steps.iter().map(|&k| self.steps[k as usize].node as usize).collect()
    }

    /// [`Plan::evaluate_keeping`] restricted to `steps` (from [`Plan::steps_depending_on`]), on `L` buffers at
    /// once stored node-major (`values[node][lane]`): each lane gets exactly the arithmetic of its own pass, in the
    /// same order, while the lanes' sums run side by side (a sum's additions wait on each other; the lanes' do not).
    pub(crate) fn evaluate_steps_keeping_lanes<const L: usize>(
        &self,
        steps: &[u32],
        values: &mut [[f64; L]],
        renormalise: bool,
        keep: &[bool],
    ) {
        for &k in steps {
            let s = &self.steps[k as usize];
            let node = s.node as usize;
            let children = s.start as usize..s.end as usize;
            let mut acc = [0.0; L];
            for j in children.clone() {
                let (c, v) = (self.coef[j], values[self.child[j] as usize]);
                for l in 0..L {
                    acc[l] += c * v[l];
                }
            }
            if acc.iter().all(|a| !a.is_nan()) {
                // No child is missing in any lane (a missing child makes its lane's sum NaN, whatever follows): the
                // usual case, one pass without a test per value.
                let out = &mut values[node];
                for l in 0..L {
                    if !keep[node] || out[l].is_nan() {
                        out[l] = acc[l];
                    }
                }
                continue;
            }
            // Some lane has a missing child (or a sum that is NaN by itself, ∞ − ∞): the lanes again, value by value.
            let (mut acc, mut present_coef, mut complete) = ([0.0; L], [0.0; L], [true; L]);
            for j in children {
                let (c, v) = (self.coef[j], values[self.child[j] as usize]);
                for l in 0..L {
                    if v[l].is_nan() {
                        complete[l] = false;
                    } else {
                        acc[l] += c * v[l];
                        present_coef[l] += c;
                    }
                }
            }
            let out = &mut values[node];
            for l in 0..L {
                if keep[node] && !out[l].is_nan() {
                    continue;
                }
                if complete[l] {
                    out[l] = acc[l];
                } else if renormalise && out[l].is_nan() && present_coef[l] > 0.0 {
                    out[l] = acc[l] * s.coef_total / present_coef[l];
                }
            }
        }
    }

    /// Evaluate many province-years stored back to back. Errors with [`ChisoError::InvalidArgument`] when
    /// `buffer.len()` is not a multiple of [`Plan::n_nodes`] (nothing is evaluated then).
    pub fn evaluate_many(&self, buffer: &mut [f64], renormalise: bool) -> Result<()> {
        if self.n_nodes == 0 || buffer.len() % self.n_nodes != 0 {
            return Err(ChisoError::InvalidArgument(format!(
                "buffer has {} entries, not a multiple of this plan's {} nodes",
                buffer.len(),
                self.n_nodes
            )));
        }
        for unit in buffer.chunks_exact_mut(self.n_nodes) {
            self.evaluate_with(unit, renormalise, false);
        }
        Ok(())
    }

    /// The computed nodes in evaluation order, each with the range of its (child, coefficient) pairs in
    /// [`Plan::children`] and [`Plan::coefficients`]: what an evaluator with its own coefficients walks (the
    /// uncertainty analysis varies weights and aggregation per run without recompiling).
    pub fn steps(&self) -> impl ExactSizeIterator<Item = (usize, std::ops::Range<usize>)> + '_ {
        self.steps.iter().map(|s| (s.node as usize, s.start as usize..s.end as usize))
    }

    /// The child node of every (child, coefficient) pair, steps back to back.
    pub fn children(&self) -> &[u32] {
        &self.child
    }

    /// The coefficient of every (child, coefficient) pair: v = Σ coefficient · v_child.
    pub fn coefficients(&self) -> &[f64] {
        &self.coef
    }

    /// Σ |∂v/∂v_c| over the scored children of `node` (0 for inputs): the factor by which the children's rounding
    /// propagates into the node (README §1.5 rule 3).
    pub fn sensitivity(&self, node: usize) -> f64 {
        self.steps
            .iter()
            .find(|s| s.node as usize == node)
            .map(|s| self.coef[s.start as usize..s.end as usize].iter().map(|c| c.abs()).sum())
            .unwrap_or(0.0)
    }

    /// The (child, coefficient) pairs of a computed node: v = Σ coefficient · v_child.
    pub fn terms(&self, node: usize) -> Vec<(usize, f64)> {
        self.steps
            .iter()
            .find(|s| s.node as usize == node)
            .map(|s| (s.start as usize..s.end as usize).map(|j| (self.child[j] as usize, self.coef[j])).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Re-evaluating only the steps that depend on the changed nodes, on a buffer holding every other node's
    /// evaluated value, gives bit for bit what a full pass gives: every catalog edition, each node changed alone
    /// and with its parent pinned, some inputs missing, computed nodes unset or published, strict and renormalised.
    #[test]
    fn steps_depending_on_a_change_equal_a_full_pass() {
        for m in &crate::catalog().editions {
            let plan = Plan::compile(m);
            let n = plan.n_nodes();
            for (renormalise, published) in [(false, false), (true, false), (false, true), (true, true)] {
                // Inputs at varied values, every seventh missing; computed nodes unset, or all holding a published
                // value that the evaluation (not keeping it) must overwrite where the children are complete and
                // leave where they are not.
                let start: Vec<f64> = (0..n)
                    .map(|i| {
                        if !m.dependencies(i).is_empty() {
                            if published {
                                50.0 + i as f64
                            } else {
                                f64::NAN
                            }
                        } else if i % 7 == 3 {
                            f64::NAN
                        } else {
                            1.0 + (i * 37 % 11) as f64 / 3.0
                        }
                    })
                    .collect();
                for edited in 1..n {
                    let mut changed = vec![false; n];
                    changed[edited] = true;
                    let mut keep = vec![false; n];
                    keep[edited] = true;
                    if let Some(p) = m.nodes[edited].parent.filter(|&p| p != 0) {
                        // A second edit: the parent pinned as well (its own step is skipped).
                        changed[p] = true;
                        keep[p] = true;
                    }
                    let steps = plan.steps_depending_on(&changed);
                    let moving = plan.step_nodes(&steps);
                    let mut template = start.clone();
                    plan.evaluate_keeping(&mut template, renormalise, &keep);
                    // Four edits side by side, one per lane (the lanes version of the re-evaluation). In the last
                    // lane an edited input is missing, so the lanes of one step differ in completeness (a computed
                    // node is never edited to NaN: a full pass would recompute it where the re-evaluation cannot).
                    let lanes_of = [0.0, 2.5, 9.75, f64::NAN];
                    let edit = |value: f64, i: usize| {
                        if value.is_nan() && !m.dependencies(i).is_empty() {
                            1e-3 + i as f64
                        } else {
                            value + i as f64
                        }
                    };
                    let mut part: Vec<[f64; 4]> = template.iter().map(|&v| [v; 4]).collect();
                    for &d in &moving {
                        part[d] = [start[d]; 4];
                    }
                    for i in (0..n).filter(|&i| changed[i]) {
                        part[i] = lanes_of.map(|value| edit(value, i));
                    }
                    plan.evaluate_steps_keeping_lanes(&steps, &mut part, renormalise, &keep);
                    for (l, value) in lanes_of.into_iter().enumerate() {
                        let mut full = start.clone();
                        for i in (0..n).filter(|&i| changed[i]) {
                            full[i] = edit(value, i);
                        }
                        plan.evaluate_keeping(&mut full, renormalise, &keep);
                        let same = full.iter().zip(&part).all(|(a, b)| a.to_bits() == b[l].to_bits());
                        assert!(
                            same,
                            "{} node {} renormalise {renormalise} published {published} lane {l}",
                            m.code, m.nodes[edited].path
                        );
                    }
                }
            }
        }
    }
}

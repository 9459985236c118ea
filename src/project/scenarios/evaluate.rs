//! [`PreparedScenarios::evaluate`]: the scenarios' values checked, then evaluated in chunks on every core, eight
//! side by side in reused buffers, re-evaluating only the edited nodes' ancestors; a rank is a count among the
//! peers' rounded keys.

use rayon::prelude::*;

use super::{percentile_sorted, Op, PreparedScenarios, ScenarioOutcomes, CHUNK, LANES, MAX_SCENARIOS};
use crate::error::{ChisoError, Result};

impl PreparedScenarios {
    /// Evaluate `values.len() / nodes` scenarios: scenario s sets column j's node by its op with
    /// `values[s · nodes + j]`. Errors (before any evaluation) name the first refused value's scenario and node,
    /// or the count of values that is not a whole number of rows, or a count of scenarios beyond
    /// [`MAX_SCENARIOS`].
    pub fn evaluate(&self, values: &[f64]) -> Result<ScenarioOutcomes> {
        let width = self.edited.len();
        if values.len() % width != 0 {
            return Err(ChisoError::argument(
                "values",
                format!("{} values", values.len()),
                format!("one row per scenario, one column per edited node ({width})"),
            ));
        }
        let count = values.len() / width;
        if count == 0 || count > MAX_SCENARIOS {
            return Err(ChisoError::argument(
                "scenarios",
                count,
                format!("give between 1 and {MAX_SCENARIOS} scenarios"),
            ));
        }
        // Bad values, found before any evaluation: a branch-free pass over every value against its column's accepted
        // range, then (only when some value is refused) the first refusal, its message naming the scenario row and
        // column.
        // The ranges tiled over eight rows, so that the pass runs over contiguous values with no per-row loop.
        let tile: Vec<(f64, f64, bool)> = self.accepted.iter().copied().cycle().take(LANES * width).collect();
        let mut all_accepted = true;
        let mut rows = values.chunks_exact(LANES * width);
        for block in rows.by_ref() {
            for (&v, &(lo, hi, ignored)) in block.iter().zip(&tile) {
                all_accepted &= ignored | ((v >= lo) & (v <= hi));
            }
        }
        for (&v, &(lo, hi, ignored)) in rows.remainder().iter().zip(&tile) {
            all_accepted &= ignored | ((v >= lo) & (v <= hi));
        }
        if !all_accepted {
            for (s, row) in values.chunks_exact(width).enumerate() {
                for (j, (&v, op)) in row.iter().zip(&self.ops).enumerate() {
                    if let Some(why) = op.refusal(v) {
                        return Err(ChisoError::argument(
                            "values",
                            v,
                            format!("scenario {s}, node {}: {why}", self.edited_paths[j]),
                        ));
                    }
                }
            }
        }

        let k_out = self.out_nodes.len();
        let mut out_values = vec![f64::NAN; count * k_out];
        let mut out_ranks = vec![0u32; count * k_out];
        let mut out_within = vec![0u32; count * k_out];
        let mut clamped = vec![false; count];
        let mut beyond = vec![false; count * k_out];
        // Lane l of every node's buffer is scenario group + l: indexing by the lane is the clearest form.
        #[allow(clippy::needless_range_loop)]
        let evaluate_chunk = |first: usize,
                              vals: &mut [f64],
                              ranks: &mut [u32],
                              within: &mut [u32],
                              clamps: &mut [bool],
                              beyond: &mut [bool]| {
            // LANES scenarios at a time, side by side (see Plan::evaluate_steps_keeping_lanes); a last, partial group
            // fills its spare lanes with its last scenario and keeps only the real ones.
            let mut buffer: Vec<[f64; LANES]> = self.template.iter().map(|&v| [v; LANES]).collect();
            let in_chunk = clamps.len();
            for group in (0..in_chunk).step_by(LANES) {
                let real = (in_chunk - group).min(LANES);
                for &d in &self.moving_nodes {
                    buffer[d] = [self.supplied[d]; LANES];
                }
                // Each edited column across the lanes, its op chosen once per group, not once per value.
                let rows: [usize; LANES] = std::array::from_fn(|l| (first + group + l.min(real - 1)) * width);
                let mut clamped_lanes = [false; LANES];
                for j in 0..width {
                    let v: [f64; LANES] = std::array::from_fn(|l| values[rows[l] + j]);
                    let (c, top) = (self.current[j], self.maximum[j]);
                    let x = match self.ops[j] {
                        Op::Set => v,
                        Op::Add => v.map(|v| c + v),
                        Op::Headroom => v.map(|v| c + v * (top - c)),
                        Op::ToMax => [top; LANES],
                        Op::BestGap => v.map(|v| c + v * (self.field_best[j] - c).max(0.0)),
                        Op::ToBest => [c.max(self.field_best[j]); LANES],
                        Op::Percentile => v.map(|v| c.max(percentile_sorted(&self.fields[j], v))),
                    };
                    let (lo, hi) = self.scale[j];
                    let edited_node = &mut buffer[self.edited[j]];
                    for l in 0..LANES {
                        let outside = (x[l] < lo) | (x[l] > hi);
                        clamped_lanes[l] |= outside;
                        edited_node[l] = if outside { x[l].clamp(lo, hi) } else { x[l] };
                    }
                }
                for l in 0..real {
                    clamps[group + l] |= clamped_lanes[l];
                }
                self.plan.evaluate_steps_keeping_lanes(&self.moving_steps, &mut buffer, self.renormalise, &self.keep);
                for l in 0..real {
                    let t = group + l;
                    for &a in &self.shifted {
                        buffer[a][l] = self.supplied[a] + (buffer[a][l] - self.before[a]);
                    }
                    for (j, &i) in self.out_nodes.iter().enumerate() {
                        let v = buffer[i][l];
                        let o = t * k_out + j;
                        vals[o] = v;
                        beyond[o] = v > self.beyond_at[j];
                        if !v.is_nan() {
                            let r = self.peer_keys[j].rank_count(v) as u32 + 1;
                            within[o] = r;
                            if self.full_field[j] {
                                ranks[o] = r;
                            }
                        }
                    }
                }
            }
        };
        if count <= CHUNK {
            // One chunk: no thread hand-over for a small call.
            evaluate_chunk(0, &mut out_values, &mut out_ranks, &mut out_within, &mut clamped, &mut beyond);
        } else {
            out_values
                .par_chunks_mut(CHUNK * k_out)
                .zip(out_ranks.par_chunks_mut(CHUNK * k_out))
                .zip(out_within.par_chunks_mut(CHUNK * k_out))
                .zip(clamped.par_chunks_mut(CHUNK))
                .zip(beyond.par_chunks_mut(CHUNK * k_out))
                .enumerate()
                .for_each(|(c, ((((vals, ranks), within), clamps), beyond))| {
                    evaluate_chunk(c * CHUNK, vals, ranks, within, clamps, beyond)
                });
        }
        Ok(ScenarioOutcomes {
            province_code: self.province_code.clone(),
            province: self.province.clone(),
            year: self.year,
            nodes: self.out_paths.clone(),
            scenarios: count,
            values: out_values,
            ranks: out_ranks,
            ranks_within: out_within,
            base_values: self.base_values.clone(),
            base_ranks: self.base_ranks.clone(),
            n_ranked: self.n_ranked.clone(),
            clamped,
            best: self.best.clone(),
            beyond_best: beyond,
            peers: self.peers,
        })
    }
}

//! What-if at scale: many scenarios for one province, each a row of values for the same edited nodes, evaluated
//! in time linear in the number of scenarios with memory bounded by the output asked for (the chosen nodes' value
//! and rank per scenario, never a full node table). Scenarios are evaluated in chunks on every core, eight side by
//! side in reused buffers, re-evaluating only the edited nodes' ancestors; a rank is a count among the peers'
//! rounded keys (`project/peer_keys.rs`: the peers do not move between scenarios). Same rules as
//! [`super::what_if_with`] — edits clamped to the scale, computed nodes pinned, published totals shifted by their
//! parts' change — and the same ranks.

use rayon::prelude::*;

use super::peer_keys::DescendingKeys;
use super::{Adjustment, Peers};
use crate::engine::{MissingPolicy, Prefer, Scores};
use crate::error::{ChisoError, Result};
use crate::provinces::Registry;
use crate::text::round_to;

/// Scenarios at most per call (each output node keeps 12 bytes per scenario).
pub const MAX_SCENARIOS: usize = 100_000_000;
/// Scenarios per parallel chunk (a multiple of [`LANES`]).
const CHUNK: usize = 4096;
/// Scenarios evaluated side by side.
const LANES: usize = 8;

/// How one edited column changes its node (the value comes from the scenario's row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Set the value.
    Set,
    /// Add the value (in the node's own unit).
    Add,
    /// Close this share (0–1) of the headroom, max − value.
    Headroom,
    /// Reach the maximum (the value is ignored).
    ToMax,
    /// Close this share (0–1) of the gap to the year's best province at the node.
    BestGap,
    /// Reach the year's best value at the node (the value is ignored).
    ToBest,
    /// Reach this percentile (0–100) of the year's field at the node (a province above it keeps its value).
    Percentile,
}

// The op names of `what_if` ([`Adjustment::OPS`]).
named_enum!(Op, "edit op" {
    Set => "set",
    Add => "add",
    Headroom => "headroom",
    ToMax => "max",
    BestGap => "best_gap",
    ToBest => "best",
    Percentile => "percentile",
});

impl Op {
    /// Why `v` cannot be this op's value (None: it can).
    fn refusal(self, v: f64) -> Option<&'static str> {
        match self {
            Op::ToMax | Op::ToBest => None,
            _ if !v.is_finite() => Some("not a finite number"),
            Op::Headroom if !(0.0..=1.0).contains(&v) => Some("a headroom share must be between 0 and 1"),
            Op::BestGap if !(0.0..=1.0).contains(&v) => Some("a best_gap share must be between 0 and 1"),
            Op::Percentile if !(0.0..=100.0).contains(&v) => Some("a percentile must be between 0 and 100"),
            _ => None,
        }
    }

    /// The values this op accepts, as a closed range `lo <= v <= hi` (NaN is in none), or None when it ignores
    /// its value: the branch-free form of [`Op::refusal`], held to it by a test.
    fn accepted(self) -> Option<(f64, f64)> {
        match self {
            Op::ToMax | Op::ToBest => None,
            Op::Set | Op::Add => Some((f64::MIN, f64::MAX)),
            Op::Headroom | Op::BestGap => Some((0.0, 1.0)),
            Op::Percentile => Some((0.0, 100.0)),
        }
    }

    pub(super) fn change(self, v: f64) -> Adjustment {
        match self {
            Op::Set => Adjustment::Set(v),
            Op::Add => Adjustment::Add(v),
            Op::Headroom => Adjustment::Headroom(v),
            Op::ToMax => Adjustment::ToMax,
            Op::BestGap => Adjustment::BestGap(v),
            Op::ToBest => Adjustment::ToBest,
            Op::Percentile => Adjustment::Percentile(v),
        }
    }
}

/// The result: for each output node, the value and rank of the province in every scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioOutcomes {
    /// GSO code of the province.
    pub province_code: String,
    /// Vietnamese name of the province.
    pub province: String,
    /// The data year.
    pub year: i32,
    /// Paths of the output nodes.
    pub nodes: Vec<String>,
    /// Number of scenarios.
    pub scenarios: usize,
    /// values[s · nodes + j]: node j in scenario s (NaN = no value).
    pub values: Vec<f64>,
    /// Rank over the publisher's field (0 = none: no value, or a year without the full field).
    pub ranks: Vec<u32>,
    /// Rank among the provinces of the result (0 = no value).
    pub ranks_within: Vec<u32>,
    /// Per output node: the province's value in the scores as given (NaN = no value).
    pub base_values: Vec<f64>,
    /// Per output node: the province's rank in the scores as given (0 = none).
    pub base_ranks: Vec<u32>,
    /// Per output node: how many provinces are ranked with it (the other provinces with a value, plus this one if
    /// it has a value).
    pub n_ranked: Vec<u32>,
    /// Per scenario: some edit was clamped to its node's scale.
    pub clamped: Vec<bool>,
    /// Per output node: the year's best value in the field (NaN if none).
    pub best: Vec<f64>,
    /// Per scenario and output node (as `values`): the value goes beyond that best — a projection no province has
    /// reached.
    pub beyond_best: Vec<bool>,
    /// What the other provinces did ("held", "trend to YYYY", "user values (n cells)").
    pub peers: super::PeersUsed,
}

/// Evaluate `values.len() / nodes.len()` scenarios of `province` in data year `year`: scenario s sets column j's
/// node by `ops[j]` with `values[s · nodes.len() + j]`. `outputs` are the nodes reported ("" = the total).
///
/// ```
/// use chiso::project::scenarios::{what_if_many, Op};
/// use chiso::project::Peers;
/// use chiso::{datasets, score, EditionChoice, ScoreOptions};
/// let rows = datasets::pci().unwrap();
/// let s = score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap();
/// // Transparency + 0, + 0.5, + 1 (weight 20%, × 10: 2 points per point).
/// let out = what_if_many(&s, 2016, "Trà Vinh", &["transparency".into()], &[Op::Add], &[0.0, 0.5, 1.0], &["".into()], &Peers::Held).unwrap();
/// assert_eq!(out.scenarios, 3);
/// assert!((out.values[2] - out.values[0] - 2.0).abs() < 1e-9);
/// assert_eq!(out.ranks[0], out.base_ranks[0]);
/// ```
#[allow(clippy::too_many_arguments)]
pub fn what_if_many(
    scores: &Scores,
    year: i32,
    province: &str,
    nodes: &[String],
    ops: &[Op],
    values: &[f64],
    outputs: &[String],
    peers: &Peers,
) -> Result<ScenarioOutcomes> {
    let units: Vec<usize> = (0..scores.units().len()).filter(|&k| scores.units()[k].year == year).collect();
    let Some(&first) = units.first() else {
        return Err(ChisoError::argument("year", year, "no scores for this data year to project from"));
    };
    let e = scores.units()[first].edition;
    if units.iter().any(|&k| scores.units()[k].edition != e) {
        return Err(ChisoError::argument("year", year, "this data year mixes editions"));
    }
    let m = scores.edition(e);
    let plan = scores.plan(e);
    let n = m.nodes.len();
    let options = scores.options();
    let renormalise = options.missing == MissingPolicy::Renormalise;
    let registry = Registry::get();
    let me = registry.find_for_year(province, year)?;
    let p_index = registry.index_of(&me.code).unwrap_or(usize::MAX);
    let pos = units.iter().position(|&k| scores.units()[k].province == p_index).ok_or_else(|| {
        ChisoError::argument("province", province, format!("{} has no scores in {year} to change", me.name_vi))
    })?;
    let k = units[pos];
    if nodes.is_empty() || nodes.len() != ops.len() {
        return Err(ChisoError::argument(
            "ops",
            format!("{} ops for {} nodes", ops.len(), nodes.len()),
            "give one op per edited node (and at least one node)",
        ));
    }
    if values.len() % nodes.len() != 0 {
        return Err(ChisoError::argument(
            "values",
            format!("{} values", values.len()),
            format!("one row per scenario, one column per edited node ({})", nodes.len()),
        ));
    }
    let count = values.len() / nodes.len();
    if count == 0 || count > MAX_SCENARIOS {
        return Err(ChisoError::argument("scenarios", count, format!("give between 1 and {MAX_SCENARIOS} scenarios")));
    }
    if outputs.is_empty() {
        return Err(ChisoError::argument("output", "[]", "ask for at least one node (\"\" = the total)"));
    }
    let edited: Vec<usize> = nodes
        .iter()
        .map(|s| {
            m.find(s).ok_or_else(|| ChisoError::argument("nodes", s, format!("no such node in edition {}", m.code)))
        })
        .collect::<Result<_>>()?;
    let out_nodes: Vec<usize> = outputs
        .iter()
        .map(|s| {
            m.find(s).ok_or_else(|| ChisoError::argument("output", s, format!("no such node in edition {}", m.code)))
        })
        .collect::<Result<_>>()?;

    // The year's field at a node: the values of the provinces of the edited province's map (as what_if).
    let geography = registry.all()[p_index].geography;
    let in_field = |i: usize| {
        units
            .iter()
            .filter(move |&&u| registry.all()[scores.units()[u].province].geography == geography)
            .filter_map(move |&u| scores.value(u, i))
    };
    let field_at = |i: usize| -> Vec<f64> {
        let mut v: Vec<f64> = in_field(i).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    // Per edited column: current value, maximum and field where the op needs them (checked once, not per
    // scenario).
    let mut current = Vec::with_capacity(edited.len());
    let mut maximum = Vec::with_capacity(edited.len());
    let mut fields: Vec<Vec<f64>> = Vec::with_capacity(edited.len());
    for (&i, op) in edited.iter().zip(ops) {
        let node = &m.nodes[i];
        let relative_to_field = matches!(op, Op::BestGap | Op::ToBest | Op::Percentile);
        fields.push(if relative_to_field { field_at(i) } else { Vec::new() });
        if relative_to_field && fields.last().is_some_and(|f| f.is_empty()) {
            return Err(ChisoError::argument(
                "nodes",
                &node.code,
                format!("no province has a value at this node in {year} to measure against"),
            ));
        }
        let needs_current = matches!(op, Op::Add | Op::Headroom) || relative_to_field;
        let c = scores.value(k, i);
        if needs_current && c.is_none() {
            return Err(ChisoError::argument(
                "nodes",
                &node.code,
                format!("{} has no value at this node in {year} to change relatively", me.name_vi),
            ));
        }
        let needs_max = matches!(op, Op::Headroom | Op::ToMax);
        if needs_max && node.max_value().is_none() {
            return Err(ChisoError::MissingMaximum {
                edition: m.code.clone(),
                node: node.code.clone(),
                path: node.path.clone(),
                purpose: "to close headroom or reach the maximum".into(),
            });
        }
        current.push(c.unwrap_or(f64::NAN));
        maximum.push(node.max_value().unwrap_or(f64::NAN));
    }
    // Bad values, found before any evaluation: a branch-free pass over every value against its column's accepted
    // range, then (only when some value is refused) the first refusal, its message naming the scenario row and
    // column.
    // Per column: the accepted range, and whether the op ignores its value.
    let accepted: Vec<(f64, f64, bool)> =
        ops.iter().map(|op| op.accepted().map_or((0.0, 0.0, true), |(lo, hi)| (lo, hi, false))).collect();
    let mut all_accepted = true;
    for row in values.chunks_exact(edited.len()) {
        for (&v, &(lo, hi, ignored)) in row.iter().zip(&accepted) {
            all_accepted &= ignored | ((v >= lo) & (v <= hi));
        }
    }
    if !all_accepted {
        for (s, row) in values.chunks_exact(edited.len()).enumerate() {
            for (j, (&v, op)) in row.iter().zip(ops).enumerate() {
                if let Some(why) = op.refusal(v) {
                    return Err(ChisoError::argument(
                        "values",
                        v,
                        format!("scenario {s}, node {}: {why}", m.nodes[edited[j]].path),
                    ));
                }
            }
        }
    }

    // Peers' values at the output nodes, sorted by rank key (descending).
    let super::peers::PeerColumns { columns: base, label: peers_label } =
        super::peers::peer_columns(scores, year, &units, m, peers, &out_nodes)?;
    let decimals = m.ranking.precision.unwrap_or(crate::engine::rank::UNROUNDED_DECIMALS);
    let field = scores.field_of(k).size;
    let peer_keys: Vec<DescendingKeys> = out_nodes
        .iter()
        .map(|&i| {
            DescendingKeys::new(
                (0..units.len())
                    .filter(|&q| q != pos && !base[i][q].is_nan())
                    .map(|q| round_to(base[i][q], decimals))
                    .collect(),
                decimals,
            )
        })
        .collect();

    // The province's starting buffer and what stays pinned, as in what_if_with.
    let supplied: Vec<f64> = (0..n).map(|j| scores.supplied_value(k, j).unwrap_or(f64::NAN)).collect();
    let mut keep: Vec<bool> = (0..n).map(|j| options.prefer == Prefer::Published && !supplied[j].is_nan()).collect();
    let mut is_edited = vec![false; n];
    for &i in &edited {
        keep[i] = true;
        is_edited[i] = true;
    }
    let mut shifted = Vec::new();
    for &i in &edited {
        let mut up = m.nodes[i].parent;
        while let Some(a) = up {
            if !is_edited[a] && keep[a] {
                keep[a] = false;
                shifted.push(a);
            }
            up = m.nodes[a].parent;
        }
    }
    let mut before = Vec::new();
    if !shifted.is_empty() {
        before = supplied.clone();
        let mut keep_before = keep.clone();
        for &i in &edited {
            keep_before[i] = options.prefer == Prefer::Published && !before[i].is_nan();
        }
        plan.evaluate_keeping(&mut before, renormalise, &keep_before);
    }
    // Per edited column: the year's best value in its field (NaN where the op needs none), read once.
    let field_best: Vec<f64> = fields.iter().map(|f| f.last().copied().unwrap_or(f64::NAN)).collect();
    let scale: Vec<(f64, f64)> =
        edited.iter().map(|&i| m.nodes[i].scale.unwrap_or((f64::NEG_INFINITY, f64::INFINITY))).collect();

    // Only the edited nodes' ancestors can move: every other node is evaluated once, and each scenario resets the
    // moving nodes to their starting values and re-evaluates just their steps (the same arithmetic, in the same
    // order, as a full pass).
    let moving_steps = plan.steps_depending_on(&is_edited);
    let moving_nodes = plan.step_nodes(&moving_steps);
    let mut template = supplied.clone();
    plan.evaluate_keeping(&mut template, renormalise, &keep);

    let k_out = out_nodes.len();
    let mut out_values = vec![f64::NAN; count * k_out];
    let mut out_ranks = vec![0u32; count * k_out];
    let mut out_within = vec![0u32; count * k_out];
    let mut clamped = vec![false; count];
    let mut beyond = vec![false; count * k_out];
    let best: Vec<f64> = out_nodes
        .iter()
        .map(|&i| in_field(i).fold(f64::NAN, f64::max)) // the largest (NaN for none), as field_at(i).last()
        .collect();
    let beyond_at: Vec<f64> = best.iter().map(|&b| b + 1e-9 * b.abs().max(1.0)).collect();
    let full_field: Vec<bool> = peer_keys.iter().map(|keys| keys.len() as u32 + 1 >= field).collect();
    let width = edited.len();
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
        let mut buffer: Vec<[f64; LANES]> = template.iter().map(|&v| [v; LANES]).collect();
        let in_chunk = clamps.len();
        for group in (0..in_chunk).step_by(LANES) {
            let real = (in_chunk - group).min(LANES);
            for &d in &moving_nodes {
                buffer[d] = [supplied[d]; LANES];
            }
            // Each edited column across the lanes, its op chosen once per group, not once per value.
            let rows: [usize; LANES] = std::array::from_fn(|l| (first + group + l.min(real - 1)) * width);
            let mut clamped_lanes = [false; LANES];
            for j in 0..width {
                let v: [f64; LANES] = std::array::from_fn(|l| values[rows[l] + j]);
                let (c, top) = (current[j], maximum[j]);
                let x = match ops[j] {
                    Op::Set => v,
                    Op::Add => v.map(|v| c + v),
                    Op::Headroom => v.map(|v| c + v * (top - c)),
                    Op::ToMax => [top; LANES],
                    Op::BestGap => v.map(|v| c + v * (field_best[j] - c).max(0.0)),
                    Op::ToBest => [c.max(field_best[j]); LANES],
                    Op::Percentile => v.map(|v| c.max(percentile_sorted(&fields[j], v))),
                };
                let (lo, hi) = scale[j];
                let edited_node = &mut buffer[edited[j]];
                for l in 0..LANES {
                    let outside = x[l] < lo || x[l] > hi;
                    clamped_lanes[l] |= outside;
                    edited_node[l] = if outside { x[l].clamp(lo, hi) } else { x[l] };
                }
            }
            for l in 0..real {
                clamps[group + l] |= clamped_lanes[l];
            }
            plan.evaluate_steps_keeping_lanes(&moving_steps, &mut buffer, renormalise, &keep);
            for l in 0..real {
                let t = group + l;
                for &a in &shifted {
                    buffer[a][l] = supplied[a] + (buffer[a][l] - before[a]);
                }
                for (j, &i) in out_nodes.iter().enumerate() {
                    let v = buffer[i][l];
                    let o = t * k_out + j;
                    vals[o] = v;
                    beyond[o] = v > beyond_at[j];
                    if !v.is_nan() {
                        let r = peer_keys[j].rank_count(v) as u32 + 1;
                        within[o] = r;
                        if full_field[j] {
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
        province_code: me.code.clone(),
        province: me.name_vi.clone(),
        year,
        nodes: out_nodes.iter().map(|&i| m.nodes[i].path.clone()).collect(),
        scenarios: count,
        values: out_values,
        ranks: out_ranks,
        ranks_within: out_within,
        base_values: out_nodes.iter().map(|&i| scores.value(k, i).unwrap_or(f64::NAN)).collect(),
        base_ranks: out_nodes.iter().map(|&i| scores.rank_of(k, i).0.unwrap_or(0)).collect(),
        n_ranked: out_nodes
            .iter()
            .zip(&peer_keys)
            .map(|(&i, keys)| keys.len() as u32 + u32::from(scores.value(k, i).is_some()))
            .collect(),
        clamped,
        best,
        beyond_best: beyond,
        peers: peers_label,
    })
}

/// Linear percentile (0–100) of ascending values, as [`super::percentile`], without re-sorting per scenario.
pub(super) fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * (q / 100.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The branch-free range check of every value accepts exactly what the refusal messages accept: every op, on
    /// values at, next to and beyond each range's ends, zeros of both signs, the extremes, infinities and NaN.
    #[test]
    fn accepted_ranges_are_the_refusals() {
        let mut values = vec![f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN, 0.0, -0.0, 0.5, 50.0];
        for edge in [0.0, 1.0, 100.0] {
            values.extend([edge, f64::next_up(edge), f64::next_down(edge)]);
        }
        for op in [Op::Set, Op::Add, Op::Headroom, Op::ToMax, Op::BestGap, Op::ToBest, Op::Percentile] {
            for &v in &values {
                let accepted = op.accepted().is_none_or(|(lo, hi)| lo <= v && v <= hi);
                assert_eq!(accepted, op.refusal(v).is_none(), "{op:?} at {v:?}");
            }
        }
    }
}

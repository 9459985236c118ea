//! What-if at scale: many scenarios for one province, each a row of values for the same edited nodes, evaluated
//! in time linear in the number of scenarios with memory bounded by the output asked for (the chosen nodes' value
//! and rank per scenario, never a full node table). Same rules as [`super::what_if_with`] — edits clamped to the
//! scale, computed nodes pinned, published totals shifted by their parts' change — and the same ranks.
//!
//! Two verbs, one file each: [`PreparedScenarios::new`] (`prepare.rs`) does everything that does not depend on
//! the scenarios' values — the province's starting buffer, what stays pinned, the steps that can move, the peers'
//! rank keys (`project/peer_keys.rs`: the peers do not move between scenarios) — and
//! [`PreparedScenarios::evaluate`] (`evaluate.rs`) runs the scenarios in chunks on every core, eight side by side
//! in reused buffers, re-evaluating only the edited nodes' ancestors. A preparation serves any number of
//! evaluations: the Python binding keeps the last one on the `Scores` object for the next call with the same
//! arguments.

mod evaluate;
mod prepare;

use super::peer_keys::DescendingKeys;
use super::{Adjustment, Peers, PeersUsed};
use crate::engine::{Plan, Scores};
use crate::error::Result;

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

/// A what-if over many scenarios of one province, prepared once ([`PreparedScenarios::new`]) and evaluated for
/// any number of value tables ([`PreparedScenarios::evaluate`]): every scenario sets the same `nodes` by the same
/// `ops`, and reports the same `outputs` against the same peers.
///
/// ```
/// use chiso::project::scenarios::{Op, PreparedScenarios};
/// use chiso::project::Peers;
/// use chiso::{datasets, score, EditionChoice, ScoreOptions};
/// let rows = datasets::pci().unwrap();
/// let s = score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap();
/// let prepared = PreparedScenarios::new(&s, 2016, "Trà Vinh", &["transparency".into()], &[Op::Add], &["".into()], &Peers::Held).unwrap();
/// let (a, b) = (prepared.evaluate(&[0.0, 1.0]).unwrap(), prepared.evaluate(&[0.5]).unwrap());
/// assert_eq!((a.scenarios, b.scenarios), (2, 1));
/// assert!((b.values[0] - a.values[0] - 1.0).abs() < 1e-9); // + 0.5 point of transparency: + 1 point
/// ```
#[derive(Debug, Clone)]
pub struct PreparedScenarios {
    province_code: String,
    province: String,
    year: i32,
    plan: Plan,
    renormalise: bool,
    /// Per edited column: its node, path (for messages), op and the range of values the op accepts (lo, hi,
    /// ignored).
    edited: Vec<usize>,
    edited_paths: Vec<String>,
    ops: Vec<Op>,
    accepted: Vec<(f64, f64, bool)>,
    /// Per edited column: the province's current value, the node's maximum, the year's field (sorted, where the
    /// op measures against it), its best value, and the node's scale.
    current: Vec<f64>,
    maximum: Vec<f64>,
    fields: Vec<Vec<f64>>,
    field_best: Vec<f64>,
    scale: Vec<(f64, f64)>,
    /// The province's values as supplied, which of them stay pinned, the published totals shifted by their parts'
    /// change (with their values before the change), and the buffer every scenario starts from.
    supplied: Vec<f64>,
    keep: Vec<bool>,
    shifted: Vec<usize>,
    before: Vec<f64>,
    template: Vec<f64>,
    /// The steps that depend on an edited node, and the nodes they compute.
    moving_steps: Vec<u32>,
    moving_nodes: Vec<usize>,
    /// Per output node: its index and path, the peers' rank keys, whether the field is full (ranks over the
    /// publisher's field), the value beyond which no province has gone, and the per-node columns of the outcome.
    out_nodes: Vec<usize>,
    out_paths: Vec<String>,
    peer_keys: Vec<DescendingKeys>,
    full_field: Vec<bool>,
    beyond_at: Vec<f64>,
    base_values: Vec<f64>,
    base_ranks: Vec<u32>,
    n_ranked: Vec<u32>,
    best: Vec<f64>,
    peers: PeersUsed,
}

/// Evaluate `values.len() / nodes.len()` scenarios of `province` in data year `year`: scenario s sets column j's
/// node by `ops[j]` with `values[s · nodes.len() + j]`. `outputs` are the nodes reported ("" = the total). The
/// preparation and one evaluation ([`PreparedScenarios`]).
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
    PreparedScenarios::new(scores, year, province, nodes, ops, outputs, peers)?.evaluate(values)
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

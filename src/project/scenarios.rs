//! What-if at scale: many scenarios for one province, each a row of values for the same edited nodes, evaluated
//! in time linear in the number of scenarios with memory bounded by the output asked for (the chosen nodes' value
//! and rank per scenario, never a full node table). Scenarios are evaluated in chunks on every core; each is one
//! pass over the compiled plan in a reused buffer, and its rank is a binary search among the peers' sorted values
//! (the peers do not move between scenarios). Same rules as [`super::what_if_with`] — edits clamped to the
//! scale, computed nodes pinned, published totals shifted by their parts' change — and the same ranks.

use rayon::prelude::*;

use super::{trend, Adjustment, Peers};
use crate::engine::{MissingPolicy, Prefer, Scores};
use crate::error::{ChisoError, Result};
use crate::provinces::Registry;
use crate::text::round_to;

/// Scenarios at most per call (each output node keeps 12 bytes per scenario).
pub const MAX_SCENARIOS: usize = 100_000_000;
/// Scenarios per parallel chunk.
const CHUNK: usize = 4096;

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
    let field_at = |i: usize| -> Vec<f64> {
        let mut v: Vec<f64> = units
            .iter()
            .filter(|&&u| registry.all()[scores.units()[u].province].geography == geography)
            .filter_map(|&u| scores.value(u, i))
            .collect();
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
    // Bad values, found before any evaluation: the message names the scenario row and column.
    for (s, row) in values.chunks_exact(edited.len()).enumerate() {
        for (j, (&v, op)) in row.iter().zip(ops).enumerate() {
            let bad = match op {
                Op::ToMax | Op::ToBest => None,
                _ if !v.is_finite() => Some("not a finite number"),
                Op::Headroom if !(0.0..=1.0).contains(&v) => Some("a headroom share must be between 0 and 1"),
                Op::BestGap if !(0.0..=1.0).contains(&v) => Some("a best_gap share must be between 0 and 1"),
                Op::Percentile if !(0.0..=100.0).contains(&v) => Some("a percentile must be between 0 and 100"),
                _ => None,
            };
            if let Some(why) = bad {
                return Err(ChisoError::argument(
                    "values",
                    v,
                    format!("scenario {s}, node {}: {why}", m.nodes[edited[j]].path),
                ));
            }
        }
    }

    // Peers' values at the output nodes, sorted by rank key (descending).
    let base = peer_columns(scores, year, &units, m, peers)?;
    let decimals = m.ranking.precision.unwrap_or(crate::engine::rank::UNROUNDED_DECIMALS);
    let field = scores.field_of(k).size;
    let peer_keys: Vec<Vec<f64>> = out_nodes
        .iter()
        .map(|&i| {
            let mut keys: Vec<f64> = (0..units.len())
                .filter(|&q| q != pos && !base[i][q].is_nan())
                .map(|q| round_to(base[i][q], decimals))
                .collect();
            keys.sort_unstable_by(|a, b| b.total_cmp(a));
            keys
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
    let scale: Vec<(f64, f64)> =
        edited.iter().map(|&i| m.nodes[i].scale.unwrap_or((f64::NEG_INFINITY, f64::INFINITY))).collect();

    let k_out = out_nodes.len();
    let mut out_values = vec![f64::NAN; count * k_out];
    let mut out_ranks = vec![0u32; count * k_out];
    let mut out_within = vec![0u32; count * k_out];
    let mut clamped = vec![false; count];
    let mut beyond = vec![false; count * k_out];
    let best: Vec<f64> = out_nodes.iter().map(|&i| field_at(i).last().copied().unwrap_or(f64::NAN)).collect();
    let width = edited.len();
    out_values
        .par_chunks_mut(CHUNK * k_out)
        .zip(out_ranks.par_chunks_mut(CHUNK * k_out))
        .zip(out_within.par_chunks_mut(CHUNK * k_out))
        .zip(clamped.par_chunks_mut(CHUNK))
        .zip(beyond.par_chunks_mut(CHUNK * k_out))
        .enumerate()
        .for_each(|(c, ((((vals, ranks), within), clamps), beyond))| {
            let mut buffer = supplied.clone();
            for (t, clamp) in clamps.iter_mut().enumerate() {
                let s = c * CHUNK + t;
                buffer.copy_from_slice(&supplied);
                for j in 0..width {
                    let v = values[s * width + j];
                    let mut x = match ops[j].change(v) {
                        Adjustment::Set(v) => v,
                        Adjustment::Add(d) => current[j] + d,
                        Adjustment::Headroom(share) => current[j] + share * (maximum[j] - current[j]),
                        Adjustment::ToMax => maximum[j],
                        Adjustment::BestGap(share) => {
                            let best = fields[j].last().copied().unwrap_or(f64::NAN);
                            current[j] + share * (best - current[j]).max(0.0)
                        }
                        Adjustment::ToBest => current[j].max(fields[j].last().copied().unwrap_or(f64::NAN)),
                        Adjustment::Percentile(q) => current[j].max(percentile_sorted(&fields[j], q)),
                    };
                    let (lo, hi) = scale[j];
                    if x < lo || x > hi {
                        x = x.clamp(lo, hi);
                        *clamp = true;
                    }
                    buffer[edited[j]] = x;
                }
                plan.evaluate_keeping(&mut buffer, renormalise, &keep);
                for &a in &shifted {
                    buffer[a] = supplied[a] + (buffer[a] - before[a]);
                }
                for (j, &i) in out_nodes.iter().enumerate() {
                    let v = buffer[i];
                    vals[t * k_out + j] = v;
                    beyond[t * k_out + j] = v > best[j] + 1e-9 * best[j].abs().max(1.0);
                    if !v.is_nan() {
                        let key = round_to(v, decimals);
                        let keys = &peer_keys[j];
                        let r = keys.partition_point(|&p| p > key) as u32 + 1;
                        within[t * k_out + j] = r;
                        if keys.len() as u32 + 1 >= field {
                            ranks[t * k_out + j] = r;
                        }
                    }
                }
            }
        });
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
        peers: super::PeersUsed::of(peers),
    })
}

/// Linear percentile (0–100) of ascending values, as [`super::percentile`], without re-sorting per scenario.
fn percentile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * (q / 100.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Per node, every unit's value in `year` as the peers stand: held, moved by their trend, or the user's values.
fn peer_columns(
    scores: &Scores,
    year: i32,
    units: &[usize],
    m: &crate::methodology::Methodology,
    peers: &Peers,
) -> Result<Vec<Vec<f64>>> {
    let registry = Registry::get();
    let n = m.nodes.len();
    let mut base: Vec<Vec<f64>> =
        (0..n).map(|i| units.iter().map(|&k| scores.value(k, i).unwrap_or(f64::NAN)).collect()).collect();
    match peers {
        Peers::Held => {}
        Peers::Given(cells) => {
            for (province, node, value) in cells {
                let p = registry.find_for_year(province, year)?;
                let pos = units
                    .iter()
                    .position(|&k| registry.all()[scores.units()[k].province].code == p.code)
                    .ok_or_else(|| ChisoError::argument("peer_values", province, format!("no scores in {year}")))?;
                let i = m.find(node).ok_or_else(|| {
                    ChisoError::argument("peer_values", node, format!("no such node in edition {}", m.code))
                })?;
                if !value.is_finite() {
                    return Err(ChisoError::NonFinite {
                        province: p.name_vi.clone(),
                        year,
                        node: node.clone(),
                        value: *value,
                    });
                }
                base[i][pos] = *value;
            }
        }
        Peers::Trend { target_year, options } => {
            for (pos, &k) in units.iter().enumerate() {
                let code = &registry.all()[scores.units()[k].province].code;
                for (i, node) in m.nodes.iter().enumerate() {
                    if let Ok(t) = trend::trend(scores, code, &node.code, *target_year, options) {
                        base[i][pos] = t.linear;
                    }
                }
            }
        }
    }
    Ok(base)
}

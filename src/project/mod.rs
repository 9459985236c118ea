//! Projections (README §1.8): what-if scoring — change some provinces' node values, re-aggregate with the
//! edition's rules and re-rank against the other provinces. Everything here is DERIVED and labelled projected.
//!
//! Scenarios are evaluated on the compiled plan: each scenario copies the changed provinces' input buffers,
//! applies its edits, evaluates them, and re-ranks each node against the other provinces held at their base
//! values — no frames are rebuilt, so thousands of scenarios per call are cheap.

pub mod calibrate;
pub mod plans;
pub mod target;
pub mod trend;

use std::collections::BTreeMap;

use crate::engine::{competition_ranks, MissingPolicy, Prefer, Scores};
use crate::error::{ChisoError, Result};
use crate::provinces::Registry;

/// How a what-if edit changes a node's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// Set the value.
    Set(f64),
    /// Add a delta (in the node's own unit).
    Add(f64),
    /// Close this share (0–1) of the remaining headroom, max − value.
    Headroom(f64),
    /// Reach the node's maximum.
    ToMax,
}

/// One edit of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub scenario: String,
    /// Any name or code of the province.
    pub province: String,
    /// Node code or path; a computed node is pinned to its new value and its ancestors follow.
    pub node: String,
    pub change: Change,
}

/// One node of one edited province under one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Projected {
    pub scenario: String,
    pub province_code: String,
    pub province: String,
    pub year: i32,
    pub node: String,
    pub depth: usize,
    pub base_value: Option<f64>,
    pub value: Option<f64>,
    pub delta: Option<f64>,
    /// Ranks over the publisher's field: None unless the year holds all of it (issue 9 §2).
    pub base_rank: Option<u32>,
    pub rank: Option<u32>,
    /// base_rank − rank: positive = moves up.
    pub rank_change: Option<i64>,
    /// The projected rank among the provinces of this result, whatever set that is.
    pub rank_within: Option<u32>,
    pub n_ranked: u32,
    /// The edit asked for a value outside the node's scale and was clamped to it (README §1.8 guard-rail).
    pub clamped: bool,
    /// This node was edited directly (not just recomputed).
    pub edited: bool,
    /// What the other provinces did: "held" or "trend to YYYY".
    pub peers: String,
}

/// One edited province under a scenario: its value buffer, the nodes kept at their value, the nodes edited and
/// the nodes clamped to their scale.
struct Buffer {
    values: Vec<f64>,
    keep: Vec<bool>,
    edited: Vec<bool>,
    clamped: Vec<bool>,
}

/// Apply each scenario's edits to the data year `year` of `scores` and re-rank (other provinces held at their
/// values). Returns every node of every edited province, per scenario, scenarios in name order.
///
/// ```
/// use chiso::project::{what_if, Change, Edit};
/// use chiso::{datasets, score, EditionChoice, ScoreOptions};
/// let rows = datasets::pci().unwrap();
/// let s = score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap();
/// let edit = Edit { scenario: "transparency +1".into(), province: "Trà Vinh".into(), node: "transparency".into(), change: Change::Add(1.0) };
/// let out = what_if(&s, 2016, &[edit]).unwrap();
/// let total = out.iter().find(|p| p.node.is_empty()).unwrap();
/// assert!((total.delta.unwrap() - 2.0).abs() < 1e-9); // weight 20% × 10
/// ```
pub fn what_if(scores: &Scores, year: i32, edits: &[Edit]) -> Result<Vec<Projected>> {
    what_if_with(scores, year, edits, &Peers::Held)
}

/// What the other provinces do in the projection (an explicit choice, recorded in the output).
#[derive(Debug, Clone, PartialEq)]
pub enum Peers {
    /// Held at their values of the base year.
    Held,
    /// Moved to their own linear trend at `target_year` at every node ([`trend::trend`]); a node whose series
    /// cannot be projected is held.
    Trend { target_year: i32, options: trend::TrendOptions },
    /// The user's values for the other provinces: (province, node, value); unnamed cells are held. A value
    /// replaces that node only (a peer's total is not recomputed from changed parts: give the totals you rank on).
    Given(Vec<(String, String, f64)>),
}

/// [`what_if`] with a choice of what the other provinces do.
pub fn what_if_with(scores: &Scores, year: i32, edits: &[Edit], peers: &Peers) -> Result<Vec<Projected>> {
    if edits.len() > crate::limits::MAX_EDITS {
        return Err(ChisoError::InvalidArgument(format!(
            "{} edits; a what-if call takes at most {}",
            edits.len(),
            crate::limits::MAX_EDITS
        )));
    }
    let units: Vec<usize> = (0..scores.units().len()).filter(|&k| scores.units()[k].year == year).collect();
    let Some(&first) = units.first() else {
        return Err(ChisoError::InvalidArgument(format!("no scores for data year {year} to project from")));
    };
    let e = scores.units()[first].edition;
    if units.iter().any(|&k| scores.units()[k].edition != e) {
        return Err(ChisoError::InvalidArgument(format!("data year {year} mixes editions")));
    }
    let m = scores.edition(e);
    let plan = scores.plan(e);
    let n = m.nodes.len();
    let registry = Registry::get();
    let options = scores.options();
    let renormalise = options.missing == MissingPolicy::Renormalise;

    // Base columns per node across the year's units (for re-ranking), and each unit's position.
    let mut base: Vec<Vec<f64>> =
        (0..n).map(|i| units.iter().map(|&k| scores.value(k, i).unwrap_or(f64::NAN)).collect()).collect();
    if let Peers::Given(cells) = peers {
        for (province, node, value) in cells {
            let p = registry.find_for_year(province, year)?;
            let pos = units
                .iter()
                .position(|&k| registry.all()[scores.units()[k].province].code == p.code)
                .ok_or_else(|| ChisoError::InvalidArgument(format!("peers: {} has no scores in {year}", p.name_vi)))?;
            let i = m.find(node).ok_or_else(|| {
                ChisoError::InvalidArgument(format!("peers: node {node:?} is not in edition {}", m.code))
            })?;
            if !value.is_finite() {
                return Err(ChisoError::NonFinite {
                    province: p.name_vi.clone(),
                    year,
                    node: node.clone(),
                    value: *value,
                });
            }
            // A peer's value is data like any other: inside the node's scale or maximum.
            let n = &m.nodes[i];
            let (lo, hi) = n.scale.unwrap_or((0.0, n.max_points.unwrap_or(f64::INFINITY)));
            let slack = n.scale_slack();
            if *value < lo - slack || *value > hi + slack {
                return Err(ChisoError::OutOfScale {
                    province: p.name_vi.clone(),
                    year,
                    node: n.code.clone(),
                    value: *value,
                    min: lo,
                    max: hi,
                });
            }
            base[i][pos] = *value;
        }
    }
    if let Peers::Trend { target_year, options } = peers {
        for (pos, &k) in units.iter().enumerate() {
            let code = &registry.all()[scores.units()[k].province].code;
            for (i, node) in m.nodes.iter().enumerate() {
                if let Ok(t) = trend::trend(scores, code, &node.code, *target_year, options) {
                    base[i][pos] = t.linear;
                }
            }
        }
    }
    let position_of = |province: usize| units.iter().position(|&k| scores.units()[k].province == province);

    let peers_label = match peers {
        Peers::Held => "held".to_string(),
        Peers::Trend { target_year, .. } => format!("trend to {target_year}"),
        Peers::Given(cells) => format!("user values ({} cells)", cells.len()),
    };
    let mut by_scenario: BTreeMap<&str, Vec<&Edit>> = BTreeMap::new();
    for edit in edits {
        by_scenario.entry(edit.scenario.as_str()).or_default().push(edit);
    }
    if by_scenario.len() > crate::limits::MAX_SCENARIOS {
        return Err(ChisoError::InvalidArgument(format!(
            "{} scenarios; a what-if call takes at most {}",
            by_scenario.len(),
            crate::limits::MAX_SCENARIOS
        )));
    }
    let mut out = Vec::new();
    for (scenario, list) in by_scenario {
        // Edited provinces: position → (values, keep mask, edited nodes, clamped nodes).
        let mut edited: BTreeMap<usize, Buffer> = BTreeMap::new();
        // Each (province, node) is edited once per scenario: two edits of one node would leave only the last.
        let mut seen: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for (row, edit) in list.iter().enumerate() {
            let province = registry.find_for_year(&edit.province, year)?;
            let p = registry.index_of(&province.code).unwrap_or(0);
            let pos = position_of(p).ok_or_else(|| {
                ChisoError::InvalidArgument(format!(
                    "scenario {scenario:?}: {} has no scores in {year} to change",
                    province.name_vi
                ))
            })?;
            let k = units[pos];
            let i = m.find(&edit.node).ok_or_else(|| {
                ChisoError::InvalidArgument(format!(
                    "scenario {scenario:?}: node {:?} is not in edition {}",
                    edit.node, m.code
                ))
            })?;
            if let Some(first) = seen.insert((pos, i), row) {
                return Err(ChisoError::InvalidArgument(format!(
                    "scenario {scenario:?}: {} at {} is edited twice (edits {first} and {row} of the scenario); \
                     give one edit per node",
                    province.name_vi, m.nodes[i].code
                )));
            }
            let entry = edited.entry(pos).or_insert_with(|| {
                // Start from what was supplied; the replay recomputes everything else as the base did.
                let values: Vec<f64> = (0..n).map(|j| scores.supplied_value(k, j).unwrap_or(f64::NAN)).collect();
                let keep: Vec<bool> =
                    (0..n).map(|j| options.prefer == Prefer::Published && !values[j].is_nan()).collect();
                Buffer { values, keep, edited: vec![false; n], clamped: vec![false; n] }
            });
            let node = &m.nodes[i];
            let current = scores.value(k, i);
            let max = node.max_value();
            let need_max = || {
                max.ok_or_else(|| ChisoError::MissingMaximum {
                    edition: m.code.clone(),
                    node: node.code.clone(),
                    path: node.path.clone(),
                    purpose: "to close headroom or reach the maximum".into(),
                })
            };
            let need_current = || {
                current.ok_or_else(|| {
                    ChisoError::InvalidArgument(format!(
                        "scenario {scenario:?}: {} has no value at {} in {year} to change relatively",
                        province.name_vi, node.code
                    ))
                })
            };
            let mut value = match edit.change {
                Change::Set(v) => v,
                Change::Add(d) => need_current()? + d,
                Change::Headroom(s) => {
                    if !(0.0..=1.0).contains(&s) {
                        return Err(ChisoError::InvalidArgument(format!(
                            "scenario {scenario:?}: headroom share {s} must be between 0 and 1"
                        )));
                    }
                    let c = need_current()?;
                    c + s * (need_max()? - c)
                }
                Change::ToMax => need_max()?,
            };
            if !value.is_finite() {
                return Err(ChisoError::NonFinite {
                    province: province.name_vi.clone(),
                    year,
                    node: node.code.clone(),
                    value,
                });
            }
            if let Some((lo, hi)) = node.scale {
                if value < lo || value > hi {
                    value = value.clamp(lo, hi);
                    entry.clamped[i] = true;
                }
            }
            entry.values[i] = value;
            entry.keep[i] = true; // pinned: a computed node keeps the edited value
            entry.edited[i] = true;
        }
        let mut columns = base.clone();
        let mut results: Vec<(usize, Buffer)> = Vec::new();
        for (pos, buffer) in edited {
            let Buffer { mut values, mut keep, edited: was_edited, clamped } = buffer;
            // A published total kept over its recomputation (prefer="published", e.g. VCCI's 2011 composites) takes
            // the change its parts make under the edition's rule: published + (rule after − rule before). A zero
            // change leaves it exactly as published.
            let mut shifted = Vec::new();
            for i in (0..n).filter(|&i| was_edited[i]) {
                let mut up = m.nodes[i].parent;
                while let Some(a) = up {
                    if !was_edited[a] && keep[a] {
                        keep[a] = false;
                        shifted.push(a);
                    }
                    up = m.nodes[a].parent;
                }
            }
            let published: Vec<f64> = values.clone();
            let mut before = Vec::new();
            if !shifted.is_empty() {
                let k = units[pos];
                before = (0..n).map(|j| scores.supplied_value(k, j).unwrap_or(f64::NAN)).collect();
                let mut keep_before = keep.clone();
                for i in (0..n).filter(|&i| was_edited[i]) {
                    keep_before[i] = options.prefer == Prefer::Published && !before[i].is_nan();
                }
                plan.evaluate_keeping(&mut before, renormalise, &keep_before);
            }
            plan.evaluate_keeping(&mut values, renormalise, &keep);
            for &a in &shifted {
                values[a] = scores.supplied_value(units[pos], a).unwrap_or(published[a]) + (values[a] - before[a]);
            }
            let who = &registry.all()[scores.units()[units[pos]].province].name_vi;
            crate::engine::check_computed(m, &values, |i| !was_edited[i] && !m.dependencies(i).is_empty(), who, year)?;
            for (i, column) in columns.iter_mut().enumerate() {
                column[pos] = values[i];
            }
            results.push((pos, Buffer { values, keep, edited: was_edited, clamped }));
        }
        let ranks: Vec<Vec<Option<u32>>> = columns.iter().map(|c| competition_ranks(c, m.ranking.precision)).collect();
        for (pos, Buffer { values, edited: was_edited, clamped, .. }) in results {
            let k = units[pos];
            let province = &registry.all()[scores.units()[k].province];
            for (i, node) in m.nodes.iter().enumerate() {
                let (base_rank, _) = scores.rank_of(k, i);
                let value = (!values[i].is_nan()).then_some(values[i]);
                let base_value = scores.value(k, i);
                let n_ranked = ranks[i].iter().filter(|r| r.is_some()).count() as u32;
                let rank_within = ranks[i][pos];
                // A rank only over the publisher's full field; within a partial one only `rank_within`.
                let rank = rank_within.filter(|_| n_ranked >= scores.field_of(k).size);
                out.push(Projected {
                    scenario: scenario.to_string(),
                    province_code: province.code.clone(),
                    province: province.name_vi.clone(),
                    year,
                    node: node.path.clone(),
                    depth: node.depth,
                    base_value,
                    value,
                    delta: base_value.zip(value).map(|(a, b)| b - a),
                    base_rank,
                    rank,
                    rank_change: base_rank.zip(rank).map(|(a, b)| a as i64 - b as i64),
                    rank_within,
                    n_ranked,
                    clamped: clamped[i],
                    edited: was_edited[i],
                    peers: peers_label.clone(),
                });
            }
        }
    }
    Ok(out)
}

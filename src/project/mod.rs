//! Projections (README §1.8): what-if scoring — change some provinces' node values, re-aggregate with the
//! edition's rules and re-rank against the other provinces. Everything here is DERIVED and labelled projected.
//!
//! Scenarios are evaluated on the compiled plan: each scenario copies the changed provinces' input buffers,
//! applies its edits, evaluates them, and re-ranks each node against the other provinces held at their base
//! values — no frames are rebuilt, so thousands of scenarios per call are cheap.

pub mod calibrate;
mod peer_keys;
mod peers;
pub mod plan_outcomes;
pub mod plans;
pub mod scenarios;
pub mod target;
pub mod trend;

use std::collections::BTreeMap;

use crate::compare::MergeRule;
use crate::engine::{competition_ranks, MissingPolicy, Prefer, Scores};
use crate::error::{ChisoError, Result};
use crate::provinces::{Geography, Registry};
use crate::text::round_to;
use scenarios::Op;

/// How a what-if edit changes a node's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Adjustment {
    /// Set the value.
    Set(f64),
    /// Add a delta (in the node's own unit).
    Add(f64),
    /// Close this share (0–1) of the remaining headroom, max − value.
    Headroom(f64),
    /// Reach the node's maximum.
    ToMax,
    /// Close this share (0–1) of the gap to the year's best province at the node, best − value (no change for a
    /// province already at or above the best).
    BestGap(f64),
    /// Reach the year's best observed value at the node (no change for the best province itself).
    ToBest,
    /// Reach this percentile (0–100) of the year's field at the node: the provinces of the edited province's map
    /// with a value, linear interpolation between order statistics (numpy's default). A province already above
    /// it keeps its value.
    Percentile(f64),
}

impl Adjustment {
    /// The op names of the Python API and plan files, in documentation order.
    pub const OPS: [&'static str; 7] = ["set", "add", "headroom", "max", "best_gap", "best", "percentile"];

    /// A change from its op and value (`max` and `best` take none and ignore one). An op that needs a value and
    /// has none is a [`ChisoError::Argument`] naming the op; read the op's name with `str::parse::<Op>()`.
    ///
    /// ```
    /// use chiso::project::{scenarios::Op, Adjustment};
    /// let op: Op = "best_gap".parse().unwrap();
    /// assert_eq!(Adjustment::from_op(op, Some(0.5)).unwrap(), Adjustment::BestGap(0.5));
    /// assert!(Adjustment::from_op(op, None).is_err());
    /// ```
    pub fn from_op(op: Op, value: Option<f64>) -> Result<Adjustment> {
        match (op, value) {
            (Op::ToMax, _) => Ok(Adjustment::ToMax),
            (Op::ToBest, _) => Ok(Adjustment::ToBest),
            (op, Some(v)) => Ok(op.change(v)),
            (op, None) => {
                Err(ChisoError::argument("value", "none", format!("op {op:?} needs a value", op = op.as_str())))
            }
        }
    }

    /// The op of this change (its name in frames and plan files).
    pub fn op(&self) -> Op {
        match self {
            Adjustment::Set(_) => Op::Set,
            Adjustment::Add(_) => Op::Add,
            Adjustment::Headroom(_) => Op::Headroom,
            Adjustment::ToMax => Op::ToMax,
            Adjustment::BestGap(_) => Op::BestGap,
            Adjustment::ToBest => Op::ToBest,
            Adjustment::Percentile(_) => Op::Percentile,
        }
    }

    /// The value of this change (None for `max` and `best`, which take none).
    pub fn value(&self) -> Option<f64> {
        match *self {
            Adjustment::Set(v)
            | Adjustment::Add(v)
            | Adjustment::Headroom(v)
            | Adjustment::BestGap(v)
            | Adjustment::Percentile(v) => Some(v),
            Adjustment::ToMax | Adjustment::ToBest => None,
        }
    }
}

/// The `p`-th percentile (0–100) of `values` by linear interpolation between order statistics (numpy's default,
/// Hyndman–Fan type 7). None for no values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let h = (v.len() - 1) as f64 * (p / 100.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    // The two order statistics without a sort (a simulation asks for several percentiles of 10⁴–10⁶ values):
    // the lo-th by selection, the next one as the smallest of what lies above it.
    let (_, &mut low, above) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let high = if hi == lo { low } else { above.iter().copied().fold(f64::INFINITY, f64::min) };
    Some(low + (h - lo as f64) * (high - low))
}

/// One edit of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// Name of the scenario.
    pub scenario: String,
    /// Any name or code of the province.
    pub province: String,
    /// Node code or path; a computed node is pinned to its new value and its ancestors follow.
    pub node: String,
    /// How the value changes.
    pub change: Adjustment,
}

/// One node of one edited province under one scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Projected {
    /// Name of the scenario.
    pub scenario: String,
    /// GSO code of the province (or 2025 unit).
    pub province_code: String,
    /// Vietnamese name of the province, with diacritics.
    pub province: String,
    /// Data year.
    pub year: i32,
    /// Node path below the edition root ("" for the total).
    pub node: String,
    /// Depth in the tree (0 = total).
    pub depth: usize,
    /// The value in the base year.
    pub base_value: Option<f64>,
    /// The projected value.
    pub value: Option<f64>,
    /// value − base value.
    pub delta: Option<f64>,
    /// Rank in the base year, over the publisher's field: None unless the year holds all of it (issue 9 §2).
    pub base_rank: Option<u32>,
    /// The projected rank.
    pub rank: Option<u32>,
    /// base_rank − rank: positive = moves up.
    pub rank_change: Option<i64>,
    /// The projected rank among the provinces of this result, whatever set that is.
    pub rank_within: Option<u32>,
    /// Number of provinces ranked at this node and year.
    pub n_ranked: u32,
    /// The edit asked for a value outside the node's scale and was clamped to it (README §1.8 guard-rail).
    pub clamped: bool,
    /// The year's best observed value at the node among the provinces of the same map (None without values).
    pub best: Option<f64>,
    /// The projected value is above `best`: a value no province reached that year (issue 9 §5).
    pub beyond_best: bool,
    /// This node was edited directly (not just recomputed).
    pub edited: bool,
    /// What the other provinces did (in frames: `held`, `trend to YYYY`, `user values (n cells)`).
    pub peers: PeersUsed,
    /// The year projected: `year` for held or given peers, the trend's target year for moved peers.
    pub target_year: i32,
    /// The edition that scores `target_year` and how chiso knows it (in force / assumed to continue).
    pub edition: String,
    /// Whether the target year's edition is in force, assumed or chosen.
    pub edition_status: trend::EditionStatus,
    /// The map: the 63 provinces (a counterfactual after the merger) or the 34 units through a merge rule.
    pub map: trend::MapUsed,
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
/// use chiso::project::{what_if, Adjustment, Edit};
/// use chiso::{datasets, score, EditionChoice, ScoreOptions};
/// let rows = datasets::pci().unwrap();
/// let s = score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap();
/// let edit = Edit { scenario: "transparency +1".into(), province: "Trà Vinh".into(), node: "transparency".into(), change: Adjustment::Add(1.0) };
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
    Trend {
        /// The year the peers are moved to.
        target_year: i32,
        /// How their trends are fitted.
        options: trend::TrendOptions,
    },
    /// The user's values for the other provinces: (province, node, value); unnamed cells are held. A value
    /// replaces that node only (a peer's total is not recomputed from changed parts: give the totals you rank on).
    Given(Vec<(String, String, f64)>),
}

/// What the other provinces did in a projection: the label of a [`Peers`] choice, with what happened to it. It
/// reads and writes (and serialises) as the text of the `peers` column: `held`, `trend to 2026`,
/// `trend to 2026 (3 of 63 held: no trend)`, `user values (12 cells)`.
///
/// ```
/// use chiso::project::PeersUsed;
/// let used: PeersUsed = "trend to 2026 (3 of 63 held: no trend)".parse().unwrap();
/// assert_eq!(used, PeersUsed::Trend { target_year: 2026, held: 3, of: 63 });
/// assert_eq!(PeersUsed::Given { cells: 12 }.to_string(), "user values (12 cells)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeersUsed {
    /// Held at their values of the base year.
    Held,
    /// Moved by their own trend to `target_year`.
    Trend {
        /// The year the peers were moved to.
        target_year: i32,
        /// How many of them had no trend for the total and were held (0 when every one had one, or when not
        /// counted).
        held: u32,
        /// Out of how many provinces (0 when `held` is 0).
        of: u32,
    },
    /// The user's values for some cells (province, node) of the other provinces.
    Given {
        /// Number of cells given.
        cells: usize,
    },
}

impl PeersUsed {
    /// The label of a choice before any peer is found without a trend.
    pub fn of(peers: &Peers) -> PeersUsed {
        match peers {
            Peers::Held => PeersUsed::Held,
            Peers::Trend { target_year, .. } => PeersUsed::Trend { target_year: *target_year, held: 0, of: 0 },
            Peers::Given(cells) => PeersUsed::Given { cells: cells.len() },
        }
    }
}

impl std::fmt::Display for PeersUsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PeersUsed::Held => f.write_str("held"),
            PeersUsed::Trend { target_year, held: 0, .. } => write!(f, "trend to {target_year}"),
            PeersUsed::Trend { target_year, held, of } => {
                write!(f, "trend to {target_year} ({held} of {of} held: no trend)")
            }
            PeersUsed::Given { cells } => write!(f, "user values ({cells} cells)"),
        }
    }
}

impl std::str::FromStr for PeersUsed {
    type Err = ChisoError;

    fn from_str(s: &str) -> Result<PeersUsed> {
        let fail = || ChisoError::UnknownValue {
            what: "peers label".into(),
            value: s.into(),
            expected: ["held", "trend to YYYY", "trend to YYYY (h of n held: no trend)", "user values (n cells)"]
                .map(String::from)
                .to_vec(),
        };
        if s == "held" {
            return Ok(PeersUsed::Held);
        }
        if let Some(rest) = s.strip_prefix("user values (").and_then(|r| r.strip_suffix(" cells)")) {
            return rest.parse().map(|cells| PeersUsed::Given { cells }).map_err(|_| fail());
        }
        let rest = s.strip_prefix("trend to ").ok_or_else(fail)?;
        let (year, counts) = match rest.split_once(" (") {
            None => (rest, None),
            Some((year, counts)) => (year, Some(counts.strip_suffix(" held: no trend)").ok_or_else(fail)?)),
        };
        let target_year = year.parse().map_err(|_| fail())?;
        let (held, of) = match counts {
            None => (0, 0),
            Some(counts) => {
                let (held, of) = counts.split_once(" of ").ok_or_else(fail)?;
                (held.parse().map_err(|_| fail())?, of.parse().map_err(|_| fail())?)
            }
        };
        if held == 0 && of != 0 {
            return Err(fail()); // "(0 of n held)" is written "trend to YYYY"
        }
        Ok(PeersUsed::Trend { target_year, held, of })
    }
}

impl serde::Serialize for PeersUsed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The published totals above edited nodes that follow their parts' change (`prefer = "published"`, e.g. VCCI's
/// 2011 composites): every pinned, unedited ancestor of an edited node is unpinned in `keep` and listed once, in
/// node order; with them, the province's values evaluated before the change (`supplied`, the edited nodes at their
/// own published values), against which the change is measured (empty when no total is shifted). A shifted total
/// is then published + (rule after − rule before), so a zero change leaves it exactly as published. Shared by
/// [`what_if_with`] and [`scenarios::PreparedScenarios`].
pub(crate) fn shifted_totals(
    m: &crate::methodology::Methodology,
    plan: &crate::engine::Plan,
    supplied: &[f64],
    is_edited: &[bool],
    keep: &mut [bool],
    options: &crate::engine::ScoreOptions,
) -> (Vec<usize>, Vec<f64>) {
    let mut shifted = Vec::new();
    for i in (0..is_edited.len()).filter(|&i| is_edited[i]) {
        let mut up = m.nodes[i].parent;
        while let Some(a) = up {
            if !is_edited[a] && keep[a] {
                keep[a] = false;
                shifted.push(a);
            }
            up = m.nodes[a].parent;
        }
    }
    if shifted.is_empty() {
        return (shifted, Vec::new());
    }
    let mut before = supplied.to_vec();
    let keep_before: Vec<bool> = (0..keep.len())
        .map(|i| if is_edited[i] { options.prefer == Prefer::Published && !before[i].is_nan() } else { keep[i] })
        .collect();
    plan.evaluate_keeping(&mut before, options.missing == MissingPolicy::Renormalise, &keep_before);
    (shifted, before)
}

/// [`what_if`] with a choice of what the other provinces do.
pub fn what_if_with(scores: &Scores, year: i32, edits: &[Edit], peers: &Peers) -> Result<Vec<Projected>> {
    what_if_on(scores, year, edits, peers, None, None)
}

/// [`what_if_with`] on a chosen map. The edits apply to the provinces of data year `year`; with `map` =
/// [`Geography::Units2025`] every node of the 34 units is then made from its member provinces by the merge rule
/// (`merge_rule`, else the index's published one — DTI's only) and ranked among the units, and the output holds the
/// successor units of the edited provinces. Otherwise (the default) the output is on the 63-province map, labelled
/// a counterfactual when the projected year is after the 2025 merger.
pub fn what_if_on(
    scores: &Scores,
    year: i32,
    edits: &[Edit],
    peers: &Peers,
    map: Option<Geography>,
    merge_rule: Option<MergeRule>,
) -> Result<Vec<Projected>> {
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

    // Base columns per node across the year's units (for re-ranking): the peers as `peers` says, at every node.
    let all_nodes: Vec<usize> = (0..n).collect();
    let peers::PeerColumns { columns: base, label: peers_label } =
        peers::peer_columns(scores, year, &units, m, peers, &all_nodes)?;
    // The year projected, its edition and the map. An edition that cannot score the target year is an error
    // here, not a silent fall-back to held peers.
    let target_year = match peers {
        Peers::Trend { target_year, .. } => *target_year,
        _ => year,
    };
    let (edition, edition_status) = match peers {
        Peers::Trend { target_year, options } => {
            options.check()?;
            trend::target_edition(&m.index, &m.code, *target_year, options)?
        }
        _ => (m.code.clone(), trend::EditionStatus::InForce),
    };
    let map = map.unwrap_or(Geography::Provinces63);
    let map_used = trend::MapUsed {
        map,
        counterfactual: map == Geography::Provinces63 && target_year >= trend::MERGER_YEAR,
        merge_rule: match map {
            Geography::Units2025 => Some(trend::merge_rule_for(&m.index, merge_rule)?),
            Geography::Provinces63 => None,
        },
    };
    // On the 34-unit map: each unit's node value from its members' by the rule (None if a member has none).
    let unit_rows: Vec<(usize, Vec<usize>)> = if map == Geography::Units2025 {
        registry
            .all()
            .iter()
            .enumerate()
            .filter(|(_, p)| p.geography == Geography::Units2025)
            .map(|(u, p)| {
                let members = p
                    .members
                    .iter()
                    .filter_map(|c| registry.index_of(c))
                    .filter_map(|q| units.iter().position(|&k| scores.units()[k].province == q))
                    .collect::<Vec<usize>>();
                (u, if members.len() == p.members.len() { members } else { Vec::new() })
            })
            .collect()
    } else {
        Vec::new()
    };
    let merge = |columns: &[Vec<f64>]| -> Vec<Vec<f64>> {
        columns
            .iter()
            .map(|c| {
                unit_rows
                    .iter()
                    .map(|(_, members)| {
                        if members.is_empty() {
                            f64::NAN
                        } else {
                            members.iter().map(|&q| c[q]).sum::<f64>() / members.len() as f64
                        }
                    })
                    .collect()
            })
            .collect()
    };
    let observed: Vec<Vec<f64>> =
        (0..n).map(|i| units.iter().map(|&k| scores.value(k, i).unwrap_or(f64::NAN)).collect()).collect();
    let unit_base = merge(&observed);
    let unit_base_ranks: Vec<Vec<Option<u32>>> =
        unit_base.iter().map(|c| competition_ranks(c, m.ranking.precision)).collect();
    let position_of = |province: usize| units.iter().position(|&k| scores.units()[k].province == province);
    // The field of a node: the observed values of the year's provinces on one map (DTI 2024 holds both maps;
    // a province is measured against its own map's field only).
    let geography_of = |k: usize| registry.all()[scores.units()[k].province].geography;
    let field = |i: usize, geography: crate::provinces::Geography| -> Vec<f64> {
        units.iter().filter(|&&k| geography_of(k) == geography).filter_map(|&k| scores.value(k, i)).collect()
    };
    let best_of = |i: usize, geography| field(i, geography).into_iter().reduce(f64::max);

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
    // Per node, fixed for every scenario: the best observed value on each map, the units' best, and the other
    // provinces' rank keys.
    let province_best: Vec<Option<f64>> = (0..n).map(|i| best_of(i, Geography::Provinces63)).collect();
    let unit_map_best: Vec<Option<f64>> = (0..n).map(|i| best_of(i, Geography::Units2025)).collect();
    let unit_best: Vec<Option<f64>> =
        unit_base.iter().map(|c| c.iter().copied().filter(|v| !v.is_nan()).reduce(f64::max)).collect();
    let decimals = m.ranking.precision.unwrap_or(crate::engine::rank::UNROUNDED_DECIMALS);
    let peer_keys: Vec<Vec<f64>> = base.iter().map(|c| c.iter().map(|&v| round_to(v, decimals)).collect()).collect();
    // One output row: a node of a province (or unit) under a scenario.
    #[allow(clippy::too_many_arguments)]
    let row = |scenario: &str,
               place: &crate::provinces::Province,
               i: usize,
               base_value: Option<f64>,
               value: Option<f64>,
               base_rank: Option<u32>,
               (rank_within, rank, n_ranked): (Option<u32>, Option<u32>, u32),
               best: Option<f64>,
               clamped: bool,
               edited: bool| Projected {
        scenario: scenario.to_string(),
        province_code: place.code.clone(),
        province: place.name_vi.clone(),
        year,
        node: m.nodes[i].path.clone(),
        depth: m.nodes[i].depth,
        base_value,
        value,
        delta: base_value.zip(value).map(|(a, b)| b - a),
        base_rank,
        rank,
        rank_change: base_rank.zip(rank).map(|(a, b)| a as i64 - b as i64),
        rank_within,
        n_ranked,
        clamped,
        best,
        // A tolerance of the node's rounding noise: reaching the best exactly is not beyond it.
        beyond_best: best.zip(value).is_some_and(|(b, v)| v > b + 1e-9 * b.abs().max(1.0)),
        edited,
        peers: peers_label,
        target_year,
        edition: edition.clone(),
        edition_status,
        map: map_used.clone(),
    };
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
                Adjustment::Set(v) => v,
                Adjustment::Add(d) => need_current()? + d,
                Adjustment::Headroom(s) => {
                    if !(0.0..=1.0).contains(&s) {
                        return Err(ChisoError::InvalidArgument(format!(
                            "scenario {scenario:?}: headroom share {s} must be between 0 and 1"
                        )));
                    }
                    let c = need_current()?;
                    c + s * (need_max()? - c)
                }
                Adjustment::ToMax => need_max()?,
                Adjustment::BestGap(_) | Adjustment::ToBest | Adjustment::Percentile(_) => {
                    let c = need_current()?;
                    let geography = geography_of(k);
                    let no_field = || {
                        ChisoError::InvalidArgument(format!(
                            "scenario {scenario:?}: no province has a value at {} in {year} to measure against",
                            node.code
                        ))
                    };
                    match edit.change {
                        Adjustment::BestGap(s) => {
                            if !(0.0..=1.0).contains(&s) {
                                return Err(ChisoError::InvalidArgument(format!(
                                    "scenario {scenario:?}: best_gap share {s} must be between 0 and 1"
                                )));
                            }
                            let best = best_of(i, geography).ok_or_else(no_field)?;
                            c + s * (best - c).max(0.0)
                        }
                        Adjustment::Percentile(q) => {
                            if !(0.0..=100.0).contains(&q) {
                                return Err(ChisoError::InvalidArgument(format!(
                                    "scenario {scenario:?}: percentile {q} must be between 0 and 100"
                                )));
                            }
                            c.max(percentile(&field(i, geography), q).ok_or_else(no_field)?)
                        }
                        _ => c.max(best_of(i, geography).ok_or_else(no_field)?),
                    }
                }
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
        let mut results: Vec<(usize, Buffer)> = Vec::new();
        for (pos, buffer) in edited {
            let Buffer { mut values, mut keep, edited: was_edited, clamped } = buffer;
            let supplied: Vec<f64> = (0..n).map(|j| scores.supplied_value(units[pos], j).unwrap_or(f64::NAN)).collect();
            let (shifted, before) = shifted_totals(m, plan, &supplied, &was_edited, &mut keep, options);
            let published: Vec<f64> = values.clone();
            plan.evaluate_keeping(&mut values, renormalise, &keep);
            for &a in &shifted {
                values[a] = scores.supplied_value(units[pos], a).unwrap_or(published[a]) + (values[a] - before[a]);
            }
            let who = &registry.all()[scores.units()[units[pos]].province].name_vi;
            crate::engine::check_computed(m, &values, |i| !was_edited[i] && !m.dependencies(i).is_empty(), who, year)?;
            results.push((pos, Buffer { values, keep, edited: was_edited, clamped }));
        }
        if map == Geography::Units2025 {
            let mut columns = base.clone();
            for (pos, buffer) in &results {
                for (i, column) in columns.iter_mut().enumerate() {
                    column[*pos] = buffer.values[i];
                }
            }
            let merged = merge(&columns);
            let ranks: Vec<Vec<Option<u32>>> =
                merged.iter().map(|c| competition_ranks(c, m.ranking.precision)).collect();
            // The successor units of the edited provinces, once each.
            let mut touched: BTreeMap<usize, Vec<&Buffer>> = BTreeMap::new();
            for (pos, buffer) in &results {
                let q = scores.units()[units[*pos]].province;
                let code = &registry.all()[q].code;
                let Some(j) = unit_rows.iter().position(|(u, _)| registry.all()[*u].members.contains(code)) else {
                    continue;
                };
                touched.entry(j).or_default().push(buffer);
            }
            for (j, buffers) in touched {
                let unit = &registry.all()[unit_rows[j].0];
                for i in 0..n {
                    let value = (!merged[i][j].is_nan()).then_some(merged[i][j]);
                    let base_value = (!unit_base[i][j].is_nan()).then_some(unit_base[i][j]);
                    // A rank only when every unit of the map is ranked (the field of the 34); else `rank_within`.
                    let n_ranked = ranks[i].iter().filter(|r| r.is_some()).count() as u32;
                    let full = n_ranked as usize == unit_rows.len();
                    let base_full = unit_base_ranks[i].iter().all(Option::is_some);
                    let rank_within = ranks[i][j];
                    out.push(row(
                        scenario,
                        unit,
                        i,
                        base_value,
                        value,
                        unit_base_ranks[i][j].filter(|_| base_full),
                        (rank_within, rank_within.filter(|_| full), n_ranked),
                        unit_best[i],
                        buffers.iter().any(|b| b.clamped[i]),
                        buffers.iter().any(|b| b.edited[i]),
                    ));
                }
            }
            continue;
        }
        // On the provinces' map only the edited provinces' ranks are reported: each is one count of the keys
        // above its own (a competition rank), the other provinces' keys rounded once for all scenarios.
        let mut result_at = vec![usize::MAX; units.len()];
        for (r, (pos, _)) in results.iter().enumerate() {
            result_at[*pos] = r;
        }
        for (pos, Buffer { values, edited: was_edited, clamped, .. }) in &results {
            let k = units[*pos];
            let province = &registry.all()[scores.units()[k].province];
            let best = if province.geography == Geography::Units2025 { &unit_map_best } else { &province_best };
            for i in 0..n {
                let key = round_to(values[i], decimals);
                let (mut above, mut n_ranked) = (0u32, 0u32);
                for (q, &base_key) in peer_keys[i].iter().enumerate() {
                    let key_q = match result_at[q] {
                        usize::MAX => base_key,
                        _ if q == *pos => key,
                        r => round_to(results[r].1.values[i], decimals),
                    };
                    if key_q.is_finite() {
                        n_ranked += 1;
                        above += u32::from(key_q > key);
                    }
                }
                let rank_within = key.is_finite().then_some(above + 1);
                // A rank only over the publisher's full field; within a partial one only `rank_within`.
                let rank = rank_within.filter(|_| n_ranked >= scores.field_of(k).size);
                let value = (!values[i].is_nan()).then_some(values[i]);
                out.push(row(
                    scenario,
                    province,
                    i,
                    scores.value(k, i),
                    value,
                    scores.rank_of(k, i).0,
                    (rank_within, rank, n_ranked),
                    best[i],
                    clamped[i],
                    was_edited[i],
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::percentile;
    use proptest::prelude::*;

    proptest! {
        /// Percentiles by selection, and the what-if's percentile of sorted values, equal interpolation on the
        /// sorted values (the definition), ties, infinities and NaN (left out) included, at every percentile.
        #[test]
        fn percentile_by_selection_is_the_sorted_definition(
            cells in proptest::collection::vec(0u32..60, 0..200),
            p in 0.0f64..=100.0,
        ) {
            let values: Vec<f64> = cells
                .iter()
                .map(|&c| match c {
                    0 => f64::NAN,
                    1 => f64::INFINITY,
                    c => f64::from(c % 17) * 0.3 - 2.0,
                })
                .collect();
            let mut sorted: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
            sorted.sort_by(f64::total_cmp);
            let expected = (!sorted.is_empty()).then(|| {
                let h = (sorted.len() - 1) as f64 * (p / 100.0);
                let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
                sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
            });
            prop_assert_eq!(percentile(&values, p).map(f64::to_bits), expected.map(f64::to_bits));
            // The what-if's percentile of values it sorted once is the same number.
            if let Some(expected) = expected {
                prop_assert_eq!(super::scenarios::percentile_sorted(&sorted, p).to_bits(), expected.to_bits());
            }
        }
    }
}

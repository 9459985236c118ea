//! Scoring: observations in, a [`Scores`] table out. Resolves provinces, editions and nodes, checks every value,
//! evaluates each province-year on its edition's [`Plan`], then ranks and groups per data year and node.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::plan::Plan;
use super::rank::{competition_ranks, quartile_group};
use crate::error::{ChisoError, Result};
use crate::methodology::{catalog, Aggregation, Methodology, Status};
use crate::provinces::Registry;
use crate::text;

/// One value of one node for one province and data year, as a user or a dataset supplies it.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Any name, alias or GSO code the registry knows.
    pub province: String,
    pub year: i32,
    /// Full code (`pci.2013/transparency`) or path below the edition root (`transparency`); "" for the total.
    pub node: String,
    pub value: f64,
}

impl Observation {
    pub fn new(province: impl Into<String>, year: i32, node: impl Into<String>, value: f64) -> Observation {
        Observation { province: province.into(), year, node: node.into(), value }
    }
}

/// Which edition scores the data.
#[derive(Debug, Clone)]
pub enum EditionChoice {
    /// An index id: each data year is scored with the edition in force that year.
    Index(String),
    /// One built-in edition code for every year.
    Edition(String),
    /// A methodology the user loaded or derived, for every year.
    Methodology(Arc<Methodology>),
}

/// What to do when a computed node has missing children (README §1.5 rule 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// The parent is missing, and the result names the missing children.
    #[default]
    Strict,
    /// Apply the rule over the present children (Σ_present w·v / Σ_present w); the output is DERIVED.
    Renormalise,
}

/// Which value a node keeps when it is both supplied and computable from complete children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// The computed value; the supplied one stays in `input` for [`Scores::compare_published`].
    #[default]
    Computed,
    /// The supplied (published) value; ancestors are computed from it.
    Published,
}

#[derive(Debug, Clone, Default)]
pub struct ScoreOptions {
    pub missing: MissingPolicy,
    pub prefer: Prefer,
}

/// Where a score comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Supplied in the input and not computable from children.
    Input,
    /// Computed from complete children by the node's rule.
    Computed,
    /// Computed over the present children only (explicit option); DERIVED.
    Renormalised,
    /// Neither supplied nor computable.
    Missing,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Input => "input",
            Origin::Computed => "computed",
            Origin::Renormalised => "renormalised",
            Origin::Missing => "missing",
        }
    }
}

/// One row of the long result: one province, data year and node.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub province_code: String,
    pub province: String,
    pub year: i32,
    pub edition: String,
    pub node: String,
    pub path: String,
    pub depth: usize,
    pub kind: String,
    pub scored: bool,
    pub score: Option<f64>,
    /// The value supplied for this node, if any (for a computed node: the published value to check against).
    pub input: Option<f64>,
    pub max: Option<f64>,
    pub origin: Origin,
    /// Provenance of the score: None for input values; for computed values the weakest status of the rules,
    /// weights and maxima used (a renormalised value is at best DERIVED).
    pub provenance: Option<Status>,
    /// Scored children with no value (why a computed node is missing or renormalised).
    pub missing_children: Vec<String>,
    pub rank: Option<u32>,
    /// Number of provinces ranked at this node and year.
    pub n_ranked: u32,
    pub rank_status: Status,
    pub group: Option<String>,
}

/// A computed node compared with the value published for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub province_code: String,
    pub province: String,
    pub year: i32,
    pub node: String,
    pub computed: f64,
    pub published: f64,
    pub difference: f64,
    pub tolerance: f64,
    pub within: bool,
}

/// The result of scoring: one row per province, data year and node, plus the editions used.
#[derive(Debug, Clone)]
pub struct Scores {
    rows: Vec<ScoreRow>,
    editions: BTreeMap<String, (Arc<Methodology>, Plan)>,
}

impl Scores {
    /// All rows: provinces in GSO order, then years, then nodes in tree order.
    pub fn rows(&self) -> &[ScoreRow] {
        &self.rows
    }

    /// The editions used, by code.
    pub fn editions(&self) -> impl Iterator<Item = &Methodology> {
        self.editions.values().map(|(m, _)| m.as_ref())
    }

    /// One row by canonical province code, year and node (full code or path).
    pub fn get(&self, province_code: &str, year: i32, node: &str) -> Option<&ScoreRow> {
        self.rows.iter().find(|r| {
            r.province_code == province_code && r.year == year && (r.node == node || r.path == node.trim_matches('/'))
        })
    }

    /// The total (root score) of a province in a year.
    pub fn total(&self, province_code: &str, year: i32) -> Option<f64> {
        self.rows.iter().find(|r| r.province_code == province_code && r.year == year && r.depth == 0)?.score
    }

    /// Root rows only.
    pub fn totals(&self) -> impl Iterator<Item = &ScoreRow> {
        self.rows.iter().filter(|r| r.depth == 0)
    }

    /// Compare every computed node that also had a supplied (published) value, with the tolerance of README §1.5
    /// rule 3: |computed − published| ≤ 0.5·10^(−decimals_out) + Σ_c |∂v/∂v_c| · 0.5·10^(−decimals_in).
    /// `decimals_in = None` means the children were given unrounded (only the output rounding counts).
    pub fn compare_published(&self, decimals_in: Option<u32>, decimals_out: u32) -> Vec<Comparison> {
        let half = |d: u32| 0.5 * 10f64.powi(-(d as i32));
        self.rows
            .iter()
            .filter(|r| matches!(r.origin, Origin::Computed | Origin::Renormalised))
            .filter_map(|r| {
                let published = r.input?;
                let computed = r.score?;
                let (m, plan) = self.editions.get(&r.edition)?;
                let idx = m.find(&r.node)?;
                let tolerance = half(decimals_out) + decimals_in.map_or(0.0, |d| plan.sensitivity(idx) * half(d));
                let difference = computed - published;
                Some(Comparison {
                    province_code: r.province_code.clone(),
                    province: r.province.clone(),
                    year: r.year,
                    node: r.node.clone(),
                    computed,
                    published,
                    difference,
                    // A hair of slack for binary floating point at the boundary.
                    within: difference.abs() <= tolerance + 1e-9,
                    tolerance,
                })
            })
            .collect()
    }
}

struct Unit {
    edition: String,
    province_code: String,
    year: i32,
    values: Vec<f64>,
    supplied: Vec<Option<f64>>,
}

/// Resolve the edition for one observation, caching built-in editions by code.
fn edition_for(
    choice: &EditionChoice,
    year: i32,
    cache: &mut BTreeMap<String, (Arc<Methodology>, Plan)>,
) -> Result<String> {
    let m: Arc<Methodology> = match choice {
        EditionChoice::Index(index) => {
            let m = catalog().for_year(index, year)?;
            if let Some((cached, _)) = cache.get(&m.code) {
                return Ok(cached.code.clone());
            }
            Arc::new(m.clone())
        }
        EditionChoice::Edition(code) => {
            let m = catalog().edition(code)?;
            if cache.contains_key(&m.code) {
                return Ok(m.code.clone());
            }
            Arc::new(m.clone())
        }
        EditionChoice::Methodology(m) => {
            if cache.contains_key(&m.code) {
                return Ok(m.code.clone());
            }
            m.clone()
        }
    };
    let code = m.code.clone();
    let plan = Plan::compile(&m);
    cache.insert(code.clone(), (m, plan));
    Ok(code)
}

fn unknown_node(m: &Methodology, node: &str, province: &str, year: i32) -> ChisoError {
    let candidates: Vec<&str> = m.nodes.iter().map(|n| n.path.as_str()).filter(|p| !p.is_empty()).collect();
    let last = node.rsplit('/').next().unwrap_or(node);
    let suggestions = text::closest(last, candidates.iter().copied(), 3);
    // A code of another edition of the same index is the most common mistake: say which edition scores the year.
    let hint = match node.split_once('/') {
        Some((ed, _)) if ed.contains('.') && ed != m.code => {
            format!(" — {ed} is another edition; data year {year} is scored with {} (give the path below the root, or choose the edition explicitly)", m.code)
        }
        _ => String::new(),
    };
    ChisoError::UnknownNode {
        edition: m.code.clone(),
        node: node.to_string(),
        province: province.to_string(),
        year,
        suggestions,
        hint,
    }
}

/// Score observations with the chosen edition(s).
///
/// Every value is checked (finite, within its node's scale, not given twice with different values), every
/// province and node resolved (unknown ones are errors with suggestions). Values supplied at any level are leaves;
/// every ancestor is computed. See [`MissingPolicy`] for incomplete children.
pub fn score(choice: &EditionChoice, data: &[Observation], options: &ScoreOptions) -> Result<Scores> {
    if data.is_empty() {
        return Err(ChisoError::Data("no data to score: the input has no rows with values".into()));
    }
    let registry = Registry::get();
    let mut editions: BTreeMap<String, (Arc<Methodology>, Plan)> = BTreeMap::new();
    let mut units: Vec<Unit> = Vec::new();
    let mut unit_index: HashMap<(String, i32, String), usize> = HashMap::new();
    let mut province_cache: HashMap<&str, (String, String)> = HashMap::new();

    for obs in data {
        let (pcode, pname) = match province_cache.get(obs.province.as_str()) {
            Some(p) => p.clone(),
            None => {
                let p = registry.find(&obs.province)?;
                let entry = (p.code.clone(), p.name_vi.clone());
                province_cache.insert(&obs.province, entry.clone());
                entry
            }
        };
        let ed = edition_for(choice, obs.year, &mut editions)?;
        let (m, plan) = &editions[&ed];
        let idx = m.find(&obs.node).ok_or_else(|| unknown_node(m, &obs.node, &pname, obs.year))?;
        let node = &m.nodes[idx];
        if !obs.value.is_finite() {
            return Err(ChisoError::NonFinite {
                province: pname,
                year: obs.year,
                node: node.code.clone(),
                value: obs.value,
            });
        }
        if let Some((lo, hi)) = node.scale {
            let slack = node.scale_slack();
            if obs.value < lo - slack || obs.value > hi + slack {
                return Err(ChisoError::OutOfScale {
                    province: pname,
                    year: obs.year,
                    node: node.code.clone(),
                    value: obs.value,
                    min: lo,
                    max: hi,
                });
            }
        } else if let Some(max) = node.max_points {
            if obs.value < 0.0 || obs.value > max * (1.0 + 1e-9) {
                return Err(ChisoError::OutOfScale {
                    province: pname,
                    year: obs.year,
                    node: node.code.clone(),
                    value: obs.value,
                    min: 0.0,
                    max,
                });
            }
        }
        let key = (pcode.clone(), obs.year, ed.clone());
        let u = match unit_index.get(&key) {
            Some(&u) => u,
            None => {
                units.push(Unit {
                    edition: ed.clone(),
                    province_code: pcode.clone(),
                    year: obs.year,
                    values: vec![f64::NAN; plan.n_nodes()],
                    supplied: vec![None; plan.n_nodes()],
                });
                unit_index.insert(key, units.len() - 1);
                units.len() - 1
            }
        };
        let unit = &mut units[u];
        match unit.supplied[idx] {
            Some(prev) if prev != obs.value => {
                return Err(ChisoError::Duplicate {
                    province: pname,
                    year: obs.year,
                    node: node.code.clone(),
                    first: prev,
                    second: obs.value,
                })
            }
            _ => {
                unit.supplied[idx] = Some(obs.value);
                unit.values[idx] = obs.value;
            }
        }
    }
    // Within one data year, all units must share an edition, or ranks would compare different trees.
    let mut year_edition: HashMap<i32, &str> = HashMap::new();
    for u in &units {
        if let Some(prev) = year_edition.insert(u.year, &u.edition) {
            if prev != u.edition {
                return Err(ChisoError::Data(format!(
                    "data year {} is scored with two editions, {prev} and {}",
                    u.year, u.edition
                )));
            }
        }
    }

    units.sort_by(|a, b| (a.province_code.as_str(), a.year).cmp(&(b.province_code.as_str(), b.year)));
    let renormalise = options.missing == MissingPolicy::Renormalise;
    let mut rows = Vec::new();
    for u in &mut units {
        let (m, plan) = &editions[&u.edition];
        plan.evaluate_with(&mut u.values, renormalise, options.prefer == Prefer::Published);
        let provenance = computed_provenance(m, &u.values, &u.supplied);
        let pname = registry.by_code(&u.province_code).map(|p| p.name_vi.clone()).unwrap_or_default();
        for i in preorder(m) {
            let n = &m.nodes[i];
            let scored_children: Vec<usize> = n.children.iter().copied().filter(|&c| m.nodes[c].scored).collect();
            let computable = !matches!(n.aggregation, Aggregation::Opaque) && !scored_children.is_empty();
            let missing: Vec<String> = if computable {
                scored_children.iter().filter(|&&c| u.values[c].is_nan()).map(|&c| m.nodes[c].code.clone()).collect()
            } else {
                Vec::new()
            };
            let value = u.values[i];
            let keep = options.prefer == Prefer::Published && u.supplied[i].is_some();
            let origin = if value.is_nan() {
                Origin::Missing
            } else if keep {
                Origin::Input
            } else if computable && missing.is_empty() {
                Origin::Computed
            } else if u.supplied[i].is_some() {
                Origin::Input
            } else {
                Origin::Renormalised
            };
            rows.push(ScoreRow {
                province_code: u.province_code.clone(),
                province: pname.clone(),
                year: u.year,
                edition: m.code.clone(),
                node: n.code.clone(),
                path: n.path.clone(),
                depth: n.depth,
                kind: n.kind.clone(),
                scored: n.scored,
                score: (!value.is_nan()).then_some(value),
                input: u.supplied[i],
                max: n.max_value(),
                origin,
                provenance: match origin {
                    Origin::Input | Origin::Missing => None,
                    Origin::Computed => Some(provenance[i]),
                    Origin::Renormalised => Some(provenance[i].weakest(Status::Derived)),
                },
                missing_children: missing,
                rank: None,
                n_ranked: 0,
                rank_status: m.ranking.status,
                group: None,
            });
        }
    }
    rank_and_group(&mut rows, &editions);
    Ok(Scores { rows, editions })
}

/// Nodes root first, each followed by its subtree (reading order for tables).
fn preorder(m: &Methodology) -> Vec<usize> {
    let mut out = Vec::with_capacity(m.nodes.len());
    let mut stack = vec![0usize];
    while let Some(i) = stack.pop() {
        out.push(i);
        for &c in m.nodes[i].children.iter().rev() {
            stack.push(c);
        }
    }
    out
}

/// Provenance of each computed node: the weakest status of its rule, the weights or maxima it uses, and the
/// computed children it is built from.
fn computed_provenance(m: &Methodology, values: &[f64], supplied: &[Option<f64>]) -> Vec<Status> {
    let mut status = vec![Status::Official; m.nodes.len()];
    for i in m.topological_order() {
        let n = &m.nodes[i];
        let mut s = n.aggregation_status;
        for &c in n.children.iter().filter(|&&c| m.nodes[c].scored) {
            let ch = &m.nodes[c];
            match n.aggregation {
                Aggregation::WMean { .. } => s = s.weakest(ch.weight_status),
                Aggregation::Ratio => s = s.weakest(ch.max_points_status),
                _ => {}
            }
            // A child that was itself computed passes its provenance up; a supplied child is data, not a rule.
            let child_computed = !ch.children.is_empty() && !values[c].is_nan() && supplied[c].is_none();
            if child_computed {
                s = s.weakest(status[c]);
            }
        }
        status[i] = s;
    }
    status
}

/// Ranks per (data year, node) with each edition's ranking rule, and quartile groups where the edition has them.
fn rank_and_group(rows: &mut [ScoreRow], editions: &BTreeMap<String, (Arc<Methodology>, Plan)>) {
    let mut cells: HashMap<(i32, &str), Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        cells.entry((r.year, r.path.as_str())).or_default().push(i);
    }
    let mut assignments: Vec<(usize, Option<u32>, u32, Option<String>)> = Vec::new();
    for idxs in cells.values() {
        let first = &rows[idxs[0]];
        let Some((m, _)) = editions.get(&first.edition) else { continue };
        let values: Vec<f64> = idxs.iter().map(|&i| rows[i].score.unwrap_or(f64::NAN)).collect();
        let ranks = competition_ranks(&values, m.ranking.precision);
        let n_ranked = ranks.iter().filter(|r| r.is_some()).count() as u32;
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_by(f64::total_cmp);
        let groups = m.groups.as_ref().filter(|g| first.depth <= g.max_depth && !sorted.is_empty());
        for (k, &i) in idxs.iter().enumerate() {
            let group = groups.and_then(|g| {
                let v = values[k];
                (!v.is_nan()).then(|| g.labels[quartile_group(v, &sorted)].clone())
            });
            assignments.push((i, ranks[k], n_ranked, group));
        }
    }
    for (i, rank, n, group) in assignments {
        rows[i].rank = rank;
        rows[i].n_ranked = n;
        rows[i].group = group;
    }
}

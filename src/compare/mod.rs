//! Year-over-year comparison (README §1.7): what changed between two data years, which parts drove it, whether
//! the comparison is fair (same edition, comparable across a break, or cross-edition) and significant, and how a
//! province stands against its peers. Everything works on a scored [`Scores`] table of any index.

mod lineage;
pub mod significance;

pub use lineage::{links, Comparability, Link};
pub use significance::{Materiality, MaterialityMeasure, DEFAULT_LEVEL};

use std::collections::{BTreeSet, HashMap};

use crate::engine::{Origin, Scores};
use crate::error::{ChisoError, Result};
use crate::methodology::{catalog, Methodology, Status};
use crate::provinces::Registry;

/// Options of [`compare`].
#[derive(Debug, Clone, Default)]
pub struct CompareOptions {
    /// Nodes to compare (paths below the root or codes); None = every node.
    pub nodes: Option<Vec<String>>,
    /// Provinces (any name or code); None = every province with data.
    pub provinces: Option<Vec<String>>,
    /// Keep only within-edition and comparable-across-break rows (PAPI's own rule).
    pub comparable_only: bool,
    /// Threshold for the `material` flag; None = the index's documented default, if it has one.
    pub materiality: Option<Materiality>,
    /// Level of the two-sided test behind `significant` (None = [`DEFAULT_LEVEL`], 0.05).
    pub level: Option<f64>,
    /// How to compare a year of the 63 provinces with a year of the 34 units of 2025: None = the index's published
    /// rule (only DTI has one, README §1.9); without one such a comparison is refused.
    pub merge_rule: Option<MergeRule>,
}

/// A rule that maps the 63 pre-2025 provinces onto the 34 units of 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRule {
    /// A unit's value at a node = the arithmetic mean of its member provinces' values (README §1.5 MEMBER_MEAN).
    MemberMean,
}

named_enum!(MergeRule, "merge rule" { MemberMean => "member_mean" });

/// One unit's (value, rank) per node of its year's edition.
type Cells = Vec<(Option<f64>, Option<u32>)>;

/// Values and ranks of one data year, per unit and node of that year's edition.
struct Side {
    edition: usize,
    /// unit (registry position) → its cells.
    cells: HashMap<usize, Cells>,
}

fn side(scores: &Scores, year: i32) -> Result<Side> {
    let edition = edition_in(scores, year)?;
    let n = scores.edition(edition).nodes.len();
    let cells = units_in(scores, year)
        .into_iter()
        .map(|(p, k)| (p, (0..n).map(|i| (scores.value(k, i), scores.rank_of(k, i).0)).collect()))
        .collect();
    Ok(Side { edition, cells })
}

/// The 63-province side mapped onto the 2025 units with `rule`, ranked among the 34 units.
fn merged_side(scores: &Scores, s: &Side, rule: MergeRule) -> Side {
    let registry = Registry::get();
    let m = scores.edition(s.edition);
    let n = m.nodes.len();
    let units: Vec<usize> = (0..registry.all().len())
        .filter(|&i| registry.all()[i].geography == crate::provinces::Geography::Units2025)
        .collect();
    let mut values: Vec<Vec<Option<f64>>> = Vec::new();
    for &u in &units {
        let members: Vec<usize> = registry.all()[u].members.iter().filter_map(|c| registry.index_of(c)).collect();
        values.push(
            (0..n)
                .map(|i| match rule {
                    MergeRule::MemberMean => {
                        let v: Option<Vec<f64>> = members.iter().map(|p| s.cells.get(p).and_then(|c| c[i].0)).collect();
                        v.filter(|v| !v.is_empty()).map(|v| v.iter().sum::<f64>() / v.len() as f64)
                    }
                })
                .collect(),
        );
    }
    let mut cells: HashMap<usize, Cells> = units.iter().map(|&u| (u, vec![(None, None); n])).collect();
    for i in 0..n {
        let column: Vec<f64> = values.iter().map(|v| v[i].unwrap_or(f64::NAN)).collect();
        let ranks = crate::engine::competition_ranks(&column, m.ranking.precision);
        for (k, &u) in units.iter().enumerate() {
            if let Some(c) = cells.get_mut(&u) {
                c[i] = (values[k][i], ranks[k]);
            }
        }
    }
    Side { edition: s.edition, cells }
}

/// The single map a side is on; None when it has units of both (DTI 2024 was published on both maps).
fn geography_of(s: &Side) -> Option<crate::provinces::Geography> {
    let registry = Registry::get();
    let mut maps = s.cells.keys().map(|&p| registry.all()[p].geography);
    let first = maps.next()?;
    maps.all(|g| g == first).then_some(first)
}

/// One province and node compared between a base year and a year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Change {
    /// GSO code of the province (or 2025 unit).
    pub province_code: String,
    /// Vietnamese name of the province, with diacritics.
    pub province: String,
    /// The data year compared against.
    pub base_year: i32,
    /// Data year.
    pub year: i32,
    /// Code of the edition that scored the base year.
    pub base_edition: String,
    /// Code of the edition that scored the year.
    pub edition: String,
    /// Path in the year's edition.
    pub node: String,
    /// Path of the node it continues in the base year's edition.
    pub base_node: Option<String>,
    /// The value in the base year.
    pub base_value: Option<f64>,
    /// The province's value.
    pub value: Option<f64>,
    /// value − base value.
    pub delta: Option<f64>,
    /// delta / base value.
    pub relative: Option<f64>,
    /// Change of value/max (where both maxima are known): comparable when the scale changes.
    pub share_of_max_change: Option<f64>,
    /// Rank in the base year.
    pub base_rank: Option<u32>,
    /// Competition rank among the provinces ranked (None: not ranked).
    pub rank: Option<u32>,
    /// base_rank − rank: positive = moved up, as publishers report it.
    pub rank_change: Option<i64>,
    /// max − value in the base year.
    pub base_points_lost: Option<f64>,
    /// max − value in the year (None where the maximum is unknown).
    pub points_lost: Option<f64>,
    /// How the two years' values of the node relate.
    pub comparability: Comparability,
    /// Provenance of the lineage facts behind the comparability.
    pub comparability_status: Status,
    /// The change passes the materiality threshold (`materiality`): a size, not a test.
    pub material: Option<bool>,
    /// The materiality threshold used (None without one).
    pub materiality: Option<Materiality>,
    /// A two-sided z test of the change at `significance_level`, where both values' standard errors are known
    /// ([`significance::two_sided`]); None with `significance_note` saying why otherwise.
    pub significant: Option<bool>,
    /// Two-sided p value of the z test (None where no standard errors are known).
    pub p_value: Option<f64>,
    /// The level the test is run at (0.05 by default).
    pub significance_level: f64,
    /// Why the change could not be tested, where it could not.
    pub significance_note: Option<String>,
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

/// The unit index of each province (registry index) in `year`.
fn units_in(scores: &Scores, year: i32) -> HashMap<usize, usize> {
    scores.units().iter().enumerate().filter(|(_, u)| u.year == year).map(|(k, u)| (u.province, k)).collect()
}

fn years_of(scores: &Scores) -> BTreeSet<i32> {
    scores.units().iter().map(|u| u.year).collect()
}

fn edition_in(scores: &Scores, year: i32) -> Result<usize> {
    scores.units().iter().find(|u| u.year == year).map(|u| u.edition).ok_or_else(|| {
        let years: Vec<String> = years_of(scores).iter().map(i32::to_string).collect();
        ChisoError::InvalidArgument(format!("no scores for data year {year}; scored years: {}", years.join(", ")))
    })
}

fn province_filter(provinces: &Option<Vec<String>>) -> Result<Option<Vec<usize>>> {
    let Some(names) = provinces else { return Ok(None) };
    let registry = Registry::get();
    names
        .iter()
        .map(|n| {
            let code = &registry.find(n)?.code;
            Ok(registry.provinces().iter().position(|p| &p.code == code).unwrap_or(0))
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

fn node_filter(m: &Methodology, nodes: &Option<Vec<String>>) -> Result<Vec<usize>> {
    match nodes {
        None => Ok(preorder(m)),
        Some(list) => {
            let mut out: Vec<usize> = Vec::new();
            for n in list {
                let i = m.find(n).ok_or_else(|| {
                    ChisoError::InvalidArgument(format!(
                        "node {n:?} is not in edition {}; its nodes: {}",
                        m.code,
                        paths(m)
                    ))
                })?;
                // A node named twice (by path and by code) is compared once.
                if !out.contains(&i) {
                    out.push(i);
                }
            }
            Ok(out)
        }
    }
}

fn paths(m: &Methodology) -> String {
    m.nodes
        .iter()
        .map(|n| if n.path.is_empty() { "\"\" (total)" } else { n.path.as_str() })
        .collect::<Vec<_>>()
        .join(", ")
}

fn preorder(m: &Methodology) -> Vec<usize> {
    let mut out = Vec::new();
    let mut stack = vec![0usize];
    while let Some(i) = stack.pop() {
        out.push(i);
        stack.extend(m.nodes[i].children.iter().rev());
    }
    out
}

/// The documented default materiality threshold of an index, if it has one (`index.toml` `[significance]`: the
/// publisher's wording for a large change, not a test).
pub fn default_materiality(index: &str) -> Option<Materiality> {
    catalog().index_materiality(index)
}

/// Compare two data years for every province and node (see [`Change`]).
///
/// ```
/// use chiso::{compare::{compare, CompareOptions}, datasets, score, EditionChoice, ScoreOptions};
/// let rows = datasets::papi().unwrap();
/// let s = score(&EditionChoice::Index("papi".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap();
/// let changes = compare(&s, 2020, 2021, &CompareOptions { provinces: Some(vec!["Trà Vinh".into()]), ..Default::default() }).unwrap();
/// let total = changes.iter().find(|c| c.node.is_empty()).unwrap();
/// assert_eq!(total.comparability.as_str(), "cross_edition"); // D5 lost a sub-dimension in 2021
/// ```
pub fn compare(scores: &Scores, base_year: i32, year: i32, options: &CompareOptions) -> Result<Vec<Change>> {
    let (mut s0, mut s1) = (side(scores, base_year)?, side(scores, year)?);
    let (e0, e1) = (s0.edition, s1.edition);
    let (m0, m1) = (scores.edition(e0), scores.edition(e1));
    // Across the 2025 merger the 63-province year is mapped onto the 34 units first, by the index's rule or the
    // user's; without a rule the comparison is refused (README §1.9: only DTI publishes one).
    let mut merged_status = None;
    if let (Some(g0), Some(g1)) = (geography_of(&s0), geography_of(&s1)) {
        if g0 != g1 {
            let (rule, status) = match options.merge_rule {
                Some(r) => (r, Status::UserSupplied),
                None => catalog().index_merge_rule(&m1.index).ok_or_else(|| {
                    ChisoError::InvalidArgument(format!(
                        "data year {base_year} uses the {} and {year} the {}: {} has no published rule for mapping the 63 \
                         provinces onto the 34 units of 2025 (README §1.9); pass a merge rule (e.g. member_mean: the mean \
                         of the member provinces) to compare them, and the result is labelled user-supplied",
                        g0.as_str(),
                        g1.as_str(),
                        m1.index
                    ))
                })?,
            };
            if g0 == crate::provinces::Geography::Provinces63 {
                s0 = merged_side(scores, &s0, rule);
            } else {
                s1 = merged_side(scores, &s1, rule);
            }
            merged_status = Some(status);
        }
    }
    let (earlier, later, forward) = if base_year <= year { (m0, m1, true) } else { (m1, m0, false) };
    let link_map = links(earlier, later);
    // Path in the year's edition → (path in the base edition, link).
    let mapping: HashMap<String, (Option<String>, Comparability, Status)> = if forward {
        link_map.iter().map(|(p, l)| (p.clone(), (l.earlier_path.clone(), l.comparability, l.status))).collect()
    } else {
        link_map
            .iter()
            .filter_map(|(p, l)| Some((l.earlier_path.clone()?, (Some(p.clone()), l.comparability, l.status))))
            .collect()
    };
    let materiality = options.materiality.or_else(|| default_materiality(&m1.index));
    let level = options.level.unwrap_or(DEFAULT_LEVEL);
    if !(level > 0.0 && level < 1.0) {
        return Err(ChisoError::InvalidArgument(format!("level={level}: a test level is between 0 and 1, e.g. 0.05")));
    }
    // Standard errors are per province-year of the data; merged units of the 2025 map have none.
    let (units0, units1) = (units_in(scores, base_year), units_in(scores, year));
    let nodes = node_filter(m1, &options.nodes)?;
    let wanted = province_filter(&options.provinces)?;
    let mut provinces: Vec<usize> =
        s0.cells.keys().chain(s1.cells.keys()).copied().collect::<BTreeSet<_>>().into_iter().collect();
    if let Some(w) = &wanted {
        provinces.retain(|p| w.contains(p));
    }
    let registry = Registry::get();
    let mut out = Vec::new();
    for p in provinces {
        let province = &registry.all()[p];
        for &i in &nodes {
            let n = &m1.nodes[i];
            let (base_path, mut comparability, mut status) =
                mapping.get(&n.path).cloned().unwrap_or((None, Comparability::CrossEdition, Status::Unknown));
            // A break suspected inside one edition (PGI 2023) flags every within-edition pair that straddles it.
            if comparability == Comparability::WithinEdition
                && m1.suspected_breaks.iter().any(|&b| base_year.min(year) < b && b <= base_year.max(year))
            {
                comparability = Comparability::SuspectedBreak;
                status = Status::Unknown;
            }
            if let Some(s) = merged_status {
                // Different maps: never the same thing measured on the same units.
                comparability = Comparability::CrossEdition;
                status = status.weakest(s);
            }
            if options.comparable_only && !comparability.is_comparable() {
                continue;
            }
            let j = base_path.as_deref().and_then(|bp| m0.find(bp));
            let at = |side: &Side, node: Option<usize>| -> (Option<f64>, Option<u32>) {
                match (side.cells.get(&p), node) {
                    (Some(c), Some(node)) => c[node],
                    _ => (None, None),
                }
            };
            let (base_value, base_rank) = at(&s0, j);
            let (value, rank) = at(&s1, Some(i));
            let delta = diff(base_value, value);
            let test = if merged_status.is_some() {
                significance::Test {
                    note: Some("across the 2025 merger: a merged unit's value has no standard error".into()),
                    ..Default::default()
                }
            } else if !comparability.is_comparable() {
                significance::Test {
                    note: Some(format!("{}: the two values do not measure the same thing", comparability.as_str())),
                    ..Default::default()
                }
            } else {
                let se = |units: &HashMap<usize, usize>, node: Option<usize>| {
                    node.and_then(|i| units.get(&p).and_then(|&k| scores.standard_error(k, i)))
                };
                significance::two_sided(delta, se(&units0, j), se(&units1, Some(i)), level)
            };
            let relative = match (delta, base_value) {
                (Some(d), Some(b)) if b != 0.0 => Some(d / b),
                _ => None,
            };
            let max1 = n.max_value();
            let max0 = j.and_then(|j| m0.nodes[j].max_value());
            let share = |v: Option<f64>, m: Option<f64>| Some(v? / m?);
            let lost = |v: Option<f64>, m: Option<f64>| Some(m? - v?);
            out.push(Change {
                province_code: province.code.clone(),
                province: province.name_vi.clone(),
                base_year,
                year,
                base_edition: m0.code.clone(),
                edition: m1.code.clone(),
                node: n.path.clone(),
                base_node: base_path,
                base_value,
                value,
                delta,
                relative,
                share_of_max_change: diff(share(base_value, max0), share(value, max1)),
                base_rank,
                rank,
                rank_change: match (base_rank, rank) {
                    (Some(a), Some(b)) => Some(a as i64 - b as i64),
                    _ => None,
                },
                base_points_lost: lost(base_value, max0),
                points_lost: lost(value, max1),
                comparability,
                comparability_status: status,
                material: materiality.and_then(|m| m.flags(delta, relative)),
                materiality,
                significant: test.significant,
                p_value: test.p_value,
                significance_level: level,
                significance_note: test.note,
            });
        }
    }
    Ok(out)
}

/// Which part of a parent's change a contribution explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// coefficient (year's edition) × change of the child.
    Score,
    /// (coefficient now − coefficient then) × the child's base value: the effect of re-weighting alone.
    Weights,
    /// What the linear rule does not explain (a published total kept over its recomputation).
    Residual,
}

named_enum!(Part, "part" { Score => "score", Weights => "weights", Residual => "residual" });

/// One child's share of its parent's change.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Contribution {
    /// GSO code of the province (or 2025 unit).
    pub province_code: String,
    /// Vietnamese name of the province, with diacritics.
    pub province: String,
    /// Path of the parent node.
    pub parent: String,
    /// Path of the child node (None for a residual row).
    pub child: Option<String>,
    /// Which part of the change this row explains.
    pub part: Part,
    /// The child's value in the base year.
    pub base_child: Option<f64>,
    /// The child's value in the year.
    pub child_value: Option<f64>,
    /// The child's coefficient in the base year's edition.
    pub base_coefficient: Option<f64>,
    /// The child's coefficient in the year's edition.
    pub coefficient: Option<f64>,
    /// This row's share of the parent's delta.
    pub contribution: f64,
    /// Official within an edition for an official rule; DERIVED across a break (re-scoring with another edition).
    pub provenance: Status,
}

/// Decompose each computed node's change into its children's contributions. Every rule chiso evaluates is
/// linear (v = Σ c_i·v_i), so within one edition Δv = Σ c_i·Δv_i exactly. Across a break where only the
/// coefficients changed (same children, e.g. PCI 2021→2022), Δv = Σ c¹_i·Δv_i (score part, both years under the
/// new weights) + Σ (c¹_i − c⁰_i)·v⁰_i (weights part), both DERIVED. A parent whose children differ between the
/// editions is not decomposed; a parent kept at a published value gets a residual row.
pub fn decompose(scores: &Scores, base_year: i32, year: i32, options: &CompareOptions) -> Result<Vec<Contribution>> {
    let (e0, e1) = (edition_in(scores, base_year)?, edition_in(scores, year)?);
    let (m0, m1) = (scores.edition(e0), scores.edition(e1));
    let (p0, p1) = (scores.plan(e0), scores.plan(e1));
    if geography_of(&side(scores, base_year)?) != geography_of(&side(scores, year)?) {
        return Err(ChisoError::InvalidArgument(format!(
            "data years {base_year} and {year} are on different maps (63 provinces / 34 units of 2025): a change \
             cannot be split into one unit's parts; use compare() with a merge rule instead"
        )));
    }
    let same_edition = m0.code == m1.code;
    let nodes = node_filter(m1, &options.nodes)?;
    let wanted = province_filter(&options.provinces)?;
    let (u0, u1) = (units_in(scores, base_year), units_in(scores, year));
    let registry = Registry::get();
    let mut out = Vec::new();
    let mut provinces: Vec<usize> = u1.keys().filter(|p| u0.contains_key(p)).copied().collect();
    provinces.sort_unstable();
    if let Some(w) = &wanted {
        provinces.retain(|p| w.contains(p));
    }
    // Why nothing could be split, should nothing be (issue 9 §6: an empty answer is an error saying why).
    let mut no_rule = true;
    let mut rebuilt: Option<String> = None;
    let mut incomplete: Option<(String, String, i32, String)> = None;
    let n_provinces = provinces.len();
    for p in provinces {
        let (k0, k1) = (u0[&p], u1[&p]);
        let province = &registry.all()[p];
        for &i in &nodes {
            let terms1 = p1.terms(i);
            if terms1.is_empty() {
                continue;
            }
            no_rule = false;
            let parent = &m1.nodes[i];
            let Some(j) = m0.find(&parent.path) else {
                rebuilt.get_or_insert_with(|| parent.path.clone());
                continue;
            };
            let terms0 = p0.terms(j);
            // Children matched by path; a different set of children means a different rule: not decomposed.
            let mut matched = Vec::new();
            for &(c1, coef1) in &terms1 {
                let path = &m1.nodes[c1].path;
                let Some(&(c0, coef0)) = terms0.iter().find(|(c0, _)| &m0.nodes[*c0].path == path) else { break };
                matched.push((c1, coef1, c0, coef0));
            }
            if matched.len() != terms1.len() || terms0.len() != terms1.len() {
                rebuilt.get_or_insert_with(|| parent.path.clone());
                continue;
            }
            // The first child without a value in either year, for the message should nothing be split.
            let gap = matched.iter().find_map(|&(c1, _, c0, _)| {
                if scores.value(k0, c0).is_none() {
                    Some((m0.nodes[c0].path.clone(), base_year))
                } else if scores.value(k1, c1).is_none() {
                    Some((m1.nodes[c1].path.clone(), year))
                } else {
                    None
                }
            });
            let (Some(v0), Some(v1), None) = (scores.value(k0, j), scores.value(k1, i), &gap) else {
                if incomplete.is_none() {
                    let (child, y) = gap.unwrap_or_else(|| (parent.path.clone(), year));
                    incomplete = Some((province.name_vi.clone(), parent.path.clone(), y, child));
                }
                continue;
            };
            let rule_status = if same_edition { parent.aggregation_status } else { Status::Derived };
            // A weights part exists only where the coefficients changed (PCI 2021→2022), not across a break that
            // kept the rule (a SUM stays a SUM).
            let reweighted = matched.iter().any(|&(_, coef1, _, coef0)| (coef1 - coef0).abs() > 1e-12);
            let mut explained = 0.0;
            for &(c1, coef1, c0, coef0) in &matched {
                let (a, b) = (scores.value(k0, c0).unwrap_or(f64::NAN), scores.value(k1, c1).unwrap_or(f64::NAN));
                let child = Some(m1.nodes[c1].path.clone());
                let score_part = coef1 * (b - a);
                explained += score_part;
                out.push(Contribution {
                    province_code: province.code.clone(),
                    province: province.name_vi.clone(),
                    parent: parent.path.clone(),
                    child: child.clone(),
                    part: Part::Score,
                    base_child: Some(a),
                    child_value: Some(b),
                    base_coefficient: Some(coef0),
                    coefficient: Some(coef1),
                    contribution: score_part,
                    provenance: rule_status,
                });
                if reweighted {
                    let weight_part = (coef1 - coef0) * a;
                    explained += weight_part;
                    out.push(Contribution {
                        province_code: province.code.clone(),
                        province: province.name_vi.clone(),
                        parent: parent.path.clone(),
                        child,
                        part: Part::Weights,
                        base_child: Some(a),
                        child_value: Some(b),
                        base_coefficient: Some(coef0),
                        coefficient: Some(coef1),
                        contribution: weight_part,
                        provenance: Status::Derived,
                    });
                }
            }
            let residual = (v1 - v0) - explained;
            let kept_published =
                matches!(scores.origin_of(k0, j), Origin::Input) || matches!(scores.origin_of(k1, i), Origin::Input);
            if kept_published || residual.abs() > 1e-9 * (1.0 + v1.abs()) {
                out.push(Contribution {
                    province_code: province.code.clone(),
                    province: province.name_vi.clone(),
                    parent: parent.path.clone(),
                    child: None,
                    part: Part::Residual,
                    base_child: None,
                    child_value: None,
                    base_coefficient: None,
                    coefficient: None,
                    contribution: residual,
                    provenance: Status::Derived,
                });
            }
        }
    }
    if out.is_empty() {
        let shown = |p: &str| if p.is_empty() { "the total".to_string() } else { format!("{p:?}") };
        let why = if n_provinces == 0 {
            format!("no province has scores in both {base_year} and {year} (among those asked for)")
        } else if let Some((province, parent, y, child)) = incomplete {
            format!(
                "the data hold no value of {} (a child of {}) in {y} for {province}, nor a complete set of children \
                 for any other node and province asked for: a change splits only into children with values in both \
                 years, so totals alone cannot be decomposed. Give the children's values for both years (e.g. PCI \
                 sub-indices, which the bundled PCI data hold for 2005–2016)",
                shown(&child),
                shown(&parent)
            )
        } else if let Some(parent) = rebuilt {
            format!(
                "{} has other children in {} ({base_year}) than in {} ({year}): the editions' rules differ, so the \
                 change is not split; compare() the two years instead",
                shown(&parent),
                m0.code,
                m1.code
            )
        } else if no_rule {
            "the nodes asked for have no children to split into (leaves); ask for a parent, e.g. nodes=[\"\"] for \
             the total"
                .to_string()
        } else {
            "nothing to split".to_string()
        };
        return Err(ChisoError::EmptyResult { what: format!("decompose({base_year}, {year})"), why });
    }
    Ok(out)
}

/// One year of a province's series at one node.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct TrajectoryPoint {
    /// GSO code of the province (or 2025 unit).
    pub province_code: String,
    /// Vietnamese name of the province, with diacritics.
    pub province: String,
    /// Data year.
    pub year: i32,
    /// Code of the edition that scored the year.
    pub edition: String,
    /// Node path in the year's edition ("" for the total).
    pub node: String,
    /// The province's value.
    pub value: Option<f64>,
    /// Competition rank among the provinces ranked (None: not ranked).
    pub rank: Option<u32>,
    /// Number of provinces ranked at this node and year.
    pub n_ranked: u32,
    /// Against the previous year with a value, where the node continues the previous year's node (lineage).
    pub delta: Option<f64>,
    /// First year of the series segment this point's cumulative change and CAGR are measured from: the first
    /// year with a value, or — unless breaks are crossed on purpose — the first year after the last break.
    pub segment_start: Option<i32>,
    /// Against the segment's first value.
    pub cumulative: Option<f64>,
    /// Compound annual growth from the segment's first value: (v / v₀)^(1/(year − year₀)) − 1.
    pub cagr: Option<f64>,
    /// Comparability with the previous year with a value.
    pub comparability: Option<Comparability>,
    /// The series breaks here: the previous year is in another edition and the node is not comparable.
    pub break_before: bool,
}

/// A province's series at one node (path) over every scored year, with the edition of each year and where it
/// breaks. `from_year` / `to_year` bound the span. Cumulative change and CAGR restart after each break unless
/// `across_breaks` (README §1.8: crossing a break is an explicit choice).
pub fn trajectory(
    scores: &Scores,
    province: &str,
    node: &str,
    from_year: Option<i32>,
    to_year: Option<i32>,
    across_breaks: bool,
) -> Result<Vec<TrajectoryPoint>> {
    let registry = Registry::get();
    let me = registry.find(province)?;
    let p = registry.index_of(&me.code).unwrap_or(0);
    let mine: Vec<(usize, &crate::engine::Unit)> =
        scores.units().iter().enumerate().filter(|(_, u)| u.province == p).collect();
    if mine.is_empty() {
        return Err(ChisoError::InvalidArgument(format!("no scores for {} ({}) in this result", me.name_vi, me.code)));
    }
    let in_span: Vec<_> = mine
        .iter()
        .filter(|(_, u)| !(from_year.is_some_and(|f| u.year < f) || to_year.is_some_and(|t| u.year > t)))
        .collect();
    if in_span.is_empty() {
        let years: Vec<String> = mine.iter().map(|(_, u)| u.year.to_string()).collect();
        return Err(ChisoError::InvalidArgument(format!(
            "no scored year of {} between {} and {}; scored years: {}",
            me.name_vi,
            from_year.map_or("the first".into(), |y| y.to_string()),
            to_year.map_or("the last".into(), |y| y.to_string()),
            years.join(", ")
        )));
    }
    let mut out: Vec<TrajectoryPoint> = Vec::new();
    let mut first: Option<(i32, f64)> = None;
    let mut previous: Option<(usize, String, f64)> = None; // (edition, node path, value)
    let mut found_node = false;
    for (k, u) in in_span {
        let m = scores.edition(u.edition);
        let Some(i) = m.find(node) else { continue };
        found_node = true;
        let path = m.nodes[i].path.clone();
        let value = scores.value(*k, i);
        let (rank, n_ranked) = scores.rank_of(*k, i);
        let link = previous.as_ref().map(|(e, _, _)| {
            links(scores.edition(*e), m).get(&path).cloned().unwrap_or(Link {
                earlier_path: None,
                comparability: Comparability::CrossEdition,
                status: Status::Unknown,
            })
        });
        let suspected = previous.is_some() && m.suspected_breaks.contains(&u.year);
        let comparability = link.as_ref().map(|l| {
            if suspected && l.comparability == Comparability::WithinEdition {
                Comparability::SuspectedBreak
            } else {
                l.comparability
            }
        });
        let break_before = matches!(comparability, Some(Comparability::CrossEdition | Comparability::SuspectedBreak));
        let mut point = TrajectoryPoint {
            province_code: me.code.clone(),
            province: me.name_vi.clone(),
            year: u.year,
            edition: m.code.clone(),
            node: path.clone(),
            value,
            rank,
            n_ranked,
            delta: None,
            segment_start: None,
            cumulative: None,
            cagr: None,
            comparability,
            break_before,
        };
        if break_before && !across_breaks {
            first = None;
        }
        if let Some(v) = value {
            // A delta only where this node continues the previous one (a rebuilt node with the same slug is not).
            point.delta = match (&previous, &link) {
                (Some((_, prev_path, pv)), Some(l)) if l.earlier_path.as_deref() == Some(prev_path.as_str()) => {
                    Some(v - pv)
                }
                _ => None,
            };
            let (y0, v0) = *first.get_or_insert((u.year, v));
            point.segment_start = Some(y0);
            point.cumulative = Some(v - v0);
            if u.year > y0 && v0 > 0.0 && v > 0.0 {
                point.cagr = Some((v / v0).powf(1.0 / f64::from(u.year - y0)) - 1.0);
            }
            previous = Some((u.edition, path, v));
        }
        out.push(point);
    }
    if !found_node {
        return Err(ChisoError::InvalidArgument(format!(
            "node {node:?} is in none of the editions scored for {} in the span",
            me.name_vi
        )));
    }
    Ok(out)
}

/// The group of provinces a [`PeerRow`] compares a province with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerGroup {
    /// Every province of the province's map with a value.
    National,
    /// The provinces of its socio-economic region (the registry's region).
    Region,
    /// The user's list of peers (with the province itself).
    Peers,
}

named_enum!(PeerGroup, "peer group" { National => "national", Region => "region", Peers => "peers" });

/// A province against a group of provinces at one node and year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct PeerRow {
    /// Which group: the nation, the region, or the user's peers.
    pub group: PeerGroup,
    /// Name of the group (Việt Nam, the region, or the user's peers).
    pub group_name: String,
    /// Number of provinces in the group with a value.
    pub n: u32,
    /// The province's value.
    pub value: Option<f64>,
    /// Mean of the group.
    pub mean: Option<f64>,
    /// Median of the group (linear interpolation).
    pub median: Option<f64>,
    /// Best value in the group.
    pub best: Option<f64>,
    /// The province with the best value.
    pub best_province: Option<String>,
    /// value − mean.
    pub gap_to_mean: Option<f64>,
    /// value − best.
    pub gap_to_best: Option<f64>,
    /// 1224 rank within the group (descending, the edition's ranking precision): a rank within a chosen set, never
    /// the publisher's rank.
    pub rank_within: Option<u32>,
}

/// How `province` stands in `year` at `node` against the nation, its region and an optional list of peers.
pub fn peers(
    scores: &Scores,
    province: &str,
    year: i32,
    node: &str,
    peer_list: Option<&[String]>,
) -> Result<Vec<PeerRow>> {
    let registry = Registry::get();
    // A name means the unit of `year`'s map ("Vĩnh Long" in 2025 is the merged unit).
    let me = registry.find_for_year(province, year)?;
    let p = registry.index_of(&me.code).unwrap_or(0);
    let e = edition_in(scores, year)?;
    let m = scores.edition(e);
    let i = m.find(node).ok_or_else(|| {
        ChisoError::InvalidArgument(format!("node {node:?} is not in edition {}; its nodes: {}", m.code, paths(m)))
    })?;
    // The nation and the region of the province's own map (DTI 2024 has both maps; never compared together).
    let mut units = units_in(scores, year);
    units.retain(|&q, _| registry.all()[q].geography == registry.all()[p].geography);
    let value_of = |q: usize| units.get(&q).and_then(|&k| scores.value(k, i));
    let my_value = value_of(p);
    let mut groups: Vec<(PeerGroup, String, Vec<usize>)> =
        vec![(PeerGroup::National, "Việt Nam".into(), units.keys().copied().collect())];
    let region: Vec<usize> = units.keys().copied().filter(|&q| registry.all()[q].region == me.region).collect();
    groups.push((PeerGroup::Region, me.region.clone(), region));
    if let Some(list) = peer_list {
        let mut members = vec![p];
        for name in list {
            let code = &registry.find_for_year(name, year)?.code;
            members.push(registry.index_of(code).unwrap_or(0));
        }
        members.sort_unstable();
        members.dedup();
        groups.push((PeerGroup::Peers, format!("{} provinces named", members.len()), members));
    }
    let mut out = Vec::new();
    for (group, name, members) in groups {
        let mut vals: Vec<(f64, usize)> = members.iter().filter_map(|&q| value_of(q).map(|v| (v, q))).collect();
        vals.sort_by(|a, b| b.0.total_cmp(&a.0));
        let n = vals.len() as u32;
        let mean = (n > 0).then(|| vals.iter().map(|v| v.0).sum::<f64>() / f64::from(n));
        let median = {
            let mut sorted: Vec<f64> = vals.iter().map(|v| v.0).collect();
            sorted.sort_by(f64::total_cmp);
            crate::engine::percentile_linear(&sorted, 0.5)
        };
        let best = vals.first().copied();
        let ranks =
            crate::engine::competition_ranks(&vals.iter().map(|v| v.0).collect::<Vec<_>>(), m.ranking.precision);
        let rank_within = vals.iter().position(|v| v.1 == p).and_then(|k| ranks[k]);
        out.push(PeerRow {
            group,
            group_name: name,
            n,
            value: my_value,
            mean,
            median,
            best: best.map(|b| b.0),
            best_province: best.map(|b| registry.all()[b.1].name_vi.clone()),
            gap_to_mean: diff(mean, my_value),
            gap_to_best: diff(best.map(|b| b.0), my_value),
            rank_within,
        });
    }
    Ok(out)
}

/// The summary publishers print for one node: how many provinces rose, fell or stayed, and the extremes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Movers {
    /// Node path in the year's edition ("" for the total).
    pub node: String,
    /// How the two years' values of the node relate.
    pub comparability: Comparability,
    /// Number of provinces with a value in both years.
    pub n_compared: u32,
    /// Number whose value rose.
    pub n_up: u32,
    /// Number whose value fell.
    pub n_down: u32,
    /// Number whose value did not change.
    pub n_unchanged: u32,
    /// How many changes pass the materiality threshold (None without one).
    pub n_material: Option<u32>,
    /// How many changes the test finds significant (None where no change could be tested).
    pub n_significant: Option<u32>,
    /// Mean change.
    pub mean_delta: Option<f64>,
    /// The province with the largest gain and its delta.
    pub largest_gain: Option<(String, f64)>,
    /// The province with the largest loss and its delta.
    pub largest_loss: Option<(String, f64)>,
    /// Number that moved up in rank.
    pub n_rank_up: u32,
    /// Number that moved down in rank.
    pub n_rank_down: u32,
}

/// Movers per node between two years, from [`compare`]'s rows.
pub fn movers(changes: &[Change]) -> Vec<Movers> {
    let mut order: Vec<&str> = Vec::new();
    let mut by_node: HashMap<&str, Vec<&Change>> = HashMap::new();
    for c in changes {
        if !by_node.contains_key(c.node.as_str()) {
            order.push(&c.node);
        }
        by_node.entry(&c.node).or_default().push(c);
    }
    order
        .into_iter()
        .map(|node| {
            let rows = &by_node[node];
            let with_delta: Vec<(&Change, f64)> = rows.iter().filter_map(|c| c.delta.map(|d| (*c, d))).collect();
            let n = with_delta.len() as u32;
            let gain = with_delta.iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|(c, d)| (c.province.clone(), *d));
            let loss = with_delta.iter().min_by(|a, b| a.1.total_cmp(&b.1)).map(|(c, d)| (c.province.clone(), *d));
            let any_flag = rows.iter().any(|c| c.material.is_some());
            let any_test = rows.iter().any(|c| c.significant.is_some());
            Movers {
                node: node.to_string(),
                comparability: rows[0].comparability,
                n_compared: n,
                n_up: with_delta.iter().filter(|(_, d)| *d > 0.0).count() as u32,
                n_down: with_delta.iter().filter(|(_, d)| *d < 0.0).count() as u32,
                n_unchanged: with_delta.iter().filter(|(_, d)| *d == 0.0).count() as u32,
                n_material: any_flag.then(|| rows.iter().filter(|c| c.material == Some(true)).count() as u32),
                n_significant: any_test.then(|| rows.iter().filter(|c| c.significant == Some(true)).count() as u32),
                mean_delta: (n > 0).then(|| with_delta.iter().map(|(_, d)| d).sum::<f64>() / f64::from(n)),
                largest_gain: gain,
                largest_loss: loss,
                n_rank_up: rows.iter().filter(|c| c.rank_change.is_some_and(|r| r > 0)).count() as u32,
                n_rank_down: rows.iter().filter(|c| c.rank_change.is_some_and(|r| r < 0)).count() as u32,
            }
        })
        .collect()
}

/// Where one province lost points in one year, at one node.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct PointsLost {
    /// Node path in the year's edition ("" for the total).
    pub node: String,
    /// The node's kind.
    pub kind: crate::methodology::NodeKind,
    /// Depth in the tree (0 = total).
    pub depth: usize,
    /// The province's value.
    pub value: f64,
    /// The node's maximum (max points, else the top of its scale); None where the scale has no known top (PGI).
    pub max: Option<f64>,
    /// max − value, in the node's own unit.
    pub lost: Option<f64>,
    /// What the loss costs in the total: lost × ∂total/∂node (0 for nodes that do not feed the total).
    pub cost_in_total: Option<f64>,
    /// The best value any province has at this node that year, and the gap to it (for scaled indices, where the
    /// scale's top is out of reach, the gap to the best province is the useful measure).
    pub best: Option<f64>,
    /// value − best.
    pub gap_to_best: Option<f64>,
    /// gap_to_best × ∂total/∂node.
    pub cost_vs_best: Option<f64>,
    /// The department that leads the index in a province's plan (index data, replaceable).
    pub lead_department: String,
}

/// Points lost per node for one province and year, most costly in the total first. A node counted in points whose
/// maximum is UNKNOWN (e.g. three PAR 2024 areas) is an error that names it: supply the maximum
/// ([`crate::Methodology::with_max_points`]) rather than get a silently partial answer. Nodes on a scale without a
/// known top (PGI sub-indices) have no points lost, only the gap to the best province.
pub fn points_lost(scores: &Scores, province: &str, year: i32) -> Result<Vec<PointsLost>> {
    let registry = Registry::get();
    let me = registry.find_for_year(province, year)?;
    let p = registry.index_of(&me.code).unwrap_or(0);
    let k = scores
        .unit_of(p, year)
        .ok_or_else(|| ChisoError::InvalidArgument(format!("no scores for {} ({}) in {year}", me.name_vi, me.code)))?;
    let u = scores.units()[k];
    let m = scores.edition(u.edition);
    let plan = scores.plan(u.edition);
    // ∂total/∂node by reverse accumulation over the linear plan.
    let mut weight = vec![0.0; m.nodes.len()];
    weight[0] = 1.0;
    for i in m.topological_order().into_iter().rev() {
        for (dep, coef) in plan.terms(i) {
            weight[dep] += weight[i] * coef;
        }
    }
    let lead = catalog().index(&m.index).map(|i| i.lead_department_en.clone()).unwrap_or_default();
    // The best province is drawn from the same year and the same map (63 provinces or 34 units, never both).
    let map = registry.all()[p].geography;
    let peers: Vec<usize> = (0..scores.units().len())
        .filter(|&j| {
            let u = &scores.units()[j];
            u.year == year && registry.all()[u.province].geography == map
        })
        .collect();
    let mut out = Vec::new();
    for (i, n) in m.nodes.iter().enumerate() {
        let Some(value) = scores.value(k, i) else { continue };
        let max = match n.max_value() {
            Some(max) => Some(max),
            None if n.parent.is_some_and(|q| m.nodes[q].max_points.is_some()) => {
                return Err(ChisoError::MissingMaximum {
                    edition: m.code.clone(),
                    node: n.code.clone(),
                    path: n.path.clone(),
                    purpose: "for the points lost".into(),
                })
            }
            None => None,
        };
        let best = peers
            .iter()
            .filter_map(|&j| scores.value(j, i))
            .fold(None, |b: Option<f64>, v| Some(b.map_or(v, |b| b.max(v))));
        let gap = best.map(|b| b - value);
        out.push(PointsLost {
            node: n.path.clone(),
            kind: n.kind,
            depth: n.depth,
            value,
            max,
            // A value a hair above its top (a DERIVED scale's slack) has lost nothing.
            lost: max.map(|mx| (mx - value).max(0.0)),
            cost_in_total: max.map(|mx| (mx - value).max(0.0) * weight[i]),
            best,
            gap_to_best: gap,
            cost_vs_best: gap.map(|g| g * weight[i]),
            lead_department: lead.clone(),
        });
    }
    let key = |p: &PointsLost| p.cost_in_total.or(p.cost_vs_best).unwrap_or(0.0);
    out.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.depth.cmp(&b.depth)));
    Ok(out)
}

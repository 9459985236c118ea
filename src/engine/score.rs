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
    /// Data year.
    pub year: i32,
    /// Full code (`pci.2013/transparency`) or path below the edition root (`transparency`); "" for the total.
    pub node: String,
    /// The value, in `measure`.
    pub value: f64,
    /// The measure the value is given in (README §1.2); [`Measure::Score`] = the node's own scale.
    pub measure: Measure,
}

impl Observation {
    /// An observation given on the node's own scale (measure score).
    pub fn new(province: impl Into<String>, year: i32, node: impl Into<String>, value: f64) -> Observation {
        Observation { province: province.into(), year, node: node.into(), value, measure: Measure::Score }
    }

    /// The same observation given in another measure (points, ratio or pct).
    pub fn in_measure(mut self, measure: Measure) -> Observation {
        self.measure = measure;
        self
    }
}

/// How a value is expressed (README §1.2 and §1.4): points = ratio × max, ratio = points / max, pct = 100 × ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Measure {
    /// The node's own scale, as the edition publishes it.
    #[default]
    Score,
    /// Points out of the node's maximum.
    Points,
    /// Points / maximum, 0–1.
    Ratio,
    /// 100 × ratio.
    Pct,
    /// A published rank (1 = best): kept beside the computed rank as `published_rank`, never scored.
    Rank,
}

named_enum!(Measure, "measure" { Score => "score", Points => "points", Ratio => "ratio", Pct => "pct", Rank => "rank" });

/// The measure a node is published in, from its scale and maximum: 0–1 → ratio, 0–max → points, 0–100 without a
/// maximum → pct; any other scale (PCI 1–10, PAPI 1–10) takes only scores.
fn native_measure(node: &crate::methodology::Node) -> Option<Measure> {
    let near = |a: f64, b: f64| (a - b).abs() < 1e-9;
    match (node.scale, node.max_points) {
        (Some((lo, hi)), _) if near(lo, 0.0) && near(hi, 1.0) => Some(Measure::Ratio),
        (Some((lo, hi)), Some(m)) if near(lo, 0.0) && near(hi, m) => Some(Measure::Points),
        (None, Some(_)) => Some(Measure::Points),
        (Some((lo, hi)), None) if near(lo, 0.0) && near(hi, 100.0) => Some(Measure::Pct),
        _ => None,
    }
}

/// Convert a value given in `measure` to the node's own scale.
fn to_native(
    m: &Methodology,
    node: &crate::methodology::Node,
    measure: Measure,
    value: f64,
    who: (&str, i32),
) -> Result<f64> {
    // A node with neither scale nor maximum under a parent counted in points (PAR areas whose maxima are
    // UNKNOWN) is itself in points, with a maximum the user must supply.
    let in_points = node.scale.is_none()
        && node.max_points.is_none()
        && node.parent.is_some_and(|p| m.nodes[p].max_points.is_some());
    let native = match (measure, native_measure(node).or(in_points.then_some(Measure::Points))) {
        (Measure::Score, _) => return Ok(value),
        (_, None) => {
            let scale = node.scale.map_or("no stated scale".to_string(), |(a, b)| format!("its scale is [{a}, {b}]"));
            return Err(ChisoError::Measure {
                province: who.0.to_string(),
                year: who.1,
                node: node.code.clone(),
                measure: measure.as_str().to_string(),
                why: format!("{scale}; give it as a score"),
            });
        }
        (_, Some(n)) if n == measure => return Ok(value),
        (_, Some(n)) => n,
    };
    let max = || {
        node.max_points.ok_or_else(|| ChisoError::MissingMaximum {
            edition: m.code.clone(),
            node: node.code.clone(),
            path: node.path.clone(),
            purpose: format!("to read a value given as {} as {}", measure.as_str(), native.as_str()),
        })
    };
    let ratio = match measure {
        Measure::Points => value / max()?,
        Measure::Pct => value / 100.0,
        _ => value,
    };
    Ok(match native {
        Measure::Points => ratio * max()?,
        Measure::Pct => ratio * 100.0,
        _ => ratio,
    })
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

named_enum!(MissingPolicy, "missing-value policy" { Strict => "strict", Renormalise => "renormalise" });

/// Which value a node keeps when it is both supplied and computable from complete children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// The computed value; the supplied one stays in `input` for [`Scores::compare_published`].
    #[default]
    Computed,
    /// The supplied (published) value; ancestors are computed from it.
    Published,
}

named_enum!(Prefer, "preference" { Computed => "computed", Published => "published" });

#[derive(Debug, Clone, Default)]
/// Options of [`score`].
pub struct ScoreOptions {
    /// What to do with missing children.
    pub missing: MissingPolicy,
    /// Which value a node keeps when supplied and computable.
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

named_enum!(Origin, "origin" {
    Input => "input",
    Computed => "computed",
    Renormalised => "renormalised",
    Missing => "missing",
});

/// One row of the long result: one province, data year and node.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct ScoreRow {
    /// GSO code of the province (or 2025 unit).
    pub province_code: String,
    /// Vietnamese name with diacritics.
    pub province: String,
    /// Data year.
    pub year: i32,
    /// Code of the edition that scored the year.
    pub edition: String,
    /// Full node code (`pci.2013/transparency`).
    pub node: String,
    /// Path below the edition root ("" for the total).
    pub path: String,
    /// Depth in the tree (0 = total).
    pub depth: usize,
    /// The node's kind as the methodology file names it (pillar, dimension, indicator, …).
    pub kind: crate::methodology::NodeKind,
    /// Whether the node counts in its parent (unscored nodes are published for information only).
    pub scored: bool,
    /// The value, on the node's own scale; None where missing.
    pub score: Option<f64>,
    /// The value supplied for this node, if any (for a computed node: the published value to check against).
    pub input: Option<f64>,
    /// The node's maximum (on its own scale), where known.
    pub max: Option<f64>,
    /// Where the score comes from.
    pub origin: Origin,
    /// Provenance of the score: None for input values; for computed values the weakest status of the rules,
    /// weights and maxima used (a renormalised value is at best DERIVED).
    pub provenance: Option<Status>,
    /// Scored children with no value (why a computed node is missing or renormalised).
    pub missing_children: Vec<String>,
    /// The rank over the publisher's field: None unless the data year holds every unit of that field
    /// ([`ScoreRow::field_status`]).
    pub rank: Option<u32>,
    /// The rank among the provinces in this result (whatever set the data holds): never the publisher's rank
    /// unless the field is full.
    pub rank_within: Option<u32>,
    /// Number of provinces with a value at this node and year (the set `rank_within` is taken over).
    pub n_ranked: u32,
    /// Number of provinces the publisher ranks at this node and year (the index's ranked field).
    pub n_field: u32,
    /// Whether the data year holds the publisher's full field at this node.
    pub field_status: FieldStatus,
    /// Provenance of the ranking rule (precision, tie rule).
    pub rank_status: Status,
    /// The rank the publisher printed, where the input gave one (`measure = "rank"`).
    pub published_rank: Option<u32>,
    /// The edition's group label (quartile, class) where it defines groups.
    pub group: Option<String>,
}

/// Whether a data year holds the whole field the publisher ranks (issue 9 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldStatus {
    /// Every unit of the field has a value: the computed rank is the rank.
    FullField,
    /// Fewer units than the publisher ranked: no rank (only `rank_within`); `n_ranked` of `n_field` say how many.
    PartialField,
}

named_enum!(FieldStatus, "field status" { FullField => "full_field", PartialField => "partial_field" });

/// A computed node compared with the value published for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Comparison {
    /// GSO code of the province.
    pub province_code: String,
    /// Vietnamese name.
    pub province: String,
    /// Data year.
    pub year: i32,
    /// Full node code.
    pub node: String,
    /// The value the edition's rules compute.
    pub computed: f64,
    /// The value supplied (published) for the node.
    pub published: f64,
    /// computed − published.
    pub difference: f64,
    /// The rounding tolerance of README §1.5 rule 3.
    pub tolerance: f64,
    /// |difference| ≤ tolerance.
    pub within: bool,
}

/// The per-slot columns of a [`Scores`], borrowed (as the binding reads them: null is NaN for values, 0 for
/// ranks, `u8::MAX` for groups).
#[cfg_attr(not(feature = "python"), allow(dead_code))]
pub(crate) struct SlotColumns<'a> {
    pub values: &'a [f64],
    pub supplied: &'a [f64],
    pub origin: &'a [Origin],
    pub provenance: &'a [Option<Status>],
    pub rank: &'a [u32],
    pub rank_within: &'a [u32],
    pub n_ranked: &'a [u32],
    pub published_rank: &'a [u32],
    pub group: &'a [u8],
}

/// The result of scoring, stored by columns: one slot per province-year and node, in contiguous buffers. Rows
/// ([`ScoreRow`]) are built on demand.
#[derive(Debug, Clone)]
pub struct Scores {
    editions: Vec<(Arc<Methodology>, Plan)>,
    /// Per edition, its nodes in reading order (root first, each followed by its subtree).
    preorders: Vec<Vec<usize>>,
    units: Vec<Unit>,
    values: Vec<f64>,
    /// The value supplied for each slot, NaN where none.
    supplied: Vec<f64>,
    origin: Vec<Origin>,
    provenance: Vec<Option<Status>>,
    /// Rank over the publisher's field; 0 = no rank (no value, or a partial field).
    rank: Vec<u32>,
    /// Rank among the units of this result with a value; 0 = no value.
    rank_within: Vec<u32>,
    n_ranked: Vec<u32>,
    /// The rank supplied with the input (`measure = "rank"`); 0 = none.
    published_rank: Vec<u32>,
    /// The publisher's field of each unit (index into `fields`).
    unit_field: Vec<usize>,
    fields: Vec<crate::methodology::RankedField>,
    /// Index into the edition's group labels; u8::MAX = no group.
    group: Vec<u8>,
    /// The options the scores were computed with (what-if replays them).
    options: ScoreOptions,
    /// Standard errors of the values, per slot (NaN = unknown); empty until given
    /// ([`Scores::with_standard_errors`]).
    se: Vec<f64>,
}

/// The sampling uncertainty of one value: its standard error, or the confidence interval it was published with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Uncertainty {
    /// A standard error, in the node's own unit.
    StandardError(f64),
    /// A symmetric normal interval at `level` (0.95 for a 95% interval).
    Interval {
        /// Lower end of the interval.
        low: f64,
        /// Upper end of the interval.
        high: f64,
        /// Its confidence level, 0–1.
        level: f64,
    },
}

/// One province-year: where its slots start in the buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unit {
    /// Index in [`Registry::provinces`].
    pub province: usize,
    /// Data year.
    pub year: i32,
    /// Index into the editions used.
    pub edition: usize,
    /// First slot; node i of the edition is slot `offset + i`.
    pub offset: usize,
}

impl Scores {
    /// The province-years scored, sorted by GSO code then year.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The editions used (index = [`Unit::edition`]).
    pub fn editions(&self) -> impl Iterator<Item = &Methodology> {
        self.editions.iter().map(|(m, _)| m.as_ref())
    }

    /// The edition that scored a unit.
    pub fn edition_of(&self, unit: &Unit) -> Option<&Methodology> {
        self.editions.get(unit.edition).map(|(m, _)| m.as_ref())
    }

    /// The edition with index `i` (as in [`Unit::edition`]); panics on a foreign index (crate-internal).
    pub(crate) fn edition(&self, i: usize) -> &Methodology {
        &self.editions[i].0
    }

    /// Node indices of an edition in reading order (crate-internal: indices from this table only).
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    pub(crate) fn preorder(&self, edition: usize) -> &[usize] {
        &self.preorders[edition]
    }

    /// The per-slot columns, for the binding to read whole (crate-internal).
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    pub(crate) fn slot_columns(&self) -> SlotColumns<'_> {
        SlotColumns {
            values: &self.values,
            supplied: &self.supplied,
            origin: &self.origin,
            provenance: &self.provenance,
            rank: &self.rank,
            rank_within: &self.rank_within,
            n_ranked: &self.n_ranked,
            published_rank: &self.published_rank,
            group: &self.group,
        }
    }

    /// The slot of node `node` of unit `unit`, if both exist.
    fn slot_index(&self, unit: usize, node: usize) -> Option<usize> {
        let u = self.units.get(unit)?;
        (node < self.editions[u.edition].0.nodes.len()).then_some(u.offset + node)
    }

    /// Codes of the scored children of slot (unit, node) that have no value.
    pub(crate) fn missing_children(&self, unit: usize, node: usize) -> Vec<String> {
        let u = &self.units[unit];
        let m = &self.editions[u.edition].0;
        let n = &m.nodes[node];
        if matches!(n.aggregation, Aggregation::Opaque) {
            return Vec::new();
        }
        m.dependencies(node)
            .into_iter()
            .filter(|&c| self.values[u.offset + c].is_nan())
            .map(|c| m.nodes[c].code.clone())
            .collect()
    }

    /// When no unit has a total: the codes of the root's children that no unit has (a dropped column, data at
    /// another level), possibly none; None as soon as one unit has a total. Lets a binding say why a result is
    /// empty rather than hand over a table of nulls (issue 9 §6).
    pub fn children_missing_everywhere(&self) -> Option<Vec<String>> {
        if self.units.is_empty() || self.units.iter().any(|u| !self.values[u.offset].is_nan()) {
            return None;
        }
        let mut common: Option<Vec<String>> = None;
        for k in 0..self.units.len() {
            let mine = self.missing_children(k, 0);
            common = Some(match common {
                None => mine,
                Some(c) => c.into_iter().filter(|x| mine.contains(x)).collect(),
            });
        }
        common
    }

    /// The row of one unit and node (crate-internal: indices from this table only).
    pub(crate) fn row(&self, unit: usize, node: usize) -> ScoreRow {
        let u = &self.units[unit];
        let m = &self.editions[u.edition].0;
        let n = &m.nodes[node];
        let p = &Registry::get().all()[u.province];
        let i = u.offset + node;
        let opt = |v: f64| (!v.is_nan()).then_some(v);
        ScoreRow {
            province_code: p.code.clone(),
            province: p.name_vi.clone(),
            year: u.year,
            edition: m.code.clone(),
            node: n.code.clone(),
            path: n.path.clone(),
            depth: n.depth,
            kind: n.kind,
            scored: n.scored,
            score: opt(self.values[i]),
            input: opt(self.supplied[i]),
            max: n.max_value(),
            origin: self.origin[i],
            provenance: self.provenance[i],
            missing_children: self.missing_children(unit, node),
            rank: (self.rank[i] > 0).then_some(self.rank[i]),
            rank_within: (self.rank_within[i] > 0).then_some(self.rank_within[i]),
            n_ranked: self.n_ranked[i],
            n_field: self.field_size_at(unit, node),
            field_status: self.field_status_at(unit, node),
            rank_status: m.ranking.status,
            published_rank: (self.published_rank[i] > 0).then_some(self.published_rank[i]),
            group: m.groups.as_ref().and_then(|g| g.labels.get(self.group[i] as usize).cloned()),
        }
    }

    /// All rows: provinces in GSO order, then years, then nodes in reading order.
    pub fn rows(&self) -> Vec<ScoreRow> {
        self.iter().collect()
    }

    /// The rows one at a time, in the order of [`Scores::rows`], without building them all first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ScoreRow> + '_ {
        let slots: Vec<(usize, usize)> = self
            .units
            .iter()
            .enumerate()
            .flat_map(|(k, u)| self.preorders[u.edition].iter().map(move |&node| (k, node)))
            .collect();
        slots.into_iter().map(move |(k, node)| self.row(k, node))
    }

    /// The options the scores were computed with.
    pub fn options(&self) -> &ScoreOptions {
        &self.options
    }

    /// The supplied value of node `node` of unit `unit` (None where none was given, or no such unit or node).
    pub fn supplied_value(&self, unit: usize, node: usize) -> Option<f64> {
        let v = self.supplied[self.slot_index(unit, node)?];
        (!v.is_nan()).then_some(v)
    }

    /// The compiled plan of edition `i` (crate-internal: indices from this table only).
    pub(crate) fn plan(&self, i: usize) -> &Plan {
        &self.editions[i].1
    }

    /// The unit of a province (index in [`Registry::provinces`]) and data year.
    pub fn unit_of(&self, province: usize, year: i32) -> Option<usize> {
        self.units.binary_search_by(|u| (u.province, u.year).cmp(&(province, year))).ok()
    }

    /// The standard error of node `node` of unit `unit`, where one was given.
    pub fn standard_error(&self, unit: usize, node: usize) -> Option<f64> {
        let v = *self.se.get(self.slot_index(unit, node)?)?;
        (!v.is_nan()).then_some(v)
    }

    /// These scores with the sampling uncertainty of some values: (province, year, node, uncertainty) — any
    /// name of the province, the node by code or path. A value not scored, a negative or non-finite standard
    /// error, or an interval that is not one is an error naming the cell. The values themselves do not change;
    /// [`crate::compare::compare`] tests changes with them.
    pub fn with_standard_errors(mut self, rows: &[(String, i32, String, Uncertainty)]) -> Result<Scores> {
        let registry = Registry::get();
        if self.se.is_empty() {
            self.se = vec![f64::NAN; self.values.len()];
        }
        for (province, year, node, u) in rows {
            let p = registry.find_for_year(province, *year)?;
            let at = registry.index_of(&p.code).and_then(|q| self.unit_of(q, *year)).ok_or_else(|| {
                ChisoError::Data(format!("standard error for {} in {year}, which has no scores", p.name_vi))
            })?;
            let m = self.edition(self.units[at].edition);
            let i = m.find(node).ok_or_else(|| {
                ChisoError::Data(format!(
                    "standard error for {} in {year}: node {node:?} is not in {}",
                    p.name_vi, m.code
                ))
            })?;
            let bad = |value: f64| ChisoError::NonFinite {
                province: p.name_vi.clone(),
                year: *year,
                node: node.clone(),
                value,
            };
            let se = match *u {
                Uncertainty::StandardError(se) => se,
                Uncertainty::Interval { low, high, level } => {
                    for v in [low, high] {
                        if !v.is_finite() {
                            return Err(bad(v));
                        }
                    }
                    if !(level > 0.0 && level < 1.0) || high < low {
                        return Err(ChisoError::Data(format!(
                            "interval [{low}, {high}] at level {level} for {} in {year} at {node:?}: need low ≤ high \
                             and 0 < level < 1",
                            p.name_vi
                        )));
                    }
                    crate::compare::significance::se_from_interval(low, high, level)
                }
            };
            if !se.is_finite() {
                return Err(bad(se));
            }
            if se < 0.0 {
                return Err(ChisoError::Data(format!(
                    "standard error {se} for {} in {year} at {node:?} is negative",
                    p.name_vi
                )));
            }
            self.se[self.units[at].offset + i] = se;
        }
        Ok(self)
    }

    /// Value of node `node` of unit `unit` (None where missing, or no such unit or node).
    pub fn value(&self, unit: usize, node: usize) -> Option<f64> {
        let v = self.values[self.slot_index(unit, node)?];
        (!v.is_nan()).then_some(v)
    }

    /// Rank of node `node` of unit `unit` over the publisher's field (None where the data year does not hold the
    /// full field, see [`Scores::field_status_at`]) and the number with a value (crate-internal: indices from this
    /// table only).
    pub(crate) fn rank_of(&self, unit: usize, node: usize) -> (Option<u32>, u32) {
        let i = self.units[unit].offset + node;
        ((self.rank[i] > 0).then_some(self.rank[i]), self.n_ranked[i])
    }

    /// The field the publisher ranks in unit `unit`'s data year and map.
    pub(crate) fn field_of(&self, unit: usize) -> &crate::methodology::RankedField {
        &self.fields[self.unit_field[unit]]
    }

    /// How many units the field of unit `unit`'s year has at node `node`: the publisher's field, or for an index
    /// whose field is the units given (a user's own), the number with a value.
    pub(crate) fn field_size_at(&self, unit: usize, node: usize) -> u32 {
        match self.field_of(unit).size {
            0 => self.n_ranked[self.units[unit].offset + node],
            size => size,
        }
    }

    /// Whether unit `unit`'s data year holds the publisher's full field at node `node`.
    pub(crate) fn field_status_at(&self, unit: usize, node: usize) -> FieldStatus {
        if self.n_ranked[self.units[unit].offset + node] >= self.field_of(unit).size {
            FieldStatus::FullField
        } else {
            FieldStatus::PartialField
        }
    }

    /// Origin of node `node` of unit `unit` (crate-internal: indices from this table only).
    pub(crate) fn origin_of(&self, unit: usize, node: usize) -> Origin {
        self.origin[self.units[unit].offset + node]
    }

    /// The unit of a province given by any name, alias or code (resolved as [`score`] resolves it, the name
    /// meaning the unit of its map in that year) and data year.
    fn find_unit(&self, province: &str, year: i32) -> Result<usize> {
        let registry = Registry::get();
        let candidates = registry.candidates(province)?;
        candidates.iter().find_map(|&p| self.unit_of(p, year)).ok_or_else(|| {
            let p = &registry.all()[candidates[0]];
            let years: Vec<String> =
                self.units.iter().filter(|u| u.province == candidates[0]).map(|u| u.year.to_string()).collect();
            ChisoError::NotScored {
                province: p.name_vi.clone(),
                year,
                scored_years: if years.is_empty() { "none".into() } else { years.join(", ") },
            }
        })
    }

    /// One row by province (any name, alias or GSO code, accent-insensitive, as [`score`] accepts), data year
    /// and node (full code or path below the root; "" for the total).
    ///
    /// Errors: [`ChisoError::UnknownProvince`] for a name the registry does not know, [`ChisoError::NotScored`]
    /// when these scores have no such province-year, [`ChisoError::UnknownNode`] for a node the year's edition
    /// does not have.
    ///
    /// ```
    /// use chiso::{score, EditionChoice, Observation, ScoreOptions};
    /// let data = [Observation::new("84", 2015, "transparency", 6.5)];
    /// let s = score(&EditionChoice::Edition("pci.2013".into()), &data, &ScoreOptions::default()).unwrap();
    /// assert_eq!(s.get("tra vinh", 2015, "transparency").unwrap().score, Some(6.5));
    /// assert!(matches!(s.get("Trà Vinh", 2016, ""), Err(chiso::ChisoError::NotScored { year: 2016, .. })));
    /// ```
    pub fn get(&self, province: &str, year: i32, node: &str) -> Result<ScoreRow> {
        let k = self.find_unit(province, year)?;
        let m = &self.editions[self.units[k].edition].0;
        let p = &Registry::get().all()[self.units[k].province];
        let idx = m.find(node).ok_or_else(|| unknown_node(m, node, &p.name_vi, year))?;
        Ok(self.row(k, idx))
    }

    /// The total (root score) of a province (any name, alias or code) in a data year: `Ok(None)` where the total
    /// is missing (see the row's `missing_children`); errors as [`Scores::get`].
    pub fn total(&self, province: &str, year: i32) -> Result<Option<f64>> {
        let k = self.find_unit(province, year)?;
        let v = self.values[self.units[k].offset];
        Ok((!v.is_nan()).then_some(v))
    }

    /// Root rows only, one per province-year.
    pub fn totals(&self) -> Vec<ScoreRow> {
        (0..self.units.len()).map(|k| self.row(k, 0)).collect()
    }

    /// Σ |∂v/∂x| over the values x this slot was computed from: its supplied children directly, its computed
    /// children through their own inputs. This is how far rounding of the inputs can move the node (README §1.5
    /// rule 3, carried through every level: a PAPI total from 28 sub-dimensions counts 28 rounded inputs).
    fn input_sensitivity(&self, unit: usize, node: usize) -> f64 {
        let u = &self.units[unit];
        let plan = &self.editions[u.edition].1;
        plan.terms(node)
            .into_iter()
            .map(|(child, coef)| match self.origin[u.offset + child] {
                Origin::Computed | Origin::Renormalised => coef.abs() * self.input_sensitivity(unit, child),
                _ => coef.abs(),
            })
            .sum()
    }

    /// Compare every computed node that also had a supplied (published) value, with the tolerance of README §1.5
    /// rule 3: |computed − published| ≤ 0.5·10^(−decimals_out) + Σ |∂v/∂x| · 0.5·10^(−decimals_in), the sum over
    /// the rounded inputs x the node was computed from. `decimals_in = None` means the inputs were unrounded (only
    /// the output rounding counts). With [`Prefer::Published`] supplied values are kept, so nothing is compared.
    pub fn compare_published(&self, decimals_in: Option<u32>, decimals_out: u32) -> Result<Vec<Comparison>> {
        crate::limits::check_decimals("decimals_in", decimals_in)?;
        crate::limits::check_decimals("decimals_out", Some(decimals_out))?;
        let half = |d: u32| 0.5 * 10f64.powi(-(d as i32));
        let mut out = Vec::new();
        for (k, u) in self.units.iter().enumerate() {
            let m = &self.editions[u.edition].0;
            let p = &Registry::get().all()[u.province];
            for &node in &self.preorders[u.edition] {
                let i = u.offset + node;
                let (computed, published) = (self.values[i], self.supplied[i]);
                if !matches!(self.origin[i], Origin::Computed | Origin::Renormalised) || published.is_nan() {
                    continue;
                }
                let tolerance =
                    half(decimals_out) + decimals_in.map_or(0.0, |d| self.input_sensitivity(k, node) * half(d));
                let difference = computed - published;
                out.push(Comparison {
                    province_code: p.code.clone(),
                    province: p.name_vi.clone(),
                    year: u.year,
                    node: m.nodes[node].code.clone(),
                    computed,
                    published,
                    difference,
                    // A hair of slack for binary floating point at the boundary.
                    within: difference.abs() <= tolerance + 1e-9,
                    tolerance,
                });
            }
        }
        Ok(out)
    }
}

/// Observations as columns with their distinct strings factored out: each distinct province name and node is
/// resolved once, however many rows repeat it.
#[derive(Debug, Clone, Copy)]
pub struct Columns<'a> {
    /// Distinct province names (any name, alias or code).
    pub province_names: &'a [&'a str],
    /// Per row: index into `province_names`.
    pub province_idx: &'a [u32],
    /// Per row: data year.
    pub years: &'a [i32],
    /// Distinct node codes or paths.
    pub node_names: &'a [&'a str],
    /// Per row: index into `node_names`.
    pub node_idx: &'a [u32],
    /// NaN values are errors; rows whose value is missing must be left out by the caller.
    pub values: &'a [f64],
    /// The measure of each value; None = every value is a score on the node's own scale.
    pub measures: Option<&'a [Measure]>,
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
        node: if node.len() > crate::limits::MAX_NAME_BYTES {
            format!("{}… ({} bytes)", node.chars().take(40).collect::<String>(), node.len())
        } else {
            node.to_string()
        },
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
/// every ancestor is computed. See [`MissingPolicy`] for incomplete children and [`Prefer`] for nodes that are
/// both supplied and computable.
pub fn score(choice: &EditionChoice, data: &[Observation], options: &ScoreOptions) -> Result<Scores> {
    let mut province_names: Vec<&str> = Vec::new();
    let mut node_names: Vec<&str> = Vec::new();
    let mut pmap: HashMap<&str, u32> = HashMap::new();
    let mut nmap: HashMap<&str, u32> = HashMap::new();
    let mut province_idx = Vec::with_capacity(data.len());
    let mut node_idx = Vec::with_capacity(data.len());
    for o in data {
        province_idx.push(*pmap.entry(&o.province).or_insert_with(|| {
            province_names.push(&o.province);
            province_names.len() as u32 - 1
        }));
        node_idx.push(*nmap.entry(&o.node).or_insert_with(|| {
            node_names.push(&o.node);
            node_names.len() as u32 - 1
        }));
    }
    let years: Vec<i32> = data.iter().map(|o| o.year).collect();
    let values: Vec<f64> = data.iter().map(|o| o.value).collect();
    let measures: Vec<Measure> = data.iter().map(|o| o.measure).collect();
    let columns = Columns {
        province_names: &province_names,
        province_idx: &province_idx,
        years: &years,
        node_names: &node_names,
        node_idx: &node_idx,
        values: &values,
        measures: Some(&measures),
    };
    score_columns(choice, columns, options)
}

/// [`score`] on columns (the fast path the Python binding uses).
pub fn score_columns(choice: &EditionChoice, data: Columns<'_>, options: &ScoreOptions) -> Result<Scores> {
    let n = data.values.len();
    if n == 0 {
        return Err(ChisoError::Data("no data to score: the input has no rows with values".into()));
    }
    if [data.province_idx.len(), data.years.len(), data.node_idx.len()].iter().any(|&l| l != n)
        || data.measures.is_some_and(|ms| ms.len() != n)
    {
        return Err(ChisoError::Data("province, year, node and value columns differ in length".into()));
    }
    let registry = Registry::get();
    // Each distinct name resolved once; a name may mean a unit of either map, chosen per row by data year.
    let provinces: Vec<Vec<usize>> =
        data.province_names.iter().map(|name| registry.candidates(name)).collect::<Result<_>>()?;
    // Editions: one per data year (or one for all), each compiled once; looked up by year through a dense table.
    let (ymin, ymax) = data.years.iter().fold((i32::MAX, i32::MIN), |(a, b), &y| (a.min(y), b.max(y)));
    let span = (ymax as i64 - ymin as i64 + 1) as usize;
    if span > 100_000 {
        return Err(ChisoError::Data(format!("data years span {ymin}–{ymax}: not a range of data years")));
    }
    let mut editions: Vec<(Arc<Methodology>, Plan)> = Vec::new();
    let mut year_edition: Vec<Option<usize>> = vec![None; span];
    let mut edition_of = |year: i32, editions: &mut Vec<(Arc<Methodology>, Plan)>| -> Result<usize> {
        let slot = (year - ymin) as usize;
        if let Some(e) = year_edition[slot] {
            return Ok(e);
        }
        let (m, plan) = match choice {
            EditionChoice::Index(index) => builtin(catalog().for_year(index, year)?),
            EditionChoice::Edition(code) => builtin(catalog().edition(code)?),
            // A methodology the user passes is compiled for this call: never looked up in the cache of built-in
            // editions, which a derived methodology may share its code with.
            EditionChoice::Methodology(m) => (m.clone(), Plan::compile(m)),
        };
        let e = match editions.iter().position(|(x, _)| x.code == m.code) {
            Some(e) => e,
            None => {
                editions.push((m, plan));
                editions.len() - 1
            }
        };
        year_edition[slot] = Some(e);
        Ok(e)
    };

    // Dense lookup tables: (edition, distinct node name) → node, (province, year) → unit. Each unit's supplied
    // values and published ranks live in two buffers shared by all units (`start[k]` = its first slot), so
    // scoring allocates per call, not per province-year.
    let n_provinces = registry.all().len();
    let mut node_cache: Vec<Vec<Option<usize>>> = Vec::new();
    let mut unit_of: Vec<u32> = vec![u32::MAX; n_provinces * span];
    let mut units: Vec<Unit> = Vec::new();
    let mut start: Vec<usize> = Vec::new();
    let mut supplied: Vec<f64> = Vec::new();
    let mut ranks_given: Vec<u32> = Vec::new();
    let all = registry.all();
    for r in 0..n {
        let candidates = provinces.get(data.province_idx[r] as usize).ok_or_else(|| {
            ChisoError::Data(format!(
                "province index {} is outside the {} province names",
                data.province_idx[r],
                provinces.len()
            ))
        })?;
        let year = data.years[r];
        let covers = |i: usize| (all[i].years.0..=all[i].years.1).contains(&year);
        let pi = match candidates.iter().copied().find(|&i| covers(i)) {
            Some(i) => i,
            None => {
                let p = &all[candidates[0]];
                let (first, last) = p.years;
                let why = if year < first {
                    format!("it exists as a unit from data year {first}")
                } else {
                    format!("after data year {last} it is part of {} (the 2025 geography)", p.merged_2025_into)
                };
                return Err(ChisoError::Data(format!(
                    "{} ({}) is not a province in data year {year}: {why}",
                    p.name_vi, p.code
                )));
            }
        };
        let e = edition_of(year, &mut editions)?;
        let m = &editions[e].0;
        let pname = all[pi].name_vi.as_str();
        let name_idx = data.node_idx[r] as usize;
        if node_cache.len() <= e {
            node_cache.resize(e + 1, Vec::new());
        }
        if node_cache[e].is_empty() {
            node_cache[e] = vec![None; data.node_names.len()];
        }
        let idx = match node_cache[e].get(name_idx).copied().flatten() {
            Some(i) => i,
            None => {
                let name = data.node_names.get(name_idx).copied().ok_or_else(|| {
                    ChisoError::Data(format!(
                        "node index {name_idx} is outside the {} node names",
                        data.node_names.len()
                    ))
                })?;
                let i = m.find(name).ok_or_else(|| unknown_node(m, name, pname, year))?;
                node_cache[e][name_idx] = Some(i);
                i
            }
        };
        let node = &m.nodes[idx];
        let value = data.values[r];
        if !value.is_finite() {
            return Err(ChisoError::NonFinite { province: pname.to_string(), year, node: node.code.clone(), value });
        }
        // The unit of (province, data year), created with empty slots on first use.
        let cell = pi * span + (year - ymin) as usize;
        if unit_of[cell] == u32::MAX {
            unit_of[cell] = units.len() as u32;
            units.push(Unit { province: pi, year, edition: e, offset: 0 });
            start.push(supplied.len());
            supplied.resize(supplied.len() + m.nodes.len(), f64::NAN);
            ranks_given.resize(ranks_given.len() + m.nodes.len(), 0);
        }
        let slot = start[unit_of[cell] as usize] + idx;
        let measure = data.measures.and_then(|ms| ms.get(r).copied()).unwrap_or_default();
        if measure == Measure::Rank {
            // A published rank: a whole number from 1, kept beside the computed one, never scored.
            if value < 1.0 || value.fract() != 0.0 || value > f64::from(u16::MAX) {
                return Err(ChisoError::Data(format!(
                    "{pname} {year}, node {}: rank {value} is not a rank (a whole number from 1)",
                    node.code
                )));
            }
            let given = &mut ranks_given[slot];
            if *given != 0 && *given != value as u32 {
                return Err(ChisoError::Duplicate {
                    province: pname.to_string(),
                    year,
                    node: format!("{} (rank)", node.code),
                    first: f64::from(*given),
                    second: value,
                });
            }
            *given = value as u32;
            continue;
        }
        let value = if measure == Measure::Score { value } else { to_native(m, node, measure, value, (pname, year))? };
        if let Some((lo, hi)) = node.scale {
            let slack = node.scale_slack();
            if value < lo - slack || value > hi + slack {
                return Err(ChisoError::OutOfScale {
                    province: pname.to_string(),
                    year,
                    node: node.code.clone(),
                    value,
                    min: lo,
                    max: hi,
                });
            }
        } else if let Some(max) = node.max_points {
            if value < 0.0 || value > max * (1.0 + 1e-9) {
                return Err(ChisoError::OutOfScale {
                    province: pname.to_string(),
                    year,
                    node: node.code.clone(),
                    value,
                    min: 0.0,
                    max,
                });
            }
        }
        let sup = &mut supplied[slot];
        if !sup.is_nan() && *sup != value {
            return Err(ChisoError::Duplicate {
                province: pname.to_string(),
                year,
                node: node.code.clone(),
                first: *sup,
                second: value,
            });
        }
        *sup = value;
    }

    // Units in GSO order then year; slots laid out back to back.
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_unstable_by_key(|&k| (units[k].province, units[k].year));
    let total = supplied.len();
    let mut scores = Scores {
        preorders: editions.iter().map(|(m, _)| preorder(m)).collect(),
        units: Vec::with_capacity(units.len()),
        values: Vec::with_capacity(total),
        supplied: Vec::with_capacity(total),
        origin: Vec::with_capacity(total),
        provenance: Vec::with_capacity(total),
        rank: vec![0; total],
        rank_within: vec![0; total],
        n_ranked: vec![0; total],
        published_rank: Vec::with_capacity(total),
        unit_field: Vec::new(),
        fields: Vec::new(),
        group: vec![u8::MAX; total],
        editions,
        options: options.clone(),
        se: Vec::new(),
    };
    let renormalise = options.missing == MissingPolicy::Renormalise;
    let keep_supplied = options.prefer == Prefer::Published;
    // Per edition, once: evaluation order, each node's dependencies, and which nodes have a rule to apply.
    let shapes: Vec<Shape> = scores.editions.iter().map(|(m, _)| Shape::of(m)).collect();
    let mut computed = Vec::new();
    for k in order {
        let mut u = units[k];
        let (m, plan) = &scores.editions[u.edition];
        let shape = &shapes[u.edition];
        let width = m.nodes.len();
        let sup = &supplied[start[k]..start[k] + width];
        u.offset = scores.values.len();
        scores.values.extend_from_slice(sup);
        let vals = &mut scores.values[u.offset..];
        plan.evaluate_with(vals, renormalise, keep_supplied);
        let kept = |i: usize| keep_supplied && !sup[i].is_nan();
        let name = &registry.all()[u.province].name_vi;
        super::check_computed(m, vals, |i| shape.computable[i] && !kept(i), name, u.year)?;
        computed_provenance(m, shape, vals, sup, &mut computed);
        for i in 0..width {
            let complete = shape.computable[i] && shape.dependencies[i].iter().all(|&c| !vals[c].is_nan());
            let origin = if vals[i].is_nan() {
                Origin::Missing
            } else if keep_supplied && !sup[i].is_nan() {
                Origin::Input
            } else if complete {
                Origin::Computed
            } else if !sup[i].is_nan() {
                Origin::Input
            } else {
                Origin::Renormalised
            };
            scores.origin.push(origin);
            scores.provenance.push(match origin {
                Origin::Input | Origin::Missing => None,
                Origin::Computed => Some(computed[i]),
                Origin::Renormalised => Some(computed[i].weakest(Status::Derived)),
            });
        }
        scores.supplied.extend_from_slice(sup);
        scores.published_rank.extend_from_slice(&ranks_given[start[k]..start[k] + width]);
        scores.units.push(u);
    }
    rank_and_group(&mut scores);
    Ok(scores)
}

/// A built-in edition and its compiled plan, compiled once per process: the catalog never changes, so neither
/// do they (a user's methodology never comes here, see [`score_columns`]).
fn builtin(m: &'static Methodology) -> (Arc<Methodology>, Plan) {
    type Compiled = HashMap<usize, (Arc<Methodology>, Plan)>;
    static COMPILED: std::sync::OnceLock<std::sync::Mutex<Compiled>> = std::sync::OnceLock::new();
    // Keyed by the edition's address in the catalog, which lives (unmoved) for the whole process.
    let key = m as *const Methodology as usize;
    let cache = COMPILED.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (m, plan) = cache.entry(key).or_insert_with(|| (Arc::new(m.clone()), Plan::compile(m)));
    (m.clone(), plan.clone())
}

/// What the engine needs of an edition's tree for every unit, worked out once per call.
struct Shape {
    /// Evaluation order: every node after the nodes it is computed from.
    topological: Vec<usize>,
    /// Per node, the nodes it is computed from ([`Methodology::dependencies`]).
    dependencies: Vec<Vec<usize>>,
    /// Per node, whether it has a rule to apply (not opaque, and something to apply it to).
    computable: Vec<bool>,
}

impl Shape {
    fn of(m: &Methodology) -> Shape {
        let dependencies: Vec<Vec<usize>> = (0..m.nodes.len()).map(|i| m.dependencies(i)).collect();
        let computable = m
            .nodes
            .iter()
            .zip(&dependencies)
            .map(|(n, d)| !matches!(n.aggregation, Aggregation::Opaque) && !d.is_empty())
            .collect();
        Shape { topological: m.topological_order(), dependencies, computable }
    }
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
fn computed_provenance(m: &Methodology, shape: &Shape, values: &[f64], supplied: &[f64], status: &mut Vec<Status>) {
    status.clear();
    status.resize(m.nodes.len(), Status::Official);
    for &i in &shape.topological {
        let n = &m.nodes[i];
        let mut s = n.aggregation_status;
        for &c in &shape.dependencies[i] {
            let ch = &m.nodes[c];
            match n.aggregation {
                Aggregation::WMean { .. } => s = s.weakest(ch.weight_status),
                Aggregation::Ratio => s = s.weakest(ch.max_points_status),
                _ => {}
            }
            // A child that was itself computed passes its provenance up; a supplied child is data, not a rule.
            let child_computed = !shape.dependencies[c].is_empty() && !values[c].is_nan() && supplied[c].is_nan();
            if child_computed {
                s = s.weakest(status[c]);
            }
        }
        status[i] = s;
    }
}

/// Ranks per (data year, node) with the edition's ranking rule, and quartile groups where the edition has them.
/// Every unit of a data year shares one edition (editions are chosen per year), so node indices line up.
fn rank_and_group(s: &mut Scores) {
    // Ranked within one data year and one map: the 63 provinces and the 34 units of 2025 are never ranked together.
    let registry = Registry::get();
    let mut by_year: BTreeMap<(i32, bool), Vec<usize>> = BTreeMap::new();
    for (k, u) in s.units.iter().enumerate() {
        let merged = registry.all()[u.province].geography == crate::provinces::Geography::Units2025;
        by_year.entry((u.year, merged)).or_default().push(k);
    }
    let mut column = Vec::new();
    let mut sorted = Vec::new();
    s.unit_field = vec![0; s.units.len()];
    for (&(year, merged), ks) in &by_year {
        let e = s.units[ks[0]].edition;
        let m = s.editions[e].0.clone();
        // The field the publisher ranks this year on this map (issue 9 §2): a rank or a quartile group (a rank in
        // four bands) is shown only when the data holds all of it.
        let geography =
            if merged { crate::provinces::Geography::Units2025 } else { crate::provinces::Geography::Provinces63 };
        let field = catalog().ranked_field(&m.index, year, geography);
        let size = field.size;
        let f = match s.fields.iter().position(|x| *x == field) {
            Some(f) => f,
            None => {
                s.fields.push(field);
                s.fields.len() - 1
            }
        };
        for &k in ks {
            s.unit_field[k] = f;
        }
        for (node, n) in m.nodes.iter().enumerate() {
            column.clear();
            column.extend(ks.iter().map(|&k| s.values[s.units[k].offset + node]));
            let ranks = competition_ranks(&column, m.ranking.precision);
            let n_ranked = ranks.iter().filter(|r| r.is_some()).count() as u32;
            let full = n_ranked >= size;
            for (j, &k) in ks.iter().enumerate() {
                let slot = s.units[k].offset + node;
                s.rank_within[slot] = ranks[j].unwrap_or(0);
                s.rank[slot] = if full { ranks[j].unwrap_or(0) } else { 0 };
                s.n_ranked[slot] = n_ranked;
            }
            let Some(g) = m.groups.as_ref().filter(|g| n.depth <= g.max_depth) else { continue };
            match &g.method {
                crate::methodology::GroupMethod::Quartiles => {
                    if !full {
                        continue;
                    }
                    sorted.clear();
                    sorted.extend(column.iter().copied().filter(|v| !v.is_nan()));
                    if sorted.is_empty() || g.labels.len() < 4 {
                        continue;
                    }
                    sorted.sort_by(f64::total_cmp);
                    for (j, &k) in ks.iter().enumerate() {
                        if !column[j].is_nan() {
                            s.group[s.units[k].offset + node] =
                                quartile_group(column[j], &sorted).map_or(u8::MAX, |g| g as u8);
                        }
                    }
                }
                crate::methodology::GroupMethod::Thresholds(cuts) => {
                    // Compared at the ranking precision: a value printed as 90.00 is in the group of 90.
                    let d = m.ranking.precision.unwrap_or(crate::engine::rank::UNROUNDED_DECIMALS);
                    for (j, &k) in ks.iter().enumerate() {
                        if !column[j].is_nan() {
                            let v = crate::text::round_to(column[j], d);
                            let group = cuts.iter().position(|&c| v >= c).unwrap_or(cuts.len());
                            s.group[s.units[k].offset + node] = group as u8;
                        }
                    }
                }
            }
        }
    }
}

//! The methodology model: one [`Methodology`] per index edition, read from a declarative TOML file
//! (`methodologies/<index>/<edition>.toml`; format in `docs/methodology-files.md`).
//!
//! The model knows no index by name. Everything index-specific — the tree, the weights, the scales, the
//! aggregation rule of each node, the ranking precision, the groups — is in the file.

mod catalog_impl;
mod file;

pub use catalog_impl::{
    catalog, Catalog, FieldDefault, IndexInfo, MergedUnitsInfo, RankedField, RankedFieldInfo, RankedFieldYears,
    SignificanceInfo,
};

use std::collections::HashMap;
use std::fmt;

use crate::error::{ChisoError, Result};

/// Provenance of a number, as the specification labels it (shared/methodology/README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Stated by the publisher or in the governing decision.
    Official,
    /// Worked out from published numbers by arithmetic, and verified.
    Derived,
    /// Given by the user (a variant of a built-in edition, or the user's own file).
    UserSupplied,
    /// Not found: must be supplied before it can be used.
    Unknown,
}

impl Status {
    /// Every provenance, strongest first.
    pub const ALL: &'static [Status] = &[Status::Official, Status::Derived, Status::UserSupplied, Status::Unknown];

    /// The spelling used in files, frames and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Official => "official",
            Status::Derived => "derived",
            Status::UserSupplied => "user_supplied",
            Status::Unknown => "unknown",
        }
    }

    /// The weaker of two provenances: a number computed from a DERIVED weight is DERIVED.
    pub fn weakest(self, other: Status) -> Status {
        self.max(other)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any case; `user-supplied` and `user` are accepted for `user_supplied` (the spellings the specification uses).
impl std::str::FromStr for Status {
    type Err = ChisoError;

    fn from_str(s: &str) -> Result<Status> {
        match s.to_ascii_lowercase().as_str() {
            "official" => Ok(Status::Official),
            "derived" => Ok(Status::Derived),
            "user_supplied" | "user-supplied" | "user" => Ok(Status::UserSupplied),
            "unknown" => Ok(Status::Unknown),
            _ => Err(ChisoError::UnknownValue {
                what: "provenance".into(),
                value: s.into(),
                expected: Status::ALL.iter().map(|s| s.as_str().to_string()).collect(),
            }),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Status, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// How a node is computed from its scored children (shared/methodology/README.md §1.5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Aggregation {
    /// v = Σ v_c.
    Sum,
    /// v = k · Σ w_c v_c / Σ w_c.
    WMean {
        /// The total the weights are scaled to (1 for a mean, 100 for a 0–100 index).
        k: f64,
    },
    /// v = (1/n) Σ v_c.
    Mean,
    /// v = Σ points / Σ max, children given as ratios of their own maxima: v = Σ max_c·v_c / Σ max_c.
    Ratio,
    /// No formula known: the value must be supplied (the default for leaves).
    Opaque,
}

impl Aggregation {
    /// The rule's name as the methodology files spell it (SUM, WMEAN, MEAN, RATIO, OPAQUE).
    pub fn name(&self) -> &'static str {
        match self {
            Aggregation::Sum => "SUM",
            Aggregation::WMean { .. } => "WMEAN",
            Aggregation::Mean => "MEAN",
            Aggregation::Ratio => "RATIO",
            Aggregation::Opaque => "OPAQUE",
        }
    }
}

impl fmt::Display for Aggregation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Aggregation::WMean { k } => write!(f, "WMEAN(k={k})"),
            other => f.write_str(other.name()),
        }
    }
}

/// How a node relates to the node it continues in the previous edition of its index (README §1.7 lineage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineageKind {
    /// Same indicators: values compare across the break.
    Comparable,
    /// Rebuilt, re-scaled or re-weighted: values do not compare.
    NotComparable,
    /// Not known: treated as not comparable.
    Unknown,
    /// The node did not exist in the previous edition.
    New,
}

named_enum!(LineageKind, "lineage kind" {
    Comparable => "comparable",
    NotComparable => "not_comparable",
    Unknown => "unknown",
    New => "new",
});

/// What a node is in its publisher's tree, in the publisher's own terms (the vocabulary of the methodology
/// specification §1.3, and the words the edition files use for PAPI, SIPAS, ICT and DTI levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NodeKind {
    /// The edition's root: the index itself.
    Total,
    /// An index published next to the total and not counted in it (ICT: the IT Industry Index).
    Index,
    /// A pillar (DTI).
    Pillar,
    /// A group of indicators (DTI).
    Group,
    /// An area of the PAR INDEX.
    Area,
    /// A dimension (PAPI).
    Dimension,
    /// A sub-index (PCI, PGI).
    SubIndex,
    /// A sub-dimension (PAPI).
    SubDimension,
    /// A main indicator (DTI).
    MainIndicator,
    /// A criterion (specification vocabulary; no bundled edition uses it).
    Criterion,
    /// A sub-criterion (specification vocabulary; no bundled edition uses it).
    SubCriterion,
    /// An indicator (PCI).
    Indicator,
    /// A block of areas (the PAR INDEX block views).
    Block,
    /// An aspect (SIPAS).
    Aspect,
    /// A component (ICT).
    Component,
    /// A sub-component (ICT).
    SubComponent,
    /// A content (SIPAS).
    Content,
    /// An element (SIPAS).
    Element,
}

named_enum!(NodeKind, "node kind" {
    Total => "total",
    Index => "index",
    Pillar => "pillar",
    Group => "group",
    Area => "area",
    Dimension => "dimension",
    SubIndex => "sub-index",
    SubDimension => "sub-dimension",
    MainIndicator => "main indicator",
    Criterion => "criterion",
    SubCriterion => "sub-criterion",
    Indicator => "indicator",
    Block => "block",
    Aspect => "aspect",
    Component => "component",
    SubComponent => "sub-component",
    Content => "content",
    Element => "element",
});

/// A node's lineage entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Lineage {
    /// The node's kind (pillar, dimension, indicator, …).
    pub kind: LineageKind,
    /// The code of the node it continues; None = the same path in the previous edition.
    pub from: Option<String>,
    /// Provenance.
    pub status: Status,
    /// Free-text note from the specification.
    pub note: Option<String>,
}

/// Ranking rule of an edition (README §1.6): standard competition ranking, descending, on values compared at
/// `precision` decimals (`None` = unrounded).
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Decimals compared when ranking (None: unrounded).
    pub precision: Option<u32>,
    /// Provenance.
    pub status: Status,
}

/// How an edition puts provinces in groups (README §1.6; thresholds are lower-inclusive).
#[derive(Debug, Clone, PartialEq)]
pub enum GroupMethod {
    /// PAPI: ≥ P75, [P50, P75), [P25, P50), < P25, linear percentiles over the provinces with data.
    Quartiles,
    /// Fixed cut-offs, highest first (PAR 2022–2024: 90 / 80 / 70 for groups A / B / C / D).
    Thresholds(Vec<f64>),
}

/// Performance groups of an edition.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// How the groups are formed.
    pub method: GroupMethod,
    /// Labels from the highest group to the lowest.
    pub labels: Vec<String>,
    /// Nodes at depth ≤ this get groups (0 = total only, 1 = total and its children).
    pub max_depth: usize,
    /// Provenance.
    pub status: Status,
    /// Provenance of the grouping method.
    pub method_status: Status,
}

/// One node of an edition's tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Full code, e.g. `papi.2021/participation/civic_knowledge`.
    pub code: String,
    /// Path below the edition root (`participation/civic_knowledge`); empty for the root.
    pub path: String,
    /// Index of the parent node (None for the root).
    pub parent: Option<usize>,
    /// Indices of the child nodes in [`Methodology::nodes`].
    pub children: Vec<usize>,
    /// Nodes this one is computed from instead of its children (a view node sharing the default tree's nodes, e.g.
    /// DTI pillars = RATIO over the foundation indicators and one activity indicator: README §1.5 SHARED_RATIO).
    pub inputs: Vec<usize>,
    /// Depth in the tree (0 = total).
    pub depth: usize,
    /// The node's kind (pillar, dimension, indicator, …).
    pub kind: NodeKind,
    /// English name.
    pub name_en: String,
    /// Vietnamese name, with diacritics.
    pub name_vi: Option<String>,
    /// The published scale (min, max) of the node's values.
    pub scale: Option<(f64, f64)>,
    /// A DERIVED scale is a range inferred from published data, checked with slack (see [`Node::scale_slack`]).
    pub scale_status: Status,
    /// The node's maximum in points, where it is counted in points.
    pub max_points: Option<f64>,
    /// Provenance of the maximum.
    pub max_points_status: Status,
    /// Weight in the parent's WMEAN.
    pub weight: Option<f64>,
    /// Provenance of the weight.
    pub weight_status: Status,
    /// How the node is computed from its scored children.
    pub aggregation: Aggregation,
    /// Provenance of the aggregation rule.
    pub aggregation_status: Status,
    /// The declared total of the children's weights (WMEAN).
    pub weights_sum: Option<f64>,
    /// Whether the node counts in its parent.
    pub scored: bool,
    /// Where the node's numbers come from (document, page, table).
    pub source: Option<String>,
    /// Free-text note from the specification.
    pub note: Option<String>,
    /// Against the previous edition of the index; None in a first edition (or where a file does not say: unknown).
    pub lineage: Option<Lineage>,
}

impl Node {
    /// The largest value the node's score can take, in the measure the score is in: the top of its scale where it
    /// has one (a score is always on the node's own scale), else its maximum points. The measure and the maximum
    /// come from the same node: a DTI total scored 0–1 has a maximum of 1, not its 1,000 points (issue 9 §3).
    pub fn max_value(&self) -> Option<f64> {
        self.scale.map(|s| s.1).or(self.max_points)
    }

    /// How far outside its scale an input value may lie before it is refused: nothing (beyond float noise) for
    /// an OFFICIAL scale; 1% of the width for a DERIVED one, because such a range was inferred from published
    /// values and the publisher's own data may stray just past it (PAPI: two cells below 1/k).
    pub fn scale_slack(&self) -> f64 {
        match self.scale {
            Some((lo, hi)) if self.scale_status != Status::Official => 0.01 * (hi - lo),
            Some((_, hi)) => 1e-9 * (1.0 + hi.abs()),
            None => 0.0,
        }
    }
}

/// One edition of one index: a fixed tree with its rules, and the data years it governs.
#[derive(Debug, Clone, PartialEq)]
pub struct Methodology {
    /// Edition code (`pci.2013`).
    pub code: String,
    /// Index id.
    pub index: String,
    /// First data year covered.
    pub first_year: i32,
    /// Last data year covered (None: still in force).
    pub last_year: Option<i32>,
    /// English name.
    pub name_en: String,
    /// Vietnamese name, with diacritics.
    pub name_vi: String,
    /// The governing document.
    pub document: Option<String>,
    /// Where the node's numbers come from (document, page, table).
    pub source: Option<String>,
    /// Provenance.
    pub status: Status,
    /// Decimals the publisher prints.
    pub display_decimals: u32,
    /// Free-text note from the specification.
    pub note: Option<String>,
    /// Data years before which a break is suspected inside this edition (not confirmed by the publisher): a
    /// comparison across one is flagged, never treated as within-edition.
    pub suspected_breaks: Vec<i32>,
    /// The ranking rule.
    pub ranking: Ranking,
    /// The groups (quartiles, classes), where the edition has them.
    pub groups: Option<Groups>,
    /// Nodes; index 0 is the root, the rest in file order (evaluation order: [`Methodology::topological_order`]).
    pub nodes: Vec<Node>,
    /// Where the file came from: `builtin:methodologies/pci/pci.2013.toml` or a user path.
    pub origin: String,
    /// For a variant of a built-in edition, the built-in's code: its node codes are accepted too, so data keyed
    /// by the built-in (e.g. the bundled datasets) scores with the variant.
    pub variant_of: Option<String>,
    by_code: HashMap<String, usize>,
}

impl Methodology {
    /// Parse and validate a methodology file's text. `file` names it in error messages.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Methodology> {
        file::parse(text, file)
    }

    /// Read, parse and validate a methodology file.
    pub fn from_toml_path(path: &std::path::Path) -> Result<Methodology> {
        let file = path.display().to_string();
        // The size is checked before the file is read: a methodology file is text of a few kilobytes.
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_file() && meta.len() > crate::limits::MAX_METHODOLOGY_BYTES as u64 {
                return Err(ChisoError::Methodology {
                    file,
                    node: None,
                    message: format!(
                        "the file has {} bytes; methodology files are at most {} bytes",
                        meta.len(),
                        crate::limits::MAX_METHODOLOGY_BYTES
                    ),
                });
            }
        }
        let text = std::fs::read_to_string(path).map_err(|e| ChisoError::Methodology {
            file: file.clone(),
            node: None,
            message: format!("cannot read: {e}"),
        })?;
        let mut m = file::parse(&text, &file)?;
        m.mark_user_supplied();
        Ok(m)
    }

    pub(crate) fn new(header: MethodologyHeader, nodes: Vec<Node>, origin: String) -> Methodology {
        let by_code = nodes.iter().enumerate().map(|(i, n)| (n.code.clone(), i)).collect();
        Methodology {
            code: header.code,
            index: header.index,
            first_year: header.first_year,
            last_year: header.last_year,
            name_en: header.name_en,
            name_vi: header.name_vi,
            document: header.document,
            source: header.source,
            status: header.status,
            display_decimals: header.display_decimals,
            note: header.note,
            suspected_breaks: header.suspected_breaks,
            ranking: header.ranking,
            groups: header.groups,
            nodes,
            origin,
            variant_of: None,
            by_code,
        }
    }

    /// The root node (the index total).
    pub fn root(&self) -> &Node {
        &self.nodes[0]
    }

    /// Is this a view (a second decomposition of an edition's total, code `index.YYYY:view`)?
    pub fn is_view(&self) -> bool {
        self.code.contains(':')
    }

    /// Does this edition govern data year `year`?
    pub fn covers(&self, year: i32) -> bool {
        year >= self.first_year && self.last_year.is_none_or(|l| year <= l)
    }

    /// "2013–2021" or "2022–".
    pub fn years_label(&self) -> String {
        match self.last_year {
            Some(l) if l == self.first_year => format!("{l}"),
            Some(l) => format!("{}–{}", self.first_year, l),
            None => format!("{}–", self.first_year),
        }
    }

    /// Node index by full code, by path below the root, or "" / the edition code for the root.
    pub fn find(&self, node: &str) -> Option<usize> {
        let node = node.trim();
        if let Some(&i) = self.by_code.get(node) {
            return Some(i);
        }
        if node.is_empty() {
            return Some(0);
        }
        if let Some(base) = &self.variant_of {
            if node == base {
                return Some(0);
            }
            if let Some(path) = node.strip_prefix(base.as_str()).and_then(|p| p.strip_prefix('/')) {
                return self.by_code.get(&format!("{}/{}", self.code, path)).copied();
            }
        }
        if node.starts_with(':') {
            // A view's node inside the edition's file: its path keeps the view marker (":pillars/…").
            return self.by_code.get(&format!("{}{}", self.code, node)).copied();
        }
        let path = node.trim_matches('/');
        self.by_code.get(&format!("{}/{}", self.code, path)).copied()
    }

    /// Node by code or path.
    pub fn node(&self, node: &str) -> Option<&Node> {
        self.find(node).map(|i| &self.nodes[i])
    }

    /// The nodes node `i` is computed from: its `inputs` if it has any, else its scored children when it has a
    /// rule (an OPAQUE node depends on nothing: its value is supplied).
    pub fn dependencies(&self, i: usize) -> Vec<usize> {
        let n = &self.nodes[i];
        if !n.inputs.is_empty() {
            return n.inputs.clone();
        }
        if matches!(n.aggregation, Aggregation::Opaque) {
            return Vec::new();
        }
        n.children.iter().copied().filter(|&c| self.nodes[c].scored).collect()
    }

    /// Node indices with every node after the nodes it is computed from (the order the engine evaluates in).
    /// Loading refuses files whose dependencies form a cycle, so the order always exists.
    pub fn topological_order(&self) -> Vec<usize> {
        self.dependency_order().unwrap_or_else(|_| (0..self.nodes.len()).collect())
    }

    /// Depth-first post-order over the dependencies, walked with an explicit stack (a user's tree may be tens of
    /// thousands of levels deep before the depth check; no walk here recurses). `Err(i)`: node `i` depends on
    /// itself through its inputs.
    pub(crate) fn dependency_order(&self) -> std::result::Result<Vec<usize>, usize> {
        let n = self.nodes.len();
        let mut out = Vec::with_capacity(n);
        let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
        let mut stack: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            state[start] = 1;
            stack.push((start, self.dependencies(start), 0));
            while let Some((i, deps, next)) = stack.last_mut() {
                if let Some(&d) = deps.get(*next) {
                    *next += 1;
                    match state[d] {
                        0 => {
                            state[d] = 1;
                            let deps = self.dependencies(d);
                            stack.push((d, deps, 0));
                        }
                        1 => return Err(d),
                        _ => {}
                    }
                } else {
                    let i = *i;
                    state[i] = 2;
                    out.push(i);
                    stack.pop();
                }
            }
        }
        Ok(out)
    }

    /// A variant of this edition with other weights, e.g. `[("transparency", 10.0), …]`. Nodes are named by code
    /// or path; the declared `weights_sum` of each parent is kept, so the new weights of a parent's children must
    /// still add up to it (or pass `rescale_sum = true` to declare their new total instead). The variant's code gets
    /// a `+user` suffix and its weights are labelled user-supplied.
    pub fn with_weights(&self, weights: &[(&str, f64)], rescale_sum: bool) -> Result<Methodology> {
        let mut m = self.clone();
        let mut parents = Vec::new();
        for (node, w) in weights {
            let i = m.find(node).ok_or_else(|| {
                ChisoError::InvalidArgument(format!("with_weights: node {node:?} is not in edition {}", self.code))
            })?;
            let parent = m.nodes[i].parent.ok_or_else(|| {
                ChisoError::InvalidArgument(format!("with_weights: {} is the root and has no weight", m.nodes[i].code))
            })?;
            if !matches!(m.nodes[parent].aggregation, Aggregation::WMean { .. }) {
                return Err(ChisoError::InvalidArgument(format!(
                    "with_weights: the parent of {} ({}) aggregates by {}, which takes no weights",
                    m.nodes[i].code, m.nodes[parent].code, m.nodes[parent].aggregation
                )));
            }
            if !w.is_finite() || *w < 0.0 || *w > crate::limits::MAX_MAGNITUDE {
                return Err(ChisoError::InvalidArgument(format!(
                    "with_weights: weight {w} for {} must be a finite number from 0 to 1e12",
                    m.nodes[i].code
                )));
            }
            m.nodes[i].weight = Some(*w);
            m.nodes[i].weight_status = Status::UserSupplied;
            parents.push(parent);
        }
        if rescale_sum {
            for p in parents {
                let total: f64 =
                    m.nodes[p].children.iter().filter(|&&c| m.nodes[c].scored).filter_map(|&c| m.nodes[c].weight).sum();
                m.nodes[p].weights_sum = Some(total);
            }
        }
        m.mark_user_supplied();
        file::validate(&m, &m.origin)?;
        Ok(m)
    }

    /// A variant carrying weights estimated from published data (see `project::calibrate`): code suffix
    /// `+calibrated`, weights and edition labelled derived, `note` recording the fit.
    pub fn calibrated(&self, weights: &[(&str, f64)], note: &str) -> Result<Methodology> {
        let mut m = self.with_weights(weights, true)?;
        let base = self.variant_of.clone().unwrap_or_else(|| self.code.clone());
        let new = format!("{base}+calibrated");
        for n in &mut m.nodes {
            n.code = format!("{new}{}", &n.code[m.code.len()..]);
            if n.weight.is_some() && n.weight_status == Status::UserSupplied {
                n.weight_status = Status::Derived;
            }
        }
        m.code = new;
        m.by_code = m.nodes.iter().enumerate().map(|(i, n)| (n.code.clone(), i)).collect();
        // Estimated from published data: DERIVED, as the spec labels such weights (not the user's own numbers).
        m.status = self.status.weakest(Status::Derived);
        m.note = Some(format!("{}Calibrated: {note}", m.note.as_deref().map(|n| format!("{n} ")).unwrap_or_default()));
        Ok(m)
    }

    /// A variant with maxima the edition does not know (UNKNOWN in the spec), e.g. the three 2024 PAR areas:
    /// `[("institutions", 10.0), …]` by path or code. Each becomes user-supplied; the file's checks run again (a
    /// SUM's maxima must still add up where all are known). The variant's code gets a `+user` suffix.
    pub fn with_max_points(&self, maxima: &[(&str, f64)]) -> Result<Methodology> {
        let mut m = self.clone();
        for (node, max) in maxima {
            let i = m.find(node).ok_or_else(|| {
                ChisoError::InvalidArgument(format!("with_max_points: node {node:?} is not in edition {}", self.code))
            })?;
            if !(max.is_finite() && *max > 0.0 && *max <= crate::limits::MAX_MAGNITUDE) {
                return Err(ChisoError::InvalidArgument(format!(
                    "with_max_points: maximum {} for {} must be a positive number of at most {:e}",
                    crate::text::num(*max),
                    m.nodes[i].code,
                    crate::limits::MAX_MAGNITUDE
                )));
            }
            m.nodes[i].max_points = Some(*max);
            m.nodes[i].max_points_status = Status::UserSupplied;
        }
        m.mark_user_supplied();
        file::validate(&m, &m.origin)?;
        Ok(m)
    }

    /// Label the edition as a user's variant (code suffix `+user`, status user-supplied).
    fn mark_user_supplied(&mut self) {
        if !self.code.ends_with("+user") && self.origin.starts_with("builtin:") {
            let old = self.code.clone();
            let new = format!("{old}+user");
            for n in &mut self.nodes {
                n.code = format!("{new}{}", &n.code[old.len()..]);
            }
            self.code = new;
            self.variant_of = Some(old);
            self.by_code = self.nodes.iter().enumerate().map(|(i, n)| (n.code.clone(), i)).collect();
            self.origin = format!("variant of {}", self.origin);
        }
        self.status = self.status.weakest(Status::UserSupplied);
    }
}

/// The `[edition]` header of a file, as the model keeps it.
#[derive(Debug, Clone)]
pub(crate) struct MethodologyHeader {
    pub code: String,
    pub index: String,
    pub first_year: i32,
    pub last_year: Option<i32>,
    pub name_en: String,
    pub name_vi: String,
    pub document: Option<String>,
    pub source: Option<String>,
    pub status: Status,
    pub display_decimals: u32,
    pub note: Option<String>,
    /// Data years before which a break is suspected inside this edition (not confirmed by the publisher): a
    /// comparison across one is flagged, never treated as within-edition.
    pub suspected_breaks: Vec<i32>,
    pub ranking: Ranking,
    pub groups: Option<Groups>,
}

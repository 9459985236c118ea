//! Rust values → polars DataFrames (built through the Python polars API, so no Rust polars is compiled in), and
//! `ChisoError` → the exception classes of `chiso.exceptions`, with structured attributes.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::buffers::bytes_of;
use crate::datasets::DatasetRow;
use crate::engine::{Comparison, Origin, Scores};
use crate::error::ChisoError;
use crate::methodology::Methodology;

enum Column {
    Str(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<bool>),
    OptBool(Vec<Option<bool>>),
    StrList(Vec<Vec<String>>),
    IntList(Vec<Vec<i64>>),
}

impl Column {
    fn dtype<'py>(&self, pl: &Bound<'py, PyModule>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Column::Str(_) => pl.getattr("String"),
            Column::Int(_) => pl.getattr("Int64"),
            Column::Float(_) => pl.getattr("Float64"),
            Column::Bool(_) | Column::OptBool(_) => pl.getattr("Boolean"),
            Column::StrList(_) => pl.getattr("List")?.call1((pl.getattr("String")?,)),
            Column::IntList(_) => pl.getattr("List")?.call1((pl.getattr("Int64")?,)),
        }
    }

    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        match self {
            Column::Str(v) => PyList::new(py, v),
            Column::Int(v) => PyList::new(py, v),
            Column::Float(v) => PyList::new(py, v),
            Column::Bool(v) => PyList::new(py, v),
            Column::OptBool(v) => PyList::new(py, v),
            Column::StrList(v) => PyList::new(py, v),
            Column::IntList(v) => PyList::new(py, v),
        }
    }
}

/// A column-ordered table that becomes a polars DataFrame with an explicit schema.
#[derive(Default)]
pub struct Frame {
    columns: Vec<(String, Column)>,
}

impl Frame {
    fn column(&mut self, name: &str, make: impl FnOnce() -> Column) -> &mut Column {
        let i = match self.columns.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                self.columns.push((name.to_string(), make()));
                self.columns.len() - 1
            }
        };
        &mut self.columns[i].1
    }
    pub fn str(&mut self, name: &str, v: &str) {
        self.opt_str(name, Some(v))
    }
    pub fn opt_str(&mut self, name: &str, v: Option<&str>) {
        if let Column::Str(c) = self.column(name, || Column::Str(Vec::new())) {
            c.push(v.map(str::to_string));
        }
    }
    pub fn int(&mut self, name: &str, v: i64) {
        self.opt_int(name, Some(v))
    }
    pub fn opt_int(&mut self, name: &str, v: Option<i64>) {
        if let Column::Int(c) = self.column(name, || Column::Int(Vec::new())) {
            c.push(v);
        }
    }
    pub fn opt_float(&mut self, name: &str, v: Option<f64>) {
        if let Column::Float(c) = self.column(name, || Column::Float(Vec::new())) {
            c.push(v);
        }
    }
    pub fn bool(&mut self, name: &str, v: bool) {
        if let Column::Bool(c) = self.column(name, || Column::Bool(Vec::new())) {
            c.push(v);
        }
    }
    pub fn opt_bool(&mut self, name: &str, v: Option<bool>) {
        if let Column::OptBool(c) = self.column(name, || Column::OptBool(Vec::new())) {
            c.push(v);
        }
    }
    pub fn str_list(&mut self, name: &str, v: &[String]) {
        if let Column::StrList(c) = self.column(name, || Column::StrList(Vec::new())) {
            c.push(v.to_vec());
        }
    }
    pub fn int_list(&mut self, name: &str, v: &[i64]) {
        if let Column::IntList(c) = self.column(name, || Column::IntList(Vec::new())) {
            c.push(v.to_vec());
        }
    }
    /// The labels every projection carries (issue 9 §1): the year projected, the edition that scores it and how
    /// chiso knows it, the map and, on the 34-unit map, the merge rule and its status.
    pub fn projection_labels(
        &mut self,
        target_year: i32,
        edition: &str,
        edition_status: crate::project::trend::EditionStatus,
        map: &crate::project::trend::MapUsed,
    ) {
        self.int("target_year", target_year as i64);
        self.str("edition", edition);
        self.str("edition_status", edition_status.as_str());
        self.str("map", map.map.as_str());
        self.str("map_status", map.status());
        self.opt_str("merge_rule", map.merge_rule.map(|(r, _)| r.as_str()));
        self.opt_str("merge_rule_status", map.merge_rule.map(|(_, s)| s.as_str()));
    }
    /// Declare a column up front (so an empty table still has its schema).
    fn declare(&mut self, name: &str, col: Column) {
        self.column(name, || col);
    }

    pub fn build<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pl = py.import("polars")?;
        let data = PyDict::new(py);
        let schema = PyDict::new(py);
        for (name, col) in &self.columns {
            data.set_item(name, col.to_list(py)?)?;
            schema.set_item(name, col.dtype(&pl)?)?;
        }
        let kwargs = PyDict::new(py);
        kwargs.set_item("schema", schema)?;
        pl.getattr("DataFrame")?.call((data,), Some(&kwargs))
    }
}

pub fn tree_frame<'py>(py: Python<'py>, m: &Methodology) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    let mut order = vec![0usize];
    let mut pre = Vec::new();
    while let Some(i) = order.pop() {
        pre.push(i);
        order.extend(m.nodes[i].children.iter().rev());
    }
    for i in pre {
        let n = &m.nodes[i];
        f.str("code", &n.code);
        f.str("path", &n.path);
        f.opt_str("parent", n.parent.map(|p| m.nodes[p].code.as_str()));
        f.int("depth", n.depth as i64);
        f.str("kind", n.kind.as_str());
        f.str("name_en", &n.name_en);
        f.opt_str("name_vi", n.name_vi.as_deref());
        f.bool("scored", n.scored);
        f.str("aggregation", n.aggregation.name());
        f.str_list("inputs", &n.inputs.iter().map(|&i| m.nodes[i].code.clone()).collect::<Vec<_>>());
        f.opt_float(
            "k",
            match n.aggregation {
                crate::Aggregation::WMean { k } => Some(k),
                _ => None,
            },
        );
        f.str("aggregation_status", n.aggregation_status.as_str());
        f.opt_float("weight", n.weight);
        f.opt_str("weight_status", n.weight.map(|_| n.weight_status.as_str()));
        f.opt_float("max_points", n.max_points);
        f.opt_str("max_points_status", n.max_points.map(|_| n.max_points_status.as_str()));
        f.opt_float("scale_min", n.scale.map(|s| s.0));
        f.opt_float("scale_max", n.scale.map(|s| s.1));
        f.opt_str("scale_status", n.scale.map(|_| n.scale_status.as_str()));
        f.opt_str("source", n.source.as_deref());
        f.opt_str("note", n.note.as_deref());
    }
    f.build(py)
}

/// The path below the edition root of a full node code (`pci.2013/transparency` → `transparency`; the root's code
/// → ""): the value of the `node` column in every frame.
fn path_of(code: &str) -> &str {
    code.split_once('/').map_or("", |(_, path)| path)
}

pub fn comparison_frame<'py>(py: Python<'py>, rows: &[Comparison]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    f.declare("province_code", Column::Str(vec![]));
    f.declare("province", Column::Str(vec![]));
    f.declare("year", Column::Int(vec![]));
    f.declare("node", Column::Str(vec![]));
    f.declare("code", Column::Str(vec![]));
    for name in ["computed", "published", "difference", "tolerance"] {
        f.declare(name, Column::Float(vec![]));
    }
    f.declare("within", Column::Bool(vec![]));
    for c in rows {
        f.str("province_code", &c.province_code);
        f.str("province", &c.province);
        f.int("year", c.year as i64);
        f.str("node", path_of(&c.node));
        f.str("code", &c.node);
        f.opt_float("computed", Some(c.computed));
        f.opt_float("published", Some(c.published));
        f.opt_float("difference", Some(c.difference));
        f.opt_float("tolerance", Some(c.tolerance));
        f.bool("within", c.within);
    }
    f.build(py)
}

pub fn dataset_frame<'py>(py: Python<'py>, rows: &[DatasetRow]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for r in rows {
        f.str("province_code", &r.province_code);
        f.str("province", &r.province);
        f.int("year", r.year as i64);
        f.str("edition", &r.edition);
        f.str("node", path_of(&r.node));
        f.str("code", &r.node);
        f.str("measure", r.measure.as_str());
        f.opt_float("value", Some(r.value));
        f.opt_str("label", (!r.label.is_empty()).then_some(r.label.as_str()));
        f.str("provenance", r.provenance.as_str());
        f.str("source", &r.source);
        f.str("unit", r.unit.as_str());
        f.opt_str("note", (!r.note.is_empty()).then_some(r.note.as_str()));
        f.bool("primary", r.primary);
    }
    f.build(py)
}

/// Map an error to its `chiso.exceptions` class, with the fields as attributes (e.g. `err.province`).
pub fn to_py_err(e: ChisoError) -> PyErr {
    Python::attach(|py| match build_exception(py, &e) {
        Ok(err) => err,
        Err(fallback) => fallback,
    })
}

fn build_exception(py: Python<'_>, e: &ChisoError) -> PyResult<PyErr> {
    let module = py.import("chiso.exceptions")?;
    let fields = PyDict::new(py);
    let class = match e {
        ChisoError::Methodology { file, node, .. } => {
            fields.set_item("file", file)?;
            fields.set_item("node", node)?;
            "MethodologyError"
        }
        ChisoError::UnknownIndex { index, .. } => {
            fields.set_item("index", index)?;
            "UnknownIndexError"
        }
        ChisoError::UnknownEdition { index, edition, .. } => {
            fields.set_item("index", index)?;
            fields.set_item("edition", edition)?;
            "UnknownIndexError"
        }
        ChisoError::NoEditionForYear { index, year, .. } => {
            fields.set_item("index", index)?;
            fields.set_item("year", year)?;
            "UnknownIndexError"
        }
        ChisoError::UnknownProvince { name, suggestions } => {
            fields.set_item("province", name)?;
            fields.set_item("suggestions", suggestions)?;
            "UnknownProvinceError"
        }
        ChisoError::UnknownNode { edition, node, province, year, suggestions, .. } => {
            fields.set_item("edition", edition)?;
            fields.set_item("node", node)?;
            fields.set_item("province", province)?;
            fields.set_item("year", year)?;
            fields.set_item("suggestions", suggestions)?;
            "UnknownNodeError"
        }
        ChisoError::OutOfScale { province, year, node, value, .. }
        | ChisoError::NonFinite { province, year, node, value } => {
            fields.set_item("province", province)?;
            fields.set_item("year", year)?;
            fields.set_item("node", node)?;
            fields.set_item("value", value)?;
            "DataError"
        }
        ChisoError::Duplicate { province, year, node, first, .. } => {
            fields.set_item("province", province)?;
            fields.set_item("year", year)?;
            fields.set_item("node", node)?;
            fields.set_item("value", first)?;
            "DataError"
        }
        ChisoError::EmptyResult { what, .. } => {
            fields.set_item("what", what)?;
            "EmptyResultError"
        }
        ChisoError::MissingMaximum { edition, node, .. } => {
            fields.set_item("edition", edition)?;
            fields.set_item("node", node)?;
            "MissingMaximumError"
        }
        ChisoError::Measure { province, year, node, measure, .. } => {
            fields.set_item("province", province)?;
            fields.set_item("year", year)?;
            fields.set_item("node", node)?;
            fields.set_item("measure", measure)?;
            "DataError"
        }
        ChisoError::NotScored { province, year, .. } => {
            fields.set_item("province", province)?;
            fields.set_item("year", year)?;
            "DataError"
        }
        ChisoError::UnknownIndicator { layer, indicator, province, year, suggestions } => {
            fields.set_item("edition", layer)?;
            fields.set_item("node", indicator)?;
            fields.set_item("province", province)?;
            fields.set_item("year", year)?;
            fields.set_item("suggestions", suggestions)?;
            "UnknownNodeError"
        }
        ChisoError::IndicatorValue { province, year, indicator, value, unit, .. } => {
            fields.set_item("province", province)?;
            fields.set_item("year", year)?;
            fields.set_item("node", indicator)?;
            fields.set_item("value", value)?;
            fields.set_item("unit", unit)?;
            "IndicatorValueError"
        }
        ChisoError::DegenerateIndicator { year, indicator, value, reason, province, .. } => {
            fields.set_item("province", province)?;
            fields.set_item("year", year)?;
            fields.set_item("node", indicator)?;
            fields.set_item("value", value)?;
            fields.set_item("reason", reason)?;
            "DegenerateIndicatorError"
        }
        ChisoError::Computed { province, year, node, value, inputs, .. } => {
            fields.set_item("province", province)?;
            fields.set_item("year", year)?;
            fields.set_item("node", node)?;
            fields.set_item("value", value)?;
            fields.set_item("inputs", inputs)?;
            "DataError"
        }
        ChisoError::Data(_) => "DataError",
        ChisoError::InvalidArgument(_) => "InvalidArgumentError",
        ChisoError::UnknownValue { what, value, expected } => {
            fields.set_item("what", what)?;
            fields.set_item("value", value)?;
            fields.set_item("expected", expected)?;
            "InvalidArgumentError"
        }
        ChisoError::PlanTask { task, field, value, .. } => {
            fields.set_item("task", task)?;
            fields.set_item("field", field)?;
            fields.set_item("value", value)?;
            "DataError"
        }
        ChisoError::Argument { argument, value, .. } => {
            fields.set_item("argument", argument)?;
            fields.set_item("value", value)?;
            "InvalidArgumentError"
        }
    };
    let cls = module.getattr(class)?;
    let instance = cls.call((e.to_string(),), Some(&fields))?;
    Ok(PyErr::from_value(instance))
}

/// The columns of a [`Scores`] for `chiso._assemble`: small tables of units and nodes, and per-slot columns that
/// point into them, so that no string is built per slot. `depth` keeps only the slots of nodes at that depth.
/// The Python objects are made with the GIL held; the columns are gathered without it.
pub fn score_columns<'py>(py: Python<'py>, s: &Scores, depth: Option<usize>) -> PyResult<Bound<'py, PyDict>> {
    let c = py.detach(|| gather_score_columns(s, depth));
    let slots = PyDict::new(py);
    slots.set_item("unit", bytes_of(py, &c.unit, u32::to_le_bytes))?;
    slots.set_item("node", bytes_of(py, &c.node, u32::to_le_bytes))?;
    slots.set_item("score", bytes_of(py, &c.score, f64::to_le_bytes))?;
    slots.set_item("input", bytes_of(py, &c.input, f64::to_le_bytes))?;
    slots.set_item("rank", bytes_of(py, &c.rank, u32::to_le_bytes))?;
    slots.set_item("n_ranked", bytes_of(py, &c.n_ranked, u32::to_le_bytes))?;
    slots.set_item("rank_within", bytes_of(py, &c.rank_within, u32::to_le_bytes))?;
    slots.set_item("n_field", bytes_of(py, &c.n_field, u32::to_le_bytes))?;
    slots.set_item("full_field", bytes_of(py, &c.full_field, u8::to_le_bytes))?;
    slots.set_item("published_rank", bytes_of(py, &c.published_rank, u32::to_le_bytes))?;
    slots.set_item("group", bytes_of(py, &c.group, u32::to_le_bytes))?;
    slots.set_item("origin", bytes_of(py, &c.origin, u8::to_le_bytes))?;
    slots.set_item("provenance", bytes_of(py, &c.provenance, u32::to_le_bytes))?;
    slots.set_item("missing_at", bytes_of(py, &c.missing_at, u32::to_le_bytes))?;
    slots.set_item("missing_children", c.missing)?;
    let out = PyDict::new(py);
    out.set_item("units", c.units.build(py)?)?;
    out.set_item("nodes", c.nodes.build(py)?)?;
    out.set_item("group_labels", c.labels)?;
    out.set_item("origin_labels", vec!["input", "computed", "renormalised", "missing"])?;
    out.set_item("provenance_labels", c.provenance_labels)?;
    out.set_item("slots", slots)?;
    Ok(out)
}

/// The columns [`score_columns`] hands to Python, as Rust vectors.
struct ScoreColumns {
    units: Frame,
    nodes: Frame,
    labels: Vec<String>,
    unit: Vec<u32>,
    node: Vec<u32>,
    score: Vec<f64>,
    input: Vec<f64>,
    rank: Vec<u32>,
    n_ranked: Vec<u32>,
    rank_within: Vec<u32>,
    n_field: Vec<u32>,
    full_field: Vec<u8>,
    published_rank: Vec<u32>,
    group: Vec<u32>,
    origin: Vec<u8>,
    provenance: Vec<u32>,
    provenance_labels: Vec<&'static str>,
    missing_at: Vec<u32>,
    missing: Vec<Vec<String>>,
}

fn gather_score_columns(s: &Scores, depth: Option<usize>) -> ScoreColumns {
    let registry = crate::provinces::Registry::get();
    let mut units = Frame::default();
    for u in s.units() {
        let p = &registry.all()[u.province];
        units.str("province_code", &p.code);
        units.str("province", &p.name_vi);
        units.int("year", u.year as i64);
        units.str("edition", &s.edition(u.edition).code);
    }
    // Node table: all editions' nodes back to back; group labels likewise.
    let mut nodes = Frame::default();
    let mut node_offset = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut label_offset = Vec::new();
    let mut first_node = 0;
    for m in s.editions() {
        node_offset.push(first_node);
        first_node += m.nodes.len();
        label_offset.push(labels.len());
        if let Some(g) = &m.groups {
            labels.extend(g.labels.iter().cloned());
        }
        for n in &m.nodes {
            nodes.str("edition", &m.code);
            // One vocabulary in every frame: `node` is the path below the edition root ("" = the total), `code`
            // the full code (edition/path).
            nodes.str("node", &n.path);
            nodes.str("code", &n.code);
            nodes.int("depth", n.depth as i64);
            nodes.str("kind", n.kind.as_str());
            nodes.bool("scored", n.scored);
            nodes.opt_float("max", n.max_value());
            nodes.str("rank_status", m.ranking.status.as_str());
        }
    }
    // Per-slot columns as little-endian buffers (`chiso._assemble` reads them with numpy): null is NaN for scores,
    // 0 for ranks (a rank starts at 1) and u32::MAX for indices into the label tables.
    let (mut unit, mut node, mut rank, mut n_ranked) = (vec![], vec![], vec![], vec![]);
    let (mut score, mut input, mut group, mut origin) = (vec![], vec![], vec![], vec![]);
    let (mut rank_within, mut n_field, mut full_field, mut published_rank) = (vec![], vec![], vec![], vec![]);
    let (mut provenance, mut provenance_labels): (Vec<u32>, Vec<&'static str>) = (vec![], vec![]);
    // Missing children are rare: given only for the slots that have some.
    let (mut missing_at, mut missing): (Vec<u32>, Vec<Vec<String>>) = (vec![], vec![]);
    for (k, u) in s.units().iter().enumerate() {
        let m = s.edition(u.edition);
        for &i in s.preorder(u.edition) {
            if depth.is_some_and(|d| m.nodes[i].depth != d) {
                continue;
            }
            let crate::engine::Slot {
                value: v,
                supplied: sup,
                origin: o,
                provenance: prov,
                rank: r,
                n_ranked: nr,
                group: g,
            } = s.slot(u.offset + i);
            unit.push(k as u32);
            node.push((node_offset[u.edition] + i) as u32);
            score.push(v);
            input.push(sup);
            rank.push(r);
            n_ranked.push(nr);
            rank_within.push(s.rank_within_of(k, i).unwrap_or(0));
            n_field.push(s.field_size_at(k, i));
            full_field.push(u8::from(s.field_status_at(k, i) == crate::engine::FieldStatus::FullField));
            published_rank.push(s.published_rank_of(k, i).unwrap_or(0));
            group.push(if g == u8::MAX { u32::MAX } else { (label_offset[u.edition] + g as usize) as u32 });
            origin.push(match o {
                Origin::Input => 0u8,
                Origin::Computed => 1,
                Origin::Renormalised => 2,
                Origin::Missing => 3,
            });
            provenance.push(match prov.map(|p| p.as_str()) {
                None => u32::MAX,
                Some(label) => match provenance_labels.iter().position(|&l| l == label) {
                    Some(j) => j as u32,
                    None => {
                        provenance_labels.push(label);
                        (provenance_labels.len() - 1) as u32
                    }
                },
            });
            if matches!(o, Origin::Missing | Origin::Renormalised) {
                let mc = s.missing_children(k, i);
                if !mc.is_empty() {
                    missing_at.push((unit.len() - 1) as u32);
                    missing.push(mc);
                }
            }
        }
    }
    ScoreColumns {
        units,
        nodes,
        labels,
        unit,
        node,
        score,
        input,
        rank,
        n_ranked,
        rank_within,
        n_field,
        full_field,
        published_rank,
        group,
        origin,
        provenance,
        provenance_labels,
        missing_at,
        missing,
    }
}

pub fn changes_frame<'py>(py: Python<'py>, rows: &[crate::compare::Change]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for (name, col) in [
        ("province_code", Column::Str(vec![])),
        ("province", Column::Str(vec![])),
        ("base_year", Column::Int(vec![])),
        ("year", Column::Int(vec![])),
        ("base_edition", Column::Str(vec![])),
        ("edition", Column::Str(vec![])),
        ("node", Column::Str(vec![])),
        ("base_node", Column::Str(vec![])),
        ("base_value", Column::Float(vec![])),
        ("value", Column::Float(vec![])),
        ("delta", Column::Float(vec![])),
        ("relative", Column::Float(vec![])),
        ("share_of_max_change", Column::Float(vec![])),
        ("base_rank", Column::Int(vec![])),
        ("rank", Column::Int(vec![])),
        ("rank_change", Column::Int(vec![])),
        ("base_points_lost", Column::Float(vec![])),
        ("points_lost", Column::Float(vec![])),
        ("comparability", Column::Str(vec![])),
        ("comparability_status", Column::Str(vec![])),
        ("material", Column::OptBool(vec![])),
        ("materiality_measure", Column::Str(vec![])),
        ("materiality_threshold", Column::Float(vec![])),
        ("significant", Column::OptBool(vec![])),
        ("p_value", Column::Float(vec![])),
        ("significance_level", Column::Float(vec![])),
        ("significance_note", Column::Str(vec![])),
    ] {
        f.declare(name, col);
    }
    for c in rows {
        f.str("province_code", &c.province_code);
        f.str("province", &c.province);
        f.int("base_year", c.base_year as i64);
        f.int("year", c.year as i64);
        f.str("base_edition", &c.base_edition);
        f.str("edition", &c.edition);
        f.str("node", &c.node);
        f.opt_str("base_node", c.base_node.as_deref());
        f.opt_float("base_value", c.base_value);
        f.opt_float("value", c.value);
        f.opt_float("delta", c.delta);
        f.opt_float("relative", c.relative);
        f.opt_float("share_of_max_change", c.share_of_max_change);
        f.opt_int("base_rank", c.base_rank.map(i64::from));
        f.opt_int("rank", c.rank.map(i64::from));
        f.opt_int("rank_change", c.rank_change);
        f.opt_float("base_points_lost", c.base_points_lost);
        f.opt_float("points_lost", c.points_lost);
        f.str("comparability", c.comparability.as_str());
        f.str("comparability_status", c.comparability_status.as_str());
        f.opt_bool("material", c.material);
        f.opt_str("materiality_measure", c.materiality.map(|m| m.measure()));
        f.opt_float("materiality_threshold", c.materiality.map(|m| m.threshold()));
        f.opt_bool("significant", c.significant);
        f.opt_float("p_value", c.p_value);
        f.opt_float("significance_level", Some(c.significance_level));
        f.opt_str("significance_note", c.significance_note.as_deref());
    }
    f.build(py)
}

pub fn contributions_frame<'py>(py: Python<'py>, rows: &[crate::compare::Contribution]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for (name, col) in [
        ("province_code", Column::Str(vec![])),
        ("province", Column::Str(vec![])),
        ("parent", Column::Str(vec![])),
        ("child", Column::Str(vec![])),
        ("part", Column::Str(vec![])),
        ("base_child", Column::Float(vec![])),
        ("child_value", Column::Float(vec![])),
        ("base_coefficient", Column::Float(vec![])),
        ("coefficient", Column::Float(vec![])),
        ("contribution", Column::Float(vec![])),
        ("provenance", Column::Str(vec![])),
    ] {
        f.declare(name, col);
    }
    for c in rows {
        f.str("province_code", &c.province_code);
        f.str("province", &c.province);
        f.str("parent", &c.parent);
        f.opt_str("child", c.child.as_deref());
        f.str("part", c.part.as_str());
        f.opt_float("base_child", c.base_child);
        f.opt_float("child_value", c.child_value);
        f.opt_float("base_coefficient", c.base_coefficient);
        f.opt_float("coefficient", c.coefficient);
        f.opt_float("contribution", Some(c.contribution));
        f.str("provenance", c.provenance.as_str());
    }
    f.build(py)
}

pub fn trajectory_frame<'py>(py: Python<'py>, rows: &[crate::compare::TrajectoryPoint]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for p in rows {
        f.str("province_code", &p.province_code);
        f.str("province", &p.province);
        f.int("year", p.year as i64);
        f.str("edition", &p.edition);
        f.str("node", &p.node);
        f.opt_float("value", p.value);
        f.opt_int("rank", p.rank.map(i64::from));
        f.int("n_ranked", p.n_ranked as i64);
        f.opt_float("delta", p.delta);
        f.opt_int("segment_start", p.segment_start.map(i64::from));
        f.opt_float("cumulative", p.cumulative);
        f.opt_float("cagr", p.cagr);
        f.opt_str("comparability", p.comparability.map(|c| c.as_str()));
        f.bool("break_before", p.break_before);
    }
    f.build(py)
}

pub fn peers_frame<'py>(py: Python<'py>, rows: &[crate::compare::PeerRow]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for r in rows {
        f.str("group", r.group.as_str());
        f.str("group_name", &r.group_name);
        f.int("n", r.n as i64);
        f.opt_float("value", r.value);
        f.opt_float("mean", r.mean);
        f.opt_float("median", r.median);
        f.opt_float("best", r.best);
        f.opt_str("best_province", r.best_province.as_deref());
        f.opt_float("gap_to_mean", r.gap_to_mean);
        f.opt_float("gap_to_best", r.gap_to_best);
        f.opt_int("rank_within", r.rank_within.map(i64::from));
    }
    f.build(py)
}

pub fn movers_frame<'py>(py: Python<'py>, rows: &[crate::compare::Movers]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for (name, col) in [
        ("node", Column::Str(vec![])),
        ("comparability", Column::Str(vec![])),
        ("n_compared", Column::Int(vec![])),
        ("n_up", Column::Int(vec![])),
        ("n_down", Column::Int(vec![])),
        ("n_unchanged", Column::Int(vec![])),
        ("n_material", Column::Int(vec![])),
        ("n_significant", Column::Int(vec![])),
        ("mean_delta", Column::Float(vec![])),
        ("largest_gain_province", Column::Str(vec![])),
        ("largest_gain", Column::Float(vec![])),
        ("largest_loss_province", Column::Str(vec![])),
        ("largest_loss", Column::Float(vec![])),
        ("n_rank_up", Column::Int(vec![])),
        ("n_rank_down", Column::Int(vec![])),
    ] {
        f.declare(name, col);
    }
    for m in rows {
        f.str("node", &m.node);
        f.str("comparability", m.comparability.as_str());
        f.int("n_compared", m.n_compared as i64);
        f.int("n_up", m.n_up as i64);
        f.int("n_down", m.n_down as i64);
        f.int("n_unchanged", m.n_unchanged as i64);
        f.opt_int("n_material", m.n_material.map(i64::from));
        f.opt_int("n_significant", m.n_significant.map(i64::from));
        f.opt_float("mean_delta", m.mean_delta);
        f.opt_str("largest_gain_province", m.largest_gain.as_ref().map(|g| g.0.as_str()));
        f.opt_float("largest_gain", m.largest_gain.as_ref().map(|g| g.1));
        f.opt_str("largest_loss_province", m.largest_loss.as_ref().map(|g| g.0.as_str()));
        f.opt_float("largest_loss", m.largest_loss.as_ref().map(|g| g.1));
        f.int("n_rank_up", m.n_rank_up as i64);
        f.int("n_rank_down", m.n_rank_down as i64);
    }
    f.build(py)
}

pub fn shares_frame<'py>(py: Python<'py>, rows: &[crate::survey::Share]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for r in rows {
        f.str("province_code", &r.province_code);
        f.str("province", &r.province);
        f.int("year", r.year as i64);
        f.str("node", &r.node);
        f.int("depth", r.depth as i64);
        f.int("n_respondents", r.n_respondents as i64);
        f.int("n_answers", r.n_answers as i64);
        f.opt_float("share", Some(r.share));
        f.opt_float("effective_n", Some(r.effective_n));
        f.opt_float("ci_low", Some(r.ci_low));
        f.opt_float("ci_high", Some(r.ci_high));
    }
    f.build(py)
}

pub fn points_lost_frame<'py>(py: Python<'py>, rows: &[crate::compare::PointsLost]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    f.declare("node", Column::Str(vec![]));
    f.declare("kind", Column::Str(vec![]));
    f.declare("depth", Column::Int(vec![]));
    for name in ["value", "max", "lost", "cost_in_total", "best", "gap_to_best", "cost_vs_best"] {
        f.declare(name, Column::Float(vec![]));
    }
    f.declare("lead_department", Column::Str(vec![]));
    for r in rows {
        f.str("node", &r.node);
        f.str("kind", r.kind.as_str());
        f.int("depth", r.depth as i64);
        f.opt_float("value", Some(r.value));
        f.opt_float("max", r.max);
        f.opt_float("lost", r.lost);
        f.opt_float("cost_in_total", r.cost_in_total);
        f.opt_float("best", r.best);
        f.opt_float("gap_to_best", r.gap_to_best);
        f.opt_float("cost_vs_best", r.cost_vs_best);
        f.str("lead_department", &r.lead_department);
    }
    f.build(py)
}

/// What-if and plan projections, one row per node of each edited province and scenario (see
/// [`super::columns`]: typed buffers, no Python object per value).
pub fn projected_frame<'py>(py: Python<'py>, rows: &[crate::project::Projected]) -> PyResult<Bound<'py, PyAny>> {
    const SCHEMA: [(&str, &str); 27] = [
        ("scenario", "str"),
        ("province_code", "str"),
        ("province", "str"),
        ("year", "int"),
        ("node", "str"),
        ("depth", "int"),
        ("base_value", "float"),
        ("value", "float"),
        ("delta", "float"),
        ("base_rank", "opt_int"),
        ("rank", "opt_int"),
        ("rank_change", "opt_int"),
        ("rank_within", "opt_int"),
        ("n_ranked", "int"),
        ("edited", "bool"),
        ("clamped", "bool"),
        ("best", "float"),
        ("beyond_best", "bool"),
        ("peers", "str"),
        ("target_year", "int"),
        ("edition", "str"),
        ("edition_status", "str"),
        ("map", "str"),
        ("map_status", "str"),
        ("merge_rule", "str"),
        ("merge_rule_status", "str"),
        ("status", "str"),
    ];
    let mut f = super::columns::Columns::default();
    for r in rows {
        f.row();
        f.str("scenario", Some(&r.scenario));
        f.str("province_code", Some(&r.province_code));
        f.str("province", Some(&r.province));
        f.int("year", r.year as i64);
        f.str("node", Some(&r.node));
        f.int("depth", r.depth as i64);
        f.float("base_value", r.base_value);
        f.float("value", r.value);
        f.float("delta", r.delta);
        f.opt_int("base_rank", r.base_rank.map(i64::from));
        f.opt_int("rank", r.rank.map(i64::from));
        f.opt_int("rank_change", r.rank_change);
        f.opt_int("rank_within", r.rank_within.map(i64::from));
        f.int("n_ranked", r.n_ranked as i64);
        f.bool("edited", r.edited);
        f.bool("clamped", r.clamped);
        f.float("best", r.best);
        f.bool("beyond_best", r.beyond_best);
        f.str("peers", Some(&r.peers.to_string()));
        f.int("target_year", r.target_year as i64);
        f.str("edition", Some(&r.edition));
        f.str("edition_status", Some(r.edition_status.as_str()));
        f.str("map", Some(r.map.map.as_str()));
        f.str("map_status", Some(r.map.status()));
        f.str("merge_rule", r.map.merge_rule.map(|(m, _)| m.as_str()));
        f.str("merge_rule_status", r.map.merge_rule.map(|(_, s)| s.as_str()));
        f.str("status", Some("projected"));
    }
    f.build(py, &SCHEMA)
}

pub fn steps_frame<'py>(py: Python<'py>, rows: &[crate::project::target::Step]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    f.declare("node", Column::Str(vec![]));
    for name in ["from", "to", "increase", "total_gain", "cost", "best"] {
        f.declare(name, Column::Float(vec![]));
    }
    f.declare("beyond_best", Column::Bool(vec![]));
    for r in rows {
        f.str("node", &r.node);
        f.opt_float("from", Some(r.from));
        f.opt_float("to", Some(r.to));
        f.opt_float("increase", Some(r.increase));
        f.opt_float("total_gain", Some(r.total_gain));
        f.opt_float("cost", Some(r.cost));
        f.opt_float("best", r.best);
        f.bool("beyond_best", r.beyond_best);
    }
    f.build(py)
}

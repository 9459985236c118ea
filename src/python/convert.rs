//! Rust values → polars DataFrames (built through the Python polars API, so no Rust polars is compiled in), and
//! `ChisoError` → the exception classes of `chiso.exceptions`, with structured attributes.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::arrow::Column as ArrowColumn;
use crate::datasets::DatasetRow;
use crate::engine::{Comparison, Origin, Scores};
use crate::error::ChisoError;
use crate::methodology::{Methodology, Status};

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
    /// The column in Arrow's layout (same dtype and nulls as the polars column it becomes).
    fn to_arrow(&self) -> ArrowColumn {
        let mut out = match self {
            Column::Str(_) => ArrowColumn::str(),
            Column::Int(_) => ArrowColumn::int(),
            Column::Float(_) => ArrowColumn::float(),
            Column::Bool(_) | Column::OptBool(_) => ArrowColumn::bool(),
            Column::StrList(_) => ArrowColumn::list(ArrowColumn::str()),
            Column::IntList(_) => ArrowColumn::list(ArrowColumn::int()),
        };
        match self {
            Column::Str(v) => v.iter().for_each(|x| out.push_str(x.as_deref())),
            Column::Int(v) => v.iter().for_each(|&x| out.push_int(x)),
            Column::Float(v) => v.iter().for_each(|&x| out.push_float(x)),
            Column::Bool(v) => v.iter().for_each(|&x| out.push_bool(Some(x))),
            Column::OptBool(v) => v.iter().for_each(|&x| out.push_bool(x)),
            Column::StrList(v) => v.iter().for_each(|x| out.push_strs(x)),
            Column::IntList(v) => v.iter().for_each(|x| out.push_ints(x)),
        }
        out
    }

    fn len(&self) -> usize {
        match self {
            Column::Str(v) => v.len(),
            Column::Int(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::OptBool(v) => v.len(),
            Column::StrList(v) => v.len(),
            Column::IntList(v) => v.len(),
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
    /// The columns of `_frame_sample`, declared so that they exist (with their dtypes) even without rows.
    pub fn declare_all(&mut self) {
        self.declare("strings", Column::Str(vec![]));
        self.declare("ints", Column::Int(vec![]));
        self.declare("floats", Column::Float(vec![]));
        self.declare("bools", Column::OptBool(vec![]));
        self.declare("lists", Column::StrList(vec![]));
    }
    /// Declare a column up front (so an empty table still has its schema).
    fn declare(&mut self, name: &str, col: Column) {
        self.column(name, || col);
    }

    /// The polars DataFrame of these columns, handed over in Arrow's layout (see `arrow`). Columns of unequal
    /// length are an error, as polars would raise.
    pub fn build<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let length = self.columns.first().map_or(0, |(_, c)| c.len());
        if let Some((name, c)) = self.columns.iter().find(|(_, c)| c.len() != length) {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "column {name:?} has {} values, the first column {length}",
                c.len()
            )));
        }
        let columns = self.columns.iter().map(|(name, c)| (name.clone(), c.to_arrow())).collect();
        super::arrow::frame(py, length, columns)
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

/// Which view of a [`Scores`] to build (the columns of each, in order, as `Scores.long()` documents them).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ScoreView {
    /// Every column, one row per slot.
    Long,
    /// One row per province-year: the unit and slot columns, without the node's own (node, code, depth, kind,
    /// scored, max).
    Totals,
}

/// A view of a [`Scores`] as a polars DataFrame, built here column by column in Arrow's layout (see `arrow`):
/// `depth` keeps only the slots of nodes at that depth. The columns are built without the GIL.
pub fn score_frame<'py>(
    py: Python<'py>,
    s: &Scores,
    depth: Option<usize>,
    view: ScoreView,
) -> PyResult<Bound<'py, PyAny>> {
    let (length, columns) = py.detach(|| score_columns(s, depth, view));
    super::arrow::frame(py, length, columns)
}

fn score_columns(s: &Scores, depth: Option<usize>, view: ScoreView) -> (usize, Vec<(String, ArrowColumn)>) {
    use super::arrow::Bits;
    use crate::engine::FieldStatus;
    let registry = crate::provinces::Registry::get();
    let units = s.units();
    let editions: Vec<&Methodology> = s.editions().collect();
    // The rows: (unit, node) in reading order, and the slot each reads.
    let mut rows: Vec<(u32, u32)> = Vec::new();
    for (k, u) in units.iter().enumerate() {
        let m = editions[u.edition];
        for &i in s.preorder(u.edition) {
            if depth.is_none_or(|d| m.nodes[i].depth == d) {
                rows.push((k as u32, i as u32));
            }
        }
    }
    let length = rows.len();
    let unit = |&(k, _): &(u32, u32)| &units[k as usize];
    let slot = |r: &(u32, u32)| unit(r).offset + r.1 as usize;
    let c = s.slot_columns();
    // Every string column is drawn from a small table of labels (see `arrow::Column::Labels`): provinces, editions
    // and nodes once each, however many rows repeat them. Nodes of all editions are numbered back to back.
    let mut node_offset = Vec::with_capacity(editions.len());
    let mut group_offset = Vec::with_capacity(editions.len());
    let (mut nodes, mut groups) = (0, 0);
    for m in &editions {
        node_offset.push(nodes);
        group_offset.push(groups);
        nodes += m.nodes.len();
        groups += m.groups.as_ref().map_or(0, |g| g.labels.len());
    }
    let node_strings = |f: fn(&crate::methodology::Node) -> &str| -> Vec<String> {
        editions.iter().flat_map(|m| m.nodes.iter().map(move |n| f(n).to_string())).collect()
    };
    let node_index: Vec<u32> = rows.iter().map(|r| (node_offset[unit(r).edition] + r.1 as usize) as u32).collect();
    let node_of = |j: usize| {
        let (k, i) = rows[j];
        &editions[units[k as usize].edition].nodes[i as usize]
    };
    let labels = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let ints = |f: &dyn Fn(&(u32, u32)) -> i64| ArrowColumn::ints(rows.iter().map(f).collect(), None);
    // A rank column: 0 is no rank (null).
    let ranks = |of: &[u32]| {
        let values: Vec<u32> = rows.iter().map(|r| of[slot(r)]).collect();
        let valid = Bits::validity(values.len(), |i| values[i] > 0);
        ArrowColumn::ints(values.into_iter().map(i64::from).collect(), Some(valid))
    };
    let floats = |of: &[f64]| {
        let values: Vec<f64> = rows.iter().map(|r| of[slot(r)]).collect();
        let valid = Bits::validity(values.len(), |i| !values[i].is_nan());
        ArrowColumn::floats(values, valid)
    };
    let province_index: Vec<u32> = rows.iter().map(|r| unit(r).province as u32).collect();
    let mut columns: Vec<(&str, ArrowColumn)> = vec![
        (
            "province_code",
            ArrowColumn::labelled(
                registry.all().iter().map(|p| p.code.clone()).collect(),
                province_index.clone(),
                None,
            ),
        ),
        (
            "province",
            ArrowColumn::labelled(registry.all().iter().map(|p| p.name_vi.clone()).collect(), province_index, None),
        ),
        ("year", ints(&|r| i64::from(unit(r).year))),
        (
            "edition",
            ArrowColumn::labelled(
                editions.iter().map(|m| m.code.clone()).collect(),
                rows.iter().map(|r| unit(r).edition as u32).collect(),
                None,
            ),
        ),
    ];
    if view == ScoreView::Long {
        // One vocabulary in every frame: `node` is the path below the edition root ("" = the total), `code` the
        // full code (edition/path).
        let max: Vec<Option<f64>> = (0..length).map(|j| node_of(j).max_value()).collect();
        columns.extend([
            ("node", ArrowColumn::labelled(node_strings(|n| &n.path), node_index.clone(), None)),
            ("code", ArrowColumn::labelled(node_strings(|n| &n.code), node_index.clone(), None)),
            ("depth", ArrowColumn::ints((0..length).map(|j| node_of(j).depth as i64).collect(), None)),
            ("kind", ArrowColumn::labelled(node_strings(|n| n.kind.as_str()), node_index, None)),
            ("scored", ArrowColumn::bools(Bits::collect((0..length).map(|j| node_of(j).scored)))),
            ("score", floats(c.values)),
            (
                "max",
                ArrowColumn::floats(
                    max.iter().map(|m| m.unwrap_or(0.0)).collect(),
                    Bits::collect(max.iter().map(Option::is_some)),
                ),
            ),
        ]);
    } else {
        columns.push(("score", floats(c.values)));
    }
    let status: Vec<Option<usize>> = rows
        .iter()
        .map(|r| {
            c.provenance[slot(r)].and_then(|p| {
                [Status::Official, Status::Derived, Status::UserSupplied, Status::Unknown].iter().position(|&x| x == p)
            })
        })
        .collect();
    let group: Vec<Option<usize>> = rows
        .iter()
        .map(|r| {
            let (u, g) = (unit(r), c.group[slot(r)] as usize);
            let n_groups = editions[u.edition].groups.as_ref().map_or(0, |g| g.labels.len());
            (g < n_groups).then(|| group_offset[u.edition] + g)
        })
        .collect();
    let mut missing = ArrowColumn::list(ArrowColumn::str());
    missing.reserve(length, 0);
    let no_children: [&str; 0] = [];
    for r in &rows {
        if matches!(c.origin[slot(r)], Origin::Missing | Origin::Renormalised) {
            missing.push_strs(&s.missing_children(r.0 as usize, r.1 as usize));
        } else {
            missing.push_strs(&no_children);
        }
    }
    columns.extend([
        ("rank", ranks(c.rank)),
        ("rank_within", ranks(c.rank_within)),
        ("n_ranked", ints(&|r| i64::from(c.n_ranked[slot(r)]))),
        ("n_field", ints(&|r| i64::from(s.field_size_at(r.0 as usize, r.1 as usize)))),
        (
            "field_status",
            ArrowColumn::labelled(
                labels(&["full_field", "partial_field"]),
                rows.iter()
                    .map(|r| u32::from(s.field_status_at(r.0 as usize, r.1 as usize) != FieldStatus::FullField))
                    .collect(),
                None,
            ),
        ),
        ("published_rank", ranks(c.published_rank)),
        (
            "rank_status",
            ArrowColumn::labelled(
                editions.iter().map(|m| m.ranking.status.as_str().to_string()).collect(),
                rows.iter().map(|r| unit(r).edition as u32).collect(),
                None,
            ),
        ),
        (
            "group",
            ArrowColumn::labelled(
                editions.iter().flat_map(|m| m.groups.as_ref().map_or(Vec::new(), |g| g.labels.clone())).collect(),
                group.iter().map(|g| g.unwrap_or(0) as u32).collect(),
                Some(Bits::collect(group.iter().map(Option::is_some))),
            ),
        ),
        (
            "origin",
            ArrowColumn::labelled(
                labels(&["input", "computed", "renormalised", "missing"]),
                rows.iter()
                    .map(|r| match c.origin[slot(r)] {
                        Origin::Input => 0,
                        Origin::Computed => 1,
                        Origin::Renormalised => 2,
                        Origin::Missing => 3,
                    })
                    .collect(),
                None,
            ),
        ),
        (
            "provenance",
            ArrowColumn::labelled(
                [Status::Official, Status::Derived, Status::UserSupplied, Status::Unknown]
                    .iter()
                    .map(|p| p.as_str().to_string())
                    .collect(),
                status.iter().map(|p| p.unwrap_or(0) as u32).collect(),
                Some(Bits::collect(status.iter().map(Option::is_some))),
            ),
        ),
        ("input", floats(c.supplied)),
        ("missing_children", missing),
    ]);
    (length, columns.into_iter().map(|(n, c)| (n.to_string(), c)).collect())
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

//! Rust values → polars DataFrames (built through the Python polars API, so no Rust polars is compiled in), and
//! `ChisoError` → the exception classes of `chiso.exceptions`, with structured attributes.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::datasets::DatasetRow;
use crate::engine::{Comparison, ScoreRow};
use crate::error::ChisoError;
use crate::methodology::Methodology;

enum Column {
    Str(Vec<Option<String>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<bool>),
    StrList(Vec<Vec<String>>),
}

impl Column {
    fn dtype<'py>(&self, pl: &Bound<'py, PyModule>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Column::Str(_) => pl.getattr("String"),
            Column::Int(_) => pl.getattr("Int64"),
            Column::Float(_) => pl.getattr("Float64"),
            Column::Bool(_) => pl.getattr("Boolean"),
            Column::StrList(_) => pl.getattr("List")?.call1((pl.getattr("String")?,)),
        }
    }

    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        match self {
            Column::Str(v) => PyList::new(py, v),
            Column::Int(v) => PyList::new(py, v),
            Column::Float(v) => PyList::new(py, v),
            Column::Bool(v) => PyList::new(py, v),
            Column::StrList(v) => PyList::new(py, v),
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
        if let Some(i) = self.columns.iter().position(|(n, _)| n == name) {
            &mut self.columns[i].1
        } else {
            self.columns.push((name.to_string(), make()));
            &mut self.columns.last_mut().expect("just pushed").1
        }
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
    pub fn str_list(&mut self, name: &str, v: &[String]) {
        if let Column::StrList(c) = self.column(name, || Column::StrList(Vec::new())) {
            c.push(v.to_vec());
        }
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
        f.str("kind", &n.kind);
        f.str("name_en", &n.name_en);
        f.opt_str("name_vi", n.name_vi.as_deref());
        f.bool("scored", n.scored);
        f.str("aggregation", n.aggregation.name());
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
        f.opt_str("source", n.source.as_deref());
        f.opt_str("note", n.note.as_deref());
    }
    f.build(py)
}

pub fn long_frame<'py>(py: Python<'py>, rows: &[ScoreRow], totals_only: bool) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for (name, col) in [
        ("province_code", Column::Str(vec![])),
        ("province", Column::Str(vec![])),
        ("year", Column::Int(vec![])),
        ("edition", Column::Str(vec![])),
    ] {
        f.declare(name, col);
    }
    for r in rows {
        f.str("province_code", &r.province_code);
        f.str("province", &r.province);
        f.int("year", r.year as i64);
        f.str("edition", &r.edition);
        if !totals_only {
            f.str("node", &r.node);
            f.str("path", &r.path);
            f.int("depth", r.depth as i64);
            f.str("kind", &r.kind);
            f.bool("scored", r.scored);
        }
        f.opt_float("score", r.score);
        if !totals_only {
            f.opt_float("max", r.max);
        }
        f.opt_int("rank", r.rank.map(i64::from));
        f.int("n_ranked", r.n_ranked as i64);
        f.str("rank_status", r.rank_status.as_str());
        f.opt_str("group", r.group.as_deref());
        f.str("origin", r.origin.as_str());
        f.opt_str("provenance", r.provenance.map(|s| s.as_str()));
        if !totals_only {
            f.opt_float("input", r.input);
        }
        f.str_list("missing_children", &r.missing_children);
    }
    f.build(py)
}

pub fn comparison_frame<'py>(py: Python<'py>, rows: &[Comparison]) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    f.declare("province_code", Column::Str(vec![]));
    f.declare("province", Column::Str(vec![]));
    f.declare("year", Column::Int(vec![]));
    f.declare("node", Column::Str(vec![]));
    for name in ["computed", "published", "difference", "tolerance"] {
        f.declare(name, Column::Float(vec![]));
    }
    f.declare("within", Column::Bool(vec![]));
    for c in rows {
        f.str("province_code", &c.province_code);
        f.str("province", &c.province);
        f.int("year", c.year as i64);
        f.str("node", &c.node);
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
        f.str("node", &r.node);
        f.str("measure", &r.measure);
        f.opt_float("value", Some(r.value));
        f.opt_str("label", (!r.label.is_empty()).then_some(r.label.as_str()));
        f.str("provenance", &r.provenance);
        f.str("source", &r.source);
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
        ChisoError::Data(_) => "DataError",
        ChisoError::InvalidArgument(_) => "InvalidArgumentError",
    };
    let cls = module.getattr(class)?;
    let instance = cls.call((e.to_string(),), Some(&fields))?;
    Ok(PyErr::from_value(instance))
}

/// One row per province and year, one column per node path at `depth` (union over editions; null where a node
/// does not exist that year). `value` is "score" or "rank".
pub fn wide_frame<'py>(py: Python<'py>, rows: &[ScoreRow], depth: usize, value: &str) -> PyResult<Bound<'py, PyAny>> {
    let mut paths: Vec<&str> = Vec::new();
    for r in rows.iter().filter(|r| r.depth == depth) {
        if !paths.contains(&r.path.as_str()) {
            paths.push(&r.path);
        }
    }
    let mut f = Frame::default();
    f.declare("province_code", Column::Str(vec![]));
    f.declare("province", Column::Str(vec![]));
    f.declare("year", Column::Int(vec![]));
    f.declare("edition", Column::Str(vec![]));
    for p in &paths {
        let name = if p.is_empty() { "total" } else { p };
        f.declare(name, if value == "rank" { Column::Int(vec![]) } else { Column::Float(vec![]) });
    }
    let mut start = 0;
    while start < rows.len() {
        let (code, year) = (&rows[start].province_code, rows[start].year);
        let end = rows[start..]
            .iter()
            .position(|r| &r.province_code != code || r.year != year)
            .map_or(rows.len(), |k| start + k);
        let unit = &rows[start..end];
        f.str("province_code", code);
        f.str("province", &unit[0].province);
        f.int("year", year as i64);
        f.str("edition", &unit[0].edition);
        for p in &paths {
            let name = if p.is_empty() { "total" } else { p };
            let row = unit.iter().find(|r| r.depth == depth && r.path == *p);
            if value == "rank" {
                f.opt_int(name, row.and_then(|r| r.rank).map(i64::from));
            } else {
                f.opt_float(name, row.and_then(|r| r.score));
            }
        }
        start = end;
    }
    f.build(py)
}

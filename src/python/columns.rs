//! Row-per-record result frames (projections) across the boundary as typed column buffers: numbers as
//! little-endian buffers, strings factored into a table of distinct values and a `uint32` index per row, so no
//! Python object is made per value and the frame's cost grows linearly with its rows (a Python list per column made
//! millions of objects, and the garbage collector's passes over them grew faster than the rows).
//! `chiso._columns.frame` assembles the polars frame.

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use super::buffers::bytes_of;

/// One column being filled row by row.
enum Data {
    /// float64, NaN = null.
    Float(Vec<f64>),
    /// int64 without nulls.
    Int(Vec<i64>),
    /// int64 with nulls, carried as float64 (NaN = null; every value here is far below 2^53).
    OptInt(Vec<f64>),
    Bool(Vec<u8>),
    /// Index into `labels` per row (`labels` ends with a null entry when some row has none).
    Str {
        index: Vec<u32>,
        labels: Vec<String>,
        seen: HashMap<String, u32>,
        null: Option<u32>,
    },
}

/// Columns in order, filled one row at a time.
#[derive(Default)]
pub struct Columns {
    columns: Vec<(&'static str, Data)>,
    /// The column filled next in the current row (rows fill the columns in the same order).
    next: usize,
}

impl Columns {
    fn slot(&mut self, name: &'static str, make: fn() -> Data) -> &mut Data {
        let i = self.next;
        self.next += 1;
        if i == self.columns.len() {
            self.columns.push((name, make()));
        }
        debug_assert_eq!(self.columns[i].0, name, "every row fills the columns in the same order");
        &mut self.columns[i].1
    }

    /// Start the next row.
    pub fn row(&mut self) {
        self.next = 0;
    }

    pub fn float(&mut self, name: &'static str, v: Option<f64>) {
        if let Data::Float(c) = self.slot(name, || Data::Float(Vec::new())) {
            c.push(v.unwrap_or(f64::NAN));
        }
    }

    pub fn int(&mut self, name: &'static str, v: i64) {
        if let Data::Int(c) = self.slot(name, || Data::Int(Vec::new())) {
            c.push(v);
        }
    }

    pub fn opt_int(&mut self, name: &'static str, v: Option<i64>) {
        if let Data::OptInt(c) = self.slot(name, || Data::OptInt(Vec::new())) {
            c.push(v.map_or(f64::NAN, |x| x as f64));
        }
    }

    pub fn bool(&mut self, name: &'static str, v: bool) {
        if let Data::Bool(c) = self.slot(name, || Data::Bool(Vec::new())) {
            c.push(u8::from(v));
        }
    }

    pub fn str(&mut self, name: &'static str, v: Option<&str>) {
        let make = || Data::Str { index: Vec::new(), labels: Vec::new(), seen: HashMap::new(), null: None };
        if let Data::Str { index, labels, seen, null } = self.slot(name, make) {
            let i = match v {
                Some(s) => match seen.get(s) {
                    Some(&i) => i,
                    None => {
                        labels.push(s.to_string());
                        let i = labels.len() as u32 - 1;
                        seen.insert(s.to_string(), i);
                        i
                    }
                },
                None => *null.get_or_insert(u32::MAX),
            };
            index.push(i);
        }
    }

    /// The polars frame (`chiso._columns.frame`); `schema` names every column's kind ("float", "int", "opt_int",
    /// "bool", "str") for a result without rows.
    pub fn build<'py>(
        mut self,
        py: Python<'py>,
        schema: &[(&'static str, &'static str)],
    ) -> PyResult<Bound<'py, PyAny>> {
        if self.columns.is_empty() {
            self.columns = schema
                .iter()
                .map(|&(name, kind)| {
                    let data = match kind {
                        "float" => Data::Float(Vec::new()),
                        "int" => Data::Int(Vec::new()),
                        "opt_int" => Data::OptInt(Vec::new()),
                        "bool" => Data::Bool(Vec::new()),
                        _ => Data::Str { index: Vec::new(), labels: Vec::new(), seen: HashMap::new(), null: None },
                    };
                    (name, data)
                })
                .collect();
        }
        let out = PyList::empty(py);
        for (name, data) in self.columns {
            let (kind, buffer, labels): (&str, Bound<'py, PyBytes>, Option<Vec<Option<String>>>) = match data {
                Data::Float(v) => ("float", bytes_of(py, &v, f64::to_le_bytes)?, None),
                Data::Int(v) => ("int", bytes_of(py, &v, i64::to_le_bytes)?, None),
                Data::OptInt(v) => ("opt_int", bytes_of(py, &v, f64::to_le_bytes)?, None),
                Data::Bool(v) => ("bool", PyBytes::new(py, &v), None),
                Data::Str { mut index, labels, null, .. } => {
                    // A null row points one past the labels, where the table holds a null.
                    let mut table: Vec<Option<String>> = labels.into_iter().map(Some).collect();
                    if null.is_some() {
                        let at = table.len() as u32;
                        index.iter_mut().filter(|i| **i == u32::MAX).for_each(|i| *i = at);
                        table.push(None);
                    }
                    ("str", bytes_of(py, &index, u32::to_le_bytes)?, Some(table))
                }
            };
            out.append((name, kind, buffer, labels))?;
        }
        py.import("chiso._columns")?.getattr("frame")?.call1((out,))
    }
}

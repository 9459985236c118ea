//! Binding of the indicator layer (`chiso.indicators` wraps these): layers, bundled raw values, scoring,
//! explanations, what-ifs and targets at indicator level. Conversion only; the work is in `crate::indicators`.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use super::buffers;
use super::convert::{to_py_err, Frame};
use crate::error::ChisoError;
use crate::indicators::{self as ind, Field, Layer, Method};
use crate::provinces::Registry;

fn opt(v: f64) -> Option<f64> {
    if v.is_nan() {
        None
    } else {
        Some(v)
    }
}

fn code_of(name: &str) -> PyResult<String> {
    Registry::get().find(name).map(|p| p.code.clone()).map_err(to_py_err)
}

fn name_of(code: &str) -> String {
    Registry::get().by_code(code).map_or(code.to_string(), |p| p.name_vi.clone())
}

/// The layer: built-in for (index, year), or the user's file text; `minmax` swaps every fixed-goalposts rule for
/// min–max over the field (a labelled counterfactual: on the published field the scores are the same, but an edit
/// beyond the field's best or worst moves the bounds for every province).
fn layer_for(index: &str, year: i32, toml: Option<&str>, minmax: bool) -> PyResult<Layer> {
    let mut layer = match toml {
        Some(text) => Layer::from_toml_str_cached(text, "<user layer>").map_err(to_py_err)?,
        None => ind::builtin_layer(index, year).map_err(to_py_err)?.clone(),
    };
    if minmax {
        layer = layer.field_relative_variant();
    }
    Ok(layer)
}

/// The field: the bundled raw values of the year, or the user's long frame as columns: the distinct province
/// names and each row's index into them, the distinct indicator codes and each row's index, and the values
/// (little-endian uint32 and float64 buffers: one copy, no Python object per row). Each distinct name and code is
/// resolved once; a (province, indicator) given twice with different values is an error.
fn field_for(layer: &Layer, year: i32, data: Data) -> PyResult<Field> {
    let Some((province_names, province_rows, indicator_codes, indicator_rows, values)) = data else {
        return ind::bundled_field(layer, year).map_err(to_py_err);
    };
    let province_rows = buffers::u32s("province", province_rows.as_bytes())?;
    let indicator_rows = buffers::u32s("indicator", indicator_rows.as_bytes())?;
    let values = buffers::f64s("value", values.as_bytes())?;
    if province_rows.len() != indicator_rows.len() || province_rows.len() != values.len() {
        return Err(to_py_err(ChisoError::Data("province, indicator and value differ in length".into())));
    }
    // Distinct provinces: their GSO codes, and their row in the field (names that are spellings of one province
    // share a row).
    let mut codes: Vec<String> = Vec::new();
    let mut row_of = Vec::with_capacity(province_names.len());
    for name in &province_names {
        let code = code_of(name)?;
        row_of.push(match codes.iter().position(|c| *c == code) {
            Some(r) => r,
            None => {
                codes.push(code);
                codes.len() - 1
            }
        });
    }
    let column_of: Vec<Option<usize>> = indicator_codes.iter().map(|c| layer.find(c)).collect();
    let k = layer.indicators.len();
    let mut raw = vec![f64::NAN; codes.len() * k];
    for ((&p, &i), &v) in province_rows.iter().zip(&indicator_rows).zip(&values) {
        let (Some(&row), Some(&column)) = (row_of.get(p as usize), column_of.get(i as usize)) else {
            return Err(to_py_err(ChisoError::Data(format!(
                "indicator data: row index {p} or {i} outside the {} provinces and {} indicators given",
                province_names.len(),
                indicator_codes.len()
            ))));
        };
        let Some(j) = column else {
            return Err(to_py_err(ChisoError::UnknownIndicator {
                layer: format!("{} {year}", layer.edition),
                indicator: indicator_codes[i as usize].clone(),
                province: name_of(&codes[row]),
                year,
                suggestions: layer.suggestions(&indicator_codes[i as usize]),
            }));
        };
        let slot = &mut raw[row * k + j];
        if !slot.is_nan() && *slot != v {
            return Err(to_py_err(ChisoError::Duplicate {
                province: name_of(&codes[row]),
                year,
                node: format!("{}/{}", layer.edition, layer.indicators[j].path),
                first: *slot,
                second: v,
            }));
        }
        *slot = v;
    }
    let published = vec![f64::NAN; codes.len() * layer.nodes.len()];
    Ok(Field { year, provinces: codes, raw, published })
}

/// A long frame of raw values as columns (see `field_for`); None = the bundled data.
type Data<'py> = Option<(Vec<String>, Bound<'py, PyBytes>, Vec<String>, Bound<'py, PyBytes>, Bound<'py, PyBytes>)>;

/// The rank columns of every chiso frame (`rank` over the publisher's field, null on a partial field;
/// `rank_within` among the provinces given; `n_ranked` of `n_field`; `field_status`) for province row `p`.
fn ranking_columns(f: &mut Frame, r: &ind::Ranking, p: usize) {
    f.opt_int("rank", r.rank[p].map(i64::from));
    f.opt_int("rank_within", r.rank_within[p].map(i64::from));
    f.int("n_ranked", i64::from(r.n_ranked));
    f.int("n_field", i64::from(r.n_field));
    f.str("field_status", r.field_status.as_str());
}

/// Every built-in layer: edition, year, status, number of indicators, origin.
#[pyfunction]
fn _indicator_layers<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for l in ind::builtin_layers().map_err(to_py_err)? {
        f.str("edition", &l.edition);
        f.opt_int("year", l.year.map(i64::from));
        f.str("status", l.status.as_str());
        f.int("indicators", l.indicators.len() as i64);
        f.int("established", l.nodes.iter().filter(|n| n.status != crate::Status::Unknown).count() as i64);
        f.int("nodes", l.nodes.len() as i64);
        f.str("origin", &l.origin);
    }
    f.build(py)
}

/// One layer as two frames: its nodes (rule, status, residual, provinces not reproducible) and its indicators.
#[pyfunction]
#[pyo3(signature = (index, year, toml=None, minmax=false))]
fn _indicator_layer<'py>(
    py: Python<'py>,
    index: &str,
    year: i32,
    toml: Option<&str>,
    minmax: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let l = layer_for(index, year, toml, minmax)?;
    let mut nodes = Frame::default();
    for n in &l.nodes {
        nodes.str("node", &n.node);
        nodes.str(
            "aggregation",
            match n.combine {
                ind::Combine::WSum { .. } => "WSUM",
                ind::Combine::WMean => "WMEAN",
            },
        );
        nodes.opt_float(
            "intercept",
            match n.combine {
                ind::Combine::WSum { intercept } => Some(intercept),
                ind::Combine::WMean => None,
            },
        );
        nodes.str("aggregation_status", n.status.as_str());
        nodes.opt_float("max_residual", n.max_residual);
        nodes.int("indicators", n.indicators.len() as i64);
        let names: Vec<String> = n.not_reproducible.iter().map(|c| name_of(c)).collect();
        nodes.str_list("not_reproducible", &names);
        nodes.opt_str("note", n.note.as_deref());
    }
    let mut inds = Frame::default();
    for i in &l.indicators {
        inds.str("node", &l.nodes[i.node].node);
        inds.str("indicator", &i.path);
        inds.opt_str("name_vi", i.name_vi.as_deref());
        inds.opt_str("name_en", i.name_en.as_deref());
        inds.str("unit", i.unit.as_str());
        inds.str("direction", i.direction.as_str());
        inds.opt_float("weight", Some(i.weight));
        inds.str("weight_status", i.weight_status.as_str());
        inds.str("method", i.rule.method.name());
        let (lo, hi) = match i.rule.method {
            Method::Goalposts { lower, upper } => (Some(lower), Some(upper)),
            _ => (None, None),
        };
        inds.opt_float("lower", lo);
        inds.opt_float("upper", hi);
        inds.opt_float("range_min", Some(i.rule.range.0));
        inds.opt_float("range_max", Some(i.rule.range.1));
        inds.str("normalise_status", i.normalise_status.as_str());
        inds.str("provenance", i.provenance(&l.nodes[i.node]).as_str());
    }
    let d = PyDict::new(py);
    d.set_item("edition", &l.edition)?;
    d.set_item("year", l.year)?;
    d.set_item("status", l.status.as_str())?;
    d.set_item("note", l.note.as_deref())?;
    d.set_item("nodes", nodes.build(py)?)?;
    d.set_item("indicators", inds.build(py)?)?;
    Ok(d)
}

/// The bundled raw indicator values (every year, long).
#[pyfunction]
fn _indicator_values<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    for line in ind::BUNDLED_INDICATORS.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        if c.len() != 5 {
            return Err(to_py_err(ChisoError::Data(format!("bad bundled indicator row {line:?}"))));
        }
        f.str("province_code", c[1]);
        f.str("province", &name_of(c[1]));
        f.int("year", c[0].parse::<i64>().unwrap_or_default());
        f.str("node", c[2]);
        f.str("indicator", &format!("{}/{}", c[2], c[3]));
        f.opt_float("value", c[4].parse::<f64>().ok());
    }
    f.build(py)
}

/// Score a field: per province × node the value by the layer's rules (and the published one where bundled), and
/// per province the composite and rank.
#[pyfunction]
#[pyo3(signature = (index, year, data=None, toml=None, minmax=false))]
fn _indicator_score<'py>(
    py: Python<'py>,
    index: &str,
    year: i32,
    data: Data<'py>,
    toml: Option<&str>,
    minmax: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let l = layer_for(index, year, toml, minmax)?;
    let field = field_for(&l, year, data)?;
    let s = py.detach(|| ind::score_field(&l, &field)).map_err(to_py_err)?;
    let m = l.nodes.len();
    let mut nodes = Frame::default();
    let mut totals = Frame::default();
    for (p, code) in field.provinces.iter().enumerate() {
        let name = name_of(code);
        for (q, n) in l.nodes.iter().enumerate() {
            nodes.str("province", &name);
            nodes.int("year", i64::from(year));
            nodes.str("node", &n.node);
            nodes.opt_float("value", opt(s.nodes[p * m + q]));
            nodes.opt_float("published", opt(field.published[p * m + q]));
            nodes.str("provenance", n.status.as_str());
            nodes.bool("reproducible", !n.not_reproducible.contains(code));
        }
        totals.str("province", &name);
        totals.int("year", i64::from(year));
        totals.opt_float("composite", opt(s.composite[p]));
        ranking_columns(&mut totals, &s.ranking, p);
    }
    let d = PyDict::new(py);
    d.set_item("nodes", nodes.build(py)?)?;
    // provinces × indicators: the names once and the values as float64 buffers (NaN = missing); the Python layer
    // lays them out long (7,000 rows a year: one Python object per row would cost more than the scoring).
    let names: Vec<String> = field.provinces.iter().map(|c| name_of(c)).collect();
    let paths: Vec<&str> = l.indicators.iter().map(|i| i.path.as_str()).collect();
    let inds = PyDict::new(py);
    inds.set_item("provinces", names)?;
    inds.set_item("indicators", paths)?;
    inds.set_item("raw", buffers::bytes_of(py, &field.raw, f64::to_le_bytes)?)?;
    inds.set_item("score", buffers::bytes_of(py, &s.scores, f64::to_le_bytes)?)?;
    d.set_item("indicators", inds)?;
    d.set_item("totals", totals.build(py)?)?;
    Ok(d)
}

/// Each indicator of a province: raw, score, weight, points lost, best and median values.
#[pyfunction]
#[pyo3(signature = (index, year, province, data=None, toml=None, minmax=false))]
fn _indicator_explain<'py>(
    py: Python<'py>,
    index: &str,
    year: i32,
    province: &str,
    data: Data<'py>,
    toml: Option<&str>,
    minmax: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let l = layer_for(index, year, toml, minmax)?;
    let field = field_for(&l, year, data)?;
    let code = code_of(province)?;
    let rows = ind::explain(&l, &field, &code).map_err(to_py_err)?;
    let mut f = Frame::default();
    for (j, r) in rows.iter().enumerate() {
        f.str("province", &name_of(&code));
        f.int("year", i64::from(year));
        f.str("node", &r.node);
        f.str("indicator", &r.indicator);
        f.opt_str("name_vi", l.indicators[j].name_vi.as_deref());
        f.str("unit", r.unit.as_str());
        f.str("direction", r.direction.as_str());
        f.opt_float("raw", opt(r.raw));
        f.opt_float("score", opt(r.score));
        f.opt_float("weight", Some(r.weight));
        f.opt_float("points_lost", opt(r.points_lost));
        f.opt_float("composite_points_lost", opt(r.composite_points_lost));
        f.opt_float("best_value", opt(r.best_value));
        f.str("best_province", &r.best_province);
        f.opt_float("median_value", opt(r.median_value));
        f.str("method", r.rule.name());
        f.str("provenance", r.provenance.as_str());
    }
    f.build(py)
}

fn what_if_frames<'py>(
    py: Python<'py>,
    l: &Layer,
    field: &Field,
    code: &str,
    w: &ind::WhatIf,
) -> PyResult<Bound<'py, PyDict>> {
    let p = field.province_index(code).map_err(to_py_err)?;
    let (k, m) = (l.indicators.len(), l.nodes.len());
    let mut inds = Frame::default();
    for (j, i) in l.indicators.iter().enumerate() {
        let edited = !w.edited[j].is_nan();
        if !(edited || w.bound_moved[j]) {
            continue;
        }
        inds.str("indicator", &i.path);
        inds.bool("edited", edited);
        inds.opt_float("base_raw", opt(field.raw[p * k + j]));
        inds.opt_float("raw", opt(if edited { w.edited[j] } else { field.raw[p * k + j] }));
        inds.opt_float("base_score", opt(w.base.scores[p * k + j]));
        inds.opt_float("score", opt(w.projected.scores[p * k + j]));
        inds.opt_float("base_best", Some(w.base.bounds[j].best));
        inds.opt_float("best", Some(w.projected.bounds[j].best));
        inds.opt_float("base_worst", Some(w.base.bounds[j].worst));
        inds.opt_float("worst", Some(w.projected.bounds[j].worst));
        inds.bool("bound_moved", w.bound_moved[j]);
        inds.bool("beyond_bounds", w.beyond_bounds[j]);
        inds.str("method", i.rule.method.name());
    }
    let mut nodes = Frame::default();
    for (q, n) in l.nodes.iter().enumerate() {
        let base = opt(field.published[p * m + q]).unwrap_or(w.base.nodes[p * m + q]);
        nodes.str("node", &n.node);
        nodes.opt_float("base", opt(base));
        nodes.opt_float("value", opt(w.nodes[p * m + q]));
        nodes.opt_float("delta", opt(w.nodes[p * m + q] - base));
        nodes.str("provenance", n.status.as_str());
    }
    let mut field_rows = Frame::default();
    for (q, c) in field.provinces.iter().enumerate() {
        field_rows.str("province", &name_of(c));
        field_rows.opt_float("base", opt(w.base_composite[q]));
        field_rows.opt_float("value", opt(w.composite[q]));
        field_rows.opt_int("base_rank", w.base_ranking.rank[q].map(i64::from));
        field_rows.opt_int("base_rank_within", w.base_ranking.rank_within[q].map(i64::from));
        ranking_columns(&mut field_rows, &w.ranking, q);
    }
    let d = PyDict::new(py);
    d.set_item("indicators", inds.build(py)?)?;
    d.set_item("nodes", nodes.build(py)?)?;
    d.set_item("field", field_rows.build(py)?)?;
    d.set_item("province", name_of(code))?;
    d.set_item("composite_base", opt(w.base_composite[p]))?;
    d.set_item("composite", opt(w.composite[p]))?;
    d.set_item("rank_base", w.base_ranking.rank[p])?;
    d.set_item("rank", w.ranking.rank[p])?;
    d.set_item("rank_within_base", w.base_ranking.rank_within[p])?;
    d.set_item("rank_within", w.ranking.rank_within[p])?;
    d.set_item("n_ranked", w.ranking.n_ranked)?;
    d.set_item("n_field", w.ranking.n_field)?;
    d.set_item("field_status", w.ranking.field_status.as_str())?;
    d.set_item("layer_status", l.status.as_str())?;
    Ok(d)
}

/// Indicator-level what-if for one province: frames of the edited / bound-moved indicators, the province's nodes,
/// and every province's composite and rank.
#[pyfunction]
#[pyo3(signature = (index, year, province, codes, values, data=None, toml=None, minmax=false))]
#[allow(clippy::too_many_arguments)]
fn _indicator_what_if<'py>(
    py: Python<'py>,
    index: &str,
    year: i32,
    province: &str,
    codes: Vec<String>,
    values: Vec<f64>,
    data: Data<'py>,
    toml: Option<&str>,
    minmax: bool,
) -> PyResult<Bound<'py, PyDict>> {
    if codes.len() != values.len() {
        return Err(to_py_err(ChisoError::Data("indicator codes and values differ in length".into())));
    }
    let l = layer_for(index, year, toml, minmax)?;
    let field = field_for(&l, year, data)?;
    let code = code_of(province)?;
    let edits: Vec<(String, f64)> = codes.into_iter().zip(values).collect();
    let w = py.detach(|| ind::what_if(&l, &field, &code, &edits)).map_err(to_py_err)?;
    what_if_frames(py, &l, &field, &code, &w)
}

/// The cheapest indicator moves to reach a rank, and the re-scored what-if.
#[pyfunction]
#[pyo3(signature = (index, year, province, rank, beyond_observed=false, data=None, toml=None, minmax=false))]
#[allow(clippy::too_many_arguments)]
fn _indicator_target<'py>(
    py: Python<'py>,
    index: &str,
    year: i32,
    province: &str,
    rank: u32,
    beyond_observed: bool,
    data: Data<'py>,
    toml: Option<&str>,
    minmax: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let l = layer_for(index, year, toml, minmax)?;
    let field = field_for(&l, year, data)?;
    let code = code_of(province)?;
    let (moves, w) = py.detach(|| ind::target(&l, &field, &code, rank, beyond_observed)).map_err(to_py_err)?;
    let mut f = Frame::default();
    for mv in &moves {
        let j = l.find(&mv.indicator).unwrap_or(0);
        f.str("node", &l.nodes[l.indicators[j].node].node);
        f.str("indicator", &mv.indicator);
        f.opt_str("name_vi", l.indicators[j].name_vi.as_deref());
        f.str("unit", l.indicators[j].unit.as_str());
        f.opt_float("from", Some(mv.from));
        f.opt_float("to", Some(mv.to));
        f.opt_float("cost", Some(mv.cost));
        f.opt_float("composite_gain", Some(mv.composite_gain));
    }
    let d = what_if_frames(py, &l, &field, &code, &w)?;
    d.set_item("moves", f.build(py)?)?;
    Ok(d)
}

/// An indicator-level plan projected task by task and all together (`chiso.indicators.project_plan`): one row per
/// task, then the row "all". `to` and `change` give each task's expected raw value or raw change (exactly one of
/// the two per task, checked here).
#[pyfunction]
#[pyo3(signature = (index, year, province, ids, indicators, to, change, titles, lead_agencies, owners, data=None, toml=None, minmax=false))]
#[allow(clippy::too_many_arguments)]
fn _indicator_plan<'py>(
    py: Python<'py>,
    index: &str,
    year: i32,
    province: &str,
    ids: Vec<String>,
    indicators: Vec<String>,
    to: Vec<Option<f64>>,
    change: Vec<Option<f64>>,
    titles: Vec<Option<String>>,
    lead_agencies: Vec<Option<String>>,
    owners: Vec<(String, String)>,
    data: Data<'py>,
    toml: Option<&str>,
    minmax: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let n = ids.len();
    if [indicators.len(), to.len(), change.len(), titles.len(), lead_agencies.len()].iter().any(|&l| l != n) {
        return Err(to_py_err(ChisoError::Data("plan: task columns differ in length".into())));
    }
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let change = match (to[i], change[i]) {
            (Some(v), None) => ind::RawChange::To(v),
            (None, Some(d)) => ind::RawChange::By(d),
            _ => {
                return Err(to_py_err(ChisoError::Data(format!(
                    "plan: task {:?} ({}) needs exactly one of to (the new raw value) and change (the raw change)",
                    ids[i], indicators[i]
                ))))
            }
        };
        tasks.push(ind::IndicatorTask {
            id: ids[i].clone(),
            title: titles[i].clone(),
            indicator: indicators[i].clone(),
            change,
            lead_agency: lead_agencies[i].clone(),
        });
    }
    let l = layer_for(index, year, toml, minmax)?;
    let field = field_for(&l, year, data)?;
    let code = code_of(province)?;
    let out = py.detach(|| ind::project_plan(&l, &field, &code, &tasks, &owners)).map_err(to_py_err)?;
    let mut f = Frame::default();
    for t in out.tasks.iter().chain(std::iter::once(&out.together)) {
        f.str("province", &name_of(&code));
        f.int("year", i64::from(year));
        f.str("id", &t.id);
        f.opt_str("title", t.title.as_deref());
        f.opt_str("indicator", t.indicator.as_deref());
        f.opt_str("node", t.node.as_deref());
        f.opt_float("from", opt(t.from));
        f.opt_float("to", opt(t.to));
        f.opt_float("node_base", opt(t.node_base));
        f.opt_float("node_value", opt(t.node_value));
        f.opt_float("node_delta", opt(t.node_value - t.node_base));
        f.opt_float("base", opt(t.composite_base));
        f.opt_float("value", opt(t.composite));
        f.opt_float("delta", opt(t.composite - t.composite_base));
        f.opt_int("base_rank", t.rank_base.map(i64::from));
        f.opt_int("rank", t.rank.map(i64::from));
        f.opt_int("base_rank_within", t.rank_within_base.map(i64::from));
        f.opt_int("rank_within", t.rank_within.map(i64::from));
        f.int("n_ranked", i64::from(t.n_ranked));
        f.int("n_field", i64::from(t.n_field));
        f.str("field_status", t.field_status.as_str());
        f.bool("bound_moved", t.bound_moved);
        f.bool("beyond_bounds", t.beyond_bounds);
        f.str("provenance", t.provenance.as_str());
        f.opt_str("owner", t.owner.as_deref());
        f.opt_str("lead_agency", t.lead_agency.as_deref());
        f.str("status", "projected");
    }
    f.build(py)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_indicator_plan, m)?)?;
    m.add_function(wrap_pyfunction!(_indicator_layers, m)?)?;
    m.add_function(wrap_pyfunction!(_indicator_layer, m)?)?;
    m.add_function(wrap_pyfunction!(_indicator_values, m)?)?;
    m.add_function(wrap_pyfunction!(_indicator_score, m)?)?;
    m.add_function(wrap_pyfunction!(_indicator_explain, m)?)?;
    m.add_function(wrap_pyfunction!(_indicator_what_if, m)?)?;
    m.add_function(wrap_pyfunction!(_indicator_target, m)?)?;
    Ok(())
}

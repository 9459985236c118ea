//! Binding of `chiso::uncertainty`: arguments in, a dict of frames and raw buffers out (per-run arrays cross as
//! bytes that numpy reads without a Python object per value).

use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use super::buffers::{bytes_of, f64s};
use super::convert::{to_py_err, Frame};
use super::PyScores;
use crate::error::ChisoError;
use crate::project::scenarios::PreparedScenarios;
use crate::uncertainty::{
    analyse, sensitivity, Assumptions, FirstOrder, InputNoise, Output, Runs, SobolDesign, Spread, WeightNoise,
};

/// (province, node, se, lower, upper) of one noisy input value.
type NoiseRow = (String, String, Option<f64>, Option<f64>, Option<f64>);

#[allow(clippy::too_many_arguments)]
fn assumptions(
    node: &str,
    weights: Option<(f64, f64)>,
    dirichlet: Option<f64>,
    weight_nodes: Option<Vec<String>>,
    geometric: Vec<String>,
    missing: bool,
    noise: Vec<NoiseRow>,
    level: f64,
) -> PyResult<Assumptions> {
    let weights = match (weights, dirichlet) {
        (Some(_), Some(_)) => {
            return Err(to_py_err(ChisoError::argument(
                "dirichlet",
                "given with weights",
                "choose one way the weights vary: weights=(low, high) or dirichlet=concentration",
            )))
        }
        (Some((low, high)), None) => WeightNoise::Uniform { low, high },
        (None, Some(concentration)) => WeightNoise::Dirichlet { concentration },
        (None, None) => WeightNoise::Fixed,
    };
    let mut input_noise = Vec::with_capacity(noise.len());
    for (province, node, se, lower, upper) in noise {
        let spread = match (se, lower, upper) {
            (Some(se), None, None) => Spread::StandardError(se),
            (None, Some(lower), Some(upper)) => Spread::Interval { lower, upper, level },
            _ => {
                return Err(to_py_err(ChisoError::argument(
                    "input_noise",
                    format!("{province}, {node}"),
                    "give a scale for every noisy value: a standard error `se`, or an interval `lower`, `upper`",
                )))
            }
        };
        input_noise.push(InputNoise { province, node, spread });
    }
    Ok(Assumptions { node: node.to_string(), weights, weight_nodes, geometric, missing, input_noise })
}

/// Monte Carlo over the assumptions (see `chiso.uncertainty.analyse`).
#[pyfunction]
#[pyo3(signature = (scores, year, *, node, weights, dirichlet, weight_nodes, geometric, missing, noise, level, runs, seed, design))]
#[allow(clippy::too_many_arguments)]
fn _uncertainty<'py>(
    py: Python<'py>,
    scores: &PyScores,
    year: i32,
    node: &str,
    weights: Option<(f64, f64)>,
    dirichlet: Option<f64>,
    weight_nodes: Option<Vec<String>>,
    geometric: Vec<String>,
    missing: bool,
    noise: Vec<NoiseRow>,
    level: f64,
    runs: usize,
    seed: u64,
    design: Option<&[u8]>,
) -> PyResult<Bound<'py, PyDict>> {
    let a = assumptions(node, weights, dirichlet, weight_nodes, geometric, missing, noise, level)?;
    let runs = match design {
        Some(bytes) => Runs::Design(f64s("design", bytes)?),
        None => Runs::Seeded { runs, seed },
    };
    let u = py.detach(|| analyse(&scores.inner, year, &a, &runs)).map_err(to_py_err)?;
    let mut f = Frame::default();
    for p in &u.provinces {
        f.str("province_code", &p.province_code);
        f.str("province", &p.province);
        f.int("year", i64::from(u.year));
        f.str("edition", &u.edition);
        f.str("node", &u.node);
        f.opt_float("official_score", p.official_score);
        f.opt_int("official_rank", p.official_rank.map(i64::from));
        f.opt_int("rank_p05", p.rank_p05.map(i64::from));
        f.opt_int("rank_median", p.rank_median.map(i64::from));
        f.opt_int("rank_p95", p.rank_p95.map(i64::from));
        f.opt_float("mean_rank", p.mean_rank);
        f.opt_float("score_mean", p.score_mean);
        f.opt_float("score_sd", p.score_sd);
        f.int("runs_ranked", p.runs_ranked as i64);
        f.int("n_ranked", i64::from(u.n_ranked));
        f.int("n_field", i64::from(u.n_field));
        f.str("field_status", u.field_status.as_str());
    }
    let out = PyDict::new(py);
    out.set_item("ranks", f.build(py)?)?;
    out.set_item("rank_shift", bytes_of(py, &u.rank_shift, f64::to_le_bytes)?)?;
    let width = u.provinces.len() + 1;
    let counts: Vec<u8> = (0..u.provinces.len())
        .flat_map(|p| (0..width).map(move |r| (p, r)))
        .flat_map(|(p, r)| u.rank_count(p, r as u32).to_le_bytes())
        .collect();
    out.set_item("counts", PyBytes::new(py, &counts))?;
    out.set_item("runs", u.runs)?;
    out.set_item("seed", u.seed)?;
    out.set_item("varied", u.varied.clone())?;
    out.set_item("edition", u.edition.clone())?;
    out.set_item("node", u.node.clone())?;
    out.set_item("n_ranked", u.n_ranked)?;
    Ok(out)
}

/// Sobol indices (see `chiso.uncertainty.sensitivity`).
#[pyfunction]
#[pyo3(signature = (scores, year, *, node, weights, dirichlet, weight_nodes, geometric, missing, noise, level, output, province, n, seed, a, b, bootstrap, first_order))]
#[allow(clippy::too_many_arguments)]
fn _sensitivity<'py>(
    py: Python<'py>,
    scores: &PyScores,
    year: i32,
    node: &str,
    weights: Option<(f64, f64)>,
    dirichlet: Option<f64>,
    weight_nodes: Option<Vec<String>>,
    geometric: Vec<String>,
    missing: bool,
    noise: Vec<NoiseRow>,
    level: f64,
    output: &str,
    province: Option<String>,
    n: usize,
    seed: u64,
    a: Option<&[u8]>,
    b: Option<&[u8]>,
    bootstrap: usize,
    first_order: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let asm = assumptions(node, weights, dirichlet, weight_nodes, geometric, missing, noise, level)?;
    let output = match (output, province) {
        ("rank_shift", None) => Output::RankShift,
        ("rank", Some(p)) => Output::Rank(p),
        ("score", Some(p)) => Output::Score(p),
        ("rank_shift", Some(p)) => {
            return Err(to_py_err(ChisoError::argument(
                "province",
                p,
                "the rank shift is over every province: give output='rank' or 'score' for one province",
            )))
        }
        ("rank" | "score", None) => {
            return Err(to_py_err(ChisoError::argument(
                "province",
                "None",
                "output='rank' or 'score' needs a province",
            )))
        }
        (other, _) => {
            return Err(to_py_err(ChisoError::argument("output", other, "one of 'rank_shift', 'rank', 'score'")))
        }
    };
    let first_order = match first_order {
        "saltelli2010" => FirstOrder::Saltelli2010,
        "jansen" => FirstOrder::Jansen,
        other => return Err(to_py_err(ChisoError::argument("first_order", other, "one of 'saltelli2010', 'jansen'"))),
    };
    let design = match (a, b) {
        (Some(a), Some(b)) => SobolDesign::Given { a: f64s("a", a)?, b: f64s("b", b)? },
        (None, None) => SobolDesign::Seeded { n, seed },
        _ => {
            return Err(to_py_err(ChisoError::argument(
                "design",
                "one matrix",
                "give both matrices A and B, or neither",
            )))
        }
    };
    let s = py
        .detach(|| sensitivity(&scores.inner, year, &asm, &output, &design, bootstrap, first_order))
        .map_err(to_py_err)?;
    let mut f = Frame::default();
    for i in &s.indices {
        f.str("input", &i.input);
        f.opt_float("first", Some(i.first));
        f.opt_float("first_lower", Some(i.first_lower));
        f.opt_float("first_upper", Some(i.first_upper));
        f.opt_float("total", Some(i.total));
        f.opt_float("total_lower", Some(i.total_lower));
        f.opt_float("total_upper", Some(i.total_upper));
        f.int("n", s.n as i64);
        f.int("evaluations", s.evaluations as i64);
        f.int("bootstrap", s.bootstrap as i64);
        f.str("first_order_estimator", s.first_order.as_str());
        f.str("total_estimator", "jansen");
    }
    f.build(py)
}

/// The columns of `chiso.project.what_if_many`, in their default order (`chiso.project.SCENARIO_COLUMNS`).
const SCENARIO_COLUMNS: [&str; 17] = [
    "scenario",
    "province_code",
    "province",
    "year",
    "node",
    "value",
    "delta",
    "rank",
    "rank_within",
    "base_value",
    "base_rank",
    "rank_change",
    "clamped",
    "best",
    "beyond_best",
    "peers",
    "status",
];

/// Many what-if scenarios of one province (see `chiso.project.what_if_many`): values in as a float64 buffer, the
/// `columns` asked for out — a frame built here (`frame`), or per-row buffers for Python to assemble.
#[pyfunction]
#[pyo3(signature = (scores, year, province, nodes, ops, values, outputs, peers_target_year = None, peer_values = None, frame = false, columns = None))]
#[allow(clippy::too_many_arguments)]
fn _what_if_many<'py>(
    py: Python<'py>,
    scores: &PyScores,
    year: i32,
    province: &str,
    nodes: Vec<String>,
    ops: Vec<String>,
    values: pyo3::buffer::PyBuffer<f64>,
    outputs: Vec<String>,
    peers_target_year: Option<i32>,
    peer_values: Option<Vec<(String, String, f64)>>,
    frame: bool,
    columns: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    use crate::project::scenarios::Op;
    use crate::project::Peers;
    let columns = scenario_columns(columns)?;
    let ops: Vec<Op> =
        ops.iter().map(|o| o.parse::<Op>().map_err(|e| to_py_err(e.for_argument("op")))).collect::<PyResult<_>>()?;
    // The caller's float64 array read in place (C order), one copy: no bytes object in between.
    let values = values.to_vec(py)?;
    let peers = match (peers_target_year, peer_values) {
        (Some(target_year), None) => {
            Peers::Trend { target_year, options: crate::project::trend::TrendOptions::default() }
        }
        (None, Some(cells)) => Peers::Given(cells),
        _ => Peers::Held,
    };
    let key = ScenarioKey { year, province: province.to_string(), nodes, ops, outputs, peers };
    let out = py.detach(|| scores.scenarios.prepared(&scores.inner, key)?.evaluate(&values)).map_err(to_py_err)?;
    if frame {
        return scenario_frame(py, &out, &columns);
    }
    let d = PyDict::new(py);
    // Every per-row column asked for, ready for polars (float64, NaN = null; ranks as floats so that polars reads
    // the nulls in the same pass), so Python builds the frame without an expression per column.
    let k = out.nodes.len();
    let rows = out.values.len();
    let ranked = |r: u32| if r == 0 { f64::NAN } else { f64::from(r) };
    for name in &columns {
        let buffer = match name.as_str() {
            "value" => bytes_of(py, &out.values, f64::to_le_bytes)?,
            "delta" => per_row(py, rows, k, |s, j| out.values[s * k + j] - out.base_values[j])?,
            "rank" => per_row(py, rows, k, |s, j| ranked(out.ranks[s * k + j]))?,
            "rank_within" => per_row(py, rows, k, |s, j| ranked(out.ranks_within[s * k + j]))?,
            "rank_change" => per_row(py, rows, k, |s, j| match (out.base_ranks[j], out.ranks[s * k + j]) {
                (0, _) | (_, 0) => f64::NAN,
                (base, rank) => f64::from(base) - f64::from(rank),
            })?,
            "clamped" => {
                let clamped: Vec<u8> = out.clamped.iter().flat_map(|&c| std::iter::repeat_n(u8::from(c), k)).collect();
                PyBytes::new(py, &clamped)
            }
            "beyond_best" => bytes_of(py, &out.beyond_best, |c| [u8::from(c)])?,
            _ => continue, // made in Python from the per-node values below
        };
        d.set_item(name, buffer)?;
    }
    d.set_item("columns", &columns)?;
    d.set_item("best", out.best.clone())?;
    d.set_item("nodes", out.nodes.clone())?;
    d.set_item("scenarios", out.scenarios)?;
    d.set_item("base_values", out.base_values.clone())?;
    d.set_item("base_ranks", out.base_ranks.clone())?;
    d.set_item("n_ranked", out.n_ranked.clone())?;
    d.set_item("province_code", out.province_code.clone())?;
    d.set_item("province", out.province.clone())?;
    d.set_item("peers", out.peers.to_string())?;
    Ok(d.into_any())
}

/// The arguments of a `what_if_many` preparation (everything but the values).
#[derive(PartialEq)]
pub(crate) struct ScenarioKey {
    year: i32,
    province: String,
    nodes: Vec<String>,
    ops: Vec<crate::project::scenarios::Op>,
    outputs: Vec<String>,
    peers: crate::project::Peers,
}

/// The last `what_if_many` preparation on a `Scores` object, with its arguments: a call with the same arguments
/// skips the preparation (the province's template, the peers' rank keys), as a numpy computation keeps its
/// sorted peers between calls. The scores are immutable, so a preparation never goes stale; one is kept, so the
/// memory is bounded.
#[derive(Default)]
pub(crate) struct ScenarioCache(Mutex<Option<(ScenarioKey, Arc<PreparedScenarios>)>>);

impl ScenarioCache {
    /// The preparation for `key`: the kept one if its arguments are `key`, else a new one (then kept).
    fn prepared(
        &self,
        scores: &crate::engine::Scores,
        key: ScenarioKey,
    ) -> crate::error::Result<Arc<PreparedScenarios>> {
        // A poisoned lock only means a panic elsewhere while it was held: the slot is still a valid Option.
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((k, prepared)) = kept.as_ref() {
            if *k == key {
                return Ok(prepared.clone());
            }
        }
        drop(kept);
        let prepared = Arc::new(PreparedScenarios::new(
            scores,
            key.year,
            &key.province,
            &key.nodes,
            &key.ops,
            &key.outputs,
            &key.peers,
        )?);
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, prepared.clone()));
        Ok(prepared)
    }
}

/// The columns asked for (default: all, in order): each a column of the frame, none twice.
fn scenario_columns(columns: Option<Vec<String>>) -> PyResult<Vec<String>> {
    let Some(columns) = columns else {
        return Ok(SCENARIO_COLUMNS.iter().map(|c| c.to_string()).collect());
    };
    let expected = SCENARIO_COLUMNS.join(", ");
    if columns.is_empty() {
        return Err(to_py_err(ChisoError::argument("columns", "[]", format!("ask for at least one of {expected}"))));
    }
    for (i, name) in columns.iter().enumerate() {
        if !SCENARIO_COLUMNS.contains(&name.as_str()) {
            return Err(to_py_err(ChisoError::argument("columns", name, format!("no such column; use {expected}"))));
        }
        if columns[..i].contains(name) {
            return Err(to_py_err(ChisoError::argument("columns", name, "asked for twice")));
        }
    }
    Ok(columns)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_what_if_many, m)?)?;
    // The one list of the frame's columns: `chiso.project.SCENARIO_COLUMNS` is this.
    m.add("_SCENARIO_COLUMNS", SCENARIO_COLUMNS.to_vec())?;
    m.add_function(wrap_pyfunction!(_uncertainty, m)?)?;
    m.add_function(wrap_pyfunction!(_sensitivity, m)?)?;
    Ok(())
}

/// A per-row float64 column of `rows` rows, `k` per scenario, from `f(scenario, node)` (generic, so the closure is
/// inlined into the loop).
fn per_row<'py>(
    py: Python<'py>,
    rows: usize,
    k: usize,
    f: impl Fn(usize, usize) -> f64,
) -> PyResult<Bound<'py, PyBytes>> {
    PyBytes::new_with(py, rows * 8, |buf| {
        for (s, row) in buf.chunks_exact_mut(8 * k).enumerate() {
            for (j, slot) in row.chunks_exact_mut(8).enumerate() {
                slot.copy_from_slice(&f(s, j).to_le_bytes());
            }
        }
        Ok(())
    })
}

/// The frame of `chiso.project.what_if_many` built here as Arrow columns and imported by polars in one call (the
/// fixed cost of a small call; a large one keeps its per-call constants as polars literals, see `chiso._columns`):
/// the `columns` asked for, in that order, with the columns, types and nulls of `chiso.project._scenario_frame`.
fn scenario_frame<'py>(
    py: Python<'py>,
    out: &crate::project::scenarios::ScenarioOutcomes,
    columns: &[String],
) -> PyResult<Bound<'py, PyAny>> {
    use super::arrow::{Bits, Column};
    // Row o is scenario o / k, output node o % k: the per-row columns are built scenario by scenario, node by
    // node, with no division per row (an integer division costs more than the rest of a row).
    let k = out.nodes.len();
    let rows = out.values.len();
    let n = out.scenarios;
    let constant = |label: String| Column::labelled(vec![label], vec![0; rows], None);
    let nan_free = |v: &[f64]| Bits::validity(v.len(), |i| !v[i].is_nan());
    let rank = |r: &[u32]| {
        Column::ints(r.iter().map(|&x| i64::from(x)).collect(), Some(Bits::validity(r.len(), |i| r[i] > 0)))
    };
    let floats = |v: Vec<f64>| {
        let valid = nan_free(&v);
        Column::floats(v, valid)
    };
    let base_rank = || -> Vec<u32> { out.base_ranks.repeat(n) };
    let mut frame = Vec::with_capacity(columns.len());
    for name in columns {
        let column = match name.as_str() {
            "scenario" => Column::ints((0..n).flat_map(|s| std::iter::repeat_n(s as i64, k)).collect(), None),
            "province_code" => constant(out.province_code.clone()),
            "province" => constant(out.province.clone()),
            "year" => Column::ints(vec![i64::from(out.year); rows], None),
            "node" => Column::labelled(out.nodes.clone(), (0..n).flat_map(|_| 0..k as u32).collect(), None),
            "value" => floats(out.values.clone()),
            "delta" => floats(
                out.values
                    .chunks_exact(k)
                    .flat_map(|row| row.iter().zip(&out.base_values).map(|(v, b)| v - b))
                    .collect(),
            ),
            "rank" => rank(&out.ranks),
            "rank_within" => rank(&out.ranks_within),
            "base_value" => floats(out.base_values.repeat(n)),
            "base_rank" => rank(&base_rank()),
            "rank_change" => {
                let change: Vec<Option<i64>> = out
                    .ranks
                    .iter()
                    .zip(base_rank())
                    .map(|(&r, b)| (r > 0 && b > 0).then(|| i64::from(b) - i64::from(r)))
                    .collect();
                Column::ints(
                    change.iter().map(|c| c.unwrap_or(0)).collect(),
                    Some(Bits::collect(change.iter().map(Option::is_some))),
                )
            }
            "clamped" => Column::bools(Bits::collect(out.clamped.iter().flat_map(|&c| std::iter::repeat_n(c, k)))),
            "best" => floats(out.best.repeat(n)),
            "beyond_best" => Column::bools(Bits::collect(out.beyond_best.iter().copied())),
            "peers" => constant(out.peers.to_string()),
            "status" => constant("projected".to_string()),
            other => return Err(to_py_err(ChisoError::argument("columns", other, "no such column"))),
        };
        frame.push((name.clone(), column));
    }
    super::arrow::frame(py, rows, frame)
}

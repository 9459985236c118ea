//! Binding of `chiso::project::plan_outcomes` (see `chiso.plans.simulate`): plan rows and per-task outcomes in, a
//! dict of frames out, with the per-run totals and ranks as bytes that numpy reads without a Python object per
//! value.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::buffers::bytes_of;
use super::convert::{to_py_err, Frame};
use super::{tasks_from, PyScores, TaskRow};
use crate::project::plan_outcomes::{simulate_with, Outcome, PeerSpread};
use crate::project::plans::Selection;
use crate::project::Peers;

/// (probability, effect_min, effect_mode, effect_max) of one task; the range is all three or none.
type OutcomeRow = (Option<f64>, Option<f64>, Option<f64>, Option<f64>);

/// Plan simulation (see `chiso.plans.simulate`).
#[pyfunction]
#[pyo3(signature = (scores, tasks, outcomes, province, year, index, selection, runs, seed, peers_target_year = None, peer_values = None, peer_uncertainty = false))]
#[allow(clippy::too_many_arguments)]
fn _plan_simulate<'py>(
    py: Python<'py>,
    scores: &PyScores,
    tasks: Vec<TaskRow>,
    outcomes: Vec<OutcomeRow>,
    province: &str,
    year: i32,
    index: &str,
    selection: Vec<String>,
    runs: usize,
    seed: u64,
    peers_target_year: Option<i32>,
    peer_values: Option<Vec<(String, String, f64)>>,
    peer_uncertainty: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let tasks = tasks_from(tasks)?;
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .map(|(p, lo, mode, hi)| Outcome {
            probability: p.unwrap_or(1.0),
            range: match (lo, mode, hi) {
                (Some(lo), Some(mode), Some(hi)) => Some((lo, mode, hi)),
                _ => None,
            },
        })
        .collect();
    let selection = match selection.as_slice() {
        [one] if one == "all" => Selection::All,
        [one] if one == "done" => Selection::Done,
        ids => Selection::Ids(ids.to_vec()),
    };
    let peers = match (peers_target_year, peer_values) {
        (Some(target_year), None) => {
            Peers::Trend { target_year, options: crate::project::trend::TrendOptions::default() }
        }
        (None, Some(cells)) => Peers::Given(cells),
        _ => Peers::Held,
    };
    let sim = py
        .detach(|| {
            let spread = if peer_uncertainty { PeerSpread::TrendUncertainty } else { PeerSpread::Fixed };
            simulate_with(
                &scores.inner,
                &tasks,
                &outcomes,
                province,
                year,
                index,
                &selection,
                &peers,
                spread,
                runs,
                seed,
            )
        })
        .map_err(to_py_err)?;

    let mut summary = Frame::default();
    summary.str("province_code", &sim.province_code);
    summary.str("province", &sim.province);
    summary.int("year", i64::from(sim.year));
    summary.str("index", &sim.index);
    summary.int("runs", sim.runs as i64);
    summary.int("seed", sim.seed as i64);
    summary.opt_float("base_total", Some(sim.base_total));
    summary.opt_float("total_mean", Some(sim.total_mean()));
    summary.opt_float("total_p05", Some(sim.total_percentile(5.0)));
    summary.opt_float("total_median", Some(sim.total_percentile(50.0)));
    summary.opt_float("total_p95", Some(sim.total_percentile(95.0)));
    summary.opt_int("base_rank", sim.base_rank.map(i64::from));
    for (name, q) in [("rank_p05", 0.05), ("rank_median", 0.5), ("rank_p95", 0.95)] {
        summary.opt_int(name, sim.rank_quantile(q, false).map(i64::from));
    }
    for (name, q) in [("rank_within_p05", 0.05), ("rank_within_median", 0.5), ("rank_within_p95", 0.95)] {
        summary.opt_int(name, sim.rank_quantile(q, true).map(i64::from));
    }
    summary.str("peers", &sim.peers.to_string());
    summary.str("status", "projected");

    let mut tasks_frame = Frame::default();
    for t in &sim.tasks {
        tasks_frame.str("id", &t.id);
        tasks_frame.str("lead_agency", &t.lead_agency);
        tasks_frame.opt_float("probability", Some(t.probability));
        tasks_frame.opt_float("variance_share", Some(t.variance_share));
    }
    let mut agencies = Frame::default();
    for a in &sim.agencies {
        agencies.str("lead_agency", &a.agency);
        agencies.int("n_tasks", a.n_tasks as i64);
        agencies.opt_float("expected_gain", Some(a.expected_gain));
        agencies.opt_float("gain_p05", Some(a.gain_p05));
        agencies.opt_float("gain_p95", Some(a.gain_p95));
        agencies.str("status", "projected");
    }

    let d = PyDict::new(py);
    d.set_item("summary", summary.build(py)?)?;
    d.set_item("tasks", tasks_frame.build(py)?)?;
    d.set_item("agencies", agencies.build(py)?)?;
    d.set_item("totals", bytes_of(py, &sim.totals, f64::to_le_bytes)?)?;
    d.set_item("ranks", bytes_of(py, &sim.ranks, u32::to_le_bytes)?)?;
    d.set_item("ranks_within", bytes_of(py, &sim.ranks_within, u32::to_le_bytes)?)?;
    d.set_item("varied", sim.varied.clone())?;
    d.set_item("runs", sim.runs)?;
    d.set_item("seed", sim.seed)?;
    Ok(d)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(_plan_simulate, m)?)?;
    Ok(())
}

//! The Python binding (`chiso._chiso`): conversion and exception mapping only. Every computation is in the core
//! crate, so Rust users have everything Python users have.

mod arrow;
mod buffers;
mod columns;
mod convert;
mod indicators;
mod plan_outcomes;
mod uncertainty;

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::engine::{self, EditionChoice, MissingPolicy, Prefer, ScoreOptions};
use crate::error::ChisoError;
use crate::methodology::{catalog, Methodology};
use crate::provinces::Registry;
use convert::{to_py_err, Frame};

/// One edition of an index's methodology: the node tree with its rules and the provenance of every number.
#[pyclass(name = "Methodology", module = "chiso", frozen)]
pub(crate) struct PyMethodology {
    pub(crate) inner: Arc<Methodology>,
}

#[pymethods]
impl PyMethodology {
    #[getter]
    fn code(&self) -> &str {
        &self.inner.code
    }
    #[getter]
    fn index(&self) -> &str {
        &self.inner.index
    }
    #[getter]
    fn first_year(&self) -> i32 {
        self.inner.first_year
    }
    #[getter]
    fn last_year(&self) -> Option<i32> {
        self.inner.last_year
    }
    #[getter]
    fn name_en(&self) -> &str {
        &self.inner.name_en
    }
    #[getter]
    fn name_vi(&self) -> &str {
        &self.inner.name_vi
    }
    #[getter]
    fn status(&self) -> &str {
        self.inner.status.as_str()
    }
    #[getter]
    fn document(&self) -> Option<&str> {
        self.inner.document.as_deref()
    }
    #[getter]
    fn source(&self) -> Option<&str> {
        self.inner.source.as_deref()
    }
    #[getter]
    fn note(&self) -> Option<&str> {
        self.inner.note.as_deref()
    }
    #[getter]
    fn origin(&self) -> &str {
        &self.inner.origin
    }
    #[getter]
    fn display_decimals(&self) -> u32 {
        self.inner.display_decimals
    }
    /// Ranking precision: None = unrounded, else the number of decimals compared.
    #[getter]
    fn rank_precision(&self) -> Option<u32> {
        self.inner.ranking.precision
    }

    /// Does this edition govern data year `year`?
    fn covers(&self, year: i32) -> bool {
        self.inner.covers(year)
    }

    /// The node tree as a polars DataFrame, one row per node in reading order.
    fn tree<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::tree_frame(py, &self.inner)
    }

    /// A variant with other weights: `{"transparency": 10, ...}` (paths or full codes).
    #[pyo3(signature = (weights, *, rescale_sum = false))]
    fn with_weights(
        &self,
        weights: std::collections::BTreeMap<String, f64>,
        rescale_sum: bool,
    ) -> PyResult<PyMethodology> {
        let pairs: Vec<(&str, f64)> = weights.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let m = self.inner.with_weights(&pairs, rescale_sum).map_err(to_py_err)?;
        Ok(PyMethodology { inner: Arc::new(m) })
    }

    /// A variant with maxima the edition does not know: `{"institutions": 10, ...}` (paths or codes).
    fn with_max_points(&self, maxima: std::collections::BTreeMap<String, f64>) -> PyResult<PyMethodology> {
        let pairs: Vec<(&str, f64)> = maxima.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let m = self.inner.with_max_points(&pairs).map_err(to_py_err)?;
        Ok(PyMethodology { inner: Arc::new(m) })
    }

    /// HTML table of the tree for notebooks (names in the language of `chiso.set_language`).
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("chiso._display")?.call_method1("methodology_html", (slf,))
    }

    fn __repr__(&self) -> String {
        let m = &self.inner;
        format!(
            "<Methodology {} ({}, data years {}), {} nodes, {}>",
            m.code,
            m.name_en,
            m.years_label(),
            m.nodes.len(),
            m.status
        )
    }
}

/// The result of scoring: one row per province, data year and node.
#[pyclass(name = "Scores", module = "chiso", frozen)]
pub(crate) struct PyScores {
    inner: engine::Scores,
    /// The last preparation of `chiso.project.what_if_many` on these (immutable) scores, reused by the next call
    /// with the same arguments (see `uncertainty::_what_if_many`).
    scenarios: uncertainty::ScenarioCache,
}

impl PyScores {
    fn new(inner: engine::Scores) -> PyScores {
        PyScores { inner, scenarios: Default::default() }
    }
}

#[pymethods]
impl PyScores {
    /// Long view: one row per province, data year and node — province_code, province, year, edition, node (the
    /// path below the edition root, "" = the total, as in every chiso frame), code (the full code), depth, kind,
    /// scored, score, max, rank, rank_within, n_ranked, n_field, field_status, published_rank, rank_status, group,
    /// origin, provenance, input, missing_children (polars DataFrame). The view that pivots cleanly in a notebook.
    ///
    /// `rank` is the rank over the field the publisher ranks that year (the index's `[ranked_field]`): it is null
    /// unless the data year holds every province of that field (`field_status` "full_field"); otherwise
    /// `field_status` is "partial_field" and `n_ranked` of `n_field` say how many. `rank_within` is the rank among
    /// the provinces of this result, whatever set that is; `published_rank` the rank the input gave
    /// (`measure = "rank"` rows).
    ///
    /// >>> import chiso
    /// >>> s = chiso.score("papi", chiso.datasets.papi().filter(year=2018))
    /// >>> row = s.long().filter(province="Quảng Ninh", depth=0).row(0, named=True)
    /// >>> row["score"] is None, row["origin"], row["missing_children"]
    /// (True, 'missing', ['papi.2018/transparency', 'papi.2018/control_of_corruption'])
    fn long<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::score_frame(py, &self.inner, None, convert::ScoreView::Long)
    }

    /// One row per province and year: the total, its rank over the publisher's field (null unless the data
    /// year holds the full field, see :meth:`long`), the rank within this result, the published rank where the
    /// input gave one, the quartile group where the edition has them, provenance.
    ///
    /// >>> import chiso
    /// >>> t = chiso.score("pci", chiso.datasets.pci().filter(year=2016)).totals()
    /// >>> t.filter(province="Trà Vinh").select("score", "rank", "n_ranked").row(0)
    /// (57.644..., 42, 63)
    fn totals<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::score_frame(py, &self.inner, Some(0), convert::ScoreView::Totals)
    }

    /// Wide view of one level: one row per province and year, one column per node at depth `level`
    /// (0 = total, 1 = sub-indices / dimensions, 2 = sub-dimensions). `value` is "score", "rank" (over the
    /// publisher's field; null for a partial field), "rank_within" or "published_rank".
    ///
    /// >>> import chiso
    /// >>> w = chiso.score("papi", chiso.datasets.papi().filter(year=2024)).wide(level=1, value="rank")
    /// >>> w.columns[4:7]
    /// ['participation', 'transparency', 'vertical_accountability']
    #[pyo3(signature = (level = 1, value = "score"))]
    fn wide<'py>(&self, py: Python<'py>, level: usize, value: &str) -> PyResult<Bound<'py, PyAny>> {
        if !["score", "rank", "rank_within", "published_rank"].contains(&value) {
            return Err(to_py_err(ChisoError::InvalidArgument(format!(
                "value={value:?}: use \"score\", \"rank\", \"rank_within\" or \"published_rank\""
            ))));
        }
        // A level below every tree is an error saying how deep the trees are, not a frame without node columns.
        let deepest = self.inner.editions().flat_map(|m| m.nodes.iter().map(|n| n.depth)).max().unwrap_or(0);
        if level > deepest {
            return Err(to_py_err(ChisoError::InvalidArgument(format!(
                "level={level}: the trees of {} have levels 0–{deepest}",
                self.editions().join(", ")
            ))));
        }
        let long = convert::score_frame(py, &self.inner, Some(level), convert::ScoreView::Long)?;
        py.import("chiso._assemble")?.call_method1("wide", (long, value))
    }

    /// Computed nodes compared with the values supplied for them: difference and the tolerance of README §1.5
    /// rule 3 for inputs rounded to `decimals_in` (None = unrounded) and a total printed to `decimals_out`.
    /// Published inconsistencies are reported, never corrected.
    ///
    /// >>> import chiso, polars as pl
    /// >>> c = chiso.score("pci", chiso.datasets.pci().filter(year=2011)).compare_published()
    /// >>> c.height, c.filter(~pl.col("within")).height
    /// (63, 62)
    #[pyo3(signature = (decimals_in = None, decimals_out = 2))]
    fn compare_published<'py>(
        &self,
        py: Python<'py>,
        decimals_in: Option<u32>,
        decimals_out: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = py.detach(|| self.inner.compare_published(decimals_in, decimals_out)).map_err(to_py_err)?;
        convert::comparison_frame(py, &rows)
    }

    /// Compare two data years: value, delta, relative and share-of-max change, ranks and rank change (positive =
    /// moved up), points lost, comparability (within_edition / comparable_across_break / cross_edition, from the
    /// editions' lineage), a materiality flag and a significance test. `material` says the change passes a
    /// size threshold (`materiality_measure`, `materiality_threshold`): `threshold` with `measure` ("relative" or
    /// "points") overrides the index's documented default (PAPI: 5% relative, status unknown). `significant` is a
    /// two-sided z test at `level` (default 0.05) of the change against the two values' standard errors
    /// (independent samples), given as `se` or `ci_low`/`ci_high` beside `value` when scoring; where either is
    /// unknown it is null and `significance_note` says why, with `p_value` beside it. A year of the 63 provinces compares with
    /// a year of the 34 units of 2025 only through a merge rule: the index's published one (DTI) or
    /// `merge_rule="member_mean"` (labelled user-supplied).
    ///
    /// >>> import chiso, polars as pl
    /// >>> s = chiso.score("papi", chiso.datasets.papi())
    /// >>> c = s.compare(2023, 2024, provinces=["Trà Vinh"], nodes=[""])
    /// >>> c.select("base_rank", "rank", "rank_change", "comparability").row(0)
    /// (54, 57, -3, 'within_edition')
    #[pyo3(signature = (base_year, year, *, nodes = None, provinces = None, comparable_only = false, threshold = None, measure = "relative", merge_rule = None, level = 0.05))]
    #[allow(clippy::too_many_arguments)]
    fn compare<'py>(
        &self,
        py: Python<'py>,
        base_year: i32,
        year: i32,
        nodes: Option<Vec<String>>,
        provinces: Option<Vec<String>>,
        comparable_only: bool,
        threshold: Option<f64>,
        measure: &str,
        merge_rule: Option<&str>,
        level: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut options = compare_options(nodes, provinces, comparable_only, threshold, measure)?;
        options.level = Some(level);
        options.merge_rule = match merge_rule {
            None => None,
            Some("member_mean") => Some(crate::compare::MergeRule::MemberMean),
            Some(other) => {
                return Err(to_py_err(ChisoError::InvalidArgument(format!(
                    "merge_rule={other:?}: the known rule is \"member_mean\" (the mean of the member provinces)"
                ))))
            }
        };
        let rows = py.detach(|| crate::compare::compare(&self.inner, base_year, year, &options)).map_err(to_py_err)?;
        convert::changes_frame(py, &rows)
    }

    /// Each computed node's change between two years split into its children's contributions (part "score";
    /// across a re-weighting also part "weights"; "residual" where a published total was kept). Contributions of
    /// one parent add up to the parent's delta.
    ///
    /// >>> import chiso, polars as pl
    /// >>> s = chiso.score("papi", chiso.datasets.papi())
    /// >>> d = s.decompose(2022, 2023, provinces=["Trà Vinh"], nodes=[""])
    /// >>> round(d["contribution"].sum(), 6) == round(s.compare(2022, 2023, provinces=["84"], nodes=[""])["delta"][0], 6)
    /// True
    #[pyo3(signature = (base_year, year, *, nodes = None, provinces = None))]
    fn decompose<'py>(
        &self,
        py: Python<'py>,
        base_year: i32,
        year: i32,
        nodes: Option<Vec<String>>,
        provinces: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = crate::compare::CompareOptions { nodes, provinces, ..Default::default() };
        let rows =
            py.detach(|| crate::compare::decompose(&self.inner, base_year, year, &options)).map_err(to_py_err)?;
        convert::contributions_frame(py, &rows)
    }

    /// A province's series at one node over every scored year: value, rank, change against the previous year,
    /// cumulative change and compound annual growth, and where the series breaks. Cumulative change and growth
    /// restart after each break (`segment_start`) unless `across_breaks=True`.
    ///
    /// >>> import chiso
    /// >>> t = chiso.score("papi", chiso.datasets.papi()).trajectory("Trà Vinh")
    /// >>> t.filter("break_before")["year"].to_list()
    /// [2016, 2018, 2019, 2021]
    #[pyo3(signature = (province, node = "", *, from_year = None, to_year = None, across_breaks = false))]
    fn trajectory<'py>(
        &self,
        py: Python<'py>,
        province: &str,
        node: &str,
        from_year: Option<i32>,
        to_year: Option<i32>,
        across_breaks: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = py
            .detach(|| crate::compare::trajectory(&self.inner, province, node, from_year, to_year, across_breaks))
            .map_err(to_py_err)?;
        convert::trajectory_frame(py, &rows)
    }

    /// How a province stands against the nation, its region and an optional list of peers at one node and year:
    /// group mean, median and best, the gaps to them, and the rank within each group.
    ///
    /// >>> import chiso
    /// >>> p = chiso.score("papi", chiso.datasets.papi()).peers("Trà Vinh", 2024)
    /// >>> p.select("group", "group_name", "n").rows()
    /// [('national', 'Việt Nam', 61), ('region', 'Đồng bằng sông Cửu Long', 12)]
    #[pyo3(signature = (province, year, node = "", *, peers = None))]
    fn peers<'py>(
        &self,
        py: Python<'py>,
        province: &str,
        year: i32,
        node: &str,
        peers: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = py
            .detach(|| crate::compare::peers(&self.inner, province, year, node, peers.as_deref()))
            .map_err(to_py_err)?;
        convert::peers_frame(py, &rows)
    }

    /// How many provinces rose, fell or stayed at each node between two years, with the largest gain and loss.
    #[pyo3(signature = (base_year, year, *, nodes = None, comparable_only = false, threshold = None, measure = "relative", level = 0.05))]
    #[allow(clippy::too_many_arguments)]
    fn movers<'py>(
        &self,
        py: Python<'py>,
        base_year: i32,
        year: i32,
        nodes: Option<Vec<String>>,
        comparable_only: bool,
        threshold: Option<f64>,
        measure: &str,
        level: f64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut options = compare_options(nodes, None, comparable_only, threshold, measure)?;
        options.level = Some(level);
        let rows = py.detach(|| crate::compare::compare(&self.inner, base_year, year, &options)).map_err(to_py_err)?;
        let movers = py.detach(|| crate::compare::movers(&rows));
        convert::movers_frame(py, &movers)
    }

    /// Where a province lost points in a year: per node, max − value and what it costs in the total
    /// (lost × ∂total/∂node), most costly first, with the department that leads the index. A node counted in
    /// points whose maximum is UNKNOWN raises MissingMaximumError naming it.
    ///
    /// >>> import chiso
    /// >>> p = chiso.score("pci", chiso.datasets.pci().filter(year=2016)).points_lost("Trà Vinh", 2016)
    /// >>> p.filter(depth=1)["cost_in_total"].sum() == p.filter(depth=0)["lost"][0]
    /// True
    fn points_lost<'py>(&self, py: Python<'py>, province: &str, year: i32) -> PyResult<Bound<'py, PyAny>> {
        let rows = py.detach(|| crate::compare::points_lost(&self.inner, province, year)).map_err(to_py_err)?;
        convert::points_lost_frame(py, &rows)
    }

    /// What-if (low level; see `chiso.project.what_if`): parallel lists of scenario, province, node, op
    /// (`Adjustment::OPS`) and value.
    #[pyo3(signature = (year, scenarios, provinces, nodes, ops, values, peers_target_year = None, peer_values = None, map = None, merge_rule = None, across_breaks = false))]
    #[allow(clippy::too_many_arguments)]
    fn _what_if<'py>(
        &self,
        py: Python<'py>,
        year: i32,
        scenarios: Vec<Option<String>>,
        provinces: Vec<Option<String>>,
        nodes: Vec<Option<String>>,
        ops: Vec<Option<String>>,
        values: Vec<Option<f64>>,
        peers_target_year: Option<i32>,
        peer_values: Option<Vec<(String, String, f64)>>,
        map: Option<&str>,
        merge_rule: Option<&str>,
        across_breaks: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        use crate::project::{Adjustment, Edit};
        let map = map.map(parse_map).transpose().map_err(to_py_err)?;
        let merge_rule = merge_rule.map(parse_merge_rule).transpose().map_err(to_py_err)?;
        let n = scenarios.len();
        if [provinces.len(), nodes.len(), ops.len(), values.len()].iter().any(|&l| l != n) {
            return Err(to_py_err(ChisoError::Data("scenario, province, node, op and value differ in length".into())));
        }
        if n > crate::limits::MAX_EDITS {
            return Err(to_py_err(ChisoError::InvalidArgument(format!(
                "{n} edits; a what-if call takes at most {}",
                crate::limits::MAX_EDITS
            ))));
        }
        // An empty cell is an error naming its row and column, never a dropped row.
        let cell = |column: &[Option<String>], name: &str, r: usize| -> PyResult<String> {
            column[r].clone().ok_or_else(|| {
                to_py_err(ChisoError::Data(format!("row {r}: column {name:?} is empty; every edit needs a {name}")))
            })
        };
        let mut edits = Vec::with_capacity(n);
        for (r, value) in values.iter().enumerate() {
            let (scenario, province, node, op) = (
                cell(&scenarios, "scenario", r)?,
                cell(&provinces, "province", r)?,
                cell(&nodes, "node", r)?,
                cell(&ops, "op", r)?,
            );
            let change = op
                .parse::<crate::project::scenarios::Op>()
                .and_then(|op| Adjustment::from_op(op, *value))
                .map_err(|e| to_py_err(ChisoError::Data(format!("row {r} ({province} / {node}): {e}"))))?;
            edits.push(Edit { scenario, province, node, change });
        }
        let peers = match (peers_target_year, peer_values) {
            (None, None) => crate::project::Peers::Held,
            (Some(target_year), None) => crate::project::Peers::Trend {
                target_year,
                options: crate::project::trend::TrendOptions { across_breaks, ..Default::default() },
            },
            (None, Some(cells)) => crate::project::Peers::Given(cells),
            (Some(_), Some(_)) => {
                return Err(to_py_err(ChisoError::InvalidArgument(
                    "peers: a trend target year or the user's values, not both".into(),
                )))
            }
        };
        let rows = py
            .detach(|| crate::project::what_if_on(&self.inner, year, &edits, &peers, map, merge_rule))
            .map_err(to_py_err)?;
        convert::projected_frame(py, &rows)
    }

    /// The cheapest improvements that bring a province to `rank` (≤ k, the edition's tie rule) or `score` in
    /// `year`, other provinces held at their values. Exact for the linear rules (a fractional knapsack: inputs
    /// filled in order of total gained per unit cost). `costs` maps input nodes to a cost per point (default 1).
    /// Returns a dict: reachable, required_total, current_total, projected_total, projected_rank, total_cost and
    /// the steps (a DataFrame: node, from, to, increase, total_gain, cost, best, beyond_best). `cap="max"` lets
    /// each input reach its maximum; `cap="best"` stops it at the year's best observed value (no step then relies
    /// on a value no province reached; `beyond_best` flags such steps under `cap="max"`).
    ///
    /// >>> import chiso
    /// >>> s = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
    /// >>> answer = s.target("Trà Vinh", 2016, rank=20)
    /// >>> answer["reachable"], answer["projected_rank"] <= 20
    /// (True, True)
    /// >>> capped = s.target("Trà Vinh", 2016, rank=20, cap="best")
    /// >>> capped["cap"], capped["steps"]["beyond_best"].any()
    /// ('best', False)
    #[pyo3(signature = (province, year, *, rank = None, score = None, costs = None, cap = "max"))]
    #[allow(clippy::too_many_arguments)]
    fn target<'py>(
        &self,
        py: Python<'py>,
        province: &str,
        year: i32,
        rank: Option<u32>,
        score: Option<f64>,
        costs: Option<std::collections::BTreeMap<String, f64>>,
        cap: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        use crate::project::target::{solve_capped, Cap, Target};
        let cap_choice = cap.parse::<Cap>().map_err(|e| to_py_err(e.for_argument("cap")))?;
        let target = match (rank, score) {
            (Some(r), None) => Target::Rank(r),
            (None, Some(s)) => Target::Score(s),
            _ => {
                return Err(to_py_err(ChisoError::InvalidArgument("give exactly one target: rank=k or score=s".into())))
            }
        };
        let costs = costs.unwrap_or_default();
        let pairs: Vec<(&str, f64)> = costs.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let plan =
            py.detach(|| solve_capped(&self.inner, province, year, target, &pairs, cap_choice)).map_err(to_py_err)?;
        let out = PyDict::new(py);
        out.set_item("reachable", plan.reachable)?;
        out.set_item("required_total", plan.required_total)?;
        out.set_item("current_total", plan.current_total)?;
        out.set_item("projected_total", plan.projected_total)?;
        out.set_item("projected_rank", plan.projected_rank)?;
        out.set_item("total_cost", plan.total_cost)?;
        out.set_item("steps", convert::steps_frame(py, &plan.steps)?)?;
        out.set_item("cap", cap)?;
        out.set_item("status", "projected")?;
        Ok(out)
    }

    /// Estimate the weights of a WMEAN node from the published parts and totals of `years` (one edition) by
    /// constrained least squares (non-negative, summing to the rule's total); residual per row; with `grid`
    /// (e.g. 5.0) whether the rounded weights reproduce every row within the spec's tolerance. Returns a dict:
    /// weights and residuals (DataFrames), max_abs_residual, rmse, grid_weights, grid_fits, tolerance, and
    /// `methodology`: the edition with the fitted weights (code `…+calibrated`, status derived, the fit in its note).
    ///
    /// >>> import chiso
    /// >>> s = chiso.score("pci", chiso.datasets.pci().filter(year=2016))
    /// >>> fit = s.calibrate(years=[2016], grid=5.0)
    /// >>> fit["grid_fits"], [round(w) for w in fit["weights"]["weight"]]
    /// (True, [5, 5, 20, 5, 10, 5, 5, 20, 20, 5])
    #[pyo3(signature = (node = "", *, years, grid = None, decimals_in = None, decimals_out = 2))]
    fn calibrate<'py>(
        &self,
        py: Python<'py>,
        node: &str,
        years: Vec<i32>,
        grid: Option<f64>,
        decimals_in: Option<u32>,
        decimals_out: u32,
    ) -> PyResult<Bound<'py, PyDict>> {
        let fit = py
            .detach(|| crate::project::calibrate::calibrate(&self.inner, node, &years, grid, decimals_in, decimals_out))
            .map_err(to_py_err)?;
        let out = PyDict::new(py);
        let mut w = Frame::default();
        for (path, weight) in &fit.weights {
            w.str("node", path);
            w.opt_float("weight", Some(*weight));
            w.opt_float(
                "grid_weight",
                fit.grid_weights.as_ref().and_then(|g| g.iter().find(|(p, _)| p == path)).map(|(_, v)| *v),
            );
        }
        out.set_item("weights", w.build(py)?)?;
        let mut r = Frame::default();
        for (code, year, published, fitted, residual) in &fit.residuals {
            r.str("province_code", code);
            r.int("year", *year as i64);
            r.opt_float("published", Some(*published));
            r.opt_float("fitted", Some(*fitted));
            r.opt_float("residual", Some(*residual));
        }
        out.set_item("residuals", r.build(py)?)?;
        out.set_item("max_abs_residual", fit.max_abs_residual)?;
        out.set_item("rmse", fit.rmse)?;
        out.set_item("grid_fits", fit.grid_fits)?;
        out.set_item("tolerance", fit.tolerance)?;
        out.set_item("label", "calibrated")?;
        let edition =
            self.inner.units().iter().find(|u| years.contains(&u.year)).map(|u| self.inner.edition(u.edition).clone());
        if let Some(m) = edition {
            let pairs: Vec<(&str, f64)> = fit.weights.iter().map(|(p, v)| (p.as_str(), *v)).collect();
            let note = format!(
                "constrained least squares on {} rows of {years:?}, max |residual| {:.6}, RMSE {:.6}{}",
                fit.residuals.len(),
                fit.max_abs_residual,
                fit.rmse,
                fit.grid_fits.map(|g| format!(", round grid reproduces every row: {g}")).unwrap_or_default()
            );
            let variant = m.calibrated(&pairs, &note).map_err(to_py_err)?;
            out.set_item("methodology", PyMethodology { inner: Arc::new(variant) })?;
        }
        Ok(out)
    }

    /// Project `node` of `province` to `target_year`: linear least-squares trend over the last `window` comparable
    /// years (never across an edition break unless `across_breaks=True`), its 95% prediction interval, and
    /// compound growth; clamped to the node's scale. One-row DataFrame, labelled projected, that says what it rests
    /// on: `fit_years` / `fit_editions` (the years fitted), `bridge` (how a window mixing scales was made one series:
    /// such a window is refused unless `bridge="rescale"` or `"as_published"`), `edition` / `edition_status`
    /// (`in_force`; `assumed` after the last published edition — the latest continues; `chosen` with `edition=`),
    /// and `map` / `map_status`: a year after the 2025 merger is projected either for the pre-merger province on the
    /// 63-province map (`counterfactual`) or for a 2025 unit (`map="units_2025"`, or a name that means a unit in the
    /// target year, e.g. "Vĩnh Long") from its members' series through `merge_rule` (`merged`; the index's published
    /// rule by default — DTI's only — else `merge_rule="member_mean"`, labelled user_supplied).
    ///
    /// >>> import chiso, polars as pl
    /// >>> s = chiso.score("pci", chiso.datasets.pci().filter(pl.col("year").is_between(2016, 2020)))
    /// >>> t = s.trend("Trà Vinh", target_year=2021)
    /// >>> t.select("n_years", "first_year", "last_year", "status").row(0)
    /// (5, 2016, 2020, 'projected')
    /// >>> papi = chiso.score("papi", chiso.datasets.papi())
    /// >>> papi.trend("Trà Vinh", target_year=2026).select("edition", "edition_status", "map_status").row(0)
    /// ('papi.2021', 'assumed', 'counterfactual')
    #[pyo3(signature = (province, node = "", *, target_year, window = 5, across_breaks = false, bridge = None, edition = None, map = None, merge_rule = None))]
    #[allow(clippy::too_many_arguments)]
    fn trend<'py>(
        &self,
        py: Python<'py>,
        province: &str,
        node: &str,
        target_year: i32,
        window: usize,
        across_breaks: bool,
        bridge: Option<&str>,
        edition: Option<String>,
        map: Option<&str>,
        merge_rule: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = trend_options(window, across_breaks, bridge, edition, map, merge_rule)?;
        let t = py
            .detach(|| crate::project::trend::trend(&self.inner, province, node, target_year, &options))
            .map_err(to_py_err)?;
        let mut f = Frame::default();
        f.str("province_code", &t.province_code);
        f.str("province", &t.province);
        f.str("node", &t.node);
        f.projection_labels(t.target_year, &t.edition, t.edition_status, &t.map);
        f.int("n_years", t.n_years as i64);
        f.int("first_year", t.first_year as i64);
        f.int("last_year", t.last_year as i64);
        f.int_list("fit_years", &t.years.iter().map(|&y| i64::from(y)).collect::<Vec<_>>());
        f.str_list("fit_editions", &t.editions);
        f.opt_str("bridge", t.bridge.map(|b| b.as_str()));
        f.opt_float("last_value", Some(t.last_value));
        f.opt_float("slope", Some(t.slope));
        f.opt_float("linear", Some(t.linear));
        f.opt_float("lower", t.lower);
        f.opt_float("upper", t.upper);
        f.opt_float("cagr", t.cagr);
        f.opt_float("compound", t.compound);
        f.opt_float("compound_lower", t.compound_lower);
        f.opt_float("compound_upper", t.compound_upper);
        f.bool("clamped", t.clamped);
        f.str("status", "projected");
        f.build(py)
    }

    /// Every unit's total projected to `target_year` by its trend, and the distribution of ranks from `draws`
    /// simulations within the prediction intervals (reproducible for a `seed`), on one map: `map="provinces_63"`
    /// (after 2024 a counterfactual, ranked among the 63) or `"units_2025"` (each of the 34 units from its members
    /// through `merge_rule`, ranked among the 34); default the latest data year's map. Labelled like
    /// :meth:`trend`; `n_ranked` of `n_field` units (the publisher's field) could be projected: the `rank_*`
    /// columns are null unless all were (`field_status`), `rank_within_*` rank among those projected.
    ///
    /// >>> import chiso
    /// >>> papi = chiso.score("papi", chiso.datasets.papi())
    /// >>> o = papi.rank_outlook(2025, map="units_2025", merge_rule="member_mean", draws=200)
    /// >>> o.filter(province="Vĩnh Long").select("n_field", "map_status", "merge_rule_status").row(0)
    /// (34, 'merged', 'user_supplied')
    #[pyo3(signature = (target_year, *, window = 5, across_breaks = false, bridge = None, edition = None, map = None, merge_rule = None, draws = 10000, seed = 0))]
    #[allow(clippy::too_many_arguments)]
    fn rank_outlook<'py>(
        &self,
        py: Python<'py>,
        target_year: i32,
        window: usize,
        across_breaks: bool,
        bridge: Option<&str>,
        edition: Option<String>,
        map: Option<&str>,
        merge_rule: Option<&str>,
        draws: usize,
        seed: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = trend_options(window, across_breaks, bridge, edition, map, merge_rule)?;
        let rows = py
            .detach(|| crate::project::trend::rank_outlook(&self.inner, target_year, &options, draws, seed))
            .map_err(to_py_err)?;
        let mut f = Frame::default();
        for r in &rows {
            f.str("province_code", &r.province_code);
            f.str("province", &r.province);
            f.projection_labels(r.target_year, &r.edition, r.edition_status, &r.map);
            f.opt_float("projected", Some(r.projected));
            f.opt_float("mean_rank", r.mean_rank);
            f.opt_int("rank_p05", r.rank_p05.map(i64::from));
            f.opt_int("rank_median", r.rank_median.map(i64::from));
            f.opt_int("rank_p95", r.rank_p95.map(i64::from));
            f.int("rank_within_p05", r.rank_within_p05 as i64);
            f.int("rank_within_median", r.rank_within_median as i64);
            f.int("rank_within_p95", r.rank_within_p95 as i64);
            f.int("n_ranked", r.n_ranked as i64);
            f.int("n_field", r.n_field as i64);
            f.str("field_status", r.field_status.as_str());
            f.int_list("fit_years", &r.years.iter().map(|&y| i64::from(y)).collect::<Vec<_>>());
            f.str_list("fit_editions", &r.editions);
            f.str("status", "projected");
        }
        f.build(py)
    }

    /// These scores with standard errors for some values (low level; `chiso.score` calls it for `se` or
    /// `ci_low`/`ci_high` columns): parallel lists; each row gives `se` or both interval ends at `ci_level`.
    #[pyo3(signature = (provinces, years, nodes, se, ci_low, ci_high, ci_level = 0.95))]
    #[allow(clippy::too_many_arguments)]
    fn _with_uncertainty(
        &self,
        provinces: Vec<String>,
        years: Vec<i32>,
        nodes: Vec<String>,
        se: Vec<Option<f64>>,
        ci_low: Vec<Option<f64>>,
        ci_high: Vec<Option<f64>>,
        ci_level: f64,
    ) -> PyResult<PyScores> {
        use crate::engine::Uncertainty;
        let n = provinces.len();
        if [years.len(), nodes.len(), se.len(), ci_low.len(), ci_high.len()].iter().any(|&l| l != n) {
            return Err(to_py_err(ChisoError::Data("uncertainty columns differ in length".into())));
        }
        let mut rows = Vec::with_capacity(n);
        for r in 0..n {
            let u = match (se[r], ci_low[r], ci_high[r]) {
                (Some(s), _, _) => Uncertainty::StandardError(s),
                (None, Some(low), Some(high)) => Uncertainty::Interval { low, high, level: ci_level },
                (None, None, None) => continue,
                _ => {
                    return Err(to_py_err(ChisoError::Data(format!(
                        "row {r} ({} {} {:?}): give se, or both ci_low and ci_high",
                        provinces[r], years[r], nodes[r]
                    ))))
                }
            };
            rows.push((provinces[r].clone(), years[r], nodes[r].clone(), u));
        }
        let inner = self.inner.clone().with_standard_errors(&rows).map_err(to_py_err)?;
        Ok(PyScores::new(inner))
    }

    /// Codes of the editions used.
    #[getter]
    fn editions(&self) -> Vec<String> {
        self.inner.editions().map(|m| m.code.clone()).collect()
    }

    /// The editions used, as Methodology objects.
    fn methodologies(&self) -> Vec<PyMethodology> {
        self.inner.editions().map(|m| PyMethodology { inner: Arc::new(m.clone()) }).collect()
    }

    /// HTML summary for notebooks: the totals with ranks, groups and provenance.
    fn _repr_html_<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.py().import("chiso._display")?.call_method1("scores_html", (slf,))
    }

    /// When no province-year has a total: the root's children missing in all of them (else None).
    fn _children_missing_everywhere(&self) -> Option<Vec<String>> {
        self.inner.children_missing_everywhere()
    }

    fn __len__(&self) -> usize {
        self.inner.units().iter().map(|u| self.inner.edition(u.edition).nodes.len()).sum()
    }

    fn __repr__(&self) -> String {
        let units = self.inner.units();
        let years: std::collections::BTreeSet<i32> = units.iter().map(|u| u.year).collect();
        let span = match (years.first(), years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
            (Some(a), _) => a.to_string(),
            _ => "-".into(),
        };
        format!(
            "<Scores: {} province-years, data years {span}, editions {}, {} rows>",
            units.len(),
            self.editions().join(", "),
            self.__len__()
        )
    }
}

/// A map by name ("provinces_63", "units_2025").
fn parse_map(map: &str) -> Result<crate::provinces::Geography, ChisoError> {
    use crate::provinces::Geography;
    match map {
        "provinces_63" => Ok(Geography::Provinces63),
        "units_2025" => Ok(Geography::Units2025),
        other => Err(ChisoError::InvalidArgument(format!(
            "map={other:?}: use \"provinces_63\" (the 63 provinces; after 2024 a counterfactual) or \"units_2025\" \
             (the 34 units of 2025)"
        ))),
    }
}

fn parse_merge_rule(rule: &str) -> Result<crate::compare::MergeRule, ChisoError> {
    match rule {
        "member_mean" => Ok(crate::compare::MergeRule::MemberMean),
        other => Err(ChisoError::InvalidArgument(format!(
            "merge_rule={other:?}: the known rule is \"member_mean\" (the mean of the member provinces)"
        ))),
    }
}

fn trend_options(
    window: usize,
    across_breaks: bool,
    bridge: Option<&str>,
    edition: Option<String>,
    map: Option<&str>,
    merge_rule: Option<&str>,
) -> PyResult<crate::project::trend::TrendOptions> {
    use crate::project::trend::{Bridge, TrendOptions};
    let options = TrendOptions {
        window,
        across_breaks,
        bridge: bridge.map(str::parse::<Bridge>).transpose().map_err(|e| to_py_err(e.for_argument("bridge")))?,
        edition,
        map: map.map(parse_map).transpose().map_err(to_py_err)?,
        merge_rule: merge_rule.map(parse_merge_rule).transpose().map_err(to_py_err)?,
    };
    options.check().map_err(to_py_err)?;
    Ok(options)
}

fn compare_options(
    nodes: Option<Vec<String>>,
    provinces: Option<Vec<String>>,
    comparable_only: bool,
    threshold: Option<f64>,
    measure: &str,
) -> PyResult<crate::compare::CompareOptions> {
    if !matches!(measure, "relative" | "points") {
        return Err(to_py_err(ChisoError::InvalidArgument(format!(
            "measure={measure:?}: use \"relative\" (|Δ/base| > threshold) or \"points\" (|Δ| > threshold)"
        ))));
    }
    let materiality = match threshold {
        None => None,
        Some(t) if !(t.is_finite() && t > 0.0) => {
            return Err(to_py_err(ChisoError::InvalidArgument(format!("threshold={t}: must be a positive number"))))
        }
        Some(t) if measure == "points" => Some(crate::compare::Materiality::Points(t)),
        Some(t) => Some(crate::compare::Materiality::Relative(t)),
    };
    Ok(crate::compare::CompareOptions { nodes, provinces, comparable_only, materiality, level: None, merge_rule: None })
}

/// Score factored columns (the Python layer has shaped the frame; see `chiso._frames.Factored`). Index, year and
/// value columns are little-endian uint32 / int64 / float64 buffers, in one of two shapes:
///
/// * long: `province_names` distinct, `province_idx`, `years`, `node_idx` and `values` one per observation;
/// * wide: `province_idx` None and `province_names` one per row of the frame (factored here, each distinct name
///   resolved once), `years` one per row, `node_idx` None and `values` the node columns end to end (one block of
///   rows per node name), `present` one byte per value (0 = an empty cell, skipped) or None when none is empty.
#[pyfunction]
#[pyo3(signature = (index, province_names, province_idx, years, node_names, node_idx, values, *, measure_names = None, measure_idx = None, present = None, edition = None, missing = "strict", prefer = "computed"))]
#[allow(clippy::too_many_arguments)]
fn _score(
    py: Python<'_>,
    index: &Bound<'_, PyAny>,
    province_names: &Bound<'_, pyo3::types::PyList>,
    province_idx: Option<&[u8]>,
    years: &[u8],
    node_names: Vec<String>,
    node_idx: Option<&[u8]>,
    values: &[u8],
    measure_names: Option<Vec<String>>,
    measure_idx: Option<&[u8]>,
    present: Option<&[u8]>,
    edition: Option<String>,
    missing: &str,
    prefer: &str,
) -> PyResult<PyScores> {
    // Numeric columns arrive as little-endian buffers (see `buffers`).
    let years = buffers::i64s("years", years)?;
    let values = buffers::f64s("values", values)?;
    let (province_names, province_idx) = match province_idx {
        Some(idx) => (province_names.extract::<Vec<String>>()?, buffers::u32s("province_idx", idx)?),
        None => factor_names(province_names)?,
    };
    let (province_idx, years, node_idx, values) = match node_idx {
        Some(idx) => {
            if present.is_some() {
                return Err(to_py_err(ChisoError::argument(
                    "present",
                    "a mask".to_string(),
                    "only for node columns laid end to end (node_idx=None)",
                )));
            }
            (province_idx, years, buffers::u32s("node_idx", idx)?, values)
        }
        None => unstack(&province_idx, &years, node_names.len(), &values, present)?,
    };
    let measure_idx = measure_idx.map(|b| buffers::u32s("measure_idx", b)).transpose()?;
    let measures: Option<Vec<engine::Measure>> = match (measure_names, measure_idx) {
        (Some(names), Some(idx)) => {
            let parsed: Vec<engine::Measure> = names
                .iter()
                .map(|n| {
                    n.parse::<engine::Measure>().ok().ok_or_else(|| {
                        to_py_err(ChisoError::Data(format!(
                            "measure {n:?} cannot be scored; use score, points, ratio or pct (README §1.2)"
                        )))
                    })
                })
                .collect::<PyResult<_>>()?;
            Some(
                idx.iter()
                    .map(|&i| {
                        parsed.get(i as usize).copied().ok_or_else(|| {
                            to_py_err(ChisoError::Data(format!("measure index {i} is outside the measure names")))
                        })
                    })
                    .collect::<PyResult<_>>()?,
            )
        }
        _ => None,
    };
    let choice = if let Ok(m) = index.cast::<PyMethodology>() {
        if let Some(code) = edition {
            return Err(to_py_err(ChisoError::InvalidArgument(format!(
                "edition={code:?} given together with the methodology {}: pass one or the other",
                m.get().inner.code
            ))));
        }
        EditionChoice::Methodology(m.get().inner.clone())
    } else {
        let index = index.extract::<String>()?;
        match edition {
            Some(code) => EditionChoice::Edition(edition_of_index(&index, &code).map_err(to_py_err)?.code.clone()),
            None => EditionChoice::Index(index),
        }
    };
    let missing = match missing {
        "strict" => MissingPolicy::Strict,
        "renormalise" | "renormalize" => MissingPolicy::Renormalise,
        other => {
            return Err(to_py_err(ChisoError::InvalidArgument(format!(
                "missing={other:?}: use \"strict\" (default) or \"renormalise\""
            ))))
        }
    };
    let prefer = match prefer {
        "computed" => Prefer::Computed,
        "published" => Prefer::Published,
        other => {
            return Err(to_py_err(ChisoError::InvalidArgument(format!(
                "prefer={other:?}: use \"computed\" (default) or \"published\""
            ))))
        }
    };
    let years: Vec<i32> = years
        .into_iter()
        .map(|y| i32::try_from(y).map_err(|_| to_py_err(ChisoError::Data(format!("year {y} is not a data year")))))
        .collect::<PyResult<_>>()?;
    let pnames: Vec<&str> = province_names.iter().map(String::as_str).collect();
    let nnames: Vec<&str> = node_names.iter().map(String::as_str).collect();
    let options = ScoreOptions { missing, prefer };
    let scores = py
        .detach(|| {
            let columns = engine::Columns {
                province_names: &pnames,
                province_idx: &province_idx,
                years: &years,
                node_names: &nnames,
                node_idx: &node_idx,
                values: &values,
                measures: measures.as_deref(),
            };
            engine::score_columns(&choice, columns, &options)
        })
        .map_err(to_py_err)?;
    Ok(PyScores::new(scores))
}

/// A frame of the given columns, built as every result frame is (Arrow buffers handed to polars, see `arrow`):
/// lets the tests check that layer on any content (nulls, NaN, long and non-ASCII text, empty lists, no rows).
#[pyfunction]
fn _frame_sample<'py>(
    py: Python<'py>,
    strings: Vec<Option<String>>,
    ints: Vec<Option<i64>>,
    floats: Vec<Option<f64>>,
    bools: Vec<Option<bool>>,
    lists: Vec<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut f = Frame::default();
    f.declare_all();
    strings.iter().for_each(|v| f.opt_str("strings", v.as_deref()));
    ints.iter().for_each(|&v| f.opt_int("ints", v));
    floats.iter().for_each(|&v| f.opt_float("floats", v));
    bools.iter().for_each(|&v| f.opt_bool("bools", v));
    lists.iter().for_each(|v| f.str_list("lists", v));
    f.build(py)
}

/// One name per row → the distinct names (in order of first appearance) and each row's index into them.
fn factor_names(names: &Bound<'_, pyo3::types::PyList>) -> PyResult<(Vec<String>, Vec<u32>)> {
    let mut distinct: Vec<String> = Vec::new();
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut idx = Vec::with_capacity(names.len());
    for item in names.iter() {
        let s = item.cast::<pyo3::types::PyString>()?;
        let name = s.to_str()?;
        let i = match seen.get(name) {
            Some(&i) => i,
            None => {
                let i = distinct.len() as u32;
                seen.insert(name.to_string(), i);
                distinct.push(name.to_string());
                i
            }
        };
        idx.push(i);
    }
    Ok((distinct, idx))
}

/// Observations as columns: province index, year, node index, value.
type Unstacked = (Vec<u32>, Vec<i64>, Vec<u32>, Vec<f64>);

/// Node columns laid end to end (`values`: one block of `provinces.len()` rows per node) → one observation per
/// present cell, column by column: (province index, year, node index, value).
fn unstack(
    provinces: &[u32],
    years: &[i64],
    n_nodes: usize,
    values: &[f64],
    present: Option<&[u8]>,
) -> PyResult<Unstacked> {
    let rows = provinces.len();
    let size = |argument: &str, len: usize| {
        to_py_err(ChisoError::argument(
            argument,
            format!("{len} values"),
            format!("{rows} rows × {n_nodes} node columns = {} values", rows * n_nodes),
        ))
    };
    if years.len() != rows {
        return Err(size("years", years.len()));
    }
    if values.len() != rows * n_nodes {
        return Err(size("values", values.len()));
    }
    if let Some(p) = present.filter(|p| p.len() != values.len()) {
        return Err(size("present", p.len()));
    }
    let kept = present.map_or(values.len(), |p| p.iter().filter(|&&b| b != 0).count());
    let (mut p_out, mut y_out, mut n_out, mut v_out) =
        (Vec::with_capacity(kept), Vec::with_capacity(kept), Vec::with_capacity(kept), Vec::with_capacity(kept));
    for (j, block) in values.chunks_exact(rows.max(1)).enumerate().take(n_nodes) {
        for (r, &v) in block.iter().enumerate() {
            if present.is_some_and(|p| p[j * rows + r] == 0) {
                continue;
            }
            p_out.push(provinces[r]);
            y_out.push(years[r]);
            n_out.push(j as u32);
            v_out.push(v);
        }
    }
    Ok((p_out, y_out, n_out, v_out))
}

/// The built-in edition `code` of `index`: "pci.2013" or just "2013"; an edition of another index is refused.
fn edition_of_index(index: &str, code: &str) -> Result<&'static Methodology, ChisoError> {
    let c = catalog();
    let info = c.index(index)?;
    let full = if code.contains('.') { code.trim().to_string() } else { format!("{}.{}", info.id, code.trim()) };
    let m = c.edition(&full)?;
    if m.index != info.id {
        return Err(ChisoError::InvalidArgument(format!(
            "edition {} belongs to index {}, not to {}; editions of {}: {}",
            m.code,
            m.index,
            info.id,
            info.id,
            c.editions_of(&info.id).iter().map(|e| e.code.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(m)
}

/// The methodology of `index` in force in data `year`, or the edition named by `edition`.
#[pyfunction]
#[pyo3(signature = (index, year = None, edition = None))]
fn methodology(py: Python<'_>, index: &str, year: Option<i32>, edition: Option<&str>) -> PyResult<PyMethodology> {
    // The first call parses every built-in methodology file.
    let c = py.detach(catalog);
    let m = match (edition, year) {
        (Some(code), _) => {
            let m = edition_of_index(index, code).map_err(to_py_err)?;
            if let Some(y) = year.filter(|&y| !m.covers(y)) {
                return Err(to_py_err(ChisoError::InvalidArgument(format!(
                    "edition {} governs data years {}, not {y}",
                    m.code,
                    m.years_label()
                ))));
            }
            Ok(m)
        }
        (None, Some(y)) => c.for_year(index, y),
        (None, None) => {
            let info = c.index(index).map_err(to_py_err)?;
            c.editions_of(&info.id)
                .last()
                .copied()
                .ok_or_else(|| ChisoError::UnknownIndex { index: index.into(), known: String::new() })
        }
    }
    .map_err(to_py_err)?;
    Ok(PyMethodology { inner: Arc::new(m.clone()) })
}

/// Load a methodology file (TOML) from a path.
#[pyfunction]
fn load_methodology(py: Python<'_>, path: std::path::PathBuf) -> PyResult<PyMethodology> {
    let m = py.detach(|| Methodology::from_toml_path(&path)).map_err(to_py_err)?;
    Ok(PyMethodology { inner: Arc::new(m) })
}

/// Parse a methodology from TOML text; `name` labels it in errors.
#[pyfunction]
#[pyo3(signature = (text, name = "<string>"))]
fn methodology_from_toml(py: Python<'_>, text: &str, name: &str) -> PyResult<PyMethodology> {
    let mut m = py.detach(|| Methodology::from_toml_str(text, name)).map_err(to_py_err)?;
    m.status = m.status.weakest(crate::Status::UserSupplied);
    Ok(PyMethodology { inner: Arc::new(m) })
}

/// Every built-in index edition (polars DataFrame).
#[pyfunction]
fn indices<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    let c = py.detach(catalog);
    let mut f = Frame::default();
    for m in &c.editions {
        let info = c.index(&m.index).map_err(to_py_err)?;
        f.str("index", &m.index);
        f.str("edition", &m.code);
        f.int("first_year", m.first_year as i64);
        f.opt_int("last_year", m.last_year.map(i64::from));
        f.str("status", m.status.as_str());
        f.str("name_en", &info.name_en);
        f.str("name_vi", &info.name_vi);
        f.str("publisher", &info.publisher);
        f.str("publisher_en", &info.publisher_en);
        f.str("publisher_vi", &info.publisher_vi);
        f.str("lead_department_en", &info.lead_department_en);
        f.str("lead_department_vi", &info.lead_department_vi);
        f.int("n_nodes", m.nodes.len() as i64);
    }
    f.build(py)
}

/// The province registry (polars DataFrame): `geography` "provinces_63" (default: the 63 provinces of 2008–2024
/// and Hà Tây), "units_2025" (the 34 units from 1 July 2025, with their member provinces; ids "N" + the seat
/// province's GSO code, assigned by chiso) or "all".
#[pyfunction]
#[pyo3(signature = (geography = "provinces_63"))]
fn provinces<'py>(py: Python<'py>, geography: &str) -> PyResult<Bound<'py, PyAny>> {
    let registry = Registry::get();
    let rows: Vec<&crate::provinces::Province> = match geography {
        "provinces_63" => registry.provinces().iter().collect(),
        "units_2025" => registry.all()[registry.provinces().len()..].iter().collect(),
        "all" => registry.all().iter().collect(),
        other => {
            return Err(to_py_err(ChisoError::InvalidArgument(format!(
                "geography={other:?}: use \"provinces_63\", \"units_2025\" or \"all\""
            ))))
        }
    };
    let mut f = Frame::default();
    for p in rows {
        f.str("code", &p.code);
        f.str("name_vi", &p.name_vi);
        f.str("name_ascii", &p.name_ascii);
        f.str("kind", p.kind.as_str());
        f.str("region", &p.region);
        f.opt_str("papi_code", p.papi_code.as_deref());
        f.str_list("aliases", &p.aliases);
        f.str("merged_2025_into", &p.merged_2025_into);
        f.int("first_year", p.years.0 as i64);
        f.int("last_year", p.years.1 as i64);
        f.str("geography", p.geography.as_str());
        f.str_list("members", &p.members);
    }
    f.build(py)
}

/// Resolve a province name, alias or code: (code, name_vi). With `year`, a name both maps share means the unit
/// of that year's map: "Vĩnh Long" is the pre-merger province up to 2024 and the merged unit from 2025.
///
/// >>> import chiso
/// >>> chiso.find_province("Vĩnh Long"), chiso.find_province("Vĩnh Long", year=2025)
/// (('86', 'Vĩnh Long'), ('N86', 'Vĩnh Long'))
#[pyfunction]
#[pyo3(signature = (name, year = None))]
fn find_province(name: &str, year: Option<i32>) -> PyResult<(String, String)> {
    let registry = Registry::get();
    let p = match year {
        Some(y) => registry.find_for_year(name, y),
        None => registry.find(name),
    }
    .map_err(to_py_err)?;
    Ok((p.code.clone(), p.name_vi.clone()))
}

/// Resolve many names at once: codes in the same order (errors name the first unknown one).
#[pyfunction]
fn province_codes(names: Vec<String>) -> PyResult<Vec<String>> {
    let r = Registry::get();
    names.iter().map(|n| r.find(n).map(|p| p.code.clone()).map_err(to_py_err)).collect()
}

/// A bundled dataset as a polars DataFrame ("pci" or "papi").
#[pyfunction]
fn dataset<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let rows = py.detach(|| crate::datasets::by_index(name)).map_err(to_py_err)?;
    convert::dataset_frame(py, &rows)
}

/// Shares satisfied from factored survey answers (the Python layer has shaped the frame; see `chiso.survey`).
#[pyfunction]
#[pyo3(signature = (respondent, province_names, province_idx, years, node_names, node_idx, answers, weights, scale, satisfied_min))]
#[allow(clippy::too_many_arguments)]
fn _satisfaction<'py>(
    py: Python<'py>,
    respondent: Vec<u64>,
    province_names: Vec<String>,
    province_idx: Vec<u32>,
    years: Vec<i32>,
    node_names: Vec<String>,
    node_idx: Vec<u32>,
    answers: Vec<f64>,
    weights: Option<Vec<f64>>,
    scale: (f64, f64),
    satisfied_min: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let pnames: Vec<&str> = province_names.iter().map(String::as_str).collect();
    let nnames: Vec<&str> = node_names.iter().map(String::as_str).collect();
    let shares = py
        .detach(|| {
            let data = crate::survey::Answers {
                respondent: &respondent,
                province_names: &pnames,
                province_idx: &province_idx,
                years: &years,
                node_names: &nnames,
                node_idx: &node_idx,
                answers: &answers,
                weights: weights.as_deref(),
            };
            crate::survey::satisfaction(&data, &crate::survey::SurveyOptions { scale, satisfied_min })
        })
        .map_err(to_py_err)?;
    convert::shares_frame(py, &shares)
}

/// Maxima of a SUM node's children from their published percentages and the totals (see
/// `chiso.project.calibrate_maxima`).
#[pyfunction]
fn _calibrate_maxima(
    py: Python<'_>,
    pct: Vec<Vec<f64>>,
    totals: Vec<f64>,
    total_max: f64,
) -> PyResult<(Vec<f64>, Vec<f64>)> {
    py.detach(|| crate::project::calibrate::calibrate_maxima(&pct, &totals, total_max)).map_err(to_py_err)
}

pub(crate) type TaskRow = (String, String, String, String, String, String, String, String, Option<f64>);

/// Tasks from Python rows (id, index, node, title, lead_agency, deadline, status, effect_op, effect_value).
pub(crate) fn tasks_from(rows: Vec<TaskRow>) -> PyResult<Vec<crate::project::plans::Task>> {
    use crate::project::plans::{parse_date, parse_effect, parse_status, Task};
    rows.into_iter()
        .map(|(id, index, node, title, lead_agency, deadline, status, op, value)| {
            let deadline = parse_date(&deadline, &id).map_err(to_py_err)?;
            let status = parse_status(&status, &id).map_err(to_py_err)?;
            let effect = parse_effect(&op, value, &id).map_err(to_py_err)?;
            Ok(Task { id, index, node, title, lead_agency, deadline, status, effect })
        })
        .collect()
}

/// Plan projection (see `chiso.plans.project_plan`).
#[pyfunction]
#[pyo3(signature = (scores, tasks, province, year, index, selection, target_year = None, map = None, merge_rule = None, across_breaks = false))]
#[allow(clippy::too_many_arguments)]
fn _plan_project<'py>(
    py: Python<'py>,
    scores: &PyScores,
    tasks: Vec<TaskRow>,
    province: &str,
    year: i32,
    index: &str,
    selection: Vec<String>,
    target_year: Option<i32>,
    map: Option<&str>,
    merge_rule: Option<&str>,
    across_breaks: bool,
) -> PyResult<Bound<'py, PyAny>> {
    use crate::project::plans::{project_plan_on, Selection};
    use crate::project::{trend::TrendOptions, Peers};
    let map = map.map(parse_map).transpose().map_err(to_py_err)?;
    let merge_rule = merge_rule.map(parse_merge_rule).transpose().map_err(to_py_err)?;
    let peers = match target_year {
        Some(target_year) => {
            Peers::Trend { target_year, options: TrendOptions { across_breaks, ..Default::default() } }
        }
        None => Peers::Held,
    };
    let selection = match selection.as_slice() {
        [one] if one == "all" => Selection::All,
        [one] if one == "done" => Selection::Done,
        ids => Selection::Ids(ids.to_vec()),
    };
    let tasks = tasks_from(tasks)?;
    let rows = py
        .detach(|| project_plan_on(&scores.inner, &tasks, province, year, index, &selection, &peers, map, merge_rule))
        .map_err(to_py_err)?;
    convert::projected_frame(py, &rows)
}

/// Gains per agency (see `chiso.plans.gains_by_agency`).
#[pyfunction]
fn _plan_gains<'py>(
    py: Python<'py>,
    scores: &PyScores,
    tasks: Vec<TaskRow>,
    province: &str,
    year: i32,
    index: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let tasks = tasks_from(tasks)?;
    let rows = py
        .detach(|| crate::project::plans::gains_by_agency(&scores.inner, &tasks, province, year, index))
        .map_err(to_py_err)?;
    let mut f = Frame::default();
    for r in &rows {
        f.str("lead_agency", &r.agency);
        f.int("n_tasks", r.n_tasks as i64);
        f.opt_float("total_gain", r.total_gain);
        f.opt_int("base_rank", r.base_rank.map(i64::from));
        f.opt_int("rank", r.rank.map(i64::from));
        f.str("status", "projected");
    }
    f.build(py)
}

/// Points lost with owners and plan coverage (see `chiso.plans.uncovered`).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn _plan_uncovered<'py>(
    py: Python<'py>,
    scores: &PyScores,
    tasks: Vec<TaskRow>,
    province: &str,
    year: i32,
    index: &str,
    owners: Vec<(String, String)>,
) -> PyResult<Bound<'py, PyAny>> {
    let tasks = tasks_from(tasks)?;
    let rows = py
        .detach(|| crate::project::plans::uncovered(&scores.inner, &tasks, province, year, index, &owners))
        .map_err(to_py_err)?;
    let lost: Vec<_> = rows.iter().map(|r| r.points_lost.clone()).collect();
    let frame = convert::points_lost_frame(py, &lost)?;
    let pl = py.import("polars")?;
    let owner = pl.getattr("Series")?.call1(("owner", rows.iter().map(|r| r.owner.clone()).collect::<Vec<_>>()))?;
    let covered =
        pl.getattr("Series")?.call1(("covered_by_plan", rows.iter().map(|r| r.covered).collect::<Vec<_>>()))?;
    frame.call_method1("with_columns", (owner, covered))
}

/// MEMBER_MEAN: (province, year, node, value) rows of the 63 provinces → the 34 units of 2025.
#[pyfunction]
#[pyo3(signature = (rows, index = None))]
fn _member_mean(
    py: Python<'_>,
    rows: Vec<(String, i32, String, f64)>,
    index: Option<&str>,
) -> PyResult<Vec<(String, i32, String, f64)>> {
    py.detach(|| match index {
        Some(index) => crate::provinces::member_mean_of(index, &rows),
        None => crate::provinces::member_mean(&rows),
    })
    .map_err(to_py_err)
}

#[pymodule]
fn _chiso(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMethodology>()?;
    m.add_class::<PyScores>()?;
    indicators::register(m)?;
    m.add_function(wrap_pyfunction!(_score, m)?)?;
    m.add_function(wrap_pyfunction!(_frame_sample, m)?)?;
    m.add_function(wrap_pyfunction!(methodology, m)?)?;
    m.add_function(wrap_pyfunction!(load_methodology, m)?)?;
    m.add_function(wrap_pyfunction!(methodology_from_toml, m)?)?;
    m.add_function(wrap_pyfunction!(indices, m)?)?;
    m.add_function(wrap_pyfunction!(provinces, m)?)?;
    m.add_function(wrap_pyfunction!(find_province, m)?)?;
    m.add_function(wrap_pyfunction!(province_codes, m)?)?;
    m.add_function(wrap_pyfunction!(dataset, m)?)?;
    m.add_function(wrap_pyfunction!(_satisfaction, m)?)?;
    m.add_function(wrap_pyfunction!(_member_mean, m)?)?;
    m.add_function(wrap_pyfunction!(_calibrate_maxima, m)?)?;
    m.add_function(wrap_pyfunction!(_plan_project, m)?)?;
    m.add_function(wrap_pyfunction!(_plan_gains, m)?)?;
    m.add_function(wrap_pyfunction!(_plan_uncovered, m)?)?;
    uncertainty::register(m)?;
    plan_outcomes::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DATA_SOURCES", crate::datasets::SOURCES)?;
    m.add("DATA_SOURCES_OTHER_INDICES", crate::datasets::SOURCES_OTHER_INDICES)?;
    Ok(())
}

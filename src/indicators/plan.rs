//! A plan at indicator level: tasks that each name an indicator and the raw change expected of it ("the share of
//! firms paying informal charges 50% → 40%"), projected indicator → sub-index → composite → rank over the whole
//! field (field-relative bounds recomputed), task by task and all together, with the owner of each indicator.

use super::field::{province_name, what_if, Field, Ranking, WhatIf};
use super::layer::Layer;
use crate::error::{ChisoError, Result};
use crate::methodology::{catalog, Status};

/// The raw change a task expects of its indicator, in the indicator's own unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawChange {
    /// The new raw value (`0.40` for "40% of firms").
    To(f64),
    /// The change of the raw value (`-0.10` for "ten points fewer firms").
    By(f64),
}

/// One task of an indicator-level plan.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTask {
    /// The task's id, unique within the plan.
    pub id: String,
    /// The task's title (None = not given).
    pub title: Option<String>,
    /// The indicator the task moves: path (`informal_charges/g4_new`) or full code.
    pub indicator: String,
    /// What the task expects of the indicator's raw value.
    pub change: RawChange,
    /// The agency leading the task (None = not given; the indicator's owner is reported apart).
    pub lead_agency: Option<String>,
}

/// The projection of one task alone (others' values held), or of every task together.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskProjection {
    /// The task's id (for the plan as a whole, "all").
    pub id: String,
    /// The task's title.
    pub title: Option<String>,
    /// Indicator path (None for the plan as a whole).
    pub indicator: Option<String>,
    /// Path of the node the indicator builds (None for the plan as a whole).
    pub node: Option<String>,
    /// The province's raw value before the task (NaN for the plan as a whole or a missing value).
    pub from: f64,
    /// The raw value the task expects (NaN for the plan as a whole).
    pub to: f64,
    /// The province's node before the task: published where the data give it, else by the layer's rule (NaN for
    /// the plan as a whole).
    pub node_base: f64,
    /// The province's node after the task: base + the rule's change (NaN for the plan as a whole).
    pub node_value: f64,
    /// The province's composite before the task(s).
    pub composite_base: f64,
    /// The province's composite after the task(s).
    pub composite: f64,
    /// The province's ranks before the task(s): `rank` over the publisher's field only, and `rank_within`.
    pub rank_base: Option<u32>,
    /// Rank among the provinces given, before the task(s).
    pub rank_within_base: Option<u32>,
    /// Rank over the publisher's field after the task(s) (None on a partial field).
    pub rank: Option<u32>,
    /// Rank among the provinces given, after the task(s).
    pub rank_within: Option<u32>,
    /// Provinces ranked, of the publisher's field, and whether it is whole (after the task(s)).
    pub n_ranked: u32,
    /// Number of provinces the publisher ranks that year.
    pub n_field: u32,
    /// Whether the field is the publisher's whole field.
    pub field_status: crate::engine::FieldStatus,
    /// A field-relative bound moved: the task makes the province the best (or worst) on an indicator, changing
    /// every province's score on it.
    pub bound_moved: bool,
    /// The expected value lies beyond fixed goalposts (the score is extrapolated).
    pub beyond_bounds: bool,
    /// Provenance of the projection: the weakest status of the rules and weights used (an indicator of a node whose
    /// rule is not established makes it unknown).
    pub provenance: Status,
    /// The agency that owns the indicator (longest matching prefix of the owners given, else the index's lead
    /// department); None for the plan as a whole.
    pub owner: Option<String>,
    /// The agency leading the task, as given.
    pub lead_agency: Option<String>,
}

/// The projection of an indicator-level plan: each task alone, then every task together.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanProjection {
    /// One projection per task, in the plan's order.
    pub tasks: Vec<TaskProjection>,
    /// Every task together (id "all").
    pub together: TaskProjection,
}

/// The owner of an indicator: the longest prefix of `owners` ((node path prefix, agency); "" for all) matching
/// the indicator's path, else the index's lead department.
fn owner_of(path: &str, owners: &[(String, String)], default: &str) -> String {
    let under = |prefix: &str| prefix.is_empty() || path == prefix || path.starts_with(&format!("{prefix}/"));
    owners
        .iter()
        .filter(|(prefix, _)| under(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map_or_else(|| default.to_string(), |(_, agency)| agency.clone())
}

fn ranks(base: &Ranking, projected: &Ranking, p: usize) -> (Option<u32>, Option<u32>, Option<u32>, Option<u32>) {
    (base.rank[p], base.rank_within[p], projected.rank[p], projected.rank_within[p])
}

/// Project `tasks` for `province` (GSO code) on `field`: each task alone (others held), then all together, every
/// time re-scoring the whole field so that a moved bound reaches every province. Each task names a distinct
/// indicator; a value its unit cannot take, a non-finite change or an unknown indicator is a typed error naming the
/// task, indicator, province and year.
pub fn project_plan(
    layer: &Layer,
    field: &Field,
    province: &str,
    tasks: &[IndicatorTask],
    owners: &[(String, String)],
) -> Result<PlanProjection> {
    if tasks.is_empty() {
        return Err(ChisoError::Data(format!(
            "plan for {} in {}: no tasks (each names an indicator and its expected raw value or change)",
            province_name(province),
            field.year
        )));
    }
    field.check(layer)?;
    let p = field.province_index(province)?;
    let k = layer.indicators.len();
    let default_owner = catalog().index(&catalog().edition(&layer.edition)?.index)?.lead_department_en.clone();
    // Resolve every task first, so that a bad one fails before any projection.
    let mut edits: Vec<(usize, f64)> = Vec::with_capacity(tasks.len());
    for (i, t) in tasks.iter().enumerate() {
        if tasks[..i].iter().any(|u| u.id == t.id) {
            return Err(ChisoError::Data(format!("plan: task id {:?} given twice", t.id)));
        }
        let j = layer.find(&t.indicator).ok_or_else(|| ChisoError::UnknownIndicator {
            layer: format!("{} {}", layer.edition, field.year),
            indicator: t.indicator.clone(),
            province: province_name(province),
            year: field.year,
            suggestions: layer.suggestions(&t.indicator),
        })?;
        if let Some(earlier) = edits.iter().position(|&(e, _)| e == j) {
            return Err(ChisoError::Data(format!(
                "plan: tasks {:?} and {:?} both move {} ({}, {}): give one expected value per indicator",
                tasks[earlier].id,
                t.id,
                layer.indicators[j].path,
                province_name(province),
                field.year
            )));
        }
        let from = field.raw[p * k + j];
        let to = match t.change {
            RawChange::To(v) => v,
            RawChange::By(d) if from.is_nan() => {
                return Err(ChisoError::Data(format!(
                    "plan: task {:?} changes {} by {d}, but {} has no value for it in {}: give the new value",
                    t.id,
                    layer.indicators[j].path,
                    province_name(province),
                    field.year
                )))
            }
            RawChange::By(d) => from + d,
        };
        if !to.is_finite() {
            return Err(ChisoError::IndicatorValue {
                province: province_name(province),
                year: field.year,
                indicator: format!("{}/{}", layer.edition, layer.indicators[j].path),
                value: to,
                unit: format!("{} (task {:?})", layer.indicators[j].unit.as_str(), t.id),
                min: layer.indicators[j].possible.0,
                max: layer.indicators[j].possible.1,
            });
        }
        edits.push((j, to));
    }
    let project = |which: &[(usize, f64)]| -> Result<WhatIf> {
        let named: Vec<(String, f64)> = which.iter().map(|&(j, v)| (layer.indicators[j].path.clone(), v)).collect();
        what_if(layer, field, province, &named)
    };
    let m = layer.nodes.len();
    let mut out = Vec::with_capacity(tasks.len());
    for (t, &(j, to)) in tasks.iter().zip(&edits) {
        let w = project(&[(j, to)])?;
        let q = layer.indicators[j].node;
        let published = field.published[p * m + q];
        let node_base = if published.is_nan() { w.base.nodes[p * m + q] } else { published };
        let (rank_base, rank_within_base, rank, rank_within) = ranks(&w.base_ranking, &w.ranking, p);
        out.push(TaskProjection {
            id: t.id.clone(),
            title: t.title.clone(),
            indicator: Some(layer.indicators[j].path.clone()),
            node: Some(layer.nodes[q].node.clone()),
            from: field.raw[p * k + j],
            to,
            node_base,
            node_value: w.nodes[p * m + q],
            composite_base: w.base_composite[p],
            composite: w.composite[p],
            rank_base,
            rank_within_base,
            rank,
            rank_within,
            n_ranked: w.ranking.n_ranked,
            n_field: w.ranking.n_field,
            field_status: w.ranking.field_status,
            bound_moved: w.bound_moved.iter().any(|&b| b),
            beyond_bounds: w.beyond_bounds[j],
            provenance: layer.indicators[j].provenance(&layer.nodes[q]),
            owner: Some(owner_of(&layer.indicators[j].path, owners, &default_owner)),
            lead_agency: t.lead_agency.clone(),
        });
    }
    let w = project(&edits)?;
    let (rank_base, rank_within_base, rank, rank_within) = ranks(&w.base_ranking, &w.ranking, p);
    let together = TaskProjection {
        id: "all".into(),
        title: None,
        indicator: None,
        node: None,
        from: f64::NAN,
        to: f64::NAN,
        node_base: f64::NAN,
        node_value: f64::NAN,
        composite_base: w.base_composite[p],
        composite: w.composite[p],
        rank_base,
        rank_within_base,
        rank,
        rank_within,
        n_ranked: w.ranking.n_ranked,
        n_field: w.ranking.n_field,
        field_status: w.ranking.field_status,
        bound_moved: w.bound_moved.iter().any(|&b| b),
        beyond_bounds: w.beyond_bounds.iter().any(|&b| b),
        provenance: out.iter().map(|t| t.provenance).reduce(Status::weakest).unwrap_or(layer.status),
        owner: None,
        lead_agency: None,
    };
    Ok(PlanProjection { tasks: out, together })
}

//! One data year's field of provinces on a layer: raw values in, indicator scores, node values, composite and
//! rank out; explanations, what-ifs and targets at indicator level. Field-relative rules are recomputed over the
//! whole field after every edit, and a moved bound is reported.

use super::layer::{Combine, Layer};
use super::normalise::{Bounds, Direction, Method};
use crate::engine::{competition_ranks, percentile_linear, FieldStatus, Plan};
use crate::error::{ChisoError, Result};
use crate::methodology::{catalog, Status};
use crate::provinces::Geography;

/// Raw indicator values of every province of one data year (NaN = missing), and optionally the published node
/// values (a what-if then starts from the published values and adds the rule's change).
#[derive(Debug, Clone)]
pub struct Field {
    /// The data year.
    pub year: i32,
    /// GSO codes, one per row.
    pub provinces: Vec<String>,
    /// provinces × indicators, row-major, in the layer's indicator order.
    pub raw: Vec<f64>,
    /// provinces × layer nodes, published values (NaN = not published).
    pub published: Vec<f64>,
}

/// Everything scored over one field.
#[derive(Debug, Clone)]
pub struct FieldScores {
    /// provinces × indicators.
    pub scores: Vec<f64>,
    /// Per indicator.
    pub bounds: Vec<Bounds>,
    /// provinces × layer nodes, by the layer's rules.
    pub nodes: Vec<f64>,
    /// Composite (the edition's root) per province, from the node values; NaN where a node is missing.
    pub composite: Vec<f64>,
    /// Ranks by composite, over the publisher's field only.
    pub ranking: Ranking,
}

/// Ranks of a field's composites, honest about the field the publisher ranks (the index's `[ranked_field]`,
/// issue 9 §2; the vocabulary of [`crate::engine::ScoreRow`]): `rank` exists only when the field holds every
/// province the publisher ranked that year; `rank_within` is always the rank among the provinces given.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Per province, the rank over the publisher's field (competition ranking at the edition's rank precision):
    /// None for every province unless `field_status` is full, and None for a province without a composite.
    pub rank: Vec<Option<u32>>,
    /// Per province, the rank among the provinces of this field with a composite (None = no composite).
    pub rank_within: Vec<Option<u32>>,
    /// Number of provinces with a composite (the set `rank_within` is taken over).
    pub n_ranked: u32,
    /// Number of provinces the publisher ranks in the field's year.
    pub n_field: u32,
    /// Whether the field holds the publisher's whole field.
    pub field_status: FieldStatus,
}

impl Field {
    /// Check that the layer applies to the field's year (its edition is in force that year; a layer whose rules
    /// were established for one data year is used on that year only), and every value against its indicator's
    /// possible range (NaN = missing is allowed; ±inf is not).
    pub fn check(&self, layer: &Layer) -> Result<()> {
        let edition = catalog().edition(&layer.edition)?;
        if self.year < edition.first_year || edition.last_year.is_some_and(|last| self.year > last) {
            return Err(ChisoError::InvalidArgument(format!(
                "indicator layer {} cannot score data year {}: edition {} is in force for {}–{}",
                layer.origin,
                self.year,
                edition.code,
                edition.first_year,
                edition.last_year.map_or("today".into(), |y| y.to_string())
            )));
        }
        if let Some(y) = layer.year.filter(|&y| y != self.year) {
            return Err(ChisoError::InvalidArgument(format!(
                "indicator layer {} states rules established for data year {y}, not {}: use that year's layer",
                layer.origin, self.year
            )));
        }
        let k = layer.indicators.len();
        if self.raw.len() != self.provinces.len() * k {
            return Err(ChisoError::Data(format!(
                "{} raw values for {} provinces × {k} indicators",
                self.raw.len(),
                self.provinces.len()
            )));
        }
        let m = layer.nodes.len();
        if self.published.len() != self.provinces.len() * m {
            return Err(ChisoError::Data(format!(
                "{} published node values for {} provinces × {m} nodes of the layer",
                self.published.len(),
                self.provinces.len()
            )));
        }
        for (p, code) in self.provinces.iter().enumerate() {
            for (j, ind) in layer.indicators.iter().enumerate() {
                let v = self.raw[p * k + j];
                if v.is_nan() {
                    continue;
                }
                if !v.is_finite() || v < ind.possible.0 || v > ind.possible.1 {
                    return Err(ChisoError::IndicatorValue {
                        province: province_name(code),
                        year: self.year,
                        indicator: format!("{}/{}", layer.edition, ind.path),
                        value: v,
                        unit: ind.unit.as_str().to_string(),
                        min: ind.possible.0,
                        max: ind.possible.1,
                    });
                }
            }
        }
        Ok(())
    }

    /// The row of the province with GSO code `code`; an error if the field has no values for it.
    pub fn province_index(&self, code: &str) -> Result<usize> {
        self.provinces.iter().position(|c| c == code).ok_or_else(|| {
            ChisoError::Data(format!("{} has no indicator values in {}", province_name(code), self.year))
        })
    }
}

pub(crate) fn province_name(code: &str) -> String {
    crate::provinces::Registry::get().by_code(code).map_or(code.to_string(), |p| p.name_vi.clone())
}

/// Score a field: normalise every indicator over the provinces, build each node, then the composite and ranks.
pub fn score_field(layer: &Layer, field: &Field) -> Result<FieldScores> {
    field.check(layer)?;
    score_unchecked(layer, field, "")
}

fn score_unchecked(layer: &Layer, field: &Field, edited: &str) -> Result<FieldScores> {
    let (n, k, m) = (field.provinces.len(), layer.indicators.len(), layer.nodes.len());
    let mut scores = vec![f64::NAN; n * k];
    let mut bounds = Vec::with_capacity(k);
    let mut column = vec![0.0; n];
    for (j, ind) in layer.indicators.iter().enumerate() {
        for (p, c) in column.iter_mut().enumerate() {
            *c = field.raw[p * k + j];
        }
        let (s, b) = ind.rule.apply(&column, ind.direction).map_err(|d| ChisoError::DegenerateIndicator {
            year: field.year,
            indicator: format!("{}/{}", layer.edition, ind.path),
            value: d.value(),
            reason: d.describe(),
            method: ind.rule.method.name().to_string(),
            province: edited.to_string(),
        })?;
        // Finite values whose spread overflows (|x| near f64::MAX) give no finite score: refuse them by name.
        if let Some(p) = (0..n).find(|&p| !column[p].is_nan() && !s[p].is_finite()) {
            return Err(ChisoError::IndicatorValue {
                province: province_name(&field.provinces[p]),
                year: field.year,
                indicator: format!("{}/{}", layer.edition, ind.path),
                value: column[p],
                unit: format!("{} (too large to normalise over this field)", ind.unit.as_str()),
                min: ind.possible.0,
                max: ind.possible.1,
            });
        }
        for p in 0..n {
            scores[p * k + j] = s[p];
        }
        bounds.push(b);
    }
    let mut nodes = vec![f64::NAN; n * m];
    for (q, rule) in layer.nodes.iter().enumerate() {
        let wsum: f64 = rule.indicators.iter().map(|&j| layer.indicators[j].weight).sum();
        for p in 0..n {
            let mut acc = 0.0;
            for &j in &rule.indicators {
                let w = layer.indicators[j].weight;
                if w != 0.0 {
                    acc += w * scores[p * k + j];
                }
            }
            nodes[p * m + q] = match rule.combine {
                Combine::WSum { intercept } => intercept + acc,
                Combine::WMean => acc / wsum,
            };
        }
    }
    let (composite, ranking) = composite(layer, field.year, &nodes, n)?;
    Ok(FieldScores { scores, bounds, nodes, composite, ranking })
}

/// The edition's root from the layer's node values (every other node of the edition missing), and its ranks over
/// the field the publisher ranks in `year` (on the 63-province map).
fn composite(layer: &Layer, year: i32, nodes: &[f64], n: usize) -> Result<(Vec<f64>, Ranking)> {
    let edition = catalog().edition(&layer.edition)?;
    let plan = Plan::compile(edition);
    let slots: Vec<usize> = layer
        .nodes
        .iter()
        .map(|r| edition.find(&r.node).ok_or_else(|| ChisoError::Data(format!("{} not in {}", r.node, edition.code))))
        .collect::<Result<_>>()?;
    let m = layer.nodes.len();
    let mut buf = vec![f64::NAN; plan.n_nodes()];
    let mut out = Vec::with_capacity(n);
    for p in 0..n {
        buf.iter_mut().for_each(|v| *v = f64::NAN);
        for (q, &s) in slots.iter().enumerate() {
            buf[s] = nodes[p * m + q];
        }
        plan.evaluate(&mut buf, false)?;
        out.push(buf[0]);
    }
    let ranking = rank_over_field(&edition.index, year, &out, edition.ranking.precision);
    Ok((out, ranking))
}

/// Competition ranks of `values` among themselves, and over the publisher's field of `index` in `year` only when
/// every province of that field has a value (a user's own index: the field is the provinces given).
pub(crate) fn rank_over_field(index: &str, year: i32, values: &[f64], precision: Option<u32>) -> Ranking {
    let rank_within = competition_ranks(values, precision);
    let n_ranked = rank_within.iter().filter(|r| r.is_some()).count() as u32;
    let n_field = match catalog().ranked_field(index, year, Geography::Provinces63).size {
        0 => n_ranked,
        size => size,
    };
    let field_status = if n_ranked >= n_field { FieldStatus::FullField } else { FieldStatus::PartialField };
    let rank = match field_status {
        FieldStatus::FullField => rank_within.clone(),
        FieldStatus::PartialField => vec![None; values.len()],
    };
    Ranking { rank, rank_within, n_ranked, n_field, field_status }
}

/// One row of [`explain`]: an indicator of a province in a year.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainRow {
    /// Path of the node the indicator builds (`time_costs`).
    pub node: String,
    /// Indicator path: node path / indicator code (`time_costs/d1`).
    pub indicator: String,
    /// Unit of the raw value (`days`, `share`, …).
    pub unit: super::Unit,
    /// Which way is better.
    pub direction: super::Direction,
    /// The province's raw value (NaN = missing).
    pub raw: f64,
    /// The province's score under the indicator's rule, over this field (NaN = missing).
    pub score: f64,
    /// Effective weight of the score in its node (for a weighted-mean node, the weight over the node's total).
    pub weight: f64,
    /// weight × (score of the field's best − own score): what the node would gain by matching the best province
    /// on this indicator, others held.
    pub points_lost: f64,
    /// The same in composite points.
    pub composite_points_lost: f64,
    /// The field's best raw value (NaN if no province has a value).
    pub best_value: f64,
    /// The province holding it (Vietnamese name; empty if none).
    pub best_province: String,
    /// The field's median raw value (NaN if no province has a value).
    pub median_value: f64,
    /// The normalisation method with its parameters (goalposts, frontier's worst); [`Method::name`] spells it
    /// as layer files and frames do (`minmax`, `goalposts`, `zscore`, `rank`, `frontier`).
    pub rule: Method,
    /// Provenance of the indicator's numbers, as in every chiso frame: the weakest status of the rules and weights
    /// used — the sub-index's rule, the indicator's weight and its normalisation rule.
    pub provenance: Status,
}

/// Composite points per point of each layer node (the edition's root as a linear function of the nodes).
fn node_to_composite(layer: &Layer) -> Result<Vec<f64>> {
    let edition = catalog().edition(&layer.edition)?;
    let plan = Plan::compile(edition);
    let mut out = Vec::new();
    for r in &layer.nodes {
        let mut buf = vec![f64::NAN; plan.n_nodes()];
        let mut base = vec![f64::NAN; plan.n_nodes()];
        for r2 in &layer.nodes {
            let s = edition.find(&r2.node).unwrap_or(0);
            buf[s] = 0.0;
            base[s] = 0.0;
        }
        let s = edition.find(&r.node).unwrap_or(0);
        buf[s] = 1.0;
        plan.evaluate(&mut buf, false)?;
        plan.evaluate(&mut base, false)?;
        out.push(buf[0] - base[0]);
    }
    Ok(out)
}

/// Each indicator of `province` in `field`: raw value, score, weight, the points it costs against the field's
/// best province, the best and median values.
pub fn explain(layer: &Layer, field: &Field, province: &str) -> Result<Vec<ExplainRow>> {
    let s = score_field(layer, field)?;
    let p = field.province_index(province)?;
    let (n, k) = (field.provinces.len(), layer.indicators.len());
    let to_comp = node_to_composite(layer)?;
    let mut rows = Vec::with_capacity(k);
    for (j, ind) in layer.indicators.iter().enumerate() {
        let col: Vec<(usize, f64)> = (0..n).map(|q| (q, field.raw[q * k + j])).filter(|(_, v)| !v.is_nan()).collect();
        let best = col.iter().copied().reduce(|a, b| if ind.direction.best(a.1, b.1) == a.1 { a } else { b });
        let mut sorted: Vec<f64> = col.iter().map(|c| c.1).collect();
        sorted.sort_by(f64::total_cmp);
        let best_score = (0..n).map(|q| s.scores[q * k + j]).filter(|v| !v.is_nan()).fold(f64::NEG_INFINITY, f64::max);
        let lost = ind.weight * (best_score - s.scores[p * k + j]);
        let node_weight = match layer.nodes[ind.node].combine {
            Combine::WSum { .. } => 1.0,
            Combine::WMean => {
                1.0 / layer.nodes[ind.node].indicators.iter().map(|&i| layer.indicators[i].weight).sum::<f64>()
            }
        };
        rows.push(ExplainRow {
            node: layer.nodes[ind.node].node.clone(),
            indicator: ind.path.clone(),
            unit: ind.unit,
            direction: ind.direction,
            raw: field.raw[p * k + j],
            score: s.scores[p * k + j],
            weight: ind.weight * node_weight,
            points_lost: lost * node_weight,
            composite_points_lost: lost * node_weight * to_comp[ind.node],
            best_value: best.map_or(f64::NAN, |b| b.1),
            best_province: best.map_or(String::new(), |b| province_name(&field.provinces[b.0])),
            median_value: percentile_linear(&sorted, 0.5).unwrap_or(f64::NAN),
            rule: ind.rule.method.clone(),
            provenance: ind.provenance(&layer.nodes[ind.node]),
        });
    }
    Ok(rows)
}

/// The result of an indicator-level what-if for one province.
#[derive(Debug, Clone)]
pub struct WhatIf {
    /// Scores of the field as given.
    pub base: FieldScores,
    /// Scores of the field with the edits (field-relative rules recomputed over the edited field).
    pub projected: FieldScores,
    /// Projected node values of every province: published value + the rule's change where published, else the
    /// rule's value.
    pub nodes: Vec<f64>,
    /// Projected composite per province, from `nodes` (NaN where a node is missing).
    pub composite: Vec<f64>,
    /// Projected ranks by `composite`: over the publisher's field only, and among the provinces given.
    pub ranking: Ranking,
    /// Base composite the same way (published nodes where given).
    pub base_composite: Vec<f64>,
    /// Base ranks by `base_composite`, the same way.
    pub base_ranking: Ranking,
    /// Per indicator: a field-relative bound moved (the edit redefined the best or worst of the field).
    pub bound_moved: Vec<bool>,
    /// Per indicator: the edited value lies outside the rule's bounds (fixed goalposts extrapolated).
    pub beyond_bounds: Vec<bool>,
    /// Per indicator of the province: the edited raw value (NaN where not edited).
    pub edited: Vec<f64>,
}

/// Set raw values of one province (`edits`: indicator code → new raw value) and re-score the whole field.
pub fn what_if(layer: &Layer, field: &Field, province: &str, edits: &[(String, f64)]) -> Result<WhatIf> {
    let p = field.province_index(province)?;
    let k = layer.indicators.len();
    let base = score_field(layer, field)?;
    let mut f2 = field.clone();
    let mut edited = vec![f64::NAN; k];
    for (code, v) in edits {
        let j = layer.find(code).ok_or_else(|| ChisoError::UnknownIndicator {
            layer: format!("{} {}", layer.edition, field.year),
            indicator: code.clone(),
            province: province_name(province),
            year: field.year,
            suggestions: layer.suggestions(code),
        })?;
        f2.raw[p * k + j] = *v;
        edited[j] = *v;
    }
    f2.check(layer)?;
    let projected = score_unchecked(layer, &f2, &province_name(province))?;
    let bound_moved: Vec<bool> = (0..k).map(|j| base.bounds[j] != projected.bounds[j]).collect();
    let beyond_bounds = layer
        .indicators
        .iter()
        .enumerate()
        .map(|(j, ind)| match ind.rule.method {
            Method::Goalposts { lower, upper } => !edited[j].is_nan() && (edited[j] < lower || edited[j] > upper),
            _ => false,
        })
        .collect();
    let m = layer.nodes.len();
    // Per node: did the edit move a bound of one of its indicators (then every province's value may change)?
    let node_moved: Vec<bool> = layer.nodes.iter().map(|r| r.indicators.iter().any(|&j| bound_moved[j])).collect();
    let anchor = |rule_nodes: &[f64], edited_province: Option<usize>| -> Vec<f64> {
        rule_nodes
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let publ = field.published.get(i).copied().unwrap_or(f64::NAN);
                if publ.is_nan() {
                    v
                } else if v.is_nan()
                    && base.nodes[i].is_nan()
                    && edited_province.is_none_or(|e| e != i / m && !node_moved[i % m])
                {
                    // A node the rule cannot rebuild (a raw value missing), in the base, or of a province that was
                    // not edited and whose bounds did not move: its value is certainly unchanged, so the published
                    // one stands.
                    publ
                } else {
                    publ + (v - base.nodes[i])
                }
            })
            .collect()
    };
    let base_nodes = anchor(&base.nodes, None);
    let nodes = anchor(&projected.nodes, Some(p));
    let n = field.provinces.len();
    let (base_composite, base_ranking) = composite(layer, field.year, &base_nodes, n)?;
    let (composite, ranking) = composite(layer, field.year, &nodes, n)?;
    Ok(WhatIf {
        base,
        projected,
        nodes,
        composite,
        ranking,
        base_composite,
        base_ranking,
        bound_moved,
        beyond_bounds,
        edited,
    })
}

/// One indicator move chosen by [`target`].
#[derive(Debug, Clone, PartialEq)]
pub struct TargetMove {
    /// Indicator path: node path / indicator code (`time_costs/d1`).
    pub indicator: String,
    /// The province's raw value before the move.
    pub from: f64,
    /// The raw value moved to (in the indicator's unit).
    pub to: f64,
    /// The share of the indicator's observed range moved: the cost measure, comparable across units.
    pub cost: f64,
    /// Composite points gained by this move alone (others held, bounds as before the move).
    pub composite_gain: f64,
}

/// The cheapest indicator moves (least total share-of-range moved) that lift `province` to rank ≤ `rank`, each
/// indicator moved at most to the field's best observed value (or to its possible range with `beyond_observed`);
/// indicators of nodes whose rule is not established are not used.
/// Greedy on composite gain per unit of cost — exact for fixed goalposts; for field-relative rules the answer is
/// re-scored honestly and moves are added until the rank holds. Returns the moves and the re-scored what-if.
pub fn target(
    layer: &Layer,
    field: &Field,
    province: &str,
    rank: u32,
    beyond_observed: bool,
) -> Result<(Vec<TargetMove>, WhatIf)> {
    if rank == 0 || rank as usize > field.provinces.len() {
        return Err(ChisoError::InvalidArgument(format!(
            "rank={rank}: must be between 1 and {} (the provinces of the field)",
            field.provinces.len()
        )));
    }
    let p = field.province_index(province)?;
    let (n, k) = (field.provinces.len(), layer.indicators.len());
    let start = what_if(layer, field, province, &[])?;
    // A rank exists only over the publisher's full field (issue 9 §2): a rank target on a partial field would be a
    // rank among whatever provinces the data hold.
    if start.base_ranking.field_status == FieldStatus::PartialField {
        return Err(ChisoError::InvalidArgument(format!(
            "no rank target for {} in {}: the field holds {} of the {} provinces {} ranks that year (partial field), \
             so a rank is not defined; give the whole field's indicators",
            province_name(province),
            field.year,
            start.base_ranking.n_ranked,
            start.base_ranking.n_field,
            catalog().edition(&layer.edition)?.index
        )));
    }
    let to_comp = node_to_composite(layer)?;
    // Candidate moves: to the best observed value (or the possible end in the good direction).
    let mut cands: Vec<(usize, f64, f64, f64)> = Vec::new(); // (j, to, cost, gain)
    for (j, ind) in layer.indicators.iter().enumerate() {
        let x = field.raw[p * k + j];
        // An indicator of a node whose rule is not established (status unknown) gives no advice: its fit is an
        // approximation, and a plan built on it would be a guess presented as a number.
        if x.is_nan() || ind.weight == 0.0 || layer.nodes[ind.node].status == Status::Unknown {
            continue;
        }
        let col: Vec<f64> = (0..n).map(|q| field.raw[q * k + j]).filter(|v| !v.is_nan()).collect();
        let (lo, hi) = col.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, &v| (a.0.min(v), a.1.max(v)));
        let to = if beyond_observed {
            match ind.direction {
                Direction::HigherIsBetter => ind.possible.1,
                Direction::LowerIsBetter => ind.possible.0,
            }
        } else {
            match ind.direction {
                Direction::HigherIsBetter => hi,
                Direction::LowerIsBetter => lo,
            }
        };
        if !to.is_finite() || (to - x) * ind.direction.sign() <= 0.0 || hi <= lo {
            continue;
        }
        let Some(slope) = ind.rule.slope(start.base.bounds[j]) else { continue };
        let node_w = match layer.nodes[ind.node].combine {
            Combine::WSum { .. } => 1.0,
            Combine::WMean => {
                1.0 / layer.nodes[ind.node].indicators.iter().map(|&i| layer.indicators[i].weight).sum::<f64>()
            }
        };
        let gain = ind.weight * node_w * to_comp[ind.node] * slope.abs() * (to - x).abs();
        cands.push((j, to, (to - x).abs() / (hi - lo), gain));
    }
    cands.sort_by(|a, b| (b.3 / b.2).total_cmp(&(a.3 / a.2)));
    let mut others: Vec<f64> = (0..n).filter(|&q| q != p).map(|q| start.base_composite[q]).collect();
    others.sort_by(|a, b| b.total_cmp(a));
    let need = if rank as usize > others.len() { f64::NEG_INFINITY } else { others[rank as usize - 1] };
    let mut moves: Vec<TargetMove> = Vec::new();
    let mut last = start;
    for (j, to, cost, gain) in cands {
        if last.ranking.rank[p].is_some_and(|r| r <= rank) {
            break;
        }
        let have = last.composite[p];
        let x = field.raw[p * k + j];
        // Partial move if it closes the gap (linear between x and to).
        let frac =
            if have + gain >= need && gain > 0.0 { ((need - have) / gain * (1.0 + 1e-9)).clamp(0.0, 1.0) } else { 1.0 };
        let dest = x + (to - x) * frac;
        moves.push(TargetMove {
            indicator: layer.indicators[j].path.clone(),
            from: x,
            to: dest,
            cost: cost * frac,
            composite_gain: gain * frac,
        });
        let edits: Vec<(String, f64)> = moves.iter().map(|m| (m.indicator.clone(), m.to)).collect();
        last = what_if(layer, field, province, &edits)?;
    }
    if last.ranking.rank[p].is_none_or(|r| r > rank) {
        return Err(ChisoError::InvalidArgument(format!(
            "{} cannot reach rank {rank} in {} by moving indicators {}: best reachable rank {} (composite {:.2})",
            province_name(province),
            field.year,
            if beyond_observed {
                "to the ends of their possible ranges"
            } else {
                "within their observed ranges (pass beyond_observed to go further)"
            },
            last.ranking.rank[p].map_or("none".into(), |r| r.to_string()),
            last.composite[p]
        )));
    }
    Ok((moves, last))
}

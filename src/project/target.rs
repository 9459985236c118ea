//! The target solver: the cheapest improvements that bring a province to a rank or a score.
//!
//! Every rule chiso evaluates is linear, so the total is Σ cᵢ·xᵢ over the inputs xᵢ (cᵢ = ∂total/∂xᵢ from the
//! compiled plan). Raising input i by Δᵢ ∈ [0, headroomᵢ] at costᵢ per point buys cᵢ·Δᵢ of total. Reaching a
//! total T at least cost is then a linear programme with one constraint and box bounds — a fractional knapsack —
//! whose exact optimum is greedy: fill the inputs in decreasing order of cᵢ / costᵢ until T is reached.

use crate::engine::Scores;
use crate::error::{ChisoError, Result};
use crate::provinces::Registry;
use crate::text::round_to;

/// What to reach.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Rank ≤ k among the provinces ranked that year (others held at their values; the edition's tie rule).
    Rank(u32),
    /// Total ≥ s.
    Score(f64),
}

/// How far one input may be raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cap {
    /// Up to the node's maximum (the scale's theoretical top).
    #[default]
    Max,
    /// Up to the year's best observed value at the node among the provinces of the same map (never beyond the
    /// maximum): the cheapest path then uses no unprecedented value (issue 9 §5).
    Best,
}

named_enum!(Cap, "cap" { Max => "max", Best => "best" });

/// One input to improve.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Step {
    /// Path of the input.
    pub node: String,
    /// The input's current value.
    pub from: f64,
    /// The value to raise it to.
    pub to: f64,
    /// to − from.
    pub increase: f64,
    /// What the increase adds to the total.
    pub total_gain: f64,
    /// Cost of the increase (cost per point × increase).
    pub cost: f64,
    /// The year's best observed value at the node (same map).
    pub best: Option<f64>,
    /// `to` is above `best`: a value no province reached that year.
    pub beyond_best: bool,
}

/// The solver's answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Solution {
    /// Whether the target can be reached by raising inputs up to their maxima.
    pub reachable: bool,
    /// The total the target requires (for a rank: the score that ties the k-th province under the tie rule).
    pub required_total: f64,
    /// The province's total now.
    pub current_total: f64,
    /// The projected total after the steps (if unreachable: with every input at its maximum).
    pub projected_total: f64,
    /// The rank the steps reach (if unreachable: the best reachable rank); None when the year does not hold the
    /// publisher's full field (no rank exists there, issue 9 §2).
    pub projected_rank: Option<u32>,
    /// Σ cost of the steps.
    pub total_cost: f64,
    /// The inputs to raise, in the order the solver fills them.
    pub steps: Vec<Step>,
    /// How far each input could be raised.
    pub cap: Cap,
}

/// The cheapest way for `province` to reach `target` in data year `year`. `costs` gives a cost per point for
/// inputs by path (default 1 for every input). Inputs without a known maximum cannot be raised (their headroom is
/// unknown). Only inputs (supplied leaves) are moved; computed nodes follow. Each input may reach its maximum;
/// see [`solve_capped`] to stop at the year's best observed value.
pub fn solve(scores: &Scores, province: &str, year: i32, target: Target, costs: &[(&str, f64)]) -> Result<Solution> {
    solve_capped(scores, province, year, target, costs, Cap::Max)
}

/// [`solve`] with each input raised at most to `cap`.
pub fn solve_capped(
    scores: &Scores,
    province: &str,
    year: i32,
    target: Target,
    costs: &[(&str, f64)],
    cap: Cap,
) -> Result<Solution> {
    let registry = Registry::get();
    let me = registry.find_for_year(province, year)?;
    let p = registry.index_of(&me.code).unwrap_or(0);
    let k = scores
        .unit_of(p, year)
        .ok_or_else(|| ChisoError::InvalidArgument(format!("no scores for {} in {year}", me.name_vi)))?;
    let e = scores.units()[k].edition;
    let m = scores.edition(e);
    let plan = scores.plan(e);
    let current = scores.value(k, 0).ok_or_else(|| {
        ChisoError::InvalidArgument(format!("{} has no total in {year}: complete its data first", me.name_vi))
    })?;
    match target {
        Target::Score(s) if !s.is_finite() => {
            return Err(ChisoError::InvalidArgument(format!("score = {s}: a target score is a finite number")))
        }
        Target::Rank(0) => return Err(ChisoError::InvalidArgument("rank = 0: ranks start at 1".into())),
        _ => {}
    }
    for (node, cost) in costs {
        if m.find(node).is_none() {
            return Err(ChisoError::InvalidArgument(format!("costs: node {node:?} is not in edition {}", m.code)));
        }
        if !(cost.is_finite() && *cost > 0.0) {
            return Err(ChisoError::InvalidArgument(format!("costs: {cost} for {node:?} must be a positive number")));
        }
    }
    // ∂total/∂node by reverse accumulation over the linear plan.
    let mut weight = vec![0.0; m.nodes.len()];
    weight[0] = 1.0;
    for i in m.topological_order().into_iter().rev() {
        for (dep, coef) in plan.terms(i) {
            weight[dep] += weight[i] * coef;
        }
    }
    // A rank exists only over the publisher's full field (issue 9 §2): a rank target on a partial field would be a
    // rank among whatever provinces the data holds.
    let field = scores.field_of(k);
    let full = scores.field_status_at(k, 0) == crate::engine::FieldStatus::FullField;
    if let (Target::Rank(_), false) = (target, full) {
        return Err(ChisoError::InvalidArgument(format!(
            "no rank target in {year}: the data hold {} of the {} provinces {} ranks that year (partial field), so a \
             rank is not defined; give the whole field's totals, or a score target",
            scores.rank_of(k, 0).1,
            field.size,
            m.index
        )));
    }
    // The other provinces of the year on the same map, held at their values.
    let map = registry.all()[scores.units()[k].province].geography;
    let others: Vec<f64> = (0..scores.units().len())
        .filter(|&j| {
            let u = &scores.units()[j];
            j != k && u.year == year && registry.all()[u.province].geography == map
        })
        .filter_map(|j| scores.value(j, 0))
        .collect();
    let precision = m.ranking.precision.unwrap_or(crate::engine::rank::UNROUNDED_DECIMALS);
    let rank_of =
        |v: f64| 1 + others.iter().filter(|&&o| round_to(o, precision) > round_to(v, precision)).count() as u32;
    let required = match target {
        Target::Score(s) => s,
        Target::Rank(r) => {
            if r == 0 {
                return Err(ChisoError::InvalidArgument("rank targets start at 1".into()));
            }
            let mut sorted = others.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            match sorted.get(r as usize - 1) {
                // Tie the province now at rank r: rounded to the ranking precision, equal is enough (1224).
                Some(&t) => round_to(t, precision) - 0.5 * 10f64.powi(-(precision as i32)),
                None => f64::NEG_INFINITY, // fewer provinces than r: any total reaches it
            }
        }
    };
    // The year's best observed value per node on the province's map.
    let geography = me.geography;
    let best: Vec<Option<f64>> = (0..m.nodes.len())
        .map(|i| {
            (0..scores.units().len())
                .filter(|&j| scores.units()[j].year == year)
                .filter(|&j| registry.all()[scores.units()[j].province].geography == geography)
                .filter_map(|j| scores.value(j, i))
                .reduce(f64::max)
        })
        .collect();
    // Candidate inputs: supplied nodes that feed the total, with a known maximum.
    let mut candidates: Vec<(usize, f64, f64, f64)> = Vec::new(); // (node, gain per point, headroom, cost)
    for (i, n) in m.nodes.iter().enumerate() {
        let supplied = scores.supplied_value(k, i).is_some();
        let is_input = supplied && (m.dependencies(i).is_empty() || scores.origin_of(k, i) == crate::Origin::Input);
        if !is_input || weight[i] <= 0.0 {
            continue;
        }
        let (Some(v), Some(max)) = (scores.value(k, i), n.max_value()) else { continue };
        let top = match cap {
            Cap::Max => max,
            Cap::Best => best[i].map_or(max, |b| b.min(max)),
        };
        let cost = costs.iter().find(|(c, _)| m.find(c) == Some(i)).map_or(1.0, |(_, c)| *c);
        if top > v {
            candidates.push((i, weight[i], top - v, cost));
        }
    }
    candidates.sort_by(|a, b| (b.1 / b.3).total_cmp(&(a.1 / a.3)).then(a.0.cmp(&b.0)));
    let mut needed = required - current;
    let mut total = current;
    let mut steps = Vec::new();
    let mut cost = 0.0;
    for &(i, gain, headroom, c) in &candidates {
        if needed <= 0.0 {
            break;
        }
        let increase = (needed / gain).min(headroom);
        let from = scores.value(k, i).unwrap_or(0.0);
        steps.push(Step {
            node: m.nodes[i].path.clone(),
            from,
            to: from + increase,
            increase,
            total_gain: increase * gain,
            cost: increase * c,
            best: best[i],
            beyond_best: best[i].is_some_and(|b| from + increase > b + 1e-9 * b.abs().max(1.0)),
        });
        needed -= increase * gain;
        total += increase * gain;
        cost += increase * c;
    }
    let reachable = needed <= 1e-12;
    Ok(Solution {
        reachable,
        required_total: required,
        current_total: current,
        projected_total: total,
        projected_rank: full.then(|| rank_of(total)),
        total_cost: cost,
        steps,
        cap,
    })
}

//! [`PreparedScenarios::new`]: everything a what-if over many scenarios needs that does not depend on the
//! scenarios' values, checked and computed once.

use super::{DescendingKeys, Op, PreparedScenarios};
use crate::engine::{MissingPolicy, Prefer, Scores};
use crate::error::{ChisoError, Result};
use crate::project::Peers;
use crate::provinces::Registry;
use crate::text::round_to;

impl PreparedScenarios {
    /// Prepare the scenarios of `province` in data year `year` that set `nodes` by `ops` (one op per node),
    /// reporting `outputs` ("" = the total) against `peers`. Errors name the argument at fault: a year without
    /// scores or mixing editions, an unknown province or node, a relative op on a node without a value, a
    /// headroom without a maximum, a field to measure against that is empty.
    pub fn new(
        scores: &Scores,
        year: i32,
        province: &str,
        nodes: &[String],
        ops: &[Op],
        outputs: &[String],
        peers: &Peers,
    ) -> Result<PreparedScenarios> {
        let units: Vec<usize> = (0..scores.units().len()).filter(|&k| scores.units()[k].year == year).collect();
        let Some(&first) = units.first() else {
            return Err(ChisoError::argument("year", year, "no scores for this data year to project from"));
        };
        let e = scores.units()[first].edition;
        if units.iter().any(|&k| scores.units()[k].edition != e) {
            return Err(ChisoError::argument("year", year, "this data year mixes editions"));
        }
        let m = scores.edition(e);
        let plan = scores.plan(e);
        let n = m.nodes.len();
        let options = scores.options();
        let renormalise = options.missing == MissingPolicy::Renormalise;
        let registry = Registry::get();
        let me = registry.find_for_year(province, year)?;
        let p_index = registry.index_of(&me.code).unwrap_or(usize::MAX);
        let pos = units.iter().position(|&k| scores.units()[k].province == p_index).ok_or_else(|| {
            ChisoError::argument("province", province, format!("{} has no scores in {year} to change", me.name_vi))
        })?;
        let k = units[pos];
        if nodes.is_empty() || nodes.len() != ops.len() {
            return Err(ChisoError::argument(
                "ops",
                format!("{} ops for {} nodes", ops.len(), nodes.len()),
                "give one op per edited node (and at least one node)",
            ));
        }
        if outputs.is_empty() {
            return Err(ChisoError::argument("output", "[]", "ask for at least one node (\"\" = the total)"));
        }
        let edited: Vec<usize> = nodes
            .iter()
            .map(|s| {
                m.find(s).ok_or_else(|| ChisoError::argument("nodes", s, format!("no such node in edition {}", m.code)))
            })
            .collect::<Result<_>>()?;
        let out_nodes: Vec<usize> = outputs
            .iter()
            .map(|s| {
                m.find(s)
                    .ok_or_else(|| ChisoError::argument("output", s, format!("no such node in edition {}", m.code)))
            })
            .collect::<Result<_>>()?;

        // The year's field at a node: the values of the provinces of the edited province's map (as what_if).
        let geography = registry.all()[p_index].geography;
        let in_field = |i: usize| {
            units
                .iter()
                .filter(move |&&u| registry.all()[scores.units()[u].province].geography == geography)
                .filter_map(move |&u| scores.value(u, i))
        };
        let field_at = |i: usize| -> Vec<f64> {
            let mut v: Vec<f64> = in_field(i).collect();
            v.sort_by(f64::total_cmp);
            v
        };
        // Per edited column: current value, maximum and field where the op needs them (checked once, not per
        // scenario).
        let mut current = Vec::with_capacity(edited.len());
        let mut maximum = Vec::with_capacity(edited.len());
        let mut fields: Vec<Vec<f64>> = Vec::with_capacity(edited.len());
        for (&i, op) in edited.iter().zip(ops) {
            let node = &m.nodes[i];
            let relative_to_field = matches!(op, Op::BestGap | Op::ToBest | Op::Percentile);
            fields.push(if relative_to_field { field_at(i) } else { Vec::new() });
            if relative_to_field && fields.last().is_some_and(|f| f.is_empty()) {
                return Err(ChisoError::argument(
                    "nodes",
                    &node.code,
                    format!("no province has a value at this node in {year} to measure against"),
                ));
            }
            let needs_current = matches!(op, Op::Add | Op::Headroom) || relative_to_field;
            let c = scores.value(k, i);
            if needs_current && c.is_none() {
                return Err(ChisoError::argument(
                    "nodes",
                    &node.code,
                    format!("{} has no value at this node in {year} to change relatively", me.name_vi),
                ));
            }
            let needs_max = matches!(op, Op::Headroom | Op::ToMax);
            if needs_max && node.max_value().is_none() {
                return Err(ChisoError::MissingMaximum {
                    edition: m.code.clone(),
                    node: node.code.clone(),
                    path: node.path.clone(),
                    purpose: "to close headroom or reach the maximum".into(),
                });
            }
            current.push(c.unwrap_or(f64::NAN));
            maximum.push(node.max_value().unwrap_or(f64::NAN));
        }
        // Peers' values at the output nodes, sorted by rank key (descending).
        let crate::project::peers::PeerColumns { columns: base, label: peers_label } =
            crate::project::peers::peer_columns(scores, year, &units, m, peers, &out_nodes)?;
        let decimals = m.ranking.precision.unwrap_or(crate::engine::rank::UNROUNDED_DECIMALS);
        let field = scores.field_of(k).size;
        let peer_keys: Vec<DescendingKeys> = out_nodes
            .iter()
            .map(|&i| {
                DescendingKeys::new(
                    (0..units.len())
                        .filter(|&q| q != pos && !base[i][q].is_nan())
                        .map(|q| round_to(base[i][q], decimals))
                        .collect(),
                    decimals,
                )
            })
            .collect();

        // The province's starting buffer and what stays pinned, as in what_if_with.
        let supplied: Vec<f64> = (0..n).map(|j| scores.supplied_value(k, j).unwrap_or(f64::NAN)).collect();
        let mut keep: Vec<bool> =
            (0..n).map(|j| options.prefer == Prefer::Published && !supplied[j].is_nan()).collect();
        let mut is_edited = vec![false; n];
        for &i in &edited {
            keep[i] = true;
            is_edited[i] = true;
        }
        let (shifted, before) = crate::project::shifted_totals(m, plan, &supplied, &is_edited, &mut keep, options);
        // Per edited column: the year's best value in its field (NaN where the op needs none), read once.
        let field_best: Vec<f64> = fields.iter().map(|f| f.last().copied().unwrap_or(f64::NAN)).collect();
        let scale: Vec<(f64, f64)> =
            edited.iter().map(|&i| m.nodes[i].scale.unwrap_or((f64::NEG_INFINITY, f64::INFINITY))).collect();

        // Only the edited nodes' ancestors can move: every other node is evaluated once, and each scenario resets the
        // moving nodes to their starting values and re-evaluates just their steps (the same arithmetic, in the same
        // order, as a full pass).
        let moving_steps = plan.steps_depending_on(&is_edited);
        let moving_nodes = plan.step_nodes(&moving_steps);
        let mut template = supplied.clone();
        plan.evaluate_keeping(&mut template, renormalise, &keep);

        let best: Vec<f64> = out_nodes
            .iter()
            .map(|&i| in_field(i).fold(f64::NAN, f64::max)) // the largest (NaN for none), as field_at(i).last()
            .collect();
        let beyond_at: Vec<f64> = best.iter().map(|&b| b + 1e-9 * b.abs().max(1.0)).collect();
        let full_field: Vec<bool> = peer_keys.iter().map(|keys| keys.len() as u32 + 1 >= field).collect();
        let accepted =
            ops.iter().map(|op| op.accepted().map_or((0.0, 0.0, true), |(lo, hi)| (lo, hi, false))).collect();
        Ok(PreparedScenarios {
            province_code: me.code.clone(),
            province: me.name_vi.clone(),
            year,
            plan: plan.clone(),
            renormalise,
            edited_paths: edited.iter().map(|&i| m.nodes[i].path.clone()).collect(),
            edited,
            ops: ops.to_vec(),
            accepted,
            current,
            maximum,
            fields,
            field_best,
            scale,
            supplied,
            keep,
            shifted,
            before,
            template,
            moving_steps,
            moving_nodes,
            out_paths: out_nodes.iter().map(|&i| m.nodes[i].path.clone()).collect(),
            base_values: out_nodes.iter().map(|&i| scores.value(k, i).unwrap_or(f64::NAN)).collect(),
            base_ranks: out_nodes.iter().map(|&i| scores.rank_of(k, i).0.unwrap_or(0)).collect(),
            n_ranked: out_nodes
                .iter()
                .zip(&peer_keys)
                .map(|(&i, keys)| keys.len() as u32 + u32::from(scores.value(k, i).is_some()))
                .collect(),
            out_nodes,
            peer_keys,
            full_field,
            beyond_at,
            best,
            peers: peers_label,
        })
    }
}

//! What the other provinces do in a projection — held at their values, moved by their own trend, or the user's
//! values — for `what_if`, `what_if_many` and plan simulations alike, with one label vocabulary for the output's
//! `peers` column.

use super::{trend, Peers, PeersUsed};
use crate::engine::Scores;
use crate::error::{ChisoError, Result};
use crate::methodology::Methodology;
use crate::provinces::{Geography, Registry};

/// The peers' values at every node of a data year, and the label that says what they did.
pub(crate) struct PeerColumns {
    /// columns[i][q]: node i of the year's unit q (NaN = no value). Nodes not asked for have an empty column.
    pub columns: Vec<Vec<f64>>,
    /// Held, moved by their trend (with how many were held for want of one), or the user's values.
    pub label: PeersUsed,
}

/// The peers of data year `year` (its units `units`, edition `m`) as `peers` says, at the nodes `nodes` (a trend is
/// fitted only there: fitting every node of every province is the costly part).
pub(crate) fn peer_columns(
    scores: &Scores,
    year: i32,
    units: &[usize],
    m: &Methodology,
    peers: &Peers,
    nodes: &[usize],
) -> Result<PeerColumns> {
    let registry = Registry::get();
    let n = m.nodes.len();
    // Only the nodes asked for get a column: reading every node of every province is most of a small call's cost.
    let mut asked = vec![false; n];
    for &i in nodes {
        asked[i] = true;
    }
    let mut columns: Vec<Vec<f64>> = (0..n)
        .map(|i| match asked[i] {
            true => units.iter().map(|&k| scores.value(k, i).unwrap_or(f64::NAN)).collect(),
            false => Vec::new(),
        })
        .collect();
    let label = match peers {
        Peers::Held => PeersUsed::Held,
        Peers::Given(cells) => {
            for (province, node, value) in cells {
                let p = registry.find_for_year(province, year)?;
                let pos = units
                    .iter()
                    .position(|&k| registry.all()[scores.units()[k].province].code == p.code)
                    .ok_or_else(|| {
                        ChisoError::argument("peer_values", province, format!("{} has no scores in {year}", p.name_vi))
                    })?;
                let i = m.find(node).ok_or_else(|| {
                    ChisoError::argument("peer_values", node, format!("no such node in edition {}", m.code))
                })?;
                if !value.is_finite() {
                    return Err(ChisoError::NonFinite {
                        province: p.name_vi.clone(),
                        year,
                        node: node.clone(),
                        value: *value,
                    });
                }
                // A peer's value is data like any other: inside the node's scale or maximum.
                let node = &m.nodes[i];
                let (lo, hi) = node.scale.unwrap_or((0.0, node.max_points.unwrap_or(f64::INFINITY)));
                let slack = node.scale_slack();
                if *value < lo - slack || *value > hi + slack {
                    return Err(ChisoError::OutOfScale {
                        province: p.name_vi.clone(),
                        year,
                        node: node.code.clone(),
                        value: *value,
                        min: lo,
                        max: hi,
                    });
                }
                // (A value at a node not asked for is checked, and has nothing to change.)
                if let Some(slot) = columns[i].get_mut(pos) {
                    *slot = *value;
                }
            }
            PeersUsed::Given { cells: cells.len() }
        }
        Peers::Trend { target_year, options } => {
            // Each province moves by its own series on the 63-province map (the units, if asked, are merged after),
            // by node path, as a user asks for a trend: the series follows the node's lineage across editions.
            let options = trend::TrendOptions { map: Some(Geography::Provinces63), ..options.clone() };
            // Provinces whose total (or first node asked for) has no trend (too few comparable years) are held, and
            // the label says how many.
            let counted = if nodes.contains(&0) { 0 } else { nodes.first().copied().unwrap_or(0) };
            let mut held = 0u32;
            for (pos, &k) in units.iter().enumerate() {
                let code = &registry.all()[scores.units()[k].province].code;
                for &i in nodes {
                    match trend::trend(scores, code, &m.nodes[i].path, *target_year, &options) {
                        Ok(t) => columns[i][pos] = t.linear,
                        Err(_) if i == counted && scores.value(k, i).is_some() => held += 1,
                        Err(_) => {}
                    }
                }
            }
            PeersUsed::Trend { target_year: *target_year, held, of: if held > 0 { units.len() as u32 } else { 0 } }
        }
    };
    Ok(PeerColumns { columns, label })
}

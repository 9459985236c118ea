//! Computed values checked against what their node can hold (README §1.4 scales): a rule applied to values that
//! are each acceptable can still produce a total no publisher could print — eight areas without a known maximum
//! summing past the index's 100, a renormalised parent scaled up from one huge child, an overflow to infinity.
//! Such a value is an error naming the inputs that produced it; it is never ranked.

use crate::error::{ChisoError, Result};
use crate::methodology::Methodology;

/// The range a node's value must lie in: its scale (with the slack of a derived scale), else 0 to its maximum.
fn bounds(m: &Methodology, i: usize) -> Option<(f64, f64)> {
    let node = &m.nodes[i];
    match (node.scale, node.max_points) {
        (Some((lo, hi)), _) => {
            // Computed values carry rounding noise of their inputs' scale besides the scale's own slack.
            let slack = node.scale_slack().max(1e-9 * (1.0 + hi.abs().max(lo.abs())));
            Some((lo - slack, hi + slack))
        }
        (None, Some(max)) => Some((-1e-9 * (1.0 + max), max * (1.0 + 1e-9) + 1e-9)),
        (None, None) => None,
    }
}

/// Check every computed node of one province and year (`computed(i)`: node `i` was computed by its rule rather
/// than supplied): finite always, inside its scale or maximum where the edition knows one.
pub(crate) fn check_computed(
    m: &Methodology,
    values: &[f64],
    computed: impl Fn(usize) -> bool,
    province: &str,
    year: i32,
) -> Result<()> {
    for (i, &value) in values.iter().enumerate() {
        if value.is_nan() || !computed(i) {
            continue;
        }
        let why = if !value.is_finite() {
            "not a finite number".to_string()
        } else {
            match bounds(m, i) {
                Some((lo, hi)) if value < lo || value > hi => {
                    let node = &m.nodes[i];
                    match node.scale {
                        Some((a, b)) => format!("outside the node's scale [{a}, {b}]"),
                        None => format!("outside 0 to the node's maximum {}", node.max_points.unwrap_or(hi)),
                    }
                }
                _ => continue,
            }
        };
        return Err(ChisoError::Computed {
            province: province.to_string(),
            year,
            node: m.nodes[i].code.clone(),
            value,
            why,
            inputs: inputs_of(m, i, values),
        });
    }
    Ok(())
}

/// "entry_costs = 50, land_access = 50, … (10 inputs)": the values a node was computed from.
fn inputs_of(m: &Methodology, i: usize, values: &[f64]) -> String {
    let deps = m.dependencies(i);
    let shown: Vec<String> = deps
        .iter()
        .take(8)
        .map(|&d| {
            let name = if m.nodes[d].path.is_empty() { &m.nodes[d].code } else { &m.nodes[d].path };
            if values[d].is_nan() {
                format!("{name} missing")
            } else {
                format!("{name} = {}", crate::text::num(values[d]))
            }
        })
        .collect();
    let more = if deps.len() > shown.len() { format!(", … ({} inputs)", deps.len()) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

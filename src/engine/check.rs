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

#[cfg(test)]
mod tests {
    use super::*;

    const EDITION: &str = r#"
[edition]
code = "w.2021"
first_year = 2021
name_en = "W"
name_vi = "W"
status = "official"
[[node]]
code = "w.2021"
kind = "total"
name_en = "T"
max_points = 10.0
aggregation = "SUM"
[[node]]
code = "w.2021/a"
kind = "main indicator"
name_en = "A"
scale = [0.0, 1.0]
"#;

    /// The bounds are inclusive: a computed value exactly on either edge of its range (the maximum's rounding
    /// allowance included) passes, the next representable value beyond it does not.
    #[test]
    fn bounds_are_inclusive_at_both_edges() {
        let m = Methodology::from_toml_str(EDITION, "w.toml").unwrap();
        for i in 0..m.nodes.len() {
            let (lo, hi) = bounds(&m, i).unwrap();
            let check = |v: f64| {
                let mut values = vec![0.5; m.nodes.len()];
                values[i] = v;
                check_computed(&m, &values, |j| j == i, "Trà Vinh", 2021)
            };
            assert!(check(lo).is_ok() && check(hi).is_ok(), "node {i}: [{lo}, {hi}]");
            assert!(check(lo - lo.abs().max(1e-300) * 1e-12).is_err(), "node {i} below {lo}");
            assert!(check(hi + hi.abs() * 1e-12).is_err(), "node {i} above {hi}");
        }
        // The maximum's allowance is rounding noise, not a point: 10 + 1e-6 is past a maximum of 10.
        let (_, hi) = bounds(&m, 0).unwrap();
        assert!(hi > 10.0 && hi < 10.0 + 1e-6, "{hi}");
        // The allowance below zero grows with the maximum too (1e-9 of 1 + 10 here).
        let (lo, _) = bounds(&m, 0).unwrap();
        assert!(lo <= -1e-8 && lo > -1e-6, "{lo}");
        let (lo, hi) = bounds(&m, 1).unwrap();
        assert!(lo < 0.0 && lo > -1e-6 && hi > 1.0 && hi < 1.0 + 1e-6, "[{lo}, {hi}] around the scale [0, 1]");
        // Rounding noise of 1e-9 relative to the scale's magnitude (here 2e-9 on [0, 1]) is allowed.
        assert!(hi >= 1.0 + 1.5e-9, "{hi}");
    }
}

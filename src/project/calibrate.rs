//! Weight calibration: estimate the weights of a WMEAN node from published parts and totals by constrained least
//! squares (non-negative, summing to the rule's total), report the residual of every row, and test whether a
//! round weight grid reproduces every row within the spec's tolerance (README §1.5 rule 3).
//!
//! Method: with v = k·Σ wᵢxᵢ / S, the fit is min ‖X w − y·S/k‖² subject to Σ w = S and w ≥ 0, solved by an active
//! set: the equality-constrained least squares (its KKT system) on the free weights, dropping the most negative
//! weight to zero until none is negative.

use crate::engine::Scores;
use crate::error::{ChisoError, Result};
use crate::methodology::{Aggregation, Methodology};

/// The fit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Calibration {
    /// (child path, fitted weight), in the node's child order.
    pub weights: Vec<(String, f64)>,
    /// (province code, year, published, fitted, residual = published − fitted), one per row used.
    pub residuals: Vec<(String, i32, f64, f64, f64)>,
    /// Largest |residual| over the rows fitted.
    pub max_abs_residual: f64,
    /// Root mean square of the residuals.
    pub rmse: f64,
    /// The fitted weights rounded to the grid (summing to the rule's total), and whether they reproduce every row
    /// within the tolerance.
    pub grid_weights: Option<Vec<(String, f64)>>,
    /// With a grid: whether the rounded weights reproduce every row within the tolerance.
    pub grid_fits: Option<bool>,
    /// The rounding tolerance used (README §1.5 rule 3).
    pub tolerance: f64,
}

/// Solve a small dense linear system by Gaussian elimination with partial pivoting.
fn solve_linear(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (top, rest) = a.split_at_mut(col + 1);
        let pivot_row = &top[col];
        for (offset, row) in rest.iter_mut().enumerate() {
            let f = row[col] / pivot_row[col];
            for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[col + 1 + offset] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Non-negative least squares with Σ w = total, by the active set described in the module docs.
pub fn constrained_least_squares(x: &[Vec<f64>], y: &[f64], total: f64) -> Option<Vec<f64>> {
    let k = x.first()?.len();
    let mut free: Vec<usize> = (0..k).collect();
    loop {
        let f = free.len();
        // KKT: [2XᵀX 1; 1ᵀ 0] [w; λ] = [2Xᵀy; total] on the free columns.
        let mut a = vec![vec![0.0; f + 1]; f + 1];
        let mut b = vec![0.0; f + 1];
        for (r, &i) in free.iter().enumerate() {
            for (c, &j) in free.iter().enumerate() {
                a[r][c] = 2.0 * x.iter().map(|row| row[i] * row[j]).sum::<f64>();
            }
            a[r][f] = 1.0;
            a[f][r] = 1.0;
            b[r] = 2.0 * x.iter().zip(y).map(|(row, yy)| row[i] * yy).sum::<f64>();
        }
        b[f] = total;
        let solution = solve_linear(a, b)?;
        let worst = (0..f).filter(|&r| solution[r] < -1e-12).min_by(|&a, &b| solution[a].total_cmp(&solution[b]));
        match worst {
            Some(r) if f > 1 => {
                free.remove(r);
            }
            _ => {
                let mut w = vec![0.0; k];
                for (r, &i) in free.iter().enumerate() {
                    w[i] = solution[r].max(0.0);
                }
                return Some(w);
            }
        }
    }
}

/// Round weights to multiples of `grid`, keeping their sum at `total` (largest remainders get the slack).
fn round_to_grid(w: &[f64], grid: f64, total: f64) -> Vec<f64> {
    let units: Vec<f64> = w.iter().map(|v| v / grid).collect();
    let mut floor: Vec<f64> = units.iter().map(|u| u.floor()).collect();
    let missing = ((total / grid) - floor.iter().sum::<f64>()).round() as i64;
    let mut order: Vec<usize> = (0..w.len()).collect();
    order.sort_by(|&a, &b| (units[b] - floor[b]).total_cmp(&(units[a] - floor[a])));
    for &i in order.iter().take(missing.max(0) as usize) {
        floor[i] += 1.0;
    }
    floor.iter().map(|u| u * grid).collect()
}

/// Calibrate the weights of WMEAN node `node` from every province-year of `scores` in `years` where the node has
/// a published value and all its scored children have values. `grid` (e.g. 5.0 for 5% steps) adds the round-grid
/// test; `decimals_in` / `decimals_out` set its tolerance (README §1.5 rule 3; None = unrounded inputs).
pub fn calibrate(
    scores: &Scores,
    node: &str,
    years: &[i32],
    grid: Option<f64>,
    decimals_in: Option<u32>,
    decimals_out: u32,
) -> Result<Calibration> {
    crate::limits::check_decimals("decimals_in", decimals_in)?;
    crate::limits::check_decimals("decimals_out", Some(decimals_out))?;
    if let Some(g) = grid {
        if !(g.is_finite() && g > 0.0) {
            return Err(ChisoError::InvalidArgument(format!("grid = {g} must be a finite positive step")));
        }
    }
    let mut rows: Vec<(String, i32, Vec<f64>, f64)> = Vec::new();
    let mut edition: Option<&Methodology> = None;
    let mut index = None;
    for (k, u) in scores.units().iter().enumerate().filter(|(_, u)| years.contains(&u.year)) {
        let m = scores.edition(u.edition);
        if edition.is_some_and(|e| e.code != m.code) {
            return Err(ChisoError::InvalidArgument(format!(
                "years {years:?} span two editions ({} and {}): calibrate one edition at a time",
                edition.map_or("", |e| &e.code),
                m.code
            )));
        }
        let i =
            m.find(node).ok_or_else(|| ChisoError::InvalidArgument(format!("node {node:?} is not in {}", m.code)))?;
        edition = Some(m);
        index = Some(i);
        let Some(published) = scores.supplied_value(k, i) else { continue };
        let children = m.dependencies(i);
        let values: Option<Vec<f64>> = children.iter().map(|&c| scores.value(k, c)).collect();
        if let Some(values) = values {
            let code = crate::provinces::Registry::get().all()[u.province].code.clone();
            rows.push((code, u.year, values, published));
        }
    }
    let (Some(m), Some(i)) = (edition, index) else {
        return Err(ChisoError::InvalidArgument(format!("no scores in years {years:?}")));
    };
    let Aggregation::WMean { k } = m.nodes[i].aggregation else {
        return Err(ChisoError::InvalidArgument(format!(
            "{} aggregates by {}: calibration estimates WMEAN weights",
            m.nodes[i].code, m.nodes[i].aggregation
        )));
    };
    let children = m.dependencies(i);
    if rows.len() < children.len() {
        return Err(ChisoError::InvalidArgument(format!(
            "{} rows with parts and a published total; {} weights need at least as many",
            rows.len(),
            children.len()
        )));
    }
    let total = m.nodes[i].weights_sum.unwrap_or(100.0);
    let x: Vec<Vec<f64>> = rows.iter().map(|r| r.2.clone()).collect();
    let y: Vec<f64> = rows.iter().map(|r| r.3 * total / k).collect();
    let w = constrained_least_squares(&x, &y, total).ok_or_else(|| {
        ChisoError::InvalidArgument("the parts are collinear: the weights are not identifiable".into())
    })?;
    let fitted = |w: &[f64], row: &[f64]| k * row.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / total;
    let residuals: Vec<(String, i32, f64, f64, f64)> = rows
        .iter()
        .map(|(code, year, values, published)| {
            let f = fitted(&w, values);
            (code.clone(), *year, *published, f, published - f)
        })
        .collect();
    let max_abs_residual = residuals.iter().map(|r| r.4.abs()).fold(0.0, f64::max);
    let rmse = (residuals.iter().map(|r| r.4 * r.4).sum::<f64>() / residuals.len() as f64).sqrt();
    let half = |d: u32| 0.5 * 10f64.powi(-(d as i32));
    let tolerance = half(decimals_out) + decimals_in.map_or(0.0, |d| k * half(d));
    let (grid_weights, grid_fits) = match grid {
        None => (None, None),
        Some(g) if g > 0.0 => {
            let gw = round_to_grid(&w, g, total);
            let fits = rows
                .iter()
                .all(|(_, _, values, published)| (published - fitted(&gw, values)).abs() <= tolerance + 1e-9);
            (Some(children.iter().zip(&gw).map(|(&c, v)| (m.nodes[c].path.clone(), *v)).collect()), Some(fits))
        }
        Some(g) => return Err(ChisoError::InvalidArgument(format!("grid {g} must be positive"))),
    };
    Ok(Calibration {
        weights: children.iter().zip(&w).map(|(&c, v)| (m.nodes[c].path.clone(), *v)).collect(),
        residuals,
        max_abs_residual,
        rmse,
        grid_weights,
        grid_fits,
        tolerance,
    })
}

/// Maxima of a SUM node's children from published percentages and totals (PAR INDEX areas published as % of
/// their maximum, totals in points): total = Σ pctᵢ/100 · maxᵢ is linear in the maxima, so the same constrained
/// least squares applies, with Σ max = `total_max` (100 for PAR) and max ≥ 0. `pct` rows are the children's
/// percentages, `totals` the published totals. Returns the maxima and each row's residual.
pub fn calibrate_maxima(pct: &[Vec<f64>], totals: &[f64], total_max: f64) -> Result<(Vec<f64>, Vec<f64>)> {
    if pct.is_empty() || pct.len() != totals.len() {
        return Err(ChisoError::InvalidArgument("calibrate_maxima: one total per row of percentages".into()));
    }
    if !(total_max.is_finite() && total_max > 0.0 && total_max <= crate::limits::MAX_MAGNITUDE) {
        return Err(ChisoError::InvalidArgument(format!(
            "calibrate_maxima: total_max = {} must be a positive number of at most 1e12",
            crate::text::num(total_max)
        )));
    }
    let k = pct[0].len();
    if pct.iter().any(|r| r.len() != k || r.iter().any(|v| !v.is_finite())) || totals.iter().any(|t| !t.is_finite()) {
        return Err(ChisoError::InvalidArgument("calibrate_maxima: rows of equal length with finite values".into()));
    }
    if pct.len() < k {
        return Err(ChisoError::InvalidArgument(format!("calibrate_maxima: {} rows for {k} maxima", pct.len())));
    }
    let x: Vec<Vec<f64>> = pct.iter().map(|r| r.iter().map(|v| v / 100.0).collect()).collect();
    let maxima = constrained_least_squares(&x, totals, total_max)
        .ok_or_else(|| ChisoError::InvalidArgument("the percentages are collinear: maxima not identifiable".into()))?;
    let residuals =
        x.iter().zip(totals).map(|(row, t)| t - row.iter().zip(&maxima).map(|(a, b)| a * b).sum::<f64>()).collect();
    Ok((maxima, residuals))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PAR 2017 maxima (par_index.md: sum 100) recovered from synthetic area percentages and totals.
    #[test]
    fn recovers_maxima_from_percentages() {
        let truth = [9.5, 10.0, 13.5, 10.5, 14.5, 13.5, 14.0, 14.5];
        let mut seed = 11u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            60.0 + 40.0 * ((seed >> 11) as f64 / (1u64 << 53) as f64)
        };
        let pct: Vec<Vec<f64>> = (0..20).map(|_| (0..8).map(|_| next()).collect()).collect();
        let totals: Vec<f64> = pct.iter().map(|r| r.iter().zip(&truth).map(|(p, m)| p / 100.0 * m).sum()).collect();
        let (maxima, residuals) = calibrate_maxima(&pct, &totals, 100.0).unwrap();
        for (a, b) in maxima.iter().zip(truth) {
            assert!((a - b).abs() < 1e-6, "{maxima:?}");
        }
        assert!(residuals.iter().all(|r| r.abs() < 1e-9));
        let few = calibrate_maxima(&pct[..3], &totals[..3], 100.0).map(|_| ()).unwrap_err();
        assert!(
            matches!(few, crate::ChisoError::InvalidArgument(ref m) if m.contains('3') && m.contains('8')),
            "{few:?}"
        );
    }
}

//! Variance-based sensitivity: first-order and total Sobol indices from a Saltelli design (two independent
//! N × d matrices A and B of uniforms, and for every input i the matrix AB_i = A with column i taken from B), with
//! bootstrap confidence intervals. Generic over the model, so the estimators are checked on the Ishigami function
//! (analytic indices) as well as used on the index.
//!
//! Estimators (Saltelli et al. 2010, "Variance based sensitivity analysis of model output", table 2), with
//! V = Var(f(A) ∪ f(B)) (population variance, as numpy's `var`):
//! * total, Jansen (1999): S_Ti = mean((f(A) − f(AB_i))²) / 2V;
//! * first order, Saltelli (2010): S_i = mean(f(B) · (f(AB_i) − f(A))) / V — the estimator of the numpy reference
//!   `ua_reference.py`, the default; or Jansen (1999): S_i = (V − mean((f(B) − f(AB_i))²) / 2) / V.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use crate::error::{ChisoError, Result};

/// Which first-order estimator (the total index is always Jansen's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FirstOrder {
    /// mean(f(B)·(f(AB_i) − f(A))) / V (Saltelli 2010), as the numpy reference computes it.
    #[default]
    Saltelli2010,
    /// (V − mean((f(B) − f(AB_i))²)/2) / V (Jansen 1999).
    Jansen,
}

impl FirstOrder {
    /// The estimator's name as written in results ("saltelli2010", "jansen").
    pub fn as_str(self) -> &'static str {
        match self {
            FirstOrder::Saltelli2010 => "saltelli2010",
            FirstOrder::Jansen => "jansen",
        }
    }
}

/// The indices of one input.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndex {
    /// Name of the uncertain input.
    pub input: String,
    /// First-order index: the share of the output's variance due to this input alone.
    pub first: f64,
    /// Lower end of the bootstrap interval of `first`.
    pub first_lower: f64,
    /// Upper end of the bootstrap interval of `first`.
    pub first_upper: f64,
    /// Total index: the share of the output's variance due to this input, interactions included.
    pub total: f64,
    /// Lower end of the bootstrap interval of `total`.
    pub total_lower: f64,
    /// Upper end of the bootstrap interval of `total`.
    pub total_upper: f64,
}

/// The result of [`sobol_indices`]: one row per input, and what produced them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sobol {
    /// One per uncertain input, in design column order.
    pub indices: Vec<SobolIndex>,
    /// Rows of A (and of B): the model ran N · (d + 2) times.
    pub n: usize,
    /// Model evaluations, N · (d + 2) for d inputs.
    pub evaluations: usize,
    /// Var(f(A) ∪ f(B)).
    pub variance: f64,
    /// Bootstrap resamples behind the intervals.
    pub bootstrap: usize,
    /// Level of the bootstrap percentile intervals (0.95).
    pub confidence: f64,
    /// The estimator of the first-order indices.
    pub first_order: FirstOrder,
}

/// A model evaluated over a block of design rows (row-major, one column per input) into one output per row.
pub type BlockModel<'a> = dyn Fn(&[f64], &mut [f64]) -> Result<()> + Sync + 'a;

/// Bootstrap resamples at most (each costs N · d).
pub const MAX_BOOTSTRAP: usize = 10_000;
/// Values a Saltelli design may hold, N · (2d + d + 2): A, B, one AB_i at a time and the model outputs (8 bytes
/// each, so 400 MB).
pub const MAX_DESIGN_VALUES: usize = 50_000_000;

/// A Saltelli design drawn from a seeded generator: (A, B), each N × d row-major uniforms in [0, 1).
pub fn saltelli_design(n: usize, d: usize, seed: u64) -> Result<(Vec<f64>, Vec<f64>)> {
    check_design_size(n, d)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let a: Vec<f64> = (0..n * d).map(|_| rng.random::<f64>()).collect();
    let b: Vec<f64> = (0..n * d).map(|_| rng.random::<f64>()).collect();
    Ok((a, b))
}

fn check_design_size(n: usize, d: usize) -> Result<()> {
    if n < 2 {
        return Err(ChisoError::argument("n", n, "a Saltelli design needs at least 2 rows"));
    }
    if d == 0 {
        return Err(ChisoError::argument("inputs", d, "nothing varies: give at least one uncertain input"));
    }
    let values = n.saturating_mul(3 * d + 2);
    if values > MAX_DESIGN_VALUES {
        return Err(ChisoError::argument(
            "n",
            n,
            format!(
                "a Saltelli design of {n} rows × {d} inputs holds {values} values, more than the limit of \
                 {MAX_DESIGN_VALUES} (400 MB); lower n"
            ),
        ));
    }
    Ok(())
}

/// First-order and total indices of `model` over the design (A, B), both N × d row-major. `model` evaluates a
/// block of rows (row-major, d columns) into one output per row; it is called with A, B and each AB_i.
/// `bootstrap` resamples (0 = no intervals: the bounds equal the estimate) with a seeded generator.
#[allow(clippy::too_many_arguments)]
pub fn sobol_indices(
    names: &[String],
    a: &[f64],
    b: &[f64],
    model: &BlockModel<'_>,
    bootstrap: usize,
    seed: u64,
    first_order: FirstOrder,
) -> Result<Sobol> {
    let d = names.len();
    if d == 0 {
        return Err(ChisoError::argument("inputs", 0, "nothing varies: give at least one uncertain input"));
    }
    if a.len() != b.len() || a.len() % d != 0 {
        return Err(ChisoError::argument(
            "design",
            format!("A {} values, B {} values", a.len(), b.len()),
            format!("A and B must both be N × {d} matrices (one column per input: {})", names.join(", ")),
        ));
    }
    let n = a.len() / d;
    check_design_size(n, d)?;
    if bootstrap > MAX_BOOTSTRAP {
        return Err(ChisoError::argument("bootstrap", bootstrap, format!("at most {MAX_BOOTSTRAP} resamples")));
    }
    for (label, m) in [("A", a), ("B", b)] {
        if let Some(v) = m.iter().find(|v| !(0.0..=1.0).contains(*v)) {
            return Err(ChisoError::argument(
                "design",
                v,
                format!("matrix {label} holds a value outside [0, 1]: a design holds uniforms in [0, 1]"),
            ));
        }
    }
    let mut ya = vec![0.0; n];
    let mut yb = vec![0.0; n];
    model(a, &mut ya)?;
    model(b, &mut yb)?;
    let mut yab = vec![vec![0.0; n]; d];
    let mut ab = a.to_vec();
    for (i, y) in yab.iter_mut().enumerate() {
        for r in 0..n {
            ab[r * d + i] = b[r * d + i];
        }
        model(&ab, y)?;
        for r in 0..n {
            ab[r * d + i] = a[r * d + i];
        }
    }
    if let Some(bad) = ya.iter().chain(&yb).chain(yab.iter().flatten()).find(|v| !v.is_finite()) {
        return Err(ChisoError::InvalidArgument(format!(
            "the model output is not a finite number in some run ({bad}): Sobol indices need an output defined for \
             every run"
        )));
    }
    let all: Vec<usize> = (0..n).collect();
    let (variance, point) = estimate(&ya, &yb, &yab, &all, first_order);
    if variance <= 0.0 {
        return Err(ChisoError::InvalidArgument(
            "the output does not vary over the design (variance 0): no input matters, Sobol indices are undefined"
                .into(),
        ));
    }
    // Bootstrap: resample the rows of the design (the same rows for A, B and every AB_i), in parallel, each
    // resample with its own seeded generator so the intervals do not depend on the number of threads.
    let resamples: Vec<Vec<(f64, f64)>> = (0..bootstrap)
        .into_par_iter()
        .map(|k| {
            let mut rng = StdRng::seed_from_u64(seed ^ (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            estimate(&ya, &yb, &yab, &rows, first_order).1
        })
        .collect();
    let confidence = 0.95;
    let indices = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut firsts: Vec<f64> = resamples.iter().map(|r| r[i].0).filter(|v| v.is_finite()).collect();
            let mut totals: Vec<f64> = resamples.iter().map(|r| r[i].1).filter(|v| v.is_finite()).collect();
            let (fl, fu) = interval(&mut firsts, point[i].0, confidence);
            let (tl, tu) = interval(&mut totals, point[i].1, confidence);
            SobolIndex {
                input: name.clone(),
                first: point[i].0,
                first_lower: fl,
                first_upper: fu,
                total: point[i].1,
                total_lower: tl,
                total_upper: tu,
            }
        })
        .collect();
    Ok(Sobol { indices, n, evaluations: n * (d + 2), variance, bootstrap, confidence, first_order })
}

/// Percentile interval of the bootstrap values (the estimate itself when there are none).
fn interval(values: &mut [f64], estimate: f64, level: f64) -> (f64, f64) {
    if values.is_empty() {
        return (estimate, estimate);
    }
    values.sort_unstable_by(f64::total_cmp);
    let alpha = (1.0 - level) / 2.0;
    // `values` is non-empty and both levels are in [0, 1], so the percentiles exist.
    let at = |p: f64| crate::engine::percentile_linear(values, p).unwrap_or(estimate);
    (at(alpha), at(1.0 - alpha))
}

/// (V, [(first, total)]) over the given rows.
fn estimate(
    ya: &[f64],
    yb: &[f64],
    yab: &[Vec<f64>],
    rows: &[usize],
    first_order: FirstOrder,
) -> (f64, Vec<(f64, f64)>) {
    let n = rows.len() as f64;
    let mean = rows.iter().map(|&r| ya[r] + yb[r]).sum::<f64>() / (2.0 * n);
    let variance = rows.iter().map(|&r| (ya[r] - mean).powi(2) + (yb[r] - mean).powi(2)).sum::<f64>() / (2.0 * n);
    let out = yab
        .iter()
        .map(|y| {
            let mut first = 0.0;
            let mut total = 0.0;
            for &r in rows {
                first += match first_order {
                    FirstOrder::Saltelli2010 => yb[r] * (y[r] - ya[r]),
                    FirstOrder::Jansen => (yb[r] - y[r]).powi(2),
                };
                total += (ya[r] - y[r]).powi(2);
            }
            let first = match first_order {
                FirstOrder::Saltelli2010 => first / n / variance,
                FirstOrder::Jansen => (variance - first / n / 2.0) / variance,
            };
            (first, total / n / (2.0 * variance))
        })
        .collect();
    (variance, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Ishigami: f = sin x1 + 7 sin² x2 + 0.1 x3⁴ sin x1, x_i ~ U(−π, π).
    fn ishigami(rows: &[f64], out: &mut [f64]) -> Result<()> {
        for (row, y) in rows.chunks_exact(3).zip(out.iter_mut()) {
            let x: Vec<f64> = row.iter().map(|u| -PI + 2.0 * PI * u).collect();
            *y = x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
        }
        Ok(())
    }

    /// Analytic indices (a = 7, b = 0.1): V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2, V2 = a²/8,
    /// V3 = 0, VT3 = V13 = b²π⁸(1/18 − 1/50).
    fn analytic() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let v = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
        let v1 = (1.0 + b * PI.powi(4) / 5.0).powi(2) / 2.0;
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let names: Vec<String> = ["x1", "x2", "x3"].iter().map(|s| s.to_string()).collect();
        let (a, b) = saltelli_design(20_000, 3, 7).unwrap();
        let (first, total) = analytic();
        for estimator in [FirstOrder::Saltelli2010, FirstOrder::Jansen] {
            let s = sobol_indices(&names, &a, &b, &ishigami, 300, 1, estimator).unwrap();
            for (i, idx) in s.indices.iter().enumerate() {
                assert!(
                    (idx.first - first[i]).abs() < 0.03,
                    "{estimator:?} S{} = {} vs {}",
                    i + 1,
                    idx.first,
                    first[i]
                );
                assert!((idx.total - total[i]).abs() < 0.03, "ST{} = {} vs {}", i + 1, idx.total, total[i]);
                // The analytic value lies within the bootstrap interval (allowing for the interval's own noise).
                assert!(idx.first_lower - 0.01 <= first[i] && first[i] <= idx.first_upper + 0.01, "{idx:?}");
                assert!(idx.total_lower - 0.01 <= total[i] && total[i] <= idx.total_upper + 0.01, "{idx:?}");
                assert!(idx.first_lower <= idx.first && idx.first <= idx.first_upper);
            }
            assert_eq!(s.evaluations, 20_000 * 5);
        }
    }

    #[test]
    fn a_constant_model_is_an_error_not_nan() {
        let names = vec!["x".to_string()];
        let (a, b) = saltelli_design(10, 1, 1).unwrap();
        let err = sobol_indices(
            &names,
            &a,
            &b,
            &|_, out: &mut [f64]| {
                out.fill(1.0);
                Ok(())
            },
            0,
            1,
            FirstOrder::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("variance 0"), "{err}");
    }

    #[test]
    fn bad_designs_name_the_argument() {
        let names = vec!["x".to_string(), "y".to_string()];
        let f = |_: &[f64], out: &mut [f64]| {
            out.fill(1.0);
            Ok(())
        };
        let e = sobol_indices(&names, &[0.5; 6], &[0.5; 4], &f, 0, 1, FirstOrder::default()).unwrap_err();
        assert!(matches!(e, ChisoError::Argument { ref argument, .. } if argument == "design"), "{e}");
        let e = sobol_indices(&names, &[0.5, 1.5, 0.2, 0.1], &[0.5; 4], &f, 0, 1, FirstOrder::default()).unwrap_err();
        assert!(e.to_string().contains("outside [0, 1]"), "{e}");
        let e = saltelli_design(100_000_000, 11, 1).unwrap_err();
        assert!(e.to_string().contains("limit of 50000000"), "{e}");
        let e = saltelli_design(1, 3, 1).unwrap_err();
        assert!(matches!(e, ChisoError::Argument { ref argument, .. } if argument == "n"), "{e}");
    }
}

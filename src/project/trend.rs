//! Trend projections (README §1.8): per province and node, a linear least-squares trend over the last `window`
//! comparable years and compound growth, with a 95% prediction interval, clamped to the node's scale, never across
//! an edition break unless asked; and, for the whole index, a rank distribution by simulation from those intervals.
//! Everything is DERIVED and labelled projected.

use crate::compare::{trajectory, Comparability};
use crate::engine::{competition_ranks, Scores};
use crate::error::{ChisoError, Result};
use crate::methodology::catalog;
use crate::provinces::Registry;

/// Options of [`trend`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendOptions {
    /// How many of the latest years with values to fit (at least 2; 3 for an interval).
    pub window: usize,
    /// Use years before the last break too, and allow a target year in another edition (explicit opt-in).
    pub across_breaks: bool,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions { window: 5, across_breaks: false }
    }
}

/// One projection.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub province_code: String,
    pub province: String,
    pub node: String,
    pub target_year: i32,
    pub n_years: usize,
    pub first_year: i32,
    pub last_year: i32,
    pub last_value: f64,
    /// Linear trend: slope per year and the projected value with its 95% prediction interval.
    pub slope: f64,
    pub linear: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    /// Compound annual growth over the window and the value it projects (None for non-positive values).
    pub cagr: Option<f64>,
    pub compound: Option<f64>,
    /// 95% prediction interval of compound growth: the linear fit of ln(value), its interval taken back by exp.
    pub compound_lower: Option<f64>,
    pub compound_upper: Option<f64>,
    /// The linear projection or its interval met the node's scale and was clamped.
    pub clamped: bool,
}

/// Two-sided 97.5% quantiles of Student's t for 1–30 degrees of freedom; 1.96 beyond.
fn t_quantile(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        f64::NAN
    } else {
        T.get(df - 1).copied().unwrap_or(1.96)
    }
}

/// Project `node` of `province` to `target_year`.
pub fn trend(
    scores: &Scores,
    province: &str,
    node: &str,
    target_year: i32,
    options: &TrendOptions,
) -> Result<TrendPoint> {
    let series = trajectory(scores, province, node, None, None, options.across_breaks)?;
    let last_break = series
        .iter()
        .rposition(|p| matches!(p.comparability, Some(Comparability::CrossEdition | Comparability::SuspectedBreak)));
    let usable: Vec<_> = series
        .iter()
        .enumerate()
        .filter(|(i, p)| p.value.is_some() && (options.across_breaks || last_break.is_none_or(|b| *i >= b)))
        .map(|(_, p)| p)
        .collect();
    let window: Vec<_> = usable.iter().rev().take(options.window.max(2)).rev().copied().collect();
    let Some(last) = window.last() else {
        return Err(ChisoError::InvalidArgument(format!("no values of {node:?} for {province} to project")));
    };
    if window.len() < 2 {
        return Err(ChisoError::InvalidArgument(format!(
            "{}: only {} comparable year(s) since the last break ({}); a trend needs 2 (pass across_breaks to use \\
             earlier editions)",
            last.province,
            window.len(),
            last.year
        )));
    }
    if target_year <= last.year {
        return Err(ChisoError::InvalidArgument(format!("target year {target_year} is not after {}", last.year)));
    }
    // The target year's edition must be the series' own unless crossing is asked for (README §1.8).
    let index = last.edition.split('.').next().unwrap_or_default();
    let base_code = last.edition.split('+').next().unwrap_or(&last.edition);
    if !options.across_breaks {
        match catalog().for_year(index, target_year) {
            Ok(m) if m.code == base_code => {}
            Ok(m) => {
                return Err(ChisoError::InvalidArgument(format!(
                    "data year {target_year} is scored with {}, not {}: projecting across an edition break needs \\
                     across_breaks",
                    m.code, last.edition
                )))
            }
            Err(e) if catalog().index(index).is_ok() => return Err(e),
            Err(_) => {} // a user's own methodology: no catalog to check against
        }
    }
    let n = window.len() as f64;
    let t: Vec<f64> = window.iter().map(|p| f64::from(p.year)).collect();
    let y: Vec<f64> = window.iter().map(|p| p.value.unwrap_or(f64::NAN)).collect();
    let t_mean = t.iter().sum::<f64>() / n;
    let y_mean = y.iter().sum::<f64>() / n;
    let sxx: f64 = t.iter().map(|ti| (ti - t_mean).powi(2)).sum();
    let slope = t.iter().zip(&y).map(|(ti, yi)| (ti - t_mean) * (yi - y_mean)).sum::<f64>() / sxx;
    let intercept = y_mean - slope * t_mean;
    let target = f64::from(target_year);
    let mut linear = intercept + slope * target;
    let (mut lower, mut upper) = if window.len() >= 3 {
        let sse: f64 = t.iter().zip(&y).map(|(ti, yi)| (yi - intercept - slope * ti).powi(2)).sum();
        let s = (sse / (n - 2.0)).sqrt();
        let half = t_quantile(window.len() - 2) * s * (1.0 + 1.0 / n + (target - t_mean).powi(2) / sxx).sqrt();
        (Some(linear - half), Some(linear + half))
    } else {
        (None, None)
    };
    let first = window[0];
    let (v0, v1) = (first.value.unwrap_or(f64::NAN), last.value.unwrap_or(f64::NAN));
    let years = f64::from(last.year - first.year);
    let cagr = (v0 > 0.0 && v1 > 0.0 && years > 0.0).then(|| (v1 / v0).powf(1.0 / years) - 1.0);
    let mut compound = cagr.map(|g| v1 * (1.0 + g).powf(target - f64::from(last.year)));
    let (mut compound_lower, mut compound_upper) = (None, None);
    if window.len() >= 3 && y.iter().all(|v| *v > 0.0) {
        let ly: Vec<f64> = y.iter().map(|v| v.ln()).collect();
        let ly_mean = ly.iter().sum::<f64>() / n;
        let b = t.iter().zip(&ly).map(|(ti, yi)| (ti - t_mean) * (yi - ly_mean)).sum::<f64>() / sxx;
        let a = ly_mean - b * t_mean;
        let sse: f64 = t.iter().zip(&ly).map(|(ti, yi)| (yi - a - b * ti).powi(2)).sum();
        let s = (sse / (n - 2.0)).sqrt();
        let half = t_quantile(window.len() - 2) * s * (1.0 + 1.0 / n + (target - t_mean).powi(2) / sxx).sqrt();
        let centre = a + b * target;
        compound_lower = Some((centre - half).exp());
        compound_upper = Some((centre + half).exp());
    }
    let registry = Registry::get();
    let me = registry.find(province)?;
    let scale = scores
        .units()
        .iter()
        .find(|u| u.year == last.year && registry.all()[u.province].code == me.code)
        .and_then(|u| scores.edition(u.edition).node(node))
        .and_then(|n| n.scale);
    let mut clamped = false;
    if let Some((lo, hi)) = scale {
        let mut clamp = |v: &mut f64| {
            if *v < lo || *v > hi {
                *v = v.clamp(lo, hi);
                clamped = true;
            }
        };
        clamp(&mut linear);
        if let Some(v) = lower.as_mut() {
            clamp(v);
        }
        if let Some(v) = upper.as_mut() {
            clamp(v);
        }
        for v in [compound.as_mut(), compound_lower.as_mut(), compound_upper.as_mut()].into_iter().flatten() {
            *v = v.clamp(lo, hi);
        }
    }
    Ok(TrendPoint {
        province_code: last.province_code.clone(),
        province: last.province.clone(),
        node: last.node.clone(),
        target_year,
        n_years: window.len(),
        first_year: first.year,
        last_year: last.year,
        last_value: v1,
        slope,
        linear,
        lower,
        upper,
        cagr,
        compound,
        compound_lower,
        compound_upper,
        clamped,
    })
}

/// A province's projected rank, from simulating every province's trend.
#[derive(Debug, Clone, PartialEq)]
pub struct RankOutlook {
    pub province_code: String,
    pub province: String,
    pub projected: f64,
    pub mean_rank: f64,
    pub rank_p05: u32,
    pub rank_median: u32,
    pub rank_p95: u32,
    pub n_ranked: u32,
}

/// Every province's total projected to `target_year` with its linear trend, and the distribution of ranks when
/// each total is drawn from a normal distribution matching its 95% prediction interval (`draws` simulations,
/// deterministic for a `seed`). Provinces whose series cannot be projected are left out (and counted in none).
pub fn rank_outlook(
    scores: &Scores,
    target_year: i32,
    options: &TrendOptions,
    draws: usize,
    seed: u64,
) -> Result<Vec<RankOutlook>> {
    // Checked before anything is allocated: draws × provinces ranks are held at once.
    crate::limits::check_count("draws", draws, crate::limits::MAX_DRAWS)?;
    let registry = Registry::get();
    let last_year = scores.units().iter().map(|u| u.year).max().unwrap_or(0);
    let provinces: Vec<String> = scores
        .units()
        .iter()
        .filter(|u| u.year == last_year)
        .map(|u| registry.all()[u.province].code.clone())
        .collect();
    let mut projected = Vec::new();
    for p in &provinces {
        if let Ok(t) = trend(scores, p, "", target_year, options) {
            // σ of the predictive distribution from the interval's half-width (t quantile), 0 without one.
            let sigma = match (t.lower, t.upper) {
                (Some(lo), Some(hi)) => (hi - lo) / 2.0 / t_quantile(t.n_years.saturating_sub(2).max(1)),
                _ => 0.0,
            };
            projected.push((t, sigma));
        }
    }
    if projected.is_empty() {
        return Err(ChisoError::InvalidArgument(format!("no province's total can be projected to {target_year}")));
    }
    let m = scores.edition(scores.units().iter().find(|u| u.year == last_year).map_or(0, |u| u.edition));
    let mut state = seed | 1;
    let mut uniform = || {
        // xorshift64*: small, fast and reproducible; enough for a rank simulation.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        ((state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let mut ranks: Vec<Vec<u32>> = vec![Vec::with_capacity(draws); projected.len()];
    let mut column = vec![0.0; projected.len()];
    for _ in 0..draws {
        for (j, (t, sigma)) in projected.iter().enumerate() {
            // Box–Muller.
            let z = (-2.0 * uniform().ln()).sqrt() * (2.0 * std::f64::consts::PI * uniform()).cos();
            column[j] = t.linear + sigma * z;
        }
        for (j, r) in competition_ranks(&column, m.ranking.precision).into_iter().enumerate() {
            ranks[j].push(r.unwrap_or(0));
        }
    }
    Ok(projected
        .iter()
        .zip(ranks)
        .map(|((t, _), mut r)| {
            r.sort_unstable();
            let q = |p: f64| r[((r.len() - 1) as f64 * p).round() as usize];
            RankOutlook {
                province_code: t.province_code.clone(),
                province: t.province.clone(),
                projected: t.linear,
                mean_rank: r.iter().map(|&x| f64::from(x)).sum::<f64>() / r.len() as f64,
                rank_p05: q(0.05),
                rank_median: q(0.5),
                rank_p95: q(0.95),
                n_ranked: projected.len() as u32,
            }
        })
        .collect())
}

//! Trend projections (README §1.8): per province and node, a linear least-squares trend over the last `window`
//! comparable years and compound growth, with a 95% prediction interval, clamped to the node's scale, never across
//! an edition break unless asked; and, for the whole index, a rank distribution by simulation from those intervals.
//! Everything is DERIVED and labelled projected.
//!
//! Honest labels (issue 9 §1): a target year after the last published edition assumes the latest edition continues
//! (`edition_status = assumed`) unless the user names one (`chosen`); every fit lists the years and editions it
//! used and refuses a window that mixes scales unless told how to bridge them; a year after the 2025 merger is
//! projected on a named map — the 63 provinces as a counterfactual, or the 34 units through a merge rule.

use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::compare::{trajectory, Comparability, MergeRule};
use crate::engine::{competition_ranks, Scores};
use crate::error::{ChisoError, Result};
use crate::methodology::{catalog, Methodology, Status};
use crate::provinces::{Geography, Province, Registry};

/// The first data year of the 34-unit map (Resolution 202/2025/QH15, in force from 1 July 2025).
pub const MERGER_YEAR: i32 = 2025;

/// How a fit window whose editions put the node on different scales is made one series (an explicit choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bridge {
    /// Map each edition's scale linearly onto the latest edition's: v' = lo' + (v − lo)·(hi' − lo')/(hi − lo).
    Rescale,
    /// Fit the published values as they are (the user accepts the jump between scales).
    AsPublished,
}

named_enum!(Bridge, "bridge" { Rescale => "rescale", AsPublished => "as_published" });

/// Which edition scores the target year, and how chiso knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditionStatus {
    /// The catalog's edition for that year.
    InForce,
    /// The year is after every published edition: the latest one is assumed to continue.
    Assumed,
    /// Named by the user.
    Chosen,
}

named_enum!(EditionStatus, "edition status" { InForce => "in_force", Assumed => "assumed", Chosen => "chosen" });

/// The map a projection is on.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MapUsed {
    /// The map projected on.
    pub map: Geography,
    /// The 63-province map for a year after the merger: a counterfactual (the provinces no longer exist).
    pub counterfactual: bool,
    /// For the 34-unit map: the rule that made each unit's series from its members' (and its status: official
    /// for the publisher's own rule, user_supplied for the user's choice).
    pub merge_rule: Option<(MergeRule, Status)>,
}

impl MapUsed {
    /// "in_force", "counterfactual" or "merged".
    pub fn status(&self) -> &'static str {
        match (self.map, self.counterfactual) {
            (Geography::Units2025, _) => "merged",
            (_, true) => "counterfactual",
            _ => "in_force",
        }
    }
}

/// Options of [`trend`] and [`rank_outlook`].
#[derive(Debug, Clone, PartialEq)]
pub struct TrendOptions {
    /// How many of the latest years with values to fit (at least 2; 3 for an interval).
    pub window: usize,
    /// Use years before the last break too, and allow a target year in another edition (explicit opt-in).
    pub across_breaks: bool,
    /// How to bridge a window whose editions put the node on different scales; None = refuse such a window.
    pub bridge: Option<Bridge>,
    /// The edition that scores the target year, by code; None = the catalog's, or the latest assumed to continue.
    pub edition: Option<String>,
    /// The map to project on; None = the map the province's name means in the target year ("Vĩnh Long" in 2025
    /// is the merged unit, "Trà Vinh" the pre-merger province, a counterfactual after 2024).
    pub map: Option<Geography>,
    /// The rule that makes a 2025 unit's series from its members'; None = the index's published rule (DTI only).
    pub merge_rule: Option<MergeRule>,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions { window: 5, across_breaks: false, bridge: None, edition: None, map: None, merge_rule: None }
    }
}

impl TrendOptions {
    /// Refuse a window no line can be fitted on.
    pub fn check(&self) -> Result<()> {
        if self.window < 2 {
            return Err(ChisoError::InvalidArgument(format!(
                "window={}: a trend needs at least 2 years (3 for a prediction interval)",
                self.window
            )));
        }
        Ok(())
    }
}

/// One projection.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct TrendPoint {
    /// GSO code of the province (or 2025 unit).
    pub province_code: String,
    /// Vietnamese name of the province, with diacritics.
    pub province: String,
    /// The node projected.
    pub node: String,
    /// The year projected to.
    pub target_year: i32,
    /// Number of years fitted.
    pub n_years: usize,
    /// First year fitted.
    pub first_year: i32,
    /// Last year fitted.
    pub last_year: i32,
    /// The years and editions the fit used, oldest first.
    pub years: Vec<i32>,
    /// The edition of each year fitted, oldest first.
    pub editions: Vec<String>,
    /// How a window mixing scales was bridged (None: one scale throughout).
    pub bridge: Option<Bridge>,
    /// The edition that scores the target year and how chiso knows it.
    pub edition: String,
    /// Whether that edition is in force, assumed or chosen.
    pub edition_status: EditionStatus,
    /// The map the projection is on.
    pub map: MapUsed,
    /// The value in the last year fitted.
    pub last_value: f64,
    /// Linear trend: slope per year and the projected value with its 95% prediction interval.
    pub slope: f64,
    /// The linear trend's value at the target year.
    pub linear: f64,
    /// Lower end of the 95% prediction interval.
    pub lower: Option<f64>,
    /// Upper end of the 95% prediction interval.
    pub upper: Option<f64>,
    /// Standard error of the prediction at the target year, before any clamping to the scale: the scale of the
    /// Student t predictive distribution with `n_years − 2` degrees of freedom behind `lower`/`upper` (None with
    /// fewer than 3 years).
    pub prediction_se: Option<f64>,
    /// Compound annual growth over the window and the value it projects (None for non-positive values).
    pub cagr: Option<f64>,
    /// The value at the target year under compound growth at the fitted rate.
    pub compound: Option<f64>,
    /// 95% prediction interval of compound growth: the linear fit of ln(value), its interval taken back by exp.
    pub compound_lower: Option<f64>,
    /// Upper end of the compound-growth interval.
    pub compound_upper: Option<f64>,
    /// The linear projection or its interval met the node's scale and was clamped.
    pub clamped: bool,
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (the half-width factor of a two-sided 95%
/// interval); NaN for df = 0.
pub(crate) fn t_quantile(df: usize) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64).map_or(f64::NAN, |t| t.inverse_cdf(0.975))
}

/// The index a result scores (its first edition's).
fn index_of(scores: &Scores) -> String {
    scores.editions().next().map(|m| m.index.clone()).unwrap_or_default()
}

/// The unit a projection is about: the province's name read in the target year, moved to the map asked for
/// (a pre-merger province's successor on the 34-unit map).
pub fn resolve_unit(province: &str, target_year: i32, map: Option<Geography>) -> Result<&'static Province> {
    let registry = Registry::get();
    let named = registry.find_for_year(province, target_year)?;
    if map == Some(Geography::Provinces63) && named.geography == Geography::Units2025 {
        // A name of both maps ("Vĩnh Long") asked for on the 63-province map: the pre-merger province.
        if let Some(&i) =
            registry.candidates(province)?.iter().find(|&&i| registry.all()[i].geography == Geography::Provinces63)
        {
            return Ok(&registry.all()[i]);
        }
    }
    match (map, named.geography) {
        (None, _) | (Some(Geography::Provinces63), Geography::Provinces63) => Ok(named),
        (Some(Geography::Units2025), Geography::Units2025) => Ok(named),
        (Some(Geography::Units2025), Geography::Provinces63) => registry
            .all()
            .iter()
            .find(|u| u.geography == Geography::Units2025 && u.members.contains(&named.code))
            .ok_or_else(|| {
                ChisoError::InvalidArgument(format!("{} has no successor among the 34 units of 2025", named.name_vi))
            }),
        (Some(Geography::Provinces63), Geography::Units2025) => {
            let members: Vec<&str> = named
                .members
                .iter()
                .filter_map(|c| registry.all().iter().find(|p| &p.code == c))
                .map(|p| p.name_vi.as_str())
                .collect();
            Err(ChisoError::InvalidArgument(format!(
                "{} ({target_year}) is a unit of the 34-unit map; on the 63-province map name one of its members: {}",
                named.name_vi,
                members.join(", ")
            )))
        }
    }
}

/// The merge rule for the 34-unit map: the user's (user_supplied) or the index's published one (DTI's, official).
pub fn merge_rule_for(index: &str, chosen: Option<MergeRule>) -> Result<(MergeRule, Status)> {
    if let Some(rule) = chosen {
        let official = catalog().index_merge_rule(index).filter(|(r, _)| *r == rule);
        return Ok(official.unwrap_or((rule, Status::UserSupplied)));
    }
    catalog().index_merge_rule(index).ok_or_else(|| {
        ChisoError::InvalidArgument(format!(
            "{index} publishes no rule for the 34 units of 2025 (only DTI does): pass merge_rule=\"member_mean\" \
             (the mean of the member provinces; your choice, labelled user_supplied) or project on the 63-province \
             map (map=\"provinces_63\", a counterfactual)"
        ))
    })
}

/// One year of the series a trend is fitted on.
#[derive(Debug, Clone)]
struct SeriesPoint {
    year: i32,
    edition: String,
    node: String,
    value: f64,
    comparability: Option<Comparability>,
    province: String,
}

fn own_series(scores: &Scores, code: &str, node: &str, across_breaks: bool) -> Result<Vec<SeriesPoint>> {
    Ok(trajectory(scores, code, node, None, None, across_breaks)?
        .into_iter()
        .filter_map(|p| {
            p.value.map(|value| SeriesPoint {
                year: p.year,
                edition: p.edition,
                node: p.node,
                value,
                comparability: p.comparability,
                province: p.province,
            })
        })
        .collect())
}

/// A unit's series: the province's own; for a 2025 unit, its own values where the data holds them (DTI 2024
/// was published for the units) and otherwise the merge rule over its members' values of that year (a year
/// where a member has no value is left out, never averaged over fewer members).
fn unit_series(
    scores: &Scores,
    unit: &Province,
    node: &str,
    across_breaks: bool,
    rule: Option<MergeRule>,
) -> Result<Vec<SeriesPoint>> {
    if unit.geography == Geography::Provinces63 {
        return own_series(scores, &unit.code, node, across_breaks);
    }
    let own = own_series(scores, &unit.code, node, across_breaks).unwrap_or_default();
    let mut members = Vec::new();
    for code in &unit.members {
        members.push(own_series(scores, code, node, across_breaks)?);
    }
    let Some(first) = members.first() else { return Ok(own) };
    let mut out: Vec<SeriesPoint> = Vec::new();
    for p in first {
        if let Some(o) = own.iter().find(|o| o.year == p.year) {
            out.push(o.clone());
            continue;
        }
        let values: Option<Vec<f64>> =
            members.iter().map(|s| s.iter().find(|q| q.year == p.year).map(|q| q.value)).collect();
        let (Some(values), Some(rule)) = (values, rule) else { continue };
        let value = match rule {
            MergeRule::MemberMean => values.iter().sum::<f64>() / values.len() as f64,
        };
        out.push(SeriesPoint { value, province: unit.name_vi.clone(), ..p.clone() });
    }
    for o in &own {
        if !out.iter().any(|p| p.year == o.year) {
            out.push(o.clone());
        }
    }
    out.sort_by_key(|p| p.year);
    Ok(out)
}

fn edition_by_code<'a>(scores: &'a Scores, code: &str) -> Option<&'a Methodology> {
    scores.editions().find(|m| m.code == code).or_else(|| catalog().edition(code).ok())
}

/// The edition that scores `target_year` for a series whose last edition is `last_edition`, and its status.
pub fn target_edition(
    index: &str,
    last_edition: &str,
    target_year: i32,
    options: &TrendOptions,
) -> Result<(String, EditionStatus)> {
    let base_code = last_edition.split('+').next().unwrap_or(last_edition);
    let crossing = |code: &str| {
        ChisoError::InvalidArgument(format!(
            "data year {target_year} is scored with {code}, not {last_edition}: projecting across an edition break \
             needs across_breaks"
        ))
    };
    if let Some(code) = &options.edition {
        let m = catalog().edition(code)?;
        if m.index != index {
            return Err(ChisoError::InvalidArgument(format!("edition {code:?} is not an edition of {index}")));
        }
        if m.code != base_code && !options.across_breaks {
            return Err(crossing(&m.code));
        }
        let label = if m.code == base_code { last_edition.to_string() } else { m.code.clone() };
        return Ok((label, EditionStatus::Chosen));
    }
    if catalog().index(index).is_err() {
        // A user's own methodology: no catalog says which edition the future has.
        return Ok((last_edition.to_string(), EditionStatus::Assumed));
    }
    match catalog().for_year(index, target_year) {
        Ok(m) if m.code == base_code => Ok((last_edition.to_string(), EditionStatus::InForce)),
        Ok(m) if options.across_breaks => Ok((m.code.clone(), EditionStatus::InForce)),
        Ok(m) => Err(crossing(&m.code)),
        Err(e) => {
            let editions = catalog().editions_of(index);
            let Some(latest) = editions.last() else { return Err(e) };
            if latest.last_year.is_none_or(|l| target_year <= l) {
                return Err(e); // a gap between editions, not the future
            }
            if latest.code == base_code {
                Ok((last_edition.to_string(), EditionStatus::Assumed))
            } else if options.across_breaks {
                Ok((latest.code.clone(), EditionStatus::Assumed))
            } else {
                Err(ChisoError::InvalidArgument(format!(
                    "data year {target_year} is after every published edition: the latest, {}, would be assumed, but \
                     the series ends on {last_edition}; projecting across an edition break needs across_breaks",
                    latest.code
                )))
            }
        }
    }
}

/// A node's (scale, maximum) in one edition.
type ScaleOf = (Option<(f64, f64)>, Option<f64>);

/// (scale, maximum) of `node` (its path) in an edition.
fn scale_of(scores: &Scores, edition: &str, node: &str) -> ScaleOf {
    edition_by_code(scores, edition).and_then(|m| m.node(node)).map_or((None, None), |n| (n.scale, n.max_value()))
}

/// Project `node` of `province` to `target_year`.
pub fn trend(
    scores: &Scores,
    province: &str,
    node: &str,
    target_year: i32,
    options: &TrendOptions,
) -> Result<TrendPoint> {
    options.check()?;
    let unit = resolve_unit(province, target_year, options.map)?;
    let index = index_of(scores);
    let merge_rule =
        if unit.geography == Geography::Units2025 { Some(merge_rule_for(&index, options.merge_rule)?) } else { None };
    let series = unit_series(scores, unit, node, options.across_breaks, merge_rule.map(|r| r.0))?;
    let map = MapUsed {
        map: unit.geography,
        counterfactual: unit.geography == Geography::Provinces63 && target_year >= MERGER_YEAR,
        merge_rule,
    };
    fit(scores, &index, unit, node, &series, target_year, options, map)
}

#[allow(clippy::too_many_arguments)]
fn fit(
    scores: &Scores,
    index: &str,
    unit: &Province,
    node: &str,
    series: &[SeriesPoint],
    target_year: i32,
    options: &TrendOptions,
    map: MapUsed,
) -> Result<TrendPoint> {
    let last_break = series
        .iter()
        .rposition(|p| matches!(p.comparability, Some(Comparability::CrossEdition | Comparability::SuspectedBreak)));
    let usable: Vec<&SeriesPoint> = series
        .iter()
        .enumerate()
        .filter(|(i, _)| options.across_breaks || last_break.is_none_or(|b| *i >= b))
        .map(|(_, p)| p)
        .collect();
    let window: Vec<&SeriesPoint> = usable.iter().rev().take(options.window).rev().copied().collect();
    let Some(last) = window.last().copied() else {
        return Err(ChisoError::InvalidArgument(format!(
            "no values of {node:?} for {} ({}) to project",
            unit.name_vi, unit.code
        )));
    };
    if window.len() < 2 {
        return Err(ChisoError::InvalidArgument(format!(
            "{}: only {} comparable year(s) since the last break ({}); a trend needs 2 (pass across_breaks to use \
             earlier editions)",
            last.province,
            window.len(),
            last.year
        )));
    }
    if target_year <= last.year {
        return Err(ChisoError::InvalidArgument(format!("target year {target_year} is not after {}", last.year)));
    }
    let (edition, edition_status) = target_edition(index, &last.edition, target_year, options)?;
    // One scale across the window, or the user's bridge between scales.
    let (last_scale, last_max) = scale_of(scores, &last.edition, &last.node);
    let scales: Vec<ScaleOf> = window.iter().map(|p| scale_of(scores, &p.edition, &p.node)).collect();
    let mixed = scales.iter().any(|s| *s != (last_scale, last_max));
    let bridge = if mixed { options.bridge } else { None };
    let describe = |(s, m): ScaleOf| match (s, m) {
        (Some((lo, hi)), _) => format!("{lo}–{hi}"),
        (None, Some(m)) => format!("0–{m} points"),
        (None, None) => "an unknown scale".into(),
    };
    let range = |(s, m): ScaleOf| s.or(m.map(|m| (0.0, m)));
    let mut y: Vec<f64> = window.iter().map(|p| p.value).collect();
    if mixed {
        let listing: Vec<String> =
            window.iter().zip(&scales).map(|(p, s)| format!("{} {} on {}", p.year, p.edition, describe(*s))).collect();
        match bridge {
            None => {
                return Err(ChisoError::InvalidArgument(format!(
                    "the fit window mixes scales ({}): pass bridge=\"rescale\" (map each edition's scale linearly \
                     onto {}'s) or bridge=\"as_published\" (fit the published values as they are), or shorten the \
                     window",
                    listing.join("; "),
                    last.edition
                )))
            }
            Some(Bridge::Rescale) => {
                let to = range((last_scale, last_max)).ok_or_else(|| {
                    ChisoError::InvalidArgument(format!(
                        "bridge=\"rescale\" needs the scale of {node:?} in {}, which is unknown",
                        last.edition
                    ))
                })?;
                for (v, s) in y.iter_mut().zip(&scales) {
                    let from = range(*s).ok_or_else(|| {
                        ChisoError::InvalidArgument(format!(
                            "bridge=\"rescale\" needs every edition's scale: unknown in {}",
                            listing.join("; ")
                        ))
                    })?;
                    *v = to.0 + (*v - from.0) * (to.1 - to.0) / (from.1 - from.0);
                }
            }
            Some(Bridge::AsPublished) => {}
        }
    }
    let n = window.len() as f64;
    let t: Vec<f64> = window.iter().map(|p| f64::from(p.year)).collect();
    let t_mean = t.iter().sum::<f64>() / n;
    let y_mean = y.iter().sum::<f64>() / n;
    let sxx: f64 = t.iter().map(|ti| (ti - t_mean).powi(2)).sum();
    let slope = t.iter().zip(&y).map(|(ti, yi)| (ti - t_mean) * (yi - y_mean)).sum::<f64>() / sxx;
    let intercept = y_mean - slope * t_mean;
    let target = f64::from(target_year);
    let mut linear = intercept + slope * target;
    let prediction_se = (window.len() >= 3).then(|| {
        let sse: f64 = t.iter().zip(&y).map(|(ti, yi)| (yi - intercept - slope * ti).powi(2)).sum();
        let s = (sse / (n - 2.0)).sqrt();
        s * (1.0 + 1.0 / n + (target - t_mean).powi(2) / sxx).sqrt()
    });
    let (mut lower, mut upper) = match prediction_se {
        Some(se) => {
            let half = t_quantile(window.len() - 2) * se;
            (Some(linear - half), Some(linear + half))
        }
        None => (None, None),
    };
    let first = window[0];
    let (v0, v1) = (y[0], y[y.len() - 1]);
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
    let mut clamped = false;
    if let Some((lo, hi)) = last_scale {
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
        province_code: unit.code.clone(),
        province: unit.name_vi.clone(),
        node: last.node.clone(),
        target_year,
        n_years: window.len(),
        first_year: first.year,
        last_year: last.year,
        years: window.iter().map(|p| p.year).collect(),
        editions: window.iter().map(|p| p.edition.clone()).collect(),
        bridge,
        edition,
        edition_status,
        map,
        last_value: v1,
        slope,
        linear,
        lower,
        upper,
        prediction_se,
        cagr,
        compound,
        compound_lower,
        compound_upper,
        clamped,
    })
}

/// A province's projected rank, from simulating every province's trend.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct RankOutlook {
    /// GSO code of the province (or 2025 unit).
    pub province_code: String,
    /// Vietnamese name of the province, with diacritics.
    pub province: String,
    /// The projected total.
    pub projected: f64,
    /// The rank distribution over the publisher's field (mean, 5th percentile, median, 95th percentile): None
    /// unless every unit of the field was projected (`field_status` full_field).
    pub mean_rank: Option<f64>,
    /// 5th percentile of the simulated ranks over the field.
    pub rank_p05: Option<u32>,
    /// Median simulated rank over the field.
    pub rank_median: Option<u32>,
    /// 95th percentile of the simulated ranks over the field.
    pub rank_p95: Option<u32>,
    /// The same distribution among the `n_ranked` units projected, whatever set that is: 5th percentile.
    pub rank_within_p05: u32,
    /// Median rank among the units projected.
    pub rank_within_median: u32,
    /// 95th percentile of the rank among the units projected.
    pub rank_within_p95: u32,
    /// How many units were projected and ranked, of the `n_field` units the publisher ranks on that map (the 34
    /// units for the 2025 map).
    pub n_ranked: u32,
    /// Number of units in the map's field.
    pub n_field: u32,
    /// Whether every unit of the field was projected (the field ranks exist only then).
    pub field_status: crate::engine::FieldStatus,
    /// The province's own fit: its years and editions.
    pub years: Vec<i32>,
    /// The edition of each year fitted, oldest first.
    pub editions: Vec<String>,
    /// The year projected to.
    pub target_year: i32,
    /// The edition that scores the target year.
    pub edition: String,
    /// Whether that edition is in force, assumed or chosen.
    pub edition_status: EditionStatus,
    /// The map the projection is on.
    pub map: MapUsed,
}

/// The map a rank outlook is on when the user names none: the map of the latest data year's units (the 63
/// provinces if it holds both, as DTI 2024 does).
fn default_map(scores: &Scores) -> Geography {
    let registry = Registry::get();
    let last_year = scores.units().iter().map(|u| u.year).max().unwrap_or(0);
    let on_units = scores
        .units()
        .iter()
        .filter(|u| u.year == last_year)
        .all(|u| registry.all()[u.province].geography == Geography::Units2025);
    if on_units {
        Geography::Units2025
    } else {
        Geography::Provinces63
    }
}

/// Every unit's total projected to `target_year` with its linear trend, on one map (`options.map`, else the
/// latest data year's), and the distribution of ranks when each total is drawn from a normal distribution matching
/// its 95% prediction interval (`draws` simulations, deterministic for a `seed`). The field is the map's units in
/// the latest data year on that map (for the 34 units: all of them, each from its members through the merge
/// rule); a unit whose series cannot be projected is left out and counted in `n_ranked` < `n_field`. The rank
/// distribution is given only over the publisher's full field (`rank_*`); `rank_within_*` is among the units
/// projected.
pub fn rank_outlook(
    scores: &Scores,
    target_year: i32,
    options: &TrendOptions,
    draws: usize,
    seed: u64,
) -> Result<Vec<RankOutlook>> {
    options.check()?;
    // Checked before anything is allocated: draws × provinces ranks are held at once.
    crate::limits::check_count("draws", draws, crate::limits::MAX_DRAWS)?;
    let registry = Registry::get();
    let map = options.map.unwrap_or_else(|| default_map(scores));
    // The units projected and the size of the field the publisher ranks: all 34 units; on the 63-province map the
    // provinces of the latest year on that map and the publisher's field of that year (PAPI: those surveyed).
    let (field, n_field): (Vec<String>, usize) = match map {
        Geography::Units2025 => {
            let units: Vec<String> =
                registry.all().iter().filter(|p| p.geography == Geography::Units2025).map(|p| p.code.clone()).collect();
            let n = units.len();
            (units, n)
        }
        Geography::Provinces63 => {
            let on_map = |k: &usize| registry.all()[scores.units()[*k].province].geography == Geography::Provinces63;
            let last_year = (0..scores.units().len()).filter(on_map).map(|k| scores.units()[k].year).max().unwrap_or(0);
            let latest: Vec<usize> =
                (0..scores.units().len()).filter(on_map).filter(|&k| scores.units()[k].year == last_year).collect();
            let n = latest.first().map_or(0, |&k| scores.field_size_at(k, 0) as usize).max(latest.len());
            (latest.iter().map(|&k| registry.all()[scores.units()[k].province].code.clone()).collect(), n)
        }
    };
    let options = TrendOptions { map: Some(map), ..options.clone() };
    let mut projected = Vec::new();
    let mut first_error = None;
    for p in &field {
        match trend(scores, p, "", target_year, &options) {
            Ok(t) => {
                // σ of the predictive distribution from the interval's half-width (t quantile), 0 without one.
                let sigma = match (t.lower, t.upper) {
                    (Some(lo), Some(hi)) => (hi - lo) / 2.0 / t_quantile(t.n_years.saturating_sub(2).max(1)),
                    _ => 0.0,
                };
                projected.push((t, sigma));
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if projected.is_empty() {
        return Err(match first_error {
            // The reason is the same for every unit (an edition break, a missing merge rule): say it.
            Some(e) => e,
            None => ChisoError::InvalidArgument(format!("no unit's total can be projected to {target_year}")),
        });
    }
    let m = scores.edition(scores.units().iter().max_by_key(|u| u.year).map_or(0, |u| u.edition));
    let mut rng = StdRng::seed_from_u64(seed);
    let mut ranks: Vec<Vec<u32>> = vec![Vec::with_capacity(draws); projected.len()];
    let mut column = vec![0.0; projected.len()];
    for _ in 0..draws {
        for (j, (t, sigma)) in projected.iter().enumerate() {
            let z: f64 = StandardNormal.sample(&mut rng);
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
            let full = projected.len() >= n_field;
            RankOutlook {
                province_code: t.province_code.clone(),
                province: t.province.clone(),
                projected: t.linear,
                mean_rank: full.then(|| r.iter().map(|&x| f64::from(x)).sum::<f64>() / r.len() as f64),
                rank_p05: full.then(|| q(0.05)),
                rank_median: full.then(|| q(0.5)),
                rank_p95: full.then(|| q(0.95)),
                rank_within_p05: q(0.05),
                rank_within_median: q(0.5),
                rank_within_p95: q(0.95),
                n_ranked: projected.len() as u32,
                n_field: n_field as u32,
                field_status: if full {
                    crate::engine::FieldStatus::FullField
                } else {
                    crate::engine::FieldStatus::PartialField
                },
                years: t.years.clone(),
                editions: t.editions.clone(),
                target_year,
                edition: t.edition.clone(),
                edition_status: t.edition_status,
                map: t.map.clone(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::t_quantile;

    #[test]
    fn t_quantiles_match_the_printed_table_and_go_beyond_30_df() {
        // Printed two-sided 95% values (3 decimals) for 1, 2, 10 and 30 df; the normal 1.960 only in the limit.
        for (df, printed) in [(1, 12.706), (2, 4.303), (10, 2.228), (30, 2.042), (120, 1.980)] {
            assert!((t_quantile(df) - printed).abs() < 5e-4, "df {df}: {}", t_quantile(df));
        }
        assert!(t_quantile(1000) > 1.96 && t_quantile(1000) < 1.963);
        assert!(t_quantile(0).is_nan());
    }
}

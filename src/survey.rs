//! Satisfaction shares from respondent-level survey answers (SIPAS-style surveys).
//!
//! MOHA publishes SIPAS as percentages satisfied, but its answer scale, its definition of "satisfied" and its
//! aggregation formula are UNKNOWN (sipas.md §3–4). chiso therefore computes only what is well defined from the
//! answers: for every province, data year and node of the answers' path tree (criterion, element, overall), the
//! share of answers at or above the user's `satisfied_min`, pooled over everything below that node, weighted or
//! not, with the number of respondents and a 95% confidence interval. These are DERIVED shares, not MOHA's index.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::error::{ChisoError, Result};
use crate::provinces::Registry;

/// Survey answers as columns, with distinct province names and nodes factored out (as in
/// [`crate::engine::Columns`]).
#[derive(Debug, Clone, Copy)]
pub struct Answers<'a> {
    pub respondent: &'a [u64],
    pub province_names: &'a [&'a str],
    pub province_idx: &'a [u32],
    pub years: &'a [i32],
    /// Node paths below the survey root, e.g. `services/access/signage`; "" answers the root itself.
    pub node_names: &'a [&'a str],
    pub node_idx: &'a [u32],
    pub answers: &'a [f64],
    /// Sampling weights (positive); None = every answer weighs 1.
    pub weights: Option<&'a [f64]>,
}

/// The answer scale and the user's definition of "satisfied".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurveyOptions {
    /// Lowest and highest possible answer (e.g. 1 and 5).
    pub scale: (f64, f64),
    /// An answer ≥ this counts as satisfied (e.g. 4 on a 1–5 scale). The spec leaves it open: no default.
    pub satisfied_min: f64,
}

/// The share satisfied at one province, year and node.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub province_code: String,
    pub province: String,
    pub year: i32,
    /// Path of the node ("" = all answers of the province and year).
    pub node: String,
    pub depth: usize,
    pub n_respondents: u64,
    pub n_answers: u64,
    /// Share satisfied, 0–1 (weighted when weights are given).
    pub share: f64,
    /// Kish effective sample size (Σw)² / Σw²; equals n_answers without weights.
    pub effective_n: f64,
    /// 95% Wilson score interval on the effective sample size.
    pub ci_low: f64,
    pub ci_high: f64,
}

#[derive(Default)]
struct Acc {
    w: f64,
    w2: f64,
    w_sat: f64,
    n: u64,
    respondents: HashSet<u64>,
}

/// Wilson score interval at 95% for a share `p` observed on `n` (effective) answers.
fn wilson(p: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let z = 1.959_963_984_540_054_f64;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z * ((p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt()) / (1.0 + z2 / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Shares satisfied per province, year and node (every prefix of every answered path).
///
/// ```
/// use chiso::survey::{satisfaction, Answers, SurveyOptions};
/// let answers = Answers {
///     respondent: &[1, 1, 2, 2],
///     province_names: &["Trà Vinh"],
///     province_idx: &[0, 0, 0, 0],
///     years: &[2024; 4],
///     node_names: &["access/signage", "access/seating"],
///     node_idx: &[0, 1, 0, 1],
///     answers: &[5.0, 3.0, 4.0, 4.0],
///     weights: None,
/// };
/// let shares = satisfaction(&answers, &SurveyOptions { scale: (1.0, 5.0), satisfied_min: 4.0 }).unwrap();
/// let access = shares.iter().find(|s| s.node == "access").unwrap();
/// assert_eq!((access.n_respondents, access.n_answers, access.share), (2, 4, 0.75));
/// ```
pub fn satisfaction(data: &Answers<'_>, options: &SurveyOptions) -> Result<Vec<Share>> {
    let n = data.answers.len();
    if n == 0 {
        return Err(ChisoError::Data("no survey answers".into()));
    }
    let lengths = [data.respondent.len(), data.province_idx.len(), data.years.len(), data.node_idx.len()];
    if lengths.iter().any(|&l| l != n) || data.weights.is_some_and(|w| w.len() != n) {
        return Err(ChisoError::Data(
            "respondent, province, year, node, answer (and weight) columns differ in length".into(),
        ));
    }
    let (lo, hi) = options.scale;
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(ChisoError::InvalidArgument(format!("scale ({lo}, {hi}) must be two finite numbers, low < high")));
    }
    if !(lo..=hi).contains(&options.satisfied_min) {
        return Err(ChisoError::InvalidArgument(format!(
            "satisfied_min = {} is outside the answer scale [{lo}, {hi}]",
            options.satisfied_min
        )));
    }
    let registry = Registry::get();
    let provinces: Vec<usize> = data
        .province_names
        .iter()
        .map(|name| {
            if name.trim().is_empty() {
                return Err(ChisoError::Data("a respondent has an empty province name".into()));
            }
            let code = &registry.find(name)?.code;
            Ok(registry.index_of(code).unwrap_or(0))
        })
        .collect::<Result<_>>()?;
    // Every prefix of every node path: "services/access/signage" → itself, "services/access", "services", "".
    let (names, prefixes): (Vec<String>, Vec<Vec<usize>>) = {
        let mut names: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for path in data.node_names {
            let path = path.trim_matches('/');
            if path.len() > crate::limits::MAX_PATH_BYTES {
                return Err(ChisoError::Data(format!(
                    "node path {:?}… has {} bytes; a path has at most {}",
                    path.chars().take(40).collect::<String>(),
                    path.len(),
                    crate::limits::MAX_PATH_BYTES
                )));
            }
            let mut mine = Vec::new();
            let mut cut = Some(path.len());
            while let Some(end) = cut {
                let prefix = &path[..end];
                let i = *index.entry(prefix.to_string()).or_insert_with(|| {
                    names.push(prefix.to_string());
                    names.len() - 1
                });
                mine.push(i);
                cut = if end == 0 { None } else { Some(prefix.rfind('/').unwrap_or(0)) };
            }
            out.push(mine);
        }
        (names, out)
    };
    let mut acc: HashMap<(usize, i32, usize), Acc> = HashMap::new();
    // One respondent answers one node once: a repeated answer would be counted as another answer.
    let mut answered: HashMap<(u64, usize, i32, usize), usize> = HashMap::new();
    for r in 0..n {
        let p = *provinces.get(data.province_idx[r] as usize).ok_or_else(|| {
            ChisoError::Data(format!("province index {} is outside the province names", data.province_idx[r]))
        })?;
        let node = data.node_idx[r] as usize;
        let path_prefixes = prefixes
            .get(node)
            .ok_or_else(|| ChisoError::Data(format!("node index {node} is outside the node names")))?;
        let (answer, year) = (data.answers[r], data.years[r]);
        let who = || {
            format!(
                "respondent {}, {}, {year}, {}",
                data.respondent[r],
                registry.all()[p].name_vi,
                data.node_names.get(node).copied().unwrap_or("")
            )
        };
        if !answer.is_finite() || answer < lo || answer > hi {
            return Err(ChisoError::Data(format!(
                "{}: answer {answer} is outside the answer scale [{lo}, {hi}]",
                who()
            )));
        }
        if let Some(first) = answered.insert((data.respondent[r], p, year, path_prefixes[0]), r) {
            return Err(ChisoError::Data(format!(
                "{}: answered twice (rows {first} and {r}); one respondent answers one node once",
                who()
            )));
        }
        let w = data.weights.map_or(1.0, |w| w[r]);
        if !(w.is_finite() && w > 0.0) {
            return Err(ChisoError::Data(format!("{}: sampling weight {w} must be a positive number", who())));
        }
        let satisfied = answer >= options.satisfied_min;
        for &prefix in path_prefixes {
            let a = acc.entry((p, year, prefix)).or_default();
            a.w += w;
            a.w2 += w * w;
            a.n += 1;
            if satisfied {
                a.w_sat += w;
            }
            a.respondents.insert(data.respondent[r]);
        }
    }
    let ordered: BTreeMap<(String, i32, String), (usize, Acc)> = acc
        .into_iter()
        .map(|((p, year, prefix), a)| ((registry.all()[p].code.clone(), year, names[prefix].clone()), (p, a)))
        .collect();
    Ok(ordered
        .into_iter()
        .map(|((code, year, node), (p, a))| {
            let share = a.w_sat / a.w;
            let effective_n = a.w * a.w / a.w2;
            let (ci_low, ci_high) = wilson(share, effective_n);
            Share {
                province_code: code,
                province: registry.all()[p].name_vi.clone(),
                year,
                depth: if node.is_empty() { 0 } else { node.matches('/').count() + 1 },
                node,
                n_respondents: a.respondents.len() as u64,
                n_answers: a.n,
                share,
                effective_n,
                ci_low,
                ci_high,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_textbook() {
        // p = 0.5, n = 100: 0.4038–0.5962.
        let (a, b) = wilson(0.5, 100.0);
        assert!((a - 0.403_8).abs() < 1e-4 && (b - 0.596_2).abs() < 1e-4);
    }
}

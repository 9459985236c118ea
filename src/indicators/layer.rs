//! An indicator layer: the raw indicators under the nodes of one edition, each with its unit, direction, weight
//! and normalisation rule, and the rule that builds each node from its indicators (format:
//! docs/methodology-files.md, "Indicator layers"). Built-in layers live in `methodologies/<index>/indicators/`.

use std::collections::HashMap;

use serde::Deserialize;

use super::normalise::{Cap, Direction, Method, Rule, Unit};
use crate::error::{ChisoError, Result};
use crate::methodology::{catalog, Status};

// INDICATOR_FILES: every `methodologies/*/indicators/*.toml`, embedded by build.rs.
include!(concat!(env!("OUT_DIR"), "/builtin_indicator_layers.rs"));

/// How a node is built from its indicators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Combine {
    /// v = intercept + Σ w·s (effective weights on the scores; weights need not add up to 1).
    WSum {
        /// Constant added to the weighted sum (0 when the file gives none).
        intercept: f64,
    },
    /// v = Σ w·s / Σ w.
    WMean,
}

/// The rule of one node of the edition, built from indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRule {
    /// Path of the node in the edition (`time_costs`).
    pub node: String,
    /// How the node is built from its indicators' scores.
    pub combine: Combine,
    /// Whether the rule reproduces the publisher: derived (exact on the published data), unknown (an
    /// approximation, with its largest residual).
    pub status: Status,
    /// Largest gap to the published node values over the provinces the rule is stated for, as the layer file states
    /// it (None = not stated).
    pub max_residual: Option<f64>,
    /// Free-text note from the layer file (None = none).
    pub note: Option<String>,
    /// Provinces (GSO codes) the rule does not reproduce from the published raw values (e.g. a top-coded count).
    pub not_reproducible: Vec<String>,
    /// Indices into [`Layer::indicators`].
    pub indicators: Vec<usize>,
}

/// One raw indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// `time_costs/d1`: node path / indicator code.
    pub path: String,
    /// Index into [`Layer::nodes`].
    pub node: usize,
    /// Vietnamese name (None = not given in the layer file).
    pub name_vi: Option<String>,
    /// English name (None = not given in the layer file).
    pub name_en: Option<String>,
    /// Unit of the raw values.
    pub unit: Unit,
    /// Values outside are impossible (a share above 1, negative days): an input error, not an outlier.
    pub possible: (f64, f64),
    /// Which way is better on the raw scale.
    pub direction: Direction,
    /// Weight of the indicator's score in its node's rule (0 = not used).
    pub weight: f64,
    /// Whether the weight is the publisher's (official, derived, user-supplied or unknown).
    pub weight_status: Status,
    /// How the raw values become scores.
    pub rule: Rule,
    /// Whether the normalisation rule is the publisher's (official, derived, user-supplied or unknown).
    pub normalise_status: Status,
    /// Free-text note from the layer file (None = none).
    pub note: Option<String>,
}

impl Indicator {
    /// Provenance of the indicator's score in its node: the weakest status of the node's rule, the indicator's
    /// weight and its normalisation rule.
    pub fn provenance(&self, node: &NodeRule) -> Status {
        node.status.weakest(self.weight_status).weakest(self.normalise_status)
    }
}

/// An indicator layer of one edition (and, for rules fitted on one year, one data year).
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// The edition whose nodes the indicators build (`pci.2013`).
    pub edition: String,
    /// The data year the rules were established for; None = any year of the edition.
    pub year: Option<i32>,
    /// Status of the layer as a whole, as stated in the file (user-supplied once a built-in layer is altered).
    pub status: Status,
    /// Where the layer's rules come from, as stated in the file (None = not stated).
    pub source: Option<String>,
    /// Free-text note from the layer file (None = none).
    pub note: Option<String>,
    /// The file the layer was read from (as named in errors), and how the layer was altered since, if it was.
    pub origin: String,
    /// One rule per node of the edition that the layer builds.
    pub nodes: Vec<NodeRule>,
    /// The raw indicators, in the layer's order (the column order of a field's raw values).
    pub indicators: Vec<Indicator>,
    by_path: HashMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    layer: RawHead,
    // `[[sub_index]]` is the PCI's word; `[[node]]` says the same for any index (a PAR INDEX area, a DTI pillar).
    #[serde(default, alias = "node")]
    sub_index: Vec<RawNode>,
    #[serde(default)]
    indicator: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHead {
    edition: String,
    year: Option<i32>,
    status: String,
    source: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    node: String,
    #[serde(default)]
    aggregation: Option<String>,
    intercept: Option<f64>,
    rule_status: String,
    max_residual: Option<f64>,
    note: Option<String>,
    #[serde(default)]
    not_reproducible: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    node: String,
    name_vi: Option<String>,
    name_en: Option<String>,
    unit: Option<String>,
    possible: Option<[f64; 2]>,
    direction: Option<String>,
    weight: Option<f64>,
    weight_status: Option<String>,
    normalise: Option<RawRule>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    method: String,
    lower: Option<f64>,
    upper: Option<f64>,
    worst: Option<f64>,
    range: Option<[f64; 2]>,
    cap: Option<String>,
    winsorise: Option<[f64; 2]>,
    status: Option<String>,
}

fn err(file: &str, node: Option<&str>, message: impl Into<String>) -> ChisoError {
    ChisoError::Methodology { file: file.to_string(), node: node.map(str::to_string), message: message.into() }
}

fn status(file: &str, node: &str, s: Option<&str>, what: &str) -> Result<Status> {
    match s {
        None => Ok(Status::Unknown),
        Some(s) => s.parse::<Status>().map_err(|_| {
            err(file, Some(node), format!("{what} = {s:?}: use official, derived, user_supplied or unknown"))
        }),
    }
}

fn finite(file: &str, node: &str, what: &str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(err(file, Some(node), format!("{what} = {v} is not a finite number")))
    }
}

impl Layer {
    /// Parse and validate a layer file's text; `file` names it in errors.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Layer> {
        let raw: RawFile = toml::from_str(text).map_err(|e| err(file, None, e.to_string()))?;
        let edition = catalog().edition(&raw.layer.edition)?;
        let mut nodes = Vec::new();
        let mut node_of: HashMap<String, usize> = HashMap::new();
        for r in &raw.sub_index {
            if edition.find(&r.node).is_none() {
                return Err(err(file, Some(&r.node), format!("no node {:?} in edition {}", r.node, edition.code)));
            }
            let combine = match r.aggregation.as_deref().unwrap_or("WSUM") {
                "WSUM" => Combine::WSum { intercept: finite(file, &r.node, "intercept", r.intercept.unwrap_or(0.0))? },
                "WMEAN" if r.intercept.is_none() => Combine::WMean,
                "WMEAN" => return Err(err(file, Some(&r.node), "WMEAN takes no intercept (use WSUM)")),
                other => return Err(err(file, Some(&r.node), format!("aggregation {other:?}: use WSUM or WMEAN"))),
            };
            if node_of.insert(r.node.clone(), nodes.len()).is_some() {
                return Err(err(file, Some(&r.node), "node given twice"));
            }
            nodes.push(NodeRule {
                node: r.node.clone(),
                combine,
                status: status(file, &r.node, Some(&r.rule_status), "rule_status")?,
                max_residual: r.max_residual,
                note: r.note.clone(),
                not_reproducible: r.not_reproducible.clone(),
                indicators: Vec::new(),
            });
        }
        let mut indicators = Vec::new();
        let mut by_path = HashMap::new();
        for r in &raw.indicator {
            let p = r.node.as_str();
            let (parent, _) = p
                .rsplit_once('/')
                .ok_or_else(|| err(file, Some(p), "an indicator's node is <node path>/<indicator code>"))?;
            let node = *node_of.get(parent).ok_or_else(|| {
                err(file, Some(p), format!("its node {parent:?} has no [[node]] (or [[sub_index]]) entry"))
            })?;
            let unit =
                match r.unit.as_deref() {
                    None => return Err(err(
                        file,
                        Some(p),
                        "indicator without a unit (days, months, hours, count, count_per_100_firms, share, pct, points, score)",
                    )),
                    Some(u) => u.parse::<Unit>().map_err(|e| err(file, Some(p), e.to_string()))?,
                };
            let direction = match r.direction.as_deref() {
                None => {
                    return Err(err(
                        file,
                        Some(p),
                        "indicator without a direction (higher_is_better or lower_is_better)",
                    ))
                }
                Some(d) => d.parse::<Direction>().map_err(|e| err(file, Some(p), e.to_string()))?,
            };
            let weight =
                finite(file, p, "weight", r.weight.ok_or_else(|| err(file, Some(p), "indicator without a weight"))?)?;
            if weight < 0.0 {
                return Err(err(file, Some(p), format!("weight = {weight} is negative (state the direction instead)")));
            }
            let nr = r.normalise.as_ref().ok_or_else(|| err(file, Some(p), "indicator without a normalise rule"))?;
            let range = match nr.range {
                Some([a, b]) if a.is_finite() && b.is_finite() && a < b => (a, b),
                Some([a, b]) => return Err(err(file, Some(p), format!("normalise.range = [{a}, {b}] must rise"))),
                None => (0.0, 1.0),
            };
            let method = match nr.method.as_str() {
                "minmax" => Method::MinMax,
                "zscore" => Method::ZScore,
                "rank" => Method::Rank,
                "frontier" => Method::Frontier { worst: nr.worst.map(|w| finite(file, p, "worst", w)).transpose()? },
                "goalposts" => {
                    let (lo, hi) = match (nr.lower, nr.upper) {
                        (Some(a), Some(b)) => (finite(file, p, "lower", a)?, finite(file, p, "upper", b)?),
                        _ => return Err(err(file, Some(p), "goalposts need lower and upper")),
                    };
                    if lo >= hi {
                        return Err(err(file, Some(p), format!("goalposts lower = {lo} must be below upper = {hi}")));
                    }
                    Method::Goalposts { lower: lo, upper: hi }
                }
                other => {
                    return Err(err(
                        file,
                        Some(p),
                        format!("normalise.method {other:?}: use minmax, goalposts, zscore, rank or frontier"),
                    ))
                }
            };
            let possible = match (r.possible, &method) {
                (Some([a, b]), _) if a < b => (a, b),
                (Some([a, b]), _) => return Err(err(file, Some(p), format!("possible = [{a}, {b}] is empty"))),
                // Points against a maximum (a PAR INDEX or DTI criterion): the maximum is the upper goalpost, so
                // points above it are impossible, not an extrapolation.
                (None, Method::Goalposts { upper, .. }) if unit == Unit::Points && *upper > 0.0 => {
                    (unit.possible().0, *upper)
                }
                (None, _) => unit.possible(),
            };
            let cap = match (nr.cap.as_deref(), nr.winsorise) {
                (None | Some("none"), None) => Cap::None,
                (Some("range"), None) => Cap::Range,
                (None, Some([a, b])) if (0.0..b).contains(&a) && b <= 1.0 => Cap::Winsorise(a, b),
                (None, Some([a, b])) => {
                    return Err(err(file, Some(p), format!("winsorise = [{a}, {b}]: percentiles 0 <= low < high <= 1")))
                }
                (Some(c), _) => {
                    return Err(err(file, Some(p), format!("cap {c:?}: use none or range, or winsorise alone")))
                }
            };
            if by_path.insert(p.to_string(), indicators.len()).is_some() {
                return Err(err(file, Some(p), "indicator given twice"));
            }
            nodes[node].indicators.push(indicators.len());
            indicators.push(Indicator {
                path: p.to_string(),
                node,
                name_vi: r.name_vi.clone(),
                name_en: r.name_en.clone(),
                unit,
                possible,
                direction,
                weight,
                weight_status: status(file, p, r.weight_status.as_deref(), "weight_status")?,
                rule: Rule { method, range, cap },
                normalise_status: status(file, p, nr.status.as_deref(), "normalise.status")?,
                note: r.note.clone(),
            });
        }
        for n in &nodes {
            let total: f64 = n.indicators.iter().map(|&i| indicators[i].weight).sum();
            if total <= 0.0 {
                return Err(err(file, Some(&n.node), "no indicator with a positive weight"));
            }
        }
        Ok(Layer {
            edition: edition.code.clone(),
            year: raw.layer.year,
            status: status(file, "layer", Some(&raw.layer.status), "status")?,
            source: raw.layer.source,
            note: raw.layer.note,
            origin: file.to_string(),
            nodes,
            indicators,
            by_path,
        })
    }

    /// [`Layer::from_toml_str`], remembering the last layers parsed (keyed by their text and file name): a notebook
    /// that scores, explains and projects with its own layer parses it once.
    pub fn from_toml_str_cached(text: &str, file: &str) -> Result<Layer> {
        use std::sync::{Mutex, OnceLock};
        static CACHE: OnceLock<Mutex<HashMap<(String, String), Layer>>> = OnceLock::new();
        let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
        let key = (text.to_string(), file.to_string());
        if let Some(l) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(l);
        }
        let layer = Layer::from_toml_str(text, file)?;
        if let Ok(mut c) = cache.lock() {
            if c.len() >= 16 {
                c.clear();
            }
            c.insert(key, layer.clone());
        }
        Ok(layer)
    }

    /// The same layer with every fixed-goalposts rule replaced by min–max over the field, labelled
    /// user-supplied: a counterfactual in which a province that beats the field's best (or worst) moves the bound
    /// for every province. On a field whose extremes are the goalposts the scores are unchanged.
    pub fn field_relative_variant(&self) -> Layer {
        let mut l = self.clone();
        for i in &mut l.indicators {
            if matches!(i.rule.method, Method::Goalposts { .. }) {
                i.rule.method = Method::MinMax;
                i.normalise_status = Status::UserSupplied;
            }
        }
        l.status = Status::UserSupplied;
        l.origin = format!("{} (goalposts replaced by min-max over the field)", self.origin);
        l
    }

    /// Index of an indicator by path (`time_costs/d1`) or full code (`pci.2013/time_costs/d1`).
    pub fn find(&self, code: &str) -> Option<usize> {
        let path = code.strip_prefix(self.edition.as_str()).and_then(|r| r.strip_prefix('/')).unwrap_or(code);
        self.by_path.get(path).copied()
    }

    /// Close matches for an unknown indicator code (same code under any node, or same node).
    pub fn suggestions(&self, code: &str) -> Vec<String> {
        let last = code.rsplit('/').next().unwrap_or(code).to_lowercase();
        self.indicators
            .iter()
            .filter(|i| i.path.to_lowercase().ends_with(&format!("/{last}")) || i.path.to_lowercase().contains(&last))
            .take(5)
            .map(|i| i.path.clone())
            .collect()
    }
}

/// The built-in layers, parsed once.
pub fn builtin_layers() -> Result<&'static [Layer]> {
    use std::sync::OnceLock;
    static LAYERS: OnceLock<std::result::Result<Vec<Layer>, ChisoError>> = OnceLock::new();
    LAYERS
        .get_or_init(|| {
            INDICATOR_FILES.iter().map(|(path, text)| Layer::from_toml_str(text, &format!("builtin:{path}"))).collect()
        })
        .as_ref()
        .map(|v| v.as_slice())
        .map_err(Clone::clone)
}

/// The built-in layer of an index (or edition) for a data year.
pub fn builtin_layer(index_or_edition: &str, year: i32) -> Result<&'static Layer> {
    let layers = builtin_layers()?;
    layers
        .iter()
        .find(|l| {
            (l.edition == index_or_edition || l.edition.split('.').next() == Some(index_or_edition))
                && l.year.is_none_or(|y| y == year)
        })
        .ok_or_else(|| {
            let known: Vec<String> = layers
                .iter()
                .map(|l| format!("{} {}", l.edition, l.year.map_or("all".into(), |y| y.to_string())))
                .collect();
            ChisoError::InvalidArgument(format!(
                "no indicator layer for {index_or_edition} {year}: the indicator rules are established for {}",
                known.join(", ")
            ))
        })
}

//! The methodology file format (TOML, `docs/methodology-files.md`) and the checks run on loading.
//!
//! Parsing is two-step on purpose: serde reads the raw fields (strings for rules and statuses), then `build`
//! turns them into the model, so that an unknown rule or status is reported with the file, the node and the
//! offending value instead of a bare serde message.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::{
    Aggregation, GroupMethod, Groups, Lineage, LineageKind, Methodology, MethodologyHeader, Node, NodeKind, Ranking,
    Status,
};
use crate::error::{ChisoError, Result};
use crate::limits::{MAX_DECIMALS, MAX_GROUP_CUTS, MAX_MAGNITUDE, MAX_METHODOLOGY_BYTES, MAX_NODES, MAX_TREE_DEPTH};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    edition: RawEdition,
    #[serde(default)]
    ranking: Option<RawRanking>,
    #[serde(default)]
    groups: Option<RawGroups>,
    #[serde(default, rename = "node")]
    nodes: Vec<RawNode>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdition {
    code: String,
    first_year: i32,
    last_year: Option<i32>,
    name_en: String,
    name_vi: String,
    document: Option<String>,
    source: Option<String>,
    status: String,
    #[serde(default = "default_decimals")]
    display_decimals: u32,
    note: Option<String>,
    /// Data years inside the edition before which a break is suspected but not confirmed (PGI 2023).
    #[serde(default)]
    suspected_breaks: Vec<i32>,
}

fn default_decimals() -> u32 {
    2
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRanking {
    precision: toml::Value,
    status: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroups {
    method: String,
    percentile: Option<String>,
    cuts: Option<Vec<f64>>,
    labels: Vec<String>,
    status: String,
    method_status: String,
    #[serde(default = "default_group_depth")]
    max_depth: usize,
}

fn default_group_depth() -> usize {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    code: String,
    parent: Option<String>,
    kind: String,
    name_en: String,
    name_vi: Option<String>,
    // A list, not `[f64; 2]`: a fixed-size array would silently drop a third number.
    scale: Option<Vec<f64>>,
    scale_status: Option<String>,
    max_points: Option<f64>,
    max_points_status: Option<String>,
    weight: Option<f64>,
    weight_status: Option<String>,
    aggregation: Option<String>,
    k: Option<f64>,
    weights_sum: Option<f64>,
    aggregation_status: Option<String>,
    #[serde(default = "yes")]
    scored: bool,
    source: Option<String>,
    note: Option<String>,
    inputs: Option<Vec<String>>,
    lineage: Option<String>,
    lineage_from: Option<String>,
    lineage_status: Option<String>,
    lineage_note: Option<String>,
}

fn yes() -> bool {
    true
}

fn err(file: &str, node: Option<&str>, message: impl Into<String>) -> ChisoError {
    ChisoError::Methodology { file: file.to_string(), node: node.map(str::to_string), message: message.into() }
}

fn status(file: &str, node: Option<&str>, field: &str, value: Option<&str>, default: Status) -> Result<Status> {
    match value {
        None => Ok(default),
        Some(v) => v.parse::<Status>().ok().ok_or_else(|| {
            err(file, node, format!("{field} = {v:?} is not a status; use official, derived, user_supplied or unknown"))
        }),
    }
}

fn valid_slug(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `index "." YYYY [":" view]`.
fn check_edition_code(code: &str, file: &str) -> Result<String> {
    let (base, view) = match code.split_once(':') {
        Some((b, v)) => (b, Some(v)),
        None => (code, None),
    };
    let (index, year) = base
        .split_once('.')
        .ok_or_else(|| err(file, None, format!("edition code {code:?} is not of the form index.YYYY")))?;
    let year_ok = year.len() == 4 && year.chars().all(|c| c.is_ascii_digit());
    if !valid_slug(index) || !year_ok || view.is_some_and(|v| !valid_slug(v)) {
        return Err(err(file, None, format!("edition code {code:?} is not of the form index.YYYY[:view]")));
    }
    Ok(index.to_string())
}

/// A number of the file: finite and within [`MAX_MAGNITUDE`], so no sum or product of them overflows.
fn bounded(file: &str, node: Option<&str>, field: &str, v: f64) -> Result<f64> {
    if !v.is_finite() || v.abs() > MAX_MAGNITUDE {
        return Err(err(
            file,
            node,
            format!("{field} = {} must be a finite number of magnitude at most {MAX_MAGNITUDE:e}", crate::text::num(v)),
        ));
    }
    Ok(v)
}

/// Deepest nesting of arrays and inline tables in TOML text, skipping strings and comments: checked before the
/// parser sees the text, so a hostile file cannot make it recurse without bound.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut chars = text.chars().peekable();
    let mut line_start = true;
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                line_start = true;
                continue;
            }
            '"' | '\'' => {
                // Strings: basic strings honour backslash escapes; a triple quote opens a multi-line string that
                // ends at the next triple quote.
                let quote = c;
                let triple = chars.peek() == Some(&quote) && {
                    let mut ahead = chars.clone();
                    ahead.next();
                    ahead.peek() == Some(&quote)
                };
                if triple {
                    chars.next();
                    chars.next();
                }
                let mut run = 0;
                while let Some(d) = chars.next() {
                    if quote == '"' && d == '\\' {
                        chars.next();
                        run = 0;
                    } else if d == quote {
                        run += 1;
                        if !triple || run == 3 {
                            break;
                        }
                    } else {
                        run = 0;
                    }
                }
            }
            '[' if !(line_start && depth == 0) => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            '\n' => {
                line_start = true;
                continue;
            }
            c if c.is_whitespace() => continue,
            _ => {}
        }
        line_start = false;
    }
    deepest
}

/// Arrays and inline tables nested deeper than this are refused (a methodology file needs two levels).
const MAX_TOML_NESTING: usize = 32;

pub(super) fn parse(text: &str, file: &str) -> Result<Methodology> {
    if text.len() > MAX_METHODOLOGY_BYTES {
        return Err(err(
            file,
            None,
            format!("the file has {} bytes; methodology files are at most {MAX_METHODOLOGY_BYTES} bytes", text.len()),
        ));
    }
    let nesting = nesting_depth(text);
    if nesting > MAX_TOML_NESTING {
        return Err(err(
            file,
            None,
            format!("arrays or inline tables nested {nesting} deep; at most {MAX_TOML_NESTING} levels are read"),
        ));
    }
    let raw: RawFile =
        toml::from_str(text).map_err(|e| err(file, None, format!("not a valid methodology file: {e}")))?;
    let e = &raw.edition;
    let index = check_edition_code(&e.code, file)?;
    if raw.nodes.len() > MAX_NODES {
        return Err(err(file, None, format!("{} nodes; a methodology file has at most {MAX_NODES}", raw.nodes.len())));
    }
    if e.display_decimals > MAX_DECIMALS {
        return Err(err(file, None, format!("display_decimals = {} is outside 0–{MAX_DECIMALS}", e.display_decimals)));
    }
    if let Some(l) = e.last_year {
        if l < e.first_year {
            return Err(err(file, None, format!("last_year {l} is before first_year {}", e.first_year)));
        }
    }
    let ranking = match &raw.ranking {
        None => Ranking { precision: None, status: Status::Derived },
        Some(r) => {
            let precision = match &r.precision {
                toml::Value::String(s) if s == "unrounded" => None,
                toml::Value::Integer(d) if (0..=12).contains(d) => Some(*d as u32),
                other => {
                    return Err(err(
                        file,
                        None,
                        format!("ranking.precision = {other} must be \"unrounded\" or a number of decimals 0–12"),
                    ))
                }
            };
            Ranking { precision, status: status(file, None, "ranking.status", Some(&r.status), Status::Derived)? }
        }
    };
    let groups = match &raw.groups {
        None => None,
        Some(g) => {
            let method = match g.method.as_str() {
                "quartiles" => {
                    if g.percentile.as_deref() != Some("linear") {
                        return Err(err(
                            file,
                            None,
                            format!(
                                "groups.percentile = {:?}: quartiles need percentile = \"linear\" (R type 7)",
                                g.percentile
                            ),
                        ));
                    }
                    if g.labels.len() != 4 {
                        return Err(err(
                            file,
                            None,
                            format!("groups.labels has {} labels; quartiles need 4", g.labels.len()),
                        ));
                    }
                    GroupMethod::Quartiles
                }
                "thresholds" => {
                    let cuts = g.cuts.clone().ok_or_else(|| err(file, None, "groups: thresholds need cuts"))?;
                    if cuts.len() > MAX_GROUP_CUTS {
                        return Err(err(
                            file,
                            None,
                            format!("groups: {} cuts; a threshold rule has at most {MAX_GROUP_CUTS}", cuts.len()),
                        ));
                    }
                    for &c in &cuts {
                        bounded(file, None, "groups.cuts", c)?;
                    }
                    let descending = cuts.windows(2).all(|w| w[0] > w[1]);
                    if !descending || g.labels.len() != cuts.len() + 1 {
                        return Err(err(
                            file,
                            None,
                            format!(
                                "groups: cuts {cuts:?} must be finite and strictly descending, with one label more ({} labels)",
                                g.labels.len()
                            ),
                        ));
                    }
                    GroupMethod::Thresholds(cuts)
                }
                other => {
                    return Err(err(
                        file,
                        None,
                        format!(
                        "groups.method = {other:?} is unknown; the known methods are \"quartiles\" and \"thresholds\""
                    ),
                    ))
                }
            };
            Some(Groups {
                method,
                labels: g.labels.clone(),
                max_depth: g.max_depth,
                status: status(file, None, "groups.status", Some(&g.status), Status::Derived)?,
                method_status: status(file, None, "groups.method_status", Some(&g.method_status), Status::Derived)?,
            })
        }
    };
    let header = MethodologyHeader {
        code: e.code.clone(),
        index,
        first_year: e.first_year,
        last_year: e.last_year,
        name_en: e.name_en.clone(),
        name_vi: e.name_vi.clone(),
        document: e.document.clone(),
        source: e.source.clone(),
        status: status(file, None, "edition.status", Some(&e.status), Status::Derived)?,
        display_decimals: e.display_decimals,
        note: e.note.clone(),
        suspected_breaks: e.suspected_breaks.clone(),
        ranking,
        groups,
    };
    let nodes = build_nodes(&header.code, &raw.nodes, file)?;
    let m = Methodology::new(header, nodes, file.to_string());
    validate(&m, file)?;
    Ok(m)
}

/// Turn raw nodes into the tree: root first, then the file's order; parents resolved; cycles refused.
fn build_nodes(edition: &str, raw: &[RawNode], file: &str) -> Result<Vec<Node>> {
    let mut seen = HashSet::new();
    for n in raw {
        if !seen.insert(n.code.as_str()) {
            return Err(err(file, Some(&n.code), "duplicate code"));
        }
    }
    let root_pos = raw
        .iter()
        .position(|n| n.code == edition)
        .ok_or_else(|| err(file, None, format!("no root node with code {edition:?} (the edition code)")))?;
    // Root first, the rest in file order.
    let order: Vec<usize> = std::iter::once(root_pos).chain((0..raw.len()).filter(|&i| i != root_pos)).collect();
    let index_of: HashMap<&str, usize> =
        order.iter().enumerate().map(|(new, &old)| (raw[old].code.as_str(), new)).collect();

    let mut nodes = Vec::with_capacity(raw.len());
    for &old in &order {
        let r = &raw[old];
        let code = r.code.as_str();
        let view_prefix = format!("{edition}:");
        let path = if code == edition {
            String::new()
        } else if let Some(rest) = code.strip_prefix(&view_prefix) {
            // A view's node inside the edition's own file (`dti.2021:pillars/digital_government`): its path keeps
            // the view marker, ":pillars/digital_government".
            if let Some(bad) = rest.split('/').find(|s| !valid_slug(s)) {
                return Err(err(
                    file,
                    Some(code),
                    format!("slug {bad:?} is not lower-case ASCII snake_case ([a-z0-9_]+)"),
                ));
            }
            format!(":{rest}")
        } else {
            let rest = code.strip_prefix(edition).and_then(|s| s.strip_prefix('/')).ok_or_else(|| {
                err(
                    file,
                    Some(code),
                    format!("code does not start with the edition code {edition:?} followed by \"/\""),
                )
            })?;
            if let Some(bad) = rest.split('/').find(|s| !valid_slug(s)) {
                return Err(err(
                    file,
                    Some(code),
                    format!("slug {bad:?} is not lower-case ASCII snake_case ([a-z0-9_]+)"),
                ));
            }
            rest.to_string()
        };
        let parent =
            if code == edition {
                if let Some(p) = &r.parent {
                    return Err(err(file, Some(code), format!("the root cannot have a parent (found {p:?})")));
                }
                None
            } else {
                let parent_code = match &r.parent {
                    Some(p) => p.clone(),
                    // A view root (`dti.2021:pillars`) hangs under the edition root.
                    None => code.rsplit_once('/').map(|(p, _)| p.to_string()).unwrap_or_else(|| edition.to_string()),
                };
                Some(*index_of.get(parent_code.as_str()).ok_or_else(|| {
                    err(file, Some(code), format!("parent {parent_code:?} is not a node of this file"))
                })?)
            };
        let c = Some(code);
        let aggregation = match r.aggregation.as_deref() {
            None | Some("OPAQUE") => Aggregation::Opaque,
            Some("SUM") => Aggregation::Sum,
            Some("MEAN") => Aggregation::Mean,
            Some("RATIO") => Aggregation::Ratio,
            Some("WMEAN") => {
                let k = r.k.ok_or_else(|| err(file, c, "WMEAN needs k (v = k · Σ w·v / Σ w)"))?;
                if bounded(file, c, "k", k)? <= 0.0 {
                    return Err(err(file, c, format!("k = {k} must be a positive number")));
                }
                Aggregation::WMean { k }
            }
            Some(other) => {
                return Err(err(
                    file,
                    c,
                    format!("aggregation rule {other:?} is unknown; known rules: SUM, WMEAN, MEAN, RATIO, OPAQUE"),
                ))
            }
        };
        if r.k.is_some() && !matches!(aggregation, Aggregation::WMean { .. }) {
            return Err(err(file, c, format!("k is only meaningful for WMEAN, not {}", aggregation.name())));
        }
        let scale = match r.scale.as_deref() {
            None => None,
            Some(&[lo, hi]) => {
                bounded(file, c, "scale", lo)?;
                bounded(file, c, "scale", hi)?;
                if lo >= hi {
                    return Err(err(file, c, format!("scale [{lo}, {hi}] must be two finite numbers, min < max")));
                }
                Some((lo, hi))
            }
            Some(other) => {
                return Err(err(file, c, format!("scale {other:?} must be exactly two numbers [min, max]")));
            }
        };
        for (field, v) in [("weight", r.weight), ("max_points", r.max_points), ("weights_sum", r.weights_sum)] {
            if let Some(v) = v {
                if bounded(file, c, field, v)? < 0.0 {
                    return Err(err(file, c, format!("{field} = {v} must be a finite number ≥ 0")));
                }
            }
        }
        if r.scored && r.max_points == Some(0.0) {
            return Err(err(file, c, "max_points = 0 on a scored node: a node scored out of nothing cannot be scored"));
        }
        nodes.push(Node {
            code: code.to_string(),
            path,
            parent,
            children: Vec::new(),
            inputs: Vec::new(),
            depth: 0,
            kind: r.kind.parse::<NodeKind>().map_err(|e| err(file, c, format!("kind: {e}")))?,
            name_en: r.name_en.clone(),
            name_vi: r.name_vi.clone(),
            scale,
            scale_status: status(file, c, "scale_status", r.scale_status.as_deref(), Status::Official)?,
            max_points: r.max_points,
            max_points_status: status(file, c, "max_points_status", r.max_points_status.as_deref(), Status::Official)?,
            weight: r.weight,
            weight_status: status(file, c, "weight_status", r.weight_status.as_deref(), Status::Official)?,
            aggregation,
            aggregation_status: status(
                file,
                c,
                "aggregation_status",
                r.aggregation_status.as_deref(),
                Status::Official,
            )?,
            weights_sum: r.weights_sum,
            scored: r.scored,
            source: r.source.clone(),
            note: r.note.clone(),
            lineage: match r.lineage.as_deref() {
                None => None,
                Some(kind) => Some(Lineage {
                    kind: kind.parse::<LineageKind>().ok().ok_or_else(|| {
                        err(
                            file,
                            c,
                            format!("lineage = {kind:?} is unknown; use comparable, not_comparable, unknown or new"),
                        )
                    })?,
                    from: r.lineage_from.clone(),
                    status: status(file, c, "lineage_status", r.lineage_status.as_deref(), Status::Unknown)?,
                    note: r.lineage_note.clone(),
                }),
            },
        });
    }
    for i in 0..nodes.len() {
        if let Some(p) = nodes[i].parent {
            nodes[p].children.push(i);
        }
    }
    // Inputs by code (full, or path below the edition root).
    for (k, &old) in order.iter().enumerate() {
        let Some(list) = &raw[old].inputs else { continue };
        let code = raw[old].code.as_str();
        if list.is_empty() {
            return Err(err(file, Some(code), "inputs is empty"));
        }
        let mut resolved = Vec::new();
        for input in list {
            let full = if input.starts_with(edition) {
                input.clone()
            } else {
                format!("{edition}/{}", input.trim_matches('/'))
            };
            let i = *index_of
                .get(full.as_str())
                .ok_or_else(|| err(file, Some(code), format!("input {input:?} is not a node of this file")))?;
            if resolved.contains(&i) {
                return Err(err(file, Some(code), format!("input {input:?} is listed twice")));
            }
            resolved.push(i);
        }
        nodes[k].inputs = resolved;
    }
    // Cycles: with explicit parents a node can be its own ancestor; then it is unreachable from the root.
    let mut depth = vec![usize::MAX; nodes.len()];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, d)) = stack.pop() {
        depth[i] = d;
        for &c in &nodes[i].children {
            stack.push((c, d + 1));
        }
    }
    if let Some(i) = depth.iter().position(|&d| d == usize::MAX) {
        return Err(err(file, Some(&nodes[i].code), "the parent chain forms a cycle and never reaches the root"));
    }
    if let Some(i) = depth.iter().position(|&d| d > MAX_TREE_DEPTH) {
        return Err(err(
            file,
            Some(&nodes[i].code),
            format!("the tree is deeper than {MAX_TREE_DEPTH} levels (the limit of a methodology tree)"),
        ));
    }
    for (n, d) in nodes.iter_mut().zip(depth) {
        n.depth = d;
    }
    Ok(nodes)
}

/// Equal within a relative 1e-6; never for a non-finite side (a comparison with infinity must not pass).
fn close(a: f64, b: f64) -> bool {
    a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// The consistency checks: rules against children, weights against their declared sum, scales and maxima
/// against the rule. Run on every load and on every variant.
pub(super) fn validate(m: &Methodology, file: &str) -> Result<()> {
    // Inputs may not form a cycle (a node computed, through its inputs, from itself).
    if let Err(i) = m.dependency_order() {
        return Err(err(file, Some(&m.nodes[i].code), "its inputs lead back to itself (a cycle)"));
    }
    for n in m.nodes.iter().filter(|n| !n.inputs.is_empty()) {
        let c = Some(n.code.as_str());
        match n.aggregation {
            Aggregation::Ratio => {
                for &i in &n.inputs {
                    if m.nodes[i].max_points.is_none() {
                        return Err(err(
                            file,
                            Some(&m.nodes[i].code),
                            format!("no max_points, but {} takes it as a RATIO input", n.code),
                        ));
                    }
                }
            }
            Aggregation::Sum | Aggregation::Mean => {}
            other => return Err(err(file, c, format!("inputs work with SUM, MEAN or RATIO, not {}", other.name()))),
        }
    }
    for n in m.nodes.iter().filter(|n| n.inputs.is_empty()) {
        let c = Some(n.code.as_str());
        let scored: Vec<&Node> = n.children.iter().map(|&i| &m.nodes[i]).filter(|ch| ch.scored).collect();
        match n.aggregation {
            Aggregation::Opaque => continue,
            _ if scored.is_empty() => {
                return Err(err(
                    file,
                    c,
                    format!("rule {} needs scored children; this node has none", n.aggregation.name()),
                ))
            }
            _ => {}
        }
        match n.aggregation {
            Aggregation::WMean { k } => {
                let mut total = 0.0;
                for ch in &scored {
                    let w = ch.weight.ok_or_else(|| {
                        err(file, Some(&ch.code), format!("no weight, but its parent {} is a WMEAN", n.code))
                    })?;
                    total += w;
                }
                if !total.is_finite() {
                    return Err(err(file, c, format!("the children's weights add up to {total}")));
                }
                if total <= 0.0 {
                    return Err(err(file, c, "the children's weights add up to 0"));
                }
                let declared = n.weights_sum.ok_or_else(|| {
                    err(file, c, "WMEAN needs weights_sum, the declared total of the children's weights")
                })?;
                if !close(total, declared) {
                    return Err(err(
                        file,
                        c,
                        format!("the children's weights add up to {total}, not to weights_sum = {declared}"),
                    ));
                }
                if let Some((lo, hi)) = n.scale {
                    for ch in &scored {
                        if let Some((clo, chi)) = ch.scale {
                            if !close(lo, k * clo) || !close(hi, k * chi) {
                                return Err(err(
                                    file,
                                    c,
                                    format!(
                                        "scale [{lo}, {hi}] is not k = {k} times the scale [{clo}, {chi}] of child {}",
                                        ch.code
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
            Aggregation::Sum => {
                if scored.iter().all(|ch| ch.scale.is_some()) {
                    if let Some((lo, hi)) = n.scale {
                        let clo: f64 = scored.iter().filter_map(|ch| ch.scale).map(|s| s.0).sum();
                        let chi: f64 = scored.iter().filter_map(|ch| ch.scale).map(|s| s.1).sum();
                        if !close(lo, clo) || !close(hi, chi) {
                            return Err(err(
                                file,
                                c,
                                format!(
                                    "scale [{lo}, {hi}] is not the sum [{clo}, {chi}] of its scored children's scales"
                                ),
                            ));
                        }
                    }
                }
                if let Some(max) = n.max_points {
                    if scored.iter().all(|ch| ch.max_points.is_some()) {
                        let sum: f64 = scored.iter().filter_map(|ch| ch.max_points).sum();
                        if !close(max, sum) {
                            return Err(err(
                                file,
                                c,
                                format!("max_points = {max}, but its scored children's maxima add up to {sum}"),
                            ));
                        }
                    }
                }
            }
            Aggregation::Mean => {
                if let Some((lo, hi)) = n.scale {
                    for ch in &scored {
                        if let Some((clo, chi)) = ch.scale {
                            if !close(lo, clo) || !close(hi, chi) {
                                return Err(err(
                                    file,
                                    c,
                                    format!(
                                        "MEAN: scale [{lo}, {hi}] differs from child {}'s scale [{clo}, {chi}]",
                                        ch.code
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
            Aggregation::Ratio => {
                for ch in &scored {
                    if ch.max_points.is_none() {
                        return Err(err(
                            file,
                            Some(&ch.code),
                            format!("no max_points, but its parent {} is a RATIO", n.code),
                        ));
                    }
                }
                if scored.iter().filter_map(|ch| ch.max_points).sum::<f64>() <= 0.0 {
                    return Err(err(file, c, "RATIO: the scored children's max_points add up to 0"));
                }
            }
            Aggregation::Opaque => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "[edition]\ncode = \"x.2020\"\nfirst_year = 2020\nname_en = \"X\"\nname_vi = \"X\"\nstatus = \"official\"\n";

    fn with_nodes(nodes: &str) -> String {
        format!("{HEAD}{nodes}")
    }

    const GOOD: &str = r#"
[[node]]
code = "x.2020"
kind = "total"
name_en = "T"
scale = [10.0, 100.0]
aggregation = "WMEAN"
k = 10.0
weights_sum = 100.0
[[node]]
code = "x.2020/a"
kind = "sub-index"
name_en = "A"
scale = [1.0, 10.0]
weight = 40.0
[[node]]
code = "x.2020/b"
kind = "sub-index"
name_en = "B"
scale = [1.0, 10.0]
weight = 60.0
"#;

    fn message(text: &str) -> String {
        parse(text, "test.toml").unwrap_err().to_string()
    }

    #[test]
    fn good_file_loads() {
        let m = parse(&with_nodes(GOOD), "test.toml").unwrap();
        assert_eq!(m.nodes.len(), 3);
        assert_eq!(m.index, "x");
        assert_eq!(m.find("a"), Some(1));
        assert_eq!(m.find("x.2020/b"), Some(2));
    }

    #[test]
    fn kind_outside_the_vocabulary() {
        let t =
            with_nodes(&GOOD.replace("kind = \"sub-index\"\nname_en = \"B\"", "kind = \"subindex\"\nname_en = \"B\""));
        match parse(&t, "test.toml") {
            Err(ChisoError::Methodology { file, node, message }) => {
                assert_eq!((file.as_str(), node.as_deref()), ("test.toml", Some("x.2020/b")));
                assert!(
                    message.starts_with("kind: unknown node kind \"subindex\"; expected one of: total, "),
                    "{message}"
                );
                assert!(message.contains("sub-index") && message.contains("main indicator"), "{message}");
            }
            other => panic!("expected a Methodology error, got {other:?}"),
        }
    }

    #[test]
    fn duplicate_code() {
        let t = with_nodes(&format!(
            "{GOOD}\n[[node]]\ncode = \"x.2020/a\"\nkind = \"indicator\"\nname_en = \"A\"\nweight = 1.0\n"
        ));
        let m = message(&t);
        assert!(m.contains("test.toml") && m.contains("x.2020/a") && m.contains("duplicate"), "{m}");
    }

    #[test]
    fn unknown_parent() {
        let t = with_nodes(&GOOD.replace("code = \"x.2020/b\"", "code = \"x.2020/b\"\nparent = \"x.2020/zz\""));
        let m = message(&t);
        assert!(m.contains("x.2020/zz") && m.contains("x.2020/b"), "{m}");
    }

    #[test]
    fn cycle() {
        let t = with_nodes(&format!(
            "{GOOD}\n[[node]]\ncode = \"x.2020/c\"\nparent = \"x.2020/d\"\nkind = \"indicator\"\nname_en = \"C\"\nscored = false\n[[node]]\ncode = \"x.2020/d\"\nparent = \"x.2020/c\"\nkind = \"indicator\"\nname_en = \"D\"\nscored = false\n"
        ));
        let m = message(&t);
        assert!(m.contains("cycle"), "{m}");
    }

    #[test]
    fn weights_that_do_not_sum() {
        let m = message(&with_nodes(&GOOD.replace("weight = 60.0", "weight = 50.0")));
        assert!(m.contains("90") && m.contains("weights_sum = 100") && m.contains("x.2020"), "{m}");
    }

    #[test]
    fn maxima_that_do_not_add_up() {
        let t = with_nodes(
            r#"
[[node]]
code = "x.2020"
kind = "total"
name_en = "T"
max_points = 100.0
aggregation = "SUM"
[[node]]
code = "x.2020/a"
kind = "area"
name_en = "A"
max_points = 30.0
[[node]]
code = "x.2020/b"
kind = "area"
name_en = "B"
max_points = 60.0
"#,
        );
        let m = message(&t);
        assert!(m.contains("100") && m.contains("90"), "{m}");
    }

    #[test]
    fn unknown_rule() {
        let m = message(&with_nodes(&GOOD.replace("aggregation = \"WMEAN\"", "aggregation = \"GEOMEAN\"")));
        assert!(m.contains("GEOMEAN") && m.contains("x.2020") && m.contains("SUM, WMEAN"), "{m}");
    }

    #[test]
    fn bad_slug_and_bad_status() {
        assert!(message(&with_nodes(&GOOD.replace("x.2020/a", "x.2020/Bad Slug"))).contains("snake_case"));
        assert!(message(&with_nodes(&GOOD.replace("weight = 40.0", "weight = 40.0\nweight_status = \"guessed\"")))
            .contains("guessed"));
    }

    #[test]
    fn view_nodes_with_inputs() {
        let view = r#"
[[node]]
code = "x.2020:v"
kind = "total"
name_en = "V"
aggregation = "SUM"
inputs = ["x.2020"]
scored = false
[[node]]
code = "x.2020:v/p"
kind = "pillar"
name_en = "P"
aggregation = "MEAN"
inputs = ["a", "x.2020/b"]
"#;
        let m = parse(&with_nodes(&format!("{GOOD}{view}")), "test.toml").unwrap();
        let p = m.find("x.2020:v/p").unwrap();
        assert_eq!(m.nodes[p].path, ":v/p");
        assert_eq!(m.dependencies(p), vec![m.find("a").unwrap(), m.find("b").unwrap()]);
        // Evaluation order puts every node after what it is computed from.
        let order = m.topological_order();
        let pos = |i: usize| order.iter().position(|&x| x == i).unwrap();
        assert!(pos(0) < pos(m.find("x.2020:v").unwrap()));
        let unknown = message(&with_nodes(&format!("{GOOD}{}", view.replace("\"x.2020/b\"", "\"zz\""))));
        assert!(unknown.contains("zz") && unknown.contains("x.2020:v/p"), "{unknown}");
        // Counting the view in the total would make the total depend on itself.
        let cycle = message(&with_nodes(&format!("{GOOD}{}", view.replace("scored = false\n", ""))));
        assert!(cycle.contains("cycle"), "{cycle}");
        let wmean = message(&with_nodes(&format!(
            "{GOOD}{}",
            view.replace("aggregation = \"MEAN\"", "aggregation = \"WMEAN\"\nk = 1.0\nweights_sum = 1.0")
        )));
        assert!(wmean.contains("WMEAN"), "{wmean}");
    }

    #[test]
    fn scale_not_k_times_child() {
        let m = message(&with_nodes(&GOOD.replace("scale = [10.0, 100.0]", "scale = [0.0, 100.0]")));
        assert!(m.contains("k = 10"), "{m}");
    }
}

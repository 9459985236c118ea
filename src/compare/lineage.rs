//! Comparability of a node between two editions, from the lineage the methodology files record
//! (README §1.7): within one edition; comparable across the break(s), when every edition step between them says
//! the node's indicators did not change; otherwise cross-edition.

use std::collections::HashMap;

use crate::methodology::{catalog, LineageKind, Methodology, Status};

/// How two data years' values of a node relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparability {
    /// Both years in the same edition.
    WithinEdition,
    /// Different editions, but the lineage of every break between them says "comparable".
    ComparableAcrossBreak,
    /// Different editions and the node was rebuilt, re-scaled, re-weighted or its lineage is unknown.
    CrossEdition,
    /// One edition, but the years straddle a break the spec suspects and cannot confirm (PGI 2022→2023).
    SuspectedBreak,
}

named_enum!(Comparability, "comparability" {
    WithinEdition => "within_edition",
    ComparableAcrossBreak => "comparable_across_break",
    CrossEdition => "cross_edition",
    SuspectedBreak => "suspected_break",
});

impl Comparability {
    /// Publishers' own comparisons (PAPI) use only these.
    pub fn is_comparable(self) -> bool {
        matches!(self, Comparability::WithinEdition | Comparability::ComparableAcrossBreak)
    }
}

/// For one node of the later edition: the node it continues in the earlier one, and how comparable they are.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Link {
    /// Path in the earlier edition (None: the node is new since then).
    pub earlier_path: Option<String>,
    /// How comparable the two nodes are.
    pub comparability: Comparability,
    /// Weakest provenance of the lineage facts used.
    pub status: Status,
}

/// The built-in edition a methodology stands for in the lineage chain (a user variant stands for its base).
fn chain_code(m: &Methodology) -> &str {
    m.variant_of.as_deref().unwrap_or(&m.code)
}

/// Links from every node path of `later` to `earlier` (two editions of one index, `earlier` governing earlier data
/// years). Editions outside the built-in chain (a user's own file) are cross-edition unless identical.
pub fn links(earlier: &Methodology, later: &Methodology) -> HashMap<String, Link> {
    let same_path = |p: &str| earlier.node(p).map(|_| p.to_string()).or_else(|| p.is_empty().then(String::new));
    if earlier.code == later.code {
        return later
            .nodes
            .iter()
            .map(|n| {
                let link = Link {
                    earlier_path: Some(n.path.clone()),
                    comparability: Comparability::WithinEdition,
                    status: Status::Official,
                };
                (n.path.clone(), link)
            })
            .collect();
    }
    let chain = catalog().editions_of(&later.index);
    let position = |code: &str| chain.iter().position(|e| e.code == code);
    let (Some(i0), Some(i1)) = (position(chain_code(earlier)), position(chain_code(later))) else {
        return later
            .nodes
            .iter()
            .map(|n| {
                let link = Link {
                    earlier_path: same_path(&n.path),
                    comparability: Comparability::CrossEdition,
                    status: Status::Unknown,
                };
                (n.path.clone(), link)
            })
            .collect();
    };
    let mut out = HashMap::new();
    for n in &later.nodes {
        let mut path = Some(n.path.clone());
        let mut comparable = i1 > i0;
        let mut status = Status::Official;
        for j in ((i0 + 1)..=i1).rev() {
            let Some(p) = path.clone() else { break };
            let edition = chain[j];
            let Some(node) = edition.node(&p) else {
                path = None;
                comparable = false;
                break;
            };
            let previous = chain[j - 1];
            match &node.lineage {
                Some(l) => {
                    if l.kind != LineageKind::Comparable {
                        comparable = false;
                    }
                    status = status.weakest(l.status);
                    path = if l.kind == LineageKind::New {
                        None
                    } else {
                        let from = l.from.as_deref().map(|f| {
                            f.strip_prefix(previous.code.as_str())
                                .map(|r| r.trim_start_matches('/').to_string())
                                .unwrap_or_else(|| f.to_string())
                        });
                        let candidate = from.unwrap_or(p);
                        previous.node(&candidate).map(|x| x.path.clone())
                    };
                }
                None => {
                    comparable = false;
                    status = Status::Unknown;
                    path = previous.node(&p).map(|x| x.path.clone());
                }
            }
        }
        // A variant is a different weighting of the same tree: its composite does not compare with the base's.
        let reweighted = chain_code(later) != later.code || chain_code(earlier) != earlier.code;
        let comparability = if comparable && (!reweighted || n.children.is_empty()) {
            Comparability::ComparableAcrossBreak
        } else {
            Comparability::CrossEdition
        };
        let earlier_path = path.filter(|p| earlier.node(p).is_some() || p.is_empty());
        out.insert(n.path.clone(), Link { earlier_path, comparability, status });
    }
    out
}

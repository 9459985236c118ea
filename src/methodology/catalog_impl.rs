//! The built-in catalog: every index and edition file shipped in `methodologies/`, embedded at compile time and
//! validated once on first use.

use std::sync::OnceLock;

use serde::Deserialize;

use super::Methodology;
use crate::error::{ChisoError, Result};

// INDEX_FILES and EDITION_FILES: every file under methodologies/, embedded by build.rs.
include!(concat!(env!("OUT_DIR"), "/builtin_methodologies.rs"));

/// The order indices are listed in: the steering committee's own (the spec's overview table), then any other.
const INDEX_ORDER: &[&str] = &["par", "sipas", "papi", "pci", "pgi", "ict", "dti"];

fn index_rank(id: &str) -> usize {
    INDEX_ORDER.iter().position(|x| *x == id).unwrap_or(INDEX_ORDER.len())
}

/// What chiso knows about an index as a whole.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexInfo {
    /// Index id (pci, papi, …).
    pub id: String,
    /// English name.
    pub name_en: String,
    /// Vietnamese name, with diacritics.
    pub name_vi: String,
    /// The publishing institution.
    pub publisher: String,
    /// The publisher as an English report names it (display only; `publisher` is the full record).
    pub publisher_en: String,
    /// The publisher as a Vietnamese report names it (display only).
    pub publisher_vi: String,
    /// Where the index is published.
    pub source: String,
    /// The department that leads the index in a province's own plan (data, replaceable).
    pub lead_department_en: String,
    /// The provincial department that leads the index, in Vietnamese.
    pub lead_department_vi: String,
}

/// The publisher's threshold for a "significant" change, where one is documented (`[significance]` of an
/// `index.toml`): the default of [`crate::compare::CompareOptions::materiality`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignificanceInfo {
    /// Relative (|Δ / base| > threshold) or in points (|Δ| > threshold).
    pub measure: crate::compare::MaterialityMeasure,
    /// The threshold value.
    pub threshold: f64,
    /// Provenance, as the specification labels it.
    pub status: crate::Status,
    /// Free-text note from the specification.
    pub note: String,
}

/// The publisher's rule for the 34 merged units of 2025 (`[merged_units]` of an `index.toml`; README §1.9).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergedUnitsInfo {
    /// The rule.
    pub rule: crate::compare::MergeRule,
    /// Provenance of the rule.
    pub status: crate::Status,
    /// Where the rule is stated.
    pub note: String,
}

/// The field a publisher ranks when no year of `[ranked_field]` says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldDefault {
    /// Every unit on the data year's map (63 provinces, 64 with Hà Tây up to 2008, and separately the 34 units of
    /// 2025).
    Map,
}

named_enum!(FieldDefault, "ranked field default" { Map => "map" });

/// The field a publisher ranks in each data year (`[ranked_field]` of an `index.toml`; issue 9 §2): a rank is
/// computed only when the data year holds every unit of this field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankedFieldInfo {
    /// The field when no year says otherwise.
    pub default: FieldDefault,
    /// Provenance of the field.
    pub status: crate::Status,
    /// Where the field is stated.
    pub note: String,
    /// Years whose field is smaller than the map (provinces not surveyed).
    #[serde(default)]
    pub years: Vec<RankedFieldYears>,
}

/// Data years whose ranked field has another size than the map.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankedFieldYears {
    /// The data years.
    pub years: Vec<i32>,
    /// Number of provinces the publisher ranked (or surveyed) those years.
    pub size: u32,
    /// Provenance of the size.
    pub status: crate::Status,
    /// Where the size is stated.
    pub note: String,
}

/// The field of one index, data year and map: how many units the publisher ranked.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedField {
    /// Units ranked; 0 = the units the data give (a user's own index, whose field the user defines).
    pub size: u32,
    /// Provenance of the field.
    pub status: crate::Status,
    /// Where the field is stated.
    pub note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexFile {
    index: IndexInfo,
    significance: Option<SignificanceInfo>,
    merged_units: Option<MergedUnitsInfo>,
    ranked_field: RankedFieldInfo,
}

/// All built-in indices and editions.
#[derive(Debug)]
pub struct Catalog {
    /// Every built-in index.
    pub indices: Vec<IndexInfo>,
    /// Every built-in edition, by index then first data year.
    pub editions: Vec<Methodology>,
    /// Documented significance thresholds by index id.
    pub significance: Vec<(String, SignificanceInfo)>,
    /// Published rules for the 2025 merged units by index id.
    pub merged_units: Vec<(String, MergedUnitsInfo)>,
    /// The field each index ranks, by index id.
    pub ranked_fields: Vec<(String, RankedFieldInfo)>,
}

/// The built-in catalog, loaded and validated once. The files are part of the crate and a test loads every one
/// of them, so a broken file fails `cargo test`, never a user's call.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match Catalog::load_builtin() {
        Ok(c) => c,
        // Unreachable in a released build: `tests::builtin_files_load` checks every embedded file.
        Err(e) => panic!("chiso's built-in methodology files are invalid: {e}"),
    })
}

impl Catalog {
    /// Load and validate the embedded files.
    pub fn load_builtin() -> Result<Catalog> {
        let mut indices = Vec::new();
        let mut significance = Vec::new();
        let mut merged_units = Vec::new();
        let mut ranked_fields = Vec::new();
        for (path, text) in INDEX_FILES {
            let file = format!("builtin:methodologies/{path}");
            let f: IndexFile = toml::from_str(text).map_err(|e| ChisoError::Methodology {
                file: file.clone(),
                node: None,
                message: e.to_string(),
            })?;
            if let Some(sig) = f.significance {
                if !(sig.threshold.is_finite() && sig.threshold > 0.0) {
                    return Err(ChisoError::Methodology {
                        file,
                        node: None,
                        message: format!("significance: threshold {} must be a number > 0", sig.threshold),
                    });
                }
                significance.push((f.index.id.clone(), sig));
            }
            if let Some(m) = f.merged_units {
                merged_units.push((f.index.id.clone(), m));
            }
            let rf = &f.ranked_field;
            if rf.years.iter().any(|y| y.size == 0 || y.years.is_empty()) {
                return Err(ChisoError::Methodology {
                    file,
                    node: None,
                    message: "ranked_field: each years entry must be a non-empty list of years with a size > 0".into(),
                });
            }
            ranked_fields.push((f.index.id.clone(), f.ranked_field));
            indices.push(f.index);
        }
        indices.sort_by_key(|i| (index_rank(&i.id), i.id.clone()));
        let mut editions = Vec::new();
        for (path, text) in EDITION_FILES {
            editions.push(Methodology::from_toml_str(text, &format!("builtin:methodologies/{path}"))?);
        }
        // Index by index, default views first, then by first data year.
        editions.sort_by_key(|e| (index_rank(&e.index), e.index.clone(), e.is_view(), e.first_year, e.code.clone()));
        for e in &editions {
            if !indices.iter().any(|i: &IndexInfo| i.id == e.index) {
                return Err(ChisoError::Methodology {
                    file: e.origin.clone(),
                    node: None,
                    message: format!("edition {} belongs to index {:?}, which has no index.toml", e.code, e.index),
                });
            }
        }
        Ok(Catalog { indices, editions, significance, merged_units, ranked_fields })
    }

    fn known_indices(&self) -> String {
        self.indices.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(", ")
    }

    fn known_editions(&self, index: &str) -> String {
        self.editions
            .iter()
            .filter(|e| e.index == index)
            .map(|e| format!("{} ({})", e.code, e.years_label()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The index with this id (case-insensitive).
    pub fn index(&self, id: &str) -> Result<&IndexInfo> {
        let id_l = id.trim().to_ascii_lowercase();
        self.indices
            .iter()
            .find(|i| i.id == id_l)
            .ok_or_else(|| ChisoError::UnknownIndex { index: id.to_string(), known: self.known_indices() })
    }

    /// The documented materiality threshold of an index (its `[significance]` wording), if any.
    pub fn index_materiality(&self, index: &str) -> Option<crate::compare::Materiality> {
        let (_, s) = self.significance.iter().find(|(id, _)| id == index)?;
        Some(s.measure.with(s.threshold))
    }

    /// The published rule (and its status) for mapping the 63 provinces onto the 34 units of 2025, if any.
    pub fn index_merge_rule(&self, index: &str) -> Option<(crate::compare::MergeRule, crate::Status)> {
        let (_, m) = self.merged_units.iter().find(|(id, _)| id == index)?;
        Some((m.rule, m.status))
    }

    /// The field `index` ranks in data year `year` on map `geography` (issue 9 §2): the index's declared size for
    /// that year on the 63-province map, else every unit on the map that year. An index that is not built in (a
    /// user's own file) has no publisher's field: its field is the units the user gives (size 0).
    pub fn ranked_field(&self, index: &str, year: i32, geography: crate::provinces::Geography) -> RankedField {
        let Some((_, info)) = self.ranked_fields.iter().find(|(id, _)| id == index) else {
            return RankedField {
                size: 0,
                status: crate::Status::UserSupplied,
                note: "an index that is not built in: its field is the provinces given".into(),
            };
        };
        let map = crate::provinces::Registry::get().map_size(geography, year);
        let declared = (geography == crate::provinces::Geography::Provinces63)
            .then(|| info.years.iter().find(|y| y.years.contains(&year)))
            .flatten();
        match declared {
            Some(y) => RankedField { size: y.size, status: y.status, note: y.note.clone() },
            None => RankedField { size: map, status: info.status, note: info.note.clone() },
        }
    }

    /// The editions of one index, oldest first (default views only: a view such as `par.2022:blocks` is a second
    /// decomposition of an edition's total, listed by [`Catalog::views_of`]).
    pub fn editions_of(&self, index: &str) -> Vec<&Methodology> {
        self.editions.iter().filter(|e| e.index == index && !e.is_view()).collect()
    }

    /// The views of one index's editions.
    pub fn views_of(&self, index: &str) -> Vec<&Methodology> {
        self.editions.iter().filter(|e| e.index == index && e.is_view()).collect()
    }

    /// The edition with this code.
    pub fn edition(&self, code: &str) -> Result<&Methodology> {
        let code = code.trim();
        if let Some(e) = self.editions.iter().find(|e| e.code == code) {
            return Ok(e);
        }
        let index = code.split('.').next().unwrap_or(code);
        let info = self.index(index)?;
        Err(ChisoError::UnknownEdition {
            index: info.id.clone(),
            edition: code.to_string(),
            known: self.known_editions(&info.id),
        })
    }

    /// The edition of `index` in force for data year `year`.
    ///
    /// ```
    /// let c = chiso::catalog();
    /// assert_eq!(c.for_year("pci", 2021).unwrap().code, "pci.2013");
    /// assert_eq!(c.for_year("pci", 2022).unwrap().code, "pci.2022");
    /// assert!(c.for_year("papi", 2010).is_err());
    /// ```
    pub fn for_year(&self, index: &str, year: i32) -> Result<&Methodology> {
        let info = self.index(index)?;
        self.editions.iter().find(|e| e.index == info.id && e.covers(year)).ok_or_else(|| {
            ChisoError::NoEditionForYear { index: info.id.clone(), year, known: self.known_editions(&info.id) }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_files_load() {
        let c = Catalog::load_builtin().unwrap();
        assert_eq!(c.indices.len(), INDEX_FILES.len());
        assert_eq!(c.editions.len(), EDITION_FILES.len());
    }

    #[test]
    fn editions_are_ordered_and_disjoint() {
        let c = catalog();
        for info in &c.indices {
            let eds = c.editions_of(&info.id);
            assert!(!eds.is_empty(), "{}", info.id);
            for pair in eds.windows(2) {
                let last = pair[0].last_year.expect("only the newest edition may be open-ended");
                // Gaps are real where the spec has no data year (SIPAS 2016: the 2015 survey was a one-off).
                assert!(last < pair[1].first_year, "{} overlaps {}", pair[0].code, pair[1].code);
            }
            // Every view covers exactly the years of its edition.
            for v in c.views_of(&info.id) {
                let base = c.edition(v.code.split(':').next().unwrap()).unwrap();
                assert_eq!((v.first_year, v.last_year), (base.first_year, base.last_year), "{}", v.code);
            }
        }
        for id in ["pci", "papi"] {
            let eds = c.editions_of(id);
            for pair in eds.windows(2) {
                assert_eq!(pair[0].last_year.unwrap() + 1, pair[1].first_year, "{id}: contiguous");
            }
            // 2025 brings the 34 merged units, for which no PCI or PAPI rule is known: refused, not guessed.
            match c.for_year(id, 2025) {
                Err(crate::ChisoError::NoEditionForYear { index, year, .. }) => {
                    assert_eq!((index.as_str(), year), (id, 2025))
                }
                other => panic!("{id} 2025: expected NoEditionForYear, got {other:?}"),
            }
            assert!(c.for_year(id, 2024).is_ok());
        }
    }
}

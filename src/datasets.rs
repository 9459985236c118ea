//! The published tables chiso ships, as long rows keyed by canonical GSO code.
//!
//! Built by `scripts/build_datasets.py` from the raw files in the shared data folder and embedded at compile
//! time; sources, licences and known defects are in `data/SOURCES.md`.
//!
//! * [`pci`]: VCCI's PCI workbooks 2005–2016 (sub-indices, composite, ranks, tiers), composites 2017–2022, the
//!   official 2020 ranking.
//! * [`papi`]: PAPI sub-dimension scores 2011–2024 (dimensions and totals follow by the edition rules).

use crate::error::{ChisoError, Result};
use crate::provinces::Registry;

const PCI_CSV: &str = include_str!("../data/pci.csv");
const PAPI_CSV: &str = include_str!("../data/papi.csv");
const PAR_CSV: &str = include_str!("../data/par.csv");
const SIPAS_CSV: &str = include_str!("../data/sipas.csv");
const DTI_CSV: &str = include_str!("../data/dti.csv");
const ICT_CSV: &str = include_str!("../data/ict.csv");
const PGI_CSV: &str = include_str!("../data/pgi.csv");

/// Sources of the PAR INDEX, SIPAS, DTI, ICT Index and PGI values (`data/SOURCES_other_indices.md`).
pub const SOURCES_OTHER_INDICES: &str = include_str!("../data/SOURCES_other_indices.md");

/// Where every bundled value comes from, its licence and its known defects (`data/SOURCES.md`).
pub const SOURCES: &str = include_str!("../data/SOURCES.md");

/// What a published value measures: a [`Measure`](crate::Measure) scoring can read, or a publisher's tier or
/// group label (kept, not scored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PublishedMeasure {
    /// On the node's own scale.
    Score,
    /// Points out of the node's maximum.
    Points,
    /// Points / maximum (0–1).
    Ratio,
    /// Ratio × 100.
    Pct,
    /// The publisher's rank.
    Rank,
    /// The publisher's tier (PCI: `Rất tốt` … ), its label in `label`.
    Tier,
    /// The publisher's performance group, its label in `label`.
    Group,
}

named_enum!(PublishedMeasure, "published measure" {
    Score => "score",
    Points => "points",
    Ratio => "ratio",
    Pct => "pct",
    Rank => "rank",
    Tier => "tier",
    Group => "group",
});

impl PublishedMeasure {
    /// The measure scoring reads the value in; None for tiers and groups (labels, not values to score).
    pub fn scored(self) -> Option<crate::Measure> {
        use crate::Measure;
        match self {
            PublishedMeasure::Score => Some(Measure::Score),
            PublishedMeasure::Points => Some(Measure::Points),
            PublishedMeasure::Ratio => Some(Measure::Ratio),
            PublishedMeasure::Pct => Some(Measure::Pct),
            PublishedMeasure::Rank => Some(Measure::Rank),
            PublishedMeasure::Tier | PublishedMeasure::Group => None,
        }
    }
}

/// Where a bundled value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// The publisher's own file or page.
    Official,
    /// A third-party transcription of the publisher's file.
    OfficialTranscribed,
    /// A newspaper or provincial page quoting the publisher.
    Press,
    /// Computed by the dataset builder from published values (the note says how).
    Derived,
}

named_enum!(SourceKind, "source kind" {
    Official => "official",
    OfficialTranscribed => "official_transcribed",
    Press => "press",
    Derived => "derived",
});

/// What a bundled value is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// A province of the 63-unit map (or Hà Tây).
    Province,
    /// One of the 34 units of 2025.
    Unit2025,
    /// The nation (an average or a national index), province code `VN`.
    National,
}

named_enum!(Subject, "unit" { Province => "province", Unit2025 => "unit_2025", National => "national" });

/// One published value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct DatasetRow {
    /// Data year.
    pub year: i32,
    /// GSO code of the province (or 2025 unit).
    pub province_code: String,
    /// Vietnamese name of the province, with diacritics.
    pub province: String,
    /// Edition code (the part of `node` before the first "/").
    pub edition: String,
    /// Full node code, e.g. `pci.2013/transparency`.
    pub node: String,
    /// What the value measures (`score`, `rank`, `tier`, …).
    pub measure: PublishedMeasure,
    /// The published value.
    pub value: f64,
    /// Tier label for `tier` rows (e.g. "Khá"), else empty.
    pub label: String,
    /// Where the value comes from: the publisher's own file or page, a transcription of it, the press, or derived.
    pub provenance: SourceKind,
    /// Source key (explained in `data/SOURCES.md`) or the source's URL.
    pub source: String,
    /// A province, a 2025 unit, or the nation.
    pub unit: Subject,
    /// Where the number stands in the spec, conflicts with other rows, caveats.
    pub note: String,
    /// The value scoring uses for its cell. Where sources conflict (two values for one province, year, node and
    /// measure), one row is primary — the figure of the publisher or of the outlet closest to it, chosen and
    /// explained by the dataset builder — and the others are alternatives, kept and reachable.
    pub primary: bool,
}

/// Split one CSV line, honouring double-quoted fields.
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    out.push(field);
    out
}

fn parse(text: &str, name: &str) -> Result<Vec<DatasetRow>> {
    let registry = Registry::get();
    let mut lines = text.lines();
    let header: Vec<String> = split_csv(lines.next().unwrap_or_default());
    let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let (Some(iy), Some(ig), Some(ic), Some(iv), Some(ip), Some(is)) = (
        col(&["year"]),
        col(&["gso_code", "province_code"]),
        col(&["code", "node"]),
        col(&["value"]),
        col(&["provenance"]),
        col(&["source", "source_url"]),
    ) else {
        return Err(ChisoError::Data(format!("dataset {name}: unexpected header {header:?}")));
    };
    let (im, il, iu, inote) = (col(&["measure"]), col(&["label"]), col(&["unit"]), col(&["note"]));
    let iprimary = col(&["primary"]);
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let f = split_csv(line);
        let bad = |what: &str| ChisoError::Data(format!("dataset {name}, line {}: {what}", n + 2));
        let get = |i: usize| f.get(i).map(String::as_str).ok_or_else(|| bad("too few fields"));
        let year: i32 = get(iy)?.parse().map_err(|_| bad("year"))?;
        let value: f64 = get(iv)?.parse().map_err(|_| bad("value"))?;
        let code = get(ig)?;
        // "VN": a national figure (average, national index), not a province.
        let (province_code, province) = if code == "VN" {
            ("VN".to_string(), "Việt Nam".to_string())
        } else {
            let p = registry.by_code(code).ok_or_else(|| bad("unknown province code"))?;
            (p.code.clone(), p.name_vi.clone())
        };
        let node = get(ic)?.to_string();
        let edition = node.split('/').next().unwrap_or_default().to_string();
        let opt = |i: Option<usize>, default: &str| -> Result<String> {
            Ok(i.map(get).transpose()?.unwrap_or(default).to_string())
        };
        let word = |e: ChisoError| bad(&e.to_string());
        rows.push(DatasetRow {
            year,
            province_code,
            province,
            edition,
            node,
            measure: opt(im, "score")?.parse().map_err(word)?,
            value,
            label: opt(il, "")?,
            provenance: get(ip)?.parse().map_err(word)?,
            source: get(is)?.to_string(),
            unit: opt(iu, if code == "VN" { "national" } else { "province" })?.parse().map_err(word)?,
            note: opt(inote, "")?,
            primary: match iprimary.map(get).transpose()? {
                None | Some("true") => true,
                Some("false") => false,
                Some(_) => return Err(bad("primary must be true or false")),
            },
        });
    }
    Ok(rows)
}

/// PCI as published by VCCI: scores, ranks and tiers, 2005–2022 (see the module docs for coverage).
pub fn pci() -> Result<Vec<DatasetRow>> {
    parse(PCI_CSV, "data/pci.csv")
}

/// PAPI sub-dimension scores, 2011–2024.
pub fn papi() -> Result<Vec<DatasetRow>> {
    parse(PAPI_CSV, "data/papi.csv")
}

/// PAR INDEX values quoted by the specification (totals, national averages, ranks), with source URLs.
pub fn par() -> Result<Vec<DatasetRow>> {
    parse(PAR_CSV, "data/par.csv")
}

/// SIPAS values quoted by the specification (overall and element percentages, ranges, ranks).
pub fn sipas() -> Result<Vec<DatasetRow>> {
    parse(SIPAS_CSV, "data/sipas.csv")
}

/// DTI values quoted by the specification (totals, pillars, averages, ranks; 2024 also for the 34 units).
pub fn dti() -> Result<Vec<DatasetRow>> {
    parse(DTI_CSV, "data/dti.csv")
}

/// ICT Index values quoted by the specification (totals and components of a few provinces, ranks).
pub fn ict() -> Result<Vec<DatasetRow>> {
    parse(ICT_CSV, "data/ict.csv")
}

/// PGI values: the specification's and the shared raw tables' totals and ranks, 2022–2024.
pub fn pgi() -> Result<Vec<DatasetRow>> {
    parse(PGI_CSV, "data/pgi.csv")
}

/// A bundled dataset by index id.
pub fn by_index(index: &str) -> Result<Vec<DatasetRow>> {
    match index {
        "pci" => pci(),
        "papi" => papi(),
        "par" => par(),
        "sipas" => sipas(),
        "dti" => dti(),
        "ict" => ict(),
        "pgi" => pgi(),
        other => {
            Err(ChisoError::UnknownIndex { index: other.into(), known: "par, sipas, papi, pci, pgi, ict, dti".into() })
        }
    }
}

/// The rows of a dataset scoring uses (values in score, points, ratio or pct, and published ranks; not tiers or
/// groups, not national figures, and of conflicting values only the primary one) as observations for
/// [`crate::score`].
pub fn observations(rows: &[DatasetRow]) -> Vec<crate::Observation> {
    rows.iter()
        .filter(|r| r.unit != Subject::National && r.primary)
        .filter_map(|r| {
            let measure = r.measure.scored()?;
            Some(crate::Observation::new(r.province_code.clone(), r.year, r.node.clone(), r.value).in_measure(measure))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_dataset_parses_with_known_units() {
        for index in ["pci", "papi", "par", "sipas", "dti", "ict", "pgi"] {
            let rows = by_index(index).unwrap();
            assert!(!rows.is_empty(), "{index}");
            for r in &rows {
                assert!(r.node.starts_with(&format!("{index}.")), "{index}: {}", r.node);
                assert!(r.value.is_finite());
            }
        }
        match by_index("xyz") {
            Err(crate::ChisoError::UnknownIndex { index, known }) => {
                assert_eq!(index, "xyz");
                assert!(known.contains("papi") && known.contains("pci"), "{known}");
            }
            other => panic!("expected UnknownIndex, got {:?}", other.map(|r| r.len())),
        }
    }
}

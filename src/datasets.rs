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

/// Where every bundled value comes from, its licence and its known defects (`data/SOURCES.md`).
pub const SOURCES: &str = include_str!("../data/SOURCES.md");

/// One published value.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetRow {
    pub year: i32,
    pub province_code: String,
    pub province: String,
    /// Edition code (the part of `node` before the first "/").
    pub edition: String,
    /// Full node code, e.g. `pci.2013/transparency`.
    pub node: String,
    /// `score`, `rank` or `tier`.
    pub measure: String,
    pub value: f64,
    /// Tier label for `tier` rows (e.g. "Khá"), else empty.
    pub label: String,
    /// `official` (the publisher's own file or page) or `official_transcribed` (a third-party transcription).
    pub provenance: String,
    /// Source key, explained in `data/SOURCES.md`.
    pub source: String,
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
    let col = |c: &str| header.iter().position(|h| h == c);
    let (Some(iy), Some(ig), Some(ic), Some(iv), Some(ip), Some(is)) =
        (col("year"), col("gso_code"), col("code"), col("value"), col("provenance"), col("source"))
    else {
        return Err(ChisoError::Data(format!("dataset {name}: unexpected header {header:?}")));
    };
    let (im, il) = (col("measure"), col("label"));
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let f = split_csv(line);
        let bad = |what: &str| ChisoError::Data(format!("dataset {name}, line {}: {what}", n + 2));
        let get = |i: usize| f.get(i).map(String::as_str).ok_or_else(|| bad("too few fields"));
        let year: i32 = get(iy)?.parse().map_err(|_| bad("year"))?;
        let value: f64 = get(iv)?.parse().map_err(|_| bad("value"))?;
        let code = get(ig)?;
        let province = registry.by_code(code).ok_or_else(|| bad("unknown GSO code"))?;
        let node = get(ic)?.to_string();
        rows.push(DatasetRow {
            year,
            province_code: province.code.clone(),
            province: province.name_vi.clone(),
            edition: node.split('/').next().unwrap_or_default().to_string(),
            node,
            measure: im.map(get).transpose()?.unwrap_or("score").to_string(),
            value,
            label: il.map(get).transpose()?.unwrap_or("").to_string(),
            provenance: get(ip)?.to_string(),
            source: get(is)?.to_string(),
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

/// The `score` rows of a dataset as observations for [`crate::score`].
pub fn observations(rows: &[DatasetRow]) -> Vec<crate::Observation> {
    rows.iter()
        .filter(|r| r.measure == "score")
        .map(|r| crate::Observation::new(r.province_code.clone(), r.year, r.node.clone(), r.value))
        .collect()
}

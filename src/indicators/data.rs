//! The bundled raw indicators (`data/pci_indicators.csv`, built by `scripts/build_pci_indicators.py` from VCCI's
//! workbooks 2013–2016; provenance in `data/SOURCES.md`) as a [`Field`] of a layer.

use super::field::Field;
use super::layer::Layer;
use crate::datasets;
use crate::error::{ChisoError, Result};

/// year, gso_code, sub_index, indicator, value.
pub const BUNDLED_INDICATORS: &str = include_str!("../../data/pci_indicators.csv");

/// The index whose raw indicators the bundled file holds. This names the file's content, not a rule: no other index
/// has published criterion-level data for every province (PAR INDEX and DTI print totals and areas only), so a
/// layer of another index scores the raw values its user passes.
pub const BUNDLED_INDEX: &str = "pci";

/// The bundled field of a layer's year: every province with raw values, and the published node values
/// (sub-indices) from the bundled PCI table. Built once per year and set of indicators (the bundled CSV holds
/// 60,000 rows), then cloned.
pub fn bundled_field(layer: &Layer, year: i32) -> Result<Field> {
    let index = crate::methodology::catalog().edition(&layer.edition)?.index.clone();
    if index != BUNDLED_INDEX {
        return Err(ChisoError::InvalidArgument(format!(
            "no bundled indicator data for {} ({year}): the bundled raw indicators are {BUNDLED_INDEX}'s; pass the \
             field's raw values (province, indicator, value)",
            layer.edition
        )));
    }
    use std::collections::hash_map::DefaultHasher;
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<(i32, u64), Field>>> = OnceLock::new();
    // The field depends on the year, the edition and the layer's indicators and nodes in order (their columns).
    let mut h = DefaultHasher::new();
    layer.edition.hash(&mut h);
    layer.indicators.iter().for_each(|i| i.path.hash(&mut h));
    layer.nodes.iter().for_each(|n| n.node.hash(&mut h));
    let key = (year, h.finish());
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(f) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(f);
    }
    let field = read_bundled_field(layer, year)?;
    if let Ok(mut c) = cache.lock() {
        // Bounded: built-in layers give one entry per year (twice with the min-max variant's equal columns).
        if c.len() >= 64 {
            c.clear();
        }
        c.insert(key, field.clone());
    }
    Ok(field)
}

fn read_bundled_field(layer: &Layer, year: i32) -> Result<Field> {
    let k = layer.indicators.len();
    let mut provinces: Vec<String> = Vec::new();
    let mut raw: Vec<f64> = Vec::new();
    for line in BUNDLED_INDICATORS.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != 5 || f[0].parse::<i32>().ok() != Some(year) {
            continue;
        }
        let path = format!("{}/{}", f[2], f[3]);
        let j = layer
            .find(&path)
            .ok_or_else(|| ChisoError::Data(format!("bundled indicator {path} ({year}) is not in the layer")))?;
        let p = match provinces.iter().position(|c| c == f[1]) {
            Some(p) => p,
            None => {
                provinces.push(f[1].to_string());
                raw.extend(std::iter::repeat_n(f64::NAN, k));
                provinces.len() - 1
            }
        };
        raw[p * k + j] = f[4].parse().map_err(|_| ChisoError::Data(format!("bad value {:?} in {line}", f[4])))?;
    }
    if provinces.is_empty() {
        return Err(ChisoError::Data(format!("no bundled indicator values for {year}")));
    }
    let m = layer.nodes.len();
    let mut published = vec![f64::NAN; provinces.len() * m];
    for row in datasets::pci()? {
        if row.year != year || row.measure != crate::datasets::PublishedMeasure::Score {
            continue;
        }
        let Some(p) = provinces.iter().position(|c| *c == row.province_code) else { continue };
        let path = row.node.strip_prefix(&format!("{}/", layer.edition)).unwrap_or("");
        if let Some(q) = layer.nodes.iter().position(|n| n.node == path) {
            published[p * m + q] = row.value;
        }
    }
    Ok(Field { year, provinces, raw, published })
}

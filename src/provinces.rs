//! The registry of provinces: GSO codes, Vietnamese and ASCII names, aliases seen in the published data, regions
//! and the 2025 merger. Built from `data/provinces.csv` and `data/provinces_2025.csv` (sources in
//! `data/provinces_SOURCES.md`), embedded at compile time.
//!
//! Matching is case-, accent- and punctuation-insensitive ("tra vinh", "TRÀ VINH", "Trà  Vinh", "TVINH", "84",
//! "P54" all find Trà Vinh); an unknown name is an error that suggests the closest names.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::error::{ChisoError, Result};
use crate::text;

const PROVINCES_CSV: &str = include_str!("../data/provinces.csv");
const UNITS_2025_CSV: &str = include_str!("../data/provinces_2025.csv");

/// One province (or centrally-run city) of the 63-unit system, or Hà Tây (merged into Hà Nội in 2008).
#[derive(Debug, Clone, PartialEq)]
pub struct Province {
    /// 2-digit GSO code, the canonical id ("84").
    pub code: String,
    /// Vietnamese name with diacritics ("Trà Vinh").
    pub name_vi: String,
    /// ASCII name ("Tra Vinh").
    pub name_ascii: String,
    /// A province or a centrally-run city.
    pub kind: ProvinceKind,
    /// Spellings seen in the published data.
    pub aliases: Vec<String>,
    /// GSO socio-economic region (Vietnamese).
    pub region: String,
    /// The 2025 unit it belongs to (Resolution 202/2025/QH15).
    pub merged_2025_into: String,
    /// The pre-merger province that hosts the 2025 unit's centre.
    pub merged_2025_seat: String,
    /// PAPI panel code `P01`–`P63` (GSO order); none for Hà Tây.
    pub papi_code: Option<String>,
    /// First and last data years in which the unit existed as a province of its own.
    pub years: (i32, i32),
    /// Which map the unit belongs to.
    pub geography: Geography,
    /// For a 2025 unit: the GSO codes of the pre-merger provinces it was formed from.
    pub members: Vec<String>,
}

/// The two maps of provincial units chiso knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Geography {
    /// The 63 provinces and centrally-run cities of 2008–2025 (and Hà Tây before 2008).
    Provinces63,
    /// The 34 units from 1 July 2025 (Resolution 202/2025/QH15), data years 2025 onward.
    Units2025,
}

named_enum!(Geography, "map" { Provinces63 => "provinces_63", Units2025 => "units_2025" });

/// Whether a unit is a province (tỉnh) or a centrally-run city (thành phố trực thuộc trung ương).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProvinceKind {
    /// A province (tỉnh).
    Province,
    /// A centrally-run city (thành phố trực thuộc trung ương).
    City,
}

named_enum!(ProvinceKind, "province kind" { Province => "province", City => "city" });

/// A unit of the 34-unit system in force from 1 July 2025.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit2025 {
    /// Vietnamese name, with diacritics.
    pub name_vi: String,
    /// Name without diacritics.
    pub name_ascii: String,
    /// A province (tỉnh) or a centrally-run city (thành phố).
    pub kind: ProvinceKind,
    /// GSO codes of the pre-merger provinces it was formed from.
    pub members: Vec<String>,
}

/// The registry: every province, the 2025 units and the alias index.
#[derive(Debug)]
pub struct Registry {
    /// The 64 pre-2025 units (63 + Hà Tây) in GSO order, then the 34 units of 2025.
    all: Vec<Province>,
    n_provinces: usize,
    units_2025: Vec<Unit2025>,
    /// Matching key → units with that name (a name such as "Vĩnh Long" names one unit in each map).
    by_key: HashMap<String, Vec<usize>>,
}

/// Minimal CSV line splitter for the registry files (no quoted fields in them; checked by a test).
fn split_csv(line: &str) -> Vec<&str> {
    line.split(',').collect()
}

impl Registry {
    fn build() -> Registry {
        let mut provinces = Vec::new();
        let mut papi_counter = 0;
        for line in PROVINCES_CSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let f = split_csv(line);
            let get = |i: usize| f.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
            let code = get(0);
            // Data years in which the unit is a province of its own. Hà Tây (28) was merged into Hà Nội on
            // 1 August 2008 (PCI 2006–2008 score it, PAPI never did). The 63 units end with data year 2024: the
            // 34 units of Resolution 202/2025/QH15 govern from 1 July 2025. Điện Biên, Lai Châu, Đắk Nông and
            // Hậu Giang were created on 1 January 2004; the others took their present form by 1997.
            let (papi_code, years) = if code == "28" {
                (None, (1991, 2008))
            } else {
                papi_counter += 1;
                let first = if ["11", "12", "67", "93"].contains(&code.as_str()) { 2004 } else { 1997 };
                (Some(format!("P{papi_counter:02}")), (first, 2024))
            };
            provinces.push(Province {
                code,
                name_vi: get(1),
                // The bundled file holds only these two words (`every_unit_is_a_province_or_a_city` checks it).
                kind: if get(2) == "city" { ProvinceKind::City } else { ProvinceKind::Province },
                name_ascii: get(3),
                aliases: get(4).split('|').filter(|a| !a.is_empty()).map(str::to_string).collect(),
                region: get(5),
                merged_2025_into: get(6),
                merged_2025_seat: get(7),
                papi_code,
                years,
                geography: Geography::Provinces63,
                members: Vec::new(),
            });
        }
        let units_2025: Vec<Unit2025> = UNITS_2025_CSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let f = split_csv(line);
                let get = |i: usize| f.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
                Unit2025 {
                    name_vi: get(0),
                    name_ascii: get(1),
                    kind: if get(2) == "city" { ProvinceKind::City } else { ProvinceKind::Province },
                    members: get(3).split('|').map(str::to_string).collect(),
                }
            })
            .collect();
        let n_provinces = provinces.len();
        let mut all = provinces;
        // The 2025 units have no code in the data chiso holds (their GSO codes are not in the spec): chiso gives
        // each the id "N" + the GSO code of the pre-merger province that hosts its centre (provinces.csv,
        // merged_2025_seat), e.g. Vĩnh Long (2025) = "N86". Their region is the seat's.
        for u in &units_2025 {
            let seat_name = u
                .members
                .iter()
                .filter_map(|m| all[..n_provinces].iter().find(|p| &p.code == m))
                .map(|p| p.merged_2025_seat.clone())
                .next()
                .unwrap_or_default();
            // The seat is named as in provinces.csv, sometimes by an alias ("Huế" for Thừa Thiên Huế).
            let seat_key = text::key(&seat_name);
            let seat = all[..n_provinces]
                .iter()
                .find(|p| std::iter::once(&p.name_vi).chain(p.aliases.iter()).any(|n| text::key(n) == seat_key));
            all.push(Province {
                code: format!("N{}", seat.map_or("00", |p| p.code.as_str())),
                name_vi: u.name_vi.clone(),
                name_ascii: u.name_ascii.clone(),
                kind: u.kind,
                aliases: Vec::new(),
                region: seat.map(|p| p.region.clone()).unwrap_or_default(),
                merged_2025_into: u.name_vi.clone(),
                merged_2025_seat: seat_name,
                papi_code: None,
                // From data year 2024: DTI 2024 was published for the 34 units as well as the 63 provinces
                // (README §1.9). A name shared by both maps still means the province up to 2024.
                years: (2024, 9999),
                geography: Geography::Units2025,
                members: u.members.clone(),
            });
        }
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in all.iter().enumerate() {
            let mut names = vec![p.code.clone(), p.name_vi.clone(), p.name_ascii.clone()];
            names.extend(p.aliases.iter().cloned());
            if let Some(pc) = &p.papi_code {
                names.push(pc.clone());
            }
            for n in names {
                let entry = by_key.entry(text::key(&n)).or_default();
                if !entry.contains(&i) {
                    entry.push(i);
                }
            }
        }
        Registry { all, n_provinces, units_2025, by_key }
    }

    /// The built-in registry (63 provinces + Hà Tây, and the 34 units of 2025).
    pub fn get() -> &'static Registry {
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        REGISTRY.get_or_init(Registry::build)
    }

    /// The pre-2025 provinces in GSO order (Hà Tây included).
    pub fn provinces(&self) -> &[Province] {
        &self.all[..self.n_provinces]
    }

    /// Every unit of both maps: the pre-2025 provinces, then the 34 units of 2025. Result tables index this list.
    pub fn all(&self) -> &[Province] {
        &self.all
    }

    /// How many units of `geography` exist in data year `year` (63 provinces; 64 with Hà Tây up to 2008; 34 units
    /// of 2025): the default field a publisher ranks.
    pub fn map_size(&self, geography: Geography, year: i32) -> u32 {
        self.all.iter().filter(|p| p.geography == geography && (p.years.0..=p.years.1).contains(&year)).count() as u32
    }

    /// Position in [`Registry::all`] of a unit by its canonical code.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.all.iter().position(|p| p.code == code)
    }

    /// The 34 units of the 2025 system.
    pub fn units_2025(&self) -> &[Unit2025] {
        &self.units_2025
    }

    /// Find a province by code, name or alias, ignoring case, diacritics, spaces and punctuation, and the
    /// prefixes "Tỉnh", "Thành phố" and "TP".
    ///
    /// ```
    /// let r = chiso::Registry::get();
    /// assert_eq!(r.find("tra vinh").unwrap().code, "84");
    /// assert_eq!(r.find("TP.HCM").unwrap().code, "79");
    /// assert_eq!(r.find("Thanh pho Can Tho").unwrap().code, "92");
    /// assert!(r.find("Tra Vnh").unwrap_err().to_string().contains("Trà Vinh"));
    /// ```
    pub fn find(&self, name: &str) -> Result<&Province> {
        Ok(&self.all[self.candidates(name)?[0]])
    }

    /// The unit a name means in data year `year`: a name shared by both maps ("Vĩnh Long") means the
    /// pre-merger province up to 2024 and the 2025 unit from 2025.
    ///
    /// ```
    /// let r = chiso::Registry::get();
    /// assert_eq!(r.find_for_year("Vĩnh Long", 2024).unwrap().code, "86");
    /// assert_eq!(r.find_for_year("Vĩnh Long", 2025).unwrap().code, "N86");
    /// ```
    pub fn find_for_year(&self, name: &str, year: i32) -> Result<&Province> {
        let candidates = self.candidates(name)?;
        let i = candidates
            .iter()
            .copied()
            .find(|&i| (self.all[i].years.0..=self.all[i].years.1).contains(&year))
            .unwrap_or(candidates[0]);
        Ok(&self.all[i])
    }

    /// Every unit a name may mean (positions in [`Registry::all`], pre-2025 province first).
    pub fn candidates(&self, name: &str) -> Result<Vec<usize>> {
        if name.len() > crate::limits::MAX_NAME_BYTES {
            let head: String = name.chars().take(40).collect();
            return Err(ChisoError::UnknownProvince {
                name: format!(
                    "{head}… ({} bytes; a province name has at most {})",
                    name.len(),
                    crate::limits::MAX_NAME_BYTES
                ),
                suggestions: Vec::new(),
            });
        }
        // A code written as a float ("1.0", pandas' codes once a cell is missing) is its integer code; a fraction
        // ("1.5") is no code. Without this, "1.0" would lose its point and read as "10".
        let trimmed = name.trim();
        if let Some((int, frac)) = trimmed.split_once('.') {
            let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
            if digits(int) && digits(frac) {
                if frac.chars().all(|c| c == '0') {
                    return self.candidates(int);
                }
                return Err(ChisoError::UnknownProvince {
                    name: format!("{trimmed} (a province code is a whole number)"),
                    suggestions: Vec::new(),
                });
            }
        }
        let k = text::key(name);
        let mut keys = vec![k.clone()];
        // "1" / "8" → "01" / "08": GSO codes written as numbers lose their leading zero.
        if k.len() == 1 && k.chars().all(|c| c.is_ascii_digit()) {
            keys.push(format!("0{k}"));
        }
        for prefix in ["thanhpho", "tinh", "tp"] {
            if let Some(rest) = k.strip_prefix(prefix) {
                keys.push(rest.to_string());
            }
        }
        for key in keys {
            if let Some(found) = self.by_key.get(&key) {
                return Ok(found.clone());
            }
        }
        let names = self.all.iter().map(|p| p.name_vi.as_str());
        Err(ChisoError::UnknownProvince { name: name.to_string(), suggestions: text::closest(name, names, 3) })
    }

    /// Find by canonical GSO code only.
    pub fn by_code(&self, code: &str) -> Option<&Province> {
        self.all.iter().find(|p| p.code == code)
    }
}

/// [`member_mean`] for the nodes of an index: every row's node must be a node of the edition that scores its
/// year, and its value inside that node's scale or maximum; nodes are keyed by their path, so a root given as ""
/// and as the edition code is one node.
pub fn member_mean_of(index: &str, rows: &[(String, i32, String, f64)]) -> Result<Vec<(String, i32, String, f64)>> {
    let registry = Registry::get();
    let mut checked = Vec::with_capacity(rows.len());
    for (name, year, node, value) in rows {
        let m = crate::methodology::catalog().for_year(index, *year)?;
        let province = || registry.find(name).map(|p| p.name_vi.clone()).unwrap_or_else(|_| name.clone());
        let i = m.find(node).ok_or_else(|| ChisoError::UnknownNode {
            edition: m.code.clone(),
            node: node.chars().take(crate::limits::MAX_NAME_BYTES).collect(),
            province: province(),
            year: *year,
            suggestions: Vec::new(),
            hint: String::new(),
        })?;
        let n = &m.nodes[i];
        if value.is_finite() {
            let (lo, hi) = n.scale.unwrap_or((0.0, n.max_points.unwrap_or(f64::INFINITY)));
            let slack = n.scale_slack();
            if *value < lo - slack || *value > hi + slack {
                return Err(ChisoError::OutOfScale {
                    province: province(),
                    year: *year,
                    node: n.code.clone(),
                    value: *value,
                    min: lo,
                    max: hi,
                });
            }
        }
        checked.push((name.clone(), *year, n.path.clone(), *value));
    }
    member_mean(&checked)
}

/// Values of the 63 provinces mapped onto the 34 units of 2025 by the arithmetic mean of the member provinces
/// (README §1.5 MEMBER_MEAN: DTI's published rule; for other indices the user applies it knowingly). `rows` are
/// (province code or name, year, node, value); a unit gets a value at a node only when every member has one.
/// Returns (unit code, year, node, value) in unit order.
///
/// ```
/// let rows = vec![("48".to_string(), 2024, "".to_string(), 0.8335), ("49".to_string(), 2024, "".to_string(), 0.5803)];
/// let merged = chiso::provinces::member_mean(&rows).unwrap();
/// assert_eq!(merged.len(), 1);
/// assert_eq!(merged[0].0, "N48"); // Đà Nẵng (2025) = Đà Nẵng + Quảng Nam
/// assert!((merged[0].3 - 0.7069).abs() < 1e-12);
/// ```
pub fn member_mean(rows: &[(String, i32, String, f64)]) -> Result<Vec<(String, i32, String, f64)>> {
    let registry = Registry::get();
    let mut values: HashMap<(String, i32, String), f64> = HashMap::new();
    for (name, year, node, value) in rows {
        let p = registry.find(name)?;
        if p.geography != Geography::Provinces63 {
            return Err(ChisoError::Data(format!("{} ({}) is already a 2025 unit", p.name_vi, p.code)));
        }
        if !value.is_finite() {
            return Err(ChisoError::NonFinite {
                province: p.name_vi.clone(),
                year: *year,
                node: node.clone(),
                value: *value,
            });
        }
        if let Some(prev) = values.insert((p.code.clone(), *year, node.clone()), *value) {
            if prev != *value {
                return Err(ChisoError::Duplicate {
                    province: p.name_vi.clone(),
                    year: *year,
                    node: node.clone(),
                    first: prev,
                    second: *value,
                });
            }
        }
    }
    let mut keys: Vec<(i32, String)> = values.keys().map(|(_, y, n)| (*y, n.clone())).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for unit in registry.all().iter().filter(|p| p.geography == Geography::Units2025) {
        for (year, node) in &keys {
            let member_values: Option<Vec<f64>> =
                unit.members.iter().map(|m| values.get(&(m.clone(), *year, node.clone())).copied()).collect();
            if let Some(v) = member_values {
                out.push((unit.code.clone(), *year, node.clone(), v.iter().sum::<f64>() / v.len() as f64));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_is_a_province_or_a_city() {
        // The build reads "city" as a city and anything else as a province: every word in the files is one of
        // the two, so nothing is read as a province by default.
        for csv in [PROVINCES_CSV, UNITS_2025_CSV] {
            let mut lines = csv.lines().filter(|l| !l.trim().is_empty());
            let kind_col = split_csv(lines.next().unwrap()).iter().position(|h| *h == "kind").unwrap();
            for line in lines {
                assert!(split_csv(line)[kind_col].parse::<ProvinceKind>().is_ok(), "{line}");
            }
        }
        let r = Registry::get();
        // The five centrally-run cities before 2025 (Hà Nội, Hải Phòng, Đà Nẵng, TP.HCM, Cần Thơ), six after
        // (Huế became one in 2025).
        let cities = |units: Vec<(&str, ProvinceKind)>| units.iter().filter(|(_, k)| *k == ProvinceKind::City).count();
        assert_eq!(cities(r.provinces().iter().map(|p| (p.code.as_str(), p.kind)).collect()), 5);
        assert_eq!(cities(r.units_2025().iter().map(|u| (u.name_vi.as_str(), u.kind)).collect()), 6);
    }

    #[test]
    fn registry_has_63_plus_ha_tay_and_34_units() {
        let r = Registry::get();
        assert_eq!(r.provinces().len(), 64);
        assert_eq!(r.units_2025().len(), 34);
        assert_eq!(r.provinces().iter().filter(|p| p.papi_code.is_some()).count(), 63);
        // Spec README §1.9: P01 = Hà Nội, P15 = Bắc Giang, P54 = Trà Vinh, P63 = Cà Mau.
        for (pc, code) in [("P01", "01"), ("P15", "24"), ("P54", "84"), ("P63", "96")] {
            assert_eq!(r.find(pc).unwrap().code, code);
        }
        // Every pre-merger province belongs to exactly one 2025 unit.
        let members: usize = r.units_2025().iter().map(|u| u.members.len()).sum();
        assert_eq!(members, 63);
        // The 2025 units are units of their own, with distinct ids and their members.
        let new: Vec<&Province> = r.all().iter().filter(|p| p.geography == Geography::Units2025).collect();
        assert_eq!(new.len(), 34);
        let ids: std::collections::HashSet<&str> = new.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(ids.len(), 34);
        assert!(new.iter().all(|p| !p.region.is_empty() && p.code.len() == 3));
        let vl = r.find_for_year("vinh long", 2025).unwrap();
        assert_eq!(vl.members, vec!["83", "84", "86"]);
        assert_eq!(r.find_for_year("Trà Vinh", 2025).unwrap().code, "84", "no 2025 unit is called Trà Vinh");
    }

    #[test]
    fn every_alias_resolves_to_its_own_province() {
        let r = Registry::get();
        for p in r.provinces() {
            for a in p.aliases.iter().chain([&p.name_vi, &p.name_ascii, &p.code]) {
                assert_eq!(r.find(a).unwrap().code, p.code, "alias {a}");
            }
        }
    }

    #[test]
    fn spellings_from_the_data() {
        let r = Registry::get();
        for (name, code) in [
            ("TP. Hồ Chí Minh", "79"),
            ("Ho Chi Minh City", "79"),
            ("BRVT", "77"),
            ("TT-Huế", "46"),
            ("Thua Thien Hue", "46"),
            ("Thừa Thiên-Huế", "46"),
            ("  trà   VINH ", "84"),
            ("Tỉnh Trà Vinh", "84"),
            ("1", "01"),
            ("Hanoi", "01"),
        ] {
            assert_eq!(r.find(name).unwrap().code, code, "{name}");
        }
    }

    #[test]
    fn unknown_name_suggests() {
        let err = Registry::get().find("Vinh Lonh").unwrap_err();
        match err {
            ChisoError::UnknownProvince { suggestions, .. } => assert_eq!(suggestions[0], "Vĩnh Long"),
            other => panic!("unexpected {other:?}"),
        }
    }
}

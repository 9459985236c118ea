//! Text helpers for matching names the way people type them: without diacritics, in any case, with any
//! punctuation. Vietnamese letters are folded by table (precomposed forms) and combining marks are dropped
//! (decomposed forms), so no Unicode-normalisation dependency is needed.

/// Fold one character to ASCII lower case where it is a Latin letter with Vietnamese diacritics.
fn fold_char(c: char) -> Option<char> {
    const GROUPS: &[(&str, char)] = &[
        ("aàáảãạăằắẳẵặâầấẩẫậAÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'a'),
        ("eèéẻẽẹêềếểễệEÈÉẺẼẸÊỀẾỂỄỆ", 'e'),
        ("iìíỉĩịIÌÍỈĨỊ", 'i'),
        ("oòóỏõọôồốổỗộơờớởỡợOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'o'),
        ("uùúủũụưừứửữựUÙÚỦŨỤƯỪỨỬỮỰ", 'u'),
        ("yỳýỷỹỵYỲÝỶỸỴ", 'y'),
        ("dđDĐ", 'd'),
    ];
    if c.is_ascii() {
        return Some(c.to_ascii_lowercase());
    }
    // Combining diacritical marks (decomposed input, e.g. "Hà" typed as "Ha\u{0300}").
    if ('\u{0300}'..='\u{036F}').contains(&c) {
        return None;
    }
    for (letters, base) in GROUPS {
        if letters.contains(c) {
            return Some(*base);
        }
    }
    Some(c.to_lowercase().next().unwrap_or(c))
}

/// Lower-case ASCII form with diacritics removed, keeping spaces and punctuation: "Trà Vinh" → "tra vinh".
pub fn fold(s: &str) -> String {
    s.chars().filter_map(fold_char).collect()
}

/// Matching key: folded, only letters and digits. "TP. Hồ Chí Minh" → "tphochiminh".
pub fn key(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// Levenshtein distance on chars, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidates to `wanted` (by edit distance on their keys), at most `n`, closest first.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<String> {
    // Bounded time whatever the input: only the first characters of the wanted name are compared.
    let bounded: String = wanted.chars().take(crate::limits::MAX_SUGGEST_CHARS).collect();
    let wk = key(&bounded);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let ck = key(c);
            // A candidate that contains the wanted key (or the reverse) is a strong hint even if long.
            let d = if !wk.is_empty() && (ck.contains(&wk) || wk.contains(&ck)) { 0 } else { edit_distance(&wk, &ck) };
            (d, c)
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    let limit = (wk.chars().count() / 2).max(3);
    let mut out: Vec<String> = Vec::new();
    for (d, c) in scored {
        if d > limit || out.len() >= n {
            break;
        }
        if !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
    }
    out
}

/// A number for a message: as written when it reads well, in exponent form when huge or tiny (`1e308`, not 309
/// digits).
pub(crate) fn num(v: f64) -> String {
    if v != 0.0 && v.is_finite() && (v.abs() >= 1e15 || v.abs() < 1e-6) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Round half away from zero to `decimals`, after snapping to 12 significant digits so that a value printed as
/// 0.125 rounds as 0.13 even when its binary form is 0.12499999…
///
/// Every rank compares values rounded by this function, so it is on the scoring path once per value: the decimal
/// magnitude and the powers of ten come from tables (see [`magnitude`], [`pow10`]) that give bit for bit what
/// `log10().floor()` and `powi` give, which [`round_to_reference`] spells out and a test checks.
pub fn round_to(value: f64, decimals: u32) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    let m = magnitude(value.abs());
    if m < -(decimals as i32) - 1 {
        // Below a tenth of the last decimal: zero (signed as the value). Tiny values must not reach the snap,
        // whose power of ten would overflow (5e-324 became NaN, a NaN rank key).
        return value * 0.0;
    }
    let digits = 11 - m; // decimals kept by the 12-significant-digit snap
    if digits <= decimals as i32 {
        return value; // already coarser than the requested precision
    }
    // `snapped` is an exact integer; dividing it by a power of ten is correctly rounded, so a true .5 stays .5.
    let snapped = (value * pow10(digits)).round();
    let scaled = (snapped / pow10(digits - decimals as i32)).round();
    scaled / pow10(decimals as i32)
}

/// [`round_to`] as first written: `log10` and `powi` on every call (the definition the tables must reproduce).
#[cfg(test)]
fn round_to_reference(value: f64, decimals: u32) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    let magnitude = value.abs().log10().floor() as i32;
    if magnitude < -(decimals as i32) - 1 {
        return value * 0.0;
    }
    let digits = 11 - magnitude;
    if digits <= decimals as i32 {
        return value;
    }
    let snapped = (value * 10f64.powi(digits)).round();
    let scaled = (snapped / 10f64.powi(digits - decimals as i32)).round();
    scaled / 10f64.powi(decimals as i32)
}

/// Exponents with a tabled power of ten: every exponent [`round_to`] can ask for when the magnitude is ≥ −330
/// (`digits` = 11 − magnitude ≤ 341); others are computed.
const POW10_TABLE: usize = 342;

/// `10f64.powi(k)`, bit for bit: the table is filled by `powi` itself, at run time, once.
fn pow10(k: i32) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| (0..POW10_TABLE as i32).map(|k| 10f64.powi(std::hint::black_box(k))).collect());
    match usize::try_from(k).ok().and_then(|k| table.get(k)) {
        Some(&p) => p,
        None => 10f64.powi(k),
    }
}

/// `x.log10().floor() as i32` for a finite x > 0, bit for bit. For 1 ≤ x < 10^22 the exact powers of ten
/// bracket x; only within a relative 1e-12 of a power of ten — where `log10` may round onto the integer — and
/// outside that range is `log10` itself asked.
fn magnitude(x: f64) -> i32 {
    // 10^0 … 10^22 are exact doubles.
    const EXACT: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];
    if (1.0..1e22).contains(&x) {
        // The largest k with 10^k ≤ x.
        let k = EXACT.partition_point(|&p| p <= x) - 1;
        let near = |p: f64| (x - p).abs() <= p * 1e-12;
        if !near(EXACT[k]) && !near(EXACT[k + 1]) {
            return k as i32;
        }
    }
    x.log10().floor() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Trà Vinh"), "tra vinh");
        assert_eq!(key("TP. Hồ Chí Minh"), "tphochiminh");
        assert_eq!(key("Đắk Lắk"), "daklak");
        // decomposed input: a + combining grave
        assert_eq!(key("Tra\u{0300} Vinh"), "travinh");
        assert_eq!(key("THỪA THIÊN HUẾ"), "thuathienhue");
    }

    #[test]
    fn distance_and_closest() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let c = closest("Tra Vnh", ["Trà Vinh", "Vĩnh Long", "Hà Nội"], 2);
        assert_eq!(c[0], "Trà Vinh");
    }

    #[test]
    fn tabled_rounding_is_the_reference_bit_for_bit() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut values =
            vec![0.0, -0.0, 1.0, 0.1, 0.125, 63.445, 64.5649999, 1e22, f64::from_bits(1e22f64.to_bits() - 1), 5e-324];
        for k in -30..25 {
            let p = 10f64.powi(k);
            // Around every power of ten, where log10 may round onto the integer.
            for f in [1.0 - 1e-15, 1.0 - 1e-12, 1.0 - 1e-13, 1.0, 1.0 + 1e-16, 1.0 + 1e-12, 1.0 + 3e-12] {
                values.push(p * f);
                values.push(f64::from_bits((p * f).to_bits() + 1));
                values.push(f64::from_bits((p * f).to_bits() - 1));
            }
        }
        for _ in 0..200_000 {
            // Scores on every scale (0–1, 1–10, 0–100, points) and far outside, both signs.
            let e = (next() * 60.0 - 30.0).floor();
            values.push((next() * 2.0 - 1.0) * 10f64.powf(e));
            values.push((next() * 100.0 * 1e6).round() / 1e6);
        }
        for &v in &values {
            for d in [0, 1, 2, 3, 4, 6, 9, 12, 15, 400] {
                let (fast, reference) = (round_to(v, d), round_to_reference(v, d));
                assert!(
                    fast.to_bits() == reference.to_bits(),
                    "round_to({v:e}, {d}) = {fast:e}, reference {reference:e}"
                );
            }
        }
    }

    /// Values far below the last decimal round to zero with their sign, never to NaN (the snap's power of ten
    /// would overflow for them): the smallest subnormal, 1e-300, a tenth of a decimal less than the last one.
    #[test]
    fn tiny_values_round_to_signed_zero() {
        for d in [0, 2, 9, 12] {
            for v in [5e-324, 1e-310, 1e-300, 10f64.powi(-(d as i32) - 2)] {
                assert_eq!(round_to(v, d).to_bits(), 0.0f64.to_bits(), "round_to({v:e}, {d})");
                assert_eq!(round_to(-v, d).to_bits(), (-0.0f64).to_bits(), "round_to({:e}, {d})", -v);
            }
        }
        assert_eq!(round_to(0.004, 2), 0.0);
        assert_eq!(round_to(0.005, 2), 0.01);
    }

    #[test]
    fn rounding_half_up_on_printed_value() {
        assert_eq!(round_to(0.125, 2), 0.13);
        assert_eq!(round_to(63.445, 2), 63.45);
        assert_eq!(round_to(-1.005, 2), -1.01);
        assert_eq!(round_to(64.5649999, 2), 64.56);
    }
}

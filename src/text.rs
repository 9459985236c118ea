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
pub fn round_to(value: f64, decimals: u32) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    let magnitude = value.abs().log10().floor() as i32;
    let digits = 11 - magnitude; // decimals kept by the 12-significant-digit snap
    if digits <= decimals as i32 {
        return value; // already coarser than the requested precision
    }
    // `snapped` is an exact integer; dividing it by a power of ten is correctly rounded, so a true .5 stays .5.
    let snapped = (value * 10f64.powi(digits)).round();
    let scaled = (snapped / 10f64.powi(digits - decimals as i32)).round();
    scaled / 10f64.powi(decimals as i32)
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
    fn rounding_half_up_on_printed_value() {
        assert_eq!(round_to(0.125, 2), 0.13);
        assert_eq!(round_to(63.445, 2), 63.45);
        assert_eq!(round_to(-1.005, 2), -1.01);
        assert_eq!(round_to(64.5649999, 2), 64.56);
    }
}

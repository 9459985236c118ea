//! Two questions about a change, kept apart (issue 9 §4): is it *material* — larger than a threshold the user or
//! the publisher's wording sets — and is it *significant* — unlikely under sampling error alone, by a two-sided
//! test where the standard errors of both values are known.
//!
//! The test: z = (v₁ − v₀) / √(se₀² + se₁²), p = 2·(1 − Φ(|z|)), significant when p < level. It assumes the two
//! estimates are independent (separate survey samples, as PAPI's and PCI's yearly samples are) and approximately
//! normal; a standard error given as a confidence interval is (high − low) / (2·z₁₋₍₁₋c₎/₂) for its level c (a
//! symmetric normal interval). Where a standard error is unknown — computed nodes, whose children's covariances are
//! not published; years without an input — `significant` is None and the note says why.

/// Which threshold a materiality rule puts on a change: relative or in points (`[significance] measure` of an
/// `index.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaterialityMeasure {
    /// |delta / base value| > threshold.
    Relative,
    /// |delta| > threshold, in the node's own unit.
    Points,
}

named_enum!(MaterialityMeasure, "materiality measure" { Relative => "relative", Points => "points" });

impl MaterialityMeasure {
    /// The rule with this measure and `threshold`.
    pub fn with(self, threshold: f64) -> Materiality {
        match self {
            MaterialityMeasure::Relative => Materiality::Relative(threshold),
            MaterialityMeasure::Points => Materiality::Points(threshold),
        }
    }
}

/// What a "material" change is: a threshold on the relative change or on the delta in points.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Materiality {
    /// |delta / base value| > threshold (0.05 = 5%).
    Relative(f64),
    /// |delta| > threshold, in the node's own unit.
    Points(f64),
}

impl Materiality {
    /// "relative" or "points".
    pub fn measure(self) -> &'static str {
        match self {
            Materiality::Relative(_) => "relative",
            Materiality::Points(_) => "points",
        }
    }

    /// The threshold value, in the unit of [`Materiality::measure`].
    pub fn threshold(self) -> f64 {
        match self {
            Materiality::Relative(t) | Materiality::Points(t) => t,
        }
    }

    /// Whether a change is material (None without the quantity the threshold is on).
    pub fn flags(self, delta: Option<f64>, relative: Option<f64>) -> Option<bool> {
        match self {
            Materiality::Relative(t) => relative.map(|r| r.abs() > t),
            Materiality::Points(t) => delta.map(|d| d.abs() > t),
        }
    }
}

/// The test level when the user states none.
pub const DEFAULT_LEVEL: f64 = 0.05;

/// The outcome of the two-sided test for one change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Test {
    /// Whether the change is significant at the level (None: not testable).
    pub significant: Option<bool>,
    /// The z statistic, Δ / √(se₀² + se₁²).
    pub z: Option<f64>,
    /// Two-sided p value of z.
    pub p_value: Option<f64>,
    /// Why there is no test (None when there is one).
    pub note: Option<String>,
}

/// The two-sided z test of a change `delta` between two independent estimates with standard errors `se0`, `se1`.
pub fn two_sided(delta: Option<f64>, se0: Option<f64>, se1: Option<f64>, level: f64) -> Test {
    let none = |why: &str| Test { note: Some(why.to_string()), ..Test::default() };
    let Some(d) = delta else { return none("no change: a value is missing") };
    let (Some(a), Some(b)) = (se0, se1) else {
        return none(match (se0, se1) {
            (None, None) => "no standard error for either year (give se or ci_low/ci_high beside value)",
            (None, _) => "no standard error for the base year",
            _ => "no standard error for the year",
        });
    };
    let se = (a * a + b * b).sqrt();
    if se == 0.0 {
        return none("both standard errors are 0: no sampling error to test against");
    }
    let z = d / se;
    let p = erfc(z.abs() / std::f64::consts::SQRT_2);
    Test { significant: Some(p < level), z: Some(z), p_value: Some(p), note: None }
}

/// The standard error a symmetric normal confidence interval [low, high] at `level` (e.g. 0.95) implies.
pub fn se_from_interval(low: f64, high: f64, level: f64) -> f64 {
    (high - low) / (2.0 * normal_quantile(0.5 + level / 2.0))
}

/// The complementary error function, erfc(x) = 1 − erf(x), by the Chebyshev fit of Numerical Recipes (erfcc):
/// fractional error below 1.2e-7 everywhere, enough for a p-value.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The standard normal quantile Φ⁻¹(p), 0 < p < 1, by Acklam's rational approximation (relative error below
/// 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] =
        [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-8);
        assert!((normal_quantile(0.5)).abs() < 1e-12);
        assert!((normal_quantile(0.001) + 3.090_232_306_167_813).abs() < 1e-7);
        // p = 0.05 at |z| = 1.959964; p ≈ 0.3173 at |z| = 1.
        assert!((erfc(1.959_963_984_540_054 / std::f64::consts::SQRT_2) - 0.05).abs() < 1e-7);
        assert!((erfc(1.0 / std::f64::consts::SQRT_2) - 0.317_310_507_862_914).abs() < 1e-7);
        assert!((erfc(-1.0) - (2.0 - erfc(1.0))).abs() < 1e-15);
        assert!((se_from_interval(1.0, 1.0 + 2.0 * 1.959_963_984_540_054, 0.95) - 1.0).abs() < 1e-8);
    }

    #[test]
    fn the_test_and_its_reasons() {
        let t = two_sided(Some(0.3), Some(0.1), Some(0.1), 0.05);
        assert_eq!(t.significant, Some(true)); // z = 2.12
        let t = two_sided(Some(0.25), Some(0.1), Some(0.1), 0.05);
        assert_eq!(t.significant, Some(false)); // z = 1.77
        assert!(two_sided(Some(1.0), None, Some(0.1), 0.05).note.unwrap().contains("base year"));
        assert!(two_sided(None, Some(0.1), Some(0.1), 0.05).significant.is_none());
    }
}

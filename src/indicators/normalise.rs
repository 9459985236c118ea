//! Normalisation rules: how raw indicator values (days, shares, counts, scores) become scores on a stated range.
//! Each rule is data, declared per indicator in a layer file; nothing here knows an index.

use crate::engine::competition_ranks;
use crate::engine::percentile_linear;

/// Which way is better for an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Shares of firms satisfied, points: the highest value scores the top of the range.
    HigherIsBetter,
    /// Days, costs, shares of firms paying bribes: the lowest value scores the top of the range.
    LowerIsBetter,
}

named_enum!(Direction, "direction" { HigherIsBetter => "higher_is_better", LowerIsBetter => "lower_is_better" });

impl Direction {
    /// +1 or −1: the sign of "better" on the raw scale.
    pub fn sign(self) -> f64 {
        match self {
            Direction::HigherIsBetter => 1.0,
            Direction::LowerIsBetter => -1.0,
        }
    }

    /// The better of two raw values.
    pub fn best(self, a: f64, b: f64) -> f64 {
        if (a - b) * self.sign() >= 0.0 {
            a
        } else {
            b
        }
    }
}

/// Raw-value unit of an indicator, with the range its values can possibly take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Days (≥ 0).
    Days,
    /// Months (≥ 0).
    Months,
    /// Hours (≥ 0).
    Hours,
    /// A count (≥ 0).
    Count,
    /// A count per 100 firms (≥ 0).
    CountPer100Firms,
    /// A share between 0 and 1.
    Share,
    /// A percentage between 0 and 100.
    Pct,
    /// Points against a maximum (≥ 0; the maximum is the rule's upper goalpost).
    Points,
    /// A score on a scale of its own (the possible range is stated in the file, or unchecked).
    Score,
}

named_enum!(Unit, "unit" {
    Days => "days",
    Months => "months",
    Hours => "hours",
    Count => "count",
    CountPer100Firms => "count_per_100_firms",
    Share => "share",
    Pct => "pct",
    Points => "points",
    Score => "score",
});

impl Unit {
    /// The values the unit admits: a share above 1 or negative days are impossible, not merely unusual.
    pub fn possible(self) -> (f64, f64) {
        match self {
            Unit::Share => (0.0, 1.0),
            Unit::Pct => (0.0, 100.0),
            Unit::Score => (f64::NEG_INFINITY, f64::INFINITY),
            _ => (0.0, f64::INFINITY),
        }
    }
}

/// The method of a rule (COINr's normalisation menu, as far as publishers use it).
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Min–max across the provinces of the year onto `range`; the bounds come from the field and move with it.
    MinMax,
    /// Fixed bounds: `lower` and `upper` are the raw values that score the ends of `range` (the worse one the
    /// bottom). Values beyond are extrapolated unless capped.
    Goalposts {
        /// The lower raw goalpost.
        lower: f64,
        /// The upper raw goalpost.
        upper: f64,
    },
    /// (x − mean) / sd over the field, signed by direction (range ignored).
    ZScore,
    /// Position in the field: the best scores the top of `range`, the worst the bottom, equal steps between ranks.
    Rank,
    /// Distance to the frontier: the field's best value scores the top of `range`; `worst` (fixed, or the field's
    /// worst) the bottom.
    Frontier {
        /// The raw value scoring the bottom of `range`; None = the field's worst value.
        worst: Option<f64>,
    },
}

impl Method {
    /// The spelling used in layer files and results (`minmax`, `goalposts`, `zscore`, `rank`, `frontier`).
    pub fn name(&self) -> &'static str {
        match self {
            Method::MinMax => "minmax",
            Method::Goalposts { .. } => "goalposts",
            Method::ZScore => "zscore",
            Method::Rank => "rank",
            Method::Frontier { .. } => "frontier",
        }
    }

    /// Whether a value of one province can change the others' scores (the bounds come from the field).
    pub fn field_relative(&self) -> bool {
        !matches!(self, Method::Goalposts { .. })
    }
}

/// Capping applied by a rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cap {
    /// No capping: values beyond fixed goalposts are extrapolated.
    None,
    /// Scores clipped to the rule's range (goalposts exceeded score the end of the range, not beyond).
    Range,
    /// Raw values winsorised at the field's percentiles (p_low, p_high) before normalising.
    Winsorise(f64, f64),
}

/// A normalisation rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// How the scores are computed from the raw values.
    pub method: Method,
    /// The scores of the worst and the best bound (e.g. (1, 10)); ignored by the z-score.
    pub range: (f64, f64),
    /// Capping of raw values or scores.
    pub cap: Cap,
}

/// The bounds a rule used for one field: the raw values that scored the bottom and the top of the range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// The raw value scoring the bottom of the range (for the z-score and rank rules: the field's worst value).
    pub worst: f64,
    /// The raw value scoring the top of the range (for the z-score and rank rules: the field's best value).
    pub best: f64,
}

/// Why a field cannot be normalised by a rule that needs a spread (each says what actually happened).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Degenerate {
    /// No province of the field has a value.
    NoValues,
    /// Every province with a value has the same one (after any winsorising): min = max.
    Constant {
        /// The one value.
        value: f64,
    },
    /// A single province has a value: a z-score needs a standard deviation over at least two.
    OneValue {
        /// The one value.
        value: f64,
    },
    /// Distance to the frontier with a fixed worst value that the field's best value equals: no distance to scale.
    FrontierAtWorst {
        /// The field's best value, equal to the rule's fixed worst.
        value: f64,
    },
}

impl Degenerate {
    /// The value at fault (NaN when no province has one).
    pub fn value(self) -> f64 {
        match self {
            Degenerate::NoValues => f64::NAN,
            Degenerate::Constant { value } | Degenerate::OneValue { value } | Degenerate::FrontierAtWorst { value } => {
                value
            }
        }
    }

    /// What happened, in words (the start of the error message).
    pub fn describe(self) -> String {
        match self {
            Degenerate::NoValues => "no province has a value".into(),
            Degenerate::Constant { value } => format!("every province with a value has {value} (min = max)"),
            Degenerate::OneValue { value } => {
                format!("only one province has a value ({value}); a z-score needs at least two")
            }
            Degenerate::FrontierAtWorst { value } => {
                format!(
                    "the field's best value {value} equals the rule's fixed worst value (no distance to the frontier)"
                )
            }
        }
    }
}

impl Rule {
    /// Normalise one indicator over the field (NaN = missing: stays NaN and does not count for the bounds).
    /// Returns the scores and the bounds used.
    pub fn apply(&self, raw: &[f64], dir: Direction) -> Result<(Vec<f64>, Bounds), Degenerate> {
        let present: Vec<f64> = raw.iter().copied().filter(|v| !v.is_nan()).collect();
        let mut x: Vec<f64> = raw.to_vec();
        if let Cap::Winsorise(pl, ph) = self.cap {
            let mut s = present.clone();
            s.sort_by(f64::total_cmp);
            // None when there are no values, or a cap level outside [0, 1] (checked when the file is read).
            if let (Some(lo), Some(hi)) = (percentile_linear(&s, pl), percentile_linear(&s, ph)) {
                for v in x.iter_mut().filter(|v| !v.is_nan()) {
                    *v = v.clamp(lo, hi);
                }
            }
        }
        let field_min = x.iter().copied().filter(|v| !v.is_nan()).fold(f64::INFINITY, f64::min);
        let field_max = x.iter().copied().filter(|v| !v.is_nan()).fold(f64::NEG_INFINITY, f64::max);
        let (a, b) = self.range;
        let field_bounds = || match dir {
            Direction::HigherIsBetter => Bounds { worst: field_min, best: field_max },
            Direction::LowerIsBetter => Bounds { worst: field_max, best: field_min },
        };
        // min > max only when no province has a value.
        let degenerate =
            || if field_min > field_max { Degenerate::NoValues } else { Degenerate::Constant { value: field_min } };
        let linear = |bounds: Bounds, x: &[f64]| -> Vec<f64> {
            x.iter().map(|&v| a + (b - a) * (v - bounds.worst) / (bounds.best - bounds.worst)).collect()
        };
        let (mut scores, bounds) = match &self.method {
            Method::MinMax => {
                if field_max <= field_min {
                    return Err(degenerate());
                }
                let bd = field_bounds();
                (linear(bd, &x), bd)
            }
            Method::Goalposts { lower, upper } => {
                let bd = match dir {
                    Direction::HigherIsBetter => Bounds { worst: *lower, best: *upper },
                    Direction::LowerIsBetter => Bounds { worst: *upper, best: *lower },
                };
                (linear(bd, &x), bd)
            }
            Method::Frontier { worst } => {
                let fb = field_bounds();
                let bd = Bounds { worst: worst.unwrap_or(fb.worst), best: fb.best };
                if fb.best.is_infinite() || (worst.is_none() && bd.best == bd.worst) {
                    return Err(degenerate());
                }
                if bd.best == bd.worst {
                    return Err(Degenerate::FrontierAtWorst { value: bd.best });
                }
                (linear(bd, &x), bd)
            }
            Method::ZScore => {
                let n = present.len() as f64;
                let xs: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
                let mean = xs.iter().sum::<f64>() / n;
                let sd = (xs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
                match xs.len() {
                    0 => return Err(Degenerate::NoValues),
                    1 => return Err(Degenerate::OneValue { value: xs[0] }),
                    // A NaN sd from finite values is an overflow: the scores come out non-finite and the caller
                    // refuses the value as too large to normalise.
                    _ if sd == 0.0 => return Err(Degenerate::Constant { value: xs[0] }),
                    _ => {}
                }
                (x.iter().map(|&v| dir.sign() * (v - mean) / sd).collect(), field_bounds())
            }
            Method::Rank => {
                if field_max <= field_min {
                    return Err(degenerate());
                }
                let signed: Vec<f64> = x.iter().map(|&v| v * dir.sign()).collect();
                let ranks = competition_ranks(&signed, None);
                let n = present.len() as f64;
                let s =
                    ranks.iter().map(|r| r.map_or(f64::NAN, |r| a + (b - a) * (n - r as f64) / (n - 1.0))).collect();
                (s, field_bounds())
            }
        };
        if self.cap == Cap::Range {
            let (lo, hi) = (a.min(b), a.max(b));
            for s in scores.iter_mut().filter(|s| !s.is_nan()) {
                *s = s.clamp(lo, hi);
            }
        }
        Ok((scores, bounds))
    }

    /// d score / d raw for a value strictly inside the bounds (linear rules only; None for z-score and rank).
    pub fn slope(&self, bounds: Bounds) -> Option<f64> {
        match self.method {
            Method::ZScore | Method::Rank => None,
            _ => Some((self.range.1 - self.range.0) / (bounds.best - bounds.worst)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(method: Method) -> Rule {
        Rule { method, range: (1.0, 10.0), cap: Cap::None }
    }

    #[test]
    fn minmax_reverses_bad_direction_and_reports_bounds() {
        let (s, b) = rule(Method::MinMax).apply(&[2.0, 4.0, f64::NAN, 3.0], Direction::LowerIsBetter).unwrap();
        assert_eq!(s[0], 10.0);
        assert_eq!(s[1], 1.0);
        assert!(s[2].is_nan());
        assert_eq!(s[3], 5.5);
        assert_eq!(b, Bounds { worst: 4.0, best: 2.0 });
    }

    #[test]
    fn minmax_refuses_a_constant_field() {
        assert_eq!(
            rule(Method::MinMax).apply(&[3.0, 3.0], Direction::HigherIsBetter),
            Err(Degenerate::Constant { value: 3.0 })
        );
    }

    #[test]
    fn each_degenerate_field_says_what_happened() {
        let none = [f64::NAN, f64::NAN];
        for m in [Method::MinMax, Method::Rank, Method::ZScore, Method::Frontier { worst: None }] {
            assert_eq!(rule(m).apply(&none, Direction::HigherIsBetter), Err(Degenerate::NoValues));
        }
        assert_eq!(
            rule(Method::ZScore).apply(&[4.0, f64::NAN], Direction::HigherIsBetter),
            Err(Degenerate::OneValue { value: 4.0 })
        );
        assert_eq!(
            rule(Method::ZScore).apply(&[4.0, 4.0], Direction::HigherIsBetter),
            Err(Degenerate::Constant { value: 4.0 })
        );
        // The field has a spread (2 to 5), but its best value is the fixed worst: not "every province has 5".
        let e = rule(Method::Frontier { worst: Some(5.0) }).apply(&[2.0, 5.0], Direction::HigherIsBetter).unwrap_err();
        assert_eq!(e, Degenerate::FrontierAtWorst { value: 5.0 });
        assert!(e.describe().contains("fixed worst") && !e.describe().contains("every province"));
        assert!(Degenerate::NoValues.value().is_nan());
    }

    #[test]
    fn goalposts_extrapolate_unless_capped() {
        let g = Method::Goalposts { lower: 0.0, upper: 0.5 };
        let (s, _) = rule(g.clone()).apply(&[1.0], Direction::HigherIsBetter).unwrap();
        assert_eq!(s[0], 19.0);
        let capped = Rule { cap: Cap::Range, ..rule(g) };
        assert_eq!(capped.apply(&[1.0], Direction::HigherIsBetter).unwrap().0[0], 10.0);
    }

    #[test]
    fn rank_zscore_frontier_winsorise() {
        let (s, _) = rule(Method::Rank).apply(&[5.0, 1.0, 3.0], Direction::HigherIsBetter).unwrap();
        assert_eq!(s, vec![10.0, 1.0, 5.5]);
        let (z, _) = rule(Method::ZScore).apply(&[1.0, 2.0, 3.0], Direction::LowerIsBetter).unwrap();
        assert_eq!(z, vec![1.0, 0.0, -1.0]);
        let (f, _) = rule(Method::Frontier { worst: Some(0.0) }).apply(&[2.0, 4.0], Direction::HigherIsBetter).unwrap();
        assert_eq!(f, vec![5.5, 10.0]);
        let w = Rule { cap: Cap::Winsorise(0.0, 0.5), ..rule(Method::MinMax) };
        let (s, b) = w.apply(&[0.0, 1.0, 100.0], Direction::HigherIsBetter).unwrap();
        assert_eq!(b.best, 1.0);
        assert_eq!(s, vec![1.0, 10.0, 10.0]);
    }
}

//! "Significant" means significant (issue 9 §4): a two-sided test where standard errors or confidence intervals
//! are known, else null with the reason; the relative-change flag is a materiality threshold, named so.

use chiso::compare::{compare, CompareOptions, Materiality};
use chiso::{datasets, score, ChisoError, EditionChoice, ScoreOptions, Scores, Uncertainty};

fn papi() -> Scores {
    let rows = datasets::papi().unwrap();
    score(&EditionChoice::Index("papi".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
}

fn total_change(s: &Scores, options: &CompareOptions) -> chiso::compare::Change {
    let options = CompareOptions {
        nodes: Some(vec![String::new()]),
        provinces: Some(vec!["Trà Vinh".into()]),
        ..options.clone()
    };
    compare(s, 2023, 2024, &options).unwrap().remove(0)
}

#[test]
fn materiality_is_named_and_carries_its_threshold() {
    let c = total_change(&papi(), &CompareOptions::default());
    assert_eq!(c.materiality, Some(Materiality::Relative(0.05)));
    assert_eq!(c.material, Some(c.relative.unwrap().abs() > 0.05));
    assert_eq!(c.significant, None, "no standard errors: no test, not a threshold in disguise");
    assert!(c.significance_note.unwrap().contains("no standard error for either year"));
    assert_eq!(c.significance_level, 0.05);
}

#[test]
fn a_two_sided_test_with_standard_errors() {
    let s = papi();
    let c0 = total_change(&s, &CompareOptions::default());
    let delta = c0.delta.unwrap();
    // Standard errors that put the change at z = 2.5 (significant at 5%) and at z = 1.5 (not).
    for (z, expected) in [(2.5, true), (1.5, false)] {
        let se = delta.abs() / z / 2f64.sqrt();
        let with = s
            .clone()
            .with_standard_errors(&[
                ("Trà Vinh".into(), 2023, "".into(), Uncertainty::StandardError(se)),
                ("Trà Vinh".into(), 2024, "".into(), Uncertainty::StandardError(se)),
            ])
            .unwrap();
        let c = total_change(&with, &CompareOptions::default());
        assert_eq!(c.significant, Some(expected), "z = {z}");
        let p = chiso::compare::significance::erfc(z / std::f64::consts::SQRT_2);
        assert!((c.p_value.unwrap() - p).abs() < 1e-9);
        assert!(c.significance_note.is_none());
        // The same change at a stricter level.
        let strict = total_change(&with, &CompareOptions { level: Some(0.01), ..Default::default() });
        assert_eq!(strict.significant, Some(false));
    }
}

#[test]
fn intervals_give_standard_errors_and_bad_ones_are_refused() {
    let s = papi();
    let c0 = total_change(&s, &CompareOptions::default());
    let (v0, v1) = (c0.base_value.unwrap(), c0.value.unwrap());
    // 95% intervals of half-width 0.1: se = 0.1 / 1.96.
    let with = s
        .clone()
        .with_standard_errors(&[
            ("84".into(), 2023, "".into(), Uncertainty::Interval { low: v0 - 0.1, high: v0 + 0.1, level: 0.95 }),
            ("84".into(), 2024, "".into(), Uncertainty::Interval { low: v1 - 0.1, high: v1 + 0.1, level: 0.95 }),
        ])
        .unwrap();
    let c = total_change(&with, &CompareOptions::default());
    let z = (v1 - v0) / ((0.1f64 / 1.959_963_984_540_054).powi(2) * 2.0).sqrt();
    assert!((c.p_value.unwrap() - chiso::compare::significance::erfc(z.abs() / std::f64::consts::SQRT_2)).abs() < 1e-7);
    // One year only: null with the reason.
    let half =
        s.clone().with_standard_errors(&[("84".into(), 2024, "".into(), Uncertainty::StandardError(0.1))]).unwrap();
    assert!(total_change(&half, &CompareOptions::default()).significance_note.unwrap().contains("base year"));
    let bad = |u| s.clone().with_standard_errors(&[("84".into(), 2024, "".into(), u)]).unwrap_err().to_string();
    assert!(bad(Uncertainty::StandardError(-1.0)).contains("negative"));
    assert!(bad(Uncertainty::StandardError(f64::NAN)).contains("Trà Vinh"));
    assert!(bad(Uncertainty::Interval { low: 2.0, high: 1.0, level: 0.95 }).contains("low ≤ high"));
    assert_eq!(
        s.clone()
            .with_standard_errors(&[("84".into(), 2030, "".into(), Uncertainty::StandardError(0.1))])
            .map(|_| ())
            .unwrap_err(),
        ChisoError::Data("standard error for Trà Vinh in 2030, which has no scores".into())
    );
    assert_eq!(
        compare(&s, 2023, 2024, &CompareOptions { level: Some(1.5), ..Default::default() }).map(|_| ()).unwrap_err(),
        ChisoError::InvalidArgument("level=1.5: a test level is between 0 and 1, e.g. 0.05".into())
    );
}

#[test]
fn no_test_across_editions() {
    let s = papi()
        .with_standard_errors(&[
            ("84".into(), 2020, "".into(), Uncertainty::StandardError(0.1)),
            ("84".into(), 2021, "".into(), Uncertainty::StandardError(0.1)),
        ])
        .unwrap();
    let options =
        CompareOptions { nodes: Some(vec![String::new()]), provinces: Some(vec!["84".into()]), ..Default::default() };
    let c = compare(&s, 2020, 2021, &options).unwrap().remove(0);
    assert_eq!(c.significant, None);
    assert!(c.significance_note.unwrap().contains("cross_edition"));
}

/// A standard error of zero (a value published without sampling error) is a standard error, kept as 0 — not
/// refused as negative and not dropped as missing.
#[test]
fn a_zero_standard_error_is_kept() {
    let s = papi().with_standard_errors(&[("84".into(), 2024, "".into(), Uncertainty::StandardError(0.0))]).unwrap();
    let registry = chiso::Registry::get();
    let unit = s.unit_of(registry.index_of("84").unwrap(), 2024).unwrap();
    assert_eq!(s.standard_error(unit, 0), Some(0.0));
    // A standard error lands on its own node, not its neighbour's.
    let transparency = s.edition_of(&s.units()[unit]).unwrap().find("transparency").unwrap();
    let s = s
        .with_standard_errors(&[("84".into(), 2024, "transparency".into(), Uncertainty::StandardError(0.03))])
        .unwrap();
    assert_eq!(s.standard_error(unit, transparency), Some(0.03));
    assert_eq!(s.standard_error(unit, transparency - 1), None);
    assert_eq!(s.standard_error(unit, 0), Some(0.0));
    // A degenerate interval is the same statement; a 100% interval is none.
    let v = s.get("84", 2024, "").unwrap().score.unwrap();
    let point = Uncertainty::Interval { low: v, high: v, level: 0.95 };
    let s = s.with_standard_errors(&[("84".into(), 2024, "".into(), point)]).unwrap();
    assert_eq!(s.standard_error(unit, 0), Some(0.0));
    let certain = Uncertainty::Interval { low: v - 1.0, high: v + 1.0, level: 1.0 };
    let e = s.with_standard_errors(&[("84".into(), 2024, "".into(), certain)]).unwrap_err();
    assert!(e.to_string().contains("0 < level < 1"), "{e}");
}

#![allow(clippy::result_large_err)]
//! The indicator layer is not the PCI's: a hand-written layer of PAR INDEX criteria (points against maxima) on the
//! real edition `par.2024` is scored, explained and what-if'd from raw criterion points, and refuses points above a
//! criterion's maximum or below zero by name.
//!
//! The area codes and the maxima 9.5 / 13 / 10.5 / 15 / 16.5 are the edition file's (par_index.md §5). The criterion
//! codes (`c1`, `c2`), the criterion maxima, the maxima of the three areas the spec does not know (institutions 11,
//! public_finance 11.5, digital_government 13: together 35.5, as §5 derives) and every province's points are
//! INVENTED for this test: no criterion-level PAR data is published for every province.

use chiso::engine::FieldStatus;
use chiso::indicators::{bundled_field, explain, score_field, what_if, Field, Layer};
use chiso::ChisoError;

/// One criterion per line: area, code, maximum. Goalposts [0, max] onto [0, max]: a criterion scores its points.
const CRITERIA: [(&str, &str, f64); 10] = [
    ("steering", "c1", 5.0),
    ("steering", "c2", 4.5),
    ("institutions", "c1", 11.0),
    ("procedures", "c1", 7.0),
    ("procedures", "c2", 6.0),
    ("apparatus", "c1", 10.5),
    ("civil_service", "c1", 15.0),
    ("public_finance", "c1", 11.5),
    ("digital_government", "c1", 13.0),
    ("impact", "c1", 16.5),
];

fn layer_toml() -> String {
    let mut t = String::from(
        "[layer]\nedition = \"par.2024\"\nstatus = \"user_supplied\"\nnote = \"criteria and points invented\"\n",
    );
    let mut areas: Vec<&str> = CRITERIA.iter().map(|c| c.0).collect();
    areas.dedup();
    for a in areas {
        t += &format!("\n[[node]]\nnode = \"{a}\"\naggregation = \"WSUM\"\nrule_status = \"official\"\n");
    }
    for (area, code, max) in CRITERIA {
        t += &format!(
            "\n[[indicator]]\nnode = \"{area}/{code}\"\nunit = \"points\"\ndirection = \"higher_is_better\"\n\
             weight = 1.0\nweight_status = \"official\"\n\
             normalise = {{ method = \"goalposts\", lower = 0.0, upper = {max:?}, range = [0.0, {max:?}], \
             status = \"official\" }}\n"
        );
    }
    t
}

fn layer() -> Layer {
    Layer::from_toml_str(&layer_toml(), "par.2024 criteria (test)").unwrap()
}

/// Invented points, in CRITERIA's order: Trà Vinh, Vĩnh Long, Bến Tre.
fn field() -> Field {
    let raw = vec![
        4.5, 4.0, 10.2, 6.5, 5.6, 9.8, 13.5, 9.9, 11.3, 12.7, // Trà Vinh
        5.0, 4.5, 10.0, 6.0, 5.0, 9.0, 14.0, 10.5, 12.0, 13.0, // Vĩnh Long
        3.5, 3.0, 9.0, 5.5, 5.5, 8.5, 12.0, 9.0, 10.0, 14.0, // Bến Tre
    ];
    let provinces: Vec<String> = ["84", "86", "83"].iter().map(|s| s.to_string()).collect();
    let published = vec![f64::NAN; provinces.len() * 8];
    Field { year: 2024, provinces, raw, published }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn par_criteria_build_areas_and_total_by_hand() {
    let (l, f) = (layer(), field());
    // Points above a criterion's maximum are impossible: the unit "points" takes its maximum from the goalposts.
    assert_eq!(l.indicators[0].possible, (0.0, 5.0));
    let s = score_field(&l, &f).unwrap();
    let m = l.nodes.len();
    assert_eq!(m, 8);
    let steering = l.nodes.iter().position(|n| n.node == "steering").unwrap();
    let procedures = l.nodes.iter().position(|n| n.node == "procedures").unwrap();
    // Hand computation: steering = 4.5 + 4.0, procedures = 6.5 + 5.6, total = sum of the eight areas.
    assert!(close(s.nodes[steering], 8.5));
    assert!(close(s.nodes[procedures], 12.1));
    assert!(close(s.composite[0], 8.5 + 10.2 + 12.1 + 9.8 + 13.5 + 9.9 + 11.3 + 12.7)); // 88.0
    assert!(close(s.composite[1], 9.5 + 10.0 + 11.0 + 9.0 + 14.0 + 10.5 + 12.0 + 13.0)); // 89.0
    assert!(close(s.composite[2], 6.5 + 9.0 + 11.0 + 8.5 + 12.0 + 9.0 + 10.0 + 14.0)); // 80.0
    assert!(close(s.nodes[m + steering], 9.5));
    // Three provinces of the 63 MOHA ranks: no rank, only the rank among the provinces given.
    assert_eq!(s.ranking.field_status, FieldStatus::PartialField);
    assert_eq!(s.ranking.n_field, 63);
    assert_eq!(s.ranking.rank, vec![None, None, None]);
    assert_eq!(s.ranking.rank_within, vec![Some(2), Some(1), Some(3)]);
}

#[test]
fn par_criterion_explained_and_what_if() {
    let (l, f) = (layer(), field());
    let rows = explain(&l, &f, "84").unwrap();
    let c1 = rows.iter().find(|r| r.indicator == "steering/c1").unwrap();
    // Vĩnh Long holds the best 5.0 points; Trà Vinh's 4.5 cost 0.5 area points and 0.5 total points (SUM).
    assert_eq!((c1.raw, c1.unit, c1.rule.name()), (4.5, chiso::indicators::Unit::Points, "goalposts"));
    assert!(close(c1.points_lost, 0.5) && close(c1.composite_points_lost, 0.5));
    assert_eq!((c1.best_value, c1.best_province.as_str()), (5.0, "Vĩnh Long"));
    assert_eq!(c1.median_value, 4.5);

    // What-if: Trà Vinh reaches the criterion's maximum, 5.0 points: steering 9.0, total 88.5; fixed goalposts,
    // so no bound moves and no other province changes.
    let w = what_if(&l, &f, "84", &[("steering/c1".into(), 5.0)]).unwrap();
    let steering = l.nodes.iter().position(|n| n.node == "steering").unwrap();
    assert!(close(w.nodes[steering], 9.0));
    assert!(close(w.composite[0], 88.5) && close(w.base_composite[0], 88.0));
    assert!(close(w.composite[1], 89.0) && close(w.composite[2], 80.0));
    assert!(w.bound_moved.iter().all(|m| !m) && w.beyond_bounds.iter().all(|b| !b));
    assert_eq!(w.ranking.rank_within[0], Some(2));
}

fn refused(e: ChisoError, province: &str, indicator: &str, value: f64) {
    match e {
        ChisoError::IndicatorValue { province: p, year, indicator: i, value: v, max, .. } => {
            assert_eq!((p.as_str(), year, i.as_str(), v), (province, 2024, indicator, value));
            assert!(max.is_finite(), "the maximum is stated: {max}");
        }
        other => panic!("expected IndicatorValue, got {other:?}"),
    }
}

#[test]
fn par_points_above_maximum_or_negative_are_refused_by_name() {
    let l = layer();
    let mut f = field();
    f.raw[0] = 5.5; // Trà Vinh, steering/c1: maximum 5
    refused(score_field(&l, &f).unwrap_err(), "Trà Vinh", "par.2024/steering/c1", 5.5);
    let mut f = field();
    f.raw[2 * 10 + 6] = -1.0; // Bến Tre, civil_service/c1
    refused(score_field(&l, &f).unwrap_err(), "Bến Tre", "par.2024/civil_service/c1", -1.0);
    // A what-if beyond the maximum is refused the same way, not extrapolated.
    let e = what_if(&l, &field(), "84", &[("procedures/c2".into(), 6.5)]).unwrap_err();
    refused(e, "Trà Vinh", "par.2024/procedures/c2", 6.5);
    // No criterion-level PAR data is bundled: the user passes the field, and asking for the bundled one says so.
    match bundled_field(&l, 2024).unwrap_err() {
        ChisoError::InvalidArgument(m) => assert!(m.contains("no bundled indicator data for par.2024"), "{m}"),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

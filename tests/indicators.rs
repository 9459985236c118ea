#![allow(clippy::result_large_err)]
//! The indicator layer on real data: every established PCI sub-index of 2005–2016 rebuilt from VCCI's raw indicators alone,
//! composites from those sub-indices, and the typed errors of bad layers and bad values.

use chiso::engine::Plan;
use chiso::indicators::{builtin_layer, bundled_field, explain, score_field, target, what_if, Layer};
use chiso::{catalog, ChisoError, Status};

/// Every workbook year: 2005–2008 as blocks per sub-index (ranked blocks per indicator in 2008), 2009–2016 tidy.
const YEARS: std::ops::RangeInclusive<i32> = 2005..=2016;

/// The sub-indices NOT established per year (no affine function of the printed indicators reproduces them).
fn not_established(year: i32) -> &'static [&'static str] {
    match year {
        2005..=2007 => &[],
        2008 => &["land_access"],
        2009 => &["entry_costs", "transparency", "time_costs", "business_support", "labor_training"],
        2010..=2012 => &["transparency", "business_support", "labor_training"],
        _ => &["labor_training"],
    }
}

/// Provinces VCCI ranked: 42 in 2005, 64 with Hà Tây in 2006–2008, 63 from 2009.
fn field_size(year: i32) -> usize {
    match year {
        2005 => 42,
        2006..=2008 => 64,
        _ => 63,
    }
}

/// Sub-indices per edition: pci.2005 nine, pci.2006 ten, pci.2009 nine, pci.2013 ten.
fn node_count(year: i32) -> usize {
    match year {
        2005 | 2009..=2012 => 9,
        _ => 10,
    }
}

/// The workbooks store float32 values or 7 significant digits (2007–2008): a sub-index of 1–10 is reproduced
/// when it matches to 1e-5 (2005–2006 store float64 and match to about 1e-12).
const SUB_INDEX_TOL: f64 = 1e-5;
/// pci.md A4.4.
const COMPOSITE_TOL: f64 = 0.055;

#[test]
fn every_established_sub_index_is_reproduced_from_raw_indicators() {
    for year in YEARS {
        let layer = builtin_layer("pci", year).unwrap();
        let field = bundled_field(layer, year).unwrap();
        assert_eq!(field.provinces.len(), field_size(year), "{year}");
        let s = score_field(layer, &field).unwrap();
        let m = layer.nodes.len();
        assert_eq!(m, node_count(year), "{year}");
        for (q, rule) in layer.nodes.iter().enumerate() {
            let mut worst: f64 = 0.0;
            for (p, code) in field.provinces.iter().enumerate() {
                let (mine, publ) = (s.nodes[p * m + q], field.published[p * m + q]);
                assert!(publ.is_finite(), "{year} {code} {} not published", rule.node);
                if rule.not_reproducible.contains(code) {
                    // A blank raw value leaves the node unscored; a top-coded one scores, but not as published.
                    continue;
                }
                worst = worst.max((mine - publ).abs());
            }
            match rule.status {
                Status::Derived => assert!(worst <= SUB_INDEX_TOL, "{year} {}: off by {worst}", rule.node),
                // Not established: the file states the largest residual of its fit, and the data agree with it.
                _ => {
                    let stated = rule.max_residual.unwrap();
                    assert!(
                        stated > SUB_INDEX_TOL && (worst - stated).abs() <= 0.01 * stated,
                        "{year} {}: {worst} vs {stated}",
                        rule.node
                    );
                }
            }
        }
    }
}

#[test]
fn rules_established_per_year_are_the_ones_reported() {
    // Labour training is an affine function of its indicators in no year; business support is in 2013, and in
    // 2014–2016 for every province below the trade-fair count's printed maximum; provinces with a blank raw
    // value are listed as not reproducible.
    let mut established = 0;
    for year in YEARS {
        let layer = builtin_layer("pci", year).unwrap();
        for rule in &layer.nodes {
            let expected =
                if not_established(year).contains(&rule.node.as_str()) { Status::Unknown } else { Status::Derived };
            assert_eq!(rule.status, expected, "{year} {}", rule.node);
            established += usize::from(expected == Status::Derived);
            let excluded = rule.not_reproducible.len();
            match (rule.node.as_str(), year) {
                ("business_support", 2014) => assert_eq!(excluded, 9),
                ("business_support", 2015 | 2016) => assert_eq!(excluded, 10),
                ("business_support", 2011) => assert_eq!(excluded, 6),
                ("legal_institutions", 2011) => assert_eq!(excluded, 10),
                ("legal_institutions", 2012) => assert_eq!(excluded, 6),
                // 2007: one blank raw value; 2008: the entry-cost sheet names Gia Lai twice in every ranked block
                // and omits Quảng Nam (data/pci_indicators_SOURCES.md), so neither is reproducible.
                ("entry_costs", 2007) => assert_eq!(rule.not_reproducible, ["66"]),
                ("entry_costs", 2008) => assert_eq!(rule.not_reproducible, ["49", "64"]),
                _ => assert_eq!(excluded, 0, "{year} {}", rule.node),
            }
        }
    }
    // 58 of 76 sub-index-years of 2009–2016, and 38 of 39 of 2005–2008.
    assert_eq!(established, 58 + 38);
}

#[test]
fn composites_from_rebuilt_sub_indices_match_the_published_ones() {
    // 2011 is left out: VCCI's published 2011 composites do not follow their own weights (pci.md A4.2).
    for year in YEARS.filter(|y| *y != 2011) {
        let layer = builtin_layer("pci", year).unwrap();
        let field = bundled_field(layer, year).unwrap();
        // The what-if with no edits anchors on the published sub-indices: its composite is the published one.
        let w = what_if(layer, &field, "84", &[]).unwrap();
        let s = score_field(layer, &field).unwrap();
        let m = layer.nodes.len();
        let edition = catalog().edition(&layer.edition).unwrap();
        let plan = Plan::compile(edition);
        let composite_rows: Vec<(String, f64)> = chiso::datasets::pci()
            .unwrap()
            .into_iter()
            .filter(|r| r.year == year && r.measure == "score" && r.node == layer.edition)
            .map(|r| (r.province_code, r.value))
            .collect();
        assert_eq!(composite_rows.len(), field_size(year));
        let mut from_rules_worst: f64 = 0.0;
        for (code, published) in composite_rows {
            let p = field.provinces.iter().position(|c| *c == code).unwrap();
            // pci.2005's DERIVED weights reproduce VCCI's 2005 composites within 0.0039 (pci.md A4.2); the
            // later weight sets exactly.
            let gap = (w.base_composite[p] - published).abs();
            assert!(gap <= if year == 2005 { 0.004 } else { 1e-4 }, "{year} {code}: {gap}");
            // Sub-indices from established rules where the province is reproducible, published otherwise.
            let mut nodes = s.nodes[p * m..(p + 1) * m].to_vec();
            for (q, rule) in layer.nodes.iter().enumerate() {
                if rule.status != Status::Derived || rule.not_reproducible.contains(&code) {
                    nodes[q] = field.published[p * m + q];
                }
            }
            let mut buf = vec![f64::NAN; plan.n_nodes()];
            for (q, rule) in layer.nodes.iter().enumerate() {
                buf[edition.find(&rule.node).unwrap()] = nodes[q];
            }
            plan.evaluate(&mut buf, false).unwrap();
            let c = buf[0];
            assert!((c - published).abs() <= COMPOSITE_TOL, "{year} {code}: {c} vs {published}");
            from_rules_worst = from_rules_worst.max((s.composite[p] - published).abs());
        }
        // From raw indicators alone (labour training by its unestablished fit) the composite is not within the
        // tolerance in every year: reported here, not hidden.
        eprintln!("{year}: composite from raw indicators alone, largest gap {from_rules_worst:.4}");
        assert!(from_rules_worst < 2.0, "{year}: {from_rules_worst}");
    }
}

#[test]
fn explain_what_if_and_target_for_tra_vinh_2016() {
    let layer = builtin_layer("pci", 2016).unwrap();
    let field = bundled_field(layer, 2016).unwrap();
    let rows = explain(layer, &field, "84").unwrap();
    assert_eq!(rows.len(), layer.indicators.len());
    let d1 = rows.iter().find(|r| r.indicator == "time_costs/d1").unwrap();
    assert_eq!((d1.unit, d1.direction), (chiso::indicators::Unit::Count, chiso::indicators::Direction::LowerIsBetter));
    // The rule comes with its parameters: 2016's established rule is fixed goalposts (the field's observed range).
    let d1_rule = &layer.indicators[layer.find("time_costs/d1").unwrap()].rule.method;
    assert!(matches!(d1.rule, chiso::indicators::Method::Goalposts { lower, upper } if lower < upper), "{:?}", d1.rule);
    assert_eq!((&d1.rule, d1.rule.name()), (d1_rule, "goalposts"));
    assert!(rows.iter().all(|r| r.points_lost >= -1e-12));
    // Becoming the best on an indicator beyond the field: goalposts stay, the edit is flagged beyond bounds.
    let j = layer.find("informal_charges/g4_new").unwrap();
    let w = what_if(layer, &field, "84", &[("informal_charges/g4_new".into(), 0.0)]).unwrap();
    assert!(w.beyond_bounds[j]);
    assert!(!w.bound_moved[j]);
    let p = field.province_index("84").unwrap();
    assert!(w.composite[p] > w.base_composite[p]);
    let (moves, res) = target(layer, &field, "84", 20, false).unwrap();
    assert!(!moves.is_empty());
    assert!(res.ranking.rank[p].unwrap() <= 20);
    assert!(moves.iter().all(|m| m.cost > 0.0 && m.cost <= 1.0 + 1e-9));
}

#[test]
fn field_relative_rule_moves_bounds_and_other_provinces() {
    let text = r#"
[layer]
edition = "pci.2013"
status = "user_supplied"
[[sub_index]]
node = "time_costs"
aggregation = "WMEAN"
rule_status = "user_supplied"
[[indicator]]
node = "time_costs/days"
unit = "days"
direction = "lower_is_better"
weight = 1.0
normalise = { method = "minmax", range = [1.0, 10.0] }
"#;
    let layer = Layer::from_toml_str(text, "mine.toml").unwrap();
    let field = chiso::indicators::Field {
        year: 2016,
        provinces: vec!["84".into(), "01".into(), "79".into()],
        raw: vec![10.0, 5.0, 20.0],
        published: vec![f64::NAN; 3],
    };
    let w = what_if(&layer, &field, "84", &[("time_costs/days".into(), 2.0)]).unwrap();
    assert!(w.bound_moved[0]);
    assert_eq!(w.projected.nodes[0], 10.0);
    // Hà Nội was the best (10) and is no longer.
    assert!(w.projected.nodes[1] < 10.0 && w.base.nodes[1] == 10.0);
    // Bad values and codes are typed errors naming indicator, province and year.
    let e = what_if(&layer, &field, "84", &[("time_costs/days".into(), -1.0)]).unwrap_err();
    assert!(
        matches!(&e, ChisoError::IndicatorValue { province, year: 2016, indicator, .. } if province == "Trà Vinh" && indicator == "pci.2013/time_costs/days"),
        "{e}"
    );
    let e = what_if(&layer, &field, "84", &[("time_costs/dayz".into(), 1.0)]).unwrap_err();
    assert!(matches!(&e, ChisoError::UnknownIndicator { indicator, .. } if indicator == "time_costs/dayz"), "{e}");
    let flat = chiso::indicators::Field { raw: vec![3.0, 3.0, 3.0], ..field };
    let e = score_field(&layer, &flat).unwrap_err();
    assert!(matches!(&e, ChisoError::DegenerateIndicator { year: 2016, value, .. } if *value == 3.0), "{e}");
    assert!(e.to_string().contains("every province with a value has 3 (min = max)"), "{e}");
}

/// A layer of one min–max indicator on `edition`'s time-costs node (a user's layer: no year of its own).
fn one_indicator_layer(edition: &str, method: &str) -> Layer {
    let text = format!(
        "[layer]\nedition = \"{edition}\"\nstatus = \"user_supplied\"\n[[sub_index]]\nnode = \"time_costs\"\n\
         aggregation = \"WMEAN\"\nrule_status = \"user_supplied\"\n[[indicator]]\nnode = \"time_costs/days\"\n\
         unit = \"days\"\ndirection = \"lower_is_better\"\nweight = 1.0\n\
         normalise = {{ method = {method}, range = [1.0, 10.0] }}\n"
    );
    Layer::from_toml_str(&text, "mine.toml").unwrap()
}

/// A layer with one min–max indicator (`<sub-index>/days`, fewer is better) under every sub-index of `edition`, so
/// that the composite exists.
fn every_sub_index_layer(edition: &str) -> Layer {
    let mut text = format!("[layer]\nedition = \"{edition}\"\nstatus = \"user_supplied\"\n");
    let m = catalog().edition(edition).unwrap();
    let subs: Vec<&str> = m.nodes.iter().filter(|n| n.depth == 1 && n.scored).map(|n| n.path.as_str()).collect();
    for node in &subs {
        text +=
            &format!("[[sub_index]]\nnode = \"{node}\"\naggregation = \"WMEAN\"\nrule_status = \"user_supplied\"\n");
    }
    for node in &subs {
        text += &format!(
            "[[indicator]]\nnode = \"{node}/days\"\nunit = \"days\"\ndirection = \"lower_is_better\"\nweight = 1.0\n\
             weight_status = \"user_supplied\"\n\
             normalise = {{ method = \"minmax\", range = [1.0, 10.0], status = \"user_supplied\" }}\n"
        );
    }
    Layer::from_toml_str(&text, "mine.toml").unwrap()
}

/// Every indicator of province p at `days[p]`.
fn field_on(layer: &Layer, year: i32, codes: &[&str], days: &[f64]) -> chiso::indicators::Field {
    let k = layer.indicators.len();
    let mut f = field_of(year, codes, days.iter().flat_map(|&d| std::iter::repeat_n(d, k)).collect());
    f.published = vec![f64::NAN; codes.len() * layer.nodes.len()];
    f
}

fn field_of(year: i32, codes: &[&str], raw: Vec<f64>) -> chiso::indicators::Field {
    let n = codes.len();
    chiso::indicators::Field {
        year,
        provinces: codes.iter().map(|c| c.to_string()).collect(),
        raw,
        published: vec![f64::NAN; n],
    }
}

#[test]
fn ranks_only_over_the_publishers_field() {
    // Three provinces of the 63 VCCI ranked in 2016: no rank, the rank among them, and how many of how many.
    let layer = every_sub_index_layer("pci.2013");
    let field = field_on(&layer, 2016, &["84", "01", "79"], &[10.0, 5.0, 20.0]);
    let s = score_field(&layer, &field).unwrap();
    assert_eq!(s.ranking.field_status, chiso::engine::FieldStatus::PartialField);
    assert_eq!((s.ranking.n_ranked, s.ranking.n_field), (3, 63));
    assert_eq!(s.ranking.rank, vec![None, None, None]);
    // Fewer days is better: Hà Nội (5) first, Trà Vinh (10) second, TP.HCM (20) third.
    assert_eq!(s.ranking.rank_within, vec![Some(2), Some(1), Some(3)]);
    let edits: Vec<(String, f64)> = layer.indicators.iter().map(|i| (i.path.clone(), 2.0)).collect();
    let w = what_if(&layer, &field, "84", &edits).unwrap();
    assert_eq!(w.ranking.rank, vec![None, None, None]);
    assert_eq!(w.ranking.rank_within[0], Some(1));
    assert_eq!(w.base_ranking.rank_within[0], Some(2));
    assert_eq!(w.ranking.field_status, chiso::engine::FieldStatus::PartialField);
    // A rank target on a partial field has no meaning: refused, saying why.
    let e = target(&layer, &field, "84", 1, false).unwrap_err();
    assert!(e.to_string().contains("3 of the 63 provinces pci ranks"), "{e}");

    // The bundled 2016 field is VCCI's whole field: rank = rank within.
    let layer = builtin_layer("pci", 2016).unwrap();
    let s = score_field(layer, &bundled_field(layer, 2016).unwrap()).unwrap();
    assert_eq!(s.ranking.field_status, chiso::engine::FieldStatus::FullField);
    assert_eq!((s.ranking.n_ranked, s.ranking.n_field), (63, 63));
    assert_eq!(s.ranking.rank, s.ranking.rank_within);
}

#[test]
fn the_field_year_decides_the_ranked_field_and_the_layer_it_may_use() {
    // VCCI ranked 42 provinces in 2005: 42 provinces on a pci.2005 layer are the whole field that year.
    let full = bundled_field(builtin_layer("pci", 2016).unwrap(), 2016).unwrap();
    let codes: Vec<String> = full.provinces[..42].to_vec();
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let raw: Vec<f64> = (0..42).map(|i| f64::from(i) + 1.0).collect();
    let l2005 = every_sub_index_layer("pci.2005");
    let s = score_field(&l2005, &field_on(&l2005, 2005, &refs, &raw)).unwrap();
    assert_eq!((s.ranking.n_field, s.ranking.field_status), (42, chiso::engine::FieldStatus::FullField));
    // Fewer days is better: the province with the most days is 42nd of 42.
    assert_eq!(s.ranking.rank[41], Some(42));
    assert_eq!(s.ranking.rank, s.ranking.rank_within);
    // The same 42 provinces in 2010 are 42 of the 63 ranked that year: no rank.
    let l2009 = every_sub_index_layer("pci.2009");
    let s = score_field(&l2009, &field_on(&l2009, 2010, &refs, &raw)).unwrap();
    assert_eq!((s.ranking.n_ranked, s.ranking.n_field), (42, 63));
    assert_eq!(s.ranking.field_status, chiso::engine::FieldStatus::PartialField);
    assert!(s.ranking.rank.iter().all(Option::is_none));
    assert_eq!(s.ranking.rank_within[41], Some(42));
    // An edition not in force in the field's year, or a layer established for another year, is refused.
    let e = score_field(&l2005, &field_on(&l2005, 2010, &refs, &raw)).unwrap_err();
    assert!(matches!(&e, ChisoError::InvalidArgument(m) if m.contains("in force for 2005–2005")), "{e}");
    let layer = builtin_layer("pci", 2016).unwrap();
    let mut field = bundled_field(layer, 2016).unwrap();
    field.year = 2015;
    let e = score_field(layer, &field).unwrap_err();
    assert!(e.to_string().contains("established for data year 2016, not 2015"), "{e}");
}

#[test]
fn degenerate_fields_say_what_happened_per_rule() {
    let codes = ["84", "01"];
    let cases = [
        ("\"zscore\"", vec![4.0, f64::NAN], "only one province has a value (4)"),
        ("\"frontier\", worst = 5.0", vec![5.0, 8.0], "best value 5 equals the rule's fixed worst"),
        ("\"rank\"", vec![f64::NAN, f64::NAN], "no province has a value"),
        ("\"minmax\"", vec![7.0, 7.0], "every province with a value has 7 (min = max)"),
    ];
    for (method, raw, needle) in cases {
        let e = score_field(&one_indicator_layer("pci.2013", method), &field_of(2016, &codes, raw)).unwrap_err();
        assert!(
            matches!(&e, ChisoError::DegenerateIndicator { year: 2016, indicator, .. } if indicator == "pci.2013/time_costs/days"),
            "{e}"
        );
        assert!(e.to_string().contains(needle), "{method}: {e}");
    }
    // An edit that makes the field degenerate names the province whose change did it.
    let layer = one_indicator_layer("pci.2013", "\"minmax\"");
    let e =
        what_if(&layer, &field_of(2016, &codes, vec![4.0, 7.0]), "84", &[("time_costs/days".into(), 7.0)]).unwrap_err();
    assert!(matches!(&e, ChisoError::DegenerateIndicator { province, .. } if province == "Trà Vinh"), "{e}");
}

#[test]
fn bad_layers_are_refused_naming_the_indicator() {
    let base = |ind: &str| {
        format!(
            "[layer]\nedition = \"pci.2013\"\nstatus = \"derived\"\n[[sub_index]]\nnode = \"time_costs\"\nrule_status = \"derived\"\n[[indicator]]\nnode = \"time_costs/x\"\n{ind}\n"
        )
    };
    let rule = "normalise = { method = \"minmax\", range = [1.0, 10.0] }";
    for (ind, needle) in [
        (format!("direction = \"lower_is_better\"\nweight = 1.0\n{rule}"), "without a unit"),
        (format!("unit = \"days\"\nweight = 1.0\n{rule}"), "without a direction"),
        (format!("unit = \"parsecs\"\ndirection = \"lower_is_better\"\nweight = 1.0\n{rule}"), "unknown unit"),
        ("unit = \"days\"\ndirection = \"lower_is_better\"\nweight = 1.0\nnormalise = { method = \"goalposts\", lower = 5.0, upper = 5.0 }".to_string(), "must be below"),
        ("unit = \"days\"\ndirection = \"lower_is_better\"\nweight = 1.0\nnormalise = { method = \"magic\" }".to_string(), "normalise.method"),
    ] {
        let e = Layer::from_toml_str(&base(&ind), "bad.toml").unwrap_err();
        assert!(matches!(&e, ChisoError::Methodology { node: Some(n), .. } if n == "time_costs/x"), "{e}");
        assert!(e.to_string().contains(needle), "{e}");
    }
    let share = Layer::from_toml_str(
        &base(&format!("unit = \"share\"\ndirection = \"higher_is_better\"\nweight = 1.0\n{rule}")),
        "s.toml",
    )
    .unwrap();
    let field = chiso::indicators::Field {
        year: 2015,
        provinces: vec!["84".into(), "01".into()],
        raw: vec![1.2, 0.5],
        published: vec![f64::NAN; 2],
    };
    let e = score_field(&share, &field).unwrap_err();
    assert!(matches!(&e, ChisoError::IndicatorValue { value, unit, .. } if *value == 1.2 && unit == "share"), "{e}");
}

mod properties {
    use chiso::indicators::{score_field, Cap, Direction, Field, Layer, Method, Rule};
    use proptest::prelude::*;

    fn layer(method: &str, direction: &str, extra: &str) -> Layer {
        let text = format!(
            "[layer]\nedition = \"pci.2013\"\nstatus = \"user_supplied\"\n[[sub_index]]\nnode = \"time_costs\"\n\
             aggregation = \"WMEAN\"\nrule_status = \"user_supplied\"\n[[indicator]]\nnode = \"time_costs/x\"\n\
             unit = \"score\"\ndirection = \"{direction}\"\nweight = 1.0\n\
             normalise = {{ method = \"{method}\", range = [1.0, 10.0]{extra} }}\n"
        );
        Layer::from_toml_str(&text, "prop.toml").unwrap()
    }

    fn field(raw: Vec<f64>) -> Field {
        let n = raw.len();
        Field {
            year: 2016,
            provinces: (0..n).map(|i| format!("{:02}", [1, 2, 4, 6, 8, 10, 11, 12, 14, 15][i % 10])).collect(),
            raw,
            published: vec![f64::NAN; n],
        }
    }

    proptest! {
        /// Min–max: every score within the range, the best raw value scores the top, the worst the bottom, and
        /// the order of scores follows the raw values in the stated direction.
        #[test]
        fn minmax_is_bounded_and_monotone(raw in prop::collection::vec(-1e6f64..1e6, 2..10), lower in any::<bool>()) {
            let dir = if lower { Direction::LowerIsBetter } else { Direction::HigherIsBetter };
            let rule = Rule { method: Method::MinMax, range: (1.0, 10.0), cap: Cap::None };
            match rule.apply(&raw, dir) {
                Err(d) => prop_assert!(raw.iter().all(|&v| v == d.value())),
                Ok((s, b)) => {
                    for (i, &si) in s.iter().enumerate() {
                        prop_assert!((1.0 - 1e-9..=10.0 + 1e-9).contains(&si));
                        for (j, &sj) in s.iter().enumerate() {
                            if (raw[i] - raw[j]) * dir.sign() > 0.0 {
                                prop_assert!(si >= sj - 1e-9);
                            }
                        }
                    }
                    let ib = raw.iter().position(|&v| v == b.best).unwrap();
                    prop_assert!((s[ib] - 10.0).abs() < 1e-9);
                }
            }
        }

        /// Any raw values, including NaN and ±inf, through any rule: a number, a missing value or a typed error,
        /// never a panic and never a non-finite score for a finite input.
        #[test]
        fn hostile_values_give_typed_errors(
            raw in prop::collection::vec(prop_oneof![any::<f64>(), Just(f64::NAN), Just(f64::INFINITY), -1e3f64..1e3], 1..8),
            m in 0usize..5,
        ) {
            let (method, extra) = [
                ("minmax", ""), ("zscore", ""), ("rank", ""), ("frontier", ""),
                ("goalposts", ", lower = 0.0, upper = 5.0, cap = \"range\""),
            ][m];
            let l = layer(method, "higher_is_better", extra);
            if let Ok(s) = score_field(&l, &field(raw.clone())) {
                for (v, sc) in raw.iter().zip(&s.scores) {
                    prop_assert!(v.is_nan() == sc.is_nan());
                    prop_assert!(v.is_nan() || sc.is_finite());
                }
            }
        }
    }
}

mod plans {
    use super::{every_sub_index_layer, field_on};
    use chiso::engine::FieldStatus;
    use chiso::indicators::{builtin_layer, bundled_field, project_plan, what_if, IndicatorTask, RawChange};
    use chiso::{ChisoError, Status};

    fn task(id: &str, indicator: &str, change: RawChange) -> IndicatorTask {
        IndicatorTask { id: id.into(), title: None, indicator: indicator.into(), change, lead_agency: None }
    }

    #[test]
    fn a_task_that_moves_the_bound_is_projected_by_hand() {
        // Days (fewer is better, min–max onto 1–10 over the field) on every sub-index: Trà Vinh 10, Hà Nội 5,
        // TP.HCM 20; only time costs is edited.
        let layer = every_sub_index_layer("pci.2013");
        let field = field_on(&layer, 2016, &["84", "01", "79"], &[10.0, 5.0, 20.0]);
        let owners = vec![("time_costs".to_string(), "Cục Thuế".to_string())];
        let tasks = [task("T1", "time_costs/days", RawChange::To(2.0))];
        let out = project_plan(&layer, &field, "84", &tasks, &owners).unwrap();
        let t = &out.tasks[0];
        // Base: 1 + 9·(20 − 10)/(20 − 5) = 7. Trà Vinh at 2 days becomes the best: the bound moves from 5 to 2 and
        // Trà Vinh scores 10; the time-costs sub-index (one indicator, weighted mean) goes 7 → 10.
        assert_eq!((t.from, t.to), (10.0, 2.0));
        assert!((t.node_base - 7.0).abs() < 1e-12 && (t.node_value - 10.0).abs() < 1e-12, "{t:?}");
        assert!(t.bound_moved && !t.beyond_bounds);
        // PCI 2013: composite = 10 · Σ w·s / 100 with time costs' weight 5: +3 points of the sub-index = +1.5.
        assert!((t.composite - t.composite_base - 1.5).abs() < 1e-9, "{t:?}");
        // Hà Nội, the former best, falls on time costs: 1 + 9·(20 − 5)/(20 − 2) = 8.5 (from 10).
        let w = what_if(&layer, &field, "84", &[("time_costs/days".into(), 2.0)]).unwrap();
        let m = layer.nodes.len();
        let q = layer.nodes.iter().position(|n| n.node == "time_costs").unwrap();
        assert!((w.projected.nodes[m + q] - 8.5).abs() < 1e-12);
        assert!((w.composite[1] - w.base_composite[1] + 0.75).abs() < 1e-9);
        // Three provinces are not VCCI's field: ranks among them only. Trà Vinh was 2nd (Hà Nội best on every
        // sub-index) and stays 2nd: Hà Nội's composite is still higher (10 on nine sub-indices).
        assert_eq!((t.rank_base, t.rank), (None, None));
        assert_eq!((t.rank_within_base, t.rank_within), (Some(2), Some(2)));
        assert_eq!((t.n_ranked, t.n_field, t.field_status), (3, 63, FieldStatus::PartialField));
        assert_eq!(t.owner.as_deref(), Some("Cục Thuế"));
        assert_eq!(t.provenance, Status::UserSupplied);
        // A layer that does not state its weights' status gives them none: unknown.
        let unstated = super::one_indicator_layer("pci.2013", "\"minmax\"");
        assert_eq!(unstated.indicators[0].provenance(&unstated.nodes[0]), Status::Unknown);
        // The same task as a raw change: −8 days.
        let by =
            project_plan(&layer, &field, "84", &[task("T1", "time_costs/days", RawChange::By(-8.0))], &[]).unwrap();
        assert_eq!(by.tasks[0].to, 2.0);
        assert_eq!(by.tasks[0].composite, t.composite);
        // Without owners: the index's lead department.
        assert_eq!(by.tasks[0].owner.as_deref(), Some("Department of Planning and Investment"));
    }

    #[test]
    fn tasks_together_and_alone_on_vccis_field() {
        let layer = builtin_layer("pci", 2016).unwrap();
        let field = bundled_field(layer, 2016).unwrap();
        let tasks = [
            task("T1", "informal_charges/g4_new", RawChange::To(0.04)),
            task("T2", "time_costs/d4", RawChange::By(-2.0)),
        ];
        let out = project_plan(layer, &field, "84", &tasks, &[]).unwrap();
        let (a, b, all) = (&out.tasks[0], &out.tasks[1], &out.together);
        // Fixed goalposts: no bound moves, the gains add up.
        assert!(!all.bound_moved);
        let gain = |t: &chiso::indicators::TaskProjection| t.composite - t.composite_base;
        assert!((gain(all) - gain(a) - gain(b)).abs() < 1e-9);
        assert!(gain(a) > 0.0 && gain(b) > 0.0);
        // The base is VCCI's published composite for Trà Vinh 2016 (57.64, 42nd of 63).
        assert!((all.composite_base - 57.64).abs() < 0.005);
        assert_eq!(all.rank_base, Some(42));
        assert_eq!(all.field_status, FieldStatus::FullField);
        assert!(all.rank.unwrap() <= 42 && all.rank == all.rank_within);
        assert_eq!(a.node.as_deref(), Some("informal_charges"));
        assert_eq!(all.provenance, Status::Derived);
    }

    #[test]
    fn bad_tasks_are_typed_errors_naming_task_indicator_province_and_year() {
        let layer = builtin_layer("pci", 2016).unwrap();
        let field = bundled_field(layer, 2016).unwrap();
        let plan = |t: IndicatorTask| project_plan(layer, &field, "84", &[t], &[]);
        let e = plan(task("T1", "informal_charges/g4_new", RawChange::To(1.4))).unwrap_err();
        assert!(
            matches!(&e, ChisoError::IndicatorValue { province, year: 2016, indicator, .. }
            if province == "Trà Vinh" && indicator == "pci.2013/informal_charges/g4_new"),
            "{e}"
        );
        let e = plan(task("T1", "time_costs/d4", RawChange::By(f64::NAN))).unwrap_err();
        assert!(matches!(&e, ChisoError::IndicatorValue { unit, .. } if unit.contains("task \"T1\"")), "{e}");
        let e = plan(task("T1", "time_costs/d44", RawChange::To(1.0))).unwrap_err();
        assert!(
            matches!(&e, ChisoError::UnknownIndicator { indicator, year: 2016, .. } if indicator == "time_costs/d44"),
            "{e}"
        );
        let two = [task("T1", "time_costs/d4", RawChange::To(1.0)), task("T2", "time_costs/d4", RawChange::To(2.0))];
        let e = project_plan(layer, &field, "84", &two, &[]).unwrap_err();
        assert!(e.to_string().contains("\"T1\" and \"T2\" both move time_costs/d4"), "{e}");
        assert!(project_plan(layer, &field, "84", &[], &[]).unwrap_err().to_string().contains("no tasks"));
        // A field whose arrays do not match the layer is refused, not indexed past its end.
        let mut short = field.clone();
        short.published.pop();
        let e = project_plan(layer, &short, "84", &[task("T1", "time_costs/d4", RawChange::To(1.0))], &[]).unwrap_err();
        assert!(e.to_string().contains("published node values"), "{e}");
    }
}

#[test]
fn a_province_whose_raw_values_are_missing_keeps_its_published_node_unless_edited() {
    // PCI 2008: the entry-cost sheet gives no usable values for Gia Lai (64) and Quảng Nam (49).
    let layer = builtin_layer("pci", 2008).unwrap();
    let field = bundled_field(layer, 2008).unwrap();
    let (gl, tv) = (field.province_index("64").unwrap(), field.province_index("84").unwrap());
    let q = layer.nodes.iter().position(|n| n.node == "entry_costs").unwrap();
    let m = layer.nodes.len();
    let s = score_field(layer, &field).unwrap();
    assert!(s.nodes[gl * m + q].is_nan());
    // Trà Vinh's edit cannot change Gia Lai (fixed goalposts): its published node and composite stand, and the
    // field of 64 is whole.
    let w = what_if(layer, &field, "84", &[("time_costs/d4".into(), 1.0)]).unwrap();
    assert!((w.nodes[gl * m + q] - field.published[gl * m + q]).abs() < 1e-12);
    assert!(w.composite[gl].is_finite() && w.base_composite[gl].is_finite());
    assert_eq!((w.ranking.n_ranked, w.ranking.field_status), (64, chiso::engine::FieldStatus::FullField));
    assert!(w.ranking.rank[tv].is_some());
    // Gia Lai's own edit of an entry-cost indicator cannot be projected (its other entry-cost values are missing):
    // no composite for it, so the field is no longer whole and nobody has a rank.
    let w = what_if(layer, &field, "64", &[("entry_costs/c1".into(), 5.0)]).unwrap();
    assert!(w.composite[gl].is_nan());
    assert_eq!(w.ranking.field_status, chiso::engine::FieldStatus::PartialField);
    assert_eq!(
        w.ranking.rank_within[tv],
        w.base_ranking.rank[tv].map(|r| if w.base_ranking.rank[gl] < Some(r) { r - 1 } else { r })
    );
}

#[test]
fn cached_layers_and_fields_are_the_ones_read_afresh() {
    let layer = builtin_layer("pci", 2016).unwrap();
    let (a, b) = (bundled_field(layer, 2016).unwrap(), bundled_field(layer, 2016).unwrap());
    assert_eq!(a.provinces, b.provinces);
    assert!(a.raw.iter().zip(&b.raw).all(|(x, y)| x.to_bits() == y.to_bits()));
    // The min–max variant has the same columns: the same field; another year's layer, another field.
    let variant = layer.field_relative_variant();
    assert_eq!(bundled_field(&variant, 2016).unwrap().raw.len(), a.raw.len());
    assert_ne!(bundled_field(builtin_layer("pci", 2015).unwrap(), 2015).unwrap().raw.len(), 0);
    let text = "[layer]\nedition = \"pci.2013\"\nstatus = \"user_supplied\"\n[[sub_index]]\nnode = \"time_costs\"\n\
                rule_status = \"user_supplied\"\n[[indicator]]\nnode = \"time_costs/x\"\nunit = \"days\"\n\
                direction = \"lower_is_better\"\nweight = 1.0\nnormalise = { method = \"minmax\" }\n";
    let fresh = Layer::from_toml_str(text, "mine.toml").unwrap();
    assert_eq!(Layer::from_toml_str_cached(text, "mine.toml").unwrap(), fresh);
    assert_eq!(Layer::from_toml_str_cached(text, "mine.toml").unwrap(), fresh);
    // An error is not remembered as a layer: the same bad text fails every time, naming the file.
    let bad = text.replace("unit = \"days\"\n", "");
    for _ in 0..2 {
        let e = Layer::from_toml_str_cached(&bad, "bad.toml").unwrap_err();
        assert!(matches!(&e, ChisoError::Methodology { file, .. } if file == "bad.toml"), "{e}");
    }
}

#![allow(clippy::result_large_err)]
//! Engine behaviour: invariants (property-based) and every bad-input error.

use chiso::engine::{competition_ranks, Plan};
use chiso::{
    catalog, score, Aggregation, ChisoError, EditionChoice, Methodology, MissingPolicy, Observation, Origin,
    ScoreOptions,
};
use proptest::prelude::*;

/// The rule of each node written out directly from README §1.5, recursively: the reference the flat plan must
/// agree with.
fn naive(m: &Methodology, i: usize, leaves: &[f64]) -> f64 {
    let n = &m.nodes[i];
    let kids: Vec<usize> = n.children.iter().copied().filter(|&c| m.nodes[c].scored).collect();
    if kids.is_empty() || matches!(n.aggregation, Aggregation::Opaque) {
        return leaves[i];
    }
    let v: Vec<f64> = kids.iter().map(|&c| naive(m, c, leaves)).collect();
    match n.aggregation {
        Aggregation::Sum => v.iter().sum(),
        Aggregation::Mean => v.iter().sum::<f64>() / v.len() as f64,
        Aggregation::WMean { k } => {
            let w: Vec<f64> = kids.iter().map(|&c| m.nodes[c].weight.unwrap()).collect();
            k * w.iter().zip(&v).map(|(a, b)| a * b).sum::<f64>() / w.iter().sum::<f64>()
        }
        Aggregation::Ratio => {
            let mx: Vec<f64> = kids.iter().map(|&c| m.nodes[c].max_points.unwrap()).collect();
            mx.iter().zip(&v).map(|(a, b)| a * b).sum::<f64>() / mx.iter().sum::<f64>()
        }
        Aggregation::Opaque => unreachable!("handled above"),
    }
}

fn leaf_values(m: &Methodology, unit: &[f64]) -> Vec<f64> {
    // Map random numbers in [0, 1) onto each input's scale: leaves, and OPAQUE nodes (their value is supplied).
    m.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| match (n.children.is_empty() || matches!(n.aggregation, Aggregation::Opaque), n.scale) {
            (true, Some((lo, hi))) => lo + unit[i % unit.len()] * (hi - lo),
            (true, None) => unit[i % unit.len()],
            _ => f64::NAN,
        })
        .collect()
}

proptest! {
    /// For every built-in edition, the compiled plan equals the naive recursive rules, and the total stays
    /// inside the root's scale when every leaf is inside its own.
    #[test]
    fn plan_equals_naive_rules(unit in prop::collection::vec(0.0f64..1.0, 40)) {
        for m in &catalog().editions {
            let plan = Plan::compile(m);
            let mut values = leaf_values(m, &unit);
            let leaves = values.clone();
            plan.evaluate(&mut values, false).unwrap();
            let expected = naive(m, 0, &leaves);
            prop_assert!((values[0] - expected).abs() < 1e-9 * (1.0 + expected.abs()), "{}: {} vs {}", m.code, values[0], expected);
            if let Some((lo, hi)) = m.root().scale {
                prop_assert!(values[0] >= lo - 1e-9 && values[0] <= hi + 1e-9, "{} total {} outside [{lo}, {hi}]", m.code, values[0]);
            }
        }
    }

    /// Raising one sub-index never lowers the PCI composite (positive weights).
    #[test]
    fn pci_composite_is_monotone(unit in prop::collection::vec(0.0f64..1.0, 10), which in 0usize..10, bump in 0.0f64..1.0) {
        let m = catalog().edition("pci.2022").unwrap();
        let plan = Plan::compile(m);
        let mut a = leaf_values(m, &unit);
        let mut b = a.clone();
        let leaf = m.root().children[which];
        b[leaf] = (b[leaf] + bump).min(10.0);
        plan.evaluate(&mut a, false).unwrap();
        plan.evaluate(&mut b, false).unwrap();
        prop_assert!(b[0] >= a[0] - 1e-12);
    }

    /// Competition ranks: rank = 1 + number of strictly greater values, whatever the values.
    #[test]
    fn ranks_are_competition_ranks(values in prop::collection::vec(prop_oneof![0.0f64..100.0, Just(50.0)], 1..70)) {
        let ranks = competition_ranks(&values, None);
        for (i, r) in ranks.iter().enumerate() {
            let greater = values.iter().filter(|&&v| v > values[i]).count() as u32;
            prop_assert_eq!(*r, Some(1 + greater));
        }
    }

    /// With complete children, renormalising changes nothing.
    #[test]
    fn renormalise_is_identity_on_complete_data(unit in prop::collection::vec(0.0f64..1.0, 40)) {
        let m = catalog().edition("papi.2021").unwrap();
        let plan = Plan::compile(m);
        let mut a = leaf_values(m, &unit);
        let mut b = a.clone();
        plan.evaluate(&mut a, false).unwrap();
        plan.evaluate(&mut b, true).unwrap();
        prop_assert_eq!(a, b);
    }
}

fn pci_obs(province: &str, year: i32) -> Vec<Observation> {
    let subs = [
        ("entry_costs", 7.0),
        ("land_access", 6.0),
        ("transparency", 6.5),
        ("time_costs", 7.5),
        ("informal_charges", 6.0),
        ("policy_bias", 5.5),
        ("proactivity", 6.5),
        ("business_support", 6.0),
        ("labor_training", 6.2),
        ("legal_institutions", 7.0),
    ];
    subs.iter().map(|(n, v)| Observation::new(province, year, *n, *v)).collect()
}

fn pci(data: &[Observation]) -> Result<chiso::Scores, ChisoError> {
    score(&EditionChoice::Index("pci".into()), data, &ScoreOptions::default())
}

#[test]
fn synthetic_example_of_the_spec() {
    // pci.md A4.1: 631.5 / 10 = 63.15 under the 2013 weights.
    let s = pci(&pci_obs("Trà Vinh", 2015)).unwrap();
    assert!((s.total("84", 2015).unwrap().unwrap() - 63.15).abs() < 1e-12);
}

#[test]
fn missing_child_strict_and_renormalised() {
    let mut data = pci_obs("Trà Vinh", 2015);
    data.retain(|o| o.node != "transparency");
    let strict = pci(&data).unwrap();
    let total = strict.get("84", 2015, "").unwrap();
    assert_eq!(total.score, None);
    assert_eq!(total.origin, Origin::Missing);
    assert_eq!(total.missing_children, vec!["pci.2013/transparency".to_string()]);
    let renorm = score(
        &EditionChoice::Index("pci".into()),
        &data,
        &ScoreOptions { missing: MissingPolicy::Renormalise, ..Default::default() },
    )
    .unwrap();
    let total = renorm.get("84", 2015, "").unwrap();
    assert_eq!(total.origin, Origin::Renormalised);
    assert_eq!(total.provenance, Some(chiso::Status::Derived));
    // k · Σ_present w·v / Σ_present w = 10 · (631.5 − 20·6.5) / 80
    assert!((total.score.unwrap() - 10.0 * (631.5 - 130.0) / 80.0).abs() < 1e-9);
}

#[test]
fn errors_name_what_is_wrong() {
    let expect = |data: Vec<Observation>, needles: &[&str]| {
        let e = pci(&data).unwrap_err().to_string();
        for n in needles {
            assert!(e.contains(n), "{e:?} lacks {n:?}");
        }
    };
    let mut d = pci_obs("Trà Vinh", 2015);
    d[2].value = 12.0;
    expect(d, &["Trà Vinh", "2015", "pci.2013/transparency", "12", "[1, 10]"]);
    let mut d = pci_obs("Trà Vinh", 2015);
    d[0].value = f64::NAN;
    expect(d, &["Trà Vinh", "2015", "entry_costs", "NaN"]);
    let mut d = pci_obs("Trà Vinh", 2015);
    d[0].value = f64::INFINITY;
    expect(d, &["inf"]);
    let mut d = pci_obs("Trà Vinh", 2015);
    d.push(Observation::new("tra vinh", 2015, "pci.2013/entry_costs", 6.9));
    expect(d, &["given twice", "7", "6.9", "entry_costs"]);
    let mut d = pci_obs("Trà Vinh", 2015);
    d.push(Observation::new("Trà Vinh", 2015, "entry_costs", 7.0)); // exact duplicate is fine
    assert!(pci(&d).is_ok());
    let mut d = pci_obs("Trà Vinh", 2015);
    d[0].node = "entry_cost".into();
    expect(d, &["unknown node", "entry_cost", "pci.2013", "entry_costs", "Trà Vinh", "2015"]);
    let mut d = pci_obs("Trà Vinh", 2022);
    d[0].node = "pci.2013/entry_costs".into();
    expect(d, &["another edition", "pci.2022"]);
    expect(pci_obs("Tra Vnh", 2015), &["unknown province", "Trà Vinh"]);
    expect(pci_obs("Trà Vinh", 2004), &["no pci edition covers data year 2004", "pci.2005 (2005)"]);
    expect(vec![], &["no data"]);
    let e =
        score(&EditionChoice::Index("xyz".into()), &pci_obs("Trà Vinh", 2015), &ScoreOptions::default()).unwrap_err();
    assert!(matches!(e, ChisoError::UnknownIndex { .. }), "{e}");
    let e = score(&EditionChoice::Edition("pci.2014".into()), &pci_obs("Trà Vinh", 2015), &ScoreOptions::default())
        .unwrap_err();
    assert!(e.to_string().contains("pci.2013 (2013–2021)"), "{e}");
    // A negative PAPI sub-dimension.
    let e = score(
        &EditionChoice::Index("papi".into()),
        &[Observation::new("Trà Vinh", 2020, "participation/civic_knowledge", -0.5)],
        &ScoreOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, ChisoError::OutOfScale { .. }), "{e}");
}

#[test]
fn user_variant_with_other_weights() {
    let base = catalog().edition("pci.2013").unwrap();
    let v = base.with_weights(&[("transparency", 15.0), ("entry_costs", 10.0)], false).unwrap();
    assert_eq!(v.code, "pci.2013+user");
    assert_eq!(v.status, chiso::Status::UserSupplied);
    let s = score(&EditionChoice::Methodology(std::sync::Arc::new(v)), &pci_obs("84", 2015), &ScoreOptions::default())
        .unwrap();
    // 631.5 − 5·6.5 + 5·7.0 = 634.0
    assert!((s.total("84", 2015).unwrap().unwrap() - 63.4).abs() < 1e-12);
    let row = s.get("84", 2015, "").unwrap();
    assert_eq!(row.provenance, Some(chiso::Status::UserSupplied));
    let e = base.with_weights(&[("transparency", 30.0)], false).unwrap_err().to_string();
    assert!(e.contains("110") && e.contains("weights_sum = 100"), "{e}");
    assert!(base.with_weights(&[("transparency", 30.0)], true).is_ok());
    assert_eq!(
        base.with_weights(&[("nope", 1.0)], false).unwrap_err(),
        ChisoError::InvalidArgument("with_weights: node \"nope\" is not in edition pci.2013".into())
    );
}

/// A point-based edition in the style of DTI 2021 (main indicators as ratios of their maxima, total = points/1000)
/// and PAR (areas in points): values given as points, ratio or pct are converted with the node's maximum, out of
/// scale values caught, and an unknown maximum is asked for, not guessed.
#[test]
fn measures_and_unknown_maxima() {
    let text = r#"
[edition]
code = "x.2021"
first_year = 2021
name_en = "X"
name_vi = "X"
status = "official"
[[node]]
code = "x.2021"
kind = "total"
name_en = "T"
scale = [0.0, 1.0]
aggregation = "RATIO"
[[node]]
code = "x.2021/a"
kind = "main indicator"
name_en = "A"
scale = [0.0, 1.0]
max_points = 600.0
[[node]]
code = "x.2021/b"
kind = "main indicator"
name_en = "B"
scale = [0.0, 1.0]
max_points = 400.0
[[node]]
code = "x.2021/c"
kind = "main indicator"
name_en = "C"
scale = [0.0, 1.0]
scored = false
"#;
    let m = std::sync::Arc::new(Methodology::from_toml_str(text, "x.toml").unwrap());
    let choice = EditionChoice::Methodology(m.clone());
    let run = |data: Vec<Observation>| score(&choice, &data, &ScoreOptions::default());
    use chiso::Measure;
    // 300/600 points and 40% of 400: total (300 + 160) / 1000.
    let s = run(vec![
        Observation::new("Trà Vinh", 2021, "a", 300.0).in_measure(Measure::Points),
        Observation::new("Trà Vinh", 2021, "b", 40.0).in_measure(Measure::Pct),
    ])
    .unwrap();
    assert!((s.total("84", 2021).unwrap().unwrap() - 0.46).abs() < 1e-12);
    // Points given where the edition expects ratios, without saying so: out of scale, caught.
    let e = run(vec![Observation::new("Trà Vinh", 2021, "a", 300.0)]).unwrap_err();
    assert!(matches!(e, ChisoError::OutOfScale { .. }), "{e}");
    // Node c has no maximum: points cannot be read.
    let e = run(vec![Observation::new("Trà Vinh", 2021, "c", 5.0).in_measure(Measure::Points)]).unwrap_err();
    assert!(matches!(e, ChisoError::MissingMaximum { .. }), "{e}");
    assert!(e.to_string().contains("with_max_points") && e.to_string().contains("x.2021/c"), "{e}");
    let with_max = m.with_max_points(&[("c", 50.0)]).unwrap();
    assert_eq!(with_max.node("c").unwrap().max_points_status, chiso::Status::UserSupplied);
    let s = score(
        &EditionChoice::Methodology(std::sync::Arc::new(with_max)),
        &[Observation::new("Trà Vinh", 2021, "c", 5.0).in_measure(Measure::Points)],
        &ScoreOptions::default(),
    )
    .unwrap();
    assert!((s.get("84", 2021, "c").unwrap().score.unwrap() - 0.1).abs() < 1e-12);
    // A PCI sub-index (scale 1–10) takes only scores.
    let e = pci(&[Observation::new("Trà Vinh", 2015, "transparency", 0.6).in_measure(Measure::Ratio)]).unwrap_err();
    assert!(matches!(e, ChisoError::Measure { .. }), "{e}");
}

/// A node published in points (scale 0 to its maximum) reads a value given as a percentage or ratio of that
/// maximum; a node published as a percentage (scale 0–100, no maximum) reads a ratio. Hand-computed: 50% of a
/// 20-point criterion is 10 points; a ratio of 0.25 on a 0–100 node is 25.
#[test]
fn points_and_percentage_nodes_read_other_measures() {
    let text = r#"
[edition]
code = "y.2021"
first_year = 2021
name_en = "Y"
name_vi = "Y"
status = "official"
[[node]]
code = "y.2021"
kind = "total"
name_en = "T"
scale = [0.0, 50.0]
max_points = 50.0
aggregation = "SUM"
[[node]]
code = "y.2021/a"
kind = "main indicator"
name_en = "A"
scale = [0.0, 20.0]
max_points = 20.0
[[node]]
code = "y.2021/b"
kind = "main indicator"
name_en = "B"
scale = [0.0, 30.0]
max_points = 30.0
[[node]]
code = "y.2021/c"
kind = "main indicator"
name_en = "C"
scale = [0.0, 100.0]
scored = false
"#;
    use chiso::Measure;
    let m = std::sync::Arc::new(Methodology::from_toml_str(text, "y.toml").unwrap());
    let s = score(
        &EditionChoice::Methodology(m),
        &[
            Observation::new("Trà Vinh", 2021, "a", 50.0).in_measure(Measure::Pct),
            Observation::new("Trà Vinh", 2021, "b", 0.2).in_measure(Measure::Ratio),
            Observation::new("Trà Vinh", 2021, "c", 0.25).in_measure(Measure::Ratio),
        ],
        &ScoreOptions::default(),
    )
    .unwrap();
    let value = |node: &str| s.get("84", 2021, node).unwrap().score.unwrap();
    assert!((value("a") - 10.0).abs() < 1e-12, "50% of 20 points");
    assert!((value("b") - 6.0).abs() < 1e-12, "a ratio of 0.2 of 30 points");
    assert!((value("c") - 25.0).abs() < 1e-12, "a ratio of 0.25 on a 0–100 node");
    assert!((s.total("84", 2021).unwrap().unwrap() - 16.0).abs() < 1e-12);
}

/// Only a scale from 0 makes a node a points or percentage node: a 1–20 node with a maximum of 20 and a 0–50 node
/// without one take only scores, like PCI's 1–10 sub-indices.
#[test]
fn scales_not_from_zero_take_only_scores() {
    use chiso::Measure;
    let text = |scale: &str, max: &str| {
        format!(
            "[edition]\ncode = \"v.2021\"\nfirst_year = 2021\nname_en = \"V\"\nname_vi = \"V\"\nstatus = \"official\"\n\
             [[node]]\ncode = \"v.2021\"\nkind = \"total\"\nname_en = \"T\"\naggregation = \"MEAN\"\n\
             [[node]]\ncode = \"v.2021/a\"\nkind = \"main indicator\"\nname_en = \"A\"\nscale = {scale}\n{max}\n"
        )
    };
    for (scale, max, given) in
        [("[1.0, 20.0]", "max_points = 20.0", Measure::Pct), ("[5.0, 100.0]", "", Measure::Ratio)]
    {
        let m = std::sync::Arc::new(Methodology::from_toml_str(&text(scale, max), "v.toml").unwrap());
        let e = score(
            &EditionChoice::Methodology(m),
            &[Observation::new("Trà Vinh", 2021, "a", 0.5).in_measure(given)],
            &ScoreOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(e, ChisoError::Measure { .. }), "scale {scale}: {e}");
    }
}

/// A computed total past its node's maximum is refused even when it passes it by less than a point: two areas
/// of unknown maxima (10.0 + 0.5 given against a total of at most 10) cannot make a total of 10.5.
#[test]
fn a_computed_total_just_past_its_maximum_is_refused() {
    let text = r#"
[edition]
code = "z.2021"
first_year = 2021
name_en = "Z"
name_vi = "Z"
status = "official"
[[node]]
code = "z.2021"
kind = "total"
name_en = "T"
max_points = 10.0
aggregation = "SUM"
[[node]]
code = "z.2021/a"
kind = "main indicator"
name_en = "A"
[[node]]
code = "z.2021/b"
kind = "main indicator"
name_en = "B"
"#;
    let m = std::sync::Arc::new(Methodology::from_toml_str(text, "z.toml").unwrap());
    let run = |a: f64, b: f64| {
        score(
            &EditionChoice::Methodology(m.clone()),
            &[Observation::new("Trà Vinh", 2021, "a", a), Observation::new("Trà Vinh", 2021, "b", b)],
            &ScoreOptions::default(),
        )
    };
    assert!((run(9.5, 0.5).unwrap().total("84", 2021).unwrap().unwrap() - 10.0).abs() < 1e-12);
    match run(10.0, 0.5).unwrap_err() {
        ChisoError::Computed { province, year, node, value, .. } => {
            assert_eq!((province.as_str(), year, node.as_str()), ("Trà Vinh", 2021, "z.2021"));
            assert!((value - 10.5).abs() < 1e-12);
        }
        e => panic!("expected a Computed error, got {e}"),
    }
}

/// The published-value tolerance counts every rounded input below a computed node (README §1.5 rule 3): a total
/// SUM of a computed area (three supplied criteria) and a supplied area has 4 rounded inputs, so at 2 decimals in
/// and out its tolerance is 0.005 + 4 × 0.005 = 0.025 — hand-computed, not the 2 inputs of its direct children.
#[test]
fn published_tolerance_counts_inputs_through_computed_children() {
    let text = r#"
[edition]
code = "u.2021"
first_year = 2021
name_en = "U"
name_vi = "U"
status = "official"
[[node]]
code = "u.2021"
kind = "total"
name_en = "T"
aggregation = "SUM"
[[node]]
code = "u.2021/a"
kind = "area"
name_en = "A"
aggregation = "SUM"
[[node]]
code = "u.2021/a/x"
kind = "criterion"
name_en = "X"
[[node]]
code = "u.2021/a/y"
kind = "criterion"
name_en = "Y"
[[node]]
code = "u.2021/a/z"
kind = "criterion"
name_en = "Z"
[[node]]
code = "u.2021/b"
kind = "area"
name_en = "B"
"#;
    let m = std::sync::Arc::new(Methodology::from_toml_str(text, "u.toml").unwrap());
    let data: Vec<Observation> = [("a/x", 1.01), ("a/y", 2.02), ("a/z", 3.03), ("b", 4.04), ("", 10.12)]
        .iter()
        .map(|&(node, v)| Observation::new("Trà Vinh", 2021, node, v))
        .collect();
    let s = score(&EditionChoice::Methodology(m), &data, &ScoreOptions::default()).unwrap();
    let c = s.compare_published(Some(2), 2).unwrap();
    assert_eq!(c.len(), 1, "only the total was both given and computed");
    assert_eq!(c[0].node, "u.2021");
    assert!((c[0].tolerance - 0.025).abs() < 1e-15, "{}", c[0].tolerance);
    assert!((c[0].difference + 0.02).abs() < 1e-12 && c[0].within, "10.10 computed, 10.12 published");
    assert!((s.compare_published(None, 2).unwrap()[0].tolerance - 0.005).abs() < 1e-15);
}

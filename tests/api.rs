#![allow(clippy::result_large_err)]
//! The public Rust API as another crate meets it: names resolved as `score()` resolves them, typed errors
//! instead of silent `None`s or panics, text enums that round-trip, results that serialise.

use chiso::engine::{percentile_linear, quartile_group, Plan};
use chiso::project::plans::TaskStatus;
use chiso::{
    catalog, score, ChisoError, EditionChoice, Measure, MissingPolicy, Observation, Origin, Prefer, ScoreOptions,
    Status,
};

/// PCI 2013 sub-indices of one invented province-year (pci.md A4.1 synthetic example).
fn pci_2013() -> chiso::Scores {
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
    let data: Vec<Observation> = subs.iter().map(|(n, v)| Observation::new("84", 2015, *n, *v)).collect();
    score(&EditionChoice::Edition("pci.2013".into()), &data, &ScoreOptions::default()).unwrap()
}

#[test]
fn get_and_total_accept_every_name_score_accepts() {
    let s = pci_2013();
    // Hand computation with the pci.2013 weights of pci.md A4.2 (5, 5, 20, 5, 10, 5, 5, 20, 20, 5 %):
    // 0.05·7 + 0.05·6 + 0.20·6.5 + 0.05·7.5 + 0.10·6 + 0.05·5.5 + 0.05·6.5 + 0.20·6 + 0.20·6.2 + 0.05·7 = 6.315
    // on the 1–10 scale; PCI = 10 × that = 63.15.
    for name in ["84", "Trà Vinh", "tra vinh", "TRA VINH", "Tỉnh Trà Vinh"] {
        let total = s.total(name, 2015).unwrap().unwrap();
        assert!((total - 63.15).abs() < 1e-9, "{name}: {total}");
        assert_eq!(s.get(name, 2015, "transparency").unwrap().score, Some(6.5), "{name}");
    }
}

#[test]
fn get_says_why_a_row_is_absent() {
    let s = pci_2013();
    match s.get("Trà Vinh", 2016, "") {
        Err(ChisoError::NotScored { province, year, scored_years }) => {
            assert_eq!((province.as_str(), year, scored_years.as_str()), ("Trà Vinh", 2016, "2015"));
        }
        other => panic!("expected NotScored, got {other:?}"),
    }
    match s.total("Vĩnh Long", 2015) {
        Err(ChisoError::NotScored { province, year, scored_years }) => {
            assert_eq!((province.as_str(), year, scored_years.as_str()), ("Vĩnh Long", 2015, "none"));
        }
        other => panic!("expected NotScored, got {other:?}"),
    }
    match s.get("Tra Vnh", 2015, "") {
        Err(ChisoError::UnknownProvince { name, suggestions }) => {
            assert_eq!(name, "Tra Vnh");
            assert_eq!(suggestions.first().map(String::as_str), Some("Trà Vinh"));
        }
        other => panic!("expected UnknownProvince, got {other:?}"),
    }
    match s.get("84", 2015, "transparancy") {
        Err(ChisoError::UnknownNode { edition, node, province, year, suggestions, .. }) => {
            assert_eq!(
                (edition.as_str(), node.as_str(), province.as_str(), year),
                ("pci.2013", "transparancy", "Trà Vinh", 2015)
            );
            assert_eq!(suggestions.first().map(String::as_str), Some("transparency"));
        }
        other => panic!("expected UnknownNode, got {other:?}"),
    }
}

#[test]
fn raw_index_getters_do_not_panic() {
    let s = pci_2013();
    assert_eq!(s.units().len(), 1);
    assert!((s.value(0, 0).unwrap() - 63.15).abs() < 1e-9);
    assert_eq!(s.value(0, 3), Some(6.5)); // node 3 of pci.2013 is transparency (file order)
    assert_eq!(s.value(1, 0), None, "no second unit");
    assert_eq!(s.value(0, 10_000), None, "no such node");
    assert_eq!(s.supplied_value(0, 10_000), None);
    assert_eq!(s.supplied_value(7, 0), None);
    let unit = s.units()[0];
    assert_eq!(s.edition_of(&unit).unwrap().code, "pci.2013");
}

#[test]
fn rows_iterate_in_reading_order() {
    let s = pci_2013();
    let it = s.iter();
    assert_eq!(it.len(), 11);
    let rows: Vec<_> = it.collect();
    assert_eq!(rows, s.rows());
    assert_eq!(rows[0].path, "");
    assert_eq!(rows[0].origin, Origin::Computed);
    assert_eq!(rows[1].path, "entry_costs");
}

#[test]
fn plan_refuses_buffers_of_the_wrong_length() {
    let m = catalog().edition("papi.2021").unwrap();
    let plan = Plan::compile(m);
    let mut short = vec![1.0; plan.n_nodes() - 1];
    match plan.evaluate(&mut short, false) {
        Err(ChisoError::InvalidArgument(msg)) => assert!(msg.contains(&plan.n_nodes().to_string()), "{msg}"),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
    let mut ragged = vec![1.0; plan.n_nodes() * 2 + 1];
    assert!(matches!(plan.evaluate_many(&mut ragged, false), Err(ChisoError::InvalidArgument(_))));
    assert!(ragged.iter().all(|&v| v == 1.0), "nothing is evaluated when the buffer is refused");
}

#[test]
fn percentiles_of_nothing_are_none() {
    assert_eq!(percentile_linear(&[], 0.5), None);
    assert_eq!(percentile_linear(&[1.0], -0.1), None);
    assert_eq!(percentile_linear(&[1.0], f64::NAN), None);
    // numpy.percentile([1, 2, 3, 4, 10], [25, 50, 75]) = [2, 3, 4]
    let x = [1.0, 2.0, 3.0, 4.0, 10.0];
    assert_eq!([0.25, 0.5, 0.75].map(|p| percentile_linear(&x, p)), [Some(2.0), Some(3.0), Some(4.0)]);
    assert_eq!(quartile_group(3.99, &x), Some(1));
    assert_eq!(quartile_group(f64::NAN, &x), None);
    assert_eq!(quartile_group(1.0, &[]), None);
}

#[test]
fn text_enums_round_trip_and_refuse_unknown_spellings() {
    for m in Measure::ALL {
        assert_eq!(m.to_string().parse::<Measure>().unwrap(), *m);
    }
    for o in Origin::ALL {
        assert_eq!(o.to_string().parse::<Origin>().unwrap(), *o);
    }
    for t in TaskStatus::ALL {
        assert_eq!(t.to_string().parse::<TaskStatus>().unwrap(), *t);
    }
    assert_eq!("renormalise".parse::<MissingPolicy>().unwrap(), MissingPolicy::Renormalise);
    assert_eq!("published".parse::<Prefer>().unwrap(), Prefer::Published);
    assert_eq!("User-Supplied".parse::<Status>().unwrap(), Status::UserSupplied);
    match "percent".parse::<Measure>() {
        Err(ChisoError::InvalidArgument(msg)) => {
            assert_eq!(msg, "unknown measure \"percent\"; expected one of: score, points, ratio, pct, rank")
        }
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

#[test]
fn results_serialise_with_their_text_spellings() {
    let s = pci_2013();
    let row = s.get("84", 2015, "").unwrap();
    let text = toml::to_string(&row).unwrap();
    assert!(text.contains("province = \"Trà Vinh\""), "{text}");
    assert!(text.contains("origin = \"computed\""), "{text}");
    assert!(text.contains("path = \"\""), "{text}");
    let parsed: toml::Table = text.parse().unwrap();
    assert!((parsed["score"].as_float().unwrap() - 63.15).abs() < 1e-9);
}

#[test]
fn trend_errors_read_as_one_sentence() {
    use chiso::project::trend::{trend, TrendOptions};
    let obs = |year: i32, v: f64| Observation::new("Trà Vinh", year, "", v);
    // One PCI year in its edition (pci.2022 from data year 2022): nothing to fit a line through.
    let one = score(&EditionChoice::Index("pci".into()), &[obs(2021, 60.0), obs(2022, 61.0)], &ScoreOptions::default())
        .unwrap();
    match trend(&one, "Trà Vinh", "", 2023, &TrendOptions::default()) {
        Err(ChisoError::InvalidArgument(msg)) => assert_eq!(
            msg,
            "Trà Vinh: only 1 comparable year(s) since the last break (2022); a trend needs 2 (pass across_breaks to \
             use earlier editions)"
        ),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
    // 2019–2021 are pci.2013; data year 2022 is scored with pci.2022.
    let before = score(
        &EditionChoice::Index("pci".into()),
        &[obs(2019, 60.0), obs(2020, 61.0), obs(2021, 62.0)],
        &ScoreOptions::default(),
    )
    .unwrap();
    match trend(&before, "Trà Vinh", "", 2022, &TrendOptions::default()) {
        Err(ChisoError::InvalidArgument(msg)) => assert_eq!(
            msg,
            "data year 2022 is scored with pci.2022, not pci.2013: projecting across an edition break needs \
             across_breaks"
        ),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

//! PAR INDEX, SIPAS, DTI, ICT Index and PGI: the spec's worked examples, ranks and groups, edition boundaries,
//! and the published rows that have both parts and the whole.

use chiso::{catalog, datasets, score, EditionChoice, Measure, Observation, Origin, ScoreOptions};

fn index(id: &str, data: &[Observation]) -> chiso::Scores {
    score(&EditionChoice::Index(id.into()), data, &ScoreOptions::default()).unwrap()
}

/// dti.md §4.3 synthetic example: main indicators 0.80 … 0.40 (foundation), 0.90 / 0.60 / 0.30 (activity) →
/// DTI = (300 + 180 + 90 + 45) / 1000 = 0.6150 (RATIO over the eight scored main indicators).
#[test]
fn dti_2021_worked_example() {
    let values = [
        ("foundation/digital_awareness", 0.80),
        ("foundation/digital_institutions", 0.70),
        ("foundation/digital_infrastructure", 0.60),
        ("foundation/digital_workforce", 0.50),
        ("foundation/cybersecurity", 0.40),
        ("activity/digital_government_activity", 0.90),
        ("activity/digital_economy_activity", 0.60),
        ("activity/digital_society_activity", 0.30),
    ];
    let data: Vec<Observation> = values.iter().map(|(n, v)| Observation::new("Bắc Ninh", 2022, *n, *v)).collect();
    let s = index("dti", &data);
    assert!((s.total("27", 2022).unwrap() - 0.6150).abs() < 1e-12);
    // The pillar view in the same edition (SHARED_RATIO): CQS 480/700, KTS 390/650, XHS 345/650.
    for (pillar, expected) in
        [("digital_government", 480.0 / 700.0), ("digital_economy", 390.0 / 650.0), ("digital_society", 345.0 / 650.0)]
    {
        let row = s.get("27", 2022, &format!("dti.2021:pillars/{pillar}")).unwrap();
        assert!((row.score.unwrap() - expected).abs() < 1e-12, "{pillar}");
        assert_eq!(row.provenance, Some(chiso::Status::Derived));
    }
    assert!((s.get("27", 2022, "dti.2021:pillars").unwrap().score.unwrap() - 0.6150).abs() < 1e-12);
    // Published pillar values (4 decimals) are checked against the computation.
    let mut with_published = data.clone();
    with_published.push(Observation::new("Bắc Ninh", 2022, "dti.2021:pillars/digital_government", 0.6857));
    with_published.push(Observation::new("Bắc Ninh", 2022, "dti.2021:pillars/digital_economy", 0.6003));
    let checks = index("dti", &with_published).compare_published(Some(4), 4).unwrap();
    assert_eq!(checks.len(), 2);
    assert!(checks[0].within, "{:?}", checks[0]);
    assert!(!checks[1].within, "0.6003 against 0.6000: beyond 4-decimal rounding: {:?}", checks[1]);
    // The same values as points: 80 of 100 …, 180 of 200 ….
    let maxima = [100.0, 100.0, 100.0, 100.0, 100.0, 200.0, 150.0, 150.0];
    let points: Vec<Observation> = values
        .iter()
        .zip(maxima)
        .map(|((n, v), m)| Observation::new("Bắc Ninh", 2022, *n, v * m).in_measure(Measure::Points))
        .collect();
    assert!((index("dti", &points).total("27", 2022).unwrap() - 0.6150).abs() < 1e-12);
}

/// dti.md §3: DTI 2020 = 0.4·CQS + 0.3·KTS + 0.3·XHS; synthetic 0.50 / 0.40 / 0.30 → 0.41.
#[test]
fn dti_2020_worked_example() {
    let data = [
        Observation::new("Đà Nẵng", 2020, "digital_government", 0.50),
        Observation::new("Đà Nẵng", 2020, "digital_economy", 0.40),
        Observation::new("Đà Nẵng", 2020, "digital_society", 0.30),
    ];
    assert!((index("dti", &data).total("48", 2020).unwrap() - 0.41).abs() < 1e-12);
}

/// DTI ranks compare values rounded to 4 decimals (README §1.6): the published 2022 tie at 15th, next 17th.
#[test]
fn dti_ties_at_four_decimals() {
    let data = [
        Observation::new("Hà Nội", 2022, "", 0.61234),
        Observation::new("Hải Phòng", 2022, "", 0.61226),
        Observation::new("Bắc Ninh", 2022, "", 0.61100),
    ];
    let s = index("dti", &data);
    let rows: Vec<_> = ["01", "31", "27"].iter().map(|c| s.get(c, 2022, "").unwrap()).collect();
    let within: Vec<Option<u32>> = rows.iter().map(|r| r.rank_within).collect();
    assert_eq!(within, vec![Some(1), Some(1), Some(3)]);
    // Three of the 63 provinces DTI ranks: no rank over the publisher's field (issue 9 §2).
    assert!(rows.iter().all(|r| r.rank.is_none() && r.n_field == 63 && r.n_ranked == 3));
}

/// ict_index.md synthetic example: (0.60 + 0.75 + 0.81) / 3 = 0.72; IT industry published but not scored.
#[test]
fn ict_worked_example_and_unscored_industry() {
    let data = [
        Observation::new("Đà Nẵng", 2018, "technical_infrastructure", 0.60),
        Observation::new("Đà Nẵng", 2018, "human_resources", 0.75),
        Observation::new("Đà Nẵng", 2018, "it_application", 0.81),
        Observation::new("Đà Nẵng", 2018, "it_industry", 0.10),
    ];
    assert!((index("ict", &data).total("48", 2018).unwrap() - 0.72).abs() < 1e-12);
}

/// Every published ICT row with the total and its three components reproduces the total within the spec's
/// tolerance (README §1.5 rule 3), at the decimals the components are printed with.
#[test]
fn ict_published_rows() {
    let rows = datasets::ict().unwrap();
    let s = index("ict", &datasets::observations(&rows));
    let checks = s.compare_published(Some(2), 4).unwrap();
    assert_eq!(checks.len(), 4, "Đà Nẵng 2016, 2019, 2023 and Quảng Ninh 2022");
    assert!(checks.iter().all(|c| c.within), "{checks:?}");
    let dn2023 = s.compare_published(Some(4), 4).unwrap().into_iter().find(|c| c.year == 2023).unwrap();
    assert!(dn2023.within, "4-decimal components: tolerance 0.0001");
}

/// par_index.md §7 synthetic example (par.2024): areas summing to 88.50, which needs the three UNKNOWN area
/// maxima only for points lost, not for the total (SUM needs no maxima). Groups by the 2024 thresholds.
#[test]
fn par_2024_example_and_groups() {
    let areas = [
        ("steering", 9.00),
        ("institutions", 10.20),
        ("procedures", 12.10),
        ("apparatus", 9.80),
        ("civil_service", 13.50),
        ("public_finance", 9.90),
        ("digital_government", 11.30),
        ("impact", 12.70),
    ];
    let mut data: Vec<Observation> = areas.iter().map(|(n, v)| Observation::new("Trà Vinh", 2024, *n, *v)).collect();
    data.push(Observation::new("Quảng Ninh", 2024, "", 92.35));
    data.push(Observation::new("An Giang", 2024, "", 79.99));
    let s = index("par", &data);
    let tv = s.get("84", 2024, "").unwrap();
    assert!((tv.score.unwrap() - 88.50).abs() < 1e-9);
    assert_eq!(tv.origin, Origin::Computed);
    assert_eq!(tv.group.as_deref(), Some("B"));
    assert_eq!(s.get("22", 2024, "").unwrap().group.as_deref(), Some("A"));
    assert_eq!(s.get("89", 2024, "").unwrap().group.as_deref(), Some("unclassified"));
    // An area whose maximum is UNKNOWN cannot be read from a percentage.
    let e = score(
        &EditionChoice::Index("par".into()),
        &[Observation::new("Trà Vinh", 2024, "institutions", 80.0).in_measure(Measure::Pct)],
        &ScoreOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, chiso::ChisoError::MissingMaximum { .. }), "{e}");
}

/// PAR 2018 thresholds 80 / 75 / 70 (lower-inclusive); no groups where the thresholds are UNKNOWN (2019–2021).
#[test]
fn par_groups_only_where_known() {
    let data = [
        Observation::new("Trà Vinh", 2018, "", 80.0),
        Observation::new("Vĩnh Long", 2018, "", 74.99),
        Observation::new("Trà Vinh", 2019, "", 85.0),
    ];
    let s = index("par", &data);
    assert_eq!(s.get("84", 2018, "").unwrap().group.as_deref(), Some("A"));
    assert_eq!(s.get("86", 2018, "").unwrap().group.as_deref(), Some("C"));
    assert_eq!(s.get("84", 2019, "").unwrap().group, None);
}

/// SIPAS: the overall formula is OPAQUE (sipas.md): published elements and overall are kept as given, the
/// overall is never computed, so the published 2023 inconsistency (overall ≠ mean of elements) stays visible.
#[test]
fn sipas_overall_is_never_computed() {
    let rows = datasets::sipas().unwrap();
    let s = index("sipas", &datasets::observations(&rows));
    assert!(s.compare_published(None, 2).unwrap().is_empty());
    for t in s.totals() {
        assert!(matches!(t.origin, Origin::Input | Origin::Missing), "{t:?}");
    }
}

/// PGI: total = SUM of the four sub-indices (pci.md B2 synthetic example 23.0); Trà Vinh 2022 17.67.
#[test]
fn pgi_sum_and_published_total() {
    let data = [
        Observation::new("Trà Vinh", 2022, "pollution_climate", 6.1),
        Observation::new("Trà Vinh", 2022, "environmental_compliance", 5.4),
        Observation::new("Trà Vinh", 2022, "green_leadership", 7.0),
        Observation::new("Trà Vinh", 2022, "green_support", 4.5),
    ];
    assert!((index("pgi", &data).total("84", 2022).unwrap() - 23.0).abs() < 1e-12);
    let rows = datasets::pgi().unwrap();
    let s = index("pgi", &datasets::observations(&rows));
    assert_eq!(s.total("84", 2022), Some(17.67));
}

/// Edition selection by data year at every boundary of every index.
#[test]
fn edition_boundaries() {
    let c = catalog();
    for (id, year, code) in [
        ("par", 2015, "par.2012"),
        ("par", 2016, "par.2016"),
        ("par", 2017, "par.2017"),
        ("par", 2018, "par.2018"),
        ("par", 2019, "par.2019"),
        ("par", 2021, "par.2020"),
        ("par", 2022, "par.2022"),
        ("par", 2023, "par.2022"),
        ("par", 2024, "par.2024"),
        ("sipas", 2015, "sipas.2015"),
        ("sipas", 2017, "sipas.2017"),
        ("sipas", 2021, "sipas.2017"),
        ("sipas", 2022, "sipas.2022"),
        ("sipas", 2023, "sipas.2023"),
        ("dti", 2020, "dti.2020"),
        ("dti", 2021, "dti.2021"),
        ("dti", 2023, "dti.2021"),
        ("dti", 2024, "dti.2024"),
        ("ict", 2015, "ict.2005"),
        ("ict", 2016, "ict.2016"),
        ("ict", 2023, "ict.2016"),
        ("pgi", 2022, "pgi.2022"),
        ("pgi", 2024, "pgi.2022"),
    ] {
        assert_eq!(c.for_year(id, year).unwrap().code, code, "{id} {year}");
    }
    for (id, year) in [("sipas", 2016), ("ict", 2024), ("pgi", 2021), ("dti", 2019), ("par", 2011)] {
        assert!(c.for_year(id, year).is_err(), "{id} {year}");
    }
    // Views are never chosen by year; they are named explicitly.
    assert_eq!(c.edition("par.2022:blocks").unwrap().first_year, 2022);
    assert!(c.views_of("dti").iter().any(|v| v.code == "dti.2024:pillars"));
    // The 2021 pillars are a view inside dti.2021 itself (they share its foundation indicators).
    assert!(c.edition("dti.2021").unwrap().node("dti.2021:pillars/digital_society").is_some());
}

/// PGI: a break before 2023 is suspected (pci.md B2) inside the one edition: 2022→2023 and 2022→2024 are flagged,
/// 2023→2024 is within-edition, and a comparable-only comparison leaves the flagged pairs out.
#[test]
fn pgi_suspected_break() {
    use chiso::compare::{compare, trajectory, Comparability, CompareOptions};
    let data = [
        Observation::new("Trà Vinh", 2022, "", 17.67),
        Observation::new("Trà Vinh", 2023, "", 20.0),
        Observation::new("Trà Vinh", 2024, "", 21.0),
    ];
    let s = index("pgi", &data);
    let c = |a, b| compare(&s, a, b, &CompareOptions::default()).unwrap()[0].comparability;
    assert_eq!(c(2022, 2023), Comparability::SuspectedBreak);
    assert_eq!(c(2022, 2024), Comparability::SuspectedBreak);
    assert_eq!(c(2023, 2024), Comparability::WithinEdition);
    let only = compare(&s, 2022, 2023, &CompareOptions { comparable_only: true, ..Default::default() }).unwrap();
    assert!(only.is_empty());
    let t = trajectory(&s, "84", "", None, None, false).unwrap();
    assert_eq!(t.iter().filter(|p| p.break_before).map(|p| p.year).collect::<Vec<_>>(), vec![2023]);
}

/// Points lost: PCI's weights make a point of transparency cost 2 composite points (20% × 10) in 2013–2021; PAR
/// 2024 areas with UNKNOWN maxima make the question an error that names the node, until the user supplies them.
#[test]
fn points_lost_and_unknown_maxima() {
    use chiso::compare::points_lost;
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
    let data: Vec<Observation> = subs.iter().map(|(n, v)| Observation::new("Trà Vinh", 2015, *n, *v)).collect();
    let s = index("pci", &data);
    let lost = points_lost(&s, "Trà Vinh", 2015).unwrap();
    let t = lost.iter().find(|r| r.node == "transparency").unwrap();
    assert!((t.lost.unwrap() - 3.5).abs() < 1e-12 && (t.cost_in_total.unwrap() - 7.0).abs() < 1e-12);
    let total = lost.iter().find(|r| r.node.is_empty()).unwrap();
    assert!((total.lost.unwrap() - (100.0 - 63.15)).abs() < 1e-9);
    // The sub-indices' costs add up to the composite's points lost (a linear rule).
    let sum: f64 = lost.iter().filter(|r| r.depth == 1).filter_map(|r| r.cost_in_total).sum();
    assert!((sum - total.lost.unwrap()).abs() < 1e-9);
    // One province only: it is the best.
    assert_eq!(total.gap_to_best, Some(0.0));
    // PGI: no known top, the gap to the best province instead.
    let pgi =
        index("pgi", &[Observation::new("Trà Vinh", 2023, "", 20.0), Observation::new("Quảng Ninh", 2023, "", 26.0)]);
    let l = points_lost(&pgi, "84", 2023).unwrap();
    assert_eq!((l[0].lost, l[0].gap_to_best), (None, Some(6.0)));
    assert_eq!(total.lead_department, "Department of Planning and Investment");

    let par = index(
        "par",
        &[
            Observation::new("Trà Vinh", 2024, "institutions", 10.2),
            Observation::new("Trà Vinh", 2024, "steering", 9.0),
        ],
    );
    let e = points_lost(&par, "84", 2024).unwrap_err();
    assert!(
        matches!(e, chiso::ChisoError::MissingMaximum { .. }) && e.to_string().contains("par.2024/institutions"),
        "{e}"
    );
}

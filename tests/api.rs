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

/// Province-years back to back evaluate as each alone would: the PAPI 2021 total with every sub-dimension at
/// 1 is the number of sub-dimensions (each dimension the sum of its own), at 2 twice that.
#[test]
fn evaluate_many_evaluates_each_unit_as_evaluate_does() {
    let m = catalog().edition("papi.2021").unwrap();
    let plan = Plan::compile(m);
    let n = plan.n_nodes();
    let leaves: Vec<usize> = (0..n).filter(|&i| m.nodes[i].scored && m.dependencies(i).is_empty()).collect();
    let mut many = vec![f64::NAN; 2 * n];
    for &i in &leaves {
        many[i] = 1.0;
        many[n + i] = 2.0;
    }
    plan.evaluate_many(&mut many, false).unwrap();
    assert_eq!(many[0], leaves.len() as f64);
    assert_eq!(many[n], 2.0 * leaves.len() as f64);
    let mut one = many[n..].to_vec();
    plan.evaluate(&mut one, false).unwrap();
    assert_eq!(one, many[n..].to_vec());
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
    let refused = "percent".parse::<Measure>().unwrap_err();
    assert_eq!(refused.to_string(), "unknown measure \"percent\"; expected one of: score, points, ratio, pct, rank");
    assert_eq!(
        refused,
        ChisoError::UnknownValue {
            what: "measure".into(),
            value: "percent".into(),
            expected: ["score", "points", "ratio", "pct", "rank"].map(String::from).to_vec(),
        }
    );
}

/// Every word a frame column or a file field holds reads back as the same value, and an unknown word is an
/// `UnknownValue` naming it and the words accepted.
fn round_trips<T>(all: &[T], what: &str, words: &[&str])
where
    T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + std::str::FromStr<Err = ChisoError> + serde::Serialize,
{
    let spelled: Vec<String> = all.iter().map(T::to_string).collect();
    assert_eq!(spelled, words, "{what}: the spellings of the frames");
    for (v, word) in all.iter().zip(words) {
        assert_eq!(word.parse::<T>().unwrap(), *v);
        assert_eq!(serde_json_like(v), format!("{word:?}"), "{what}: serialised as its word");
    }
    match "no such word".parse::<T>() {
        Err(ChisoError::UnknownValue { what: w, value, expected }) => {
            assert_eq!((w.as_str(), value.as_str()), (what, "no such word"));
            assert_eq!(expected, words);
        }
        other => panic!("{what}: expected UnknownValue, got {other:?}"),
    }
}

/// A value serialised on its own, through TOML's inline form (`v = "word"`).
fn serde_json_like<T: serde::Serialize>(v: &T) -> String {
    #[derive(serde::Serialize)]
    struct One<'a, T> {
        v: &'a T,
    }
    toml::to_string(&One { v }).unwrap().trim().strip_prefix("v = ").unwrap().to_string()
}

#[test]
fn vocabularies_are_enums_that_round_trip() {
    use chiso::compare::PeerGroup;
    use chiso::indicators::{Direction, Unit};
    use chiso::project::scenarios::Op;
    use chiso::project::target::Cap;
    use chiso::project::trend::{Bridge, EditionStatus};
    use chiso::{NodeKind, ProvinceKind};
    round_trips(Bridge::ALL, "bridge", &["rescale", "as_published"]);
    round_trips(Cap::ALL, "cap", &["max", "best"]);
    round_trips(EditionStatus::ALL, "edition status", &["in_force", "assumed", "chosen"]);
    round_trips(Op::ALL, "edit op", &["set", "add", "headroom", "max", "best_gap", "best", "percentile"]);
    round_trips(PeerGroup::ALL, "peer group", &["national", "region", "peers"]);
    round_trips(chiso::methodology::FieldDefault::ALL, "ranked field default", &["map"]);
    round_trips(ProvinceKind::ALL, "province kind", &["province", "city"]);
    round_trips(Direction::ALL, "direction", &["higher_is_better", "lower_is_better"]);
    round_trips(
        chiso::datasets::PublishedMeasure::ALL,
        "published measure",
        &["score", "points", "ratio", "pct", "rank", "tier", "group"],
    );
    round_trips(
        chiso::datasets::SourceKind::ALL,
        "source kind",
        &["official", "official_transcribed", "press", "derived"],
    );
    round_trips(chiso::datasets::Subject::ALL, "unit", &["province", "unit_2025", "national"]);
    round_trips(chiso::compare::MaterialityMeasure::ALL, "materiality measure", &["relative", "points"]);
    round_trips(chiso::compare::MergeRule::ALL, "merge rule", &["member_mean"]);
    round_trips(Status::ALL, "provenance", &["official", "derived", "user_supplied", "unknown"]);
    round_trips(
        Unit::ALL,
        "unit",
        &["days", "months", "hours", "count", "count_per_100_firms", "share", "pct", "points", "score"],
    );
    // Node kinds: the words of the methodology specification §1.3 and of the bundled edition files.
    assert_eq!(NodeKind::ALL.len(), 18);
    for word in ["total", "sub-index", "main indicator", "sub-dimension", "aspect", "element"] {
        assert_eq!(word.parse::<NodeKind>().unwrap().to_string(), word);
    }
    assert_eq!("sub-index".parse::<NodeKind>().unwrap(), NodeKind::SubIndex);
    assert_eq!("main indicator".parse::<NodeKind>().unwrap(), NodeKind::MainIndicator);
    match "sub index".parse::<NodeKind>() {
        Err(ChisoError::UnknownValue { what, value, expected }) => {
            assert_eq!((what.as_str(), value.as_str(), expected.len()), ("node kind", "sub index", 18));
        }
        other => panic!("expected UnknownValue, got {other:?}"),
    }
}

#[test]
fn peers_labels_read_and_write_as_the_peers_column() {
    use chiso::project::PeersUsed;
    for (label, used) in [
        ("held", PeersUsed::Held),
        ("trend to 2026", PeersUsed::Trend { target_year: 2026, held: 0, of: 0 }),
        ("trend to 2026 (3 of 63 held: no trend)", PeersUsed::Trend { target_year: 2026, held: 3, of: 63 }),
        ("user values (12 cells)", PeersUsed::Given { cells: 12 }),
    ] {
        assert_eq!(label.parse::<PeersUsed>().unwrap(), used, "{label}");
        assert_eq!(used.to_string(), label);
        assert_eq!(serde_json_like(&used), format!("{label:?}"));
    }
    for bad in [
        "trend to",
        "trend to 20x6",
        "trend to 2026 (3 of 63)",
        "trend to 2026 (0 of 63 held: no trend)",
        "user values (n cells)",
        "Held",
    ] {
        match bad.parse::<PeersUsed>() {
            Err(ChisoError::UnknownValue { what, value, expected }) => {
                assert_eq!((what.as_str(), value.as_str()), ("peers label", bad));
                assert_eq!(expected.len(), 4);
            }
            other => panic!("{bad}: expected UnknownValue, got {other:?}"),
        }
    }
}

#[test]
fn dataset_rows_and_index_facts_are_typed() {
    use chiso::datasets::{PublishedMeasure, SourceKind, Subject};
    let rows = chiso::datasets::pci().unwrap();
    // VCCI's 2016 workbook: Trà Vinh's PCI 57.64, 42nd of 63, its tier a label (not a value to score).
    let tv = |measure: PublishedMeasure| {
        rows.iter().find(|r| r.year == 2016 && r.province == "Trà Vinh" && r.node == "pci.2013" && r.measure == measure)
    };
    let score = tv(PublishedMeasure::Score).unwrap();
    assert_eq!((score.provenance, score.unit), (SourceKind::Official, Subject::Province));
    assert!((score.value - 57.64).abs() < 0.005);
    assert_eq!(tv(PublishedMeasure::Rank).unwrap().value, 42.0);
    assert_eq!(tv(PublishedMeasure::Tier).unwrap().measure.scored(), None);
    assert_eq!(PublishedMeasure::Pct.scored(), Some(Measure::Pct));
    assert!(score.measure == "score", "an enum compares equal to its spelling");
    let c = catalog();
    // PAPI reports call a change above 5% of the base significant (papi.md §6; methodologies/papi/index.toml).
    assert_eq!(c.index_materiality("papi"), Some(chiso::compare::Materiality::Relative(0.05)));
    let (rule, status) = c.index_merge_rule("dti").unwrap();
    assert_eq!((rule, status), (chiso::compare::MergeRule::MemberMean, Status::Official));
}

#[test]
fn rows_carry_enums_not_strings() {
    use chiso::compare::{peers, PeerGroup};
    use chiso::NodeKind;
    let s = pci_2013();
    let kinds: Vec<NodeKind> = s.iter().map(|r| r.kind).collect();
    assert_eq!(kinds[0], NodeKind::Total);
    assert!(kinds[1..].iter().all(|k| *k == NodeKind::SubIndex), "{kinds:?}");
    let reg = chiso::Registry::get();
    assert_eq!(reg.find("Cần Thơ").unwrap().kind, chiso::ProvinceKind::City);
    assert_eq!(reg.find("Trà Vinh").unwrap().kind, chiso::ProvinceKind::Province);
    let groups: Vec<PeerGroup> =
        peers(&s, "Trà Vinh", 2015, "", Some(&["Vĩnh Long".to_string()])).unwrap().iter().map(|r| r.group).collect();
    assert_eq!(groups, [PeerGroup::National, PeerGroup::Region, PeerGroup::Peers]);
}

#[test]
fn plan_fields_are_refused_with_the_task_named() {
    use chiso::project::plans::{parse_date, parse_effect, parse_status, TaskStatus};
    use chiso::project::Adjustment;
    let date = |year, month, day| chiso::project::plans::Date { year, month, day };
    assert_eq!(parse_date("2024-02-29", "T1"), Ok(date(2024, 2, 29)));
    assert_eq!(parse_date(" 2025-12-31 ", "T1"), Ok(date(2025, 12, 31)));
    assert_eq!(date(2025, 7, 1).to_string(), "2025-07-01");
    assert!(date(2025, 12, 31) < date(2026, 1, 1) && date(2026, 1, 2) > date(2026, 1, 1));
    let refused = |r: chiso::Result<chiso::project::plans::Date>| match r {
        Err(ChisoError::PlanTask { task, field, value, message }) => (task, field, value, message),
        other => panic!("expected PlanTask, got {other:?}"),
    };
    for (date, why) in [
        ("2025-02-29", "day 29 is not a day of month 2 of 2025, which has 28"),
        ("1900-02-29", "day 29 is not a day of month 2 of 1900, which has 28"),
        ("2025-04-31", "day 31 is not a day of month 4 of 2025, which has 30"),
        ("2025-13-01", "month 13 is not a month"),
        ("2025-00-10", "month 0 is not a month"),
        ("2025/01/01", "not a date"),
        ("2025-1-x", "the day \"x\" is not a number"),
        ("2025-+1-01", "the month \"+1\" is not a number"),
        ("2025-01-01-02", "not a date"),
        ("", "not a date"),
    ] {
        let (task, field, value, message) = refused(parse_date(date, "PAR-02"));
        assert_eq!((task.as_str(), field.as_str(), value.as_str()), ("PAR-02", "deadline", date));
        assert_eq!(message, format!("{why}; write the date as YYYY-MM-DD"), "{date}");
    }
    assert_eq!(
        parse_date("2025-02-30", "PAR-02").unwrap_err().to_string(),
        "plan: task \"PAR-02\" has deadline \"2025-02-30\": day 30 is not a day of month 2 of 2025, which has 28; \
         write the date as YYYY-MM-DD"
    );
    assert_eq!(parse_status("in_progress", "T"), Ok(TaskStatus::InProgress));
    assert_eq!(
        parse_status("ongoing", "T"),
        Err(ChisoError::PlanTask {
            task: "T".into(),
            field: "status".into(),
            value: "ongoing".into(),
            message: "use planned, in_progress, done".into()
        })
    );
    assert_eq!(parse_effect("headroom", Some(0.5), "T"), Ok(Adjustment::Headroom(0.5)));
    assert_eq!(
        parse_effect("double", Some(2.0), "T"),
        Err(ChisoError::PlanTask {
            task: "T".into(),
            field: "effect_op".into(),
            value: "double".into(),
            message: "use set, add, headroom, max, best_gap, best, percentile".into()
        })
    );
    assert_eq!(
        parse_effect("add", None, "T"),
        Err(ChisoError::PlanTask {
            task: "T".into(),
            field: "effect_value".into(),
            value: "none".into(),
            message: "op \"add\" needs a value".into()
        })
    );
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

/// The column form of `score` (the one the Python binding uses) refuses columns of different lengths, the
/// measures column included, instead of reading past the shortest.
#[test]
fn score_columns_refuses_columns_of_different_lengths() {
    use chiso::engine::{score_columns, Columns};
    use chiso::Measure;
    let names = ["Trà Vinh"];
    let nodes = ["transparency"];
    let run = |years: &[i32], measures: Option<&[Measure]>| {
        score_columns(
            &chiso::EditionChoice::Index("pci".into()),
            Columns {
                province_names: &names,
                province_idx: &[0, 0],
                years,
                node_names: &nodes,
                node_idx: &[0, 0],
                values: &[6.0, 6.5],
                measures,
            },
            &chiso::ScoreOptions::default(),
        )
    };
    let lengths = "province, year, node and value columns differ in length";
    let e = run(&[2015, 2016], Some(&[Measure::Score])).unwrap_err();
    assert!(matches!(&e, chiso::ChisoError::Data(m) if m == lengths), "{e}");
    let e = run(&[2015], None).unwrap_err();
    assert!(matches!(&e, chiso::ChisoError::Data(m) if m == lengths), "{e}");
    let s = run(&[2015, 2016], Some(&[Measure::Score, Measure::Score])).unwrap();
    assert_eq!(s.get("Trà Vinh", 2016, "transparency").unwrap().score, Some(6.5));
}

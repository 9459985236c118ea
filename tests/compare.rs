//! Year-over-year comparison on real data (issue: "Year-over-year comparison").

mod common;

use std::collections::HashMap;

use chiso::compare::{compare, decompose, movers, peers, trajectory, Comparability, CompareOptions, Materiality, Part};
use chiso::{datasets, score, EditionChoice, Observation, Prefer, ScoreOptions, Scores};

fn papi() -> Scores {
    let rows = datasets::papi().unwrap();
    score(&EditionChoice::Index("papi".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
}

fn pci() -> Scores {
    pci_with(Prefer::Published)
}

fn pci_with(prefer: Prefer) -> Scores {
    let rows = datasets::pci().unwrap();
    let options = ScoreOptions { prefer, ..Default::default() };
    score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &options).unwrap()
}

/// Within an edition every rule is linear, so the children's contributions add up to the parent's delta, for
/// every province and every computed node (PAPI 2022→2023 and 2016→2017, PCI 2014→2015).
#[test]
fn decomposition_adds_up_within_an_edition() {
    for (scores, y0, y1) in [(papi(), 2022, 2023), (papi(), 2016, 2017), (pci_with(Prefer::Computed), 2014, 2015)] {
        let changes = compare(&scores, y0, y1, &CompareOptions::default()).unwrap();
        let delta: HashMap<(String, String), f64> =
            changes.iter().filter_map(|c| Some(((c.province_code.clone(), c.node.clone()), c.delta?))).collect();
        let parts = decompose(&scores, y0, y1, &CompareOptions::default()).unwrap();
        assert!(parts.iter().all(|p| p.part == Part::Score), "{y0}→{y1}: one edition, score parts only");
        let mut sums: HashMap<(String, String), f64> = HashMap::new();
        for p in &parts {
            *sums.entry((p.province_code.clone(), p.parent.clone())).or_default() += p.contribution;
        }
        assert!(sums.len() >= 61, "{y0}→{y1}: {} parents decomposed", sums.len());
        for (key, sum) in &sums {
            let d = delta[key];
            assert!((sum - d).abs() < 1e-12 * (1.0 + d.abs()) + 1e-12, "{key:?} {y0}→{y1}: {sum} vs {d}");
        }
    }
}

/// With VCCI's published composites kept (2011 is not reproduced by its weights), the unexplained part of the
/// change is reported as a residual, not spread over the sub-indices.
#[test]
fn published_totals_leave_a_residual() {
    let s = pci();
    let parts =
        decompose(&s, 2011, 2012, &CompareOptions { provinces: Some(vec!["Trà Vinh".into()]), ..Default::default() })
            .unwrap();
    let residual: Vec<_> = parts.iter().filter(|p| p.part == Part::Residual).collect();
    assert_eq!(residual.len(), 1);
    let changes = compare(
        &s,
        2011,
        2012,
        &CompareOptions { provinces: Some(vec!["84".into()]), nodes: Some(vec![String::new()]), ..Default::default() },
    )
    .unwrap();
    let total: f64 = parts.iter().map(|p| p.contribution).sum();
    assert!((total - changes[0].delta.unwrap()).abs() < 1e-9);
}

/// Rank changes are the ranks' own difference (positive = moved up), and rows never mix editions silently: both
/// editions are named, and a comparison across a break is never labelled within-edition.
#[test]
fn rank_changes_and_editions() {
    let s = papi();
    for (y0, y1) in [(2011, 2012), (2015, 2016), (2017, 2018), (2020, 2021), (2016, 2024)] {
        for c in compare(&s, y0, y1, &CompareOptions::default()).unwrap() {
            if let (Some(a), Some(b)) = (c.base_rank, c.rank) {
                assert_eq!(c.rank_change, Some(a as i64 - b as i64));
            }
            assert_eq!(c.comparability == Comparability::WithinEdition, c.base_edition == c.edition);
        }
    }
}

/// PAPI's lineage (papi.md §6.1): across 2015→2016 transparency, control of corruption and public service
/// delivery are comparable (OFFICIAL), the rebuilt dimensions and the total are not; with `comparable_only` the
/// others are left out, as PAPI's reports do.
#[test]
fn papi_comparability_across_2016() {
    let s = papi();
    let all =
        compare(&s, 2015, 2016, &CompareOptions { provinces: Some(vec!["Trà Vinh".into()]), ..Default::default() })
            .unwrap();
    let by_node: HashMap<&str, Comparability> = all.iter().map(|c| (c.node.as_str(), c.comparability)).collect();
    for node in ["transparency", "control_of_corruption", "public_service_delivery"] {
        assert_eq!(by_node[node], Comparability::ComparableAcrossBreak, "{node}");
    }
    for node in ["", "participation", "vertical_accountability", "administrative_procedures"] {
        assert_eq!(by_node[node], Comparability::CrossEdition, "{node:?}");
    }
    let only = compare(
        &s,
        2015,
        2016,
        &CompareOptions { provinces: Some(vec!["84".into()]), comparable_only: true, ..Default::default() },
    )
    .unwrap();
    assert!(only.iter().all(|c| c.comparability.is_comparable()));
    assert!(only.iter().any(|c| c.node == "transparency"));
    assert!(!only.iter().any(|c| c.node.is_empty()));
}

/// Against the 2016 baseline (the 2016–2021 term), across three breaks: D2 changed in 2018, so transparency is
/// cross-edition by 2020; the total is cross-edition.
#[test]
fn baseline_comparison_across_breaks() {
    let s = papi();
    let c =
        compare(&s, 2016, 2020, &CompareOptions { provinces: Some(vec!["84".into()]), ..Default::default() }).unwrap();
    let total = c.iter().find(|c| c.node.is_empty()).unwrap();
    assert_eq!(total.comparability, Comparability::CrossEdition);
    assert_eq!((total.base_edition.as_str(), total.edition.as_str()), ("papi.2016", "papi.2019"));
    assert!(c.iter().find(|c| c.node == "transparency").unwrap().comparability == Comparability::CrossEdition);
    // environmental_governance did not exist in 2016.
    let env = c.iter().find(|c| c.node == "environmental_governance").unwrap();
    assert_eq!((env.base_value, env.base_node.as_deref()), (None, None));
}

/// PCI 2021→2022: the weights changed. Two provinces' VCCI pages give all sub-indices for both years; the
/// composite's change splits exactly into a score part (both years under the 2022 weights) and a weights part.
#[test]
fn pci_reweighting_split() {
    let fixture = common::read_csv(&common::reference_file("pci/pci_province_histories_pcivietnam_pages.csv"));
    let subs = [
        "entry_costs",
        "land_access",
        "transparency",
        "time_costs",
        "informal_charges",
        "policy_bias",
        "proactivity",
        "business_support",
        "labor_training",
        "legal_institutions",
    ];
    let mut data = Vec::new();
    for r in fixture.iter().filter(|r| ["2021", "2022"].contains(&r["year"].as_str())) {
        for s in subs {
            data.push(Observation::new(r["province"].clone(), r["year"].parse().unwrap(), s, r[s].parse().unwrap()));
        }
    }
    let scores = score(&EditionChoice::Index("pci".into()), &data, &ScoreOptions::default()).unwrap();
    let changes = compare(&scores, 2021, 2022, &CompareOptions::default()).unwrap();
    let parts =
        decompose(&scores, 2021, 2022, &CompareOptions { nodes: Some(vec![String::new()]), ..Default::default() })
            .unwrap();
    let provinces: std::collections::BTreeSet<&str> = parts.iter().map(|p| p.province_code.as_str()).collect();
    assert_eq!(provinces.len(), 2, "Ninh Thuận and Quảng Trị");
    for code in provinces {
        let delta = changes.iter().find(|c| c.province_code == code && c.node.is_empty()).unwrap().delta.unwrap();
        let of = |part: Part| {
            parts.iter().filter(|p| p.province_code == code && p.part == part).map(|p| p.contribution).sum::<f64>()
        };
        let (score_part, weight_part) = (of(Part::Score), of(Part::Weights));
        assert!((score_part + weight_part - delta).abs() < 1e-9, "{code}");
        assert!(weight_part.abs() > 0.1, "{code}: the weights moved the composite ({weight_part})");
        assert!(parts.iter().all(|p| p.provenance == chiso::Status::Derived));
        assert!(!parts.iter().any(|p| p.part == Part::Residual));
    }
    let composite = changes.iter().find(|c| c.node.is_empty()).unwrap();
    assert_eq!(composite.comparability, Comparability::CrossEdition);
}

/// A province's PAPI series: breaks exactly at the editions' first years, cumulative change and CAGR consistent
/// with the values.
#[test]
fn trajectory_of_tra_vinh() {
    let s = papi();
    let t = trajectory(&s, "Trà Vinh", "", None, None, true).unwrap();
    assert_eq!(t.len(), 14);
    let breaks: Vec<i32> = t.iter().filter(|p| p.break_before).map(|p| p.year).collect();
    assert_eq!(breaks, vec![2016, 2018, 2019, 2021]);
    let (first, last) = (t[0].value.unwrap(), t[13].value.unwrap());
    assert!((t[13].cumulative.unwrap() - (last - first)).abs() < 1e-12);
    assert!((t[13].cagr.unwrap() - ((last / first).powf(1.0 / 13.0) - 1.0)).abs() < 1e-12);
    for w in t.windows(2) {
        assert!((w[1].delta.unwrap() - (w[1].value.unwrap() - w[0].value.unwrap())).abs() < 1e-12);
    }
    // A span: cumulative restarts at its first year.
    let span = trajectory(&s, "84", "transparency", Some(2021), Some(2024), false).unwrap();
    assert_eq!(span[0].cumulative, Some(0.0));
    assert!(span.iter().all(|p| !p.break_before));
}

/// Peers: the Mekong Delta has 13 provinces (12 with PAPI 2024 data: Tiền Giang is missing); ranks within the
/// region agree with the national ranks' order.
#[test]
fn peers_of_tra_vinh() {
    let s = papi();
    let rows = peers(&s, "Trà Vinh", 2023, "", Some(&["Vĩnh Long".to_string(), "Bến Tre".to_string()])).unwrap();
    let by: HashMap<&str, &chiso::compare::PeerRow> = rows.iter().map(|r| (r.group.as_str(), r)).collect();
    assert_eq!(by["national"].n, 61);
    assert_eq!(by["region"].n, 13);
    assert_eq!(by["region"].group_name, "Đồng bằng sông Cửu Long");
    assert_eq!(by["peers"].n, 3);
    let national_rank = s.get("84", 2023, "").unwrap().rank;
    assert_eq!(by["national"].rank_within, national_rank);
    assert!(by["region"].rank_within.unwrap() <= by["national"].rank_within.unwrap());
    let gap = by["national"].gap_to_best.unwrap();
    assert!(gap <= 0.0);
}

/// Movers: counts add up, extremes are the extremes of the deltas; materiality flags follow the threshold, and
/// without standard errors nothing is called significant.
#[test]
fn movers_and_materiality() {
    let s = papi();
    let options = CompareOptions {
        nodes: Some(vec![String::new()]),
        materiality: Some(Materiality::Points(1.0)),
        ..Default::default()
    };
    let changes = compare(&s, 2022, 2023, &options).unwrap();
    let m = &movers(&changes)[0];
    assert_eq!(m.n_up + m.n_down + m.n_unchanged, m.n_compared);
    let deltas: Vec<f64> = changes.iter().filter_map(|c| c.delta).collect();
    assert_eq!(m.n_compared as usize, deltas.len());
    let max = deltas.iter().cloned().fold(f64::MIN, f64::max);
    assert_eq!(m.largest_gain.as_ref().unwrap().1, max);
    assert_eq!(m.n_material, Some(deltas.iter().filter(|d| d.abs() > 1.0).count() as u32));
    assert_eq!(m.n_significant, None, "the bundled data has no standard errors: no test");
    // Default for PAPI: the documented 5% relative threshold.
    let default =
        compare(&s, 2022, 2023, &CompareOptions { nodes: Some(vec![String::new()]), ..Default::default() }).unwrap();
    for c in default.iter().filter(|c| c.relative.is_some()) {
        assert_eq!(c.material, Some(c.relative.unwrap().abs() > 0.05));
        assert_eq!(c.materiality, Some(Materiality::Relative(0.05)));
        assert_eq!(c.significant, None);
        assert!(c.significance_note.as_deref().unwrap().contains("standard error"));
    }
    // PCI publishes no threshold: no flag unless asked.
    let p = compare(&pci(), 2015, 2016, &CompareOptions::default()).unwrap();
    assert!(p.iter().all(|c| c.material.is_none() && c.significant.is_none()));
}

#[test]
fn unknown_year_or_node_is_an_error() {
    let s = papi();
    let e = compare(&s, 2009, 2010, &CompareOptions::default()).unwrap_err().to_string();
    assert!(e.contains("2009") && e.contains("2011"), "{e}");
    let e = compare(&s, 2022, 2023, &CompareOptions { nodes: Some(vec!["nope".into()]), ..Default::default() })
        .unwrap_err()
        .to_string();
    assert!(e.contains("nope") && e.contains("papi.2021"), "{e}");
    assert!(trajectory(&s, "Tra Vnh", "", None, None, false).unwrap_err().to_string().contains("Trà Vinh"));
    assert!(trajectory(&s, "84", "", Some(2030), None, false).unwrap_err().to_string().contains("scored years"));
    // Without crossing breaks, cumulative change restarts at each edition break.
    let t = trajectory(&s, "84", "", None, None, false).unwrap();
    let starts: Vec<i32> =
        t.iter().filter_map(|p| p.segment_start).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    assert_eq!(starts, vec![2011, 2016, 2018, 2019, 2021]);
}

/// The 2025 merger: a 63-province year and a 34-unit year compare only through a merge rule. PCI has none
/// (README §1.9), so the comparison is refused; with the user's member_mean each unit's base value is the mean of
/// its member provinces, ranked among the 34, and the rows say cross-edition and user-supplied.
#[test]
fn comparison_across_the_2025_merger() {
    let registry = chiso::Registry::get();
    let mut data = Vec::new();
    for (k, p) in registry.provinces().iter().filter(|p| p.papi_code.is_some()).enumerate() {
        data.push(Observation::new(p.code.clone(), 2024, "", 50.0 + k as f64 * 0.25));
    }
    let units: Vec<&chiso::Province> =
        registry.all().iter().filter(|p| p.geography == chiso::provinces::Geography::Units2025).collect();
    for (k, u) in units.iter().enumerate() {
        data.push(Observation::new(u.name_vi.clone(), 2025, "", 60.0 + k as f64 * 0.1));
    }
    // No edition governs 2025 (its methodology is unknown): the user names one explicitly.
    let scores = score(&EditionChoice::Edition("pci.2022".into()), &data, &ScoreOptions::default()).unwrap();
    let e = compare(&scores, 2024, 2025, &CompareOptions::default()).unwrap_err().to_string();
    assert!(e.contains("no published rule") && e.contains("member_mean"), "{e}");
    let options = CompareOptions {
        merge_rule: Some(chiso::compare::MergeRule::MemberMean),
        nodes: Some(vec![String::new()]),
        ..Default::default()
    };
    let changes = compare(&scores, 2024, 2025, &options).unwrap();
    assert_eq!(changes.len(), 34);
    let vl = changes.iter().find(|c| c.province == "Vĩnh Long").unwrap();
    let mean: f64 =
        ["83", "84", "86"].iter().map(|c| data.iter().find(|o| o.province == *c).unwrap().value).sum::<f64>() / 3.0;
    assert!((vl.base_value.unwrap() - mean).abs() < 1e-12);
    assert_eq!(vl.comparability, Comparability::CrossEdition);
    assert_eq!(vl.comparability_status, chiso::Status::UserSupplied);
    // Base ranks are among the 34 merged units.
    for c in &changes {
        let greater = changes.iter().filter(|d| d.base_value.unwrap() > c.base_value.unwrap() + 1e-9).count() as u32;
        assert_eq!(c.base_rank, Some(1 + greater), "{}", c.province);
    }
    assert!(decompose(&scores, 2024, 2025, &CompareOptions::default()).is_err());
}

/// Issue 9 §6: composites only (PCI 2021 and 2022 as bundled) cannot be split — an error naming the missing child,
/// the year and what to pass, never an empty list.
#[test]
fn decomposition_of_composites_only_is_an_error_that_says_why() {
    let only = CompareOptions { provinces: Some(vec!["Trà Vinh".into()]), ..Default::default() };
    let err = decompose(&pci(), 2021, 2022, &only).unwrap_err();
    let chiso::ChisoError::EmptyResult { what, why } = &err else { panic!("{err:?}") };
    assert_eq!(what, "decompose(2021, 2022)");
    assert!(why.contains("\"entry_costs\"") && why.contains("2021") && why.contains("sub-indices"), "{why}");
}

/// Issue 9 §3: the maximum comes from the node whose measure the value is in — a DTI total on 0–1 loses at most 1,
/// not 1,000 points — and the best province is drawn from the same map (DTI 2024 was published on both).
#[test]
fn dti_points_lost_in_the_node_own_measure_and_map() {
    let rows = datasets::dti().unwrap();
    let s =
        score(&EditionChoice::Index("dti".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap();
    let registry = chiso::Registry::get();
    let mut checked = 0;
    for u in s.units() {
        let Some(total) = s.value(s.unit_of(u.province, u.year).unwrap(), 0) else { continue };
        let code = &registry.all()[u.province].code;
        let lost = chiso::compare::points_lost(&s, code, u.year).unwrap();
        let root = lost.iter().find(|p| p.node.is_empty()).unwrap();
        assert_eq!(root.max, Some(1.0));
        assert!((root.lost.unwrap() - (1.0 - total)).abs() < 1e-12);
        let map = registry.all()[u.province].geography;
        let best = s
            .units()
            .iter()
            .enumerate()
            .filter(|(_, v)| v.year == u.year && registry.all()[v.province].geography == map)
            .filter_map(|(k, _)| s.value(k, 0))
            .fold(f64::MIN, f64::max);
        assert_eq!(root.best, Some(best), "{code} {}", u.year);
        checked += 1;
    }
    assert!(checked >= 8);
}

//! Projections into the future (issue 9 §1): past the last edition (the latest assumed to continue, labelled),
//! fit windows that say what they used and refuse mixed scales, the 2025 merger (a counterfactual on the
//! 63-province map, or the 34 units through a merge rule), year-aware names, and window sizes refused.

use chiso::compare::{peers, MergeRule};
use chiso::project::trend::{rank_outlook, trend, Bridge, EditionStatus, TrendOptions};
use chiso::project::{what_if_on, Adjustment, Edit, Peers};
use chiso::provinces::Geography;
use chiso::{datasets, score, ChisoError, EditionChoice, Observation, ScoreOptions, Scores};

fn scored(index: &str) -> Scores {
    let rows = match index {
        "papi" => datasets::papi(),
        _ => datasets::pci(),
    }
    .unwrap();
    score(&EditionChoice::Index(index.into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
}

fn options() -> TrendOptions {
    TrendOptions::default()
}

#[test]
fn papi_projects_past_the_last_edition_labelled_assumed() {
    let s = scored("papi");
    for year in [2025, 2026] {
        let t = trend(&s, "Trà Vinh", "", year, &options()).unwrap();
        assert_eq!(t.edition, "papi.2021");
        assert_eq!(t.edition_status, EditionStatus::Assumed);
        assert_eq!(t.map.map, Geography::Provinces63);
        assert!(t.map.counterfactual, "the 63 provinces after the merger are a counterfactual");
        assert_eq!(t.map.status(), "counterfactual");
        assert_eq!(t.years, vec![2021, 2022, 2023, 2024]);
        assert!(t.editions.iter().all(|e| e == "papi.2021"));
    }
    // Within the edition's own years the label says in force.
    let early: Vec<Observation> =
        datasets::observations(&datasets::papi().unwrap()).into_iter().filter(|o| o.year <= 2023).collect();
    let s = score(&EditionChoice::Index("papi".into()), &early, &ScoreOptions::default()).unwrap();
    let t = trend(&s, "Trà Vinh", "", 2024, &options()).unwrap();
    assert_eq!(t.edition_status, EditionStatus::InForce);
    assert!(!t.map.counterfactual);
}

#[test]
fn pci_projects_past_the_last_edition() {
    let s = scored("pci");
    // The bundle may end in 2022 (one year of pci.2022): the window then crosses into pci.2013, explicitly.
    let opts = TrendOptions { across_breaks: true, ..options() };
    for year in [2025, 2026] {
        let t = trend(&s, "Trà Vinh", "", year, &opts).unwrap();
        assert_eq!(t.edition, "pci.2022");
        assert_eq!(t.edition_status, EditionStatus::Assumed);
        assert_eq!(t.years.len(), t.editions.len());
        assert_eq!(t.editions.last().map(String::as_str), Some("pci.2022"));
    }
}

#[test]
fn the_user_can_name_the_edition() {
    let s = scored("papi");
    let t = trend(&s, "Trà Vinh", "", 2026, &TrendOptions { edition: Some("papi.2021".into()), ..options() }).unwrap();
    assert_eq!(t.edition_status, EditionStatus::Chosen);
    let err = trend(&s, "Trà Vinh", "", 2026, &TrendOptions { edition: Some("papi.2016".into()), ..options() });
    assert!(err.unwrap_err().to_string().contains("across_breaks"));
    let err = trend(&s, "Trà Vinh", "", 2026, &TrendOptions { edition: Some("pci.2022".into()), ..options() });
    assert!(err.unwrap_err().to_string().contains("not an edition of papi"));
}

#[test]
fn windows_of_zero_or_one_are_refused() {
    let s = scored("papi");
    for window in [0, 1] {
        let opts = TrendOptions { window, ..options() };
        let err = trend(&s, "Trà Vinh", "", 2025, &opts).unwrap_err().to_string();
        assert!(err.contains(&format!("window={window}")) && err.contains("at least 2"), "{err}");
        let refused = ChisoError::InvalidArgument(format!(
            "window={window}: a trend needs at least 2 years (3 for a prediction interval)"
        ));
        assert_eq!(rank_outlook(&s, 2025, &opts, 10, 1).map(|_| ()).unwrap_err(), refused);
        let edit = Edit { scenario: "a".into(), province: "84".into(), node: "".into(), change: Adjustment::Add(0.0) };
        let peers_trend = Peers::Trend { target_year: 2025, options: opts.clone() };
        assert_eq!(what_if_on(&s, 2024, &[edit], &peers_trend, None, None).map(|_| ()).unwrap_err(), refused);
    }
}

#[test]
fn a_window_mixing_scales_is_refused_unless_bridged() {
    let s = scored("papi");
    // PAPI's total is on 6–60 up to 2017 and 8–80 from 2018: a window 2015–2019 across the breaks mixes them.
    let early: Vec<Observation> =
        datasets::observations(&datasets::papi().unwrap()).into_iter().filter(|o| o.year <= 2019).collect();
    let s19 = score(&EditionChoice::Index("papi".into()), &early, &ScoreOptions::default()).unwrap();
    let opts = TrendOptions { across_breaks: true, ..options() };
    let err = trend(&s19, "Trà Vinh", "", 2020, &opts).unwrap_err().to_string();
    assert!(err.contains("mixes scales") && err.contains("bridge"), "{err}");
    let rescaled =
        trend(&s19, "Trà Vinh", "", 2020, &TrendOptions { bridge: Some(Bridge::Rescale), ..opts.clone() }).unwrap();
    assert_eq!(rescaled.bridge, Some(Bridge::Rescale));
    assert_eq!(rescaled.years, vec![2015, 2016, 2017, 2018, 2019]);
    assert_eq!(rescaled.editions[0], "papi.2011");
    assert_eq!(rescaled.editions[4], "papi.2019");
    let raw = trend(&s19, "Trà Vinh", "", 2020, &TrendOptions { bridge: Some(Bridge::AsPublished), ..opts }).unwrap();
    assert!(raw.slope > rescaled.slope, "the raw jump from 6–60 to 8–80 steepens the slope");
    // One scale throughout: no bridge recorded even if one is offered.
    let t = trend(&s, "Trà Vinh", "", 2025, &TrendOptions { bridge: Some(Bridge::Rescale), ..options() }).unwrap();
    assert_eq!(t.bridge, None);
}

#[test]
fn successor_units_need_a_merge_rule_and_average_their_members() {
    let s = scored("papi");
    // "Vĩnh Long" in 2025 is the merged unit (Vĩnh Long, Bến Tre, Trà Vinh): PAPI publishes no merge rule.
    let err = trend(&s, "Vĩnh Long", "", 2025, &options()).unwrap_err().to_string();
    assert!(err.contains("merge_rule"), "{err}");
    let opts = TrendOptions { merge_rule: Some(MergeRule::MemberMean), ..options() };
    let unit = trend(&s, "Vĩnh Long", "", 2025, &opts).unwrap();
    assert_eq!(unit.province_code, "N86");
    assert_eq!(unit.map.map, Geography::Units2025);
    assert_eq!(unit.map.status(), "merged");
    assert_eq!(unit.map.merge_rule, Some((MergeRule::MemberMean, chiso::Status::UserSupplied)));
    // Least squares is linear in the data: the unit's trend is the mean of its members' trends (same years).
    let members: Vec<f64> = ["86", "83", "84"]
        .iter()
        .map(|c| trend(&s, c, "", 2025, &TrendOptions { map: Some(Geography::Provinces63), ..options() }).unwrap())
        .map(|t| t.linear)
        .collect();
    assert!((unit.linear - members.iter().sum::<f64>() / 3.0).abs() < 1e-9);
    // Trà Vinh moved to the 34-unit map is its successor; Vĩnh Long on the 63-province map is the old province.
    let succ = trend(&s, "Trà Vinh", "", 2026, &TrendOptions { map: Some(Geography::Units2025), ..opts.clone() });
    assert_eq!(succ.unwrap().province_code, "N86");
    let old = trend(&s, "Vĩnh Long", "", 2025, &TrendOptions { map: Some(Geography::Provinces63), ..options() });
    assert_eq!(old.unwrap().province_code, "86");
}

#[test]
fn rank_outlook_on_both_maps() {
    let s = scored("papi");
    let old = rank_outlook(&s, 2025, &options(), 200, 7).unwrap();
    let tv = old.iter().find(|r| r.province_code == "84").unwrap();
    assert!(tv.map.counterfactual && tv.edition_status == EditionStatus::Assumed);
    // The field: the provinces PAPI surveyed in its latest year (61 in 2024).
    let surveyed = s.units().iter().filter(|u| u.year == 2024).count() as u32;
    assert_eq!(tv.n_field, surveyed);
    assert!(tv.rank_p95.is_some_and(|r| r <= surveyed));
    let err = rank_outlook(&s, 2025, &TrendOptions { map: Some(Geography::Units2025), ..options() }, 200, 7);
    assert!(err.unwrap_err().to_string().contains("merge_rule"));
    let opts = TrendOptions { map: Some(Geography::Units2025), merge_rule: Some(MergeRule::MemberMean), ..options() };
    let units = rank_outlook(&s, 2026, &opts, 200, 7).unwrap();
    assert_eq!(units.len(), 34);
    assert!(units.iter().all(|r| r.n_field == 34 && r.n_ranked == 34 && r.rank_p95.is_some_and(|x| x <= 34)));
    assert!(units.iter().any(|r| r.province == "Vĩnh Long" && r.province_code == "N86"));
}

#[test]
fn what_if_projects_to_the_future_on_both_maps() {
    let s = scored("papi");
    let edit =
        |change| Edit { scenario: "e".into(), province: "Trà Vinh".into(), node: "e_governance".into(), change };
    let peers_trend = Peers::Trend { target_year: 2025, options: options() };
    let out = what_if_on(&s, 2024, &[edit(Adjustment::BestGap(0.5))], &peers_trend, None, None).unwrap();
    let total = out.iter().find(|p| p.node.is_empty()).unwrap();
    assert_eq!((total.target_year, total.edition_status), (2025, EditionStatus::Assumed));
    assert!(total.map.counterfactual);
    assert_eq!(total.n_ranked, s.units().iter().filter(|u| u.year == 2024).count() as u32);
    // Peers moved by their trend: before, a target year after the last edition left them silently held.
    let held = what_if_on(&s, 2024, &[edit(Adjustment::BestGap(0.5))], &Peers::Held, None, None).unwrap();
    let held_total = held.iter().find(|p| p.node.is_empty()).unwrap();
    assert_eq!(held_total.value, total.value, "the edited province starts from its 2024 values");
    assert_ne!(held_total.rank, total.rank, "other provinces moved by their trend");
    // On the 34-unit map: the successor unit, its nodes the mean of its members' (Trà Vinh edited).
    let units = what_if_on(
        &s,
        2024,
        &[edit(Adjustment::BestGap(0.5))],
        &peers_trend,
        Some(Geography::Units2025),
        Some(MergeRule::MemberMean),
    )
    .unwrap();
    let unit_total = units.iter().find(|p| p.node.is_empty()).unwrap();
    assert_eq!(unit_total.province_code, "N86");
    // Ranked among the units whose members all have 2024 scores (PAPI 2024 surveyed 61 provinces: 32 units).
    let registry = chiso::Registry::get();
    let complete = registry
        .all()
        .iter()
        .filter(|u| u.geography == Geography::Units2025)
        .filter(|u| {
            u.members.iter().all(|c| s.units().iter().any(|x| x.year == 2024 && registry.all()[x.province].code == *c))
        })
        .count() as u32;
    assert_eq!(unit_total.n_ranked, complete);
    assert_eq!(unit_total.map.status(), "merged");
    let e = units.iter().find(|p| p.node == "e_governance").unwrap();
    assert!(e.edited);
    let members: f64 =
        ["86", "83"].iter().map(|c| trend(&s, c, "e_governance", 2025, &options()).unwrap().linear).sum::<f64>()
            + out.iter().find(|p| p.node == "e_governance").unwrap().value.unwrap();
    assert!((e.value.unwrap() - members / 3.0).abs() < 1e-9, "{e:?} {members}");
}

#[test]
fn peers_read_names_by_year() {
    // DTI 2025 for the 34 units (user's values): "Vĩnh Long" in 2025 is the merged unit, not the old province.
    let rows: Vec<Observation> = chiso::Registry::get()
        .all()
        .iter()
        .filter(|p| p.geography == Geography::Units2025)
        .enumerate()
        .map(|(k, p)| Observation::new(p.code.clone(), 2025, "", 0.3 + 0.01 * k as f64))
        .collect();
    let s = score(&EditionChoice::Index("dti".into()), &rows, &ScoreOptions::default()).unwrap();
    let out = peers(&s, "Vĩnh Long", 2025, "", None).unwrap();
    assert!(out.iter().all(|r| r.value.is_some()), "{out:?}");
    assert_eq!(out[0].n, 34);
}

#[test]
fn dti_successors_use_the_published_rule() {
    // DTI totals for every pre-merger province, 2021–2023 (the user's values; the bundle holds scattered ones).
    let registry = chiso::Registry::get();
    let rows: Vec<Observation> = registry
        .provinces()
        .iter()
        .filter(|p| p.years.1 == 2024)
        .enumerate()
        .flat_map(|(k, p)| {
            (2021..=2023).map(move |y| {
                Observation::new(p.code.clone(), y, "", 0.3 + 0.002 * k as f64 + 0.05 * f64::from(y - 2021))
            })
        })
        .collect();
    let s = score(&EditionChoice::Index("dti".into()), &rows, &ScoreOptions::default()).unwrap();
    // No rule named: DTI's own (the mean of the members), labelled official.
    let t = trend(&s, "Vĩnh Long", "", 2025, &TrendOptions { across_breaks: true, ..options() }).unwrap();
    assert_eq!(t.province_code, "N86");
    assert_eq!(t.map.merge_rule, Some((MergeRule::MemberMean, chiso::Status::Official)));
    // dti.2025 is the catalog's edition for 2025 (in force); 2026 assumes it continues.
    assert_eq!((t.edition.as_str(), t.edition_status), ("dti.2025", EditionStatus::InForce));
    let later = trend(&s, "Vĩnh Long", "", 2026, &TrendOptions { across_breaks: true, ..options() }).unwrap();
    assert_eq!((later.edition.as_str(), later.edition_status), ("dti.2025", EditionStatus::Assumed));
    // Without across_breaks the change of edition is refused, not papered over.
    assert!(trend(&s, "Vĩnh Long", "", 2025, &options()).unwrap_err().to_string().contains("across_breaks"));
}

#[test]
fn an_outlook_over_part_of_the_field_gives_no_rank() {
    // PCI's latest bundled year holds a few provinces of the 63 VCCI ranks: their ranks among themselves are not
    // ranks (issue 9 §2 applied to projections); only rank_within is given.
    let s = scored("pci");
    let out = rank_outlook(&s, 2026, &TrendOptions { across_breaks: true, ..options() }, 200, 3).unwrap();
    let tv = out.iter().find(|r| r.province_code == "84").unwrap();
    assert_eq!(tv.n_field, 63);
    if tv.n_ranked < 63 {
        assert_eq!(tv.field_status, chiso::engine::FieldStatus::PartialField);
        assert_eq!((tv.rank_p05, tv.rank_median, tv.mean_rank), (None, None, None));
        assert!(tv.rank_within_p95 <= tv.n_ranked);
    }
}

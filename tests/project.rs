//! What-if scoring (issue: "Projected scores").

use chiso::project::{what_if, Change, Edit};
use chiso::{datasets, score, EditionChoice, Observation, Prefer, ScoreOptions, Scores};

fn papi() -> Scores {
    let rows = datasets::papi().unwrap();
    score(&EditionChoice::Index("papi".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
}

fn edit(scenario: &str, province: &str, node: &str, change: Change) -> Edit {
    Edit { scenario: scenario.into(), province: province.into(), node: node.into(), change }
}

/// A what-if with zero change reproduces the base exactly, every node and rank.
#[test]
fn zero_change_reproduces_the_base() {
    let s = papi();
    let out =
        what_if(&s, 2024, &[edit("none", "Trà Vinh", "participation/civic_knowledge", Change::Add(0.0))]).unwrap();
    assert_eq!(out.len(), s.edition(s.units().iter().find(|u| u.year == 2024).unwrap().edition).nodes.len());
    for p in &out {
        assert_eq!(p.value, p.base_value, "{}", p.node);
        assert_eq!(p.rank, p.base_rank, "{}", p.node);
    }
}

/// Projected values and ranks agree with re-scoring the modified data from scratch.
#[test]
fn projection_equals_rescoring() {
    let rows = datasets::papi().unwrap();
    let mut obs: Vec<Observation> = datasets::observations(&rows).into_iter().filter(|o| o.year == 2024).collect();
    let base = score(&EditionChoice::Index("papi".into()), &obs, &ScoreOptions::default()).unwrap();
    let edits = [
        edit("plan", "Trà Vinh", "e_governance/portal_access", Change::Set(2.0)),
        edit("plan", "Trà Vinh", "transparency/poverty_lists", Change::Headroom(0.5)),
    ];
    let out = what_if(&base, 2024, &edits).unwrap();
    // Re-score from scratch with the same changes applied to the input rows.
    for o in obs.iter_mut().filter(|o| o.province == "84") {
        if o.node.ends_with("e_governance/portal_access") {
            o.value = 2.0;
        }
        if o.node.ends_with("transparency/poverty_lists") {
            o.value += 0.5 * (2.5 - o.value);
        }
    }
    let again = score(&EditionChoice::Index("papi".into()), &obs, &ScoreOptions::default()).unwrap();
    for p in &out {
        let r = again.get("84", 2024, &p.node).unwrap();
        assert!((p.value.unwrap() - r.score.unwrap()).abs() < 1e-12, "{}", p.node);
        assert_eq!(p.rank, r.rank, "{}", p.node);
    }
    let total = out.iter().find(|p| p.node.is_empty()).unwrap();
    assert!(total.rank_change.unwrap() >= 0);
}

/// Pinning a computed node (a dimension) moves the total by the same amount; edits are clamped to the scale.
#[test]
fn pin_a_dimension_and_clamp() {
    let s = papi();
    let out = what_if(&s, 2024, &[edit("d", "84", "transparency", Change::Add(100.0))]).unwrap();
    let dim = out.iter().find(|p| p.node == "transparency").unwrap();
    assert_eq!(dim.value, Some(10.0));
    assert!(dim.clamped && dim.edited);
    let total = out.iter().find(|p| p.node.is_empty()).unwrap();
    assert!((total.delta.unwrap() - (10.0 - dim.base_value.unwrap())).abs() < 1e-9);
    // ToMax on a sub-dimension reaches 10/k.
    let out = what_if(&s, 2024, &[edit("m", "84", "e_governance/internet_access", Change::ToMax)]).unwrap();
    let sd = out.iter().find(|p| p.node == "e_governance/internet_access").unwrap();
    assert!((sd.value.unwrap() - 10.0 / 3.0).abs() < 1e-9);
}

/// Many scenarios at once, each evaluated against the base (not against each other).
#[test]
fn scenarios_are_independent() {
    let s = papi();
    let edits: Vec<Edit> = (0..200)
        .map(|k| edit(&format!("s{k:03}"), "Trà Vinh", "participation/civic_knowledge", Change::Add(k as f64 * 0.001)))
        .collect();
    let out = what_if(&s, 2024, &edits).unwrap();
    let totals: Vec<f64> = out.iter().filter(|p| p.node.is_empty()).map(|p| p.delta.unwrap()).collect();
    assert_eq!(totals.len(), 200);
    for (k, d) in totals.iter().enumerate() {
        assert!((d - k as f64 * 0.001).abs() < 1e-9);
    }
}

/// PCI 2011 with VCCI's published composites kept: a zero change leaves the published composite as it is, and a
/// change to a sub-index moves it by what the rule says that change is worth (20% × 10 per point of transparency).
#[test]
fn published_totals_move_by_the_rule() {
    let rows = datasets::pci().unwrap();
    let s = score(
        &EditionChoice::Index("pci".into()),
        &datasets::observations(&rows),
        &ScoreOptions { prefer: Prefer::Published, ..Default::default() },
    )
    .unwrap();
    let out = what_if(&s, 2011, &[edit("t", "84", "transparency", Change::Add(0.0))]).unwrap();
    let total = out.iter().find(|p| p.node.is_empty()).unwrap();
    assert_eq!(total.delta, Some(0.0));
    assert_eq!(total.rank, total.base_rank);
    let out = what_if(&s, 2011, &[edit("t", "84", "transparency", Change::Add(0.5))]).unwrap();
    let total = out.iter().find(|p| p.node.is_empty()).unwrap();
    assert!((total.delta.unwrap() - 0.5 * 2.0).abs() < 1e-9, "{:?}", total.delta);
}

#[test]
fn bad_edits() {
    let s = papi();
    assert!(what_if(&s, 2030, &[edit("x", "84", "", Change::Add(1.0))]).is_err());
    assert!(what_if(&s, 2024, &[edit("x", "84", "nope", Change::Add(1.0))]).is_err());
    assert!(what_if(&s, 2024, &[edit("x", "84", "transparency", Change::Headroom(1.5))]).is_err());
    assert!(what_if(&s, 2024, &[edit("x", "Tiền Giang", "transparency", Change::Add(1.0))]).is_err(), "no 2024 data");
    assert!(what_if(&s, 2024, &[edit("x", "84", "transparency", Change::Set(f64::NAN))]).is_err());
}

mod target {
    use super::*;
    use chiso::project::target::{solve, Target};

    fn pci_2016() -> Scores {
        let rows = datasets::pci().unwrap();
        let obs: Vec<Observation> = datasets::observations(&rows).into_iter().filter(|o| o.year == 2016).collect();
        score(&EditionChoice::Index("pci".into()), &obs, &ScoreOptions::default()).unwrap()
    }

    /// The solver's answer, applied as a what-if, reaches the target rank.
    #[test]
    fn answer_reaches_the_rank() {
        let s = pci_2016();
        let base_rank = s.get("84", 2016, "").unwrap().rank.unwrap();
        assert_eq!(base_rank, 42);
        let plan = solve(&s, "Trà Vinh", 2016, Target::Rank(20), &[]).unwrap();
        assert!(plan.reachable);
        assert!(plan.projected_rank.is_some_and(|r| r <= 20));
        let edits: Vec<Edit> = plan.steps.iter().map(|st| edit("target", "84", &st.node, Change::Set(st.to))).collect();
        let out = what_if(&s, 2016, &edits).unwrap();
        let total = out.iter().find(|p| p.node.is_empty()).unwrap();
        assert!(total.rank.unwrap() <= 20, "what-if rank {:?}", total.rank);
        assert!((total.value.unwrap() - plan.projected_total).abs() < 1e-9);
        // With equal costs, the cheapest points are those with the largest weight: 20% sub-indices first.
        assert!(["transparency", "business_support", "labor_training"].contains(&plan.steps[0].node.as_str()));
    }

    /// A total above the maximum is unreachable: the answer says so and gives the best reachable total and rank.
    #[test]
    fn unreachable_reports_the_best() {
        let s = pci_2016();
        let plan = solve(&s, "84", 2016, Target::Score(100.5), &[]).unwrap();
        assert!(!plan.reachable);
        assert_eq!(plan.projected_rank, Some(1)); // every sub-index at 10 gives 100
        assert!((plan.projected_total - 100.0).abs() < 1e-9);
    }

    /// No cheaper solution exists: brute force over a grid on a small case (three inputs, unequal costs).
    #[test]
    fn no_cheaper_solution_on_a_grid() {
        let s = pci_2016();
        let costs = [("transparency", 3.0), ("entry_costs", 1.0), ("labor_training", 2.5)];
        let target = 1.5; // composite points to add
        let base = s.total("84", 2016).unwrap();
        let plan = solve(&s, "84", 2016, Target::Score(base + target), &costs).unwrap();
        assert!(plan.reachable);
        // Brute force: steps of 0.01 on the three cheapest-per-gain inputs and the others at zero.
        let value = |n: &str| s.get("84", 2016, n).unwrap().score.unwrap();
        let (w_t, w_e, w_l) = (2.0, 0.5, 2.0); // ∂composite/∂sub-index = weight/10
        let mut best = f64::INFINITY;
        let steps = 400;
        for a in 0..=steps {
            let dt = a as f64 * (10.0 - value("transparency")) / steps as f64;
            for b in 0..=steps {
                let de = b as f64 * (10.0 - value("entry_costs")) / steps as f64;
                let rest = target - w_t * dt - w_e * de;
                let dl = (rest / w_l).max(0.0);
                if dl <= 10.0 - value("labor_training") + 1e-12 {
                    best = best.min(3.0 * dt + 1.0 * de + 2.5 * dl);
                }
            }
        }
        // Other inputs cost 1 per point at weight ≤ 2: the grid covers the optimum's inputs, so the solver's cost
        // can only be lower or equal (it also considers the others).
        assert!(plan.total_cost <= best + 1e-9, "solver {} vs grid {best}", plan.total_cost);
        let gained: f64 = plan.steps.iter().map(|s| s.total_gain).sum();
        assert!((gained - target).abs() < 1e-9);
    }
}

mod calibration {
    use super::*;
    use chiso::project::calibrate::calibrate;

    fn pci() -> Scores {
        let rows = datasets::pci().unwrap();
        score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
    }

    /// Calibration recovers the known PCI weights (pci.md A4.2) from VCCI's published tables, and the 5% grid
    /// reproduces every row; 2011's published composites are not reproduced by any weights on that grid.
    #[test]
    fn recovers_the_pci_weights() {
        let s = pci();
        let cases: [(&[i32], &[f64]); 3] = [
            (&[2006, 2007, 2008], &[5.0, 5.0, 15.0, 10.0, 5.0, 5.0, 15.0, 15.0, 15.0, 10.0]),
            (&[2009, 2010, 2012], &[10.0, 5.0, 20.0, 15.0, 10.0, 10.0, 5.0, 20.0, 5.0]),
            (&[2013, 2014, 2015, 2016], &[5.0, 5.0, 20.0, 5.0, 10.0, 5.0, 5.0, 20.0, 20.0, 5.0]),
        ];
        for (years, truth) in cases {
            let c = calibrate(&s, "", years, Some(5.0), None, 2).unwrap();
            let fitted: Vec<f64> = c.weights.iter().map(|w| w.1).collect();
            for (f, t) in fitted.iter().zip(truth) {
                assert!((f - t).abs() < 0.01, "{years:?}: {fitted:?}");
            }
            assert!(c.max_abs_residual < 0.005, "{years:?}: {}", c.max_abs_residual);
            assert_eq!(c.grid_fits, Some(true), "{years:?}");
            let grid: Vec<f64> = c.grid_weights.unwrap().iter().map(|w| w.1).collect();
            assert_eq!(grid, truth.to_vec());
        }
        let c = calibrate(&s, "", &[2011], Some(5.0), None, 2).unwrap();
        assert_eq!(c.grid_fits, Some(false));
        assert!(c.max_abs_residual > 0.05);
    }

    #[test]
    fn refuses_what_it_cannot_fit() {
        let s = pci();
        assert!(calibrate(&s, "", &[2012, 2013], None, None, 2).is_err(), "two editions");
        assert!(calibrate(&s, "transparency", &[2013], None, None, 2).is_err(), "not a WMEAN");
        assert!(calibrate(&s, "", &[2019], None, None, 2).is_err(), "composites only: no parts");
    }
}

mod trends {
    use super::*;
    use chiso::project::trend::{rank_outlook, trend, TrendOptions};

    fn pci_composites(years: std::ops::RangeInclusive<i32>) -> Scores {
        let rows = datasets::pci().unwrap();
        let obs: Vec<Observation> = datasets::observations(&rows)
            .into_iter()
            .filter(|o| years.contains(&o.year) && !o.node.contains('/'))
            .collect();
        score(&EditionChoice::Index("pci".into()), &obs, &ScoreOptions::default()).unwrap()
    }

    /// A perfectly linear series: the slope is exact and the interval has no width; CAGR from the window's ends.
    #[test]
    fn linear_series() {
        let data: Vec<Observation> =
            (2013..=2017).map(|y| Observation::new("Trà Vinh", y, "", 50.0 + 2.0 * f64::from(y - 2013))).collect();
        let s = score(&EditionChoice::Index("pci".into()), &data, &ScoreOptions::default()).unwrap();
        let t = trend(&s, "84", "", 2019, &TrendOptions::default()).unwrap();
        assert!((t.slope - 2.0).abs() < 1e-9 && (t.linear - 62.0).abs() < 1e-9);
        assert!((t.upper.unwrap() - t.lower.unwrap()).abs() < 1e-9);
        let g = (58.0f64 / 50.0).powf(0.25) - 1.0;
        assert!((t.cagr.unwrap() - g).abs() < 1e-12);
        assert!((t.compound.unwrap() - 58.0 * (1.0 + g).powi(2)).abs() < 1e-9);
        // The compound-growth interval brackets the compound projection's log-linear centre.
        assert!(t.compound_lower.unwrap() <= t.compound_upper.unwrap());
        // Clamped to the composite's scale (10–100) when the trend runs past it.
        let far = trend(&s, "84", "", 2050, &TrendOptions { across_breaks: true, ..Default::default() }).unwrap();
        assert!(far.clamped && far.linear == 100.0);
    }

    /// Never across an edition break without the opt-in: PCI 2021 → 2022 changed the weights.
    #[test]
    fn breaks_need_an_opt_in() {
        let s = pci_composites(2017..=2021);
        let e = trend(&s, "84", "", 2022, &TrendOptions::default()).unwrap_err().to_string();
        assert!(e.contains("pci.2022") && e.contains("across_breaks"), "{e}");
        assert!(trend(&s, "84", "", 2022, &TrendOptions { across_breaks: true, ..Default::default() }).is_ok());
        // Only the years since the last break are used: 2013–2016 in a 2010–2016 series.
        let s = pci_composites(2010..=2016);
        let t = trend(&s, "84", "", 2017, &TrendOptions { window: 10, ..Default::default() }).unwrap();
        assert_eq!((t.first_year, t.n_years), (2013, 4));
    }

    /// The rank outlook for 2021 from 2016–2020 covers every province, is reproducible for a seed, and its rank
    /// bands are ordered; most provinces' published 2021 composite falls inside their 95% interval.
    #[test]
    fn rank_outlook_for_2021() {
        let s = pci_composites(2016..=2020);
        let a = rank_outlook(&s, 2021, &TrendOptions::default(), 2000, 7).unwrap();
        let b = rank_outlook(&s, 2021, &TrendOptions::default(), 2000, 7).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 63);
        assert!(a
            .iter()
            .all(|o| o.rank_within_p05 <= o.rank_within_median && o.rank_within_median <= o.rank_within_p95));
        let published = pci_composites(2021..=2021);
        let inside = a
            .iter()
            .filter(|o| {
                let t = trend(&s, &o.province_code, "", 2021, &TrendOptions::default()).unwrap();
                let v = published.total(&o.province_code, 2021).unwrap();
                t.lower.unwrap() <= v && v <= t.upper.unwrap()
            })
            .count();
        assert!(inside >= 50, "{inside} of 63 published 2021 composites inside the 95% interval");
    }
}

mod plan_api {
    use super::*;
    use chiso::project::plans::{
        gains_by_agency, overdue, parse_date, project_plan, uncovered, Selection, Task, TaskStatus,
    };

    fn task(id: &str, node: &str, agency: &str, deadline: &str, status: TaskStatus, change: Change) -> Task {
        Task {
            id: id.into(),
            index: "pci".into(),
            node: node.into(),
            title: id.into(),
            lead_agency: agency.into(),
            deadline: parse_date(deadline).unwrap(),
            status,
            effect: change,
        }
    }

    /// The plan API in Rust: all / done / chosen tasks, gains per agency, overdue tasks, uncovered losses.
    #[test]
    fn plan_in_rust() {
        let rows = datasets::pci().unwrap();
        let obs: Vec<Observation> = datasets::observations(&rows).into_iter().filter(|o| o.year == 2016).collect();
        let s = score(&EditionChoice::Index("pci".into()), &obs, &ScoreOptions::default()).unwrap();
        let tasks = vec![
            task("A", "transparency", "DPI", "2025-03-31", TaskStatus::Done, Change::Add(0.5)),
            task("B", "pci.2013/labor_training", "DOLISA", "2025-12-31", TaskStatus::Planned, Change::Headroom(0.25)),
        ];
        let total = |sel: &Selection| {
            project_plan(&s, &tasks, "Trà Vinh", 2016, "pci", sel)
                .unwrap()
                .into_iter()
                .find(|p| p.node.is_empty())
                .unwrap()
        };
        let done = total(&Selection::Done);
        assert!((done.delta.unwrap() - 1.0).abs() < 1e-9); // 0.5 × 20% × 10
        assert!(total(&Selection::All).delta.unwrap() > done.delta.unwrap());
        assert_eq!(total(&Selection::Ids(vec!["A".into()])).delta, done.delta);
        assert!(project_plan(&s, &tasks, "84", 2016, "pci", &Selection::Ids(vec!["Z".into()])).is_err());
        let gains = gains_by_agency(&s, &tasks, "84", 2016, "pci").unwrap();
        assert_eq!(gains.len(), 2);
        assert!(gains.iter().all(|g| g.total_gain.unwrap() > 0.0 && g.n_tasks == 1));
        assert_eq!(overdue(&tasks, (2025, 7, 1)).len(), 0);
        assert_eq!(overdue(&tasks, (2026, 1, 1)).iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), vec!["B"]);
        let owners = vec![("labor_training".to_string(), "DOLISA".to_string())];
        let lost = uncovered(&s, &tasks, "84", 2016, "pci", &owners).unwrap();
        let labor = lost.iter().find(|r| r.0.node == "labor_training").unwrap();
        assert_eq!((labor.1.as_str(), labor.2), ("DOLISA", true));
        let entry = lost.iter().find(|r| r.0.node == "entry_costs").unwrap();
        assert_eq!((entry.1.as_str(), entry.2), ("Department of Planning and Investment", false));
    }
}

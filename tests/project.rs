//! What-if scoring (issue: "Projected scores").

use chiso::project::{what_if, Adjustment, Edit};
use chiso::{datasets, score, ChisoError, EditionChoice, Observation, Prefer, ScoreOptions, Scores};

fn papi() -> Scores {
    let rows = datasets::papi().unwrap();
    score(&EditionChoice::Index("papi".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
}

fn edit(scenario: &str, province: &str, node: &str, change: Adjustment) -> Edit {
    Edit { scenario: scenario.into(), province: province.into(), node: node.into(), change }
}

/// A what-if with zero change reproduces the base exactly, every node and rank.
#[test]
fn zero_change_reproduces_the_base() {
    let s = papi();
    let out =
        what_if(&s, 2024, &[edit("none", "Trà Vinh", "participation/civic_knowledge", Adjustment::Add(0.0))]).unwrap();
    assert_eq!(out.len(), s.edition_of(s.units().iter().find(|u| u.year == 2024).unwrap()).unwrap().nodes.len());
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
        edit("plan", "Trà Vinh", "e_governance/portal_access", Adjustment::Set(2.0)),
        edit("plan", "Trà Vinh", "transparency/poverty_lists", Adjustment::Headroom(0.5)),
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
    let out = what_if(&s, 2024, &[edit("d", "84", "transparency", Adjustment::Add(100.0))]).unwrap();
    let dim = out.iter().find(|p| p.node == "transparency").unwrap();
    assert_eq!(dim.value, Some(10.0));
    assert!(dim.clamped && dim.edited);
    let total = out.iter().find(|p| p.node.is_empty()).unwrap();
    assert!((total.delta.unwrap() - (10.0 - dim.base_value.unwrap())).abs() < 1e-9);
    // ToMax on a sub-dimension reaches 10/k.
    let out = what_if(&s, 2024, &[edit("m", "84", "e_governance/internet_access", Adjustment::ToMax)]).unwrap();
    let sd = out.iter().find(|p| p.node == "e_governance/internet_access").unwrap();
    assert!((sd.value.unwrap() - 10.0 / 3.0).abs() < 1e-9);
}

/// Many scenarios at once, each evaluated against the base (not against each other).
#[test]
fn scenarios_are_independent() {
    let s = papi();
    let edits: Vec<Edit> = (0..200)
        .map(|k| {
            edit(&format!("s{k:03}"), "Trà Vinh", "participation/civic_knowledge", Adjustment::Add(k as f64 * 0.001))
        })
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
    let out = what_if(&s, 2011, &[edit("t", "84", "transparency", Adjustment::Add(0.0))]).unwrap();
    let total = out.iter().find(|p| p.node.is_empty()).unwrap();
    assert_eq!(total.delta, Some(0.0));
    assert_eq!(total.rank, total.base_rank);
    let out = what_if(&s, 2011, &[edit("t", "84", "transparency", Adjustment::Add(0.5))]).unwrap();
    let total = out.iter().find(|p| p.node.is_empty()).unwrap();
    assert!((total.delta.unwrap() - 0.5 * 2.0).abs() < 1e-9, "{:?}", total.delta);
}

#[test]
fn bad_edits() {
    let s = papi();
    let message = |year: i32, e: Edit| match what_if(&s, year, &[e]) {
        Err(ChisoError::InvalidArgument(m)) => m,
        other => panic!("expected InvalidArgument, got {other:?}"),
    };
    assert_eq!(
        message(2030, edit("x", "84", "", Adjustment::Add(1.0))),
        "no scores for data year 2030 to project from"
    );
    assert_eq!(
        message(2024, edit("x", "84", "nope", Adjustment::Add(1.0))),
        "scenario \"x\": node \"nope\" is not in edition papi.2021"
    );
    assert_eq!(
        message(2024, edit("x", "84", "transparency", Adjustment::Headroom(1.5))),
        "scenario \"x\": headroom share 1.5 must be between 0 and 1"
    );
    assert_eq!(
        message(2024, edit("x", "Tiền Giang", "transparency", Adjustment::Add(1.0))),
        "scenario \"x\": Tiền Giang has no scores in 2024 to change"
    );
    match what_if(&s, 2024, &[edit("x", "84", "transparency", Adjustment::Set(f64::NAN))]) {
        Err(ChisoError::NonFinite { province, year, node, value }) => {
            assert_eq!((province.as_str(), year, node.as_str()), ("Trà Vinh", 2024, "papi.2021/transparency"));
            assert!(value.is_nan());
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
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
        let edits: Vec<Edit> =
            plan.steps.iter().map(|st| edit("target", "84", &st.node, Adjustment::Set(st.to))).collect();
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

    /// The solver's cost is the exact optimum of the linear programme over every input: min Σ costᵢ·Δᵢ subject to
    /// Σ gainᵢ·Δᵢ = T and 0 ≤ Δᵢ ≤ headroomᵢ. An optimum lies at a vertex, where every input but at most one is at
    /// 0 or at its headroom; the test enumerates all of them (2⁹ · 10 for PCI's ten sub-indices), independently of
    /// the solver's greedy order. Gains are ∂PCI/∂sub-index = weight / 10 with the pci.2013 weights of pci.md A4.2.
    #[test]
    fn cost_is_the_lp_optimum_over_every_input() {
        let s = pci_2016();
        let weights = [
            ("entry_costs", 5.0),
            ("land_access", 5.0),
            ("transparency", 20.0),
            ("time_costs", 5.0),
            ("informal_charges", 10.0),
            ("policy_bias", 5.0),
            ("proactivity", 5.0),
            ("business_support", 20.0),
            ("labor_training", 20.0),
            ("legal_institutions", 5.0),
        ];
        let value = |n: &str| s.get("84", 2016, n).unwrap().score.unwrap();
        let gain: Vec<f64> = weights.iter().map(|(_, w)| w / 10.0).collect();
        let room: Vec<f64> = weights.iter().map(|(n, _)| 10.0 - value(n)).collect();
        let base = s.total("84", 2016).unwrap().unwrap();
        let lp_optimum = |cost: &[f64], target: f64| {
            let n = cost.len();
            let mut best = f64::INFINITY;
            for full in 0u32..(1 << n) {
                let (g, c) = (0..n)
                    .filter(|i| full & (1 << i) != 0)
                    .fold((0.0, 0.0), |(g, c), i| (g + gain[i] * room[i], c + cost[i] * room[i]));
                if (g - target).abs() < 1e-12 {
                    best = best.min(c);
                }
                for j in (0..n).filter(|j| full & (1 << j) == 0) {
                    let x = (target - g) / gain[j];
                    if (0.0..=room[j]).contains(&x) {
                        best = best.min(c + cost[j] * x);
                    }
                }
            }
            best
        };
        let cases: [(&[(&str, f64)], f64); 4] = [
            // The old grid's case: the cheapest gain is business_support at the default cost 1 (2 points of PCI per
            // unit cost), so 1.5 points cost 0.75 — by hand as well as by the enumeration.
            (&[("transparency", 3.0), ("entry_costs", 1.0), ("labor_training", 2.5)], 1.5),
            // Costs that make a low-weight input the cheapest per point of PCI, and a target that exhausts it.
            (
                &[("transparency", 4.0), ("business_support", 5.0), ("labor_training", 6.0), ("informal_charges", 0.2)],
                3.0,
            ),
            (&[], 8.0),
            (&[("legal_institutions", 0.01), ("time_costs", 0.02)], 0.4),
        ];
        for (costs, target) in cases {
            let cost: Vec<f64> =
                weights.iter().map(|(n, _)| costs.iter().find(|(c, _)| c == n).map_or(1.0, |(_, v)| *v)).collect();
            let plan = solve(&s, "84", 2016, Target::Score(base + target), costs).unwrap();
            assert!(plan.reachable);
            let optimum = lp_optimum(&cost, target);
            assert!((plan.total_cost - optimum).abs() < 1e-9, "{costs:?}: solver {} vs LP {optimum}", plan.total_cost);
            let gained: f64 = plan.steps.iter().map(|s| s.total_gain).sum();
            assert!((gained - target).abs() < 1e-9);
        }
        let plan = solve(&s, "84", 2016, Target::Score(base + 1.5), cases[0].0).unwrap();
        assert!((plan.total_cost - 0.75).abs() < 1e-9);
        assert_eq!(plan.steps.iter().map(|s| s.node.as_str()).collect::<Vec<_>>(), ["business_support"]);
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
        let message = |node: &str, years: &[i32]| match calibrate(&s, node, years, None, None, 2) {
            Err(ChisoError::InvalidArgument(m)) => m,
            other => panic!("expected InvalidArgument, got {other:?}"),
        };
        assert_eq!(
            message("", &[2012, 2013]),
            "years [2012, 2013] span two editions (pci.2009 and pci.2013): calibrate one edition at a time"
        );
        assert_eq!(
            message("transparency", &[2013]),
            "pci.2013/transparency aggregates by OPAQUE: calibration estimates WMEAN weights"
        );
        // 2019: composites of every province, sub-indices only from VCCI's province pages of a few provinces.
        assert_eq!(message("", &[2019]), "3 rows with parts and a published total; 10 weights need at least as many");
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

    /// The rank outlook for 2021 from 2016–2020. The 95% prediction interval of each province's trend is
    /// recomputed here from the textbook formula for ordinary least squares — ŷ ± t₀.₉₇₅(n−2) · s · √(1 + 1/n +
    /// (x₀ − x̄)² / Sxx), t₀.₉₇₅(3) = 3.182446 — and must equal chiso's; then the published 2021 composites are checked
    /// against those intervals (coverage) and their width is bounded, and the simulated ranks against the ranks of
    /// the point projections.
    /// t₀.₉₇₅ with 3 degrees of freedom (scipy.stats.t.ppf(0.975, 3)).
    const T3: f64 = 3.182_446_305_284_263;

    /// Enough draws that the Monte Carlo error of a mean rank (a rank's standard deviation is at most about 18
    /// here, so ≤ 0.13) stays well inside the tolerance below even for the worst of 63 provinces (about 2.6
    /// standard errors): the check is on the simulation's distribution, not on one generator's luck.
    const DRAWS: usize = 20_000;

    #[test]
    fn rank_outlook_for_2021() {
        let s = pci_composites(2016..=2020);
        let a = rank_outlook(&s, 2021, &TrendOptions::default(), DRAWS, 7).unwrap();
        let b = rank_outlook(&s, 2021, &TrendOptions::default(), DRAWS, 7).unwrap();
        assert_eq!(a, b, "reproducible for a seed");
        assert_eq!(a.len(), 63);
        assert!(a
            .iter()
            .all(|o| o.rank_within_p05 <= o.rank_within_median && o.rank_within_median <= o.rank_within_p95));
        let published = pci_composites(2021..=2021);
        let (mut inside, mut width_sum) = (0, 0.0);
        let (mut point, mut sigma) = (Vec::new(), Vec::new());
        for o in &a {
            let ys: Vec<f64> = (2016..=2020).map(|y| s.total(&o.province_code, y).unwrap().unwrap()).collect();
            let xs: Vec<f64> = (2016..=2020).map(f64::from).collect();
            let n = xs.len() as f64;
            let (xm, ym) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
            let sxx: f64 = xs.iter().map(|x| (x - xm).powi(2)).sum();
            let slope = xs.iter().zip(&ys).map(|(x, y)| (x - xm) * (y - ym)).sum::<f64>() / sxx;
            let fit = |x: f64| ym + slope * (x - xm);
            let ssr: f64 = xs.iter().zip(&ys).map(|(x, y)| (y - fit(*x)).powi(2)).sum();
            let se = (ssr / (n - 2.0)).sqrt() * (1.0 + 1.0 / n + (2021.0 - xm).powi(2) / sxx).sqrt();
            let (lo, hi) = (fit(2021.0) - T3 * se, fit(2021.0) + T3 * se);
            let t = trend(&s, &o.province_code, "", 2021, &TrendOptions::default()).unwrap();
            assert!((t.linear - fit(2021.0)).abs() < 1e-9, "{}", o.province);
            assert!(
                (t.lower.unwrap() - lo).abs() < 1e-9 && (t.upper.unwrap() - hi).abs() < 1e-9,
                "{} {:?} {:?} vs {lo} {hi}; years {:?}",
                o.province,
                t.lower,
                t.upper,
                t.years
            );
            let v = published.total(&o.province_code, 2021).unwrap().unwrap();
            inside += usize::from(lo <= v && v <= hi);
            width_sum += hi - lo;
            point.push(fit(2021.0));
            sigma.push(se);
        }
        // Coverage of the nominal 95% interval on real data: 2021 (the pandemic year) still falls inside for
        // 59 of 63; the intervals are wide (5 points, 3 degrees of freedom): mean width 14.56 points.
        assert_eq!(inside, 59, "published 2021 composites inside the 95% interval");
        assert!((width_sum / 63.0 - 14.56).abs() < 0.01, "mean width {}", width_sum / 63.0);
        // Each simulated rank band holds the rank of the point projection, and the mean simulated rank equals
        // the expected rank computed in closed form: totals drawn as independent normals N(μᵢ, σᵢ²) with σᵢ the
        // interval's half-width / t, E[rankᵢ] = 1 + Σⱼ≠ᵢ Φ((μⱼ − μᵢ) / √(σᵢ² + σⱼ²)). With 20,000 draws the
        // Monte Carlo error of a mean rank is at most about 0.13; the bands are wide (rank_p95 − rank_p05 is 3 to about 55).
        let point_ranks = chiso::engine::competition_ranks(&point, None);
        for (i, (o, r)) in a.iter().zip(&point_ranks).enumerate() {
            let r = r.unwrap();
            // 2016–2020 hold the full field of 63, so the field ranks exist and equal the ranks within.
            let (p05, p95, mean) = (o.rank_p05.unwrap(), o.rank_p95.unwrap(), o.mean_rank.unwrap());
            assert_eq!((p05, p95), (o.rank_within_p05, o.rank_within_p95));
            assert!(p05 <= r && r <= p95, "{}: point rank {r} outside {p05}–{p95}", o.province);
            let expected = 1.0
                + (0..a.len())
                    .filter(|&j| j != i)
                    .map(|j| normal_cdf((point[j] - point[i]) / (sigma[i].powi(2) + sigma[j].powi(2)).sqrt()))
                    .sum::<f64>();
            assert!((mean - expected).abs() < 0.45, "{}: mean rank {mean} vs expected {expected}", o.province);
        }
        let widest = a.iter().map(|o| o.rank_within_p95 - o.rank_within_p05).max().unwrap();
        // Nearly uninformative for some provinces on five years of data (the widest band spans 54–55 ranks,
        // depending on the draws): the outlook must say so by its width rather than look precise.
        assert!((50..=58).contains(&widest), "widest band {widest}");
    }

    /// Φ by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), written here so the check does not share code with
    /// the simulation.
    fn normal_cdf(x: f64) -> f64 {
        let z = x.abs() / std::f64::consts::SQRT_2;
        let t = 1.0 / (1.0 + 0.327_591_1 * z);
        let poly =
            t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
        let erf = 1.0 - poly * (-z * z).exp();
        if x >= 0.0 {
            0.5 * (1.0 + erf)
        } else {
            0.5 * (1.0 - erf)
        }
    }
}

mod plan_api {
    use super::*;
    use chiso::project::plans::{
        gains_by_agency, overdue, parse_date, project_plan, uncovered, Selection, Task, TaskStatus,
    };

    fn task(id: &str, node: &str, agency: &str, deadline: &str, status: TaskStatus, change: Adjustment) -> Task {
        Task {
            id: id.into(),
            index: "pci".into(),
            node: node.into(),
            title: id.into(),
            lead_agency: agency.into(),
            deadline: parse_date(deadline, id).unwrap(),
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
            task("A", "transparency", "DPI", "2025-03-31", TaskStatus::Done, Adjustment::Add(0.5)),
            task(
                "B",
                "pci.2013/labor_training",
                "DOLISA",
                "2025-12-31",
                TaskStatus::Planned,
                Adjustment::Headroom(0.25),
            ),
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
        assert_eq!(
            project_plan(&s, &tasks, "84", 2016, "pci", &Selection::Ids(vec!["Z".into()])).unwrap_err(),
            ChisoError::Data("plan: no task \"Z\"".into())
        );
        let gains = gains_by_agency(&s, &tasks, "84", 2016, "pci").unwrap();
        assert_eq!(gains.len(), 2);
        assert!(gains.iter().all(|g| g.total_gain.unwrap() > 0.0 && g.n_tasks == 1));
        let date = |year, month, day| chiso::project::plans::Date { year, month, day };
        assert_eq!(overdue(&tasks, date(2025, 7, 1)).len(), 0);
        assert_eq!(overdue(&tasks, date(2026, 1, 1)).iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), vec!["B"]);
        let owners = vec![("labor_training".to_string(), "DOLISA".to_string())];
        let lost = uncovered(&s, &tasks, "84", 2016, "pci", &owners).unwrap();
        let labor = lost.iter().find(|r| r.points_lost.node == "labor_training").unwrap();
        assert_eq!((labor.owner.as_str(), labor.covered), ("DOLISA", true));
        let entry = lost.iter().find(|r| r.points_lost.node == "entry_costs").unwrap();
        assert_eq!((entry.owner.as_str(), entry.covered), ("Department of Planning and Investment", false));
    }
}

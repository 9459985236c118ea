//! Plan outcomes as probabilities (issue 11 §2), on PCI 2016 (63 provinces; composite = 10 · Σ w·s / Σ w with
//! weights 20 for transparency, 10 for informal charges, 5 for entry costs, Σ w = 100): one point of transparency
//! is 2 points of the total, of informal charges 1 point, of entry costs 0.5. Expected values below come from
//! these weights and from the distributions' formulas, not from chiso.

use chiso::project::plan_outcomes::{simulate, Outcome, PlanSimulation, MAX_RUNS};
use chiso::project::plans::{Selection, Task, TaskStatus};
use chiso::project::{what_if, Adjustment, Edit, Peers};
use chiso::{datasets, score, ChisoError, EditionChoice, ScoreOptions, Scores};

fn pci(provinces: Option<&[&str]>) -> Scores {
    let rows: Vec<_> = datasets::pci()
        .unwrap()
        .into_iter()
        .filter(|r| r.year == 2016)
        .filter(|r| provinces.is_none_or(|p| p.contains(&r.province.as_str())))
        .collect();
    score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
}

fn task(id: &str, node: &str, agency: &str, effect: Adjustment) -> Task {
    Task {
        id: id.into(),
        index: "pci".into(),
        node: node.into(),
        title: String::new(),
        lead_agency: agency.into(),
        deadline: chiso::project::plans::Date { year: 2017, month: 6, day: 30 },
        status: TaskStatus::Planned,
        effect,
    }
}

fn run(s: &Scores, tasks: &[Task], outcomes: &[Outcome], runs: usize, seed: u64) -> PlanSimulation {
    simulate(s, tasks, outcomes, "Trà Vinh", 2016, "pci", &Selection::All, &Peers::Held, runs, seed).unwrap()
}

fn argument_of(e: ChisoError) -> String {
    match e {
        ChisoError::Argument { argument, message, .. } => format!("{argument}: {message}"),
        other => panic!("expected an Argument error, got {other:?}"),
    }
}

#[test]
fn delivery_is_bernoulli_with_the_given_probability() {
    let s = pci(None);
    let n = 20_000;
    let sim = run(
        &s,
        &[task("T", "transparency", "A", Adjustment::Add(1.0))],
        &[Outcome { probability: 0.3, range: None }],
        n,
        11,
    );
    assert_eq!(sim.runs, n);
    let delivered = sim.totals.iter().filter(|t| (*t - sim.base_total - 2.0).abs() < 1e-9).count();
    let held = sim.totals.iter().filter(|t| (*t - sim.base_total).abs() < 1e-9).count();
    assert_eq!(delivered + held, n, "every run either delivers (+2) or not (+0)");
    // Binomial: sd of the share = sqrt(p(1 − p)/n) ≈ 0.0032; 5 sd.
    let share = delivered as f64 / n as f64;
    assert!((share - 0.3).abs() < 5.0 * (0.3f64 * 0.7 / n as f64).sqrt(), "{share}");
    // The expected gain of the only agency is p × 2.
    assert!((sim.agencies[0].expected_gain - 2.0 * share).abs() < 1e-9);
    // P(rank ≤ the rank the delivered task buys) = share of runs delivering (the deterministic what-if's rank).
    let edit = Edit {
        scenario: "x".into(),
        province: "Trà Vinh".into(),
        node: "transparency".into(),
        change: Adjustment::Add(1.0),
    };
    let after = what_if(&s, 2016, &[edit]).unwrap().into_iter().find(|p| p.node.is_empty()).unwrap();
    let (rank_after, base_rank) = (after.rank.unwrap(), after.base_rank.unwrap());
    assert_eq!(sim.base_rank, Some(base_rank));
    assert!(rank_after < base_rank, "the task must move the rank for this check to mean anything");
    assert_eq!(sim.p_rank_at_most(rank_after, false), Some(share));
    assert_eq!(sim.p_rank_at_most(base_rank, false), Some(1.0));
    assert_eq!(sim.rank_quantile(0.5, false), Some(base_rank)); // p = 0.3 < ½
    assert_eq!(sim.rank_quantile(0.05, false), Some(rank_after));
    assert_eq!(sim.varied, vec!["T delivers (p = 0.3)".to_string()]);
}

#[test]
fn triangular_effect_has_mean_a_plus_b_plus_c_over_three() {
    let s = pci(None);
    let n = 40_000;
    let (a, m, b) = (0.0, 0.5, 2.0);
    let sim = run(
        &s,
        &[task("T", "transparency", "A", Adjustment::Add(1.0))],
        &[Outcome { probability: 1.0, range: Some((a, m, b)) }],
        n,
        3,
    );
    // Gain = 2 × effect; mean 2(a + m + b)/3, variance 4(a² + m² + b² − am − ab − mb)/18.
    let mean = 2.0 * (a + m + b) / 3.0;
    let var = 4.0 * (a * a + m * m + b * b - a * m - a * b - m * b) / 18.0;
    let got = sim.total_mean() - sim.base_total;
    assert!((got - mean).abs() < 5.0 * (var / n as f64).sqrt(), "{got} vs {mean}");
    let sample_var = sim.totals.iter().map(|t| (t - sim.total_mean()).powi(2)).sum::<f64>() / (n - 1) as f64;
    assert!((sample_var / var - 1.0).abs() < 0.05, "{sample_var} vs {var}");
    // Every gain within 2 × [a, b]; the median of the triangular: b − sqrt((b − a)(b − m)/2) (m below the middle).
    assert!(sim.totals.iter().all(|t| t - sim.base_total >= 2.0 * a - 1e-9 && t - sim.base_total <= 2.0 * b + 1e-9));
    let median = 2.0 * (b - ((b - a) * (b - m) / 2.0f64).sqrt());
    assert!((sim.total_percentile(50.0) - sim.base_total - median).abs() < 0.03);
    assert!(
        sim.total_percentile(5.0) < sim.total_percentile(50.0)
            && sim.total_percentile(50.0) < sim.total_percentile(95.0)
    );
    assert_eq!(sim.varied, vec!["T effect ~ triangular(min 0, mode 0.5, max 2)".to_string()]);
}

#[test]
fn variance_shares_match_the_analytic_split() {
    let s = pci(None);
    let n = 50_000;
    // Gains: task 1 = 2 × 1 with p = 0.5, task 2 = 1 × 1.5 with p = 0.2, task 3 = 0.5 × 1 with p = 1 (fixed).
    // Var contributions (weight × effect)² p(1 − p): 4 · 0.25 = 1, 2.25 · 0.16 = 0.36, 0.
    let tasks = [
        task("T1", "transparency", "Finance", Adjustment::Add(1.0)),
        task("T2", "informal_charges", "Justice", Adjustment::Add(1.5)),
        task("T3", "entry_costs", "Justice", Adjustment::Add(1.0)),
    ];
    let outcomes = [
        Outcome { probability: 0.5, range: None },
        Outcome { probability: 0.2, range: None },
        Outcome { probability: 1.0, range: None },
    ];
    let sim = run(&s, &tasks, &outcomes, n, 5);
    let share = |id: &str| sim.tasks.iter().find(|t| t.id == id).unwrap().variance_share;
    assert!((share("T1") - 1.0 / 1.36).abs() < 0.01, "{}", share("T1"));
    assert!((share("T2") - 0.36 / 1.36).abs() < 0.01, "{}", share("T2"));
    assert_eq!(share("T3"), 0.0);
    let sum: f64 = sim.tasks.iter().map(|t| t.variance_share).sum();
    assert!((sum - 1.0).abs() < 0.01, "an additive plan is explained fully: {sum}");
    // Agencies: Finance expects 2 · 0.5 = 1, Justice 1.5 · 0.2 + 0.5 = 0.8; together the plan's mean gain.
    let gain = |a: &str| sim.agencies.iter().find(|g| g.agency == a).unwrap().expected_gain;
    assert!((gain("Finance") - 1.0).abs() < 0.03);
    assert!((gain("Justice") - 0.8).abs() < 0.02);
    assert!((gain("Finance") + gain("Justice") - (sim.total_mean() - sim.base_total)).abs() < 1e-9);
    assert_eq!(sim.agencies[0].agency, "Finance", "largest expected gain first");
    assert_eq!(sim.agencies[1].n_tasks, 2);
}

#[test]
fn seeded_and_reproducible() {
    let s = pci(None);
    let tasks = [task("T", "transparency", "A", Adjustment::Headroom(0.3))];
    let o = [Outcome { probability: 0.7, range: Some((0.1, 0.3, 0.6)) }];
    let a = run(&s, &tasks, &o, 5000, 42);
    let b = run(&s, &tasks, &o, 5000, 42);
    let c = run(&s, &tasks, &o, 5000, 43);
    assert_eq!(a, b);
    assert_ne!(a.totals, c.totals);
    assert_eq!(a.seed, 42);
}

#[test]
fn partial_field_ranks_within_only() {
    let s = pci(Some(&["Trà Vinh", "Vĩnh Long", "Bến Tre", "Sóc Trăng"]));
    let sim = run(
        &s,
        &[task("T", "transparency", "A", Adjustment::Add(1.0))],
        &[Outcome { probability: 0.5, range: None }],
        500,
        1,
    );
    assert_eq!(sim.base_rank, None);
    assert!(sim.ranks.iter().all(|&r| r == 0));
    assert_eq!(sim.p_rank_at_most(10, false), None);
    assert_eq!(sim.rank_quantile(0.5, false), None);
    assert_eq!(sim.p_rank_at_most(4, true), Some(1.0));
    assert!(sim.rank_quantile(0.5, true).is_some());
}

#[test]
fn bad_input_is_a_typed_error_naming_the_argument() {
    let s = pci(None);
    let t = [task("T", "transparency", "A", Adjustment::Add(1.0))];
    let err = |o: Outcome, runs: usize| {
        argument_of(
            simulate(&s, &t, &[o], "Trà Vinh", 2016, "pci", &Selection::All, &Peers::Held, runs, 1).unwrap_err(),
        )
    };
    let e = err(Outcome { probability: 1.5, range: None }, 10);
    assert!(e.starts_with("probability:") && e.contains("\"T\""), "{e}");
    assert!(err(Outcome { probability: f64::NAN, range: None }, 10).starts_with("probability:"));
    let e = err(Outcome { probability: 0.5, range: Some((2.0, 1.0, 3.0)) }, 10);
    assert!(
        e.starts_with("effect_min/effect_mode/effect_max:") && e.contains("minimum ≤ most likely ≤ maximum"),
        "{e}"
    );
    assert!(err(Outcome { probability: 0.5, range: Some((0.0, 1.0, f64::INFINITY)) }, 10).starts_with("effect_min"));
    let e = err(Outcome::default(), 0);
    assert!(e.starts_with("runs:") && e.contains(&MAX_RUNS.to_string()), "{e}");
    let e = err(Outcome::default(), MAX_RUNS + 1);
    assert!(e.starts_with("runs:") && e.contains(&MAX_RUNS.to_string()), "{e}");
    // Two tasks on one node, and a range on `max`.
    let two = [t[0].clone(), task("U", "transparency", "B", Adjustment::Add(0.5))];
    let e = simulate(&s, &two, &[Outcome::default(); 2], "Trà Vinh", 2016, "pci", &Selection::All, &Peers::Held, 10, 1);
    assert!(argument_of(e.unwrap_err()).starts_with("plan:"));
    let m = [task("M", "transparency", "A", Adjustment::ToMax)];
    let e = simulate(
        &s,
        &m,
        &[Outcome { probability: 0.5, range: Some((0.0, 0.5, 1.0)) }],
        "Trà Vinh",
        2016,
        "pci",
        &Selection::All,
        &Peers::Held,
        10,
        1,
    );
    assert!(argument_of(e.unwrap_err()).contains("take no value"));
}

#[test]
fn set_and_max_tasks_that_do_not_deliver_leave_the_node() {
    let s = pci(None);
    let tasks =
        [task("S", "transparency", "A", Adjustment::Set(10.0)), task("M", "entry_costs", "A", Adjustment::ToMax)];
    let sim = run(&s, &tasks, &[Outcome { probability: 0.0, range: None }; 2], 50, 1);
    assert!(sim.totals.iter().all(|t| (t - sim.base_total).abs() < 1e-9));
    let sim = run(&s, &tasks, &[Outcome::default(); 2], 50, 1);
    let edits: Vec<Edit> = tasks
        .iter()
        .map(|t| Edit { scenario: "x".into(), province: "Trà Vinh".into(), node: t.node.clone(), change: t.effect })
        .collect();
    let det = what_if(&s, 2016, &edits).unwrap().into_iter().find(|p| p.node.is_empty()).unwrap();
    assert!(sim.totals.iter().all(|t| (t - det.value.unwrap()).abs() < 1e-9));
}

/// Peers with their own trend uncertainty (PCI 2012–2016, peers moved to 2018): the tasks' draws are the same
/// with or without it; `varied` says what was drawn; and the mean rank over the runs is what each
/// peer's Student t predictive distribution implies, 1 + Σ_q P(peer q > total), computed here from statrs' t CDF
/// and the trend's own projection and standard error (within five standard errors of the simulation).
#[test]
fn peers_with_their_trend_uncertainty() {
    use chiso::project::plan_outcomes::{simulate_with, PeerSpread};
    use chiso::project::trend::{trend, TrendOptions};
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let rows: Vec<_> = datasets::pci().unwrap().into_iter().filter(|r| (2012..=2016).contains(&r.year)).collect();
    let s =
        score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap();
    let tasks = [task("T1", "transparency", "A", Adjustment::Add(1.0))];
    let outcome = [Outcome { probability: 1.0, range: None }];
    let peers = Peers::Trend { target_year: 2018, options: TrendOptions::default() };
    let runs = 20_000;
    let go = |spread| {
        simulate_with(&s, &tasks, &outcome, "Trà Vinh", 2016, "pci", &Selection::All, &peers, spread, runs, 3).unwrap()
    };
    let fixed = go(PeerSpread::Fixed);
    let drawn = go(PeerSpread::TrendUncertainty);
    assert_eq!(fixed.totals, drawn.totals, "the tasks' draws do not depend on the peers'");
    assert_eq!(drawn.peers, fixed.peers, "the peers' rule is the same; `varied` says what is drawn");
    assert!(drawn.varied.iter().any(|v| v.contains("Student t")), "{:?}", drawn.varied);
    assert!(fixed.ranks_within.iter().all(|&r| r == fixed.ranks_within[0]), "fixed peers: one rank");
    // The analytic mean rank (the total is the same in every run here).
    let total = drawn.totals[0];
    let options = TrendOptions { map: Some(chiso::provinces::Geography::Provinces63), ..Default::default() };
    let mut expected = 1.0;
    for p in chiso::Registry::get().all().iter().filter(|p| p.code != "84") {
        let Ok(t) = trend(&s, &p.code, "", 2018, &options) else { continue };
        expected += match t.prediction_se {
            Some(se) => 1.0 - StudentsT::new(0.0, 1.0, (t.n_years - 2) as f64).unwrap().cdf((total - t.linear) / se),
            None => f64::from(t.linear > total),
        };
    }
    let mean = drawn.ranks_within.iter().map(|&r| f64::from(r)).sum::<f64>() / runs as f64;
    let sd = (drawn.ranks_within.iter().map(|&r| (f64::from(r) - mean).powi(2)).sum::<f64>() / runs as f64).sqrt();
    assert!(sd > 0.5, "the peers' draws spread the rank: sd {sd}");
    assert!((mean - expected).abs() < 5.0 * sd / (runs as f64).sqrt(), "mean rank {mean} vs {expected}");
    // Held peers have no trend uncertainty to draw: a typed error naming the argument.
    let e = simulate_with(
        &s,
        &tasks,
        &outcome,
        "Trà Vinh",
        2016,
        "pci",
        &Selection::All,
        &Peers::Held,
        PeerSpread::TrendUncertainty,
        10,
        1,
    )
    .unwrap_err();
    assert!(argument_of(e).starts_with("peer_uncertainty:"));
}

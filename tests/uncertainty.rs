//! Uncertainty and sensitivity analysis of an index (issue 11 §3): Monte Carlo over weights, aggregation, missing
//! data and input noise on real data, checked against hand computations; bad arguments as typed errors.

use chiso::uncertainty::{
    analyse, factors, sensitivity, Assumptions, FirstOrder, InputNoise, Output, Runs, SobolDesign, Spread, WeightNoise,
};
use chiso::{datasets, score, ChisoError, EditionChoice, ScoreOptions, Scores};

fn scores(index: &str, year: i32) -> Scores {
    let rows = match index {
        "pci" => datasets::pci().unwrap(),
        _ => datasets::papi().unwrap(),
    };
    let rows: Vec<_> = rows.into_iter().filter(|r| r.year == year).collect();
    score(&EditionChoice::Index(index.into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
}

fn reference_design() -> Assumptions {
    Assumptions {
        weights: WeightNoise::Uniform { low: 0.75, high: 1.25 },
        geometric: vec!["".into()],
        ..Default::default()
    }
}

fn argument_of(e: &ChisoError) -> &str {
    match e {
        ChisoError::Argument { argument, .. } => argument,
        other => panic!("expected an Argument error, got {other:?}"),
    }
}

/// The nominal run (official assumptions) reproduces the scored ranks; a design row that leaves every weight at
/// its official value and the aggregation arithmetic moves nothing.
#[test]
fn the_official_assumptions_reproduce_the_official_ranking() {
    let s = scores("pci", 2016);
    let a = reference_design();
    // u = 0.5 → factor 0.75 + 0.5·0.5 = 1; u = 0.9 ≥ ½ → arithmetic.
    let row: Vec<f64> = [vec![0.5; 10], vec![0.9]].concat();
    let design: Vec<f64> = row.iter().cycle().take(11 * 3).copied().collect();
    let u = analyse(&s, 2016, &a, &Runs::Design(design)).unwrap();
    assert_eq!(u.runs, 3);
    assert_eq!(u.n_ranked, 63);
    assert!(u.rank_shift.iter().all(|&x| x == 0.0));
    for p in &u.provinces {
        let scored = s.get(&p.province_code, 2016, "").unwrap();
        assert_eq!(p.official_rank, scored.rank, "{}", p.province);
        assert_eq!(p.rank_median, scored.rank);
        assert_eq!(p.rank_p05, scored.rank);
        assert!((p.official_score.unwrap() - scored.score.unwrap()).abs() < 1e-9);
    }
}

/// One geometric run with doubled transparency weight, by hand: PCI = 10 · exp(Σ w ln s) with the renormalised
/// weights.
#[test]
fn a_geometric_run_equals_the_hand_computation() {
    let s = scores("pci", 2016);
    let a = reference_design();
    let names = factors(&s, 2016, &a).unwrap();
    let mut row = vec![0.5; names.len()];
    row[2] = 1.0; // transparency × 1.25
    row[10] = 0.1; // geometric
    let u = analyse(&s, 2016, &a, &Runs::Design(row)).unwrap();
    let m = s.edition(0);
    let tv = u.provinces.iter().find(|p| p.province == "Trà Vinh").unwrap();
    let mut w: Vec<f64> = m.nodes[0].children.iter().map(|&c| m.nodes[c].weight.unwrap()).collect();
    w[2] *= 1.25;
    let total: f64 = w.iter().sum();
    let ln: f64 = m.nodes[0]
        .children
        .iter()
        .zip(&w)
        .map(|(&c, wi)| wi / total * s.get(&tv.province_code, 2016, &m.nodes[c].path).unwrap().score.unwrap().ln())
        .sum();
    assert!((tv.score_mean.unwrap() - 10.0 * ln.exp()).abs() < 1e-9, "{tv:?}");
}

/// Seeded runs are reproducible and do not depend on the number of threads.
#[test]
fn seeded_runs_are_reproducible_on_any_number_of_threads() {
    let s = scores("pci", 2016);
    let a = reference_design();
    let runs = Runs::Seeded { runs: 5000, seed: 11 };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| analyse(&s, 2016, &a, &runs).unwrap());
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap()
        .install(|| analyse(&s, 2016, &a, &runs).unwrap());
    assert_eq!(one, many);
    let other = analyse(&s, 2016, &a, &Runs::Seeded { runs: 5000, seed: 12 }).unwrap();
    assert_ne!(other.rank_shift, analyse(&s, 2016, &a, &runs).unwrap().rank_shift);
}

/// P(rank ≤ k) is a distribution function: monotone in k, 1 at the field size; the bands hold the median.
#[test]
fn rank_probabilities_and_bands_are_consistent() {
    let s = scores("pci", 2016);
    let u = analyse(&s, 2016, &reference_design(), &Runs::Seeded { runs: 4000, seed: 3 }).unwrap();
    let p10 = u.p_rank_at_most(10);
    let p20 = u.p_rank_at_most(20);
    let p63 = u.p_rank_at_most(63);
    for i in 0..u.provinces.len() {
        assert!(p10[i] <= p20[i] && p20[i] <= p63[i]);
        assert_eq!(p63[i], 1.0);
        let p = &u.provinces[i];
        assert!(p.rank_p05 <= p.rank_median && p.rank_median <= p.rank_p95, "{p:?}");
    }
    assert!((p10.iter().sum::<f64>() - 10.0).abs() < 1e-9, "ten provinces hold ranks 1–10 in every run (no ties)");
    assert!(u.mean_rank_shift() > 0.5 && u.mean_rank_shift() < 5.0, "{}", u.mean_rank_shift());
}

/// Dirichlet weights with a huge concentration are the official weights; input noise spreads the score by
/// weight × se.
#[test]
fn dirichlet_and_input_noise_behave_as_their_distributions() {
    let s = scores("pci", 2016);
    let a = Assumptions { weights: WeightNoise::Dirichlet { concentration: 1e7 }, ..Default::default() };
    let u = analyse(&s, 2016, &a, &Runs::Seeded { runs: 500, seed: 1 }).unwrap();
    assert_eq!(u.varied, vec!["weights: total (Dirichlet)".to_string()]);
    assert!(u.mean_rank_shift() < 0.05, "{}", u.mean_rank_shift());
    let loose = analyse(
        &s,
        2016,
        &Assumptions { weights: WeightNoise::Dirichlet { concentration: 20.0 }, ..Default::default() },
        &Runs::Seeded { runs: 2000, seed: 1 },
    )
    .unwrap();
    assert!(loose.mean_rank_shift() > u.mean_rank_shift());

    // Transparency (weight 20%, × 10 → 2 points per point) with se 0.1: the composite's sd is 0.2.
    let noise = Assumptions {
        input_noise: vec![InputNoise {
            province: "Trà Vinh".into(),
            node: "transparency".into(),
            spread: Spread::StandardError(0.1),
        }],
        ..Default::default()
    };
    let u = analyse(&s, 2016, &noise, &Runs::Seeded { runs: 20_000, seed: 5 }).unwrap();
    let tv = u.provinces.iter().find(|p| p.province == "Trà Vinh").unwrap();
    assert!((tv.score_sd.unwrap() - 0.2).abs() < 0.01, "{tv:?}");
    assert!((tv.score_mean.unwrap() - tv.official_score.unwrap()).abs() < 0.01);
    let other = u.provinces.iter().find(|p| p.province == "Hà Nội").unwrap();
    assert_eq!(other.score_sd, Some(0.0));
    // The same spread given as a 95% interval.
    let interval = Assumptions {
        input_noise: vec![InputNoise {
            province: "Trà Vinh".into(),
            node: "transparency".into(),
            spread: Spread::Interval { lower: 5.0, upper: 5.0 + 2.0 * 1.959_963_984_540_054 * 0.1, level: 0.95 },
        }],
        ..Default::default()
    };
    let v = analyse(&s, 2016, &interval, &Runs::Seeded { runs: 20_000, seed: 5 }).unwrap();
    let tv2 = v.provinces.iter().find(|p| p.province == "Trà Vinh").unwrap();
    assert!((tv2.score_sd.unwrap() - tv.score_sd.unwrap()).abs() < 1e-9);
}

/// Missing data: PAPI 2018 lacks two dimensions for some provinces. Strict leaves them unranked; renormalising
/// ranks them in about half the runs.
#[test]
fn missing_data_treatment_varies() {
    let s = scores("papi", 2018);
    let a = Assumptions { missing: true, weight_nodes: Some(vec!["".into()]), ..Default::default() };
    let u = analyse(&s, 2018, &a, &Runs::Seeded { runs: 2000, seed: 1 }).unwrap();
    assert_eq!(u.varied, vec!["missing".to_string()]);
    let qn = u.provinces.iter().find(|p| p.province == "Quảng Ninh").unwrap();
    assert_eq!(qn.official_rank, None);
    assert!(qn.runs_ranked > 800 && qn.runs_ranked < 1200, "{qn:?}");
}

/// Sobol indices on real data: the aggregation switch and the heaviest weights matter; every index lies in its
/// bootstrap interval; the Jansen first-order estimator agrees with Saltelli's within the intervals.
#[test]
fn sobol_indices_of_the_rank_shift() {
    let s = scores("pci", 2016);
    let a = reference_design();
    let design = SobolDesign::Seeded { n: 4000, seed: 2 };
    let si = sensitivity(&s, 2016, &a, &Output::RankShift, &design, 200, FirstOrder::Saltelli2010).unwrap();
    assert_eq!(si.indices.len(), 11);
    assert_eq!(si.evaluations, 4000 * 13);
    for i in &si.indices {
        assert!(i.first_lower <= i.first && i.first <= i.first_upper, "{i:?}");
        assert!(i.total_lower <= i.total && i.total <= i.total_upper, "{i:?}");
        assert!(i.total > -0.05);
    }
    let top = si.indices.iter().max_by(|a, b| a.total.total_cmp(&b.total)).unwrap();
    assert!(top.input == "weight: labor_training" || top.input == "aggregation: total", "{top:?}");
    let j = sensitivity(&s, 2016, &a, &Output::RankShift, &design, 200, FirstOrder::Jansen).unwrap();
    for (x, y) in si.indices.iter().zip(&j.indices) {
        assert_eq!(x.total, y.total);
        assert!((x.first - y.first).abs() < 0.1, "{x:?} {y:?}");
    }
    // One province's rank and score as outputs.
    let r = sensitivity(&s, 2016, &a, &Output::Rank("Trà Vinh".into()), &design, 0, FirstOrder::default()).unwrap();
    assert_eq!(r.indices.len(), 11);
    let e = sensitivity(&s, 2016, &a, &Output::Score("Atlantis".into()), &design, 0, FirstOrder::default());
    assert!(matches!(e, Err(ChisoError::UnknownProvince { .. })));
}

#[test]
fn bad_arguments_are_typed_errors_naming_the_argument() {
    let s = scores("pci", 2016);
    let seeded = Runs::Seeded { runs: 10, seed: 1 };
    let run = |a: Assumptions, runs: &Runs| analyse(&s, 2016, &a, runs).unwrap_err();
    let with_weights = |low, high| Assumptions { weights: WeightNoise::Uniform { low, high }, ..Default::default() };

    let e = run(with_weights(1.25, 0.75), &seeded);
    assert_eq!(argument_of(&e), "weights");
    assert!(e.to_string().contains("inverted"), "{e}");
    assert_eq!(argument_of(&run(with_weights(0.0, 1.0), &seeded)), "weights");
    assert_eq!(argument_of(&run(with_weights(-1.0, f64::INFINITY), &seeded)), "weights");
    let e = run(with_weights(0.75, 1.25), &Runs::Seeded { runs: 0, seed: 1 });
    assert_eq!(argument_of(&e), "runs");
    let e = run(with_weights(0.75, 1.25), &Runs::Seeded { runs: 10_000_001, seed: 1 });
    assert!(e.to_string().contains("10000000"), "the limit is in the message: {e}");
    assert_eq!(argument_of(&run(Assumptions::default(), &seeded)), "assumptions");
    let e = run(Assumptions { weights: WeightNoise::Dirichlet { concentration: 0.0 }, ..Default::default() }, &seeded);
    assert_eq!(argument_of(&e), "concentration");
    let e = run(Assumptions { geometric: vec!["transparency".into()], ..Default::default() }, &seeded);
    assert_eq!(argument_of(&e), "geometric");
    let e = run(Assumptions { weight_nodes: Some(vec!["transparency".into()]), ..with_weights(0.5, 2.0) }, &seeded);
    assert_eq!(argument_of(&e), "weight_nodes");
    let e = run(Assumptions { node: "nowhere".into(), ..with_weights(0.5, 2.0) }, &seeded);
    assert_eq!(argument_of(&e), "node");
    let noisy = |spread| Assumptions {
        input_noise: vec![InputNoise { province: "Trà Vinh".into(), node: "transparency".into(), spread }],
        ..Default::default()
    };
    assert_eq!(argument_of(&run(noisy(Spread::StandardError(0.0)), &seeded)), "input_noise");
    assert_eq!(argument_of(&run(noisy(Spread::StandardError(f64::NAN)), &seeded)), "input_noise");
    let e = run(noisy(Spread::Interval { lower: 6.0, upper: 5.0, level: 0.95 }), &seeded);
    assert!(e.to_string().contains("inverted"), "{e}");
    let e = run(noisy(Spread::Interval { lower: 5.0, upper: 6.0, level: 1.5 }), &seeded);
    assert_eq!(argument_of(&e), "level");
    let e = run(
        Assumptions {
            input_noise: vec![InputNoise {
                province: "Trà Vinh".into(),
                node: "".into(),
                spread: Spread::StandardError(1.0),
            }],
            ..Default::default()
        },
        &seeded,
    );
    assert!(e.to_string().contains("computed node"), "{e}");
    // Designs: wrong width, values outside [0, 1].
    let e = run(reference_design(), &Runs::Design(vec![0.5; 12]));
    assert_eq!(argument_of(&e), "design");
    let e = run(reference_design(), &Runs::Design([vec![0.5; 10], vec![1.5]].concat()));
    assert_eq!(argument_of(&e), "design");
    let e = run(reference_design(), &Runs::Design(vec![]));
    assert_eq!(argument_of(&e), "runs");
    // A Sobol design too large for memory.
    let e = sensitivity(
        &s,
        2016,
        &reference_design(),
        &Output::RankShift,
        &SobolDesign::Seeded { n: 10_000_000, seed: 1 },
        0,
        FirstOrder::default(),
    )
    .unwrap_err();
    assert_eq!(argument_of(&e), "n");
    assert!(e.to_string().contains("limit"), "{e}");
    let e = analyse(&s, 2015, &reference_design(), &seeded).unwrap_err();
    assert_eq!(argument_of(&e), "year");
}

//! Uncertainty analysis throughput in Rust alone (the comparison with the numpy reference, same design and numbers
//! checked equal, is `benches/bench_uncertainty.py`). Run with `cargo bench --bench uncertainty`.

use std::time::Instant;

use chiso::uncertainty::{analyse, sensitivity, Assumptions, FirstOrder, Output, Runs, SobolDesign, WeightNoise};
use chiso::{datasets, score, EditionChoice, ScoreOptions};

fn main() {
    let rows = datasets::pci().expect("bundled PCI data");
    let rows: Vec<_> = rows.into_iter().filter(|r| r.year == 2016).collect();
    let scores = score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default())
        .expect("PCI 2016 scores");
    let a = Assumptions {
        weights: WeightNoise::Uniform { low: 0.75, high: 1.25 },
        geometric: vec!["".into()],
        ..Default::default()
    };
    for runs in [10_000, 100_000] {
        let t = Instant::now();
        let u = analyse(&scores, 2016, &a, &Runs::Seeded { runs, seed: 1 }).expect("analysis");
        println!(
            "rank bands, {runs:>7} runs: {:.3} s (mean rank shift {:.3})",
            t.elapsed().as_secs_f64(),
            u.mean_rank_shift()
        );
    }
    let t = Instant::now();
    let s = sensitivity(
        &scores,
        2016,
        &a,
        &Output::RankShift,
        &SobolDesign::Seeded { n: 10_000, seed: 2 },
        0,
        FirstOrder::default(),
    )
    .expect("Sobol");
    println!("Sobol, N = 10,000 ({} runs): {:.3} s", s.evaluations, t.elapsed().as_secs_f64());
}

//! Engine throughput (run with `cargo bench --bench engine`, or `make bench`).
//!
//! 1. The compiled plan over contiguous buffers against a reference that applies each node's rule recursively
//!    over the tree (what a straightforward implementation does), on the same numbers, checked equal.
//! 2. `score` end to end (resolution, checks, evaluation, ranks) on a synthetic PCI table.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chiso::engine::Plan;
use chiso::{catalog, score, Aggregation, EditionChoice, Methodology, Observation, ScoreOptions};

fn best_of<F: FnMut()>(repeat: usize, mut f: F) -> Duration {
    (0..repeat)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// Reference: the rules of README §1.5 applied recursively, allocating per node as plain code would.
fn reference(m: &Methodology, i: usize, leaves: &[f64]) -> f64 {
    let n = &m.nodes[i];
    let kids: Vec<usize> = n.children.iter().copied().filter(|&c| m.nodes[c].scored).collect();
    if kids.is_empty() || matches!(n.aggregation, Aggregation::Opaque) {
        return leaves[i];
    }
    let v: Vec<f64> = kids.iter().map(|&c| reference(m, c, leaves)).collect();
    match n.aggregation {
        Aggregation::WMean { k } => {
            let w: Vec<f64> = kids.iter().map(|&c| m.nodes[c].weight.unwrap_or(0.0)).collect();
            k * w.iter().zip(&v).map(|(a, b)| a * b).sum::<f64>() / w.iter().sum::<f64>()
        }
        Aggregation::Mean => v.iter().sum::<f64>() / v.len() as f64,
        _ => v.iter().sum(),
    }
}

/// Deterministic pseudo-random sub-index values in [1, 10].
fn lcg(seed: &mut u64) -> f64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    1.0 + 9.0 * ((*seed >> 11) as f64 / (1u64 << 53) as f64)
}

fn main() {
    for code in ["pci.2013", "papi.2021"] {
        let m = catalog().edition(code).expect("built-in edition");
        let plan = Plan::compile(m);
        let n = plan.n_nodes();
        let units = 1_000_000;
        let mut seed = 2022;
        let mut buffer: Vec<f64> = (0..units * n)
            .map(|i| if m.nodes[i % n].children.is_empty() { lcg(&mut seed) } else { f64::NAN })
            .collect();
        let leaves = buffer.clone();
        let mut work = buffer.clone();
        let t_plan = best_of(5, || {
            work.copy_from_slice(&leaves);
            plan.evaluate_many(black_box(&mut work), false).expect("buffer sized from the plan");
        });
        plan.evaluate_many(&mut buffer, false).expect("buffer sized from the plan");
        let mut totals = vec![0.0; units];
        let t_ref = best_of(3, || {
            for (u, t) in totals.iter_mut().enumerate() {
                *t = reference(m, 0, black_box(&leaves[u * n..(u + 1) * n]));
            }
        });
        for (u, t) in totals.iter().enumerate() {
            assert!((buffer[u * n] - t).abs() < 1e-9, "plan and reference differ");
        }
        println!(
            "{code}: {units} province-years × {n} nodes — plan {:.1} ms ({:.1} M/s), recursive reference {:.1} ms ({:.1} M/s), ratio {:.1}×",
            t_plan.as_secs_f64() * 1e3,
            units as f64 / t_plan.as_secs_f64() / 1e6,
            t_ref.as_secs_f64() * 1e3,
            units as f64 / t_ref.as_secs_f64() / 1e6,
            t_ref.as_secs_f64() / t_plan.as_secs_f64()
        );
    }

    // End to end: 63 provinces × the 21 data years they exist in (2004–2024, one explicit edition), ten
    // sub-indices each.
    let subs: Vec<&str> = catalog().edition("pci.2013").unwrap().nodes[1..].iter().map(|n| n.path.as_str()).collect();
    let registry = chiso::Registry::get();
    let codes: Vec<&str> =
        registry.provinces().iter().filter(|p| p.papi_code.is_some()).map(|p| p.code.as_str()).collect();
    let mut seed = 7;
    let mut data = Vec::new();
    for year in 2004..=2024 {
        for c in &codes {
            for s in &subs {
                data.push(Observation::new(*c, year, *s, (lcg(&mut seed) * 100.0).round() / 100.0));
            }
        }
    }
    let choice = EditionChoice::Edition("pci.2013".into());
    let options = ScoreOptions::default();
    let t = best_of(20, || {
        black_box(score(&choice, &data, &options).expect("valid data"));
    });
    let units = 21 * codes.len();
    println!(
        "score(): {} observations, {units} province-years — {:.1} ms ({:.0} province-years/s)",
        data.len(),
        t.as_secs_f64() * 1e3,
        units as f64 / t.as_secs_f64()
    );
}

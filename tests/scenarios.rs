//! What-if at scale (issue 11 §1): many scenarios of one province give the values and ranks `what_if` gives, and
//! bad arguments are typed errors naming the argument.

use chiso::project::scenarios::{what_if_many, Op};
use chiso::project::{what_if_with, Adjustment, Edit, Peers};
use chiso::{datasets, score, ChisoError, EditionChoice, ScoreOptions, Scores};

fn papi() -> Scores {
    let rows = datasets::papi().unwrap();
    let rows: Vec<_> = rows.into_iter().filter(|r| r.year >= 2022).collect();
    score(&EditionChoice::Index("papi".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
}

const NODES: [&str; 3] = ["e_governance/portal_access", "e_governance/internet_access", "transparency/land_use_plans"];

#[test]
fn many_scenarios_equal_what_if_one_by_one() {
    let s = papi();
    let nodes: Vec<String> = NODES.iter().map(|n| n.to_string()).collect();
    let shares: Vec<f64> = (0..40).flat_map(|i| [i as f64 / 39.0, (39 - i) as f64 / 39.0, 0.5]).collect();
    let outputs = vec!["".to_string(), "e_governance".to_string()];
    for peers in [Peers::Held, Peers::Given(vec![("Vĩnh Long".into(), "".into(), 45.0)])] {
        let many = what_if_many(&s, 2024, "Trà Vinh", &nodes, &[Op::Headroom; 3], &shares, &outputs, &peers).unwrap();
        assert_eq!(many.scenarios, 40);
        let edits: Vec<Edit> = shares
            .chunks(3)
            .enumerate()
            .flat_map(|(k, row)| {
                NODES.iter().zip(row).map(move |(n, v)| Edit {
                    scenario: format!("{k:03}"),
                    province: "Trà Vinh".into(),
                    node: n.to_string(),
                    change: Adjustment::Headroom(*v),
                })
            })
            .collect();
        let one = what_if_with(&s, 2024, &edits, &peers).unwrap();
        for k in 0..40 {
            for (j, node) in outputs.iter().enumerate() {
                let p = one.iter().find(|p| p.scenario == format!("{k:03}") && &p.node == node).unwrap();
                assert!((p.value.unwrap() - many.values[k * 2 + j]).abs() < 1e-12, "{k} {node}");
                assert_eq!(p.rank.unwrap_or(0), many.ranks[k * 2 + j], "{k} {node}");
                assert_eq!(p.rank_within.unwrap_or(0), many.ranks_within[k * 2 + j], "{k} {node}");
            }
        }
    }
}

#[test]
fn clamping_set_and_max() {
    let s = papi();
    let nodes = vec![NODES[0].to_string(), NODES[1].to_string()];
    let out = what_if_many(
        &s,
        2024,
        "tra vinh",
        &nodes,
        &[Op::Set, Op::ToMax],
        &[1e6, 0.0, 0.0, f64::NAN],
        &["".into()],
        &Peers::Held,
    )
    .unwrap();
    // 1e6 is clamped to the top of the scale; both scenarios then put the first node at or below its maximum, the
    // second at its maximum (the value of a `max` op is ignored, even NaN).
    assert!(out.clamped[0]);
    assert!(out.values[0] >= out.values[1]);
    assert!(out.values.iter().all(|v| v.is_finite()));
}

fn argument_of(e: ChisoError) -> String {
    match e {
        ChisoError::Argument { argument, .. } => argument,
        other => panic!("expected an Argument error, got {other:?}"),
    }
}

#[test]
fn bad_arguments_name_the_argument() {
    let s = papi();
    let nodes = vec![NODES[0].to_string()];
    let total = vec!["".to_string()];
    let run = |nodes: &[String], ops: &[Op], values: &[f64], outputs: &[String]| {
        argument_of(what_if_many(&s, 2024, "Trà Vinh", nodes, ops, values, outputs, &Peers::Held).unwrap_err())
    };
    assert_eq!(run(&nodes, &[Op::Headroom], &[1.5], &total), "values");
    assert_eq!(run(&nodes, &[Op::Add], &[f64::INFINITY], &total), "values");
    assert_eq!(run(&nodes, &[Op::Add], &[], &total), "scenarios");
    assert_eq!(run(&nodes, &[Op::Add, Op::Add], &[1.0, 1.0], &total), "ops");
    assert_eq!(run(&nodes, &[Op::Add], &[1.0], &[]), "output");
    assert_eq!(run(&nodes, &[Op::Add], &[1.0], &["nowhere".to_string()]), "output");
    assert_eq!(run(&["nowhere".to_string()], &[Op::Add], &[1.0], &total), "nodes");
    let e = what_if_many(&s, 1999, "Trà Vinh", &nodes, &[Op::Add], &[1.0], &total, &Peers::Held).unwrap_err();
    assert_eq!(argument_of(e), "year");
}

/// The field-relative ops (best_gap, best, percentile) and the beyond_best flag, as what_if computes them.
#[test]
fn field_relative_ops_equal_what_if() {
    let s = papi();
    let nodes: Vec<String> = NODES.iter().map(|n| n.to_string()).collect();
    let ops = [Op::BestGap, Op::ToBest, Op::Percentile];
    let rows: Vec<f64> = (0..10).flat_map(|i| [i as f64 / 9.0, 0.0, i as f64 * 11.0]).collect();
    let outputs = vec!["".to_string(), NODES[0].to_string()];
    let many = what_if_many(&s, 2024, "Trà Vinh", &nodes, &ops, &rows, &outputs, &Peers::Held).unwrap();
    let edits: Vec<Edit> = rows
        .chunks(3)
        .enumerate()
        .flat_map(|(k, row)| {
            let changes = [Adjustment::BestGap(row[0]), Adjustment::ToBest, Adjustment::Percentile(row[2])];
            NODES.iter().zip(changes).map(move |(n, change)| Edit {
                scenario: format!("{k:03}"),
                province: "Trà Vinh".into(),
                node: n.to_string(),
                change,
            })
        })
        .collect();
    let one = what_if_with(&s, 2024, &edits, &Peers::Held).unwrap();
    for k in 0..10 {
        for (j, node) in outputs.iter().enumerate() {
            let p = one.iter().find(|p| p.scenario == format!("{k:03}") && &p.node == node).unwrap();
            assert!((p.value.unwrap() - many.values[k * 2 + j]).abs() < 1e-12, "{k} {node}");
            assert_eq!(p.rank.unwrap_or(0), many.ranks[k * 2 + j], "{k} {node}");
            assert_eq!(p.beyond_best, many.beyond_best[k * 2 + j], "{k} {node}");
        }
    }
}

/// Past one chunk (the parallel path) and on PCI 2011 with VCCI's published composites kept (the shifted totals)
/// and missing values renormalised: every scenario equals `what_if` of that scenario alone — the engine that
/// re-evaluates only the edited nodes' ancestors gives the full pass's numbers.
#[test]
fn chunks_and_published_totals_equal_what_if() {
    use chiso::{MissingPolicy, Prefer};
    let rows = datasets::pci().unwrap();
    let options = ScoreOptions { prefer: Prefer::Published, missing: MissingPolicy::Renormalise };
    let s = score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &options).unwrap();
    let nodes = vec!["transparency".to_string(), "entry_costs".to_string()];
    let count = 9_001; // two full chunks and a part
    let values: Vec<f64> = (0..count).flat_map(|i| [(i % 97) as f64 / 40.0, -((i % 13) as f64) / 7.0]).collect();
    let outputs = vec!["".to_string(), "transparency".to_string()];
    let many =
        what_if_many(&s, 2011, "Trà Vinh", &nodes, &[Op::Add, Op::Add], &values, &outputs, &Peers::Held).unwrap();
    assert_eq!(many.scenarios, count);
    for k in [0, 1, 4095, 4096, 4097, 8191, 8192, 9000] {
        let edits: Vec<Edit> = nodes
            .iter()
            .zip(&values[2 * k..2 * k + 2])
            .map(|(n, &v)| Edit {
                scenario: "s".into(),
                province: "Trà Vinh".into(),
                node: n.clone(),
                change: Adjustment::Add(v),
            })
            .collect();
        let one = what_if_with(&s, 2011, &edits, &Peers::Held).unwrap();
        for (j, node) in outputs.iter().enumerate() {
            let p = one.iter().find(|p| &p.node == node).unwrap();
            assert_eq!(p.value.unwrap().to_bits(), many.values[k * 2 + j].to_bits(), "scenario {k} {node}");
            assert_eq!(p.rank.unwrap_or(0), many.ranks[k * 2 + j], "scenario {k} {node}");
            assert_eq!(p.rank_within.unwrap_or(0), many.ranks_within[k * 2 + j], "scenario {k} {node}");
            assert_eq!(p.clamped, many.clamped[k] && p.edited, "scenario {k} {node}");
        }
    }
}

/// One peers rule and one label vocabulary: `what_if_many` and `what_if` move the peers by their trend alike (same
/// ranks, same label, held provinces counted), and both refuse a peer value outside its node's scale.
#[test]
fn peers_and_their_label_are_what_ifs() {
    let s = papi();
    let nodes: Vec<String> = vec![NODES[0].to_string()];
    let trend = Peers::Trend { target_year: 2026, options: Default::default() };
    let many = what_if_many(&s, 2024, "Trà Vinh", &nodes, &[Op::Add], &[0.0, 0.5], &["".into()], &trend).unwrap();
    for (k, v) in [0.0, 0.5].into_iter().enumerate() {
        let edit = Edit {
            scenario: "s".into(),
            province: "Trà Vinh".into(),
            node: nodes[0].clone(),
            change: Adjustment::Add(v),
        };
        let one = what_if_with(&s, 2024, &[edit], &trend).unwrap();
        let total = one.iter().find(|p| p.node.is_empty()).unwrap();
        assert_eq!(total.peers, many.peers);
        assert_eq!(total.rank_within.unwrap_or(0), many.ranks_within[k]);
    }
    assert!(matches!(many.peers, chiso::project::PeersUsed::Trend { target_year: 2026, .. }), "{}", many.peers);
    let absurd = Peers::Given(vec![("Vĩnh Long".into(), "".into(), 1e6)]);
    let e = what_if_many(&s, 2024, "Trà Vinh", &nodes, &[Op::Add], &[0.0], &["".into()], &absurd).unwrap_err();
    assert!(matches!(e, ChisoError::OutOfScale { .. }), "{e:?}");
    let edit = Edit {
        scenario: "s".into(),
        province: "Trà Vinh".into(),
        node: nodes[0].clone(),
        change: Adjustment::Add(0.0),
    };
    let e = what_if_with(&s, 2024, &[edit], &absurd).unwrap_err();
    assert!(matches!(e, ChisoError::OutOfScale { .. }), "{e:?}");
}

#![allow(clippy::result_large_err)]
//! What-if ops relative to the field (issue 9 §5): a share of the gap to the year's best province, reaching the
//! best, reaching a percentile of the field; every projected node above the year's best is flagged, in what-if,
//! plans and the target solver (whose `cap="best"` keeps it within what some province reached).

use chiso::project::scenarios::Op;
use chiso::project::target::{solve, solve_capped, Cap, Target};
use chiso::project::{percentile, what_if, Adjustment, Edit};
use chiso::{datasets, score, ChisoError, EditionChoice, ScoreOptions, Scores};

fn papi() -> Scores {
    let rows = datasets::papi().unwrap();
    score(&EditionChoice::Index("papi".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap()
}

fn edit(scenario: &str, node: &str, change: Adjustment) -> Edit {
    Edit { scenario: scenario.into(), province: "Trà Vinh".into(), node: node.into(), change }
}

/// The 2024 field at a node: every province's value, computed from the scores independently of the what-if.
fn field(s: &Scores, node: &str) -> Vec<f64> {
    (0..s.units().len())
        .filter(|&k| s.units()[k].year == 2024)
        .filter_map(|k| s.value(k, s.edition_of(&s.units()[k]).unwrap().find(node).unwrap()))
        .collect()
}

#[test]
fn field_relative_ops_stay_within_the_field() {
    let s = papi();
    let node = "e_governance";
    let values = field(&s, node);
    let best = values.iter().copied().fold(f64::MIN, f64::max);
    let out = what_if(
        &s,
        2024,
        &[
            edit("headroom", node, Adjustment::Headroom(0.5)),
            edit("best_gap", node, Adjustment::BestGap(0.5)),
            edit("best", node, Adjustment::ToBest),
            edit("p100", node, Adjustment::Percentile(100.0)),
            edit("p50", node, Adjustment::Percentile(50.0)),
        ],
    )
    .unwrap();
    let at = |scenario: &str| out.iter().find(|p| p.scenario == scenario && p.node == node).unwrap();
    let current = at("best").base_value.unwrap();
    assert!(current < best, "Trà Vinh is not the best at e-governance in 2024");
    // The observation: half the headroom to the scale's top overshoots the best province, flagged.
    assert!(at("headroom").value.unwrap() > best && at("headroom").beyond_best);
    assert_eq!(at("headroom").best, Some(best));
    let half = at("best_gap");
    assert!((half.value.unwrap() - (current + 0.5 * (best - current))).abs() < 1e-12);
    assert!(!half.beyond_best);
    assert_eq!(at("best").value, Some(best));
    assert!(!at("best").beyond_best);
    assert_eq!(at("p100").value, Some(best));
    let mut sorted = values.clone();
    sorted.sort_by(f64::total_cmp);
    let median = if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    assert!((at("p50").value.unwrap() - current.max(median)).abs() < 1e-12);
    // The total and the dimension's ancestors are flagged only when they pass their own best.
    let total = out.iter().find(|p| p.scenario == "best" && p.node.is_empty()).unwrap();
    assert_eq!(total.beyond_best, total.value.unwrap() > total.best.unwrap() + 1e-9);
}

#[test]
fn a_province_above_the_target_keeps_its_value() {
    let s = papi();
    // Percentile 0 is the field's minimum: every province is at or above it.
    let out = what_if(&s, 2024, &[edit("p0", "transparency", Adjustment::Percentile(0.0))]).unwrap();
    let t = out.iter().find(|p| p.node == "transparency").unwrap();
    assert_eq!(t.value, t.base_value);
    assert_eq!(t.delta, Some(0.0));
}

#[test]
fn percentile_interpolates_like_numpy() {
    assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0], 50.0), Some(2.5));
    assert_eq!(percentile(&[4.0, 1.0, 3.0, 2.0], 25.0), Some(1.75));
    assert_eq!(percentile(&[5.0], 90.0), Some(5.0));
    assert_eq!(percentile(&[], 50.0), None);
    assert_eq!(percentile(&[1.0, f64::NAN, 3.0], 100.0), Some(3.0));
}

#[test]
fn bad_field_relative_edits_are_refused() {
    let s = papi();
    let refused = |change| match what_if(&s, 2024, &[edit("x", "transparency", change)]) {
        Err(ChisoError::InvalidArgument(m)) => m,
        other => panic!("expected InvalidArgument, got {other:?}"),
    };
    assert_eq!(refused(Adjustment::BestGap(1.5)), "scenario \"x\": best_gap share 1.5 must be between 0 and 1");
    assert_eq!(refused(Adjustment::Percentile(101.0)), "scenario \"x\": percentile 101 must be between 0 and 100");
    assert_eq!(refused(Adjustment::Percentile(-1.0)), "scenario \"x\": percentile -1 must be between 0 and 100");
    // The op's word and its value, as a plan file or the Python frame gives them.
    let best_gap: Op = "best_gap".parse().unwrap();
    assert_eq!(
        Adjustment::from_op(best_gap, None),
        Err(ChisoError::Argument {
            argument: "value".into(),
            value: "none".into(),
            message: "op \"best_gap\" needs a value".into()
        })
    );
    match "ceiling".parse::<Op>() {
        Err(ChisoError::UnknownValue { what, value, expected }) => {
            assert_eq!((what.as_str(), value.as_str()), ("edit op", "ceiling"));
            assert_eq!(expected, Adjustment::OPS);
        }
        other => panic!("expected UnknownValue, got {other:?}"),
    }
    assert_eq!("best".parse::<Op>().and_then(|op| Adjustment::from_op(op, None)), Ok(Adjustment::ToBest));
    assert_eq!(Adjustment::from_op(Op::ToMax, Some(3.0)), Ok(Adjustment::ToMax), "max ignores a value");
    for op in Op::ALL {
        let change = Adjustment::from_op(*op, Some(0.25)).unwrap();
        assert_eq!((change.op(), change.op().to_string().parse::<Op>().unwrap()), (*op, *op));
    }
}

#[test]
fn target_solver_flags_and_caps_at_the_best() {
    let s = papi();
    let free = solve(&s, "Trà Vinh", 2024, Target::Rank(1), &[]).unwrap();
    assert_eq!(free.cap, Cap::Max);
    assert!(free.steps.iter().any(|st| st.beyond_best), "rank 1 from 57 leans on unprecedented values");
    for st in &free.steps {
        assert_eq!(st.beyond_best, st.to > st.best.unwrap() + 1e-9, "{}", st.node);
    }
    let capped = solve_capped(&s, "Trà Vinh", 2024, Target::Rank(1), &[], Cap::Best).unwrap();
    assert_eq!(capped.cap, Cap::Best);
    assert!(capped.steps.iter().all(|st| !st.beyond_best && st.to <= st.best.unwrap() + 1e-9));
    assert!(capped.projected_total <= free.projected_total + 1e-9);
}

#[test]
fn plans_flag_values_beyond_the_best() {
    use chiso::project::plans::{project_plan, Selection, Task, TaskStatus};
    let s = papi();
    let task = |id: &str, change| Task {
        id: id.into(),
        index: "papi".into(),
        node: "e_governance".into(),
        title: id.into(),
        lead_agency: "Sở Khoa học và Công nghệ".into(),
        deadline: chiso::project::plans::Date { year: 2025, month: 12, day: 31 },
        status: TaskStatus::Planned,
        effect: change,
    };
    let tasks = [task("a", Adjustment::Headroom(0.5))];
    let out = project_plan(&s, &tasks, "Trà Vinh", 2024, "papi", &Selection::All).unwrap();
    assert!(out.iter().find(|p| p.node == "e_governance").unwrap().beyond_best);
    let tasks = [task("b", Adjustment::BestGap(0.5))];
    let out = project_plan(&s, &tasks, "Trà Vinh", 2024, "papi", &Selection::All).unwrap();
    assert!(!out.iter().find(|p| p.node == "e_governance").unwrap().beyond_best);
}

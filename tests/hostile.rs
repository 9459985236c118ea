#![allow(clippy::result_large_err)]
//! Hostile input, generated (issue 10): the methodology loader, the engine and the projection functions get
//! mutated methodology files, generated trees, arbitrary observations and arbitrary arguments. The property is the
//! same everywhere: a correct result or a `ChisoError` — no panic, no stack overflow, no hang — and a result never
//! holds a value its node cannot hold, nor a rank on a non-finite value.
//!
//! Every case runs on a thread with a 1 MiB stack (the size a Python thread may have), so a walk that recurses
//! with the depth of a user's tree fails here instead of in a user's process. The case counts keep the file within
//! a few seconds in a debug build, where integer overflow also panics.

use std::path::PathBuf;

use chiso::project::target::{solve, Target};
use chiso::project::trend::{rank_outlook, trend, TrendOptions};
use chiso::project::{what_if_with, Adjustment, Edit, Peers};
use chiso::{catalog, score, ChisoError, EditionChoice, Methodology, MissingPolicy, Observation, ScoreOptions};
use proptest::prelude::*;

/// Cases per property: sized for CI; `PROPTEST_CASES` asks for a deeper run.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Run `f` on a thread with a 1 MiB stack; a panic there is a test failure with its message.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(1 << 20).spawn(f).expect("spawn").join().unwrap_or_else(|e| {
        let msg = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
        panic!("panicked: {}", msg.unwrap_or_default())
    })
}

fn shipped_files() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("methodologies");
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") && path.file_name().unwrap() != "index.toml" {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Numbers a hostile file or frame may hold.
fn hostile_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(1e308),
        Just(-1e308),
        Just(0.0),
        Just(-0.0),
        Just(f64::MIN_POSITIVE),
        Just(1e12),
        Just(1e13),
        -1e3..1e3f64,
        any::<f64>(),
    ]
}

fn toml_number(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{v:?}")
    }
}

/// One edit of a methodology file's text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the n-th number in the text.
    Number(usize, f64),
    /// Delete the n-th line.
    DeleteLine(usize),
    /// Duplicate the n-th line.
    DuplicateLine(usize),
    /// Cut the text at a fraction of its length.
    Truncate(f64),
    /// Replace the n-th quoted string with another.
    Text(usize, String),
    /// Add a third number to the n-th two-number array.
    LongerArray(usize, f64),
    /// Append a long chain of nodes under the root.
    Chain(usize),
    /// Append deeply nested arrays.
    Nesting(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), hostile_number()).prop_map(|(n, v)| Mutation::Number(n, v)),
        1 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => (0.0..1.0f64).prop_map(Mutation::Truncate),
        2 => (any::<usize>(), prop_oneof![
            Just(String::new()),
            Just("SUM".to_string()),
            Just("WMEAN".to_string()),
            Just("RATIO".to_string()),
            Just("OPAQUE".to_string()),
            Just("unknown".to_string()),
            "[a-z_./:]{0,12}",
            "\\PC{0,8}",
        ]).prop_map(|(n, s)| Mutation::Text(n, s)),
        1 => (any::<usize>(), hostile_number()).prop_map(|(n, v)| Mutation::LongerArray(n, v)),
        1 => (1usize..3000).prop_map(Mutation::Chain),
        1 => (1usize..5000).prop_map(Mutation::Nesting),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match m {
        Mutation::Number(n, v) => {
            let spans: Vec<(usize, usize)> = number_spans(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (a, b) = spans[n % spans.len()];
            format!("{}{}{}", &text[..a], toml_number(*v), &text[b..])
        }
        Mutation::DeleteLine(n) => {
            let k = n % lines.len().max(1);
            lines.iter().enumerate().filter(|(i, _)| *i != k).map(|(_, l)| *l).collect::<Vec<_>>().join("\n")
        }
        Mutation::DuplicateLine(n) => {
            let k = n % lines.len().max(1);
            let mut out: Vec<&str> = lines.clone();
            if let Some(l) = lines.get(k) {
                out.insert(k, l);
            }
            out.join("\n")
        }
        Mutation::Truncate(f) => {
            let mut cut = (text.len() as f64 * f) as usize;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
        Mutation::Text(n, s) => {
            let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i).collect();
            if quotes.len() < 2 {
                return text.to_string();
            }
            let k = (n % (quotes.len() / 2)) * 2;
            let (a, b) = (quotes[k], quotes[k + 1]);
            format!("{}\"{}\"{}", &text[..a], s.replace(['"', '\\', '\n'], ""), &text[b + 1..])
        }
        Mutation::LongerArray(n, v) => {
            let closes: Vec<usize> = text.match_indices(", ").map(|(i, _)| i).collect();
            let arrays: Vec<usize> =
                closes.iter().filter_map(|&i| text[i..].find(']').map(|j| i + j)).filter(|&j| j < text.len()).collect();
            if arrays.is_empty() {
                return text.to_string();
            }
            let at = arrays[n % arrays.len()];
            format!("{}, {}{}", &text[..at], toml_number(*v), &text[at..])
        }
        Mutation::Chain(depth) => {
            let code = edition_code(text);
            let mut out = text.to_string();
            let mut parent = code.clone();
            for i in 0..*depth {
                let c = format!("{code}/zz{i}");
                out.push_str(&format!(
                    "\n[[node]]\ncode = \"{c}\"\nparent = \"{parent}\"\nkind = \"indicator\"\nname_en = \"x\"\naggregation = \"SUM\"\n"
                ));
                parent = c;
            }
            out
        }
        Mutation::Nesting(depth) => format!("{text}\nzz = {}{}\n", "[".repeat(*depth), "]".repeat(*depth)),
    }
}

fn edition_code(text: &str) -> String {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("code = \"").and_then(|r| r.strip_suffix('"')))
        .unwrap_or("x.2020")
        .to_string()
}

fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts =
            bytes[i].is_ascii_digit() && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if starts {
            let a = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b'e') {
                i += 1;
            }
            out.push((a, i));
        } else {
            i += 1;
        }
    }
    out
}

/// A loaded methodology that passed the checks holds together: finite numbers, exact scales, a bounded tree.
fn assert_sane(m: &Methodology) {
    for n in &m.nodes {
        if let Some((lo, hi)) = n.scale {
            assert!(lo.is_finite() && hi.is_finite() && lo < hi, "{}: scale [{lo}, {hi}]", n.code);
        }
        for v in [n.weight, n.max_points, n.weights_sum].into_iter().flatten() {
            assert!(v.is_finite() && v >= 0.0, "{}: {v}", n.code);
        }
        if n.scored {
            assert_ne!(n.max_points, Some(0.0), "{}: max_points = 0 on a scored node", n.code);
        }
        assert!(n.depth <= chiso::limits::MAX_TREE_DEPTH, "{}", n.code);
    }
}

/// Every value in a result is one its node can hold (finite; a computed one inside its node's scale or maximum);
/// every rank is on a finite value.
fn assert_honest(scores: &chiso::Scores) {
    for row in scores.iter() {
        let m =
            scores.editions().find(|m| m.code == row.edition).expect("the row's edition is among the editions used");
        let n = &m.nodes[m.find(&row.node).expect("the row's node is in its edition")];
        let (value, rank) = (row.score, row.rank);
        assert!(value.is_none_or(f64::is_finite), "{} {}: {value:?}", row.year, n.code);
        assert!(rank.is_none() || value.is_some(), "{} {}: ranked without a value", row.year, n.code);
        let computed = matches!(row.origin, chiso::Origin::Computed | chiso::Origin::Renormalised);
        if let (Some(v), true) = (value, computed) {
            let (lo, hi) = n.scale.unwrap_or((0.0, n.max_points.unwrap_or(f64::INFINITY)));
            let slack = n.scale_slack() + 1e-9 * (1.0 + hi.abs().min(1e12));
            assert!(v >= lo - slack && v <= hi + slack, "{} {}: computed {v} outside [{lo}, {hi}]", row.year, n.code);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), failure_persistence: None, ..ProptestConfig::default() })]

    /// Mutations of every shipped methodology file load or are refused with a MethodologyError.
    #[test]
    fn mutated_methodology_files(file in 0usize..1000, mutations in proptest::collection::vec(mutation(), 1..4)) {
        let files = shipped_files();
        let (name, text) = files[file % files.len()].clone();
        let mutated = mutations.iter().fold(text, |t, m| apply(&t, m));
        let result = small_stack(move || {
            let m = Methodology::from_toml_str(&mutated, &name)?;
            assert_sane(&m);
            // A file that loads scores its index's published data of its first year honestly, or refuses it.
            let rows = chiso::datasets::by_index(&m.index).unwrap_or_default();
            let data: Vec<Observation> =
                chiso::datasets::observations(&rows).into_iter().filter(|o| o.year == m.first_year).collect();
            if data.is_empty() {
                return Ok(());
            }
            let paths: std::collections::HashSet<String> = m.nodes.iter().map(|n| n.path.clone()).collect();
            let data: Vec<Observation> = data
                .into_iter()
                .map(|mut o| {
                    // The dataset names nodes by the built-in edition's code; keep the path below the root.
                    o.node = o.node.split_once('/').map_or(String::new(), |(_, p)| p.to_string());
                    o
                })
                .filter(|o| paths.contains(&o.node))
                .collect();
            match score(&EditionChoice::Methodology(std::sync::Arc::new(m)), &data, &ScoreOptions::default()) {
                Ok(s) => assert_honest(&s),
                Err(e) => assert!(!matches!(e, ChisoError::Methodology { .. }), "loaded, then refused: {e}"),
            }
            Ok(())
        });
        match result {
            Ok(()) | Err(ChisoError::Methodology { .. }) => {}
            Err(other) => prop_assert!(false, "not a MethodologyError: {other}"),
        }
    }

    /// Generated trees: chains and fans of any depth and width, with any rule and numbers.
    #[test]
    fn generated_trees(
        depth in 0usize..400,
        fan in 1usize..6,
        rule in prop_oneof![Just("SUM"), Just("MEAN"), Just("WMEAN"), Just("RATIO")],
        number in hostile_number(),
        values in proptest::collection::vec(hostile_number(), 1..8),
    ) {
        let k = if rule == "WMEAN" { "k = 1.0\nweights_sum = 1.0\n" } else { "" };
        let mut text = String::from(
            "[edition]\ncode = \"x.2020\"\nfirst_year = 2020\nname_en = \"X\"\nname_vi = \"X\"\nstatus = \"official\"\n",
        );
        text.push_str(&format!("[[node]]\ncode = \"x.2020\"\nkind = \"index\"\nname_en = \"r\"\naggregation = \"{rule}\"\n{k}"));
        let mut parent = "x.2020".to_string();
        for d in 0..depth {
            let c = format!("{parent}/n{d}");
            let last = d + 1 == depth;
            let agg = if last { String::new() } else { format!("aggregation = \"{rule}\"\n{k}") };
            text.push_str(&format!(
                "[[node]]\ncode = \"{c}\"\nkind = \"indicator\"\nname_en = \"n\"\nweight = 1.0\nmax_points = {}\n{agg}",
                toml_number(if last { number } else { 1.0 })
            ));
            for f in 1..fan.min(if last { 1 } else { fan }) {
                text.push_str(&format!("[[node]]\ncode = \"{parent}/f{d}_{f}\"\nkind = \"indicator\"\nname_en = \"f\"\nweight = 0.0\nmax_points = 1.0\n"));
            }
            parent = c;
        }
        let leaf = parent.clone();
        let result = small_stack(move || {
            let m = Methodology::from_toml_str(&text, "generated")?;
            let obs: Vec<Observation> = values.iter().enumerate()
                .map(|(i, v)| Observation::new(["Trà Vinh", "Hà Nội", "84", "1.0"][i % 4], 2020, leaf.clone(), *v))
                .collect();
            score(&EditionChoice::Methodology(std::sync::Arc::new(m)), &obs, &ScoreOptions::default())
        });
        match result {
            Ok(s) => assert_honest(&s),
            Err(ChisoError::Methodology { .. } | ChisoError::NonFinite { .. } | ChisoError::OutOfScale { .. }
                | ChisoError::Computed { .. } | ChisoError::Duplicate { .. } | ChisoError::Data(_)) => {}
            Err(other) => prop_assert!(false, "unexpected error kind: {other}"),
        }
    }
}

fn province_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Trà Vinh".to_string()),
        Just("tra vinh".to_string()),
        Just("84".to_string()),
        Just("1.0".to_string()),
        Just("1.5".to_string()),
        Just("P54".to_string()),
        Just("Vĩnh Long".to_string()),
        Just(String::new()),
        Just("x".repeat(5000)),
        "\\PC{0,20}",
        "[0-9]{1,3}(\\.[0-9]{1,2})?",
    ]
}

fn node_name(m: &'static Methodology) -> impl Strategy<Value = String> {
    let paths: Vec<String> = m.nodes.iter().map(|n| n.path.clone()).collect();
    prop_oneof![
        4 => proptest::sample::select(paths),
        1 => Just(m.code.clone()),
        1 => "[a-z_/.]{0,30}",
        1 => Just("ÿ".repeat(3000)),
    ]
}

fn observations(m: &'static Methodology) -> impl Strategy<Value = Vec<Observation>> {
    proptest::collection::vec(
        (province_name(), prop_oneof![4 => Just(m.first_year), 1 => any::<i32>()], node_name(m), hostile_number()),
        0..40,
    )
    .prop_map(|rows| rows.into_iter().map(|(p, y, n, v)| Observation::new(p, y, n, v)).collect())
}

fn any_edition() -> impl Strategy<Value = &'static Methodology> {
    let editions: Vec<&'static Methodology> =
        ["pci", "papi", "par", "sipas", "dti", "ict", "pgi"].iter().flat_map(|i| catalog().editions_of(i)).collect();
    proptest::sample::select(editions)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(128), failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary observations against every edition, strict or renormalised: scores or a typed error.
    #[test]
    fn engine_on_arbitrary_observations(
        (m, obs) in any_edition().prop_flat_map(|m| (Just(m), observations(m))),
        renormalise in any::<bool>(),
    ) {
        let options = ScoreOptions {
            missing: if renormalise { MissingPolicy::Renormalise } else { MissingPolicy::Strict },
            ..ScoreOptions::default()
        };
        let code = m.code.clone();
        let result = small_stack(move || score(&EditionChoice::Edition(code), &obs, &options));
        if let Ok(s) = result {
            assert_honest(&s);
        }
    }

    /// The projection functions with arbitrary arguments on real scores.
    #[test]
    fn projections_on_arbitrary_arguments(
        province in province_name(),
        node in prop_oneof![Just(String::new()), Just("transparency".to_string()), "[a-z_/]{0,20}"],
        op in 0usize..4,
        value in hostile_number(),
        second in hostile_number(),
        year in prop_oneof![Just(2016), Just(2015), any::<i32>()],
        window in prop_oneof![0usize..8, Just(usize::MAX)],
        draws in prop_oneof![0usize..50, Just(1usize << 40), Just(usize::MAX)],
        rank in any::<u32>(),
        decimals in prop_oneof![0u32..14, Just(u32::MAX)],
        grid in hostile_number(),
    ) {
        small_stack(move || {
            let s = pci_2014_2016();
            let change = match op { 0 => Adjustment::Set(value), 1 => Adjustment::Add(value), 2 => Adjustment::Headroom(value), _ => Adjustment::ToMax };
            let edits = vec![
                Edit { scenario: "a".into(), province: province.clone(), node: node.clone(), change },
                Edit { scenario: "a".into(), province: "Vĩnh Long".into(), node: "transparency".into(), change: Adjustment::Set(second) },
            ];
            let peers = Peers::Given(vec![("Hà Nội".into(), node.clone(), second)]);
            for p in [Peers::Held, peers] {
                if let Ok(out) = what_if_with(s, year, &edits, &p) {
                    for r in out {
                        assert!(r.value.is_none_or(f64::is_finite), "{r:?}");
                        assert!(r.rank.is_none() || r.value.is_some_and(f64::is_finite), "{r:?}");
                    }
                }
            }
            let options = TrendOptions { window, across_breaks: false, ..Default::default() };
            if let Ok(t) = trend(s, &province, &node, year, &options) {
                assert!(t.linear.is_finite());
            }
            let _ = rank_outlook(s, year, &options, draws, 7);
            let target = if op % 2 == 0 { Target::Rank(rank) } else { Target::Score(value) };
            if let Ok(plan) = solve(s, &province, 2016, target, &[(node.as_str(), second)]) {
                assert!(plan.projected_total.is_finite());
            }
            let _ = s.compare_published(Some(decimals), decimals);
            let _ = chiso::project::calibrate::calibrate(s, &node, &[2016], Some(grid), None, decimals);
        });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), failure_persistence: None, ..ProptestConfig::default() })]

    /// Complete inputs for every leaf of an edition: in-scale values where the edition knows a scale or maximum,
    /// anything where it does not (PAR areas without a known maximum). Every total is one its node can hold, or
    /// the scoring is refused naming the computed node (class 5: eight areas of 50 summing to 400 on a 0–100 index).
    #[test]
    fn computed_values_stay_inside_their_scales(
        m in any_edition(),
        unit in proptest::collection::vec(0.0..1.0f64, 400),
        free in prop_oneof![0.0..200.0f64, Just(1e308), Just(1e15)],
        renormalise in any::<bool>(),
        drop in 0usize..400,
    ) {
        let obs: Vec<Observation> = m
            .nodes
            .iter()
            .enumerate()
            .filter(|(i, n)| (n.children.is_empty() || m.dependencies(*i).is_empty()) && n.scored && *i != drop)
            .map(|(i, n)| {
                let u = unit[i % unit.len()];
                let v = match (n.scale, n.max_points) {
                    (Some((lo, hi)), _) => lo + u * (hi - lo),
                    (None, Some(max)) => u * max,
                    (None, None) => free * u.max(0.5),
                };
                // A name of both maps: the province up to 2024, the 2025 unit from 2025.
                Observation::new("Vĩnh Long", m.first_year, n.path.clone(), v)
            })
            .collect();
        let options = ScoreOptions {
            missing: if renormalise { MissingPolicy::Renormalise } else { MissingPolicy::Strict },
            ..ScoreOptions::default()
        };
        let code = m.code.clone();
        match small_stack(move || score(&EditionChoice::Edition(code), &obs, &options)) {
            Ok(s) => assert_honest(&s),
            // Data: every leaf was dropped (an edition with a single input).
            Err(ChisoError::Computed { .. } | ChisoError::MissingMaximum { .. } | ChisoError::Measure { .. } | ChisoError::Data(_)) => {}
            Err(other) => prop_assert!(false, "unexpected error: {other}"),
        }
    }
}

/// PCI 2014–2016 scored once for every case.
fn pci_2014_2016() -> &'static chiso::Scores {
    static SCORES: std::sync::OnceLock<chiso::Scores> = std::sync::OnceLock::new();
    SCORES.get_or_init(|| {
        let rows = chiso::datasets::pci().unwrap();
        let data: Vec<Observation> =
            chiso::datasets::observations(&rows).into_iter().filter(|o| (2014..=2016).contains(&o.year)).collect();
        score(&EditionChoice::Index("pci".into()), &data, &ScoreOptions::default()).unwrap()
    })
}

/// Draws are checked before anything is allocated: a request for 2^62 draws is refused at once, not after
/// trying to reserve exabytes.
#[test]
fn draws_beyond_the_limit_are_refused() {
    let rows = chiso::datasets::papi().unwrap();
    let data = chiso::datasets::observations(&rows);
    let s = score(&EditionChoice::Index("papi".into()), &data, &ScoreOptions::default()).unwrap();
    let options = TrendOptions { window: 5, across_breaks: false, ..Default::default() };
    for draws in [0, chiso::limits::MAX_DRAWS + 1, 1 << 62, usize::MAX] {
        let e = rank_outlook(&s, 2026, &options, draws, 1).unwrap_err();
        assert!(e.to_string().contains(&chiso::limits::MAX_DRAWS.to_string()), "{e}");
    }
}

/// A chain 40,000 levels deep (the example) is refused with the limit, on a 1 MiB stack.
#[test]
fn deep_chain_is_refused_with_the_limit() {
    let mut text = String::from(
        "[edition]\ncode = \"x.2020\"\nfirst_year = 2020\nname_en = \"X\"\nname_vi = \"X\"\nstatus = \"official\"\n[[node]]\ncode = \"x.2020\"\nkind = \"index\"\nname_en = \"r\"\naggregation = \"SUM\"\n",
    );
    let mut parent = "x.2020".to_string();
    for i in 0..40_000 {
        let c = format!("x.2020/n{i}");
        text.push_str(&format!(
            "[[node]]\ncode = \"{c}\"\nparent = \"{parent}\"\nkind = \"indicator\"\nname_en = \"n\"\naggregation = \"SUM\"\n"
        ));
        parent = c;
    }
    let e = small_stack(move || Methodology::from_toml_str(&text, "deep").unwrap_err());
    assert!(e.to_string().contains(&format!("deeper than {}", chiso::limits::MAX_TREE_DEPTH)), "{e}");
}

/// Names longer than the limit are refused before any matching: no "did you mean" search over megabytes, and a
/// message that does not echo them.
#[test]
fn long_names_are_refused_before_matching() {
    for name in ["x".repeat(10_000_000), "ệ".repeat(3_000_000)] {
        match chiso::Registry::get().find(&name).unwrap_err() {
            ChisoError::UnknownProvince { name: shown, suggestions } => {
                assert!(suggestions.is_empty());
                assert!(shown.len() < 200 && shown.contains(&chiso::limits::MAX_NAME_BYTES.to_string()), "{shown}");
            }
            other => panic!("{other}"),
        }
    }
}

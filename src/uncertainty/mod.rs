//! How sure is a ranking? Uncertainty and sensitivity analysis of an index over its methodology's assumptions
//! (the JRC/OECD composite-indicator handbook's step 7; COINr's `get_sensitivity`): Monte Carlo over the
//! assumptions the user chooses — weights, aggregation per node, missing-data treatment, input noise from standard
//! errors or confidence intervals — and variance-based (Sobol) sensitivity indices of a chosen output.
//!
//! Every run is evaluated on the compiled plan of the year's edition with that run's coefficients, in batches on
//! every core (rayon), in reused buffers: no frame per run. Runs are drawn from a seeded generator in fixed-size
//! chunks (each chunk its own stream), so a seed gives the same result on any number of threads; or the user
//! supplies the design (one uniform in [0, 1] per run and uncertain input, as COINr accepts), which makes the
//! result a deterministic function of that design — how chiso is checked against the numpy reference on the
//! reference's own draws. Everything here is DERIVED: a distribution over assumptions, not a published number.

mod kernels;
mod model;
pub mod sobol;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::engine::{FieldStatus, MissingPolicy, Prefer, Scores};
use crate::error::{ChisoError, Result};
use crate::provinces::Registry;
pub use model::Factor;
use model::{rank_decimals, Kind, Model};
pub use sobol::{FirstOrder, Sobol, SobolIndex};

/// Runs at most per analysis (the per-run rank shift is kept: 8 bytes a run).
pub const MAX_RUNS: usize = 10_000_000;
/// Runs per chunk of the seeded generator (fixed, so results do not depend on the number of threads).
const CHUNK: usize = 2048;

/// How the weights vary.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum WeightNoise {
    /// The official weights.
    #[default]
    Fixed,
    /// Each child's weight × an independent Uniform(low, high) factor, then the parent's weights renormalised to
    /// their official sum (one uncertain input per weight).
    Uniform {
        /// Lowest factor (> 0).
        low: f64,
        /// Highest factor.
        high: f64,
    },
    /// Each parent's weights drawn from a Dirichlet distribution with mean the official shares and the given
    /// concentration (higher = closer to the official weights; one uncertain input per parent).
    Dirichlet {
        /// Total concentration Σα (> 0).
        concentration: f64,
    },
}

/// The spread of an input value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spread {
    /// A published standard error.
    StandardError(f64),
    /// A published confidence interval at `level` (e.g. 0.95), read as normal: se = (upper − lower) / 2z.
    Interval {
        /// Lower end of the interval (in the node's units).
        lower: f64,
        /// Upper end of the interval.
        upper: f64,
        /// Confidence level, strictly between 0 and 1.
        level: f64,
    },
}

/// Noise on one supplied value.
#[derive(Debug, Clone, PartialEq)]
pub struct InputNoise {
    /// The province (any name or GSO code).
    pub province: String,
    /// Path of the supplied (not computed) node whose value is noised.
    pub node: String,
    /// The spread of that value.
    pub spread: Spread,
}

/// The assumptions that vary (each recorded in the result), and the output node ranked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assumptions {
    /// The node whose ranking is analysed ("" = the total).
    pub node: String,
    /// How the weights vary.
    pub weights: WeightNoise,
    /// Parents whose children's weights vary; None = every computed node with at least two children.
    pub weight_nodes: Option<Vec<String>>,
    /// Nodes whose rule is arithmetic or geometric with probability ½ each (one uncertain input per node).
    pub geometric: Vec<String>,
    /// Missing data: strict or renormalised over the present children, ½ each (one uncertain input).
    pub missing: bool,
    /// Input noise, one uncertain input per node (all its provinces' values drawn together).
    pub input_noise: Vec<InputNoise>,
}

/// Where the runs come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Runs {
    /// `runs` rows drawn from a seeded generator.
    Seeded {
        /// Number of runs.
        runs: usize,
        /// The generator's seed.
        seed: u64,
    },
    /// The user's design: runs × inputs uniforms in [0, 1], row-major, columns in the order of [`factors`].
    Design(Vec<f64>),
}

/// One province's ranks over the runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceRanks {
    /// GSO code of the province.
    pub province_code: String,
    /// Vietnamese name of the province.
    pub province: String,
    /// Value of the ranked node under the official assumptions (the nominal run; None = no value).
    pub official_score: Option<f64>,
    /// Rank under the official assumptions (None = not ranked).
    pub official_rank: Option<u32>,
    /// 5th percentile of the rank over the runs in which the province is ranked (numpy's "lower" method: the
    /// order statistic at ⌊p · (n − 1)⌋, as the reference; None = never ranked).
    pub rank_p05: Option<u32>,
    /// Median rank over the runs in which the province is ranked (None = never ranked).
    pub rank_median: Option<u32>,
    /// 95th percentile of the rank, computed as `rank_p05` (None = never ranked).
    pub rank_p95: Option<u32>,
    /// Mean rank over the runs in which the province is ranked (None = never ranked).
    pub mean_rank: Option<f64>,
    /// Mean of the ranked node's value over the runs with a value (None = no run with a value).
    pub score_mean: Option<f64>,
    /// Sample standard deviation of that value over the same runs (None = fewer than two runs with a value).
    pub score_sd: Option<f64>,
    /// Number of runs in which the province is ranked.
    pub runs_ranked: u64,
}

/// The result of [`analyse`].
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    /// The data year.
    pub year: i32,
    /// Code of the edition scoring that year (`pci.2013`).
    pub edition: String,
    /// Path of the node ranked ("" = total).
    pub node: String,
    /// Number of runs.
    pub runs: usize,
    /// The generator's seed, None for a user-supplied design.
    pub seed: Option<u64>,
    /// The uncertain inputs, in design column order.
    pub varied: Vec<String>,
    /// Provinces ranked under the official assumptions.
    pub n_ranked: u32,
    /// Number of provinces in the publisher's field in that year.
    pub n_field: u32,
    /// Whether the scores hold all of the publisher's field: with a partial field, every rank here is a rank among
    /// the provinces given (`rank_within`), not the publisher's rank.
    pub field_status: FieldStatus,
    /// One row per province scored in that year.
    pub provinces: Vec<ProvinceRanks>,
    /// Per run: mean |rank − official rank| over the provinces ranked in both.
    pub rank_shift: Vec<f64>,
    /// counts[p · (n + 1) + r]: runs in which province p had rank r (r = 0: no rank).
    counts: Vec<u64>,
}

impl Uncertainty {
    /// P(rank ≤ k) of each province (in the order of [`Uncertainty::provinces`]), over all runs.
    pub fn p_rank_at_most(&self, k: u32) -> Vec<f64> {
        let width = self.provinces.len() + 1;
        self.counts
            .chunks_exact(width)
            .map(|c| c[1..].iter().take(k as usize).sum::<u64>() as f64 / self.runs as f64)
            .collect()
    }

    /// Mean over the runs of the mean absolute rank shift.
    pub fn mean_rank_shift(&self) -> f64 {
        self.rank_shift.iter().sum::<f64>() / self.rank_shift.len() as f64
    }

    /// How many runs gave province `p` (position in [`Uncertainty::provinces`]) rank `rank` (0 = unranked).
    pub fn rank_count(&self, p: usize, rank: u32) -> u64 {
        self.counts.get(p * (self.provinces.len() + 1) + rank as usize).copied().unwrap_or(0)
    }
}

/// The output whose sensitivity [`sensitivity`] measures.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Mean absolute rank shift against the official ranking.
    RankShift,
    /// One province's rank (any name or code).
    Rank(String),
    /// One province's value of the ranked node.
    Score(String),
}

/// The uncertain inputs the assumptions imply for `year` of `scores`, in design column order.
pub fn factors(scores: &Scores, year: i32, assumptions: &Assumptions) -> Result<Vec<Factor>> {
    Ok(build(scores, year, assumptions)?.0.factors)
}

/// Monte Carlo over the assumptions: each province's rank distribution and the rank shift against the official
/// ranking, for data year `year` of `scores`.
///
/// ```
/// use chiso::uncertainty::{analyse, Assumptions, Runs, WeightNoise};
/// use chiso::{datasets, score, EditionChoice, ScoreOptions};
/// let rows = datasets::pci().unwrap();
/// let s = score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap();
/// let a = Assumptions {
///     weights: WeightNoise::Uniform { low: 0.75, high: 1.25 },
///     geometric: vec!["".into()],
///     ..Default::default()
/// };
/// let ua = analyse(&s, 2016, &a, &Runs::Seeded { runs: 2000, seed: 1 }).unwrap();
/// assert_eq!(ua.varied.len(), 11); // ten weights and the aggregation
/// let tv = ua.provinces.iter().find(|p| p.province == "Trà Vinh").unwrap();
/// assert!(tv.rank_p05.unwrap() <= tv.rank_median.unwrap() && tv.rank_median.unwrap() <= tv.rank_p95.unwrap());
/// ```
pub fn analyse(scores: &Scores, year: i32, assumptions: &Assumptions, runs: &Runs) -> Result<Uncertainty> {
    let (model, info) = build(scores, year, assumptions)?;
    let d = model.factors.len();
    let n_runs = check_runs(runs, d)?;
    let units = model.units;
    let width = units + 1;
    let mut nominal = model.scratch();
    model.run(None, &mut nominal);
    let official_ranks = nominal.ranks.clone();
    let official_values: Vec<f64> = nominal.values[model.output * units..][..units].to_vec();

    // Per chunk: the rank shift of each run, and (folded) rank counts and Σ value, Σ value², runs with a value.
    let mut rank_shift = vec![0.0; n_runs];
    let stats = rank_shift
        .par_chunks_mut(CHUNK)
        .enumerate()
        .map(|(c, shifts)| {
            let mut s = model.scratch();
            let mut counts = vec![0u64; units * width];
            let mut sums = vec![(0.0f64, 0.0f64, 0u64); units];
            let mut row = vec![0.0; d];
            let mut rng = chunk_rng(runs, c);
            for (i, shift) in shifts.iter_mut().enumerate() {
                let r = c * CHUNK + i;
                let row: &[f64] = match (runs, rng.as_mut()) {
                    (Runs::Design(design), _) => &design[r * d..(r + 1) * d],
                    (_, Some(rng)) => {
                        row.iter_mut().for_each(|u| *u = rng.random::<f64>());
                        &row
                    }
                    _ => unreachable!("a seeded run has a generator"),
                };
                model.run(Some(row), &mut s);
                *shift = shift_of(&s.ranks, &official_ranks);
                let values = &s.values[model.output * units..][..units];
                for p in 0..units {
                    counts[p * width + s.ranks[p] as usize] += 1;
                    if !values[p].is_nan() {
                        let e = &mut sums[p];
                        e.0 += values[p];
                        e.1 += values[p] * values[p];
                        e.2 += 1;
                    }
                }
            }
            (counts, sums)
        })
        .reduce(
            || (vec![0u64; units * width], vec![(0.0, 0.0, 0u64); units]),
            |mut a, b| {
                a.0.iter_mut().zip(&b.0).for_each(|(x, y)| *x += y);
                a.1.iter_mut().zip(&b.1).for_each(|(x, y)| {
                    x.0 += y.0;
                    x.1 += y.1;
                    x.2 += y.2;
                });
                a
            },
        );
    let (counts, sums) = stats;
    let registry = Registry::get();
    let provinces = (0..units)
        .map(|p| {
            let c = &counts[p * width..(p + 1) * width];
            let ranked: u64 = c[1..].iter().sum();
            // numpy percentile(method="lower"): the order statistic at floor(q · (n − 1)).
            let pct = |q: f64| -> Option<u32> {
                if ranked == 0 {
                    return None;
                }
                let target = (q * (ranked - 1) as f64).floor() as u64;
                let mut seen = 0;
                for (r, &k) in c.iter().enumerate().skip(1) {
                    seen += k;
                    if seen > target {
                        return Some(r as u32);
                    }
                }
                None
            };
            let mean_rank = (ranked > 0)
                .then(|| c.iter().enumerate().map(|(r, &k)| r as f64 * k as f64).sum::<f64>() / ranked as f64);
            let (sum, sum2, n) = sums[p];
            let score_mean = (n > 0).then(|| sum / n as f64);
            let score_sd = (n > 1).then(|| ((sum2 - sum * sum / n as f64) / (n - 1) as f64).max(0.0).sqrt());
            let province = &registry.all()[info.provinces[p]];
            ProvinceRanks {
                province_code: province.code.clone(),
                province: province.name_vi.clone(),
                official_score: (!official_values[p].is_nan()).then_some(official_values[p]),
                official_rank: (official_ranks[p] > 0).then_some(official_ranks[p]),
                rank_p05: pct(0.05),
                rank_median: pct(0.5),
                rank_p95: pct(0.95),
                mean_rank,
                score_mean,
                score_sd,
                runs_ranked: ranked,
            }
        })
        .collect();
    let n_ranked = official_ranks.iter().filter(|&&r| r > 0).count() as u32;
    Ok(Uncertainty {
        year,
        edition: info.edition,
        node: info.node,
        runs: n_runs,
        seed: match runs {
            Runs::Seeded { seed, .. } => Some(*seed),
            Runs::Design(_) => None,
        },
        varied: model.factors.iter().map(|f| f.name.clone()).collect(),
        n_ranked,
        n_field: info.n_field,
        field_status: if n_ranked >= info.n_field { FieldStatus::FullField } else { FieldStatus::PartialField },
        provinces,
        rank_shift,
        counts,
    })
}

/// Design of a sensitivity analysis.
#[derive(Debug, Clone, PartialEq)]
pub enum SobolDesign {
    /// A Saltelli design of `n` rows drawn from a seeded generator.
    Seeded {
        /// Rows of A (and of B).
        n: usize,
        /// The generator's seed (also seeds the bootstrap).
        seed: u64,
    },
    /// The user's matrices A and B (each N × inputs, row-major, uniforms in [0, 1]).
    Given {
        /// Matrix A, N × inputs, row-major.
        a: Vec<f64>,
        /// Matrix B, the same shape as A.
        b: Vec<f64>,
    },
}

/// First-order and total Sobol indices of `output` for each uncertain input of the assumptions, with bootstrap
/// 95% intervals (`bootstrap` resamples, seeded by the design's seed or 0).
pub fn sensitivity(
    scores: &Scores,
    year: i32,
    assumptions: &Assumptions,
    output: &Output,
    design: &SobolDesign,
    bootstrap: usize,
    first_order: FirstOrder,
) -> Result<Sobol> {
    let (model, info) = build(scores, year, assumptions)?;
    let d = model.factors.len();
    let units = model.units;
    let mut nominal = model.scratch();
    model.run(None, &mut nominal);
    let official = nominal.ranks.clone();
    let position = |name: &str| -> Result<usize> {
        let registry = Registry::get();
        let p = registry.find_for_year(name, year)?;
        let index = registry.index_of(&p.code).unwrap_or(usize::MAX);
        info.provinces
            .iter()
            .position(|&q| q == index)
            .ok_or_else(|| ChisoError::argument("province", name, format!("{} has no scores in {year}", p.name_vi)))
    };
    let target = match output {
        Output::RankShift => None,
        Output::Rank(p) | Output::Score(p) => Some(position(p)?),
    };
    let names: Vec<String> = model.factors.iter().map(|f| f.name.clone()).collect();
    let (a, b, seed) = match design {
        SobolDesign::Seeded { n, seed } => {
            let (a, b) = sobol::saltelli_design(*n, d, *seed)?;
            (a, b, *seed)
        }
        SobolDesign::Given { a, b } => (a.clone(), b.clone(), 0),
    };
    let evaluate = |rows: &[f64], out: &mut [f64]| -> Result<()> {
        out.par_chunks_mut(CHUNK).enumerate().for_each(|(c, ys)| {
            let mut s = model.scratch();
            for (i, y) in ys.iter_mut().enumerate() {
                let r = c * CHUNK + i;
                model.run(Some(&rows[r * d..(r + 1) * d]), &mut s);
                *y = match (output, target) {
                    (Output::Rank(_), Some(p)) => {
                        if s.ranks[p] > 0 {
                            f64::from(s.ranks[p])
                        } else {
                            f64::NAN
                        }
                    }
                    (Output::Score(_), Some(p)) => s.values[model.output * units + p],
                    _ => shift_of(&s.ranks, &official),
                };
            }
        });
        Ok(())
    };
    sobol::sobol_indices(&names, &a, &b, &evaluate, bootstrap, seed, first_order)
}

fn shift_of(ranks: &[u32], official: &[u32]) -> f64 {
    let (mut total, mut n) = (0u64, 0u64);
    for (&r, &o) in ranks.iter().zip(official) {
        if r > 0 && o > 0 {
            total += u64::from(r.abs_diff(o));
            n += 1;
        }
    }
    if n == 0 {
        f64::NAN
    } else {
        total as f64 / n as f64
    }
}

/// The seeded generator of one chunk of runs: each chunk its own stream, so a seed gives the same draws on any
/// number of threads (shared with the plan simulation, [`crate::project::plan_outcomes`]).
pub(crate) fn chunk_stream(seed: u64, chunk: usize) -> StdRng {
    StdRng::seed_from_u64(seed.wrapping_add((chunk as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)))
}

fn chunk_rng(runs: &Runs, chunk: usize) -> Option<StdRng> {
    match runs {
        Runs::Seeded { seed, .. } => Some(chunk_stream(*seed, chunk)),
        Runs::Design(_) => None,
    }
}

fn check_runs(runs: &Runs, d: usize) -> Result<usize> {
    let n = match runs {
        Runs::Seeded { runs, .. } => *runs,
        Runs::Design(design) => {
            if d == 0 || design.len() % d != 0 {
                return Err(ChisoError::argument(
                    "design",
                    format!("{} values", design.len()),
                    format!("a design has one column per uncertain input ({d}); its size must be a multiple of {d}"),
                ));
            }
            if let Some(v) = design.iter().find(|v| !(0.0..=1.0).contains(*v)) {
                return Err(ChisoError::argument("design", v, "a design holds uniforms in [0, 1]"));
            }
            design.len() / d
        }
    };
    if n == 0 || n > MAX_RUNS {
        return Err(ChisoError::argument("runs", n, format!("give between 1 and {MAX_RUNS} runs")));
    }
    if d == 0 {
        return Err(ChisoError::argument(
            "assumptions",
            "none",
            "nothing varies: choose weights, geometric, missing or input_noise",
        ));
    }
    Ok(n)
}

/// What the model was built from (for labelling the result).
struct Info {
    edition: String,
    node: String,
    /// Registry index of each province (model order).
    provinces: Vec<usize>,
    /// Size of the publisher's field at the ranked node.
    n_field: u32,
}

fn check_positive_range(argument: &str, low: f64, high: f64) -> Result<()> {
    if !(low.is_finite() && high.is_finite()) || low <= 0.0 {
        return Err(ChisoError::argument(argument, format!("({low}, {high})"), "the bounds must be finite and > 0"));
    }
    if low >= high {
        return Err(ChisoError::argument(
            argument,
            format!("({low}, {high})"),
            "the range is inverted or empty: give (low, high) with low < high",
        ));
    }
    Ok(())
}

fn build(scores: &Scores, year: i32, a: &Assumptions) -> Result<(Model, Info)> {
    let units: Vec<usize> = (0..scores.units().len()).filter(|&k| scores.units()[k].year == year).collect();
    let Some(&first) = units.first() else {
        return Err(ChisoError::argument("year", year, "no scores for this data year"));
    };
    let e = scores.units()[first].edition;
    if units.iter().any(|&k| scores.units()[k].edition != e) {
        return Err(ChisoError::argument("year", year, "this data year mixes editions"));
    }
    let m = scores.edition(e);
    let plan = scores.plan(e);
    let n_nodes = m.nodes.len();
    let u = units.len();
    let node_of = |argument: &str, name: &str| -> Result<usize> {
        m.find(name).ok_or_else(|| ChisoError::argument(argument, name, format!("no such node in edition {}", m.code)))
    };
    let output = node_of("node", &a.node)?;
    let steps: Vec<(usize, std::ops::Range<usize>)> = plan.steps().collect();
    let step_of = |node: usize| steps.iter().position(|(n, _)| *n == node);
    let coef = plan.coefficients().to_vec();
    let coef_total: Vec<f64> = steps.iter().map(|(_, r)| coef[r.clone()].iter().sum()).collect();
    let mut base = vec![f64::NAN; n_nodes * u];
    for (p, &k) in units.iter().enumerate() {
        for i in 0..n_nodes {
            base[i * u + p] = scores.supplied_value(k, i).unwrap_or(f64::NAN);
        }
    }
    let registry = Registry::get();
    let provinces: Vec<usize> = units.iter().map(|&k| scores.units()[k].province).collect();
    let label = |i: usize| if m.nodes[i].path.is_empty() { "total".to_string() } else { m.nodes[i].path.clone() };

    let mut factors = Vec::new();
    let mut weighted_steps = Vec::new();
    let weight_steps: Vec<usize> = match &a.weight_nodes {
        None => (0..steps.len()).filter(|&s| steps[s].1.len() >= 2).collect(),
        Some(names) => names
            .iter()
            .map(|name| {
                let i = node_of("weight_nodes", name)?;
                match step_of(i) {
                    Some(s) if steps[s].1.len() >= 2 => Ok(s),
                    _ => Err(ChisoError::argument(
                        "weight_nodes",
                        name,
                        "not a node computed from two or more children: it has no weights to vary",
                    )),
                }
            })
            .collect::<Result<_>>()?,
    };
    match a.weights {
        WeightNoise::Fixed => {}
        WeightNoise::Uniform { low, high } => {
            check_positive_range("weights", low, high)?;
            for &s in &weight_steps {
                for j in steps[s].1.clone() {
                    let child = plan.children()[j] as usize;
                    factors.push(Factor {
                        name: format!("weight: {}", label(child)),
                        kind: Kind::Weight { pair: j, low, high },
                    });
                }
                weighted_steps.push(s);
            }
        }
        WeightNoise::Dirichlet { concentration } => {
            if !(concentration.is_finite() && concentration > 0.0) {
                return Err(ChisoError::argument("concentration", concentration, "must be a finite number > 0"));
            }
            for &s in &weight_steps {
                let alpha = steps[s].1.clone().map(|j| concentration * coef[j] / coef_total[s]).collect();
                factors.push(Factor {
                    name: format!("weights: {} (Dirichlet)", label(steps[s].0)),
                    kind: Kind::Dirichlet { step: s, alpha },
                });
                weighted_steps.push(s);
            }
        }
    }

    // Input noise first (geometric steps check their children against the noised nodes' scales).
    let mut noise: Vec<(usize, Vec<(usize, f64)>)> = Vec::new();
    let z_of = |level: f64| -> Result<f64> {
        if !(level > 0.0 && level < 1.0) {
            return Err(ChisoError::argument("level", level, "a confidence level is a probability in (0, 1)"));
        }
        let normal = Normal::new(0.0, 1.0).map_err(|e| ChisoError::InvalidArgument(e.to_string()))?;
        Ok(normal.inverse_cdf(0.5 + level / 2.0))
    };
    for cell in &a.input_noise {
        let i = node_of("input_noise", &cell.node)?;
        if step_of(i).is_some() {
            return Err(ChisoError::argument(
                "input_noise",
                &cell.node,
                "a computed node: give the noise on the values it is computed from",
            ));
        }
        let province = registry.find_for_year(&cell.province, year)?;
        let index = registry.index_of(&province.code).unwrap_or(usize::MAX);
        let p = provinces.iter().position(|&q| q == index).ok_or_else(|| {
            ChisoError::argument("input_noise", &cell.province, format!("{} has no scores in {year}", province.name_vi))
        })?;
        let se = match cell.spread {
            Spread::StandardError(se) => se,
            Spread::Interval { lower, upper, level } => {
                if !(lower.is_finite() && upper.is_finite()) || lower >= upper {
                    return Err(ChisoError::argument(
                        "input_noise",
                        format!("[{lower}, {upper}] ({}, {})", province.name_vi, cell.node),
                        "the interval is inverted, empty or not finite",
                    ));
                }
                (upper - lower) / (2.0 * z_of(level)?)
            }
        };
        if !(se.is_finite() && se > 0.0) {
            return Err(ChisoError::argument(
                "input_noise",
                format!("se {se} ({}, {})", province.name_vi, cell.node),
                "a standard error must be a finite number > 0",
            ));
        }
        if base[i * u + p].is_nan() {
            return Err(ChisoError::argument(
                "input_noise",
                format!("{}, {}", province.name_vi, cell.node),
                format!("no value was supplied for this cell in {year}: there is nothing to add noise to"),
            ));
        }
        match noise.iter_mut().find(|(n, _)| *n == i) {
            Some((_, cells)) => cells.push((p, se)),
            None => noise.push((i, vec![(p, se)])),
        }
    }

    for name in &a.geometric {
        let i = node_of("geometric", name)?;
        let Some(s) = step_of(i).filter(|&s| steps[s].1.len() >= 2) else {
            return Err(ChisoError::argument(
                "geometric",
                name,
                "not a node computed from two or more children: there is nothing to aggregate",
            ));
        };
        // A geometric mean needs positive children: check every supplied and officially computed value, and that
        // noise cannot push a child to zero or below.
        let mut nominal = base.clone();
        for p in 0..u {
            let mut buffer: Vec<f64> = (0..n_nodes).map(|j| nominal[j * u + p]).collect();
            plan.evaluate_with(
                &mut buffer,
                scores.options().missing == MissingPolicy::Renormalise,
                scores.options().prefer == Prefer::Published,
            );
            for j in 0..n_nodes {
                nominal[j * u + p] = buffer[j];
            }
        }
        for j in steps[s].1.clone() {
            let child = plan.children()[j] as usize;
            for p in 0..u {
                let v = nominal[child * u + p];
                if !v.is_nan() && v <= 0.0 {
                    return Err(ChisoError::argument(
                        "geometric",
                        name,
                        format!(
                            "a geometric mean needs positive values; {} has {} = {v} in {year}",
                            registry.all()[provinces[p]].name_vi,
                            label(child)
                        ),
                    ));
                }
            }
            if noise.iter().any(|(n, _)| *n == child) && m.nodes[child].scale.is_none_or(|(lo, _)| lo <= 0.0) {
                return Err(ChisoError::argument(
                    "geometric",
                    name,
                    format!(
                        "{} carries input noise and its scale does not exclude 0: a geometric mean of it is undefined",
                        label(child)
                    ),
                ));
            }
        }
        factors.push(Factor { name: format!("aggregation: {}", label(i)), kind: Kind::Aggregation { step: s } });
    }
    if a.missing {
        factors.push(Factor { name: "missing".into(), kind: Kind::Missing });
    }
    let mut fixed = vec![true; n_nodes];
    for (n, _) in &steps {
        fixed[*n] = false;
    }
    for (i, cells) in noise {
        fixed[i] = false;
        let scale = m.nodes[i].scale.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        factors.push(Factor { name: format!("noise: {}", label(i)), kind: Kind::Noise { node: i, cells, scale } });
    }
    let ln_base = base.iter().map(|v| v.ln()).collect();
    let model = Model {
        units: u,
        base,
        ln_base,
        fixed,
        steps,
        children: plan.children().to_vec(),
        coef,
        coef_total,
        weighted_steps,
        renormalise: scores.options().missing == MissingPolicy::Renormalise,
        keep_supplied: scores.options().prefer == Prefer::Published,
        output,
        decimals: rank_decimals(m.ranking.precision),
        factors,
    };
    let n_field = scores.field_size_at(first, output);
    Ok((model, Info { edition: m.code.clone(), node: m.nodes[output].path.clone(), provinces, n_field }))
}

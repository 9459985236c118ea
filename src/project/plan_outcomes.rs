//! Plan outcomes as probabilities: each task of a plan delivers with a probability, and its effect (the value of
//! its what-if op) is drawn from a triangular distribution (minimum, most likely, maximum). Monte Carlo over the
//! tasks gives the distribution of the province's projected total and rank, the expected gain each lead agency's
//! tasks bring, and how much of the total's variance each task explains.
//!
//! The runs are drawn in fixed-size chunks, each from its own seeded stream (as [`crate::uncertainty`]), so a seed
//! gives the same result on any number of threads; they are then evaluated as one batch of scenarios on the
//! compiled plan ([`super::scenarios::what_if_many`]: one pass per run in a reused buffer, never a frame per run).
//! A task that does not deliver leaves its node as it is. Everything here is DERIVED: a distribution over the
//! user's assumptions about the plan, labelled projected.

use rand::Rng;
use rand_distr::{Distribution, Triangular};
use rayon::prelude::*;

use super::plans::{chosen, Selection, Task};
use super::scenarios::{what_if_many, Op, ScenarioOutcomes};
use super::{Adjustment, Peers};
use crate::engine::Scores;
use crate::error::{ChisoError, Result};
use crate::uncertainty::chunk_stream;

/// Runs at most per simulation.
pub const MAX_RUNS: usize = 1_000_000;
/// Drawn values at most (runs × tasks, 8 bytes each, kept for the per-agency evaluations).
pub const MAX_DRAWS: usize = 20_000_000;
/// Runs per chunk of the seeded generator (fixed, so results do not depend on the number of threads).
const CHUNK: usize = 2048;

/// Whether the other provinces' projected totals are fixed or drawn per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeerSpread {
    /// The peers stand where [`Peers`] puts them in every run.
    #[default]
    Fixed,
    /// With [`Peers::Trend`] only: each peer's total is drawn per run from its own trend's predictive distribution
    /// (Student t with n − 2 degrees of freedom around the linear projection, scaled by the prediction's standard
    /// error, [`super::trend::TrendPoint::prediction_se`]); a peer whose trend has no interval (fewer than 3 years)
    /// stays at its projection, one without a trend at its value.
    TrendUncertainty,
}

/// How sure a task is: the probability that it delivers, and the range of its effect's value when it does
/// (minimum, most likely, maximum; None = the task's own effect value, fixed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Probability that the task delivers, in [0, 1].
    pub probability: f64,
    /// Triangular range of the effect's value when it delivers: (minimum, most likely, maximum).
    pub range: Option<(f64, f64, f64)>,
}

impl Default for Outcome {
    fn default() -> Self {
        Outcome { probability: 1.0, range: None }
    }
}

/// What one task contributes to the spread of the outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSpread {
    /// The task's id in the plan.
    pub id: String,
    /// The agency responsible for the task.
    pub lead_agency: String,
    /// Probability that the task delivers.
    pub probability: f64,
    /// Share of the total's variance explained by the task's drawn effect: the squared correlation between the
    /// task's realised value over the runs and the projected total (its standardised regression coefficient
    /// squared, the tasks being independent). For a plan whose gains add up (no clamping at a scale, no rank-
    /// or field-relative effects) the shares add up to about 1; less means interactions. 0 for a task that does not
    /// vary.
    pub variance_share: f64,
}

/// What one agency's tasks alone add to the total over the runs (the other agencies' tasks not delivering).
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyOutcome {
    /// The responsible agency.
    pub agency: String,
    /// How many of the plan's tasks it leads.
    pub n_tasks: usize,
    /// Mean gain in the total over the runs from its tasks alone.
    pub expected_gain: f64,
    /// 5th percentile of that gain.
    pub gain_p05: f64,
    /// 95th percentile of that gain.
    pub gain_p95: f64,
}

/// The result of [`simulate`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSimulation {
    /// GSO code of the province the plan is for.
    pub province_code: String,
    /// Its Vietnamese name.
    pub province: String,
    /// The data year projected.
    pub year: i32,
    /// The index id.
    pub index: String,
    /// Number of Monte Carlo runs.
    pub runs: usize,
    /// Seed of the generator (same seed, same result on any number of threads).
    pub seed: u64,
    /// What was varied, one entry per uncertain task input (e.g. `"PAR-02 delivers (p = 0.8)"`).
    pub varied: Vec<String>,
    /// What the other provinces did.
    pub peers: super::PeersUsed,
    /// The province's total before the plan.
    pub base_total: f64,
    /// Rank before the plan over the publisher's field (None when the scores hold only part of it).
    pub base_rank: Option<u32>,
    /// The projected total per run.
    pub totals: Vec<f64>,
    /// Rank per run over the publisher's field (0 = none: no value, or the scores hold only part of the field).
    pub ranks: Vec<u32>,
    /// Rank per run among the provinces of the scores.
    pub ranks_within: Vec<u32>,
    /// Each task's contribution to the spread of the total.
    pub tasks: Vec<TaskSpread>,
    /// Each agency's expected gain.
    pub agencies: Vec<AgencyOutcome>,
}

impl PlanSimulation {
    /// The `p`-th percentile (0–100) of the projected total (linear interpolation, numpy's default).
    pub fn total_percentile(&self, p: f64) -> f64 {
        super::percentile(&self.totals, p).unwrap_or(f64::NAN)
    }

    /// Mean projected total.
    pub fn total_mean(&self) -> f64 {
        self.totals.iter().sum::<f64>() / self.totals.len() as f64
    }

    /// The `q`-quantile (0–1) of the rank over the runs with one (the order statistic at ⌊q · (n − 1)⌋, as
    /// [`crate::uncertainty`]); `within` = among the provinces of the scores. None when no run has a rank.
    pub fn rank_quantile(&self, q: f64, within: bool) -> Option<u32> {
        let mut r: Vec<u32> =
            (if within { &self.ranks_within } else { &self.ranks }).iter().copied().filter(|&r| r > 0).collect();
        if r.is_empty() {
            return None;
        }
        let at = ((r.len() - 1) as f64 * q).floor() as usize;
        Some(*r.select_nth_unstable(at).1)
    }

    /// P(rank ≤ k) over all runs (a run without a rank counts as not reaching k); `within` as in
    /// [`PlanSimulation::rank_quantile`]. None for ranks over the publisher's field when the scores hold only
    /// part of it.
    pub fn p_rank_at_most(&self, k: u32, within: bool) -> Option<f64> {
        if !within && self.ranks.iter().all(|&r| r == 0) {
            return None;
        }
        let r = if within { &self.ranks_within } else { &self.ranks };
        Some(r.iter().filter(|&&r| r > 0 && r <= k).count() as f64 / self.runs as f64)
    }
}

/// The op and neutral value (the value that leaves the node as it is) of a task's effect; `max` and `best` become
/// `headroom` and `best_gap` with a value of 1 so that "does not deliver" is a value of 0.
fn column(task: &Task, current: Option<f64>) -> Result<(Op, f64, f64)> {
    let unchanged = || {
        current.ok_or_else(|| {
            ChisoError::argument("plan", &task.id, "a `set` task that may not deliver needs the node's current value")
        })
    };
    Ok(match task.effect {
        Adjustment::Set(v) => (Op::Set, v, unchanged()?),
        Adjustment::Add(v) => (Op::Add, v, 0.0),
        Adjustment::Headroom(v) => (Op::Headroom, v, 0.0),
        Adjustment::ToMax => (Op::Headroom, 1.0, 0.0),
        Adjustment::BestGap(v) => (Op::BestGap, v, 0.0),
        Adjustment::ToBest => (Op::BestGap, 1.0, 0.0),
        // Percentile 0 is the field's minimum, which the province (one of the field) already reaches.
        Adjustment::Percentile(v) => (Op::Percentile, v, 0.0),
    })
}

fn check_outcome(task: &Task, o: &Outcome) -> Result<()> {
    if !(0.0..=1.0).contains(&o.probability) {
        return Err(ChisoError::argument(
            "probability",
            o.probability,
            format!("task {:?}: a probability must be between 0 and 1", task.id),
        ));
    }
    if let Some((lo, mode, hi)) = o.range {
        if ![lo, mode, hi].iter().all(|x| x.is_finite()) {
            return Err(ChisoError::argument(
                "effect_min/effect_mode/effect_max",
                format!("({lo}, {mode}, {hi})"),
                format!("task {:?}: the effect range must be finite numbers", task.id),
            ));
        }
        if !(lo <= mode && mode <= hi) {
            return Err(ChisoError::argument(
                "effect_min/effect_mode/effect_max",
                format!("({lo}, {mode}, {hi})"),
                format!("task {:?}: the effect range must satisfy minimum ≤ most likely ≤ maximum", task.id),
            ));
        }
        if matches!(task.effect, Adjustment::ToMax | Adjustment::ToBest) {
            return Err(ChisoError::argument(
                "effect_min/effect_mode/effect_max",
                format!("({lo}, {mode}, {hi})"),
                format!(
                    "task {:?}: ops `max` and `best` take no value, so no range; use headroom or best_gap",
                    task.id
                ),
            ));
        }
    }
    Ok(())
}

/// Monte Carlo over the selected tasks of `index` in `tasks` (with `outcomes[i]` the uncertainty of `tasks[i]`):
/// `runs` runs from `seed`, the other provinces as `peers` says. Two tasks on one node are refused (the batch
/// evaluation applies one change per node).
///
/// ```
/// use chiso::project::plan_outcomes::{simulate, Outcome};
/// use chiso::project::plans::{Selection, Task, TaskStatus};
/// use chiso::project::{Adjustment, Peers};
/// use chiso::{datasets, score, EditionChoice, ScoreOptions};
/// let rows = datasets::pci().unwrap();
/// let s = score(&EditionChoice::Index("pci".into()), &datasets::observations(&rows), &ScoreOptions::default()).unwrap();
/// let task = Task { id: "T1".into(), index: "pci".into(), node: "transparency".into(), title: String::new(),
///     lead_agency: "A".into(), deadline: chiso::project::plans::Date { year: 2017, month: 1, day: 1 }, status: TaskStatus::Planned, effect: Adjustment::Add(1.0) };
/// let o = Outcome { probability: 0.5, range: None };
/// let sim = simulate(&s, &[task], &[o], "Trà Vinh", 2016, "pci", &Selection::All, &Peers::Held, 1000, 7).unwrap();
/// assert_eq!(sim.runs, 1000);
/// // Transparency weighs 20% (× 10): one point there is two points of the total, in half of the runs.
/// assert!(sim.totals.iter().all(|t| (t - sim.base_total).abs() < 1e-9 || (t - sim.base_total - 2.0).abs() < 1e-9));
/// ```
#[allow(clippy::too_many_arguments)]
pub fn simulate(
    scores: &Scores,
    tasks: &[Task],
    outcomes: &[Outcome],
    province: &str,
    year: i32,
    index: &str,
    selection: &Selection,
    peers: &Peers,
    runs: usize,
    seed: u64,
) -> Result<PlanSimulation> {
    simulate_with(scores, tasks, outcomes, province, year, index, selection, peers, PeerSpread::Fixed, runs, seed)
}

/// [`simulate`] with the peers' own uncertainty drawn per run ([`PeerSpread`]). The tasks' draws do not depend
/// on it (the peers draw from their own seeded streams), so the same seed compares the two.
#[allow(clippy::too_many_arguments)]
pub fn simulate_with(
    scores: &Scores,
    tasks: &[Task],
    outcomes: &[Outcome],
    province: &str,
    year: i32,
    index: &str,
    selection: &Selection,
    peers: &Peers,
    peer_spread: PeerSpread,
    runs: usize,
    seed: u64,
) -> Result<PlanSimulation> {
    if peer_spread == PeerSpread::TrendUncertainty && !matches!(peers, Peers::Trend { .. }) {
        return Err(ChisoError::argument(
            "peer_uncertainty",
            "true",
            "only peers moved by their trend have a trend uncertainty: use peers='trend' with a target year",
        ));
    }
    if outcomes.len() != tasks.len() {
        return Err(ChisoError::argument(
            "outcomes",
            outcomes.len(),
            format!("give one outcome per task ({} tasks)", tasks.len()),
        ));
    }
    if runs == 0 || runs > MAX_RUNS {
        return Err(ChisoError::argument("runs", runs, format!("give between 1 and {MAX_RUNS} runs")));
    }
    let list = chosen(tasks, index, selection)?;
    if list.is_empty() {
        return Err(ChisoError::Data(format!("plan: no {index} tasks selected")));
    }
    if runs.saturating_mul(list.len()) > MAX_DRAWS {
        return Err(ChisoError::argument(
            "runs",
            runs,
            format!("{runs} runs × {} tasks exceed {MAX_DRAWS} drawn values; use fewer runs", list.len()),
        ));
    }
    let outcome_of = |t: &Task| outcomes[tasks.iter().position(|x| std::ptr::eq(x, t)).unwrap_or(0)];
    for t in &list {
        check_outcome(t, &outcome_of(t))?;
    }
    for (a, t) in list.iter().enumerate() {
        if list[..a].iter().any(|u| u.node == t.node) {
            return Err(ChisoError::argument(
                "plan",
                &t.node,
                format!("two tasks change node {:?} (the second is {:?}); merge them into one task", t.node, t.id),
            ));
        }
    }

    // The province's current values at the task nodes (for `set` tasks that may not deliver).
    let current: Vec<Option<f64>> = {
        let unit = scores.units().iter().position(|u| {
            u.year == year
                && crate::provinces::Registry::get()
                    .find_for_year(province, year)
                    .ok()
                    .and_then(|p| crate::provinces::Registry::get().index_of(&p.code))
                    == Some(u.province)
        });
        list.iter()
            .map(|t| {
                let u = unit?;
                let node = scores.edition(scores.units()[u].edition).find(&t.node)?;
                scores.value(u, node)
            })
            .collect()
    };
    let columns: Vec<(Op, f64, f64)> = list.iter().zip(&current).map(|(t, &c)| column(t, c)).collect::<Result<_>>()?;
    let specs: Vec<(f64, Option<Triangular<f64>>, f64, f64)> =
        list.iter()
            .zip(&columns)
            .map(|(t, &(_, value, neutral))| {
                let o = outcome_of(t);
                let tri = match o.range {
                    Some((lo, mode, hi)) if lo < hi => Some(Triangular::new(lo, hi, mode).map_err(|e| {
                        ChisoError::argument("effect_min/effect_mode/effect_max", &t.id, e.to_string())
                    })?),
                    _ => None,
                };
                let fixed = o.range.map_or(value, |(lo, _, _)| lo);
                Ok((o.probability, tri, fixed, neutral))
            })
            .collect::<Result<_>>()?;

    // Draws: row r, column j = task j's value in run r (its neutral value when it does not deliver).
    let width = list.len();
    let mut draws = vec![0.0; runs * width];
    draws.par_chunks_mut(CHUNK * width).enumerate().for_each(|(c, block)| {
        let mut rng = chunk_stream(seed, c);
        for row in block.chunks_exact_mut(width) {
            for (x, &(p, tri, fixed, neutral)) in row.iter_mut().zip(&specs) {
                // One delivery draw and one effect draw per task and run, whatever p, so that changing one
                // task's probability does not shift the other tasks' draws.
                let delivers = rng.random::<f64>() < p;
                let effect = tri.map_or(fixed, |d| d.sample(&mut rng));
                *x = if delivers { effect } else { neutral };
            }
        }
    });

    let nodes: Vec<String> = list.iter().map(|t| t.node.clone()).collect();
    let ops: Vec<Op> = columns.iter().map(|c| c.0).collect();
    let total = [String::new()];
    let all = what_if_many(scores, year, province, &nodes, &ops, &draws, &total, peers)?;
    let ScenarioOutcomes {
        province_code,
        province: name,
        base_values,
        base_ranks,
        values,
        mut ranks,
        mut ranks_within,
        ..
    } = all.clone();
    let base_total = base_values[0];
    let mut varied = Vec::new();
    if let (PeerSpread::TrendUncertainty, Peers::Trend { target_year, options }) = (peer_spread, peers) {
        let spread = peer_trends(scores, year, &province_code, *target_year, options)?;
        spread.rerank(&values, &mut ranks, &mut ranks_within, seed);
        varied.push(format!(
            "peers' totals ~ their trend to {target_year}: Student t around each projection ({} provinces drawn; {} \
             without a prediction interval at their projection, {} without a trend held)",
            spread.drawn(),
            spread.no_interval,
            spread.no_trend
        ));
    }

    // Variance shares: squared correlation of each task's column with the total.
    let mean_y = values.iter().sum::<f64>() / runs as f64;
    let var_y = values.iter().map(|y| (y - mean_y).powi(2)).sum::<f64>();
    let task_spread: Vec<TaskSpread> = list
        .iter()
        .enumerate()
        .map(|(j, t)| {
            let col = || draws.iter().skip(j).step_by(width);
            let mean_x = col().sum::<f64>() / runs as f64;
            let (mut sxy, mut sxx) = (0.0, 0.0);
            for (x, y) in col().zip(&values) {
                sxy += (x - mean_x) * (y - mean_y);
                sxx += (x - mean_x).powi(2);
            }
            let share = if sxx > 0.0 && var_y > 0.0 { sxy * sxy / (sxx * var_y) } else { 0.0 };
            TaskSpread {
                id: t.id.clone(),
                lead_agency: t.lead_agency.clone(),
                probability: outcome_of(t).probability,
                variance_share: share,
            }
        })
        .collect();

    // Per agency: the same runs with the other agencies' tasks not delivering.
    let mut agency_names: Vec<&str> = list.iter().map(|t| t.lead_agency.as_str()).collect();
    agency_names.sort_unstable();
    agency_names.dedup();
    let mut agencies = Vec::with_capacity(agency_names.len());
    for agency in agency_names {
        let mine: Vec<bool> = list.iter().map(|t| t.lead_agency == agency).collect();
        let own = if mine.iter().all(|&m| m) {
            values.clone()
        } else {
            let mut masked = draws.clone();
            for row in masked.chunks_exact_mut(width) {
                for (j, x) in row.iter_mut().enumerate() {
                    if !mine[j] {
                        *x = specs[j].3;
                    }
                }
            }
            what_if_many(scores, year, province, &nodes, &ops, &masked, &total, peers)?.values
        };
        let gains: Vec<f64> = own.iter().map(|y| y - base_total).collect();
        agencies.push(AgencyOutcome {
            agency: agency.to_string(),
            n_tasks: mine.iter().filter(|&&m| m).count(),
            expected_gain: gains.iter().sum::<f64>() / runs as f64,
            gain_p05: super::percentile(&gains, 5.0).unwrap_or(f64::NAN),
            gain_p95: super::percentile(&gains, 95.0).unwrap_or(f64::NAN),
        });
    }
    agencies.sort_by(|a, b| b.expected_gain.total_cmp(&a.expected_gain));

    for t in &list {
        let o = outcome_of(t);
        if o.probability < 1.0 {
            varied.push(format!("{} delivers (p = {})", t.id, o.probability));
        }
        if let Some((lo, mode, hi)) = o.range.filter(|r| r.0 < r.2) {
            varied.push(format!("{} effect ~ triangular(min {lo}, mode {mode}, max {hi})", t.id));
        }
    }
    Ok(PlanSimulation {
        province_code,
        province: name,
        year,
        index: index.to_string(),
        runs,
        seed,
        varied,
        peers: all.peers,
        base_total,
        base_rank: (base_ranks[0] > 0).then_some(base_ranks[0]),
        totals: values,
        ranks,
        ranks_within,
        tasks: task_spread,
        agencies,
    })
}

/// The other provinces' totals in the target year as their own trends project them, with the spread of each
/// projection, for drawing them per run.
struct PeerTrends {
    /// Per peer: the projection (or the held value), the prediction's standard error (0 = fixed), the t's degrees
    /// of freedom.
    peers: Vec<(f64, f64, f64)>,
    /// Rounding of the ranking (the edition's precision).
    decimals: u32,
    no_interval: usize,
    no_trend: usize,
}

/// Stream tag of the peers' draws (apart from the tasks' streams, which stay the same with or without them).
const PEER_STREAM: u64 = 0x5EED_F00D_9EE2_5EED;

fn peer_trends(
    scores: &Scores,
    year: i32,
    province_code: &str,
    target_year: i32,
    options: &super::trend::TrendOptions,
) -> Result<PeerTrends> {
    let registry = crate::provinces::Registry::get();
    let options = super::trend::TrendOptions { map: Some(crate::provinces::Geography::Provinces63), ..options.clone() };
    let units: Vec<usize> = (0..scores.units().len()).filter(|&k| scores.units()[k].year == year).collect();
    let m = scores.edition(units.first().map_or(0, |&k| scores.units()[k].edition));
    let decimals = m.ranking.precision.unwrap_or(crate::engine::rank::UNROUNDED_DECIMALS);
    let (mut peers, mut no_interval, mut no_trend) = (Vec::new(), 0, 0);
    for &k in &units {
        let code = &registry.all()[scores.units()[k].province].code;
        let Some(held) = scores.value(k, 0).filter(|_| code != province_code) else {
            continue;
        };
        match super::trend::trend(scores, code, "", target_year, &options) {
            Ok(t) => {
                let se = t.prediction_se.unwrap_or(0.0);
                no_interval += usize::from(t.prediction_se.is_none());
                peers.push((t.linear, se, t.n_years.saturating_sub(2) as f64));
            }
            Err(_) => {
                no_trend += 1;
                peers.push((held, 0.0, 0.0));
            }
        }
    }
    Ok(PeerTrends { peers, decimals, no_interval, no_trend })
}

impl PeerTrends {
    fn drawn(&self) -> usize {
        self.peers.iter().filter(|p| p.1 > 0.0).count()
    }

    /// Re-rank every run's total against the peers' totals drawn for that run (competition ranks on the values
    /// rounded to the edition's precision, as everywhere); a run keeps rank 0 where it had none (no value, or
    /// only part of the publisher's field).
    fn rerank(&self, totals: &[f64], ranks: &mut [u32], within: &mut [u32], seed: u64) {
        let laws: Vec<Option<rand_distr::StudentT<f64>>> = self
            .peers
            .iter()
            .map(|&(_, se, df)| (se > 0.0).then(|| rand_distr::StudentT::new(df).ok()).flatten())
            .collect();
        // Rounding moves a value by at most this (half the last decimal and the 12-digit snap, with room).
        let reach = 0.5 * 10f64.powi(-(self.decimals as i32)) * (1.0 + 1e-6);
        totals
            .par_chunks(CHUNK)
            .zip(ranks.par_chunks_mut(CHUNK))
            .zip(within.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(|(c, ((totals, ranks), within))| {
                let mut rng = chunk_stream(seed ^ PEER_STREAM, c);
                for ((&total, rank), rank_within) in totals.iter().zip(ranks).zip(within) {
                    // Every peer draws in every run, so a run's draws do not depend on the others'.
                    let mut above = 0u32;
                    let key = crate::text::round_to(total, self.decimals);
                    for (&(centre, se, _), law) in self.peers.iter().zip(&laws) {
                        let p = match law {
                            Some(t) => centre + se * t.sample(&mut rng),
                            None => centre,
                        };
                        let band = 2.0 * (reach + 1e-11 * p.abs().max(total.abs()));
                        above += u32::from(if (p - total).abs() > band {
                            p > total
                        } else {
                            crate::text::round_to(p, self.decimals) > key
                        });
                    }
                    if total.is_nan() {
                        continue;
                    }
                    *rank_within = above + 1;
                    if *rank > 0 {
                        *rank = above + 1;
                    }
                }
            });
    }
}

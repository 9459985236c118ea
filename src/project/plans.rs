//! A province's plan as numbers (the Rust side of `chiso.plans`): tasks with an expected effect on index nodes,
//! their owners, deadlines and status → the projected score and rank if the chosen tasks deliver, the gain each
//! agency's tasks bring, losses no task covers, overdue tasks. Projections run on [`super::what_if`].

use std::collections::BTreeMap;

use super::{what_if, Adjustment, Edit, Projected};
use crate::compare::{points_lost, PointsLost};
use crate::engine::Scores;
use crate::error::{ChisoError, Result};

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    /// Not started.
    Planned,
    /// Started, not delivered.
    InProgress,
    /// Delivered.
    Done,
}

named_enum!(TaskStatus, "task status" { Planned => "planned", InProgress => "in_progress", Done => "done" });

/// One task of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// The task's id, unique within the plan.
    pub id: String,
    /// The index the task targets.
    pub index: String,
    /// The node the task improves (code or path).
    pub node: String,
    /// The task's title.
    pub title: String,
    /// The agency that leads the task.
    pub lead_agency: String,
    /// The task's deadline.
    pub deadline: Date,
    /// Where the task stands.
    pub status: TaskStatus,
    /// The expected effect on the node.
    pub effect: Adjustment,
}

/// A calendar date (a task's deadline), ordered by year, month, day; shown as `YYYY-MM-DD`. Built by
/// [`parse_date`], which refuses what is not a date of the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Date {
    /// The year (1–9999).
    pub year: i32,
    /// The month (1–12).
    pub month: u32,
    /// The day of the month (1–31, as the month has).
    pub day: u32,
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One node's points lost with its owner and whether the plan covers it ([`uncovered`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Uncovered {
    /// The node's points lost.
    pub points_lost: PointsLost,
    /// The agency that owns the node: the longest matching owner prefix, else the index's lead department.
    pub owner: String,
    /// Whether a task of the plan is on the node or an ancestor of it.
    pub covered: bool,
}

/// Which tasks deliver.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// Every task.
    All,
    /// The tasks marked done.
    Done,
    /// The tasks with these ids.
    Ids(Vec<String>),
}

/// Read the YYYY-MM-DD deadline of task `task`. A text that is not a calendar date
/// (`2025-02-30`, `2025/01/01`, `soon`) is a [`ChisoError::PlanTask`] naming the task, the field and the text.
///
/// ```
/// use chiso::{project::plans::{parse_date, Date}, ChisoError};
/// let date = parse_date("2024-02-29", "PAR-01").unwrap();
/// assert_eq!(date, Date { year: 2024, month: 2, day: 29 });
/// assert_eq!(date.to_string(), "2024-02-29");
/// match parse_date("2025-02-29", "PAR-01") {
///     Err(ChisoError::PlanTask { task, field, value, .. }) => assert_eq!((task, field, value), ("PAR-01".into(), "deadline".into(), "2025-02-29".into())),
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn parse_date(s: &str, task: &str) -> Result<Date> {
    let fail = |message: String| ChisoError::PlanTask {
        task: task.into(),
        field: "deadline".into(),
        value: s.into(),
        message: format!("{message}; write the date as YYYY-MM-DD"),
    };
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(fail("not a date".into()));
    };
    let number = |part: &str, what: &str| -> Result<u32> {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(fail(format!("the {what} {part:?} is not a number")));
        }
        part.parse::<u32>().map_err(|_| fail(format!("the {what} {part:?} is too large")))
    };
    let (year, month, day) = (number(y, "year")?, number(m, "month")?, number(d, "day")?);
    let year = i32::try_from(year)
        .ok()
        .filter(|y| (1..=9999).contains(y))
        .ok_or_else(|| fail(format!("year {year} is not a year")))?;
    if !(1..=12).contains(&month) {
        return Err(fail(format!("month {month} is not a month")));
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Err(fail(format!("day {day} is not a day of month {month} of {year}, which has {days}")));
    }
    Ok(Date { year, month, day })
}

/// An effect from its op and value (the ops of [`Op`](super::scenarios::Op): `set`, `add`, `headroom`,
/// `best_gap`, `percentile` with a value; `max`, `best` without) for task `task`. An unknown op or a missing value
/// is a [`ChisoError::PlanTask`] naming the task.
pub fn parse_effect(op: &str, value: Option<f64>, task: &str) -> Result<Adjustment> {
    let fail = |field: &str, value: String, e: ChisoError| ChisoError::PlanTask {
        task: task.into(),
        field: field.into(),
        value,
        message: match e {
            ChisoError::UnknownValue { expected, .. } => format!("use {}", expected.join(", ")),
            ChisoError::Argument { message, .. } => message,
            other => other.to_string(),
        },
    };
    let parsed = op.parse::<super::scenarios::Op>().map_err(|e| fail("effect_op", op.into(), e))?;
    Adjustment::from_op(parsed, value).map_err(|e| fail("effect_value", "none".into(), e))
}

/// Read the status of task `task` (`planned`, `in_progress`, `done`); anything else is a
/// [`ChisoError::PlanTask`] naming the task.
pub fn parse_status(s: &str, task: &str) -> Result<TaskStatus> {
    s.parse::<TaskStatus>().map_err(|e| ChisoError::PlanTask {
        task: task.into(),
        field: "status".into(),
        value: s.into(),
        message: match e {
            ChisoError::UnknownValue { expected, .. } => format!("use {}", expected.join(", ")),
            other => other.to_string(),
        },
    })
}

pub(crate) fn chosen<'a>(tasks: &'a [Task], index: &str, selection: &Selection) -> Result<Vec<&'a Task>> {
    if let Selection::Ids(ids) = selection {
        if let Some(missing) = ids.iter().find(|id| !tasks.iter().any(|t| &t.id == *id)) {
            return Err(ChisoError::Data(format!("plan: no task {missing:?}")));
        }
    }
    Ok(tasks
        .iter()
        .filter(|t| t.index == index)
        .filter(|t| match selection {
            Selection::All => true,
            Selection::Done => t.status == TaskStatus::Done,
            Selection::Ids(ids) => ids.contains(&t.id),
        })
        .collect())
}

fn edits(tasks: &[&Task], scenario: &str, province: &str) -> Vec<Edit> {
    tasks
        .iter()
        .map(|t| Edit { scenario: scenario.into(), province: province.into(), node: t.node.clone(), change: t.effect })
        .collect()
}

/// Every node of `province` projected as if the selected tasks of `index` deliver (others held).
pub fn project_plan(
    scores: &Scores,
    tasks: &[Task],
    province: &str,
    year: i32,
    index: &str,
    selection: &Selection,
) -> Result<Vec<Projected>> {
    let list = chosen(tasks, index, selection)?;
    if list.is_empty() {
        return Err(ChisoError::Data(format!("plan: no {index} tasks selected")));
    }
    what_if(scores, year, &edits(&list, "plan", province))
}

/// [`project_plan`] with the other provinces moved as `peers` says (e.g. by their trend to the plan's target
/// year) and on a chosen map (see [`super::what_if_on`]): the plan's projection for a year after the last edition
/// or after the 2025 merger, labelled with the edition assumed and the map.
#[allow(clippy::too_many_arguments)]
pub fn project_plan_on(
    scores: &Scores,
    tasks: &[Task],
    province: &str,
    year: i32,
    index: &str,
    selection: &Selection,
    peers: &super::Peers,
    map: Option<crate::provinces::Geography>,
    merge_rule: Option<crate::compare::MergeRule>,
) -> Result<Vec<Projected>> {
    let list = chosen(tasks, index, selection)?;
    if list.is_empty() {
        return Err(ChisoError::Data(format!("plan: no {index} tasks selected")));
    }
    super::what_if_on(scores, year, &edits(&list, "plan", province), peers, map, merge_rule)
}

/// What one agency's tasks alone add to the total.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct AgencyGain {
    /// The lead agency.
    pub agency: String,
    /// Number of its tasks.
    pub n_tasks: usize,
    /// What its tasks add to the total (None where not computable).
    pub total_gain: Option<f64>,
    /// Rank in the base year.
    pub base_rank: Option<u32>,
    /// Competition rank among the provinces ranked (None: not ranked).
    pub rank: Option<u32>,
}

/// For each lead agency, the total gain and rank its tasks alone buy (one scenario per agency, one evaluation),
/// largest gain first.
pub fn gains_by_agency(
    scores: &Scores,
    tasks: &[Task],
    province: &str,
    year: i32,
    index: &str,
) -> Result<Vec<AgencyGain>> {
    let list = chosen(tasks, index, &Selection::All)?;
    let mut by_agency: BTreeMap<&str, Vec<&Task>> = BTreeMap::new();
    for t in &list {
        by_agency.entry(t.lead_agency.as_str()).or_default().push(t);
    }
    let all: Vec<Edit> = by_agency.iter().flat_map(|(agency, ts)| edits(ts, agency, province)).collect();
    let projected = what_if(scores, year, &all)?;
    let mut out: Vec<AgencyGain> = by_agency
        .iter()
        .map(|(agency, ts)| {
            let total = projected.iter().find(|p| p.scenario == *agency && p.node.is_empty());
            AgencyGain {
                agency: agency.to_string(),
                n_tasks: ts.len(),
                total_gain: total.and_then(|p| p.delta),
                base_rank: total.and_then(|p| p.base_rank),
                rank: total.and_then(|p| p.rank),
            }
        })
        .collect();
    out.sort_by(|a, b| b.total_gain.unwrap_or(0.0).total_cmp(&a.total_gain.unwrap_or(0.0)));
    Ok(out)
}

/// Tasks not done whose deadline is before `date`.
pub fn overdue(tasks: &[Task], date: Date) -> Vec<&Task> {
    tasks.iter().filter(|t| t.status != TaskStatus::Done && t.deadline < date).collect()
}

/// Points lost per node with its owner (the longest matching prefix of `owners`, (node prefix, agency); "" for
/// all) and whether a task of the plan covers it (a task on a node covers its subtree).
pub fn uncovered(
    scores: &Scores,
    tasks: &[Task],
    province: &str,
    year: i32,
    index: &str,
    owners: &[(String, String)],
) -> Result<Vec<Uncovered>> {
    // Task nodes as paths of the year's edition (a task may name a full code).
    let edition = scores
        .units()
        .iter()
        .find(|u| u.year == year)
        .map(|u| scores.edition(u.edition))
        .ok_or_else(|| ChisoError::InvalidArgument(format!("no scores for data year {year}")))?;
    let nodes: Vec<String> = tasks
        .iter()
        .filter(|t| t.index == index)
        .map(|t| {
            edition.node(&t.node).map(|n| n.path.clone()).ok_or_else(|| {
                ChisoError::Data(format!("plan: task {:?} names node {:?}, not in {}", t.id, t.node, edition.code))
            })
        })
        .collect::<Result<_>>()?;
    let under =
        |node: &str, prefix: &str| prefix.is_empty() || node == prefix || node.starts_with(&format!("{prefix}/"));
    Ok(points_lost(scores, province, year)?
        .into_iter()
        .map(|p| {
            let owner = owners
                .iter()
                .filter(|(prefix, _)| under(&p.node, prefix))
                .max_by_key(|(prefix, _)| prefix.len())
                .map_or_else(|| p.lead_department.clone(), |(_, agency)| agency.clone());
            let covered = nodes.iter().any(|t| under(&p.node, t) && !t.is_empty());
            // (The root "" is covered only by a task on the root itself.)
            let covered = covered || (p.node.is_empty() && nodes.iter().any(|t| t.is_empty()));
            Uncovered { points_lost: p, owner, covered }
        })
        .collect())
}

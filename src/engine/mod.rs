//! The scoring engine: compile an edition into a flat [`Plan`], evaluate it over numeric buffers, then rank and
//! group. Nothing here knows an index by name.

mod check;
mod plan;
pub(crate) mod rank;
mod score;

pub(crate) use check::check_computed;
pub use plan::Plan;
pub use rank::{competition_ranks, percentile_linear, quartile_group, UNROUNDED_DECIMALS};
pub use score::{
    score, score_columns, Columns, Comparison, EditionChoice, FieldStatus, Measure, MissingPolicy, Observation, Origin,
    Prefer, ScoreOptions, ScoreRow, Scores, Uncertainty, Unit,
};

//! The indicator layer: an edition's nodes built from their raw indicators.
//!
//! A [`Layer`] (one TOML file, `methodologies/<index>/indicators/`) gives each raw indicator its unit, direction,
//! weight and normalisation [`Rule`] (min–max across the year's provinces, fixed goalposts, z-score, rank,
//! distance to the frontier, capping or winsorising), and each node the rule that combines them. Nothing here
//! knows an index: the PCI layers are data, established per year from VCCI's workbooks by
//! `scripts/build_pci_indicators.py`. [`score_field`] scores a year's field, [`explain`] says what each indicator
//! costs a province, [`what_if`] and [`target`] re-score the whole field after indicator edits, reporting a bound
//! that moved; [`project_plan`] projects a plan whose tasks name indicators.

mod data;
mod field;
mod layer;
mod normalise;
mod plan;

pub use data::{bundled_field, BUNDLED_INDEX, BUNDLED_INDICATORS};
pub use field::{explain, score_field, target, what_if, ExplainRow, Field, FieldScores, Ranking, TargetMove, WhatIf};
pub use layer::{builtin_layer, builtin_layers, Combine, Indicator, Layer, NodeRule};
pub use normalise::{Bounds, Cap, Degenerate, Direction, Method, Rule, Unit};
pub use plan::{project_plan, IndicatorTask, PlanProjection, RawChange, TaskProjection};

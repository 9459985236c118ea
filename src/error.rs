//! The one error type of chiso. Every message names what is at fault — file, province, year, node, value — and,
//! where it can, what would have been valid.

use thiserror::Error;

/// The result type of every fallible chiso function.
pub type Result<T, E = ChisoError> = std::result::Result<T, E>;

/// Everything that can go wrong in chiso. The Python binding maps each variant to a specific exception class
/// (see `python/chiso/_chiso.pyi`).
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ChisoError {
    /// A methodology file that cannot be read or does not hold together.
    #[error("methodology {file}{}: {message}", node.as_ref().map(|n| format!(", node {n}")).unwrap_or_default())]
    Methodology {
        /// The methodology file (path or name).
        file: String,
        /// The node at fault.
        node: Option<String>,
        /// What is wrong.
        message: String,
    },

    /// An index id that chiso does not know.
    #[error("unknown index {index:?}; known indices: {known}")]
    UnknownIndex {
        /// The index id.
        index: String,
        /// What would have been valid.
        known: String,
    },

    /// An edition code that chiso does not know.
    #[error("unknown edition {edition:?}; editions of {index}: {known}")]
    UnknownEdition {
        /// The index id.
        index: String,
        /// The edition code.
        edition: String,
        /// What would have been valid.
        known: String,
    },

    /// A data year that no edition of the index covers.
    #[error("no {index} edition covers data year {year}; editions: {known}")]
    NoEditionForYear {
        /// The index id.
        index: String,
        /// The data year.
        year: i32,
        /// What would have been valid.
        known: String,
    },

    /// A province name, alias or code that the registry does not know.
    #[error("unknown province {name:?}{}", suggest(suggestions))]
    UnknownProvince {
        /// The name as given.
        name: String,
        /// The closest known names.
        suggestions: Vec<String>,
    },

    /// A node code that is not in the edition that scores that data year.
    #[error(
        "unknown node {node:?} in edition {edition} (province {province}, year {year}){}{hint}",
        suggest(suggestions)
    )]
    UnknownNode {
        /// The edition code.
        edition: String,
        /// The node at fault.
        node: String,
        /// The province (as named in the data or the registry).
        province: String,
        /// The data year.
        year: i32,
        /// The closest known names.
        suggestions: Vec<String>,
        /// A further hint (empty when none).
        hint: String,
    },

    /// A value outside the node's published scale.
    #[error("{province}, {year}, {node}: value {} is outside the scale [{min}, {max}] of this node", crate::text::num(*value))]
    OutOfScale {
        /// The province (as named in the data or the registry).
        province: String,
        /// The data year.
        year: i32,
        /// The node at fault.
        node: String,
        /// The value given.
        value: f64,
        /// The scale's minimum.
        min: f64,
        /// The scale's maximum.
        max: f64,
    },

    /// A value computed by a node's rule that the node cannot hold: outside its scale or maximum, or not finite.
    #[error("{province}, {year}, {node}: the computed value {} is {why}; it was computed from {inputs}", crate::text::num(*value))]
    Computed {
        /// The province.
        province: String,
        /// The data year.
        year: i32,
        /// The node whose computed value is at fault.
        node: String,
        /// The computed value.
        value: f64,
        /// What is wrong with it.
        why: String,
        /// The inputs it was computed from.
        inputs: String,
    },

    /// NaN or infinite values.
    #[error("{province}, {year}, {node}: value {value} is not a finite number (leave the cell empty/null for a missing value)")]
    NonFinite {
        /// The province (as named in the data or the registry).
        province: String,
        /// The data year.
        year: i32,
        /// The node at fault.
        node: String,
        /// The value given.
        value: f64,
    },

    /// The same province, year and node given twice with different values.
    #[error("{province}, {year}, {node}: given twice with different values {} and {}", crate::text::num(*first), crate::text::num(*second))]
    Duplicate {
        /// The province (as named in the data or the registry).
        province: String,
        /// The data year.
        year: i32,
        /// The node at fault.
        node: String,
        /// The first value given.
        first: f64,
        /// The second value given.
        second: f64,
    },

    /// A conversion or computation that needs a node's maximum, which the edition does not know (UNKNOWN in the
    /// spec): the user must supply it.
    #[error("{node} (edition {edition}) has no known maximum, needed {purpose}; supply it with with_max_points({{\"{path}\": …}}) on the methodology")]
    MissingMaximum {
        /// The edition code.
        edition: String,
        /// The node at fault.
        node: String,
        /// The node's path below the root.
        path: String,
        /// What the maximum is needed for.
        purpose: String,
    },

    /// A value given in a measure the node cannot take (e.g. points for a PCI sub-index on 1–10).
    #[error("{province}, {year}, {node}: a value given as {measure} cannot be read on this node's scale ({why})")]
    Measure {
        /// The province (as named in the data or the registry).
        province: String,
        /// The data year.
        year: i32,
        /// The node at fault.
        node: String,
        /// The measure the value was given in.
        measure: String,
        /// Why it cannot be read.
        why: String,
    },

    /// A province-year that a result does not hold (the province was not scored in that data year).
    #[error("{province} has no scores for data year {year} in this result; data years scored: {scored_years}")]
    NotScored {
        /// The province (as named in the data or the registry).
        province: String,
        /// The data year.
        year: i32,
        /// The data years the result holds for that province ("none" if none).
        scored_years: String,
    },

    /// An indicator code that the indicator layer of that edition and year does not have.
    #[error(
        "unknown indicator {indicator:?} in the {layer} indicator layer (province {province}, year {year}){}",
        suggest(suggestions)
    )]
    UnknownIndicator {
        /// The indicator layer searched: edition and data year (`pci.2013 2013`).
        layer: String,
        /// The indicator code as given.
        indicator: String,
        /// The province whose value was to be changed (Vietnamese name, or the code as given if unknown).
        province: String,
        /// The data year.
        year: i32,
        /// Indicator codes of the layer close to the one given (may be empty).
        suggestions: Vec<String>,
    },

    /// A raw indicator value its unit cannot take (a share above 1, negative days).
    #[error("{province}, {year}, {indicator}: value {value} is impossible for a {unit} indicator (possible range [{min}, {max}])")]
    IndicatorValue {
        /// The province holding the value (Vietnamese name, or the code as given if unknown).
        province: String,
        /// The data year.
        year: i32,
        /// The indicator: edition and indicator path (`pci.2013/time_costs/d1`).
        indicator: String,
        /// The raw value refused.
        value: f64,
        /// The indicator's unit (`days`, `share`, …), with the reason when the value is possible but too large to
        /// normalise over the field.
        unit: String,
        /// Lowest possible raw value of the indicator.
        min: f64,
        /// Highest possible raw value of the indicator (may be infinite).
        max: f64,
    },

    /// A field-relative normalisation over a field that gives it no scale: no value, one value where two are
    /// needed, every province with the same value, or a best value equal to a fixed worst (`reason` says which).
    #[error("{year}, {indicator}: {reason}, so the rule {method} has no scale{}", if province.is_empty() { String::new() } else { format!(" (after the change for {province})") })]
    DegenerateIndicator {
        /// The data year.
        year: i32,
        /// The indicator: edition and indicator path (`pci.2013/time_costs/d1`).
        indicator: String,
        /// The value at fault: the one value of the field, or the best value equal to a fixed worst (NaN when no
        /// province has a value).
        value: f64,
        /// What happened, in words ([`crate::indicators::Degenerate::describe`]).
        reason: String,
        /// The normalisation method that needs a spread (`minmax`, `zscore`, `rank`, `frontier`).
        method: String,
        /// The province whose edited value made the field degenerate (Vietnamese name; empty when scoring the
        /// field as given).
        province: String,
    },

    /// Structural problems of an input table: missing columns, wrong types, nothing to score.
    #[error("{0}")]
    Data(String),

    /// An argument that makes no sense (e.g. a weight for a node that has none).
    #[error("{0}")]
    InvalidArgument(String),

    /// A word from a fixed vocabulary (a measure, a bridge, a cap, an edit op, a node kind …) that is not one of
    /// its words.
    #[error("unknown {what} {value:?}; expected one of: {}", expected.join(", "))]
    UnknownValue {
        /// What the word names (`measure`, `bridge`, `cap` …).
        what: String,
        /// The word as given.
        value: String,
        /// The accepted words.
        expected: Vec<String>,
    },

    /// A task of a plan with a field chiso cannot read (a deadline that is not a date, an unknown status or op).
    #[error("plan: task {task:?} has {field} {value:?}: {message}")]
    PlanTask {
        /// The task's id.
        task: String,
        /// The field at fault (`deadline`, `status`, `effect_op`, `effect_value`).
        field: String,
        /// The value as given.
        value: String,
        /// Why it cannot be read and what would be valid.
        message: String,
    },

    /// A named argument with a value outside what it may take (an inverted range, a probability outside [0, 1],
    /// a run count beyond the limit): the message says what would be valid.
    #[error("argument {argument} = {value}: {message}")]
    Argument {
        /// The argument's name.
        argument: String,
        /// The value given.
        value: String,
        /// What would be valid.
        message: String,
    },

    /// A question the data cannot answer. Rather than an empty result, chiso says which data are missing and what
    /// to pass (issue 9 §6).
    #[error("{what}: {why}")]
    EmptyResult {
        /// The question asked.
        what: String,
        /// Which data are missing and what to pass.
        why: String,
    },
}

impl ChisoError {
    /// A [`ChisoError::Argument`].
    pub fn argument(argument: impl Into<String>, value: impl std::fmt::Display, message: impl Into<String>) -> Self {
        ChisoError::Argument { argument: argument.into(), value: value.to_string(), message: message.into() }
    }
}

impl ChisoError {
    /// An [`UnknownValue`](ChisoError::UnknownValue) read from the argument `argument` as the
    /// [`Argument`](ChisoError::Argument) error naming it (other errors unchanged): how the binding reports a word
    /// outside its vocabulary given for a keyword argument.
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    pub(crate) fn for_argument(self, argument: &str) -> Self {
        match self {
            ChisoError::UnknownValue { value, expected, .. } => ChisoError::argument(
                argument,
                format!("{value:?}"),
                format!("expected one of: {}", expected.join(", ")),
            ),
            other => other,
        }
    }
}

fn suggest(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", "))
    }
}

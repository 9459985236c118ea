//! The one error type of chiso. Every message names what is at fault — file, province, year, node, value — and,
//! where it can, what would have been valid.

use thiserror::Error;

pub type Result<T, E = ChisoError> = std::result::Result<T, E>;

/// Everything that can go wrong in chiso. The Python binding maps each variant to a specific exception class
/// (see `python/chiso/_chiso.pyi`).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ChisoError {
    /// A methodology file that cannot be read or does not hold together.
    #[error("methodology {file}{}: {message}", node.as_ref().map(|n| format!(", node {n}")).unwrap_or_default())]
    Methodology { file: String, node: Option<String>, message: String },

    /// An index id that chiso does not know.
    #[error("unknown index {index:?}; known indices: {known}")]
    UnknownIndex { index: String, known: String },

    /// An edition code that chiso does not know.
    #[error("unknown edition {edition:?}; editions of {index}: {known}")]
    UnknownEdition { index: String, edition: String, known: String },

    /// A data year that no edition of the index covers.
    #[error("no {index} edition covers data year {year}; editions: {known}")]
    NoEditionForYear { index: String, year: i32, known: String },

    /// A province name, alias or code that the registry does not know.
    #[error("unknown province {name:?}{}", suggest(suggestions))]
    UnknownProvince { name: String, suggestions: Vec<String> },

    /// A node code that is not in the edition that scores that data year.
    #[error(
        "unknown node {node:?} in edition {edition} (province {province}, year {year}){}{hint}",
        suggest(suggestions)
    )]
    UnknownNode { edition: String, node: String, province: String, year: i32, suggestions: Vec<String>, hint: String },

    /// A value outside the node's published scale.
    #[error("{province}, {year}, {node}: value {} is outside the scale [{min}, {max}] of this node", crate::text::num(*value))]
    OutOfScale { province: String, year: i32, node: String, value: f64, min: f64, max: f64 },

    /// A value computed by a node's rule that the node cannot hold: outside its scale or maximum, or not finite.
    #[error("{province}, {year}, {node}: the computed value {} is {why}; it was computed from {inputs}", crate::text::num(*value))]
    Computed { province: String, year: i32, node: String, value: f64, why: String, inputs: String },

    /// NaN or infinite values.
    #[error("{province}, {year}, {node}: value {value} is not a finite number (leave the cell empty/null for a missing value)")]
    NonFinite { province: String, year: i32, node: String, value: f64 },

    /// The same province, year and node given twice with different values.
    #[error("{province}, {year}, {node}: given twice with different values {} and {}", crate::text::num(*first), crate::text::num(*second))]
    Duplicate { province: String, year: i32, node: String, first: f64, second: f64 },

    /// A conversion or computation that needs a node's maximum, which the edition does not know (UNKNOWN in the
    /// spec): the user must supply it.
    #[error("{node} (edition {edition}) has no known maximum, needed {purpose}; supply it with with_max_points({{\"{path}\": …}}) on the methodology")]
    MissingMaximum { edition: String, node: String, path: String, purpose: String },

    /// A value given in a measure the node cannot take (e.g. points for a PCI sub-index on 1–10).
    #[error("{province}, {year}, {node}: a value given as {measure} cannot be read on this node's scale ({why})")]
    Measure { province: String, year: i32, node: String, measure: String, why: String },

    /// An indicator code that the indicator layer of that edition and year does not have.
    #[error(
        "unknown indicator {indicator:?} in the {layer} indicator layer (province {province}, year {year}){}",
        suggest(suggestions)
    )]
    UnknownIndicator { layer: String, indicator: String, province: String, year: i32, suggestions: Vec<String> },

    /// A raw indicator value its unit cannot take (a share above 1, negative days).
    #[error("{province}, {year}, {indicator}: value {value} is impossible for a {unit} indicator (possible range [{min}, {max}])")]
    IndicatorValue { province: String, year: i32, indicator: String, value: f64, unit: String, min: f64, max: f64 },

    /// A field-relative normalisation over a field where every province has the same value (min = max).
    #[error("{year}, {indicator}: every province has the value {value} (min = max), so the field-relative rule {method} has no scale{}", if province.is_empty() { String::new() } else { format!(" (after the change for {province})") })]
    DegenerateIndicator { year: i32, indicator: String, value: f64, method: String, province: String },

    /// Structural problems of an input table: missing columns, wrong types, nothing to score.
    #[error("{0}")]
    Data(String),

    /// An argument that makes no sense (e.g. a weight for a node that has none).
    #[error("{0}")]
    InvalidArgument(String),

    /// A named argument with a value outside what it may take (an inverted range, a probability outside [0, 1],
    /// a run count beyond the limit): the message says what would be valid.
    #[error("argument {argument} = {value}: {message}")]
    Argument { argument: String, value: String, message: String },

    /// A question the data cannot answer. Rather than an empty result, chiso says which data are missing and what
    /// to pass (issue 9 §6).
    #[error("{what}: {why}")]
    EmptyResult { what: String, why: String },
}

impl ChisoError {
    /// A [`ChisoError::Argument`].
    pub fn argument(argument: impl Into<String>, value: impl std::fmt::Display, message: impl Into<String>) -> Self {
        ChisoError::Argument { argument: argument.into(), value: value.to_string(), message: message.into() }
    }
}

fn suggest(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", suggestions.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", "))
    }
}

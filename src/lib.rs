//! # chiso — Vietnam's provincial governance and competitiveness indices
//!
//! chiso (Vietnamese *chỉ số*, "index") models the seven indices a provincial steering committee tracks every
//! year — PAR INDEX, SIPAS, PAPI, PCI and its green index PGI, the ICT Index and the provincial DTI — as
//! declarative methodology files, and scores them by each publisher's rules where those rules are known. Every
//! number carries its provenance: official (stated by the publisher), derived (worked out from published numbers
//! and verified) or unknown (the value must be supplied; chiso does not guess). The README's provenance table says
//! which, edition by edition.
//!
//! * [`methodology`] — one edition of an index as data: the node tree, weights, scales, aggregation rules and the
//!   provenance of every number; the built-in [`catalog`] of editions.
//! * [`engine`] — compiles an edition into a flat linear [`Plan`](engine::Plan), evaluates it over numeric buffers,
//!   ranks and groups provinces; [`score`] turns observations into a [`Scores`] table.
//! * [`compare`] — year-over-year changes, their decomposition, comparability across editions, trajectories,
//!   peers, movers and points lost.
//! * [`project`] — what-if scoring, trends and rank outlooks, the target solver, weight and maxima calibration,
//!   and a province's task plans (everything labelled projected).
//! * [`provinces`] — the registry of provinces and 2025 units with accent-insensitive name matching.
//! * [`uncertainty`] — Monte Carlo over a methodology's assumptions: rank distributions, rank shift, Sobol indices.
//! * [`survey`] — shares satisfied from respondent-level survey answers (SIPAS-style), with confidence intervals.
//! * [`datasets`] — the published tables chiso ships: PCI 2005–2022 (VCCI's workbooks 2005–2016), PAPI 2011–2024
//!   and the values the specification quotes for PAR INDEX, SIPAS, DTI, ICT Index and PGI.
//! * [`error`] — the one error type, [`ChisoError`].
//!
//! Every word with a fixed vocabulary — a measure, a node kind, a provenance, an edit op, a cap, a bridge, a peer
//! group — is an enum that parses (`FromStr`), prints (`Display`) and serialises as the word the Python frames
//! use; an unknown word is [`ChisoError::UnknownValue`] naming it and the words accepted.
//!
//! ```
//! use chiso::{score, Observation, ScoreOptions, EditionChoice};
//!
//! // Invented sub-index values of one province under the PCI 2013 weights (pci.md A4.1 synthetic example).
//! let subs = [("entry_costs", 7.0), ("land_access", 6.0), ("transparency", 6.5), ("time_costs", 7.5),
//!             ("informal_charges", 6.0), ("policy_bias", 5.5), ("proactivity", 6.5),
//!             ("business_support", 6.0), ("labor_training", 6.2), ("legal_institutions", 7.0)];
//! let data: Vec<Observation> = subs.iter()
//!     .map(|(node, v)| Observation::new("Trà Vinh", 2015, *node, *v))
//!     .collect();
//! let scores = score(&EditionChoice::Index("pci".into()), &data, &ScoreOptions::default()).unwrap();
//! let total = scores.total("Trà Vinh", 2015).unwrap().unwrap();
//! assert!((total - 63.15).abs() < 1e-9);
//! ```

// Errors carry the province, year, node and value at fault as fields; they are built on the cold path only, so
// their size does not matter and boxing them would only hide the fields.
#![allow(clippy::result_large_err)]
// Every public item is documented, and every public type is nameable from outside the crate.
#![warn(missing_docs, unnameable_types)]

#[macro_use]
mod names;

pub mod compare;
pub mod datasets;
pub mod engine;
pub mod error;
pub mod indicators;
pub mod limits;
pub mod methodology;
pub mod project;
pub mod provinces;
pub mod survey;
mod text;
pub mod uncertainty;

#[cfg(feature = "python")]
mod python;

/// The README's Rust example, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use engine::{
    score, EditionChoice, Measure, MissingPolicy, Observation, Origin, Prefer, ScoreOptions, ScoreRow, Scores,
    Uncertainty,
};
pub use error::{ChisoError, Result};
pub use methodology::{catalog, Aggregation, Methodology, Node, NodeKind, Status};
pub use provinces::{Province, ProvinceKind, Registry};

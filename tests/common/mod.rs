//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The published reference tables (`tests/reference/README.md`): part of the repository and of the crate's
/// `include`, so a missing file is a test failure, never a skip.
pub fn reference_file(relative: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("reference").join(relative);
    assert!(path.is_file(), "reference table {} missing from the checkout", path.display());
    path
}

/// Minimal CSV reader for the fixtures (no quoted commas in the files used).
pub fn read_csv(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| header.iter().cloned().zip(l.split(',').map(str::to_string)).collect())
        .collect()
}

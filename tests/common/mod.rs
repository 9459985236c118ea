//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The read-only shared folder beside the repository (CI puts it there). Tests that need raw fixtures from it
/// skip, saying so, when it is absent.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared");
    dir.join("data").is_dir().then_some(dir)
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

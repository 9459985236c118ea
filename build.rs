//! Embeds every methodology file under `methodologies/` in the binary: a new edition file is picked up without
//! touching code. Generates `$OUT_DIR/builtin_methodologies.rs` with two lists of (relative path, contents), and
//! `$OUT_DIR/builtin_indicator_layers.rs` with the indicator layers (`<index>/indicators/*.toml`).

use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = root.join("methodologies");
    println!("cargo:rerun-if-changed=methodologies");
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let (mut index, mut editions, mut layers) = (String::new(), String::new(), String::new());
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&dir).expect("under methodologies/").to_string_lossy().replace('\\', "/");
        let line = format!("    ({rel:?}, include_str!({:?})),\n", f.display().to_string());
        if rel.ends_with("/index.toml") {
            index.push_str(&line);
        } else if rel.contains("/indicators/") {
            layers.push_str(&line);
        } else {
            editions.push_str(&line);
        }
    }
    let code = format!(
        "/// Index files (`<index>/index.toml`).\nconst INDEX_FILES: &[(&str, &str)] = &[\n{index}];\n\n\
         /// Edition files, sorted by path.\nconst EDITION_FILES: &[(&str, &str)] = &[\n{editions}];\n"
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_methodologies.rs");
    fs::write(out, code).expect("write the generated list");
    let layer_code = format!(
        "/// Indicator layers (`<index>/indicators/*.toml`), sorted by path.\n\
         const INDICATOR_FILES: &[(&str, &str)] = &[\n{layers}];\n"
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_indicator_layers.rs");
    fs::write(out, layer_code).expect("write the generated list");
}

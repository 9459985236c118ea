//! The limits chiso puts on every size a user controls, checked before anything is allocated or walked, so that
//! hostile or mistaken input gets an error stating the limit instead of exhausting the stack, the memory or the
//! patience of the caller. Each limit is far above any real index (the largest edition has a few hundred nodes,
//! a few levels deep) and far below what a machine can hold.

/// Bytes of a methodology file (text or path).
pub const MAX_METHODOLOGY_BYTES: usize = 16 * 1024 * 1024;

/// Nodes in one methodology file.
pub const MAX_NODES: usize = 100_000;

/// Depth of a methodology tree (the root is at depth 0). Trees are walked iteratively anyway; the limit keeps every
/// derived structure (paths, frames, displays) small.
pub const MAX_TREE_DEPTH: usize = 64;

/// Magnitude of any number in a methodology file (weights, maxima, scales, k, cuts): sums and products of up to
/// [`MAX_NODES`] such numbers stay finite, so a check can never be defeated by an overflow to infinity.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// Threshold cuts of a group rule (the group index is stored in a byte, 255 meaning "no group").
pub const MAX_GROUP_CUTS: usize = 254;

/// Bytes of a province or node name; longer names are refused without matching or suggesting.
pub const MAX_NAME_BYTES: usize = 256;

/// Bytes of a node path of survey answers (`services/access/signage`).
pub const MAX_PATH_BYTES: usize = 1024;

/// Characters of a name compared when suggesting "did you mean": suggestions take bounded time.
pub const MAX_SUGGEST_CHARS: usize = 64;

/// Draws of a rank simulation (`rank_outlook`).
pub const MAX_DRAWS: usize = 100_000;

/// Scenarios of one what-if call.
pub const MAX_SCENARIOS: usize = 100_000;

/// Edits (rows) of one what-if call.
pub const MAX_EDITS: usize = 10_000_000;

/// Decimals of a rounding or tolerance argument (`decimals_in`, `decimals_out`): beyond 12 a double has no digits.
pub const MAX_DECIMALS: u32 = 12;

/// Check a count argument against `1..=max`, naming the argument.
pub fn check_count(name: &str, value: usize, max: usize) -> crate::Result<()> {
    if value == 0 || value > max {
        return Err(crate::ChisoError::InvalidArgument(format!(
            "{name} = {value} is outside the accepted range 1–{max}"
        )));
    }
    Ok(())
}

/// Check a decimals argument against `0..=MAX_DECIMALS`, naming the argument.
pub fn check_decimals(name: &str, value: Option<u32>) -> crate::Result<()> {
    match value {
        Some(d) if d > MAX_DECIMALS => Err(crate::ChisoError::InvalidArgument(format!(
            "{name} = {d} is outside the accepted range 0–{MAX_DECIMALS} decimals"
        ))),
        _ => Ok(()),
    }
}

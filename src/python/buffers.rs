//! Numeric columns across the Python boundary as little-endian byte buffers (numpy's `tobytes()` in,
//! `np.frombuffer` out for the what-if and uncertainty arrays): one copy of the column, never a Python object per
//! value. Result frames go out through `arrow`. The choice of this mechanism over
//! pyo3-polars or arrow-rs is measured in the README ("Architecture notes").

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::convert::to_py_err;
use crate::error::ChisoError;

/// The values of a buffer of `N`-byte little-endian numbers; a length that is not a whole number of them is an
/// error naming the argument (the Python layer writes these buffers, so this guards against a caller passing bytes
/// of another type).
// (`from` is generic, not a fn pointer, so that it is inlined into the loop.)
fn decode<const N: usize, T>(
    argument: &str,
    dtype: &str,
    bytes: &[u8],
    from: impl Fn([u8; N]) -> T,
) -> PyResult<Vec<T>> {
    if bytes.len() % N != 0 {
        return Err(to_py_err(ChisoError::argument(
            argument,
            format!("{} bytes", bytes.len()),
            format!("not {dtype} data"),
        )));
    }
    Ok(bytes.chunks_exact(N).map(|c| from(c.try_into().unwrap_or([0; N]))).collect())
}

pub fn f64s(argument: &str, bytes: &[u8]) -> PyResult<Vec<f64>> {
    decode(argument, "float64", bytes, f64::from_le_bytes)
}

pub fn u32s(argument: &str, bytes: &[u8]) -> PyResult<Vec<u32>> {
    decode(argument, "uint32", bytes, u32::from_le_bytes)
}

pub fn i64s(argument: &str, bytes: &[u8]) -> PyResult<Vec<i64>> {
    decode(argument, "int64", bytes, i64::from_le_bytes)
}

/// A column of little-endian numbers as one `bytes` object.
pub fn bytes_of<'py, const N: usize, T: Copy>(
    py: Python<'py>,
    v: &[T],
    to: impl Fn(T) -> [u8; N],
) -> PyResult<Bound<'py, PyBytes>> {
    // Written straight into the bytes object (no intermediate vector).
    PyBytes::new_with(py, v.len() * N, |out| {
        for (slot, &x) in out.chunks_exact_mut(N).zip(v) {
            slot.copy_from_slice(&to(x));
        }
        Ok(())
    })
}

//! Result frames handed to polars through the Arrow C data interface (the Arrow PyCapsule protocol,
//! `__arrow_c_array__`): the columns are built here as Arrow buffers — values, validity bitmaps, string offsets —
//! and polars imports them in one call, with no Python object per value. No Arrow crate is compiled in: the
//! interface is two `#[repr(C)]` structs and their release callbacks, written out below from the specification
//! (<https://arrow.apache.org/docs/format/CDataInterface.html>). The choice is measured in the README
//! ("Architecture notes").

use std::ffi::{c_char, c_void, CString};
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

/// A bitmap of `len` bits, least significant bit first (Arrow's validity and boolean layout).
#[derive(Default)]
pub(crate) struct Bits {
    bytes: Vec<u8>,
    len: usize,
    /// Number of zero bits.
    zeros: usize,
}

impl Bits {
    /// The bits of `bits`, packed eight to a byte.
    pub fn collect(bits: impl Iterator<Item = bool>) -> Bits {
        let mut out = Bits::default();
        let mut byte = 0u8;
        for bit in bits {
            byte |= u8::from(bit) << (out.len % 8);
            out.zeros += usize::from(!bit);
            out.len += 1;
            if out.len % 8 == 0 {
                out.bytes.push(byte);
                byte = 0;
            }
        }
        if out.len % 8 != 0 {
            out.bytes.push(byte);
        }
        out
    }

    /// A validity of `len` rows, all valid: no bitmap at all (Arrow reads a missing validity buffer as "no nulls",
    /// and [`validity`] exports it so). Never a value bitmap, never pushed to.
    pub fn all_valid(len: usize) -> Bits {
        Bits { bytes: Vec::new(), len, zeros: 0 }
    }

    /// The validity of `len` rows, row i valid where `valid(i)`: one cheap pass first, and no bitmap when every row
    /// is valid (the usual case).
    pub fn validity(len: usize, valid: impl Fn(usize) -> bool) -> Bits {
        if (0..len).all(&valid) {
            return Bits::all_valid(len);
        }
        Bits::collect((0..len).map(valid))
    }

    fn push(&mut self, bit: bool) {
        debug_assert!(self.bytes.len() * 8 >= self.len, "pushed to an all-valid validity without a bitmap");
        if self.len % 8 == 0 {
            self.bytes.push(0);
        }
        if bit {
            self.bytes[self.len / 8] |= 1 << (self.len % 8);
        } else {
            self.zeros += 1;
        }
        self.len += 1;
    }
}

/// One column of a frame, in Arrow's memory layout. Strings and lists use 64-bit offsets (Arrow's large types),
/// so no frame is limited to 2 GiB of text.
pub(crate) enum Column {
    /// Strings, exported as `utf8_view` (polars' own string layout, so it imports them without converting).
    Str { offsets: Vec<i64>, data: Vec<u8>, valid: Bits },
    /// Strings drawn from a table of labels: per row the index of its label. Exported as `utf8_view` whose views
    /// all point into one copy of the labels, so a row costs 16 bytes whatever its text.
    Labels { labels: Vec<String>, index: Vec<u32>, valid: Bits },
    /// `int64`.
    Int { values: Vec<i64>, valid: Bits },
    /// `float64`: a NaN stays a NaN value; null is a cleared validity bit.
    Float { values: Vec<f64>, valid: Bits },
    /// `bool`.
    Bool { values: Bits, valid: Bits },
    /// `large_list` of a child column (lists are never null here: an empty list is an empty list).
    List { offsets: Vec<i64>, child: Box<Column> },
}

impl Column {
    pub fn str() -> Column {
        Column::Str { offsets: vec![0], data: Vec::new(), valid: Bits::default() }
    }
    /// Strings drawn from `labels`: `index` per row, null where `valid` (if given) says so.
    pub fn labelled(labels: Vec<String>, index: Vec<u32>, valid: Option<Bits>) -> Column {
        let valid = valid.unwrap_or_else(|| Bits::all_valid(index.len()));
        Column::Labels { labels, index, valid }
    }
    /// Integers, null where `valid` (if given) says so.
    pub fn ints(values: Vec<i64>, valid: Option<Bits>) -> Column {
        let valid = valid.unwrap_or_else(|| Bits::all_valid(values.len()));
        Column::Int { values, valid }
    }
    /// Floats, null where `valid` says so (a NaN that is valid stays a NaN value).
    pub fn floats(values: Vec<f64>, valid: Bits) -> Column {
        Column::Float { values, valid }
    }
    /// Booleans without nulls.
    pub fn bools(values: Bits) -> Column {
        let valid = Bits::all_valid(values.len);
        Column::Bool { values, valid }
    }
    pub fn int() -> Column {
        Column::Int { values: Vec::new(), valid: Bits::default() }
    }
    pub fn float() -> Column {
        Column::Float { values: Vec::new(), valid: Bits::default() }
    }
    pub fn bool() -> Column {
        Column::Bool { values: Bits::default(), valid: Bits::default() }
    }
    pub fn list(child: Column) -> Column {
        Column::List { offsets: vec![0], child: Box::new(child) }
    }

    /// Reserve room for `n` more values (and `bytes` more bytes of text).
    pub fn reserve(&mut self, n: usize, bytes: usize) {
        match self {
            Column::Str { offsets, data, .. } => {
                offsets.reserve(n);
                data.reserve(bytes);
            }
            Column::Labels { index, .. } => index.reserve(n),
            Column::Int { values, .. } => values.reserve(n),
            Column::Float { values, .. } => values.reserve(n),
            Column::Bool { .. } => {}
            Column::List { offsets, .. } => offsets.reserve(n),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Str { offsets, .. } | Column::List { offsets, .. } => offsets.len() - 1,
            Column::Labels { index, .. } => index.len(),
            Column::Int { values, .. } => values.len(),
            Column::Float { values, .. } => values.len(),
            Column::Bool { values, .. } => values.len,
        }
    }

    pub fn push_str(&mut self, v: Option<&str>) {
        if let Column::Str { offsets, data, valid } = self {
            if let Some(s) = v {
                data.extend_from_slice(s.as_bytes());
            }
            offsets.push(data.len() as i64);
            valid.push(v.is_some());
        }
    }
    pub fn push_int(&mut self, v: Option<i64>) {
        if let Column::Int { values, valid } = self {
            values.push(v.unwrap_or(0));
            valid.push(v.is_some());
        }
    }
    pub fn push_float(&mut self, v: Option<f64>) {
        if let Column::Float { values, valid } = self {
            values.push(v.unwrap_or(0.0));
            valid.push(v.is_some());
        }
    }
    pub fn push_bool(&mut self, v: Option<bool>) {
        if let Column::Bool { values, valid } = self {
            values.push(v.unwrap_or(false));
            valid.push(v.is_some());
        }
    }
    /// One list of strings.
    pub fn push_strs<S: AsRef<str>>(&mut self, v: &[S]) {
        if let Column::List { offsets, child } = self {
            for s in v {
                child.push_str(Some(s.as_ref()));
            }
            offsets.push(child.len() as i64);
        }
    }
    /// One list of integers.
    pub fn push_ints(&mut self, v: &[i64]) {
        if let Column::List { offsets, child } = self {
            for &x in v {
                child.push_int(Some(x));
            }
            offsets.push(child.len() as i64);
        }
    }

    fn format(&self) -> String {
        match self {
            Column::Str { data, .. } if data.len() > i32::MAX as usize => "U".into(),
            Column::Str { .. } | Column::Labels { .. } => "vu".into(),
            Column::Int { .. } => "l".into(),
            Column::Float { .. } => "g".into(),
            Column::Bool { .. } => "b".into(),
            Column::List { .. } => "+L".into(),
        }
    }
}

// --- the C data interface --------------------------------------------------------------------------------------

const NULLABLE: i64 = 2;

/// `struct ArrowSchema` of the specification.
#[repr(C)]
pub(crate) struct FfiSchema {
    format: *const c_char,
    name: *const c_char,
    metadata: *const c_char,
    flags: i64,
    n_children: i64,
    children: *mut *mut FfiSchema,
    dictionary: *mut FfiSchema,
    release: Option<unsafe extern "C" fn(*mut FfiSchema)>,
    private_data: *mut c_void,
}

/// `struct ArrowArray` of the specification.
#[repr(C)]
pub(crate) struct FfiArray {
    length: i64,
    null_count: i64,
    offset: i64,
    n_buffers: i64,
    n_children: i64,
    buffers: *mut *const c_void,
    children: *mut *mut FfiArray,
    dictionary: *mut FfiArray,
    release: Option<unsafe extern "C" fn(*mut FfiArray)>,
    private_data: *mut c_void,
}

// SAFETY: the structs own everything their pointers reach (through `private_data`); nothing is shared with
// another thread, and the consumer takes ownership by moving the struct out (the protocol's contract).
unsafe impl Send for FfiSchema {}
unsafe impl Send for FfiArray {}

/// A capsule that was never consumed releases what it holds (the PyCapsule protocol's rule for producers).
impl Drop for FfiSchema {
    fn drop(&mut self) {
        if let Some(release) = self.release {
            // SAFETY: `release` is ours (set by `schema_of`) and has not run (it clears itself when it does).
            unsafe { release(self) }
        }
    }
}

impl Drop for FfiArray {
    fn drop(&mut self) {
        if let Some(release) = self.release {
            // SAFETY: as for the schema.
            unsafe { release(self) }
        }
    }
}

struct SchemaPrivate {
    _format: CString,
    _name: CString,
    children: Vec<*mut FfiSchema>,
}

unsafe extern "C" fn release_schema(schema: *mut FfiSchema) {
    // SAFETY: called by the consumer (or our Drop) on a schema built by `schema_of`, whose private data is a
    // boxed `SchemaPrivate` and whose children are boxed schemas of the same kind.
    unsafe {
        let Some(s) = schema.as_mut() else { return };
        if s.release.is_none() {
            return;
        }
        let private = Box::from_raw(s.private_data as *mut SchemaPrivate);
        for &child in &private.children {
            drop(Box::from_raw(child)); // its Drop releases it unless the consumer moved it out
        }
        drop(private);
        s.release = None;
    }
}

fn schema_of(name: &str, format: String, children: Vec<FfiSchema>, nullable: bool) -> FfiSchema {
    // A name or format with an interior NUL cannot be a C string; names here are column names chiso chooses.
    let format = CString::new(format).unwrap_or_default();
    let name = CString::new(name.replace('\0', "")).unwrap_or_default();
    let mut children: Vec<*mut FfiSchema> = children.into_iter().map(|c| Box::into_raw(Box::new(c))).collect();
    let private = Box::new(SchemaPrivate { _format: format, _name: name, children: Vec::new() });
    let n_children = children.len() as i64;
    let children_ptr = children.as_mut_ptr();
    let format_ptr = private._format.as_ptr();
    let name_ptr = private._name.as_ptr();
    let private = Box::into_raw(private);
    // SAFETY: `private` was just made from a Box; the children vector moves into it (its heap buffer, which
    // `children_ptr` points at, does not move).
    unsafe { (*private).children = children };
    FfiSchema {
        format: format_ptr,
        name: name_ptr,
        metadata: std::ptr::null(),
        flags: if nullable { NULLABLE } else { 0 },
        n_children,
        children: children_ptr,
        dictionary: std::ptr::null_mut(),
        release: Some(release_schema),
        private_data: private as *mut c_void,
    }
}

fn column_schema(name: &str, column: &Column) -> FfiSchema {
    let children = match column {
        Column::List { child, .. } => vec![column_schema("item", child)],
        _ => Vec::new(),
    };
    schema_of(name, column.format(), children, true)
}

/// What an exported array owns: its buffers (kept alive until release) and its children.
struct ArrayPrivate {
    _keep: Keep,
    _buffers: Vec<*const c_void>,
    children: Vec<*mut FfiArray>,
}

/// The memory behind an exported array's buffers, held (never read) until the consumer releases the array.
#[derive(Default)]
struct Keep {
    _column: Option<Column>,
    _valid: Bits,
    _views: Vec<u128>,
    _sizes: Vec<i64>,
    _data: Vec<u8>,
}

/// The 16-byte view of `bytes` found at `offset` of data buffer 0 (Arrow's `utf8_view` layout: length, then the
/// string itself when it fits in 12 bytes, else its first 4 bytes, the buffer index and the offset).
fn view(bytes: &[u8], offset: usize) -> u128 {
    let mut v = [0u8; 16];
    v[..4].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
    if bytes.len() <= 12 {
        v[4..4 + bytes.len()].copy_from_slice(bytes);
    } else {
        v[4..8].copy_from_slice(&bytes[..4]);
        v[12..16].copy_from_slice(&(offset as u32).to_le_bytes());
    }
    u128::from_le_bytes(v)
}

unsafe extern "C" fn release_array(array: *mut FfiArray) {
    // SAFETY: as `release_schema`, for arrays built by `array_of`.
    unsafe {
        let Some(a) = array.as_mut() else { return };
        if a.release.is_none() {
            return;
        }
        let private = Box::from_raw(a.private_data as *mut ArrayPrivate);
        for &child in &private.children {
            drop(Box::from_raw(child));
        }
        drop(private);
        a.release = None;
    }
}

fn array_of(
    length: usize,
    null_count: usize,
    mut buffers: Vec<*const c_void>,
    children: Vec<FfiArray>,
    keep: Keep,
) -> FfiArray {
    let mut children: Vec<*mut FfiArray> = children.into_iter().map(|c| Box::into_raw(Box::new(c))).collect();
    let (n_buffers, buffers_ptr) = (buffers.len() as i64, buffers.as_mut_ptr());
    let (n_children, children_ptr) = (children.len() as i64, children.as_mut_ptr());
    let private = Box::into_raw(Box::new(ArrayPrivate { _keep: keep, _buffers: Vec::new(), children: Vec::new() }));
    // SAFETY: as in `schema_of`: the vectors move into the private data without moving their heap buffers.
    unsafe {
        (*private)._buffers = buffers;
        (*private).children = children;
    }
    FfiArray {
        length: length as i64,
        null_count: null_count as i64,
        offset: 0,
        n_buffers,
        n_children,
        buffers: buffers_ptr,
        children: children_ptr,
        dictionary: std::ptr::null_mut(),
        release: Some(release_array),
        private_data: private as *mut c_void,
    }
}

fn ptr<T>(v: &[T]) -> *const c_void {
    v.as_ptr() as *const c_void
}

fn validity(bits: &Bits) -> *const c_void {
    if bits.zeros == 0 {
        std::ptr::null()
    } else {
        ptr(&bits.bytes)
    }
}

/// A string column as `utf8_view`: the views, the one data buffer, and its size (the variadic sizes buffer).
fn string_view_array(len: usize, valid: Bits, views: Vec<u128>, data: Vec<u8>) -> FfiArray {
    let sizes = vec![data.len() as i64];
    let buffers = vec![validity(&valid), ptr(&views), ptr(&data), ptr(&sizes)];
    let nulls = valid.zeros;
    let keep = Keep { _valid: valid, _views: views, _sizes: sizes, _data: data, ..Keep::default() };
    array_of(len, nulls, buffers, Vec::new(), keep)
}

fn column_array(column: Column) -> FfiArray {
    let len = column.len();
    match column {
        Column::List { offsets, child } => {
            let child = column_array(*child);
            let buffers = vec![std::ptr::null(), ptr(&offsets)];
            let keep =
                Keep { _column: Some(Column::List { offsets, child: Box::new(Column::int()) }), ..Keep::default() };
            array_of(len, 0, buffers, vec![child], keep)
        }
        Column::Labels { labels, index, valid } => {
            let mut data = Vec::with_capacity(labels.iter().map(String::len).sum());
            let label_views: Vec<u128> = labels
                .iter()
                .map(|l| {
                    let at = data.len();
                    if l.len() > 12 {
                        data.extend_from_slice(l.as_bytes());
                    }
                    view(l.as_bytes(), at)
                })
                .collect();
            let views = index.iter().map(|&i| label_views.get(i as usize).copied().unwrap_or(0)).collect();
            string_view_array(len, valid, views, data)
        }
        Column::Str { offsets, data, valid } if data.len() <= i32::MAX as usize => {
            let views = offsets
                .windows(2)
                .map(|w| {
                    let (a, b) = (w[0] as usize, w[1] as usize);
                    view(&data[a..b], a)
                })
                .collect();
            string_view_array(len, valid, views, data)
        }
        column => {
            let (nulls, buffers) = match &column {
                Column::Str { offsets, data, valid } => (valid.zeros, vec![validity(valid), ptr(offsets), ptr(data)]),
                Column::Int { values, valid } => (valid.zeros, vec![validity(valid), ptr(values)]),
                Column::Float { values, valid } => (valid.zeros, vec![validity(valid), ptr(values)]),
                Column::Bool { values, valid } => (valid.zeros, vec![validity(valid), ptr(&values.bytes)]),
                Column::List { .. } | Column::Labels { .. } => unreachable!("handled above"),
            };
            // Moving `column` into the private data moves its vectors' handles, not their heap buffers.
            array_of(len, nulls, buffers, Vec::new(), Keep { _column: Some(column), ..Keep::default() })
        }
    }
}

/// A number of rows and the named columns holding them.
type Batch = (usize, Vec<(String, Column)>);

/// Named columns of equal length, handed to polars as one struct array (a record batch) through
/// `__arrow_c_array__`. Exported once: polars takes ownership of the buffers.
#[pyclass(name = "_ArrowColumns", module = "chiso._chiso", frozen)]
pub(crate) struct ArrowColumns {
    columns: Mutex<Option<Batch>>,
}

#[pymethods]
impl ArrowColumns {
    /// The Arrow PyCapsule protocol: (schema capsule, array capsule) of a struct array with one field per column.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema; // the protocol lets a producer ignore it
        let taken = self.columns.lock().map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("poisoned"))?.take();
        let Some((length, columns)) = taken else {
            return Err(pyo3::exceptions::PyRuntimeError::new_err("these columns were already handed over"));
        };
        let fields: Vec<FfiSchema> = columns.iter().map(|(name, c)| column_schema(name, c)).collect();
        let schema = schema_of("", "+s".into(), fields, false);
        let arrays: Vec<FfiArray> = columns.into_iter().map(|(_, c)| column_array(c)).collect();
        let array = array_of(length, 0, vec![std::ptr::null()], arrays, Keep::default());
        let schema = PyCapsule::new_with_value(py, schema, c"arrow_schema")?;
        let array = PyCapsule::new_with_value(py, array, c"arrow_array")?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }
}

/// A polars DataFrame of `columns` (all of length `length`).
pub(crate) fn frame<'py>(
    py: Python<'py>,
    length: usize,
    columns: Vec<(String, Column)>,
) -> PyResult<Bound<'py, PyAny>> {
    debug_assert!(columns.iter().all(|(_, c)| c.len() == length));
    let data = Bound::new(py, ArrowColumns { columns: Mutex::new(Some((length, columns))) })?;
    py.import("polars")?.getattr("DataFrame")?.call1((data,))
}

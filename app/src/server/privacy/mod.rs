//! The privacy centre's server side (issue 16): the retention engine so far.

pub mod retention;

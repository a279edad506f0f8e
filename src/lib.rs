//! gouji (勾稽): cross-checks the figures of published reports.
#![warn(missing_docs)]

pub mod number;
pub mod source;

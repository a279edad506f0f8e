//! Integration tests (one binary).

mod outputs;

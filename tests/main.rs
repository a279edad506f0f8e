//! Integration tests (one binary).
mod prose;

//! Integration tests (one binary, one module per topic).

mod cli;
mod corpus;
mod mutation;
mod rule_fixtures;
mod support;
mod xformat;

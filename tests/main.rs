//! Integration tests (one binary, one module per topic).

mod across;
mod browser;
mod ci;
mod cli;
mod corpus;
mod coverage;
mod crawl;
mod fuzz_smoke;
mod hostile;
mod legacy;
mod local_forms;
mod mutation;
mod outputs;
mod prose;
mod rule_fixtures;
mod support;
mod xformat;

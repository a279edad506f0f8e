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
mod local_forms;
mod mutation;
mod outputs;
mod prose;
mod rule_fixtures;
#[cfg(feature = "serve")]
mod serve;
#[cfg(feature = "serve")]
mod serve_browser;
mod support;
mod xformat;

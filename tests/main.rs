//! Integration tests (one binary, one module per topic).

mod across;
mod across_pairs;
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
mod series_data;
#[cfg(feature = "serve")]
mod serve;
#[cfg(feature = "serve")]
mod serve_browser;
mod support;
mod words;
mod xformat;

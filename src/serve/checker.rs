//! One uploaded report checked as `gouji check` checks a file of that name: the same registry,
//! selection, severities and baseline, the same JSON. Nothing is written to disk.

use crate::baseline::{Baseline, BaselineOutcome};
use crate::extract::Facts;
use crate::finding::Lang;
use crate::pipeline::{check_document_facts, FileReport, INTERNAL_ERROR};
use crate::policy::Policy;
use crate::report::{json, layout, RenderOptions};
use crate::rules::Registry;
use crate::source::{self, Document};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;

/// What decides a check: what `gouji check` would use for a file in the working directory.
#[derive(Debug, Clone)]
pub struct Checker {
    /// Built-in packs plus the configured and `--pack` ones.
    pub registry: Arc<Registry>,
    /// Selection, per-path ignores and severity overrides.
    pub policy: Policy,
    /// The configuration's baseline, if it names one.
    pub baseline: Option<Baseline>,
    /// Language of messages.
    pub lang: Lang,
}

/// One checked upload.
pub struct Checked {
    /// The report, after the policy and the baseline.
    pub report: FileReport,
    /// What the baseline did, when there is one.
    pub baseline: Option<BaselineOutcome>,
    /// The document and its facts, when it could be read.
    pub read: Option<(Document, Facts)>,
}

impl Checker {
    /// Read and check `bytes` as a file named `name`. Never panics: a panic inside becomes the
    /// error `gouji check` reports for the file.
    pub fn check(&self, name: &str, bytes: &[u8]) -> Checked {
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            match source::read_bytes(name, bytes, Path::new(name)) {
                Ok(doc) => {
                    let (report, facts) =
                        check_document_facts(&doc, &self.registry, &self.policy, false);
                    (report, Some((doc, facts)))
                }
                Err(e) => (FileReport::failed(name, e.to_string()), None),
            }
        }));
        let (mut report, read) =
            outcome.unwrap_or_else(|_| (FileReport::failed(name, INTERNAL_ERROR.into()), None));
        // Rules across reports need the same body's report of another year: one upload never
        // has one, so (as `gouji check` with one file) there is nothing to run. The report keeps
        // its issuer and year (`series`): the JSON entry names them, as `gouji check` does.
        let baseline = self
            .policy
            .apply(std::slice::from_mut(&mut report), self.baseline.as_ref());
        Checked {
            report,
            baseline,
            read,
        }
    }

    /// The bytes `gouji check --format json NAME` prints for the upload.
    pub fn json(&self, checked: &Checked) -> Vec<u8> {
        let opts = RenderOptions {
            baseline: checked.baseline.clone(),
            ..RenderOptions::new(self.lang)
        };
        let mut out = Vec::new();
        // Writing into memory cannot fail.
        let _ = json::render(std::slice::from_ref(&checked.report), &opts, &mut out);
        out
    }

    /// The report as the page draws it (see [`crate::report::layout`]).
    pub fn layout(&self, checked: &Checked) -> Vec<u8> {
        let value = match &checked.read {
            Some((doc, facts)) => layout::layout(doc, facts, &checked.report, self.lang),
            None => layout::unreadable(&checked.report, self.lang),
        };
        serde_json::to_vec(&value).unwrap_or_default()
    }
}

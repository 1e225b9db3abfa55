//! The error every model builder returns: where in the input (a key path) and what is wrong.

use std::fmt;

/// A problem with model input, located by its key path in the scenario
/// (e.g. `["sites", "aws-use1", "clusters", "h100-a", "count"]`).
///
/// Builders collect every problem they find and return them all, so a user fixes a file
/// in one pass. The run cannot continue with input that produced any of these.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelError {
    /// Key path of the offending value, outermost first.
    pub path: Vec<String>,
    /// What is wrong and what was expected.
    pub message: String,
    /// The nearest valid name, for a misspelled reference.
    pub suggestion: Option<String>,
}

impl ModelError {
    /// An error at `path` with `message`.
    pub fn new(path: &[&str], message: impl Into<String>) -> Self {
        Self {
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            message: message.into(),
            suggestion: None,
        }
    }

    /// Adds a "did you mean" suggestion.
    pub fn with_suggestion(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }

    /// The key path joined with dots, e.g. `sites.aws-use1.power_cap_mw`.
    pub fn dotted_path(&self) -> String {
        self.path.join(".")
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.dotted_path(), self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean {s:?}?)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ModelError {}

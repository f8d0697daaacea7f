//! Audit log entries as the UI shows them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Done,
    /// Recorded, and waiting for the XMPP server to be reachable.
    Pending,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Pending => "pending",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Outcome {
        match s {
            "done" => Outcome::Done,
            "pending" => Outcome::Pending,
            _ => Outcome::Failed,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub domain: Option<String>,
    pub action: String,
    pub target: String,
    pub outcome: Outcome,
    pub detail: String,
}

//! What the staff area shows that is not a customer's own data: the audit log.

use serde::{Deserialize, Serialize};

/// One staff action, as the audit page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i32,
    /// None for the command line.
    pub actor_account_id: Option<i32>,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub recorded_at: String,
}

//! E-mail as the outbox records it: which kind of message, where it stands, what staff see.
//! Plain types, so the staff pages (server and browser) can show them.

use serde::{Deserialize, Serialize};

/// Why the store writes to someone. Stored by [`MailKind::as_str`]; new kinds (orders,
/// newsletter) are added here and get a template in `server::mail::templates`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MailKind {
    EmailVerification,
    PasswordReset,
    EmailChangeConfirmation,
    EmailChangedNotice,
    PasswordChangedNotice,
    /// To an address that already has an account, when someone registers with it again.
    AlreadyRegistered,
    OrderConfirmation,
    OrderDispatched,
    /// S4: a one-time sign-in link for an account locked by wrong guesses.
    SignInLink,
    /// B07: the confirmation a newsletter sign-up gets, and nothing else until confirmed.
    NewsletterConfirmation,
    /// A fresh link to an address's marketing choices, asked for by e-mail.
    MarketingPreferencesLink,
    /// A campaign staff wrote, to one address that consents to its topic (P20), with its
    /// unsubscribe link and headers (P22).
    Campaign,
}

impl MailKind {
    pub const ALL: [MailKind; 12] = [
        Self::EmailVerification,
        Self::PasswordReset,
        Self::EmailChangeConfirmation,
        Self::EmailChangedNotice,
        Self::PasswordChangedNotice,
        Self::AlreadyRegistered,
        Self::OrderConfirmation,
        Self::OrderDispatched,
        Self::SignInLink,
        Self::NewsletterConfirmation,
        Self::MarketingPreferencesLink,
        Self::Campaign,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmailVerification => "email_verification",
            Self::PasswordReset => "password_reset",
            Self::EmailChangeConfirmation => "email_change_confirmation",
            Self::EmailChangedNotice => "email_changed_notice",
            Self::PasswordChangedNotice => "password_changed_notice",
            Self::AlreadyRegistered => "already_registered",
            Self::OrderConfirmation => "order_confirmation",
            Self::OrderDispatched => "order_dispatched",
            Self::SignInLink => "sign_in_link",
            Self::NewsletterConfirmation => "newsletter_confirmation",
            Self::MarketingPreferencesLink => "marketing_preferences_link",
            Self::Campaign => "campaign",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// What staff read in the outbox.
    pub fn label(self) -> &'static str {
        match self {
            Self::EmailVerification => "E-mail address verification",
            Self::PasswordReset => "Password reset",
            Self::EmailChangeConfirmation => "New e-mail address confirmation",
            Self::EmailChangedNotice => "E-mail address changed notice",
            Self::PasswordChangedNotice => "Password changed notice",
            Self::AlreadyRegistered => "Registration attempt for an existing account",
            Self::OrderConfirmation => "Order confirmation",
            Self::OrderDispatched => "Order dispatched",
            Self::SignInLink => "Sign-in link (account locked)",
            Self::NewsletterConfirmation => "Newsletter subscription confirmation",
            Self::MarketingPreferencesLink => "Link to marketing choices",
            Self::Campaign => "Marketing campaign",
        }
    }
}

/// Where a message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MailStatus {
    /// No SMTP server is configured: kept in the outbox, never sent. Staff see it without its
    /// one-time link; the operator reads it whole with `server mail show`.
    Held,
    /// Waiting to be sent (again, after a failed attempt).
    Pending,
    Sent,
    /// Given up: refused for good by the SMTP server, or too many failed attempts.
    Failed,
}

impl MailStatus {
    pub const ALL: [MailStatus; 4] = [Self::Held, Self::Pending, Self::Sent, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Held => "held",
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Held => "Held (no mail server configured)",
            Self::Pending => "Waiting to be sent",
            Self::Sent => "Sent",
            Self::Failed => "Failed",
        }
    }
}

/// One line of the staff outbox listing. Times are RFC 3339 in UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxSummary {
    pub id: i64,
    pub kind: MailKind,
    pub to_address: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// A whole message, as staff read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub summary: OutboxSummary,
    pub text_body: String,
    pub html_body: String,
    /// Why the last attempt failed, in words without any address or content.
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_statuses_round_trip_through_their_stored_names() {
        for kind in MailKind::ALL {
            assert_eq!(MailKind::parse(kind.as_str()), Some(kind));
        }
        for status in MailStatus::ALL {
            assert_eq!(MailStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(MailKind::parse("newsletter"), None);
        assert_eq!(MailStatus::parse("Sent"), None);
    }
}

//! One e-mail, rendered and ready to queue.

pub use crate::domain::mail::MailKind;

/// A rendered message: built by a function in `templates`, queued with `Mailer::queue`.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub kind: MailKind,
}

/// Only the kind: a message printed by mistake puts no address, subject or link in a log.
impl std::fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail").field("kind", &self.kind).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_personal_data() {
        let mail = OutgoingMail {
            to: "jane@example.com".into(),
            subject: "Reset your password".into(),
            text_body: "https://shop.example/reset?token=secret".into(),
            html_body: "<p>secret</p>".into(),
            kind: MailKind::PasswordReset,
        };
        let printed = format!("{mail:?}");
        assert!(printed.contains("PasswordReset"), "{printed}");
        for private in ["jane", "your password", "secret"] {
            assert!(!printed.contains(private), "{printed}");
        }
    }
}

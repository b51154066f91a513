//! The store's one way to send e-mail: render a template, queue it in the caller's transaction
//! (the outbox), and let the delivery worker send it over SMTP — or hold it for staff to read
//! when no SMTP server is configured.
//!
//! ```text
//! action's transaction ── templates::password_reset(..) ── mailer.queue(&txn, &mail, now)
//!        commit ── mailer.wake() ──▶ delivery worker ── SMTP ──▶ outbox row: sent / failed
//! ```
//!
//! Nothing here logs an address, a subject, a body or a link: only outbox ids, kinds and the
//! class of an error.

pub mod delivery;
pub mod message;
pub mod outbox;
pub mod templates;

pub use crate::domain::mail::{MailKind, MailStatus, OutboxMessage, OutboxSummary};
pub use delivery::{deliver_due, spawn_delivery_worker, DeliveryRound, MailFrom, Mailer, SmtpUrl};
pub use message::OutgoingMail;
pub use outbox::InitialStatus;

/// Everything that can go wrong with e-mail. Messages never contain an address or content.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// `SMTP_URL` is not an SMTP address lettre can use (the password is never repeated).
    #[error("expected smtp://HOST[:PORT], smtp://HOST:PORT?tls=required or smtps://USER:PASSWORD@HOST[:PORT]: {problem}")]
    InvalidSmtpUrl { problem: String },
    /// `MAIL_FROM` is not a mailbox such as `SOP Store <no-reply@shop.example>`.
    #[error("expected a mailbox such as SOP Store <no-reply@shop.example>")]
    InvalidSender,
    /// The recipient is not an e-mail address SMTP can deliver to.
    #[error("the recipient is not a valid e-mail address")]
    InvalidRecipient,
    /// A stored row the code cannot read (an unknown kind or status).
    #[error("outbox row {id} is unreadable: {problem}")]
    UnreadableRow { id: i64, problem: String },
    #[error("the mail outbox could not be read or written: {0}")]
    Database(#[from] sea_orm::DbErr),
}

//! Sending: the `Mailer` handle kept in the store's state, and the worker that sends due
//! outbox messages over SMTP as text + HTML, retrying with backoff. Its logs name only the
//! outbox id, the kind and the class of an error: never an address, subject, body or link.

use super::{outbox, InitialStatus, MailError, OutgoingMail};
use crate::server::entities::mail_outbox;
use chrono::{DateTime, Utc};
use lettre::{
    message::{
        header::{HeaderName, HeaderValue},
        Mailbox, MultiPart,
    },
    transport::smtp::{AsyncSmtpTransportBuilder, Error as SmtpError},
    Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use rand::Rng;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::{fmt, future::Future, sync::Arc, time::Duration};
use tokio::sync::Notify;

/// Attempts before a message that keeps failing for now is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// Wait after the first failed attempt, doubled after each further one up to `MAX_BACKOFF`:
/// the eight attempts span about an hour, long enough to ride out a mail server's restart.
const FIRST_BACKOFF: Duration = Duration::from_secs(30);
const MAX_BACKOFF: Duration = Duration::from_secs(60 * 60);
/// How long a claimed message is left to its sender before it may be tried again.
const LEASE: Duration = Duration::from_secs(5 * 60);
/// Messages taken per round; a full round is followed at once by another.
const BATCH: u64 = 20;
/// The worker looks for due retries at least this often, even when nobody wakes it.
const POLL_INTERVAL: Duration = Duration::from_secs(30);
/// Longest wait for the SMTP server at each step of a conversation.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

/// An SMTP server address lettre accepts (`SMTP_URL`). Its Debug form hides the whole URL, as
/// it may carry a password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    /// `smtp://HOST[:PORT]` (no TLS), `smtp://HOST[:PORT]?tls=required` (STARTTLS, or
    /// `tls=opportunistic`), `smtps://[USER:PASSWORD@]HOST[:PORT]` (TLS from the start).
    pub fn parse(raw: &str) -> Result<Self, MailError> {
        let raw = raw.trim();
        transport_builder(raw)?;
        Ok(Self(raw.to_owned()))
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpUrl(<redacted>)")
    }
}

fn transport_builder(url: &str) -> Result<AsyncSmtpTransportBuilder, MailError> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|error| MailError::InvalidSmtpUrl { problem: error.to_string() })
}

/// The mailbox the store's e-mails come from (`MAIL_FROM`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailFrom(Mailbox);

impl MailFrom {
    pub fn parse(raw: &str) -> Result<Self, MailError> {
        raw.trim().parse::<Mailbox>().map(Self).map_err(|_| MailError::InvalidSender)
    }
}

impl fmt::Display for MailFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The store's handle on e-mail, kept in its state: queues messages with the right initial
/// status and wakes the delivery worker. Cheap to clone.
#[derive(Clone)]
pub struct Mailer(Arc<MailerInner>);

struct MailerInner {
    smtp: Option<Smtp>,
    wake: Notify,
}

struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// No SMTP server: every message is held in the outbox for staff to read.
    pub fn outbox_only() -> Self {
        Self(Arc::new(MailerInner { smtp: None, wake: Notify::new() }))
    }

    /// Sends through the SMTP server at `url`. Connects only when there is mail to send.
    pub fn smtp(url: &SmtpUrl, from: &MailFrom) -> Result<Self, MailError> {
        let transport = transport_builder(&url.0)?.timeout(Some(SMTP_TIMEOUT)).build();
        let smtp = Smtp { transport, from: from.0.clone() };
        Ok(Self(Arc::new(MailerInner { smtp: Some(smtp), wake: Notify::new() })))
    }

    /// Whether messages are sent (an SMTP server is configured) or held.
    pub fn sends_mail(&self) -> bool {
        self.0.smtp.is_some()
    }

    pub fn initial_status(&self) -> InitialStatus {
        if self.sends_mail() {
            InitialStatus::Pending
        } else {
            InitialStatus::Held
        }
    }

    /// Queues `mail` in the caller's transaction (see [`outbox::queue`]); returns its outbox id.
    pub async fn queue(&self, db: &impl ConnectionTrait, mail: &OutgoingMail, now: DateTime<Utc>) -> Result<i64, MailError> {
        outbox::queue(db, mail, self.initial_status(), now).await
    }

    /// Tells the worker there is mail to send. Call it after the transaction that queued the
    /// mail has committed; a wake-up while the worker is busy is kept, not lost.
    pub fn wake(&self) {
        self.0.wake.notify_one();
    }
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer").field("sends_mail", &self.sends_mail()).finish()
    }
}

/// What one delivery round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    pub sent: u32,
    /// Failed for now; left pending for a later attempt.
    pub retrying: u32,
    pub failed: u32,
}

impl DeliveryRound {
    pub fn handled(&self) -> u32 {
        self.sent + self.retrying + self.failed
    }
}

/// Sends up to one batch of due messages. The worker calls it; tests call it with their own
/// `now` to step through retries.
pub async fn deliver_due(db: &DatabaseConnection, mailer: &Mailer, now: DateTime<Utc>) -> Result<DeliveryRound, MailError> {
    let mut round = DeliveryRound::default();
    let Some(smtp) = &mailer.0.smtp else { return Ok(round) };
    for row in outbox::next_due(db, now, BATCH).await? {
        if !outbox::claim(db, row.id, now, now + LEASE).await? {
            continue; // another worker took it
        }
        let attempt = row.attempts + 1;
        let (id, kind) = (row.id, row.kind.as_str());
        match send(smtp, &row).await {
            Ok(()) => {
                outbox::mark_sent(db, id, now).await?;
                round.sent += 1;
                tracing::info!(outbox_id = id, kind, attempt, "e-mail sent");
            }
            Err(Failure { class, permanent }) if permanent || attempt >= MAX_ATTEMPTS => {
                outbox::mark_failed(db, id, &class).await?;
                round.failed += 1;
                tracing::warn!(outbox_id = id, kind, attempt, error = %class, "e-mail failed; giving up");
            }
            Err(Failure { class, .. }) => {
                let retry_in = backoff(attempt);
                outbox::schedule_retry(db, id, &class, now + retry_in).await?;
                round.retrying += 1;
                tracing::warn!(outbox_id = id, kind, attempt, error = %class, retry_in_secs = retry_in.as_secs(), "e-mail not sent; will retry");
            }
        }
    }
    Ok(round)
}

/// The wait before attempt `failed_attempts + 1`.
fn backoff(failed_attempts: i32) -> Duration {
    let doublings = u32::try_from(failed_attempts.saturating_sub(1)).unwrap_or(0).min(16);
    FIRST_BACKOFF.saturating_mul(1 << doublings).min(MAX_BACKOFF)
}

/// Why an attempt failed, in words fit for the outbox and the log: the SMTP server's own reply
/// text is left out, since it often quotes the recipient.
struct Failure {
    class: String,
    permanent: bool,
}

async fn send(smtp: &Smtp, row: &mail_outbox::Model) -> Result<(), Failure> {
    let message = build_message(&smtp.from, row)?;
    smtp.transport.send(message).await.map(drop).map_err(|error| classify(&error))
}

fn build_message(from: &Mailbox, row: &mail_outbox::Model) -> Result<Message, Failure> {
    let give_up = |class: &str| Failure { class: class.to_owned(), permanent: true };
    let to = row.to_address.parse::<Address>().map_err(|_| give_up("the recipient is not a valid e-mail address"))?;
    // Our own Message-ID: lettre would otherwise name this machine's host in every message.
    let message_id = format!("<{}.{:016x}@{}>", row.id, rand::rng().random::<u64>(), from.email.domain());
    let mut builder = Message::builder().from(from.clone()).to(Mailbox::from(to)).subject(row.subject.clone()).message_id(Some(message_id));
    // P22, B08: a marketing mail names its unsubscribe address (RFC 2369) and, over https,
    // lets the mail program unsubscribe with one click, without opening a page (RFC 8058).
    if let Some(value) = &row.list_unsubscribe {
        builder = builder.raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, value.clone()));
        if super::message::offers_one_click(value) {
            builder = builder.raw_header(HeaderValue::new(LIST_UNSUBSCRIBE_POST, "List-Unsubscribe=One-Click".to_owned()));
        }
    }
    builder
        .multipart({
            let (text_body, html_body) = outbox::bodies_for_recipient(row);
            MultiPart::alternative_plain_html(text_body, html_body)
        })
        .map_err(|_| give_up("the message could not be built"))
}

fn classify(error: &SmtpError) -> Failure {
    let code = error.status().map(|code| code.to_string()).unwrap_or_default();
    let (class, permanent) = if error.is_permanent() {
        (format!("refused by the SMTP server ({code})"), true)
    } else if error.is_transient() {
        (format!("deferred by the SMTP server ({code})"), false)
    } else if error.is_timeout() {
        ("the SMTP server did not answer in time".to_owned(), false)
    } else if error.is_tls() {
        ("TLS with the SMTP server failed".to_owned(), false)
    } else {
        ("could not talk to the SMTP server (connection refused, closed or garbled)".to_owned(), false)
    };
    Failure { class, permanent }
}

/// Sends due messages until `shutdown` completes: at once when woken, and every
/// `POLL_INTERVAL` for retries. None (no worker) when no SMTP server is configured. A round in
/// progress is finished before the worker stops.
pub fn spawn_delivery_worker(
    db: DatabaseConnection,
    mailer: Mailer,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Option<tokio::task::JoinHandle<()>> {
    if !mailer.sends_mail() {
        return None;
    }
    Some(tokio::spawn(async move {
        tokio::pin!(shutdown);
        loop {
            let full_batch = match deliver_due(&db, &mailer, Utc::now()).await {
                Ok(round) => u64::from(round.handled()) >= BATCH,
                Err(error) => {
                    tracing::warn!(%error, "mail delivery round failed");
                    false
                }
            };
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = std::future::ready(()), if full_batch => {}
                () = mailer.0.wake.notified() => {}
                () = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
        tracing::info!("mail delivery stopped");
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_are_checked_and_never_printed() {
        for good in ["smtp://127.0.0.1:2525", "smtp://mail.example?tls=required", "smtps://user:s3cret@mail.example:465"] {
            let url = SmtpUrl::parse(good).unwrap_or_else(|error| panic!("{good}: {error}"));
            assert_eq!(format!("{url:?}"), "SmtpUrl(<redacted>)");
        }
        for bad in ["http://mail.example", "smtp://", "mail.example:25", "smtp://mail.example?tls=none"] {
            let error = SmtpUrl::parse(bad).expect_err(bad);
            assert!(matches!(error, MailError::InvalidSmtpUrl { .. }), "{bad}: {error}");
        }
        let error = SmtpUrl::parse("ftp://user:s3cret@mail.example").unwrap_err();
        assert!(!error.to_string().contains("s3cret"), "{error}");
    }

    #[test]
    fn senders_must_be_mailboxes() {
        assert_eq!(
            MailFrom::parse("SOP Store <no-reply@sop-store.example>").unwrap().to_string(),
            "SOP Store <no-reply@sop-store.example>"
        );
        assert!(MailFrom::parse("no-reply@sop-store.example").is_ok());
        assert!(matches!(MailFrom::parse("SOP Store"), Err(MailError::InvalidSender)));
    }

    #[test]
    fn retries_back_off_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(4), Duration::from_secs(240));
        assert_eq!(backoff(MAX_ATTEMPTS), MAX_BACKOFF);
        assert_eq!(backoff(1000), MAX_BACKOFF);
    }

    #[test]
    fn a_mailer_without_smtp_holds_mail() {
        assert_eq!(Mailer::outbox_only().initial_status(), InitialStatus::Held);
        let url = SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        let from = MailFrom::parse("no-reply@sop-store.example").unwrap();
        assert_eq!(Mailer::smtp(&url, &from).unwrap().initial_status(), InitialStatus::Pending);
    }

    fn outbox_row(list_unsubscribe: Option<&str>) -> mail_outbox::Model {
        let now = Utc::now();
        mail_outbox::Model {
            id: 7,
            kind: "campaign".into(),
            to_address: "ann@example.com".into(),
            subject: "Winter news".into(),
            text_body: "News".into(),
            html_body: "<p>News</p>".into(),
            created_at: now,
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            sent_at: None,
            secret_link: None,
            list_unsubscribe: list_unsubscribe.map(str::to_owned),
        }
    }

    fn headers_of(row: &mail_outbox::Model) -> String {
        let from = MailFrom::parse("SOP Store <no-reply@sop-store.example>").unwrap();
        let message = build_message(&from.0, row).unwrap_or_else(|failure| panic!("{}", failure.class));
        let formatted = String::from_utf8(message.formatted()).unwrap();
        formatted.split("\r\n\r\n").next().unwrap_or_default().to_owned()
    }

    // P22, B08 (RFC 2369, RFC 8058): both headers over https; the link alone over http; none on
    // any other mail.
    #[test]
    fn p22_b08_a_marketing_mail_carries_its_unsubscribe_headers() {
        let value = "<https://shop.example/newsletter/one-click?token=cHJlZg.c2ln>";
        let headers = headers_of(&outbox_row(Some(value)));
        assert!(headers.contains(&format!("\r\nList-Unsubscribe: {value}\r\n")), "{headers}");
        assert!(headers.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), "{headers}");
        let plain = headers_of(&outbox_row(Some("<http://127.0.0.1:3000/newsletter/one-click?token=a>")));
        assert!(plain.contains("List-Unsubscribe: <http://") && !plain.contains("List-Unsubscribe-Post"), "{plain}");
        assert!(!headers_of(&outbox_row(None)).contains("List-Unsubscribe"));
    }
}

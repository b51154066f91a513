//! Marketing campaigns as staff write and follow them (issue 15): the draft and its rules, and
//! what the staff pages show of a campaign being sent. Recipients are never part of a draft:
//! they are chosen from current consent when sending starts (P20).

use super::forms::{FieldError, Validation};
use super::marketing::MarketingTopic;
use serde::{Deserialize, Serialize};

/// The longest subject, in characters: mail programs show about 60; 150 leaves room.
pub const SUBJECT_MAX_CHARS: usize = 150;
/// The largest body, each of text and HTML: far beyond any newsletter, and it keeps a
/// campaign's outbox rows small.
pub const BODY_MAX_BYTES: usize = 100 * 1024;

/// What staff write: parsed once from the form by [`CampaignDraft::parse`], so a campaign
/// that reaches the database has a one-line subject and a known topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDraft {
    pub subject: String,
    pub text_body: String,
    /// What goes inside the e-mail's body; the store adds the page around it and the
    /// unsubscribe footer.
    pub html_body: String,
    pub topic: MarketingTopic,
}

impl CampaignDraft {
    /// The form's fields (`subject`, `text_body`, `html_body`, `topic`), or each field's
    /// problem in plain words.
    pub fn parse(subject: &str, text_body: &str, html_body: &str, topic: &str) -> Result<Self, Vec<FieldError>> {
        let mut form = Validation::default();
        let subject = form.check("subject", parse_subject(subject));
        let text_body = form.check("text_body", parse_body(text_body, "plain-text"));
        let html_body = form.check("html_body", parse_body(html_body, "HTML").and_then(check_html));
        let topic = form.check("topic", MarketingTopic::parse(topic.trim()).ok_or_else(unknown_topic));
        match (subject, text_body, html_body, topic) {
            (Some(subject), Some(text_body), Some(html_body), Some(topic)) if form.is_clean() => {
                Ok(Self { subject, text_body, html_body, topic })
            }
            _ => Err(form.into_errors()),
        }
    }
}

fn parse_subject(raw: &str) -> Result<String, String> {
    let subject = raw.trim();
    if subject.is_empty() {
        return Err("Enter a subject".into());
    }
    // A line break in a subject would start a new mail header (header injection).
    if subject.contains(['\r', '\n']) {
        return Err("Write the subject on one line, without line breaks".into());
    }
    if subject.chars().any(char::is_control) {
        return Err("Remove the tab or other control character from the subject".into());
    }
    if subject.chars().count() > SUBJECT_MAX_CHARS {
        return Err(format!("Enter a subject of {SUBJECT_MAX_CHARS} characters or fewer"));
    }
    Ok(subject.to_owned())
}

fn parse_body(raw: &str, version: &str) -> Result<String, String> {
    // Browsers send CRLF from a text area; the mail is written with LF.
    let body = raw.replace("\r\n", "\n").trim_end().to_owned();
    if body.trim().is_empty() {
        return Err(format!("Enter the {version} version of the e-mail"));
    }
    if body.len() > BODY_MAX_BYTES {
        return Err(format!("The {version} version is too long: keep it under {} KB", BODY_MAX_BYTES / 1024));
    }
    Ok(body)
}

fn check_html(body: String) -> Result<String, String> {
    let lower = body.to_lowercase();
    if lower.contains("<script") {
        return Err("Remove the <script> element: e-mail programs do not run scripts".into());
    }
    if ["<html", "<head", "<body"].iter().any(|tag| lower.contains(tag)) {
        return Err("Enter only what goes inside the e-mail, without <html>, <head> or <body>: the store adds those".into());
    }
    Ok(body)
}

fn unknown_topic() -> String {
    let labels: Vec<&str> = MarketingTopic::ALL.iter().map(|t| t.label()).collect();
    format!("Choose the topic the campaign is for: {}", labels.join(" or "))
}

/// Where a campaign stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CampaignStatus {
    /// Being written: can be changed, previewed and test-sent.
    Draft,
    /// Started: recipients chosen, messages being queued. It can no longer be changed.
    Sending,
    /// Every recipient was sent it or skipped.
    Sent,
}

impl CampaignStatus {
    pub const ALL: [CampaignStatus; 3] = [Self::Draft, Self::Sending, Self::Sent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Sending => "sending",
            Self::Sent => "sent",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Sending => "Sending",
            Self::Sent => "Sent",
        }
    }
}

/// One line of the staff list, and the progress of a campaign being sent. Times are RFC 3339
/// in UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSummary {
    pub id: i32,
    pub subject: String,
    pub topic: MarketingTopic,
    pub status: CampaignStatus,
    /// Recipients chosen so far (every delivery row).
    pub prepared: u64,
    /// Still to be queued.
    pub pending: u64,
    /// Queued in the outbox for sending.
    pub sent: u64,
    /// Withdrew their consent between the start and their turn, so not sent (P20).
    pub skipped: u64,
    pub created_at: String,
    pub started_at: Option<String>,
    /// None while recipients are still being chosen.
    pub prepared_at: Option<String>,
    pub finished_at: Option<String>,
}

impl CampaignSummary {
    /// How far sending has come, 0 to 100.
    pub fn percent_done(&self) -> u8 {
        if self.prepared == 0 {
            return if self.status == CampaignStatus::Sent { 100 } else { 0 };
        }
        let done = (self.sent + self.skipped).min(self.prepared);
        u8::try_from(done * 100 / self.prepared).unwrap_or(100)
    }
}

/// A whole campaign, as its staff page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDetail {
    pub summary: CampaignSummary,
    pub text_body: String,
    pub html_body: String,
    /// The staff member who wrote it (None once their account is gone).
    pub created_by: Option<i32>,
}

impl CampaignDetail {
    /// What the edit form starts from.
    pub fn draft(&self) -> CampaignDraft {
        CampaignDraft {
            subject: self.summary.subject.clone(),
            text_body: self.text_body.clone(),
            html_body: self.html_body.clone(),
            topic: self.summary.topic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(subject: &str, text: &str, html: &str, topic: &str) -> Vec<(String, String)> {
        CampaignDraft::parse(subject, text, html, topic).unwrap_err().into_iter().map(|e| (e.field, e.message)).collect()
    }

    #[test]
    fn a_good_draft_is_parsed_and_tidied() {
        let draft = CampaignDraft::parse("  Winter news ", "Hello\r\nthere\n\n", "<p>Hello</p>", "newsletter").unwrap();
        assert_eq!(draft.subject, "Winter news");
        assert_eq!(draft.text_body, "Hello\nthere");
        assert_eq!(draft.topic, MarketingTopic::Newsletter);
        let long = "é".repeat(SUBJECT_MAX_CHARS);
        assert!(CampaignDraft::parse(&long, "x", "<p>x</p>", "offers").is_ok(), "150 characters, not bytes");
    }

    // Header injection: a subject with a line break would add mail headers of its own.
    #[test]
    fn a_subject_with_a_line_break_is_refused() {
        for subject in ["Sale\r\nBcc: everyone@example.com", "Sale\nnow", "Sale\rnow"] {
            assert_eq!(
                errors(subject, "x", "<p>x</p>", "offers"),
                [("subject".into(), "Write the subject on one line, without line breaks".into())]
            );
        }
        assert_eq!(errors("Tab\there", "x", "<p>x</p>", "offers")[0].0, "subject");
    }

    #[test]
    fn every_problem_is_named_in_plain_words() {
        let found = errors(" ", "", " \n", "everything");
        let fields: Vec<&str> = found.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(fields, ["subject", "text_body", "html_body", "topic"]);
        assert_eq!(found[0].1, "Enter a subject");
        assert_eq!(found[1].1, "Enter the plain-text version of the e-mail");
        assert_eq!(found[3].1, "Choose the topic the campaign is for: The newsletter or Offers and discounts");
        assert!(errors(&"a".repeat(151), "x", "<p>x</p>", "offers")[0].1.contains("150 characters or fewer"));
        let huge = "a".repeat(BODY_MAX_BYTES + 1);
        assert!(errors("Hi", &huge, "<p>x</p>", "offers")[0].1.contains("too long"));
        assert!(errors("Hi", "x", "<p>x</p><SCRIPT>alert(1)</SCRIPT>", "offers")[0].1.contains("<script>"));
        assert!(errors("Hi", "x", "<html><body>x</body></html>", "offers")[0].1.contains("without <html>"));
    }

    #[test]
    fn statuses_round_trip_and_progress_is_a_percentage() {
        for status in CampaignStatus::ALL {
            assert_eq!(CampaignStatus::parse(status.as_str()), Some(status));
        }
        let mut summary = CampaignSummary {
            id: 1,
            subject: "s".into(),
            topic: MarketingTopic::Offers,
            status: CampaignStatus::Sending,
            prepared: 200,
            pending: 100,
            sent: 90,
            skipped: 10,
            created_at: String::new(),
            started_at: None,
            prepared_at: None,
            finished_at: None,
        };
        assert_eq!(summary.percent_done(), 50);
        summary.prepared = 0;
        assert_eq!(summary.percent_done(), 0);
        summary.status = CampaignStatus::Sent;
        assert_eq!(summary.percent_done(), 100, "sent to nobody is done");
    }
}

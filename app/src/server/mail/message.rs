//! One e-mail, rendered and ready to queue.

pub use crate::domain::mail::MailKind;

/// Stands in both bodies of a security mail where its one-time link goes. The bodies are
/// stored (and shown to staff) with this text; the link itself is kept apart in
/// [`OutgoingMail::secret_link`] and put in only by [`for_recipient`], when the message is sent
/// (issue 21, S1: staff must never be able to read a live reset or confirmation link).
pub const SECRET_LINK_PLACEHOLDER: &str = "[one-time link: withheld from the outbox, sent only to the recipient]";

/// A rendered message: built by a function in `templates`, queued with `Mailer::queue`.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    /// With [`SECRET_LINK_PLACEHOLDER`] where a security mail's link goes.
    pub text_body: String,
    pub html_body: String,
    pub kind: MailKind,
    /// The recipient's own link of a security or marketing mail (None for every other kind).
    pub secret_link: Option<String>,
    /// A marketing mail's `List-Unsubscribe` header value (see [`list_unsubscribe`]); kept
    /// apart like `secret_link`, since its link carries the recipient's token.
    pub list_unsubscribe: Option<String>,
}

/// The `List-Unsubscribe` value (RFC 2369) for a one-click unsubscribe address: `<URL>`.
/// Angle brackets, spaces and line breaks cannot occur in a URL the store makes; they are
/// dropped all the same, so no value can end its header early or add another.
pub fn list_unsubscribe(one_click_url: &str) -> String {
    let url: String = one_click_url.chars().filter(|c| !(matches!(c, '<' | '>') || c.is_whitespace() || c.is_control())).collect();
    format!("<{url}>")
}

/// Whether a `List-Unsubscribe` value offers one-click unsubscribing (RFC 8058), so the message
/// also gets `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: only an https address may
/// (a store on a developer's plain-http address gets the link alone).
pub fn offers_one_click(list_unsubscribe: &str) -> bool {
    list_unsubscribe.starts_with("<https://")
}

/// The two bodies as the recipient receives them: the one-time link, if any, in place of the
/// placeholder (escaped for the HTML, where it stands in an attribute and in text).
pub fn for_recipient(text_body: &str, html_body: &str, secret_link: Option<&str>) -> (String, String) {
    match secret_link {
        None => (text_body.to_owned(), html_body.to_owned()),
        Some(link) => {
            let escaped = html_escape::encode_double_quoted_attribute(link);
            (text_body.replace(SECRET_LINK_PLACEHOLDER, link), html_body.replace(SECRET_LINK_PLACEHOLDER, &escaped))
        }
    }
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
            secret_link: Some("https://shop.example/reset?token=secret".into()),
            list_unsubscribe: Some("<https://shop.example/newsletter/one-click?token=secret>".into()),
        };
        let printed = format!("{mail:?}");
        assert!(printed.contains("PasswordReset"), "{printed}");
        for private in ["jane", "your password", "secret"] {
            assert!(!printed.contains(private), "{printed}");
        }
    }

    // S1: the link goes only into what is sent, escaped in the HTML.
    #[test]
    fn s1_the_secret_link_is_filled_in_only_for_the_recipient() {
        let text = format!("Follow:\n{SECRET_LINK_PLACEHOLDER}\n");
        let html = format!("<a href=\"{SECRET_LINK_PLACEHOLDER}\">{SECRET_LINK_PLACEHOLDER}</a>");
        let (sent_text, sent_html) = for_recipient(&text, &html, Some("https://shop.example/r?token=a&b=\"c"));
        assert_eq!(sent_text, "Follow:\nhttps://shop.example/r?token=a&b=\"c\n");
        assert_eq!(sent_html, "<a href=\"https://shop.example/r?token=a&amp;b=&quot;c\">https://shop.example/r?token=a&amp;b=&quot;c</a>");
        assert_eq!(for_recipient(&text, &html, None), (text.clone(), html.clone()), "no secret, nothing to fill in");
    }

    // P22, RFC 8058: one-click only over https, and a value can never break out of its header.
    #[test]
    fn p22_list_unsubscribe_is_one_bracketed_https_address() {
        let value = list_unsubscribe("https://shop.example/newsletter/one-click?token=a.b");
        assert_eq!(value, "<https://shop.example/newsletter/one-click?token=a.b>");
        assert!(offers_one_click(&value));
        assert!(!offers_one_click(&list_unsubscribe("http://127.0.0.1:3000/newsletter/one-click?token=a")));
        assert_eq!(list_unsubscribe("https://x.example/a>\r\nBcc: y"), "<https://x.example/aBcc:y>");
    }
}

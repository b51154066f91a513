//! The store's e-mails, one function per kind. Each renders a plain-text and an HTML body from
//! the same paragraphs, so the two never say different things; every value is escaped in the
//! HTML, and a link appears in both (as a button and as copyable text in the HTML).

use super::message::{MailKind, OutgoingMail, SECRET_LINK_PLACEHOLDER};
use crate::domain::campaign::CampaignDraft;
use crate::domain::orders::OrderDetail;
use std::time::Duration;

/// Who the e-mails come from, in their wording and signature.
const STORE: &str = "SOP Store";

/// Asks a new customer to confirm their address; `link` carries the verification token.
pub fn email_verification(to: &str, name: &str, link: &str, valid_for: Duration) -> OutgoingMail {
    Letter::to(name)
        .paragraph(&format!(
            "Thank you for creating an account with {STORE}. Please confirm that this is your e-mail address by following the link below."
        ))
        .secret_action("Confirm my e-mail address", link)
        .paragraph(&format!("The link stays valid for {}.", describe(valid_for)))
        .paragraph("If you did not create an account, you can ignore this e-mail: nothing happens without your confirmation.")
        .finish(MailKind::EmailVerification, to, &format!("Please confirm your e-mail address for {STORE}"))
}

/// Lets a customer who forgot their password choose a new one.
pub fn password_reset(to: &str, name: &str, link: &str, valid_for: Duration) -> OutgoingMail {
    Letter::to(name)
        .paragraph(&format!(
            "We received a request to reset the password of your {STORE} account. To choose a new password, follow the link below."
        ))
        .secret_action("Choose a new password", link)
        .paragraph(&format!("The link stays valid for {} and works only once.", describe(valid_for)))
        .paragraph("If you did not ask for this, you can ignore this e-mail: your password has not been changed.")
        .finish(MailKind::PasswordReset, to, &format!("Reset your {STORE} password"))
}

/// Sent to the new address when a customer changes theirs; the change takes effect only once
/// they follow the link, which proves they can read mail there.
pub fn email_change_confirmation(to_new_address: &str, name: &str, link: &str, valid_for: Duration) -> OutgoingMail {
    Letter::to(name)
        .paragraph(&format!("You asked to use this e-mail address for your {STORE} account. To confirm the change, follow the link below."))
        .secret_action("Confirm my new e-mail address", link)
        .paragraph(&format!("The link stays valid for {}. Until you confirm, we keep using your current address.", describe(valid_for)))
        .paragraph("If you did not ask for this, you can ignore this e-mail: your account has not been changed.")
        .finish(MailKind::EmailChangeConfirmation, to_new_address, &format!("Confirm your new e-mail address for {STORE}"))
}

/// Tells the old address that the account now uses another one (which it does not reveal).
pub fn email_changed_notice(to_old_address: &str, name: &str) -> OutgoingMail {
    Letter::to(name)
        .paragraph(&format!(
            "The e-mail address of your {STORE} account has just been changed, so we will no longer write to this address about it."
        ))
        .paragraph("If you made this change, there is nothing more to do.")
        .paragraph("If you did not, someone else may have access to your account: please contact our customer service straight away.")
        .finish(MailKind::EmailChangedNotice, to_old_address, &format!("The e-mail address of your {STORE} account has changed"))
}

/// Tells a customer their password was changed, so an unexpected change does not go unnoticed.
pub fn password_changed_notice(to: &str, name: &str) -> OutgoingMail {
    Letter::to(name)
        .paragraph(&format!("The password of your {STORE} account has just been changed."))
        .paragraph("If you made this change, there is nothing more to do.")
        .paragraph(
            "If you did not, please choose a new password with \"Forgotten your password?\" on the sign-in page and contact our customer service straight away.",
        )
        .finish(MailKind::PasswordChangedNotice, to, &format!("Your {STORE} password has been changed"))
}

/// To an address that already has an account, when someone tries to register it again: the
/// owner learns of it, and the registration form never reveals who has an account.
pub fn already_registered(to: &str, name: &str, sign_in_link: &str, reset_link: &str) -> OutgoingMail {
    Letter::to(name)
        .paragraph(&format!("Someone tried to create a {STORE} account with this e-mail address, which already has one."))
        .paragraph("If it was you, you can sign in with your existing account:")
        .action("Sign in", sign_in_link)
        .paragraph("Forgotten your password? You can choose a new one here:")
        .action("Choose a new password", reset_link)
        .paragraph("If it was not you, you can ignore this e-mail: nothing has changed.")
        .finish(MailKind::AlreadyRegistered, to, &format!("You already have a {STORE} account"))
}

/// Confirms a placed order: what was bought, what it cost, and a link to the order page
/// (which carries a signed key, so a guest can open it without an account).
pub fn order_confirmation(to: &str, name: &str, order: &OrderDetail, link: &str) -> OutgoingMail {
    let number = &order.summary.number;
    let mut letter =
        Letter::to(name).paragraph(&format!("Thank you for your order. Your order number is {number}: please quote it if you contact us."));
    for line in &order.lines {
        letter = letter.paragraph(&format!("{} × {}: {}", line.quantity, line.name, line.line_total));
    }
    letter
        .paragraph(&format!(
            "{}: {}. Total paid: {} (including VAT of {}), by {}.",
            order.delivery_method.label(),
            order.totals.delivery,
            order.totals.total,
            order.totals.vat,
            order.payment
        ))
        .paragraph(&format!("We will deliver to: {}.", order.delivery.lines().join(", ")))
        .action("View your order", link)
        .paragraph("We will write again when your order is on its way.")
        .finish(MailKind::OrderConfirmation, to, &format!("Your {STORE} order {number}"))
}

/// Tells the shopper their order has left the warehouse.
pub fn order_dispatched(to: &str, name: &str, number: &str, method: &str, link: &str) -> OutgoingMail {
    Letter::to(name)
        .paragraph(&format!("Good news: your order {number} is on its way by {}.", method.to_lowercase()))
        .action("View your order", link)
        .finish(MailKind::OrderDispatched, to, &format!("Your {STORE} order {number} is on its way"))
}

/// S4: signs in an account that is locked after wrong guesses, for the person who gave its
/// right password; whoever made the guesses never sees this mail.
pub fn sign_in_link(to: &str, name: &str, link: &str, valid_for: Duration) -> OutgoingMail {
    Letter::to(name)
        .paragraph(&format!(
            "Your {STORE} account is locked for a while because someone typed a wrong password for it several times. \
             You have just given the right password, so you can still sign in with the link below."
        ))
        .secret_action("Sign in to my account", link)
        .paragraph(&format!("The link stays valid for {} and works only once.", describe(valid_for)))
        .paragraph(
            "If you did not just try to sign in, someone else knows your password: please choose a new one with \"Forgotten your password?\" on the sign-in page straight away.",
        )
        .finish(MailKind::SignInLink, to, &format!("Your {STORE} sign-in link"))
}

/// B07: the one e-mail a newsletter sign-up gets until its owner confirms it. An address that
/// is already subscribed gets it too, so the form never tells who is subscribed.
pub fn newsletter_confirmation(to: &str, link: &str, valid_for: Duration) -> OutgoingMail {
    Letter::to("")
        .paragraph(&format!("Someone, hopefully you, asked to receive the {STORE} newsletter at this address."))
        .paragraph(crate::domain::marketing::NEWSLETTER_PROMISE)
        .paragraph("If that is what you want, confirm it with the link below. Until you do, we send you nothing else.")
        .secret_action("Yes, subscribe me", link)
        .paragraph(&format!("The link stays valid for {}.", describe(valid_for)))
        .paragraph("If you did not ask for this, ignore this e-mail: you will not be subscribed, and we will not write again.")
        .finish(MailKind::NewsletterConfirmation, to, &format!("Please confirm your {STORE} newsletter subscription"))
}

/// A fresh link to an address's marketing choices, for someone who asked for one by e-mail
/// (P21: they can change or withdraw consent without an account or an old e-mail).
pub fn marketing_preferences_link(to: &str, link: &str) -> OutgoingMail {
    Letter::to("")
        .paragraph(&format!("You asked for a link to choose which {STORE} e-mails this address receives, or to stop them all."))
        .secret_action("Choose my e-mails", link)
        .paragraph("If you did not ask for this, you can ignore this e-mail: nothing has changed.")
        .finish(MailKind::MarketingPreferencesLink, to, &format!("Your {STORE} e-mail choices"))
}

/// A campaign as one recipient gets it (P20, P22): staff's text and HTML as written, then,
/// at the bottom of both, why the address gets it and its own link to unsubscribe or choose
/// topics. That link (`preferences_link`) travels apart from the stored bodies like a security
/// mail's, and `one_click_link` goes into the `List-Unsubscribe` header.
pub fn campaign(to: &str, draft: &CampaignDraft, preferences_link: &str, one_click_link: &str) -> OutgoingMail {
    let why = format!(
        "You are receiving this e-mail because you chose to get \u{201c}{}\u{201d} from {STORE} at this address.",
        draft.topic.label()
    );
    const LEAVE: &str = "Unsubscribe, or choose which e-mails you get";
    let link = SECRET_LINK_PLACEHOLDER;
    let text_body = format!("{}\n\n--\n{why}\n{LEAVE}:\n{link}\n", draft.text_body);
    let footer = format!(
        "<p style=\"{FOOTNOTE}border-top:1px solid #dddddd;padding-top:16px;\">{}<br>\
         <a href=\"{link}\">{LEAVE}</a>: <a href=\"{link}\" style=\"word-break:break-all;\">{link}</a></p>\n",
        escape_text(&why)
    );
    OutgoingMail {
        to: to.to_owned(),
        subject: draft.subject.clone(),
        text_body,
        html_body: html_page(&draft.subject, &format!("{}\n{footer}", draft.html_body)),
        kind: MailKind::Campaign,
        secret_link: Some(preferences_link.to_owned()),
        list_unsubscribe: Some(super::message::list_unsubscribe(one_click_link)),
    }
}

/// "30 minutes", "1 hour", "24 hours", "7 days": how long a link stays valid, in words.
pub fn describe(valid_for: Duration) -> String {
    const DAY: u64 = 24 * 60;
    let minutes = valid_for.as_secs().div_ceil(60).max(1);
    let (count, unit) = if minutes >= 2 * DAY && minutes.is_multiple_of(DAY) {
        (minutes / DAY, "day")
    } else if minutes.is_multiple_of(60) {
        (minutes / 60, "hour")
    } else {
        (minutes, "minute")
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// Both bodies of one e-mail, written paragraph by paragraph.
struct Letter {
    text: String,
    html: String,
    secret_link: Option<String>,
}

const PARAGRAPH: &str = "margin:0 0 16px 0;";
const FOOTNOTE: &str = "margin:24px 0 0 0;font-size:13px;color:#555555;";
const BUTTON: &str = "display:inline-block;padding:12px 20px;background:#1d4f91;color:#ffffff;\
                      text-decoration:none;border-radius:4px;font-weight:bold;";

impl Letter {
    fn to(name: &str) -> Self {
        let greeting = match name.trim() {
            "" => "Hello,".to_owned(),
            name => format!("Hello {name},"),
        };
        Self { text: String::new(), html: String::new(), secret_link: None }.paragraph(&greeting)
    }

    fn paragraph(mut self, text: &str) -> Self {
        self.text.push_str(text);
        self.text.push_str("\n\n");
        self.html.push_str(&format!("<p style=\"{PARAGRAPH}\">{}</p>\n", escape_text(text)));
        self
    }

    /// A button in the HTML, plus the address itself, since some mail programs hide buttons.
    fn action(mut self, label: &str, link: &str) -> Self {
        self.text.push_str(&format!("{label}:\n{link}\n\n"));
        let (href, shown) = (escape_attribute(link), escape_text(link));
        self.html.push_str(&format!(
            "<p style=\"{PARAGRAPH}\"><a href=\"{href}\" style=\"{BUTTON}\">{}</a></p>\n\
             <p style=\"{PARAGRAPH}font-size:14px;\">If the button does not work, copy this address into your browser:<br>\
             <a href=\"{href}\" style=\"word-break:break-all;\">{shown}</a></p>\n",
            escape_text(label)
        ));
        self
    }

    /// An action whose link is a one-time secret (a confirmation or reset token): the bodies
    /// get the placeholder, and the link travels apart until the message is sent (S1).
    fn secret_action(mut self, label: &str, link: &str) -> Self {
        self.secret_link = Some(link.to_owned());
        self.action(label, SECRET_LINK_PLACEHOLDER)
    }

    fn finish(mut self, kind: MailKind, to: &str, subject: &str) -> OutgoingMail {
        const AUTOMATIC: &str = "This is an automatic message: replies to this address are not read.";
        self.text.push_str(&format!("Kind regards,\n{STORE}\n\n--\n{AUTOMATIC}\n"));
        let body = format!("{}<p style=\"{PARAGRAPH}\">Kind regards,<br>{STORE}</p>\n<p style=\"{FOOTNOTE}\">{AUTOMATIC}</p>\n", self.html);
        OutgoingMail {
            to: to.to_owned(),
            subject: subject.to_owned(),
            text_body: self.text,
            html_body: html_page(subject, &body),
            kind,
            secret_link: self.secret_link,
            list_unsubscribe: None,
        }
    }
}

/// The HTML document around a message's body: one narrow column, readable in any mail program.
fn html_page(subject: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n</head>\n\
         <body style=\"margin:0;padding:24px;background:#f4f4f4;\">\n\
         <div style=\"max-width:560px;margin:0 auto;padding:24px;background:#ffffff;color:#1d1d1d;\
         font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;\">\n\
         {body}</div>\n</body>\n</html>\n",
        title = escape_text(subject),
    )
}

fn escape_text(value: &str) -> String {
    html_escape::encode_text(value).into_owned()
}

fn escape_attribute(value: &str) -> String {
    html_escape::encode_double_quoted_attribute(value).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);
    const HOSTILE_NAME: &str = "<script>alert(\"x\")</script> & Co";
    const HOSTILE_LINK: &str = "https://shop.example/verify?token=a&next=\"><img src=x>";

    fn every_kind(name: &str, link: &str) -> Vec<OutgoingMail> {
        vec![
            email_verification("jane@example.com", name, link, 24 * HOUR),
            password_reset("jane@example.com", name, link, HOUR),
            email_change_confirmation("new@example.com", name, link, 24 * HOUR),
            email_changed_notice("old@example.com", name),
            password_changed_notice("jane@example.com", name),
            already_registered("jane@example.com", name, link, link),
            order_confirmation("jane@example.com", name, &sample_order(name), link),
            order_dispatched("jane@example.com", name, "SOP-ABCD-EFGH", "Standard delivery", link),
            sign_in_link("jane@example.com", name, link, HOUR / 4),
            newsletter_confirmation("jane@example.com", link, 7 * 24 * HOUR),
            marketing_preferences_link("jane@example.com", link),
            campaign("jane@example.com", &sample_campaign(name), link, "https://shop.example/newsletter/one-click?token=t"),
        ]
    }

    /// A campaign whose subject and text carry `name`; its HTML is staff's own markup.
    fn sample_campaign(name: &str) -> CampaignDraft {
        CampaignDraft {
            subject: format!("News for {name}"),
            text_body: format!("Dear {name},\n\nOur winter range is here."),
            html_body: "<p>Our <strong>winter range</strong> is here.</p>".into(),
            topic: crate::domain::marketing::MarketingTopic::Newsletter,
        }
    }

    fn sample_order(name: &str) -> OrderDetail {
        use crate::domain::address::{AddressKind, PostalAddress};
        use crate::domain::checkout::{DeliveryMethod, OrderTotals};
        use crate::domain::money::Money;
        use crate::domain::orders::{OrderLineView, OrderStatus, OrderSummary};
        let address = PostalAddress {
            kind: AddressKind::Delivery,
            full_name: name.to_owned(),
            line1: "1 High Street".into(),
            line2: None,
            city: "Leeds".into(),
            postcode: "LS1 1AA".into(),
            country: "United Kingdom".into(),
            is_default: false,
        };
        OrderDetail {
            summary: OrderSummary {
                number: "SOP-ABCD-EFGH".into(),
                status: OrderStatus::Paid,
                placed_at: String::new(),
                item_count: 2,
                total: Money::from_pence(7295),
                name: name.into(),
                email: "jane@example.com".into(),
            },
            telephone: "0161 496 0000".into(),
            lines: vec![OrderLineView {
                slug: "kettle".into(),
                name: "Copper Kettle".into(),
                unit_price: Money::from_pence(3450),
                quantity: 2,
                line_total: Money::from_pence(6900),
            }],
            billing: address.clone(),
            delivery: address,
            delivery_method: DeliveryMethod::Standard,
            totals: OrderTotals::new(Money::from_pence(6900), DeliveryMethod::Standard),
            payment: "Visa ending 4242, expires 12/30".into(),
            legal_basis: "contract".into(),
            retain_until: String::new(),
            next_statuses: vec![],
        }
    }

    #[test]
    fn an_order_confirmation_lists_the_order_and_never_a_card_number() {
        let mail = order_confirmation("jane@example.com", "Jane", &sample_order("Jane"), "https://shop.example/orders/SOP-ABCD-EFGH?key=k");
        assert_eq!(mail.subject, "Your SOP Store order SOP-ABCD-EFGH");
        for expected in [
            "SOP-ABCD-EFGH",
            "2 × Copper Kettle: £69.00",
            "Total paid: £69.00 (including VAT of £11.50), by Visa ending 4242",
            "orders/SOP-ABCD-EFGH?key=k",
        ] {
            assert!(mail.text_body.contains(expected), "{expected} in {}", mail.text_body);
        }
    }

    #[test]
    fn every_value_is_escaped_in_the_html() {
        for mail in every_kind(HOSTILE_NAME, HOSTILE_LINK) {
            assert!(!mail.html_body.contains("<script>"), "{:?}: {}", mail.kind, mail.html_body);
            assert!(!mail.html_body.contains("<img"), "{:?}: {}", mail.kind, mail.html_body);
            // Newsletter mails go to an address and greet nobody by name.
            if matches!(mail.kind, MailKind::NewsletterConfirmation | MailKind::MarketingPreferencesLink) {
                continue;
            }
            assert!(mail.html_body.contains("&lt;script&gt;"), "{:?}", mail.kind);
            assert!(mail.html_body.contains("&amp; Co"), "{:?}", mail.kind);
            // The plain-text body shows values exactly as given.
            assert!(mail.text_body.contains(HOSTILE_NAME), "{:?}", mail.kind);
        }
        let mail = password_reset("jane@example.com", "Jane", HOSTILE_LINK, HOUR);
        let (_, html_body) = super::super::message::for_recipient(&mail.text_body, &mail.html_body, mail.secret_link.as_deref());
        assert!(html_body.contains("href=\"https://shop.example/verify?token=a&amp;next=&quot;&gt;&lt;img src=x&gt;\""), "{html_body}");
    }

    #[test]
    fn both_bodies_contain_the_link() {
        let link = "https://shop.example/account/verify?token=abc123";
        let with_links = every_kind("Jane", link)
            .into_iter()
            .filter(|m| !matches!(m.kind, MailKind::EmailChangedNotice | MailKind::PasswordChangedNotice));
        for mail in with_links {
            let (text_body, html_body) =
                super::super::message::for_recipient(&mail.text_body, &mail.html_body, mail.secret_link.as_deref());
            assert!(text_body.contains(link), "{:?}", mail.kind);
            assert!(html_body.contains(&format!("href=\"{link}\"")), "{:?}", mail.kind);
            assert!(html_body.contains(&format!(">{link}</a>")), "{:?}: copyable too", mail.kind);
        }
    }

    // S1: a confirmation, reset, e-mail change or sign-in link is never part of the stored
    // bodies that staff can read; every other kind keeps its links in the body.
    #[test]
    fn s1_security_mails_keep_their_link_out_of_the_stored_bodies() {
        let link = "https://shop.example/account/verify?token=abc123";
        for mail in every_kind("Jane", link) {
            let secret = matches!(
                mail.kind,
                MailKind::EmailVerification
                    | MailKind::PasswordReset
                    | MailKind::EmailChangeConfirmation
                    | MailKind::SignInLink
                    | MailKind::NewsletterConfirmation
                    | MailKind::MarketingPreferencesLink
                    | MailKind::Campaign
            );
            assert_eq!(mail.secret_link.is_some(), secret, "{:?}", mail.kind);
            if secret {
                assert!(!mail.text_body.contains("token") && !mail.html_body.contains("token"), "{:?}: {}", mail.kind, mail.text_body);
                assert!(mail.text_body.contains(SECRET_LINK_PLACEHOLDER), "{:?}", mail.kind);
            }
        }
    }

    #[test]
    fn each_kind_is_addressed_greeted_and_signed() {
        // A campaign is staff's own words from its first line (its own test is below).
        for mail in every_kind("Jane", "https://shop.example/x").into_iter().filter(|m| m.kind != MailKind::Campaign) {
            // Newsletter mails go to an address, not to a person the store knows by name.
            let greeting = match mail.kind {
                MailKind::NewsletterConfirmation | MailKind::MarketingPreferencesLink => "Hello,",
                _ => "Hello Jane,",
            };
            assert!(mail.text_body.starts_with(&format!("{greeting}\n\n")), "{:?}", mail.kind);
            assert!(mail.text_body.contains("Kind regards,\nSOP Store"), "{:?}", mail.kind);
            assert!(mail.html_body.contains(greeting), "{:?}", mail.kind);
            assert!(mail.subject.contains("SOP Store"), "{:?}", mail.kind);
        }
        let kinds: Vec<MailKind> = every_kind("Jane", "x").iter().map(|m| m.kind).collect();
        assert_eq!(kinds, MailKind::ALL.to_vec());
        assert_eq!(email_change_confirmation("new@example.com", "", "x", HOUR).to, "new@example.com");
        assert_eq!(email_changed_notice("old@example.com", "").to, "old@example.com");
        assert!(password_changed_notice("a@example.com", "  ").text_body.starts_with("Hello,\n"));
    }

    #[test]
    fn links_say_how_long_they_stay_valid() {
        assert!(email_verification("a@example.com", "A", "x", 24 * HOUR).text_body.contains("valid for 24 hours."));
        assert!(password_reset("a@example.com", "A", "x", HOUR).html_body.contains("valid for 1 hour and works only once"));
        assert_eq!(describe(Duration::from_secs(30 * 60)), "30 minutes");
        assert_eq!(describe(Duration::from_secs(90)), "2 minutes");
        assert_eq!(describe(Duration::from_secs(0)), "1 minute");
        assert_eq!(describe(2 * HOUR), "2 hours");
        assert_eq!(describe(7 * 24 * HOUR), "7 days");
    }

    #[test]
    fn the_email_changed_notice_does_not_reveal_the_new_address() {
        let mail = email_changed_notice("old@example.com", "Jane");
        assert!(!mail.text_body.contains('@'), "{}", mail.text_body);
    }

    // P22: a campaign ends, in both bodies, with why the address gets it and its own link to
    // unsubscribe; the link and the one-click header travel apart from the stored bodies.
    #[test]
    fn p22_a_campaign_ends_with_its_unsubscribe_link() {
        let link = "https://shop.example/newsletter/preferences?token=abc";
        let mail = campaign("jane@example.com", &sample_campaign("Jane"), link, "https://shop.example/newsletter/one-click?token=abc");
        assert_eq!((mail.kind, mail.subject.as_str()), (MailKind::Campaign, "News for Jane"));
        assert_eq!(mail.list_unsubscribe.as_deref(), Some("<https://shop.example/newsletter/one-click?token=abc>"));
        assert!(!mail.text_body.contains("token") && !mail.html_body.contains("token"), "kept apart: {}", mail.text_body);
        let (text, html) = super::super::message::for_recipient(&mail.text_body, &mail.html_body, mail.secret_link.as_deref());
        assert!(text.starts_with("Dear Jane,\n\nOur winter range is here.\n\n--\n"), "{text}");
        assert!(text.trim_end().ends_with(link), "the link is at the bottom: {text}");
        assert!(text.contains("chose to get \u{201c}The newsletter\u{201d}"), "{text}");
        assert!(html.contains("<p>Our <strong>winter range</strong> is here.</p>"), "staff's HTML as written");
        let footer = &html[html.find("border-top").expect("a footer")..];
        assert!(footer.contains(&format!("href=\"{link}\">Unsubscribe, or choose which e-mails you get</a>")), "{footer}");
        assert!(html.find("winter range") < html.find(link), "the link comes after the content");
    }
}

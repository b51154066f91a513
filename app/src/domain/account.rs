//! The account holder's details (P04: name, e-mail, telephone; addresses live in `address`),
//! parsed once at the edge so invalid values never reach the database.

use serde::{Deserialize, Serialize};

/// An e-mail address, trimmed and lower-cased so one mailbox is one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter your email address".into());
        }
        if email.len() > Self::MAX_LEN {
            return Err("Enter an email address of 254 characters or fewer".into());
        }
        let invalid = || "Enter an email address in the correct format, like name@example.com".to_owned();
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        if !(is_dot_atom(local) && is_host_name(domain)) {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The local part as RFC 5321 writes it unquoted (a dot-atom): letters, digits and
/// ``!#$%&'*+-/=?^_`{|}~``, in runs joined by single dots. Quoted local parts, comments and
/// non-ASCII are refused: some mailers cannot send to them, and no shopper needs them. This is
/// a strict subset of what the mailer accepts (issue 21: `a(b@example.com` used to pass here
/// and fail only when the mail was sent).
fn is_dot_atom(local: &str) -> bool {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    local.len() <= 64 && local.split('.').all(|atom| !atom.is_empty() && atom.chars().all(atext))
}

/// A domain name of at least two labels, each of ASCII letters, digits and inner hyphens, at
/// most 63 characters (RFC 1035). Address literals (`[192.0.2.1]`) are refused.
fn is_host_name(domain: &str) -> bool {
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    domain.len() <= 253 && domain.contains('.') && domain.split('.').all(label_ok)
}

/// A person's name as they write it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err("Enter your full name".into());
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err("Enter a name of 100 characters or fewer".into());
        }
        if name.chars().any(char::is_control) {
            return Err("Enter a name using letters, spaces and punctuation only".into());
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A telephone number: optional (P04 allows it, nothing requires it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Telephone(String);

impl Telephone {
    /// An empty field means "no telephone number".
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        let number = raw.trim();
        if number.is_empty() {
            return Ok(None);
        }
        let allowed = number.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c));
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let plus_ok = number.rfind('+').is_none_or(|at| at == 0);
        if !allowed || !plus_ok || !(7..=15).contains(&digits) || number.len() > 32 {
            return Err("Enter a telephone number, like 01632 960 001 or +44 808 157 0192".into());
        }
        Ok(Some(Self(number.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password a new or changed account may use: long enough, and not one of the passwords
/// that attackers try first. (NIST SP 800-63B: length and a blocklist, no composition rules.)
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str, email: Option<&EmailAddress>) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars == 0 {
            return Err("Enter a password".into());
        }
        if chars < Self::MIN_CHARS {
            return Err(format!("Password must be {} characters or more", Self::MIN_CHARS));
        }
        if chars > Self::MAX_CHARS {
            return Err(format!("Password must be {} characters or fewer", Self::MAX_CHARS));
        }
        let folded = raw.to_lowercase();
        if is_common_password(&folded)
            || email.is_some_and(|e| folded.contains(e.as_str()) || folded == e.as_str().split('@').next().unwrap_or(""))
        {
            return Err("Choose a password that is harder to guess: this one is common or contains your email address".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// Passwords of 12 or more characters that top the published breach lists, plus any password
/// made of one repeated character or a keyboard run.
fn is_common_password(folded: &str) -> bool {
    const COMMON: &[&str] = &[
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456789123",
        "111111111111",
        "000000000000",
        "qwertyuiopas",
        "qwertyuiop123",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "zaq12wsxcde3",
        "passwordpassword",
        "password1234",
        "password12345",
        "password123456",
        "password123!",
        "passw0rd1234",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "welcome123456",
        "administrator",
        "changeme1234",
        "abcdefghijkl",
        "abcd12345678",
        "abc123456789",
        "football1234",
        "baseball1234",
        "sunshine1234",
        "princess1234",
        "dragon123456",
        "monkey123456",
        "superman1234",
        "trustno11234",
        "starwars1234",
        "correcthorsebatterystaple",
        "mypassword123",
        "secretpassword",
        "thisismypassword",
        "sopstore1234",
        "sop-store-password",
    ];
    if COMMON.contains(&folded) {
        return true;
    }
    let mut chars = folded.chars();
    let first = chars.next();
    if first.is_some() && chars.all(|c| Some(c) == first) {
        return true;
    }
    const RUNS: &[&str] = &["0123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm"];
    RUNS.iter().any(|run| run.contains(folded))
}

/// What an account may do. Customers see only their own data; staff also see the staff area;
/// admins also manage staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Customer,
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Staff => "staff",
            Self::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "customer" => Some(Self::Customer),
            "staff" => Some(Self::Staff),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Self::Staff | Self::Admin)
    }
}

/// S11: what the two-factor page (`/account/two-factor`) asks of a signed-in session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecondFactorStep {
    /// A customer's account: the password is enough.
    NotNeeded,
    /// This session has confirmed its second factor already.
    Confirmed,
    /// No authenticator app yet: add this setup key (base32, grouped for typing) or link to
    /// one, then enter the code it shows.
    Enrol { secret: String, otpauth_uri: String },
    /// Enter the code the authenticator app shows now.
    Code,
}

/// One of the account holder's live sessions, as `/account/sessions` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub started: String,
    pub last_seen: String,
    /// The browser family at sign-in ("Chrome"), or "unknown".
    pub browser: String,
    /// The session of the browser looking at the list.
    pub this_browser: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(EmailAddress::parse("  Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "ann@@example.com",
            "a b@example.com",
            "ann@exa mple.com",
            "ann@.example.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(EmailAddress::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    // issue 21: bad input. What the mailer cannot send to is refused at the form.
    #[test]
    fn issue21_emails_the_mailer_cannot_send_to_are_refused() {
        for bad in [
            "a(b@example.com",
            "a)b@example.com",
            "a,b@example.com",
            "a;b@example.com",
            "a:b@example.com",
            "a<b@example.com",
            "a\\b@example.com",
            "a[b]@example.com",
            "\"ann\"@example.com",
            ".ann@example.com",
            "ann.@example.com",
            "an..n@example.com",
            "ann@-example.com",
            "ann@example-.com",
            "ann@exa_mple.com",
            "ann@[192.0.2.1]",
            "ann@example..com",
            "ann@example.com.",
            "ann\0@example.com",
            "ann@example.com\0",
            "jöran@example.com",
            "ann@bücher.de",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} should be refused");
        }
        for good in [
            "ann@example.com",
            "o'neil@example.co.uk",
            "ann+shop@mail.example.com",
            "a.b.c@x-y.example",
            "!#$%&'*+-/=?^_`{|}~@example.com",
            "1@2.example",
        ] {
            assert!(EmailAddress::parse(good).is_ok(), "{good:?} should be accepted");
        }
        assert!(EmailAddress::parse(&format!("{}@example.com", "a".repeat(65))).is_err(), "local part over 64");
        assert!(EmailAddress::parse(&format!("ann@{}.com", "a".repeat(64))).is_err(), "label over 63");
    }

    /// The rule above is checked against the mailer's own parser: whatever it accepts, lettre
    /// accepts too (lettre is the server's; the rule itself is plain code for the wasm build).
    #[cfg(feature = "ssr")]
    #[test]
    fn issue21_every_accepted_email_is_one_the_mailer_accepts() {
        use std::str::FromStr;
        let tricky = [
            "ann@example.com",
            "a(b@example.com",
            "a)b@example.com",
            "a b@example.com",
            "\"a b\"@example.com",
            "a\\b@example.com",
            "a,b@example.com",
            "a;b@example.com",
            "a:b@example.com",
            "a<b>@example.com",
            "a[b]@example.com",
            "a\"b@example.com",
            ".a@example.com",
            "a.@example.com",
            "a..b@example.com",
            "a@example",
            "a@-x.com",
            "a@x-.com",
            "a@x_y.com",
            "a@[127.0.0.1]",
            "a@127.0.0.1",
            "a@x..com",
            "a@.x.com",
            "a@x.com.",
            "a\0@example.com",
            "a\t@example.com",
            "a\n@example.com",
            "jöran@example.com",
            "a@bücher.de",
            "o'neil@example.co.uk",
            "ann+shop@mail.example.com",
            "!#$%&'*+-/=?^_`{|}~@example.com",
            "1@2.example",
            "a@b.c",
            "@example.com",
            "a@",
            "a@@example.com",
            "a@b@example.com",
        ];
        for address in tricky {
            if let Ok(parsed) = EmailAddress::parse(address) {
                assert!(lettre::Address::from_str(parsed.as_str()).is_ok(), "{address:?} is accepted here but the mailer refuses it");
            }
        }
        assert!(lettre::Address::from_str("a(b@example.com").is_err(), "the case from the review");
    }

    #[test]
    fn names_are_required_and_tidied() {
        assert_eq!(PersonName::parse("  Ann   Smith ").unwrap().as_str(), "Ann Smith");
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"x".repeat(101)).is_err());
    }

    // P04: the telephone number is optional.
    #[test]
    fn p04_telephone_is_optional_but_checked_when_given() {
        assert_eq!(Telephone::parse_optional("  "), Ok(None));
        assert_eq!(Telephone::parse_optional("+44 808 157 0192").unwrap().unwrap().as_str(), "+44 808 157 0192");
        assert!(Telephone::parse_optional("01632 960 001").unwrap().is_some());
        for bad in ["12345", "call me", "44+123456789", "1234567890123456"] {
            assert!(Telephone::parse_optional(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_and_must_not_be_common() {
        let email = EmailAddress::parse("ann@example.com").unwrap();
        assert!(NewPassword::parse("correct horse battery", Some(&email)).is_ok());
        assert_eq!(NewPassword::parse("short", None).unwrap_err(), "Password must be 12 characters or more");
        assert!(NewPassword::parse("Password1234", None).is_err(), "common, whatever the case");
        assert!(NewPassword::parse("aaaaaaaaaaaaaaa", None).is_err(), "one repeated character");
        assert!(NewPassword::parse("3456789012345", None).is_err(), "a keyboard run");
        assert!(NewPassword::parse("ann@example.com!!", Some(&email)).is_err(), "contains the email");
        assert!(NewPassword::parse(&"x1".repeat(65), None).is_err(), "too long");
        assert_eq!(format!("{:?}", NewPassword::parse("correct horse battery", None).unwrap()), "NewPassword(<redacted>)");
    }

    #[test]
    fn roles_round_trip() {
        for role in [Role::Customer, Role::Staff, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(!Role::Customer.is_staff());
        assert!(Role::Admin.is_staff());
    }
}

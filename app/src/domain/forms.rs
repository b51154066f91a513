//! What a form submission comes back with: saved, or the fields in error with the values the
//! shopper typed, so nothing is lost (GOV.UK error-summary pattern).

use serde::{Deserialize, Serialize};

/// One problem with one field; `field` is the input's `name` (and its element id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_owned(), message: message.into() }
    }
}

/// The answer to a form post. Field errors are an expected outcome, not a failure, so they
/// travel in an `Ok` reply; a failure of the store itself is the capability's error type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormReply {
    /// Which form this answers (a form's `name`), so a page with several forms shows the
    /// errors at the right one.
    pub form: String,
    pub errors: Vec<FieldError>,
    /// What was typed, field by field, to show again after an error. Never passwords.
    pub values: Vec<(String, String)>,
    /// A confirmation to show when there are no errors.
    pub notice: Option<String>,
    /// Where to go next after a success (a path of this site).
    pub redirect: Option<String>,
}

impl FormReply {
    pub fn saved(form: &str, notice: impl Into<String>) -> Self {
        Self { form: form.to_owned(), notice: Some(notice.into()), ..Self::default() }
    }

    pub fn go_to(form: &str, path: impl Into<String>) -> Self {
        Self { form: form.to_owned(), redirect: Some(path.into()), ..Self::default() }
    }

    pub fn rejected(form: &str, errors: Vec<FieldError>, values: Vec<(String, String)>) -> Self {
        Self { form: form.to_owned(), errors, values, ..Self::default() }
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    pub fn value_of(&self, field: &str) -> Option<&str> {
        self.values.iter().find(|(name, _)| name == field).map(|(_, v)| v.as_str())
    }
}

/// Collects the field errors of one form while its inputs are parsed.
#[derive(Debug, Default)]
pub struct Validation {
    errors: Vec<FieldError>,
}

impl Validation {
    /// Keeps the parsed value, or records the field's error and gives `None`.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors.push(FieldError::new(field, message));
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Only a path on this site may be a redirect target, so a crafted link cannot send a
/// shopper elsewhere after signing in. Pass the decoded value, as the browser will follow it.
///
/// S3: browsers drop tabs and newlines from a URL and read `\` as `/`, so `/\t/evil.example`
/// or `/\evil.example` lead to `//evil.example`, another site. Hence: one leading `/`, then
/// neither `/` nor `\` nor any of these percent-encoded (`%2F`, `%5C`, `%09`: whatever decodes
/// it once more would make them real), and no backslash, whitespace or control character.
pub fn safe_local_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let encoded_start = rest.strip_prefix('%').and_then(|hex| hex.get(..2)).and_then(|hex| u8::from_str_radix(hex, 16).ok());
    let starts_another_host =
        rest.starts_with(['/', '\\']) || encoded_start.is_some_and(|byte| matches!(byte, b'/' | b'\\') || byte <= b' ' || byte == 0x7f);
    let hidden_or_ambiguous = path.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    (!starts_another_host && !hidden_or_ambiguous && !path.contains("://")).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_collects_every_error() {
        let mut v = Validation::default();
        assert_eq!(v.check("a", Ok::<_, String>(1)), Some(1));
        assert_eq!(v.check::<i32>("b", Err("bad b".into())), None);
        v.add("c", "bad c");
        let errors = v.into_errors();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0], FieldError::new("b", "bad b"));
    }

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(safe_local_path("/account"), Some("/account"));
        assert_eq!(safe_local_path("//evil.example/"), None);
        assert_eq!(safe_local_path("https://evil.example/"), None);
        assert_eq!(safe_local_path("/\\evil.example"), None);
        assert_eq!(safe_local_path("account"), None);
        assert_eq!(safe_local_path("/checkout?step=2#pay"), Some("/checkout?step=2#pay"));
        assert_eq!(safe_local_path("/search?q=red%20shoes"), Some("/search?q=red%20shoes"), "encoded characters later on are fine");
    }

    // S3: what a browser would turn into `//evil.example` (another site) is refused.
    #[test]
    fn s3_paths_a_browser_reads_as_another_host_are_refused() {
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "/a\\b",
            "//evil.example",
            "/%2F/evil.example",
            "/%2fevil.example",
            "/%5Cevil.example",
            "/%5c/evil.example",
            "/account\u{0}",
            "/account\u{7f}",
            "/account\u{a0}",
            "",
            "\t/account",
        ] {
            assert_eq!(safe_local_path(hostile), None, "{hostile:?}");
        }
        // `next=/%09/evil.example` arrives decoded (a tab, refused above); still encoded after a
        // double encoding, it is refused too, in case something decodes it again.
        for encoded in ["/%09/evil.example", "/%0a/evil.example", "/%0D%0A/evil.example", "/%20/evil.example", "/%7F/evil.example"] {
            assert_eq!(safe_local_path(encoded), None, "{encoded:?}");
        }
        assert_eq!(safe_local_path("/%C3%A9t%C3%A9"), Some("/%C3%A9t%C3%A9"), "an encoded letter first is fine");
    }

    #[test]
    fn replies_find_errors_and_values_by_field() {
        let reply =
            FormReply::rejected("details", vec![FieldError::new("name", "Enter your name")], vec![("telephone".into(), "0161".into())]);
        assert!(!reply.is_ok());
        assert_eq!(reply.error_for("name"), Some("Enter your name"));
        assert_eq!(reply.value_of("telephone"), Some("0161"));
        assert!(FormReply::saved("details", "Saved").is_ok());
    }
}

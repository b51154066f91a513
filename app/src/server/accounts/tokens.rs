//! Signed, expiring links (e-mail verification, password reset, e-mail change, sign-in during
//! a lock). Nothing is stored: the MAC binds each token to the account's state at issue time
//! (its e-mail, its password hash, its newest session), so a token stops working once it has
//! been used or the state has moved on.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
    ChangeEmail,
    /// S4: signs in an account locked by wrong guesses, for the owner who gave the right password.
    SignIn,
    /// A newsletter sign-up's confirmation (double opt-in, B07).
    ConfirmSubscription,
    /// The unsubscribe and preferences link of a marketing e-mail (P22).
    MarketingPreferences,
}

impl TokenPurpose {
    fn tag(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify",
            Self::ResetPassword => "reset",
            Self::ChangeEmail => "change",
            Self::SignIn => "sign-in",
            Self::ConfirmSubscription => "subscribe",
            Self::MarketingPreferences => "preferences",
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the link is not one of ours")]
    Malformed,
    #[error("the link has expired")]
    Expired,
    #[error("the link has been used or replaced")]
    Stale,
}

/// A token whose signature is still to be checked against the account's current state.
#[derive(Debug)]
pub struct UncheckedToken {
    pub account_id: i32,
    /// Carried data: the new address of an e-mail change.
    pub extra: String,
    payload: String,
    mac: Vec<u8>,
}

fn mac(secret: &[u8], payload: &str, binding: &str) -> Hmac<Sha256> {
    // A key of its own, so a token MAC can never be confused with any other use of the secret.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable_key());
    mac.update(b"sop-store link token v1\0");
    mac.update(payload.as_bytes());
    mac.update(b"\0");
    mac.update(binding.as_bytes());
    mac
}

/// HMAC accepts keys of any length, so this cannot happen; it keeps the code free of panics.
fn unreachable_key() -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(b"0").expect("HMAC takes any key length")
}

pub fn issue(secret: &[u8], purpose: TokenPurpose, account_id: i32, extra: &str, binding: &str, expires: DateTime<Utc>) -> String {
    let payload = format!("{}.{}.{}.{}", purpose.tag(), account_id, expires.timestamp(), URL_SAFE_NO_PAD.encode(extra));
    let signature = mac(secret, &payload, binding).finalize().into_bytes();
    format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(signature))
}

/// Reads a token of the given purpose that has not expired; its binding is checked next.
pub fn open(purpose: TokenPurpose, token: &str, now: DateTime<Utc>) -> Result<UncheckedToken, TokenError> {
    let (payload, signature) = token.trim().split_once('.').ok_or(TokenError::Malformed)?;
    let payload =
        String::from_utf8(URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Malformed)?).map_err(|_| TokenError::Malformed)?;
    let mac = URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Malformed)?;
    let mut fields = payload.split('.');
    let (Some(tag), Some(id), Some(expires), Some(extra), None) =
        (fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(TokenError::Malformed);
    };
    if tag != purpose.tag() {
        return Err(TokenError::Malformed);
    }
    let account_id = id.parse().map_err(|_| TokenError::Malformed)?;
    let expires: i64 = expires.parse().map_err(|_| TokenError::Malformed)?;
    let extra = String::from_utf8(URL_SAFE_NO_PAD.decode(extra).map_err(|_| TokenError::Malformed)?).map_err(|_| TokenError::Malformed)?;
    if now.timestamp() > expires {
        return Err(TokenError::Expired);
    }
    Ok(UncheckedToken { account_id, extra, payload, mac })
}

impl UncheckedToken {
    /// Whether the token was issued by us for the account's current `binding`.
    pub fn check(self, secret: &[u8], binding: &str) -> Result<Self, TokenError> {
        mac(secret, &self.payload, binding).verify_slice(&self.mac).map_err(|_| TokenError::Stale)?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_token_opens_for_its_purpose_and_binding_only() {
        let now = Utc::now();
        let token = issue(KEY, TokenPurpose::ResetPassword, 7, "", "hash-1", now + Duration::hours(1));
        let opened = open(TokenPurpose::ResetPassword, &token, now).unwrap();
        assert_eq!(opened.account_id, 7);
        assert!(opened.check(KEY, "hash-1").is_ok());
        assert_eq!(
            open(TokenPurpose::ResetPassword, &token, now).unwrap().check(KEY, "hash-2").unwrap_err(),
            TokenError::Stale,
            "used: the password changed"
        );
        assert_eq!(open(TokenPurpose::ResetPassword, &token, now).unwrap().check(b"another key", "hash-1").unwrap_err(), TokenError::Stale);
        assert_eq!(open(TokenPurpose::VerifyEmail, &token, now).unwrap_err(), TokenError::Malformed, "wrong purpose");
        assert_eq!(open(TokenPurpose::ResetPassword, &token, now + Duration::hours(2)).unwrap_err(), TokenError::Expired);
    }

    #[test]
    fn tampering_is_caught() {
        let now = Utc::now();
        let token = issue(KEY, TokenPurpose::ChangeEmail, 7, "new@example.com", "old@example.com", now + Duration::hours(1));
        let opened = open(TokenPurpose::ChangeEmail, &token, now).unwrap();
        assert_eq!(opened.extra, "new@example.com");
        let (_, signature) = token.split_once('.').unwrap();
        let forged_payload = URL_SAFE_NO_PAD.encode(format!(
            "change.7.{}.{}",
            (now + Duration::hours(1)).timestamp(),
            URL_SAFE_NO_PAD.encode("evil@example.com")
        ));
        let forged = format!("{forged_payload}.{signature}");
        assert_eq!(open(TokenPurpose::ChangeEmail, &forged, now).unwrap().check(KEY, "old@example.com").unwrap_err(), TokenError::Stale);
        assert_eq!(open(TokenPurpose::ChangeEmail, "garbage", now).unwrap_err(), TokenError::Malformed);
    }
}

//! S11: the second factor staff and admins sign in with: a code from an authenticator app
//! (TOTP, RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, one step of clock drift either way).
//! The password step starts a session that cannot open the staff area; a right code marks the
//! session, under a new id (a privilege change). Wrong codes are throttled as wrong passwords
//! are, and a code is accepted once only: the account keeps the last time step it accepted.
//! The secret is sealed at rest (XChaCha20-Poly1305, bound to its account) and never logged.

use super::{audit, sessions, sign_in, throttle, SignedIn};
use crate::domain::account::{Role, SecondFactorStep};
use crate::domain::forms::{safe_local_path, FieldError, FormReply};
use crate::errors::account::AccountError;
use crate::server::entities::account;
use crate::server::keys::StoreKeys;
use crate::server::state::AppState;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use http::request::Parts;
use rand::RngCore;
use sea_orm::{prelude::*, Condition, TransactionTrait};
use totp_rs::{Builder, Totp};

/// The TOTP library, for tests that play the part of an authenticator app.
pub use totp_rs;

pub const FORM: &str = "two-factor";
/// The page that asks for the code.
pub const PAGE: &str = "/account/two-factor";
/// The name authenticator apps show for the store's entry.
const ISSUER: &str = "SOP Store";
/// 160 bits, as RFC 4226 §4 recommends.
const SECRET_BYTES: usize = 20;
const DIGITS: usize = 6;

const WRONG_CODE: &str = "The code is not right. Enter the 6-digit code your authenticator app shows for SOP Store now.";
const USED_CODE: &str = "That code has already been used. Wait for your app to show a new code, then enter it.";

/// Who needs a second factor: staff and admins, never customers.
pub fn required_for(role: Role) -> bool {
    role.is_staff()
}

/// Where the password step sends staff: the code page, which goes on to `next` afterwards.
pub fn page_for(next: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("{PAGE}?next={next}")
}

/// A code as typed: six digits; spaces and hyphens (as some apps show it, "123 456") are ignored.
pub fn parse_code(typed: &str) -> Result<String, &'static str> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if code.is_empty() {
        return Err("Enter the 6-digit code from your authenticator app");
    }
    if code.len() != DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err("Enter the code as 6 digits, like 123456");
    }
    Ok(code)
}

/// A setup key in groups of four, as it is easiest to read out and type ("ABCD EFGH …").
pub fn group_for_typing(base32: &str) -> String {
    base32.as_bytes().chunks(4).map(|group| String::from_utf8_lossy(group)).collect::<Vec<_>>().join(" ")
}

/// The verdict on a code.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right, for this time step (the one to remember).
    Accepted { step: i64 },
    /// Not a code of the current step or the one either side.
    Wrong,
    /// Right, but for a step already used: a replayed code (RFC 6238 §5.2).
    Replayed,
}

/// Checks `code` against the secret at `now`, refusing a step at or before `last_step`.
pub fn check_code(totp: &Totp, code: &str, now: DateTime<Utc>, last_step: Option<i64>) -> CodeCheck {
    let Ok(time) = u64::try_from(now.timestamp()) else { return CodeCheck::Wrong };
    match totp.check(code, time).and_then(|step| i64::try_from(step).ok()) {
        None => CodeCheck::Wrong,
        Some(step) if last_step.is_some_and(|last| step <= last) => CodeCheck::Replayed,
        Some(step) => CodeCheck::Accepted { step },
    }
}

/// The TOTP of a secret (the store's settings: SHA-1, 6 digits, 30 s, skew 1 step).
fn totp(secret: &[u8], account_name: &str) -> Result<Totp, AccountError> {
    Builder::new()
        .with_secret(secret.to_vec())
        // A colon would split the app's label; addresses cannot hold one, but be sure.
        .with_account_name(account_name.replace(':', ""))
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|error| {
            tracing::error!(%error, "second factor: the TOTP settings were refused");
            AccountError::Unavailable
        })
}

/// The key that seals authenticator secrets: a key of its own (`StoreKeys::second_factor`).
fn sealing_key(keys: &StoreKeys) -> [u8; 32] {
    let mut key = [0u8; 32];
    key.copy_from_slice(&keys.second_factor[..32]);
    key
}

/// The associated data: a sealed secret opens only for the account it was made for.
fn bound_to(account_id: i32) -> Vec<u8> {
    format!("account:{account_id}").into_bytes()
}

/// `v1.` and the base64url of the random 24-byte nonce followed by the ciphertext and tag.
fn seal(key: &[u8; 32], account_id: i32, secret: &[u8]) -> Result<String, AccountError> {
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| AccountError::Unavailable)?;
    let mut nonce = [0u8; 24];
    rand::rng().fill_bytes(&mut nonce);
    let aad = bound_to(account_id);
    let sealed = cipher.encrypt(&XNonce::from(nonce), Payload { msg: secret, aad: &aad }).map_err(|_| AccountError::Unavailable)?;
    Ok(format!("v1.{}", URL_SAFE_NO_PAD.encode([nonce.as_slice(), &sealed].concat())))
}

/// The secret `seal` made, or None if it was not made with this key for this account.
fn open(key: &[u8; 32], account_id: i32, stored: &str) -> Option<Vec<u8>> {
    let bytes = URL_SAFE_NO_PAD.decode(stored.strip_prefix("v1.")?).ok()?;
    if bytes.len() <= 24 {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(24);
    let nonce: [u8; 24] = nonce.try_into().ok()?;
    let cipher = XChaCha20Poly1305::new_from_slice(key).ok()?;
    let aad = bound_to(account_id);
    cipher.decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: &aad }).ok()
}

/// What the two-factor page asks of this session. Opening it to enrol makes the account's
/// secret (once: a second visit shows the same one, so an app set up from the first still works).
pub async fn step(state: &AppState, signed_in: &SignedIn) -> Result<SecondFactorStep, AccountError> {
    if !required_for(signed_in.role()) {
        return Ok(SecondFactorStep::NotNeeded);
    }
    if signed_in.session.second_factor_at.is_some() {
        return Ok(SecondFactorStep::Confirmed);
    }
    let account = &signed_in.account;
    if account.totp_enabled_at.is_some() {
        return Ok(SecondFactorStep::Code);
    }
    let totp = totp(&enrolment_secret(state, account).await?, &account.email)?;
    let otpauth_uri = totp.to_url().map_err(|error| {
        tracing::error!(%error, "second factor: no setup link");
        AccountError::Unavailable
    })?;
    Ok(SecondFactorStep::Enrol { secret: group_for_typing(&totp.secret().to_base32()), otpauth_uri })
}

/// The secret of the enrolment under way, stored sealed on the first visit. A secret that no
/// longer opens (sealed under an earlier key) is replaced, as nothing can use it.
async fn enrolment_secret(state: &AppState, account: &account::Model) -> Result<Vec<u8>, AccountError> {
    let key = sealing_key(&state.keys);
    if let Some(secret) = account.totp_secret.as_deref().and_then(|stored| open(&key, account.id, stored)) {
        return Ok(secret);
    }
    let mut fresh = vec![0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut fresh);
    // Only if nobody stored one meanwhile (two tabs at once): the page then shows the winner's.
    let unchanged = match &account.totp_secret {
        None => account::Column::TotpSecret.is_null(),
        Some(stored) => account::Column::TotpSecret.eq(stored.clone()),
    };
    account::Entity::update_many()
        .col_expr(account::Column::TotpSecret, Expr::value(seal(&key, account.id, &fresh)?))
        .filter(account::Column::Id.eq(account.id))
        .filter(account::Column::TotpEnabledAt.is_null())
        .filter(unchanged)
        .exec(&state.db)
        .await?;
    let stored = account::Entity::find_by_id(account.id).one(&state.db).await?.and_then(|a| a.totp_secret);
    stored.as_deref().and_then(|stored| open(&key, account.id, stored)).ok_or(AccountError::Unavailable)
}

/// The outcome of a code: the reply, and the renewed session's cookie when it was right.
#[derive(Debug)]
pub struct ConfirmOutcome {
    pub reply: FormReply,
    pub set_cookie: Option<String>,
}

/// Checks a code from the two-factor page. Right: the account's first code confirms its
/// authenticator (`account.totp.enable`), a later one this sign-in (`account.totp.verify`);
/// the session is renewed with its second factor, and the visitor goes on to `next`.
pub async fn confirm(
    state: &AppState,
    parts: &Parts,
    signed_in: &SignedIn,
    code: &str,
    next: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ConfirmOutcome, AccountError> {
    let destination = next.and_then(safe_local_path).unwrap_or("/account").to_owned();
    let refuse = |message: &str| ConfirmOutcome {
        reply: FormReply::rejected(FORM, vec![FieldError::new("code", message)], vec![]),
        set_cookie: None,
    };
    if !required_for(signed_in.role()) || signed_in.session.second_factor_at.is_some() {
        return Ok(ConfirmOutcome { reply: FormReply::go_to(FORM, destination), set_cookie: None });
    }
    let code = match parse_code(code) {
        Ok(code) => code,
        Err(message) => return Ok(refuse(message)),
    };
    let account_id = signed_in.account.id;
    let account_key = sign_in::throttle_key(&state.keys.network, "second-factor", &account_id.to_string());
    let network_key = sign_in::network_key(state, "second-factor-network", Some(parts));
    // As for passwords (S4): admitting counts the attempt, as a failure until the code proves right.
    let attempt = match state.sign_in_throttle.admit(&[(&network_key, throttle::PER_NETWORK), (&account_key, throttle::PER_ACCOUNT)], now) {
        Ok(attempt) => attempt,
        Err(wait) => {
            tracing::warn!(account_id, "second factor refused: too many wrong codes");
            return Ok(refuse(&format!("Too many wrong codes. Wait {} minutes and try again.", throttle::minutes_to_wait(wait))));
        }
    };

    // Read afresh: a step accepted a moment ago in another tab counts.
    let account = account::Entity::find_by_id(account_id).one(&state.db).await?.ok_or(AccountError::NotSignedIn)?;
    let Some(secret) = account.totp_secret.as_deref().and_then(|stored| open(&sealing_key(&state.keys), account_id, stored)) else {
        tracing::warn!(account_id, "second factor: no readable secret (enrolment not started, or sealed under another key)");
        return Ok(refuse("Reload this page and try again. If it keeps failing, contact the store's administrator."));
    };
    let enrolling = account.totp_enabled_at.is_none();
    let step = match check_code(&totp(&secret, &account.email)?, &code, now, account.totp_last_step) {
        CodeCheck::Accepted { step } => step,
        CodeCheck::Wrong => return Ok(refuse(WRONG_CODE)),
        CodeCheck::Replayed => {
            tracing::warn!(account_id, "second factor: a code was used again");
            return Ok(refuse(USED_CODE));
        }
    };

    let txn = state.db.begin().await?;
    // The step is taken only if no other request took it (or a later one) meanwhile, so two
    // posts of one code cannot both pass.
    let mut take_step = account::Entity::update_many()
        .col_expr(account::Column::TotpLastStep, Expr::value(step))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(account_id))
        .filter(Condition::any().add(account::Column::TotpLastStep.is_null()).add(account::Column::TotpLastStep.lt(step)));
    if enrolling {
        take_step = take_step.col_expr(account::Column::TotpEnabledAt, Expr::value(now)).filter(account::Column::TotpEnabledAt.is_null());
    }
    if take_step.exec(&txn).await?.rows_affected != 1 {
        return Ok(refuse(USED_CODE));
    }
    let Some((token, _session)) = sessions::confirm_second_factor(&txn, &signed_in.session, now).await? else {
        return Err(AccountError::NotSignedIn);
    };
    let action = if enrolling { "account.totp.enable" } else { "account.totp.verify" };
    audit::record(&txn, Some(account_id), action, &format!("account:{account_id}"), "", now).await?;
    txn.commit().await?;
    state.sign_in_throttle.forget(attempt);
    state.sign_in_throttle.clear(&account_key);
    tracing::info!(account_id, enrolling, "second factor confirmed");
    Ok(ConfirmOutcome { reply: FormReply::go_to(FORM, destination), set_cookie: Some(sessions::set_cookie(&token, state.secure_cookies)) })
}

/// Whether this request's session is signed in to a staff account that still owes its code
/// (the sign-in page then sends it on to the code page).
pub async fn pending(state: &AppState, parts: &Parts) -> Result<bool, AccountError> {
    match super::require_signed_in(state, parts).await {
        Ok(signed_in) => Ok(required_for(signed_in.role()) && signed_in.session.second_factor_at.is_none()),
        Err(AccountError::NotSignedIn) => Ok(false),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).single().unwrap()
    }

    /// RFC 6238 appendix B's SHA-1 secret, with the store's settings.
    fn rfc_totp() -> Totp {
        totp(b"12345678901234567890", "ann@example.com").unwrap()
    }

    // S11: the code is RFC 6238's (appendix B, SHA-1, last 6 of the 8 digits).
    #[test]
    fn s11_codes_follow_rfc_6238() {
        let totp = rfc_totp();
        for (time, code) in [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")] {
            assert_eq!(totp.generate(time).to_string(), code, "at {time}");
            assert_eq!(check_code(&totp, code, at(time as i64), None), CodeCheck::Accepted { step: time as i64 / 30 });
        }
    }

    // S11: one step of drift either way, no more; a wrong code is wrong.
    #[test]
    fn s11_a_code_is_good_for_its_step_and_the_one_either_side() {
        let totp = rfc_totp();
        let code = totp.generate(1_234_567_890).to_string();
        let step = 1_234_567_890 / 30;
        assert_eq!(check_code(&totp, &code, at(1_234_567_890 + 30), None), CodeCheck::Accepted { step });
        assert_eq!(check_code(&totp, &code, at(1_234_567_890 - 30), None), CodeCheck::Accepted { step });
        assert_eq!(check_code(&totp, &code, at(1_234_567_890 + 90), None), CodeCheck::Wrong);
        assert_eq!(check_code(&totp, "000000", at(1_234_567_890), None), CodeCheck::Wrong);
    }

    // S11: a code is accepted once (RFC 6238 §5.2), and so is any code of an earlier step.
    #[test]
    fn s11_a_used_step_is_refused() {
        let totp = rfc_totp();
        let now = at(1_234_567_890);
        let code = totp.generate(1_234_567_890).to_string();
        let CodeCheck::Accepted { step } = check_code(&totp, &code, now, None) else { panic!("the code is right") };
        assert_eq!(check_code(&totp, &code, now, Some(step)), CodeCheck::Replayed);
        let earlier = totp.generate(1_234_567_890 - 30).to_string();
        assert_eq!(check_code(&totp, &earlier, now, Some(step)), CodeCheck::Replayed);
        let next = totp.generate(1_234_567_890 + 30).to_string();
        assert_eq!(check_code(&totp, &next, now + chrono::Duration::seconds(30), Some(step)), CodeCheck::Accepted { step: step + 1 });
    }

    #[test]
    fn s11_codes_are_six_digits_and_spaces_do_not_matter() {
        assert_eq!(parse_code(" 123 456 "), Ok("123456".to_owned()));
        assert_eq!(parse_code("123-456"), Ok("123456".to_owned()));
        assert_eq!(parse_code(""), Err("Enter the 6-digit code from your authenticator app"));
        for bad in ["12345", "1234567", "12a456", "+12345", "１２３４５６"] {
            assert_eq!(parse_code(bad), Err("Enter the code as 6 digits, like 123456"), "{bad:?}");
        }
    }

    #[test]
    fn s11_only_staff_and_admins_need_a_second_factor() {
        assert!(!required_for(Role::Customer));
        assert!(required_for(Role::Staff) && required_for(Role::Admin));
        assert_eq!(page_for("/admin/orders?status=paid"), "/account/two-factor?next=%2Fadmin%2Forders%3Fstatus%3Dpaid");
    }

    #[test]
    fn s11_the_setup_key_is_grouped_for_typing_and_the_link_names_the_store() {
        assert_eq!(group_for_typing("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        assert_eq!(group_for_typing("ABCDEF"), "ABCD EF");
        let uri = rfc_totp().to_url().unwrap();
        assert_eq!(uri, "otpauth://totp/SOP%20Store:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=SOP%20Store");
    }

    // S11: the stored secret is sealed: unreadable without the key, and only for its account.
    #[test]
    fn s11_secrets_are_sealed_at_rest_and_bound_to_their_account() {
        let key = sealing_key(&StoreKeys::derive(b"0123456789abcdef0123456789abcdef"));
        let secret = b"12345678901234567890";
        let stored = seal(&key, 7, secret).unwrap();
        assert!(stored.starts_with("v1."));
        assert!(!stored.contains("GEZDGNBV") && !stored.contains(&URL_SAFE_NO_PAD.encode(secret)), "{stored}");
        assert_ne!(seal(&key, 7, secret).unwrap(), stored, "a fresh nonce each time");
        assert_eq!(open(&key, 7, &stored).as_deref(), Some(secret.as_slice()));
        assert_eq!(open(&key, 8, &stored), None, "another account's");
        let other = sealing_key(&StoreKeys::derive(b"another secret key, 32 bytes lon"));
        assert_eq!(open(&other, 7, &stored), None, "another key");
        assert_eq!(open(&key, 7, "v1.AAAA"), None);
        assert_eq!(open(&key, 7, "GEZDGNBVGY3TQOJQ"), None);
    }
}

//! Server-side sessions in the database (so they survive a restart and work the same on SQLite
//! and PostgreSQL). The browser holds only a random token in the strictly necessary
//! `sop_session` cookie (P26); the table holds the token's SHA-256, so a leaked copy of the
//! table cannot be replayed as a cookie.

use crate::server::entities::session;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration, Utc};
use http::{header, request::Parts};
use rand::RngCore;
use sea_orm::{prelude::*, ActiveValue::Set, ConnectionTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};

use crate::domain::cookies::wire_name;
pub use crate::domain::cookies::SESSION_COOKIE;

/// How long a session lasts: it ends after `idle` without a request, and after `absolute`
/// whatever happens (OWASP Session Management: both timeouts, enforced on the server).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle: Duration::hours(2), absolute: Duration::days(7) }
    }
}

/// A live session as this request sees it.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub id: String,
    pub account_id: Option<i32>,
    pub csrf_token: String,
    /// S11: when this session confirmed its second factor; staff pages need it.
    pub second_factor_at: Option<DateTime<Utc>>,
}

impl From<session::Model> for CurrentSession {
    fn from(row: session::Model) -> Self {
        Self { id: row.id, account_id: row.account_id, csrf_token: row.csrf_token, second_factor_at: row.second_factor_at }
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn session_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session token this request carries, if any (over https, only a `__Host-` cookie).
pub fn token_from(parts: &Parts, secure: bool) -> Option<String> {
    crate::server::request::cookie_value(parts, &wire_name(SESSION_COOKIE, secure)).map(str::to_owned)
}

/// Starts a session and gives the token for the cookie.
pub async fn start(
    db: &impl ConnectionTrait,
    account_id: Option<i32>,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<(String, CurrentSession), DbErr> {
    start_in_browser(db, account_id, None, policy, now).await
}

/// As `start`, noting the browser family (`consent_service::browser_family`) so the account
/// holder can tell their sessions apart.
pub async fn start_in_browser(
    db: &impl ConnectionTrait,
    account_id: Option<i32>,
    browser_family: Option<String>,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<(String, CurrentSession), DbErr> {
    let token = random_token();
    let row = session::ActiveModel {
        id: Set(session_id(&token)),
        account_id: Set(account_id),
        csrf_token: Set(random_token()),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + policy.absolute),
        second_factor_at: Set(None),
        user_agent_family: Set(browser_family),
    }
    .insert(db)
    .await?;
    Ok((token, row.into()))
}

/// S11: the session has confirmed its second factor. That is a privilege change, so the
/// session gets a new id (and CSRF token) as at sign-in; it keeps its start, its browser and
/// its absolute end. None when the session has ended meanwhile.
pub async fn confirm_second_factor(
    db: &impl ConnectionTrait,
    old: &CurrentSession,
    now: DateTime<Utc>,
) -> Result<Option<(String, CurrentSession)>, DbErr> {
    let Some(row) = session::Entity::find_by_id(old.id.clone()).one(db).await? else { return Ok(None) };
    let token = random_token();
    let renewed = session::ActiveModel {
        id: Set(session_id(&token)),
        account_id: Set(row.account_id),
        csrf_token: Set(random_token()),
        created_at: Set(row.created_at),
        last_seen_at: Set(now),
        expires_at: Set(row.expires_at),
        second_factor_at: Set(Some(now)),
        user_agent_family: Set(row.user_agent_family),
    }
    .insert(db)
    .await?;
    end(db, &row.id).await?;
    Ok(Some((token, renewed.into())))
}

/// The id of the account's most recently started session (live or not yet purged), if any.
pub async fn newest_of_account(db: &impl ConnectionTrait, account_id: i32) -> Result<Option<String>, DbErr> {
    let newest = session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .order_by_desc(session::Column::CreatedAt)
        .order_by_desc(session::Column::Id)
        .one(db)
        .await?;
    Ok(newest.map(|row| row.id))
}

/// The account's sessions that can still be used, the most recently seen first.
pub async fn list_live(
    db: &impl ConnectionTrait,
    account_id: i32,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::LastSeenAt.gt(now - policy.idle))
        .order_by_desc(session::Column::LastSeenAt)
        .order_by_desc(session::Column::CreatedAt)
        .all(db)
        .await
}

/// The live session for `token`, touching its last-seen time at most once a minute (a write
/// per request would cost more than the idle timeout's precision is worth).
pub async fn find(
    db: &impl ConnectionTrait,
    token: &str,
    policy: SessionPolicy,
    now: DateTime<Utc>,
) -> Result<Option<CurrentSession>, DbErr> {
    let Some(row) = session::Entity::find_by_id(session_id(token)).one(db).await? else { return Ok(None) };
    if now >= row.expires_at || now - row.last_seen_at >= policy.idle {
        session::Entity::delete_by_id(row.id).exec(db).await?;
        return Ok(None);
    }
    if now - row.last_seen_at >= Duration::minutes(1) {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(row.id.clone()))
            .exec(db)
            .await?;
    }
    Ok(Some(row.into()))
}

pub async fn end(db: &impl ConnectionTrait, session_id: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(session_id.to_owned()).exec(db).await.map(|_| ())
}

/// Ends every session of the account except `keep` (after a password change, or "Sign out
/// everywhere else").
pub async fn end_others(db: &impl ConnectionTrait, account_id: i32, keep: Option<&str>) -> Result<u64, DbErr> {
    let mut query = session::Entity::delete_many().filter(session::Column::AccountId.eq(account_id));
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep.to_owned()));
    }
    Ok(query.exec(db).await?.rows_affected)
}

/// Removes sessions that can no longer be used.
pub async fn purge_expired(db: &impl ConnectionTrait, policy: SessionPolicy, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = session::Entity::delete_many()
        .filter(sea_orm::Condition::any().add(session::Column::ExpiresAt.lte(now)).add(session::Column::LastSeenAt.lte(now - policy.idle)))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// A browser-session cookie (no Max-Age): it goes when the browser closes, and the server's
/// own timeouts end it sooner.
pub fn set_cookie(token: &str, secure: bool) -> String {
    format!("{}={token}; Path=/; HttpOnly; SameSite=Lax{}", wire_name(SESSION_COOKIE, secure), if secure { "; Secure" } else { "" })
}

pub fn clear_cookie(secure: bool) -> String {
    format!("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}", wire_name(SESSION_COOKIE, secure), if secure { "; Secure" } else { "" })
}

/// Whether a form's CSRF token is this session's. Both sides are hashed first, so the
/// comparison's timing says nothing about the token.
pub fn csrf_matches(session: &CurrentSession, submitted: &str) -> bool {
    Sha256::digest(session.csrf_token.as_bytes()) == Sha256::digest(submitted.as_bytes())
}

/// Lets a response carry a `Set-Cookie` header in Leptos' server functions and pages.
pub fn header_value(cookie: &str) -> Option<http::HeaderValue> {
    http::HeaderValue::from_str(cookie).ok()
}

/// The name of the header, re-exported so callers need not import `http`.
pub const SET_COOKIE: header::HeaderName = header::SET_COOKIE;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p26_the_session_cookie_is_strict_and_ends_with_the_browser() {
        // S10: over https the name carries the __Host- prefix (Secure, Path=/, no Domain).
        let cookie = set_cookie("abc", true);
        assert_eq!(cookie, "__Host-sop_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
        assert_eq!(set_cookie("abc", false), "sop_session=abc; Path=/; HttpOnly; SameSite=Lax");
        assert!(clear_cookie(true).starts_with("__Host-sop_session=; Path=/; Max-Age=0"));
        assert!(!cookie.contains("Max-Age"), "a session cookie, not a persistent one (P25)");
        assert!(clear_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(session_id(&a).len(), 64);
        assert_ne!(session_id(&a), a);
    }

    #[test]
    fn csrf_tokens_must_match_exactly() {
        let session = CurrentSession { id: "s".into(), account_id: Some(1), csrf_token: "token".into(), second_factor_at: None };
        assert!(csrf_matches(&session, "token"));
        assert!(!csrf_matches(&session, "tokem"));
        assert!(!csrf_matches(&session, ""));
    }
}

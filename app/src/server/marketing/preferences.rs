//! Each address's marketing choices: read them, and change one with its consent-log row in a
//! single transaction, so a choice is never in force without its proof, nor proven without
//! being in force.

use crate::domain::account::EmailAddress;
use crate::domain::consent::{ConsentChoices, ConsentEvent, ConsentPurpose, ConsentSource};
use crate::domain::marketing::{MarketingTopic, TopicChoice};
use crate::errors::marketing::MarketingError;
use crate::server::consent_log::ConsentDecision;
use crate::server::consent_service;
use crate::server::entities::{marketing_consent, marketing_subscriber};
use crate::server::state::AppState;
use chrono::{DateTime, Duration, Utc};
use http::request::Parts;
use rand::RngCore;
use sea_orm::{prelude::*, sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, QueryFilter, TransactionTrait};

/// Who made a change and from where, for its consent-log row.
#[derive(Clone, Debug)]
pub struct ChangeContext {
    pub source: ConsentSource,
    /// The account that made the change, if it was made signed in.
    pub account_id: Option<i32>,
    pub browser_family: String,
    pub ip_hash: String,
}

impl ChangeContext {
    pub fn from_request(state: &AppState, parts: Option<&Parts>, source: ConsentSource, account_id: Option<i32>) -> Self {
        let user_agent = parts.and_then(|p| p.headers.get(http::header::USER_AGENT)).and_then(|v| v.to_str().ok());
        Self {
            source,
            account_id,
            browser_family: consent_service::browser_family(user_agent),
            ip_hash: consent_service::ip_hash(&state.keys.network, parts.and_then(crate::server::request::client_ip)),
        }
    }
}

/// What a change did: the topic's choice afterwards, and whether anything changed (a repeated
/// click or a second visit to a link changes nothing and logs nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicChange {
    pub choice: TopicChoice,
    pub changed: bool,
}

pub async fn subscriber_by_email(db: &impl ConnectionTrait, email: &EmailAddress) -> Result<Option<marketing_subscriber::Model>, DbErr> {
    marketing_subscriber::Entity::find().filter(marketing_subscriber::Column::Email.eq(email.as_str())).one(db).await
}

/// The address's choice for every topic (all off for an address never seen). A topic counts
/// as on only once the address is confirmed.
pub async fn choices(db: &impl ConnectionTrait, email: &EmailAddress) -> Result<Vec<TopicChoice>, DbErr> {
    let Some(subscriber) = subscriber_by_email(db, email).await? else {
        return Ok(MarketingTopic::ALL.into_iter().map(|topic| TopicChoice::new(topic, false)).collect());
    };
    choices_of(db, &subscriber).await
}

pub async fn choices_of(db: &impl ConnectionTrait, subscriber: &marketing_subscriber::Model) -> Result<Vec<TopicChoice>, DbErr> {
    let rows = marketing_consent::Entity::find().filter(marketing_consent::Column::SubscriberId.eq(subscriber.id)).all(db).await?;
    let confirmed = subscriber.confirmed_at.is_some();
    Ok(MarketingTopic::ALL
        .into_iter()
        .map(|topic| {
            let granted = rows.iter().any(|row| row.topic == topic.key() && row.granted);
            TopicChoice::new(topic, crate::domain::marketing::may_send(confirmed, granted))
        })
        .collect())
}

/// A fresh subject id for the consent log: random, so the log never holds an address.
fn new_subject_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("m-{}", hex::encode(bytes))
}

async fn find_or_create(db: &impl ConnectionTrait, email: &EmailAddress, now: DateTime<Utc>) -> Result<marketing_subscriber::Model, DbErr> {
    if let Some(existing) = subscriber_by_email(db, email).await? {
        return Ok(existing);
    }
    marketing_subscriber::ActiveModel {
        id: Default::default(),
        email: Set(email.as_str().to_owned()),
        subject_id: Set(new_subject_id()),
        confirmed_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await
}

/// How a change reaches the address's record: as its owner, who has shown the address is
/// theirs (a confirmed account, a confirmation or e-mailed link), or on its owner's behalf
/// (staff recording a withdrawal received by phone, which can only ever withdraw).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    /// The change confirms the address (double opt-in, B07) if it was not yet.
    AddressConfirmed,
    /// Nothing about the address is proven: only a withdrawal is allowed.
    WithdrawalOnly,
}

/// Sets one topic for an address. A change is stored with its consent-log row in one
/// transaction; setting what is already set changes nothing and writes nothing.
pub async fn set_topic(
    state: &AppState,
    email: &EmailAddress,
    topic: MarketingTopic,
    subscribe: bool,
    proof: Proof,
    context: &ChangeContext,
    now: DateTime<Utc>,
) -> Result<TopicChange, MarketingError> {
    if subscribe && proof == Proof::WithdrawalOnly {
        return Err(MarketingError::BadRequest("Only an opt-out can be recorded on someone's behalf.".into()));
    }
    let current = choices(&state.db, email).await?;
    if current.iter().any(|c| c.topic == topic && c.subscribed == subscribe) {
        return Ok(TopicChange { choice: TopicChoice::new(topic, subscribe), changed: false });
    }
    // The chain's end first, then the transaction: an append waiting for the chain never
    // holds the database's write lock meanwhile.
    let mut log = state.consent_log.for_transaction().await;
    let txn = state.db.begin().await?;
    let mut subscriber = find_or_create(&txn, email, now).await?;
    if subscribe && subscriber.confirmed_at.is_none() {
        let mut active: marketing_subscriber::ActiveModel = subscriber.clone().into();
        active.confirmed_at = Set(Some(now));
        subscriber = active.update(&txn).await?;
    }
    let row = log
        .append(
            &txn,
            ConsentDecision {
                consent_id: subscriber.subject_id.clone(),
                account_id: context.account_id,
                policy_version: topic.wording_version().to_owned(),
                choices: ConsentChoices::REJECT_ALL,
                event: if subscribe { ConsentEvent::Grant } else { ConsentEvent::Withdraw },
                source: context.source,
                recorded_at: now,
                // A marketing choice does not lapse: it stands until it is changed.
                expires_at: now + Duration::days(100 * 365),
                browser_family: context.browser_family.clone(),
                text_hash: consent_service::text_hash(topic.wording()),
                ip_hash: context.ip_hash.clone(),
                purpose: ConsentPurpose::Marketing(topic),
            },
        )
        .await?;
    marketing_consent::Entity::insert(marketing_consent::ActiveModel {
        subscriber_id: Set(subscriber.id),
        topic: Set(topic.key().to_owned()),
        granted: Set(subscribe),
        wording_version: Set(topic.wording_version().to_owned()),
        changed_at: Set(now),
        log_row_id: Set(row.id),
    })
    .on_conflict(
        OnConflict::columns([marketing_consent::Column::SubscriberId, marketing_consent::Column::Topic])
            .update_columns([
                marketing_consent::Column::Granted,
                marketing_consent::Column::WordingVersion,
                marketing_consent::Column::ChangedAt,
                marketing_consent::Column::LogRowId,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    txn.commit().await?;
    log.committed();
    tracing::info!(topic = topic.key(), subscribe, source = context.source.as_str(), "marketing choice changed");
    Ok(TopicChange { choice: TopicChoice::new(topic, subscribe), changed: true })
}

/// Sets every topic to the given choices, one logged change per topic that changes.
pub async fn set_all(
    state: &AppState,
    email: &EmailAddress,
    wanted: &[(MarketingTopic, bool)],
    proof: Proof,
    context: &ChangeContext,
    now: DateTime<Utc>,
) -> Result<usize, MarketingError> {
    let mut changed = 0;
    for (topic, subscribe) in wanted {
        if set_topic(state, email, *topic, *subscribe, proof, context, now).await?.changed {
            changed += 1;
        }
    }
    Ok(changed)
}

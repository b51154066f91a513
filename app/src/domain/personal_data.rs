//! The register of personal data (issue 16, P13, P15): every column of every table is declared
//! here once, either as saying nothing about a person or with its category, its purpose (and
//! through it the legal basis), how a person's export shows it and how erasing them treats it.
//! Each table says which retention rule ends its rows. The export, the erasure and the
//! retention engine read this register; `server/tests/personal_data_register.rs` fails when a
//! column in the schema is missing here, or a personal one is not covered by all three.

use super::retention::RetentionRule;
use serde::{Deserialize, Serialize};

/// Why the law lets the store process something (P15).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LegalBasis {
    /// Needed to run the contract the person asked for (an account, an order).
    Contract,
    /// Only because the person agreed, and only until they withdraw.
    Consent,
    /// The law requires it (tax records, proof of consent).
    LegalObligation,
    /// The store's legitimate interests, balanced against the person's (security).
    LegitimateInterests,
}

impl LegalBasis {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Contract => "Contract",
            Self::Consent => "Consent",
            Self::LegalObligation => "Legal obligation",
            Self::LegitimateInterests => "Legitimate interests",
        }
    }
}

/// What the store uses personal data for: the record of processing (P13). Nothing is stored
/// for any other purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Purpose {
    Account,
    Orders,
    TaxRecords,
    ServiceMessages,
    Marketing,
    ConsentRecords,
    Security,
    StaffAccountability,
}

impl Purpose {
    pub const ALL: [Purpose; 8] = [
        Self::Account,
        Self::Orders,
        Self::TaxRecords,
        Self::ServiceMessages,
        Self::Marketing,
        Self::ConsentRecords,
        Self::Security,
        Self::StaffAccountability,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Self::Account => "Running your account",
            Self::Orders => "Taking, delivering and answering for your orders",
            Self::TaxRecords => "Keeping the sales records tax law requires",
            Self::ServiceMessages => "Sending the e-mails your orders and account need, and a record of them",
            Self::Marketing => "Sending the marketing e-mails you asked for",
            Self::ConsentRecords => "Proving what you agreed to, when, and what you were shown",
            Self::Security => "Keeping accounts and the store safe from misuse",
            Self::StaffAccountability => "Recording what our staff do with your data",
        }
    }

    /// The one legal basis of each purpose: the legal-bases table is rendered from this.
    pub const fn legal_basis(self) -> LegalBasis {
        match self {
            Self::Account | Self::Orders | Self::ServiceMessages => LegalBasis::Contract,
            Self::Marketing => LegalBasis::Consent,
            Self::TaxRecords | Self::ConsentRecords => LegalBasis::LegalObligation,
            Self::Security | Self::StaffAccountability => LegalBasis::LegitimateInterests,
        }
    }
}

/// Kinds of personal data, as the policy names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DataCategory {
    Identity,
    Contact,
    Address,
    Credentials,
    AccountRecord,
    Purchases,
    Payment,
    Marketing,
    Consent,
    Messages,
    Technical,
    StaffActions,
}

impl DataCategory {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Identity => "Your name",
            Self::Contact => "Contact details",
            Self::Address => "Addresses",
            Self::Credentials => "Sign-in secrets",
            Self::AccountRecord => "Your account's history",
            Self::Purchases => "What you ordered",
            Self::Payment => "Payment details",
            Self::Marketing => "Marketing choices",
            Self::Consent => "Consent records",
            Self::Messages => "E-mails we sent you",
            Self::Technical => "Technical data",
            Self::StaffActions => "Staff actions",
        }
    }
}

/// How a person's export shows a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Export {
    /// The value itself, under this label.
    Value(&'static str),
    /// Only that it exists, described: a secret that would endanger the account if shown.
    Described(&'static str, &'static str),
}

/// What erasing a person (account deletion, an erasure request) does to a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Erasure {
    /// The row is deleted at once.
    DeleteRow,
    /// Replaced at once by a value that identifies nobody.
    Anonymise,
    /// Emptied at once (NULL or empty text).
    Clear,
    /// The law requires it kept: it stays until its table's retention rule removes the row.
    LegalHold,
    /// Kept as proof, with the reason: the row names no one once the account is anonymised.
    KeepAsProof(&'static str),
}

/// One personal-data column's declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersonalField {
    pub category: DataCategory,
    pub purpose: Purpose,
    pub export: Export,
    pub erasure: Erasure,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnData {
    /// Says nothing about a person: an internal number, a price, a product, a status.
    NotPersonal,
    Personal(PersonalField),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnEntry {
    pub column: &'static str,
    pub data: ColumnData,
}

/// What ends a table's rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableRetention {
    /// The retention engine's rule.
    Rule(RetentionRule),
    /// Deleted with the row it belongs to in this table (a foreign key that cascades), and
    /// also by this rule where it applies on its own.
    WithParent(&'static str),
    /// Deleted by the store's housekeeping when the session ends (2 idle hours, 7 days at most).
    SessionEnd,
    /// The table holds nothing about anyone.
    NotPersonal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableEntry {
    pub table: &'static str,
    pub holds: &'static str,
    pub retention: TableRetention,
    pub columns: &'static [ColumnEntry],
}

impl TableEntry {
    pub fn personal_columns(&self) -> impl Iterator<Item = (&'static str, PersonalField)> + '_ {
        self.columns.iter().filter_map(|entry| match entry.data {
            ColumnData::Personal(field) => Some((entry.column, field)),
            ColumnData::NotPersonal => None,
        })
    }
}

const fn internal(column: &'static str) -> ColumnEntry {
    ColumnEntry { column, data: ColumnData::NotPersonal }
}

const fn personal(column: &'static str, category: DataCategory, purpose: Purpose, export: Export, erasure: Erasure) -> ColumnEntry {
    ColumnEntry { column, data: ColumnData::Personal(PersonalField { category, purpose, export, erasure }) }
}

use DataCategory as C;
use Erasure as E;
use Export::{Described, Value};
use Purpose as P;

const CONSENT_PROOF: &str = "the record proves what was agreed; once your account is anonymised it names no one";

/// Every table of the store's schema.
pub const REGISTER: &[TableEntry] = &[
    TableEntry {
        table: "account",
        holds: "your account",
        retention: TableRetention::Rule(RetentionRule::DeletedAccounts),
        columns: &[
            internal("id"),
            personal("email", C::Contact, P::Account, Value("E-mail address"), E::Anonymise),
            personal("email_verified_at", C::AccountRecord, P::Account, Value("E-mail address confirmed"), E::Clear),
            personal("name", C::Identity, P::Account, Value("Name"), E::Anonymise),
            personal("telephone", C::Contact, P::Account, Value("Telephone"), E::Clear),
            personal(
                "password_hash",
                C::Credentials,
                P::Security,
                Described("Password", "kept only as a one-way hash, never readable, not even by us"),
                E::Anonymise,
            ),
            personal("role", C::AccountRecord, P::Account, Value("Role"), E::Anonymise),
            personal(
                "created_at",
                C::AccountRecord,
                P::Account,
                Value("Account opened"),
                E::KeepAsProof("the date an account existed, kept until the account's own period ends"),
            ),
            personal("updated_at", C::AccountRecord, P::Account, Value("Last changed"), E::KeepAsProof("the date of the deletion itself")),
            personal(
                "totp_secret",
                C::Credentials,
                P::Security,
                Described("Authenticator app", "a sealed secret shared with your authenticator app"),
                E::Clear,
            ),
            personal("totp_enabled_at", C::Credentials, P::Security, Value("Authenticator app set up"), E::Clear),
            personal(
                "totp_last_step",
                C::Credentials,
                P::Security,
                Described("Last authenticator code", "when your last code was used"),
                E::Clear,
            ),
            personal(
                "deleted_at",
                C::AccountRecord,
                P::Account,
                Value("Deleted"),
                E::KeepAsProof("the day the account was deleted, from which its period counts"),
            ),
        ],
    },
    TableEntry {
        table: "account_address",
        holds: "your address book",
        retention: TableRetention::WithParent("account"),
        columns: &[
            internal("id"),
            internal("account_id"),
            personal("kind", C::Address, P::Account, Value("Kind"), E::DeleteRow),
            personal("is_default", C::Address, P::Account, Value("Default"), E::DeleteRow),
            personal("full_name", C::Identity, P::Account, Value("Name"), E::DeleteRow),
            personal("line1", C::Address, P::Account, Value("Address line 1"), E::DeleteRow),
            personal("line2", C::Address, P::Account, Value("Address line 2"), E::DeleteRow),
            personal("city", C::Address, P::Account, Value("Town or city"), E::DeleteRow),
            personal("postcode", C::Address, P::Account, Value("Postcode"), E::DeleteRow),
            personal("country", C::Address, P::Account, Value("Country"), E::DeleteRow),
            personal("created_at", C::AccountRecord, P::Account, Value("Added"), E::DeleteRow),
            personal("updated_at", C::AccountRecord, P::Account, Value("Last changed"), E::DeleteRow),
        ],
    },
    TableEntry {
        table: "session",
        holds: "signed-in and anonymous browsing sessions",
        retention: TableRetention::SessionEnd,
        columns: &[
            personal("id", C::Technical, P::Security, Described("Session", "the secret in your session cookie"), E::DeleteRow),
            internal("account_id"),
            personal(
                "csrf_token",
                C::Technical,
                P::Security,
                Described("Form token", "a secret that proves a form came from your session"),
                E::DeleteRow,
            ),
            personal("created_at", C::Technical, P::Security, Value("Started"), E::DeleteRow),
            personal("last_seen_at", C::Technical, P::Security, Value("Last seen"), E::DeleteRow),
            personal("expires_at", C::Technical, P::Security, Value("Ends at the latest"), E::DeleteRow),
            personal("second_factor_at", C::Technical, P::Security, Value("Authenticator code confirmed"), E::DeleteRow),
            personal("user_agent_family", C::Technical, P::Security, Value("Browser"), E::DeleteRow),
        ],
    },
    TableEntry {
        table: "basket_line",
        holds: "what is in your basket",
        retention: TableRetention::WithParent("session"),
        columns: &[
            internal("id"),
            internal("session_id"),
            internal("account_id"),
            personal("product_id", C::Purchases, P::Orders, Value("Product"), E::DeleteRow),
            personal("quantity", C::Purchases, P::Orders, Value("Quantity"), E::DeleteRow),
            personal("added_at", C::Purchases, P::Orders, Value("Added"), E::DeleteRow),
        ],
    },
    TableEntry {
        table: "customer_order",
        holds: "your orders",
        retention: TableRetention::Rule(RetentionRule::Orders),
        columns: &[
            internal("id"),
            personal("number", C::Purchases, P::TaxRecords, Value("Order number"), E::LegalHold),
            personal(
                "checkout_key",
                C::Technical,
                P::Orders,
                Described("Checkout key", "stops a repeated post placing the order twice"),
                E::Clear,
            ),
            internal("account_id"),
            personal("status", C::Purchases, P::Orders, Value("Status"), E::LegalHold),
            personal("name", C::Identity, P::TaxRecords, Value("Name"), E::LegalHold),
            personal("email", C::Contact, P::Orders, Value("E-mail address"), E::Anonymise),
            personal("telephone", C::Contact, P::Orders, Value("Telephone"), E::Clear),
            personal("billing_address", C::Address, P::TaxRecords, Value("Billing address"), E::LegalHold),
            personal("delivery_address", C::Address, P::Orders, Value("Delivery address"), E::Clear),
            personal("delivery_method", C::Purchases, P::Orders, Value("Delivery"), E::LegalHold),
            personal("delivery_pence", C::Purchases, P::TaxRecords, Value("Delivery charge (pence)"), E::LegalHold),
            personal("subtotal_pence", C::Purchases, P::TaxRecords, Value("Subtotal (pence)"), E::LegalHold),
            personal("vat_pence", C::Purchases, P::TaxRecords, Value("VAT (pence)"), E::LegalHold),
            personal("total_pence", C::Purchases, P::TaxRecords, Value("Total (pence)"), E::LegalHold),
            personal("card_brand", C::Payment, P::Orders, Value("Card brand"), E::Clear),
            personal("card_last4", C::Payment, P::Orders, Value("Card ending"), E::Clear),
            personal("card_exp_month", C::Payment, P::Orders, Value("Card expiry month"), E::Clear),
            personal("card_exp_year", C::Payment, P::Orders, Value("Card expiry year"), E::Clear),
            personal(
                "payment_token",
                C::Payment,
                P::Orders,
                Described("Payment reference", "the payment provider's reference for refunds"),
                E::Clear,
            ),
            personal("legal_basis", C::Purchases, P::TaxRecords, Value("Legal basis"), E::LegalHold),
            personal("retain_until", C::Purchases, P::TaxRecords, Value("Kept until"), E::LegalHold),
            personal("placed_at", C::Purchases, P::TaxRecords, Value("Placed"), E::LegalHold),
            personal("updated_at", C::Purchases, P::Orders, Value("Last changed"), E::LegalHold),
            personal("dispatched_at", C::Purchases, P::Orders, Value("Dispatched"), E::LegalHold),
            personal("delivered_at", C::Purchases, P::Orders, Value("Delivered"), E::LegalHold),
            personal("cancelled_at", C::Purchases, P::Orders, Value("Cancelled"), E::LegalHold),
        ],
    },
    TableEntry {
        table: "order_line",
        holds: "the items of your orders",
        retention: TableRetention::WithParent("customer_order"),
        columns: &[
            internal("id"),
            internal("order_id"),
            internal("product_id"),
            personal("product_slug", C::Purchases, P::TaxRecords, Value("Product code"), E::LegalHold),
            personal("product_name", C::Purchases, P::TaxRecords, Value("Product"), E::LegalHold),
            personal("unit_price_pence", C::Purchases, P::TaxRecords, Value("Unit price (pence)"), E::LegalHold),
            personal("quantity", C::Purchases, P::TaxRecords, Value("Quantity"), E::LegalHold),
            personal("line_total_pence", C::Purchases, P::TaxRecords, Value("Line total (pence)"), E::LegalHold),
        ],
    },
    TableEntry {
        table: "mail_outbox",
        holds: "e-mails we sent you",
        retention: TableRetention::Rule(RetentionRule::MailRecords),
        columns: &[
            internal("id"),
            personal("kind", C::Messages, P::ServiceMessages, Value("Kind"), E::DeleteRow),
            personal("to_address", C::Contact, P::ServiceMessages, Value("Sent to"), E::DeleteRow),
            personal("subject", C::Messages, P::ServiceMessages, Value("Subject"), E::DeleteRow),
            personal("text_body", C::Messages, P::ServiceMessages, Value("Message"), E::DeleteRow),
            personal(
                "html_body",
                C::Messages,
                P::ServiceMessages,
                Described("Message (HTML)", "the same message as it looked in a mail program"),
                E::DeleteRow,
            ),
            personal("created_at", C::Messages, P::ServiceMessages, Value("Written"), E::DeleteRow),
            personal("status", C::Messages, P::ServiceMessages, Value("Status"), E::DeleteRow),
            internal("attempts"),
            internal("next_attempt_at"),
            internal("last_error"),
            personal("sent_at", C::Messages, P::ServiceMessages, Value("Sent"), E::DeleteRow),
            personal(
                "secret_link",
                C::Credentials,
                P::Security,
                Described("One-time link", "a link only you received; erased once sent"),
                E::DeleteRow,
            ),
            personal(
                "list_unsubscribe",
                C::Marketing,
                P::Marketing,
                Described("Unsubscribe link", "the link that unsubscribes you in one click"),
                E::DeleteRow,
            ),
        ],
    },
    TableEntry {
        table: "marketing_subscriber",
        holds: "your newsletter address",
        retention: TableRetention::Rule(RetentionRule::FormerSubscribers),
        columns: &[
            internal("id"),
            personal("email", C::Contact, P::Marketing, Value("E-mail address"), E::DeleteRow),
            personal(
                "subject_id",
                C::Marketing,
                P::ConsentRecords,
                Described("Consent record key", "the opaque name of your address in the consent log"),
                E::DeleteRow,
            ),
            personal("confirmed_at", C::Marketing, P::Marketing, Value("Confirmed"), E::DeleteRow),
            personal("created_at", C::Marketing, P::Marketing, Value("Subscribed"), E::DeleteRow),
        ],
    },
    TableEntry {
        table: "marketing_consent",
        holds: "your marketing choices",
        retention: TableRetention::WithParent("marketing_subscriber"),
        columns: &[
            internal("subscriber_id"),
            personal("topic", C::Marketing, P::Marketing, Value("Topic"), E::DeleteRow),
            personal("granted", C::Marketing, P::Marketing, Value("Wanted"), E::DeleteRow),
            personal("wording_version", C::Marketing, P::ConsentRecords, Value("Wording version"), E::DeleteRow),
            personal("changed_at", C::Marketing, P::Marketing, Value("Chosen"), E::DeleteRow),
            internal("log_row_id"),
        ],
    },
    TableEntry {
        table: "campaign_delivery",
        holds: "which campaigns were sent to you",
        retention: TableRetention::Rule(RetentionRule::CampaignDeliveries),
        columns: &[
            internal("id"),
            internal("campaign_id"),
            internal("subscriber_id"),
            personal("status", C::Marketing, P::Marketing, Value("Status"), E::DeleteRow),
            personal("prepared_at", C::Marketing, P::Marketing, Value("Prepared"), E::DeleteRow),
            personal("sent_at", C::Marketing, P::Marketing, Value("Sent"), E::DeleteRow),
            internal("outbox_id"),
        ],
    },
    TableEntry {
        table: "consent_log",
        holds: "your consent decisions",
        retention: TableRetention::Rule(RetentionRule::ConsentLog),
        columns: &[
            internal("id"),
            personal("consent_id", C::Consent, P::ConsentRecords, Value("Consent id"), E::KeepAsProof(CONSENT_PROOF)),
            personal("account_id", C::Consent, P::ConsentRecords, Value("Account number"), E::KeepAsProof(CONSENT_PROOF)),
            personal("policy_version", C::Consent, P::ConsentRecords, Value("Policy version"), E::KeepAsProof(CONSENT_PROOF)),
            personal("analytics", C::Consent, P::ConsentRecords, Value("Analytical cookies"), E::KeepAsProof(CONSENT_PROOF)),
            personal("functionality", C::Consent, P::ConsentRecords, Value("Functionality cookies"), E::KeepAsProof(CONSENT_PROOF)),
            personal("targeting", C::Consent, P::ConsentRecords, Value("Targeting cookies"), E::KeepAsProof(CONSENT_PROOF)),
            personal("event_kind", C::Consent, P::ConsentRecords, Value("Event"), E::KeepAsProof(CONSENT_PROOF)),
            personal("source", C::Consent, P::ConsentRecords, Value("Given through"), E::KeepAsProof(CONSENT_PROOF)),
            personal("recorded_at", C::Consent, P::ConsentRecords, Value("Recorded"), E::KeepAsProof(CONSENT_PROOF)),
            personal("expires_at", C::Consent, P::ConsentRecords, Value("Asked again after"), E::KeepAsProof(CONSENT_PROOF)),
            personal("browser_family", C::Technical, P::ConsentRecords, Value("Browser"), E::KeepAsProof(CONSENT_PROOF)),
            personal("text_hash", C::Consent, P::ConsentRecords, Value("Hash of the words shown"), E::KeepAsProof(CONSENT_PROOF)),
            personal(
                "ip_hash",
                C::Technical,
                P::ConsentRecords,
                Described("Network", "a keyed hash of your network's address, never the address itself"),
                E::KeepAsProof(CONSENT_PROOF),
            ),
            internal("prev_hash"),
            internal("row_hash"),
            personal("purpose", C::Consent, P::ConsentRecords, Value("Purpose"), E::KeepAsProof(CONSENT_PROOF)),
        ],
    },
    TableEntry {
        table: "audit_log",
        holds: "what staff and security checks did",
        retention: TableRetention::Rule(RetentionRule::AuditLog),
        columns: &[
            internal("id"),
            internal("actor_account_id"),
            personal(
                "action",
                C::StaffActions,
                P::StaffAccountability,
                Value("Action"),
                E::KeepAsProof("staff accountability: the entry names an account number, not a person"),
            ),
            personal(
                "target",
                C::StaffActions,
                P::StaffAccountability,
                Value("About"),
                E::KeepAsProof("staff accountability: the entry names an account number, not a person"),
            ),
            personal(
                "detail",
                C::StaffActions,
                P::StaffAccountability,
                Value("Detail"),
                E::KeepAsProof("staff accountability: the entry names an account number, not a person"),
            ),
            personal(
                "recorded_at",
                C::StaffActions,
                P::StaffAccountability,
                Value("When"),
                E::KeepAsProof("staff accountability: the entry names an account number, not a person"),
            ),
        ],
    },
    TableEntry {
        table: "campaign",
        holds: "marketing campaigns written by staff",
        retention: TableRetention::NotPersonal,
        columns: &[
            internal("id"),
            internal("subject"),
            internal("text_body"),
            internal("html_body"),
            internal("topic"),
            internal("status"),
            internal("created_by"),
            internal("created_at"),
            internal("updated_at"),
            internal("started_at"),
            internal("prepared_at"),
            internal("finished_at"),
        ],
    },
    TableEntry {
        table: "category",
        holds: "the catalog's categories",
        retention: TableRetention::NotPersonal,
        columns: &[internal("id"), internal("slug"), internal("name"), internal("description"), internal("position")],
    },
    TableEntry {
        table: "product",
        holds: "the catalog",
        retention: TableRetention::NotPersonal,
        columns: &[
            internal("id"),
            internal("category_id"),
            internal("slug"),
            internal("name"),
            internal("description"),
            internal("price_pence"),
            internal("stock"),
            internal("image_url"),
            internal("featured"),
            internal("created_at"),
        ],
    },
    TableEntry {
        table: "consent_chain_checkpoint",
        holds: "how far the consent log was last verified",
        retention: TableRetention::NotPersonal,
        columns: &[internal("id"), internal("verified_up_to_id"), internal("row_hash"), internal("verified_rows"), internal("verified_at")],
    },
    TableEntry {
        table: "consent_log_purge_anchor",
        holds: "the signed hash of the last consent log row removed by retention",
        retention: TableRetention::NotPersonal,
        columns: &[
            internal("id"),
            internal("purged_up_to_id"),
            internal("last_removed_hash"),
            internal("rows_removed"),
            internal("purged_at"),
            internal("signature"),
        ],
    },
    TableEntry {
        table: "retention_run",
        holds: "the record of each retention run",
        retention: TableRetention::NotPersonal,
        columns: &[
            internal("id"),
            internal("started_at"),
            internal("finished_at"),
            internal("trigger"),
            internal("dry_run"),
            internal("outcome"),
            internal("report"),
        ],
    },
];

/// The register's entry for a table.
pub fn table(name: &str) -> Option<&'static TableEntry> {
    REGISTER.iter().find(|entry| entry.table == name)
}

/// One row of the record of processing: a purpose, its legal basis, what it uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessingRecord {
    pub purpose: Purpose,
    pub legal_basis: LegalBasis,
    pub categories: Vec<DataCategory>,
}

/// The record of processing (P13), built from the register: each purpose with the categories
/// of data the store holds for it.
pub fn record_of_processing() -> Vec<ProcessingRecord> {
    Purpose::ALL
        .into_iter()
        .map(|purpose| {
            let mut categories = Vec::new();
            for (_, field) in REGISTER.iter().flat_map(TableEntry::personal_columns) {
                if field.purpose == purpose && !categories.contains(&field.category) {
                    categories.push(field.category);
                }
            }
            ProcessingRecord { purpose, legal_basis: purpose.legal_basis(), categories }
        })
        .filter(|record| !record.categories.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_table_and_column_is_declared_once() {
        let mut tables: Vec<_> = REGISTER.iter().map(|t| t.table).collect();
        tables.sort();
        tables.dedup();
        assert_eq!(tables.len(), REGISTER.len(), "a table is declared twice");
        for entry in REGISTER {
            let mut columns: Vec<_> = entry.columns.iter().map(|c| c.column).collect();
            columns.sort();
            columns.dedup();
            assert_eq!(columns.len(), entry.columns.len(), "a column of {} is declared twice", entry.table);
        }
    }

    // A table the register calls free of personal data holds no personal column, and every
    // table with one has a way its rows end.
    #[test]
    fn p16_every_table_with_personal_data_has_a_retention() {
        for entry in REGISTER {
            let personal = entry.personal_columns().count();
            match entry.retention {
                TableRetention::NotPersonal => assert_eq!(personal, 0, "{} holds personal data", entry.table),
                TableRetention::WithParent(parent) => {
                    let parent = table(parent).unwrap_or_else(|| panic!("{}'s parent is not in the register", entry.table));
                    assert_ne!(parent.retention, TableRetention::NotPersonal, "{}'s parent has no retention", entry.table);
                }
                TableRetention::Rule(_) | TableRetention::SessionEnd => assert!(personal > 0, "{} needs no retention rule", entry.table),
            }
        }
        for rule in RetentionRule::ALL {
            assert!(REGISTER.iter().any(|t| t.retention == TableRetention::Rule(rule)), "rule {} removes no table's rows", rule.id());
        }
    }

    // P13, P15: the record of processing lists each purpose with its one legal basis: marketing
    // on consent, accounts and orders on the contract, tax records on the law.
    #[test]
    fn p13_p15_record_of_processing_comes_from_the_register() {
        let record = record_of_processing();
        let basis = |purpose| record.iter().find(|r| r.purpose == purpose).map(|r| r.legal_basis);
        assert_eq!(basis(Purpose::Marketing), Some(LegalBasis::Consent));
        assert_eq!(basis(Purpose::Account), Some(LegalBasis::Contract));
        assert_eq!(basis(Purpose::Orders), Some(LegalBasis::Contract));
        assert_eq!(basis(Purpose::TaxRecords), Some(LegalBasis::LegalObligation));
        assert_eq!(basis(Purpose::Security), Some(LegalBasis::LegitimateInterests));
        let marketing = record.iter().find(|r| r.purpose == Purpose::Marketing).unwrap();
        assert!(marketing.categories.contains(&DataCategory::Contact));
        assert_eq!(record.len(), Purpose::ALL.len(), "every purpose is used by some column");
    }

    // P34: what tax law needs of an order stays under legal hold; what it does not (telephone,
    // delivery address, payment details) goes at once.
    #[test]
    fn p34_orders_keep_only_what_the_law_requires() {
        let orders = table("customer_order").unwrap();
        for (column, field) in orders.personal_columns() {
            if field.purpose == Purpose::TaxRecords {
                assert_eq!(field.erasure, Erasure::LegalHold, "{column}");
            }
        }
        let erasure = |column: &str| orders.personal_columns().find(|(c, _)| *c == column).map(|(_, f)| f.erasure);
        for column in ["telephone", "delivery_address", "card_last4", "payment_token"] {
            assert_eq!(erasure(column), Some(Erasure::Clear), "{column}");
        }
        assert_eq!(erasure("email"), Some(Erasure::Anonymise));
    }
}

//! `/admin/consent-log.csv` and `.json`: the consent log, filtered as on the staff page, as a
//! file for an auditor (B03). Staff only; each export is written to the audit log.

use app::domain::staff::ConsentLogFilter;
use app::server::{accounts, consent_audit, state::AppState};
use axum::{
    extract::{Query, Request, State},
    response::{IntoResponse, Response},
    Json,
};
use http::{header, StatusCode};

#[derive(serde::Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    consent_id: String,
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Clone, Copy)]
pub enum Format {
    Csv,
    Json,
}

pub async fn csv(state: State<AppState>, query: Query<ExportQuery>, request: Request) -> Response {
    export(state, query, request, Format::Csv).await
}

pub async fn json(state: State<AppState>, query: Query<ExportQuery>, request: Request) -> Response {
    export(state, query, request, Format::Json).await
}

async fn export(State(state): State<AppState>, Query(query): Query<ExportQuery>, request: Request, format: Format) -> Response {
    let (parts, _) = request.into_parts();
    let staff = match accounts::require_staff(&state, &parts).await {
        Ok(staff) => staff,
        Err(error) => {
            return (StatusCode::from_u16(app::errors::Failure::status(&error)).unwrap_or(StatusCode::FORBIDDEN), error.to_string())
                .into_response()
        }
    };
    let filter = match ConsentLogFilter::parse(&query.consent_id, &query.account_id, &query.from, &query.to) {
        Ok(filter) => filter,
        Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
    };
    let now = chrono::Utc::now();
    let action = match format {
        Format::Csv => "consent_log.export_csv",
        Format::Json => "consent_log.export_json",
    };
    let rows = async {
        accounts::audit::record(&state.db, Some(staff.account.id), action, &filter.query(), "", now).await?;
        consent_audit::export(&state.db, &filter).await
    }
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(error) => {
            tracing::error!(%error, "exporting the consent log failed");
            return (StatusCode::SERVICE_UNAVAILABLE, "The export could not be made just now. Please try again.").into_response();
        }
    };
    let stamp = now.format("%Y%m%d-%H%M%S");
    match format {
        Format::Csv => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"consent-log-{stamp}.csv\"")),
            ],
            consent_audit::to_csv(&rows),
        )
            .into_response(),
        Format::Json => {
            ([(header::CONTENT_DISPOSITION, format!("attachment; filename=\"consent-log-{stamp}.json\""))], Json(rows)).into_response()
        }
    }
}

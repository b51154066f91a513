//! Campaign preparation (issue 15's target): seeds SUBSCRIBERS confirmed addresses consenting to
//! the newsletter (and a tenth as many consenting to offers only, who must not be chosen), then
//! times `campaigns::start_sending` choosing the recipients of a newsletter campaign, and reads
//! this process's resident memory before and after. With `send`, it then also times the sender
//! queueing every message in the outbox (held: no SMTP server). Run by bench/campaign.sh.
//!
//! With `serve`, it instead serves the store on LISTEN_ADDR (demo catalog) and, once a line
//! arrives on standard input, prepares one newsletter campaign after another for
//! PREPARE_SECONDS, so a load generator can compare shoppers' pages idle and during
//! preparation (bench/campaign-shoppers.sh).
//!
//! Usage: campaign_bench DATABASE_URL [SUBSCRIBERS] [send|serve]   (an empty database)

use app::domain::campaign::CampaignDraft;
use app::server::entities::{account, campaign_delivery, marketing_consent, marketing_subscriber};
use app::server::marketing::{campaign_sender, campaigns};
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sop_server::{config::Config, startup::Application};
use std::time::Instant;

// As the server binary: memory is measured with the allocator the store runs with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Rows per seeding INSERT (4 values each: well under either database's parameter limit).
const SEED_CHUNK: usize = 5_000;

/// A line of /proc/self/status in kB (VmRSS, VmHWM).
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Starts a fresh peak (VmHWM) from the current resident size (Linux: clear_refs 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

async fn seed(db: &impl ConnectionTrait, prefix: &str, count: usize, topic: &str) -> Result<(), String> {
    let now = Utc::now();
    for start in (0..count).step_by(SEED_CHUNK) {
        let rows = (start..count.min(start + SEED_CHUNK)).map(|i| marketing_subscriber::ActiveModel {
            email: Set(format!("{prefix}{i}@bench.example")),
            subject_id: Set(format!("m-{prefix}-{i}")),
            confirmed_at: Set(Some(now)),
            created_at: Set(now),
            ..Default::default()
        });
        marketing_subscriber::Entity::insert_many(rows).exec(db).await.map_err(|e| e.to_string())?;
    }
    let consents = Query::select()
        .column(marketing_subscriber::Column::Id)
        .expr(Expr::val(topic))
        .expr(Expr::val(true))
        .expr(Expr::val(format!("{topic}-2026-12")))
        .expr(Expr::val(now))
        .expr(Expr::val(0))
        .from(marketing_subscriber::Entity)
        .and_where(Expr::col(marketing_subscriber::Column::SubjectId).like(format!("m-{prefix}-%")))
        .to_owned();
    let insert = Query::insert()
        .into_table(marketing_consent::Entity)
        .columns([
            marketing_consent::Column::SubscriberId,
            marketing_consent::Column::Topic,
            marketing_consent::Column::Granted,
            marketing_consent::Column::WordingVersion,
            marketing_consent::Column::ChangedAt,
            marketing_consent::Column::LogRowId,
        ])
        .select_from(consents)
        .map_err(|e| e.to_string())?
        .to_owned();
    db.execute(&insert).await.map_err(|e| e.to_string())?;
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: campaign_bench DATABASE_URL [SUBSCRIBERS]")?;
    let subscribers: usize = args.next().map(|n| n.parse().map_err(|_| "SUBSCRIBERS must be a number")).transpose()?.unwrap_or(100_000);
    let mode = args.next();
    let send = mode.as_deref() == Some("send");
    let serve = mode.as_deref() == Some("serve");
    let work = tempfile_dir()?;
    let config = Config::from_lookup(|var| match var {
        "DATABASE_URL" => Some(url.clone()),
        "SECRET_KEY_FILE" => Some(format!("{work}/secret.key")),
        // Serving: the demo catalog and the built site, where the script says.
        "LISTEN_ADDR" | "LEPTOS_SITE_ROOT" | "DEMO_DATA" if serve => std::env::var(var).ok(),
        "LISTEN_ADDR" => Some("127.0.0.1:0".into()),
        _ => None,
    })
    .map_err(|e| e.to_string())?;
    // The store's own state (database pool, keys, sender handle), not serving.
    let store = Application::build(config).await.map_err(|e| e.to_string())?;
    let state = store.state().clone();

    let seeding = Instant::now();
    seed(&state.db, "reader", subscribers, "newsletter").await?;
    seed(&state.db, "bargain", subscribers / 10, "offers").await?;
    eprintln!("seeded {} subscribers in {:.1} s", subscribers + subscribers / 10, seeding.elapsed().as_secs_f64());
    let now = Utc::now();
    let staff = account::ActiveModel {
        email: Set("bench.staff@bench.example".into()),
        name: Set("Bench".into()),
        password_hash: Set("-".into()),
        role: Set("staff".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&state.db)
    .await
    .map_err(|e| e.to_string())?;
    let draft = CampaignDraft::parse("Bench news", "Hello.", "<p>Hello.</p>", "newsletter").map_err(|e| format!("{e:?}"))?;
    let id = campaigns::create_draft(&state.db, &draft, staff.id, now).await.map_err(|e| e.to_string())?.summary.id;

    if serve {
        return serve_and_prepare(store, staff.id, &draft).await;
    }

    let rss_before = status_kb("VmRSS");
    reset_peak();
    let started = Instant::now();
    let summary = campaigns::start_sending(&state, id, Utc::now()).await.map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    let (rss_after, peak) = (status_kb("VmRSS"), status_kb("VmHWM"));

    let rows = campaign_delivery::Entity::find().filter(campaign_delivery::Column::CampaignId.eq(id)).count(&state.db).await;
    let rows = rows.map_err(|e| e.to_string())?;
    let growth_kb = std::cmp::max(peak, rss_after).saturating_sub(rss_before);
    println!("database={}", if url.starts_with("postgres") { "postgresql" } else { "sqlite" });
    println!("subscribers_consenting={subscribers}");
    println!("recipients_prepared={}", summary.prepared);
    println!("delivery_rows={rows}");
    println!("seconds={:.3}", elapsed.as_secs_f64());
    println!("recipients_per_second={:.0}", summary.prepared as f64 / elapsed.as_secs_f64());
    println!("rss_before_mb={:.1}", rss_before as f64 / 1024.0);
    println!("rss_after_mb={:.1}", rss_after as f64 / 1024.0);
    println!("rss_peak_growth_mb={:.1}", growth_kb as f64 / 1024.0);
    if send {
        let sending = Instant::now();
        let mut queued = 0u64;
        loop {
            let round = campaign_sender::send_round(&state, Utc::now()).await.map_err(|e| e.to_string())?;
            queued += u64::from(round.queued);
            if round.finished > 0 {
                break;
            }
        }
        println!("messages_queued={queued}");
        println!("send_seconds={:.3}", sending.elapsed().as_secs_f64());
        println!("messages_queued_per_second={:.0}", queued as f64 / sending.elapsed().as_secs_f64());
    }
    let _ = std::fs::remove_dir_all(&work);
    if rows == subscribers as u64 && summary.prepared == subscribers as u64 {
        Ok(())
    } else {
        Err(format!("expected {subscribers} recipients, prepared {} ({rows} rows)", summary.prepared))
    }
}

/// Serves the store (on this one thread, as the server binary does) and, on a line from
/// standard input, prepares campaigns back to back for PREPARE_SECONDS (default 10).
async fn serve_and_prepare(store: Application, staff_id: i32, draft: &CampaignDraft) -> Result<(), String> {
    // A line on standard input, read off the store's thread.
    let next_line = || {
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map(|_| ())
        })
    };
    let state = store.state().clone();
    println!("listening={}", store.local_addr());
    tokio::spawn(store.run_until(std::future::pending()));
    next_line().await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    let seconds: f64 = std::env::var("PREPARE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10.0);
    let started = Instant::now();
    let (mut campaigns_prepared, mut recipients) = (0u64, 0u64);
    while started.elapsed().as_secs_f64() < seconds {
        let id = campaigns::create_draft(&state.db, draft, staff_id, Utc::now()).await.map_err(|e| e.to_string())?.summary.id;
        recipients += campaigns::start_sending(&state, id, Utc::now()).await.map_err(|e| e.to_string())?.prepared;
        campaigns_prepared += 1;
    }
    println!("campaigns_prepared={campaigns_prepared}");
    println!("recipients_prepared={recipients}");
    println!("prepare_seconds={:.1}", started.elapsed().as_secs_f64());
    // Stay up until the script is done with the store.
    let _ = next_line().await;
    Ok(())
}

/// A private folder for the store's secret key file.
fn tempfile_dir() -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("campaign-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir.display().to_string())
}

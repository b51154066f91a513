//! Consent log throughput: appends decisions from many concurrent writers, then checks that
//! every acknowledged decision is in the log and the chain verifies. Run by bench/consent-log.sh.
//!
//! Usage: consent_log_bench DATABASE_URL [DECISIONS] [WRITERS]

use app::domain::consent::{ConsentChoices, ConsentEvent, ConsentSource};
use app::server::consent_log::{self, ChainStatus, ConsentDecision, ConsentLog};
use chrono::{Duration, Utc};
use sop_server::{config::Config, database};
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: consent_log_bench DATABASE_URL [DECISIONS] [WRITERS]")?;
    let decisions: usize = args.next().map(|n| n.parse().map_err(|_| "DECISIONS must be a number")).transpose()?.unwrap_or(20_000);
    let writers: usize = args.next().map(|n| n.parse().map_err(|_| "WRITERS must be a number")).transpose()?.unwrap_or(32);
    let config = Config::from_lookup(|var| match var {
        "DATABASE_URL" => Some(url.clone()),
        _ => None,
    })
    .map_err(|e| e.to_string())?;
    let db = database::connect(&config.database).await.map_err(|e| e.to_string())?;
    database::migrate(&db).await.map_err(|e| e.to_string())?;

    let log = ConsentLog::new(db.clone());
    let started = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|writer| {
            let log = log.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for n in (writer..decisions).step_by(writers) {
                    let now = Utc::now();
                    let decision = ConsentDecision {
                        consent_id: format!("bench-{n}"),
                        account_id: None,
                        policy_version: "1".into(),
                        choices: if n % 2 == 0 { ConsentChoices::ACCEPT_ALL } else { ConsentChoices::REJECT_ALL },
                        event: if n % 2 == 0 { ConsentEvent::Grant } else { ConsentEvent::Deny },
                        source: ConsentSource::Banner,
                        recorded_at: now,
                        expires_at: now + Duration::days(365),
                        browser_family: "Chrome".into(),
                        text_hash: "a".repeat(64),
                        ip_hash: "b".repeat(64),
                        purpose: app::domain::consent::ConsentPurpose::Cookies,
                    };
                    let one = Instant::now();
                    log.append(decision).await.map_err(|e| e.to_string())?;
                    latencies.push(one.elapsed());
                }
                Ok::<_, String>(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(decisions);
    for task in tasks {
        latencies.extend(task.await.map_err(|e| e.to_string())??);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let p99 = latencies.get(latencies.len() * 99 / 100).copied().unwrap_or_default();

    let status = consent_log::verify(&db, b"the bench never purges: no anchor").await.map_err(|e| e.to_string())?;
    let all_present = status == ChainStatus::Intact { rows: decisions as u64 };
    println!("decisions={decisions}");
    println!("writers={writers}");
    println!("seconds={:.3}", elapsed.as_secs_f64());
    println!("decisions_per_second={:.0}", decisions as f64 / elapsed.as_secs_f64());
    println!("append_p99_ms={:.2}", p99.as_secs_f64() * 1000.0);
    println!("chain={status:?}");
    println!("all_acknowledged_rows_present={all_present}");
    if all_present {
        Ok(())
    } else {
        Err("the log does not hold every acknowledged decision".into())
    }
}

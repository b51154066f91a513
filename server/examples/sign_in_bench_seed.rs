//! For bench/accounts.sh: creates confirmed accounts `bench-N@bench.test` sharing one password
//! (hashed once: the bench measures signing in, not registering), and times argon2id
//! verification on this machine. Prints `key=value` lines.
//!   sign_in_bench_seed DATABASE_URL ACCOUNTS PASSWORD

use app::server::accounts::passwords::{hash_password, verify_password};
use app::server::entities::account;
use sea_orm::{ActiveValue::Set, Database, EntityTrait};
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (url, accounts, password) = match args.as_slice() {
        [_, url, accounts, password] => (url.clone(), accounts.parse::<usize>()?, password.clone()),
        _ => return Err("usage: sign_in_bench_seed DATABASE_URL ACCOUNTS PASSWORD".into()),
    };
    let db = Database::connect(&url).await?;
    <migrations::Migrator as migrations::MigratorTrait>::up(&db, None).await?;
    let hash = hash_password(password.clone()).await?;
    let now = chrono::Utc::now();
    let rows = (0..accounts).map(|n| account::ActiveModel {
        id: Default::default(),
        email: Set(format!("bench-{n}@bench.test")),
        email_verified_at: Set(Some(now)),
        name: Set(format!("Bench {n}")),
        telephone: Set(None),
        password_hash: Set(hash.clone()),
        role: Set("customer".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        totp_secret: Set(None),
        totp_enabled_at: Set(None),
        totp_last_step: Set(None),
        deleted_at: Set(None),
    });
    account::Entity::insert_many(rows).exec(&db).await?;

    let mut times = Vec::new();
    for _ in 0..40 {
        let started = Instant::now();
        assert!(verify_password(password.clone(), Some(hash.clone())).await, "the password verifies");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!("accounts={accounts}");
    println!("hash={}", hash.split('$').take(4).collect::<Vec<_>>().join("$"));
    println!("verify_p50_ms={:.1}", times[times.len() / 2]);
    println!("verify_max_ms={:.1}", times[times.len() - 1]);
    Ok(())
}

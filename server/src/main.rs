//! `server`: runs the store, or one of its administrative tasks.

use app::server::consent_log::{self, ChainStatus};
use clap::{Parser, Subcommand};
use sop_server::{
    config::Config,
    database,
    startup::{shutdown_signal, Application},
};
use std::process::ExitCode;

// Rendering pages allocates many small strings; glibc malloc spent ~40% of a category page
// request in malloc/free under load (perf), mimalloc far less (bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "server", about = "sop-store: an online store that keeps its privacy promises")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the store (the default).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Load the demo catalog into an empty database, then exit.
    SeedDemo,
    /// The consent log.
    Consent {
        #[command(subcommand)]
        action: ConsentCommand,
    },
    /// Staff accounts.
    Admin {
        #[command(subcommand)]
        action: AdminCommand,
    },
    /// The mail outbox, for the operator at this machine.
    Mail {
        #[command(subcommand)]
        action: MailCommand,
    },
    /// Deleting personal data whose period is over (P16–P19).
    Retention {
        #[command(subcommand)]
        action: RetentionCommand,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Apply every retention rule now, printing per rule what it deleted; the running store
    /// does this daily. Recorded in the database like the daily runs.
    Run {
        /// Count what is due and print it, deleting nothing.
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run only: count what would be due on this day (YYYY-MM-DD), to see
        /// what the rules will remove and when.
        #[arg(long, value_name = "DATE", requires = "dry_run")]
        as_of: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Print the newest message to an address as its recipient gets it, one-time link included:
    /// how a store without SMTP_URL lets its operator read held mail (staff in the web outbox
    /// never see such links).
    Show {
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff account (confirmed, ready to sign in), or give an existing account the role.
    /// The password is read from standard input with --password-stdin; otherwise a strong one
    /// is generated and printed once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Store administrator")]
        name: String,
        /// admin (manages everything) or staff.
        #[arg(long, default_value = "admin")]
        role: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// For a staff member who lost their authenticator app: forget the account's app and end
    /// all its sessions, so at its next sign-in it sets up a new app, as at its first. Check
    /// first that the person asking is the account's holder. Written to the audit log.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum ConsentCommand {
    /// Walk the consent log's hash chain and report the first broken row (exit status 1).
    Verify,
}

// One thread runs every request: Leptos 0.8's server rendering lost wake-ups when a page's
// resources completed on another worker thread (about one render in a few hundred hung under
// parallel tests; none with one thread). Blocking work still goes to tokio's blocking pool
// and SQLite to sqlx's own threads. See bench/RESULTS.md for what this costs.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("sop-store cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::new(&config.log_filter)).init();
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sop-store: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    match command {
        Command::Serve => {
            let app = Application::build(config).await.map_err(|e| e.to_string())?;
            println!("sop-store is listening on http://{}", app.local_addr());
            app.run_until(shutdown_signal()).await.map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let db = database::connect(&config.database).await.map_err(|e| e.to_string())?;
            database::migrate(&db).await.map_err(|e| e.to_string())?;
            println!("The database schema is up to date ({}).", database::redacted(&config.database.url));
            Ok(())
        }
        Command::SeedDemo => {
            let db = database::connect(&config.database).await.map_err(|e| e.to_string())?;
            database::migrate(&db).await.map_err(|e| e.to_string())?;
            let outcome = app::server::demo_data::seed_demo_catalog(&db).await.map_err(|e| e.to_string())?;
            println!("{outcome:?}");
            Ok(())
        }
        Command::Admin { action: AdminCommand::Create { email, name, role, password_stdin } } => {
            use app::domain::account::Role;
            use app::server::accounts::staff::{create_or_promote, StaffOutcome};
            let role = Role::parse(&role).filter(|r| r.is_staff()).ok_or("--role must be admin or staff")?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|e| format!("could not read the password: {e}"))?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (generated_password(), true)
            };
            let db = database::connect(&config.database).await.map_err(|e| e.to_string())?;
            database::migrate(&db).await.map_err(|e| e.to_string())?;
            match create_or_promote(&db, &email, &name, role, &password, chrono::Utc::now()).await.map_err(|e| e.to_string())? {
                StaffOutcome::Created { account_id } => {
                    println!(
                        "Created {} account {account_id}. Sign in at /account/sign-in: at the first sign-in it must set up an authenticator app (staff need its 6-digit code at every sign-in).",
                        role.as_str()
                    );
                    if generated {
                        println!("Its password (shown once, change it after signing in): {password}");
                    }
                }
                StaffOutcome::Promoted { account_id, ended_sessions } => {
                    println!(
                        "Account {account_id} is now {}; its password is unchanged. {ended_sessions} session(s) ended. Staff sign in with an authenticator app's code; without one set up yet, it sets one up at its next sign-in.",
                        role.as_str()
                    );
                }
            }
            Ok(())
        }
        Command::Admin { action: AdminCommand::ResetSecondFactor { email } } => {
            use app::server::accounts::staff::reset_second_factor;
            let db = database::connect(&config.database).await.map_err(|e| e.to_string())?;
            database::migrate(&db).await.map_err(|e| e.to_string())?;
            let outcome = reset_second_factor(&db, &email, chrono::Utc::now()).await.map_err(|e| e.to_string())?;
            let (account_id, ended) = (outcome.account_id, outcome.ended_sessions);
            if outcome.was_enrolled {
                println!("Account {account_id}'s authenticator app was removed: its codes no longer work. {ended} session(s) ended.");
            } else {
                println!(
                    "Account {account_id} had no authenticator app set up yet (any unfinished setup was discarded). {ended} session(s) ended all the same."
                );
            }
            println!(
                "Next: the account holder signs in at /account/sign-in with their password, as before, then sets up a new authenticator app from the key shown, as at their first sign-in."
            );
            Ok(())
        }
        Command::Mail { action: MailCommand::Show { to } } => {
            let db = database::connect(&config.database).await.map_err(|e| e.to_string())?;
            database::migrate(&db).await.map_err(|e| e.to_string())?;
            let newest = app::server::mail::outbox::newest_for_recipient(&db, to.trim()).await.map_err(|e| e.to_string())?;
            let (summary, text_body) = newest.ok_or_else(|| format!("the outbox has no message to {}", to.trim()))?;
            println!(
                "To: {}\nSubject: {}\nKind: {}\nStatus: {}\nWritten: {}\n\n{text_body}",
                summary.to_address,
                summary.subject,
                summary.kind.label(),
                summary.status.label(),
                summary.created_at
            );
            Ok(())
        }
        Command::Retention { action: RetentionCommand::Run { dry_run, as_of } } => retention_run(&config, dry_run, as_of).await,
        Command::Consent { action: ConsentCommand::Verify } => {
            let keys = store_keys(&config)?;
            let db = database::connect(&config.database).await.map_err(|e| e.to_string())?;
            database::migrate(&db).await.map_err(|e| e.to_string())?;
            let start = consent_log::chain_start(&db, &keys.consent_log_anchor)
                .await
                .map_err(|e| format!("could not read the consent log: {e}"))?;
            match consent_log::verify(&db, &keys.consent_log_anchor).await.map_err(|e| format!("could not read the consent log: {e}"))? {
                ChainStatus::Intact { rows } => {
                    match start {
                        Ok(start) if start.rows_removed > 0 => println!(
                            "The consent log is intact: {rows} rows, every link checked, from the signed record of the {} oldest rows removed by retention (up to row {}).",
                            start.rows_removed, start.after_id
                        ),
                        _ => println!("The consent log is intact: {rows} rows, every link checked."),
                    }
                    Ok(())
                }
                ChainStatus::Broken { row_id, problem } => Err(format!("the consent log is broken at row {row_id}: {problem}")),
            }
        }
    }
}

/// The store's keys, from the same secret the server uses.
fn store_keys(config: &Config) -> Result<app::server::keys::StoreKeys, String> {
    let secret = sop_server::config::load_or_create_secret(&config.secret_key).map_err(|e| e.to_string())?;
    Ok(app::server::keys::StoreKeys::derive(secret.as_bytes()))
}

/// `server retention run`: the rules as of now (or, dry, as of a chosen day), one line each.
async fn retention_run(config: &Config, dry_run: bool, as_of: Option<chrono::NaiveDate>) -> Result<(), String> {
    use app::domain::retention::{RunMode, RunTrigger};
    use app::server::privacy::retention::{run, RetentionContext};
    let keys = store_keys(config)?;
    let db = database::connect(&config.database).await.map_err(|e| e.to_string())?;
    database::migrate(&db).await.map_err(|e| e.to_string())?;
    let log = consent_log::ConsentLog::new(db.clone());
    let context = RetentionContext { db: &db, consent_log: &log, anchor_key: &keys.consent_log_anchor, periods: config.retention };
    let now = match as_of {
        Some(day) => day.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).ok_or("--as-of is not a valid day")?,
        None => chrono::Utc::now(),
    };
    let mode = if dry_run { RunMode::DryRun } else { RunMode::Delete };
    let report = run(&context, now, mode, RunTrigger::Command)
        .await
        .map_err(|e| format!("the retention run failed (recorded as failed; what was deleted before stays deleted): {e}"))?;
    match mode {
        RunMode::DryRun => println!("Dry run {} as of {}: nothing was deleted.", report.run_id, now.format("%Y-%m-%d %H:%M UTC")),
        RunMode::Delete => println!("Retention run {} as of {}:", report.run_id, now.format("%Y-%m-%d %H:%M UTC")),
    }
    for outcome in &report.outcomes {
        println!("  {}", outcome.describe(mode, config.retention));
    }
    Ok(())
}

/// Five groups of five random letters and digits: about 128 bits, easy to type once.
fn generated_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..5).map(|_| (0..5).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect::<String>()).collect::<Vec<_>>().join("-")
}

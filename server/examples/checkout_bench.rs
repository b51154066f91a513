//! For bench/checkout.sh (issue 4's target: at least 200 completed checkouts per second on
//! SQLite, with the orders verified afterwards). Two subcommands:
//!
//!   checkout_bench seed DATABASE_URL [PRODUCTS] [STOCK]
//!     Before the server starts: migrations, the demo catalog (so the store looks as shoppers
//!     see it; the server's own DEMO_DATA seeding then finds it present and does nothing), and
//!     a "Bench" category with PRODUCTS (8) products `bench-product-N` holding STOCK (1,000,000)
//!     units each.
//!
//!   checkout_bench run BASE_URL SHOPPERS SECONDS DATABASE_URL [--checkouts N] [--reuse-sessions]
//!     SHOPPERS concurrent guest shoppers check out for SECONDS (or until N checkouts have been
//!     started), each through the same three posts a hydrated checkout makes: add one unit to
//!     the basket, load the basket (CSRF token and the basket's fingerprint), place the order.
//!     Then it reads the database itself and checks that the orders are exactly the completed
//!     checkouts and that every bench product's stock fell by exactly the units ordered.
//!     Prints `key=value` lines; exits with status 1 if the verification fails.
//!
//! Every checkout starts a fresh session by default, as guests do: each one's first add to the
//! basket creates the session (a database write the target includes). `--reuse-sessions` keeps
//! one session per shopper instead, to see what that first write costs.

use app::domain::slug::Slug;
use app::server::entities::{category, product};
use clap::{Parser, Subcommand};
use reqwest::header::{ACCEPT, COOKIE, ORIGIN, SET_COOKIE};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, Statement};
use serde_json::Value;
use sop_server::{config::Config, database};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The names the orders migration gives its tables (migrations/src/m20261130_000005_create_orders.rs).
const ORDERS_TABLE: &str = "customer_order";
const ORDER_LINES_TABLE: &str = "order_line";
const BENCH_SLUG_PREFIX: &str = "bench-product-";
const SESSION_COOKIE: &str = "sop_session";

#[derive(Parser)]
#[command(name = "checkout_bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Creates the schema, the demo catalog and the bench products (run before the server starts).
    Seed {
        database_url: String,
        #[arg(default_value_t = 8)]
        products: usize,
        #[arg(default_value_t = 1_000_000)]
        stock: i32,
    },
    /// Runs the shoppers against a running store, then verifies the database.
    Run {
        base_url: String,
        shoppers: usize,
        seconds: f64,
        database_url: String,
        /// Stop after this many checkouts have been started (instead of after SECONDS).
        #[arg(long)]
        checkouts: Option<u64>,
        /// One session per shopper for all its checkouts, instead of a fresh one per checkout.
        #[arg(long)]
        reuse_sessions: bool,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    match Cli::parse().command {
        Command::Seed { database_url, products, stock } => seed(&database_url, products, stock).await,
        Command::Run { base_url, shoppers, seconds, database_url, checkouts, reuse_sessions } => {
            let db = connect(&database_url).await?;
            let start_stock = bench_stock(&db).await?;
            if start_stock.is_empty() {
                return Err(format!("no products named {BENCH_SLUG_PREFIX}N: run `checkout_bench seed` first"));
            }
            let slugs: Vec<String> = start_stock.keys().cloned().collect();
            let (mut tally, elapsed) =
                run_load(&base_url, &slugs, shoppers, Duration::from_secs_f64(seconds), checkouts, reuse_sessions).await;
            tally.print(shoppers, reuse_sessions, elapsed);
            let verified = verify(&db, &start_stock, &tally).await?;
            if verified {
                Ok(())
            } else {
                Err("the database does not match the completed checkouts".into())
            }
        }
    }
}

async fn connect(url: &str) -> Result<DatabaseConnection, String> {
    let config = Config::from_lookup(|var| (var == "DATABASE_URL").then(|| url.to_owned())).map_err(|e| e.to_string())?;
    database::connect(&config.database).await.map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Seeding

async fn seed(url: &str, products: usize, stock: i32) -> Result<(), String> {
    let db = connect(url).await?;
    database::migrate(&db).await.map_err(|e| e.to_string())?;
    let demo = app::server::demo_data::seed_demo_catalog(&db).await.map_err(|e| e.to_string())?;
    let bench = category::Entity::insert(category::ActiveModel {
        slug: Set("bench".to_owned()),
        name: Set("Bench".to_owned()),
        description: Set("Products for the checkout benchmark.".to_owned()),
        position: Set(100),
        ..Default::default()
    })
    .exec(&db)
    .await
    .map_err(|e| e.to_string())?;
    let now = chrono::Utc::now();
    let rows = (1..=products).map(|n| {
        let name = format!("Bench Product {n}");
        let slug = Slug::from_name(&name).map(|s| s.to_string()).unwrap_or_default();
        product::ActiveModel {
            category_id: Set(bench.last_insert_id),
            image_url: Set(format!("/media/products/{slug}.svg")),
            slug: Set(slug),
            name: Set(name),
            description: Set("A product that exists to be bought many times a second.".to_owned()),
            // £15.00: under the free-delivery threshold, so every order also pays for delivery.
            price_pence: Set(1500),
            stock: Set(stock),
            featured: Set(false),
            created_at: Set(now),
            ..Default::default()
        }
    });
    product::Entity::insert_many(rows).exec(&db).await.map_err(|e| e.to_string())?;
    println!("demo_catalog={demo:?}");
    println!("bench_products={products}");
    println!("bench_stock_each={stock}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The shoppers

/// What the shoppers saw: one tally per shopper, added up at the end.
#[derive(Default)]
struct Tally {
    attempted: u64,
    /// Order numbers from the redirects of completed checkouts.
    numbers: Vec<String>,
    /// Units bought per product slug, in completed checkouts.
    units: HashMap<String, u64>,
    add: Vec<Duration>,
    basket: Vec<Duration>,
    place: Vec<Duration>,
    checkout: Vec<Duration>,
    /// For each completed checkout: the second of the run it completed in, and its place time.
    timeline: Vec<(usize, Duration)>,
    failures: BTreeMap<String, u64>,
    /// Place requests that got no answer: their orders may or may not exist.
    place_unanswered: u64,
}

impl Tally {
    fn completed(&self) -> u64 {
        self.numbers.len() as u64
    }

    fn absorb(&mut self, other: Tally) {
        self.attempted += other.attempted;
        self.numbers.extend(other.numbers);
        for (slug, units) in other.units {
            *self.units.entry(slug).or_default() += units;
        }
        self.add.extend(other.add);
        self.basket.extend(other.basket);
        self.place.extend(other.place);
        self.checkout.extend(other.checkout);
        self.timeline.extend(other.timeline);
        for (kind, n) in other.failures {
            *self.failures.entry(kind).or_default() += n;
        }
        self.place_unanswered += other.place_unanswered;
    }
}

/// A guest with its browser's state: the session cookie.
struct Shopper {
    client: reqwest::Client,
    base: String,
    session: Option<String>,
}

impl Shopper {
    /// Posts a form as the hydrated page does; keeps the session cookie it sets. Ok(the JSON).
    async fn post(&mut self, step: &str, path: &str, form: &[(&str, &str)]) -> Result<Value, String> {
        let mut request =
            self.client.post(format!("{}{path}", self.base)).header(ACCEPT, "application/json").header(ORIGIN, &self.base).form(form);
        if let Some(token) = &self.session {
            request = request.header(COOKIE, format!("{SESSION_COOKIE}={token}"));
        }
        let response = request.send().await.map_err(|e| format!("{step}: {}", transport_kind(&e)))?;
        let status = response.status();
        for value in response.headers().get_all(SET_COOKIE) {
            let Ok(value) = value.to_str() else { continue };
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((name, token)) = pair.split_once('=') {
                if name.trim() == SESSION_COOKIE {
                    // An empty value (Max-Age=0) ends the session.
                    self.session = (!token.is_empty()).then(|| token.to_owned());
                }
            }
        }
        let body = response.text().await.map_err(|e| format!("{step}: reading the answer: {}", transport_kind(&e)))?;
        if !status.is_success() {
            return Err(format!("{step}: HTTP {} {}", status.as_u16(), excerpt(&body)));
        }
        serde_json::from_str(&body).map_err(|_| format!("{step}: not JSON: {}", excerpt(&body)))
    }

    /// A form's answer: Ok(redirect) when it has no errors.
    async fn form(&mut self, step: &str, path: &str, form: &[(&str, &str)]) -> Result<Option<String>, String> {
        let json = self.post(step, path, form).await?;
        let errors =
            json.get("errors").and_then(Value::as_array).ok_or_else(|| format!("{step}: no `errors` in {}", excerpt(&json.to_string())))?;
        if let Some(first) = errors.first() {
            let field = first.get("field").and_then(Value::as_str).unwrap_or("?");
            let message = first.get("message").and_then(Value::as_str).unwrap_or("?");
            return Err(format!("{step}: error on `{field}`: {}", excerpt(message)));
        }
        Ok(json.get("redirect").and_then(Value::as_str).map(str::to_owned))
    }
}

fn transport_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "connection failed"
    }
}

/// The start of a message, with digits blanked so that failures of one kind count together.
fn excerpt(text: &str) -> String {
    let flat: String = text
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_digit() {
                '#'
            } else if c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    flat.trim().to_owned()
}

async fn run_load(
    base: &str,
    slugs: &[String],
    shoppers: usize,
    duration: Duration,
    limit: Option<u64>,
    reuse_sessions: bool,
) -> (Tally, Duration) {
    let base = base.trim_end_matches('/').to_owned();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(shoppers)
        .tcp_nodelay(true)
        .build()
        .expect("an HTTP client with the default TLS setup builds");
    let started_count = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..shoppers)
        .map(|shopper| {
            let mut me = Shopper { client: client.clone(), base: base.clone(), session: None };
            let slugs = slugs.to_vec();
            let started_count = started_count.clone();
            tokio::spawn(async move {
                let mut log = Tally::default();
                let mut round = 0usize;
                loop {
                    let out_of_time = limit.is_none() && Instant::now() >= deadline;
                    let out_of_checkouts = limit.is_some_and(|n| started_count.fetch_add(1, Ordering::Relaxed) >= n);
                    if out_of_time || out_of_checkouts {
                        break;
                    }
                    // Shoppers start on different products and move on each round, so every
                    // product is bought by several shoppers at once.
                    let slug = &slugs[(shopper + round) % slugs.len()];
                    round += 1;
                    if !reuse_sessions {
                        me.session = None;
                    }
                    log.attempted += 1;
                    let email = format!("shopper-{shopper}-{round}@bench.test");
                    match checkout(&mut me, slug, &email, &mut log, started).await {
                        Ok(number) => {
                            log.numbers.push(number);
                            *log.units.entry(slug.clone()).or_default() += 1;
                        }
                        Err(kind) => {
                            *log.failures.entry(kind).or_default() += 1;
                            // A failed checkout may leave the basket in any state: start over.
                            me.session = None;
                        }
                    }
                }
                log
            })
        })
        .collect();
    let mut tally = Tally::default();
    for task in tasks {
        match task.await {
            Ok(log) => tally.absorb(log),
            Err(_) => *tally.failures.entry("a shopper task panicked".into()).or_default() += 1,
        }
    }
    (tally, started.elapsed())
}

/// One guest checkout: add, load, place. Ok(order number) when the order was placed.
async fn checkout(me: &mut Shopper, slug: &str, email: &str, log: &mut Tally, run_started: Instant) -> Result<String, String> {
    let whole = Instant::now();

    // 1. Add to basket, as the product page's form does (it carries no CSRF token, so product
    //    pages are the same for everyone). Without a session this post starts one.
    let t = Instant::now();
    me.form("add", "/api/basket/add", &[("product", slug), ("quantity", "1")]).await?;
    log.add.push(t.elapsed());
    if me.session.is_none() {
        return Err("add: no sop_session cookie".into());
    }

    // 2. Load the basket: the session's CSRF token and the fingerprint of what the shopper sees.
    let t = Instant::now();
    let basket = me.post("basket", "/api/basket/load", &[]).await?;
    log.basket.push(t.elapsed());
    let csrf = basket.get("csrf_token").and_then(Value::as_str).ok_or("basket: no csrf_token")?.to_owned();
    let seen = basket.get("seen").and_then(Value::as_str).ok_or("basket: no `seen`")?.to_owned();
    let lines = basket.get("lines").and_then(Value::as_array).ok_or("basket: no `lines`")?;
    let holds_one = lines.len() == 1
        && lines[0].get("slug").and_then(Value::as_str) == Some(slug)
        && lines[0].get("quantity").and_then(Value::as_i64) == Some(1);
    if !holds_one {
        return Err("basket: does not hold exactly the one unit added".into());
    }

    // 3. Place the order, as the checkout form posts it.
    let key = format!("{:032x}", rand::random::<u128>());
    let form = [
        ("csrf_token", csrf.as_str()),
        ("checkout_key", key.as_str()),
        ("basket_seen", seen.as_str()),
        ("name", "Bench Shopper"),
        ("email", email),
        ("telephone", "01632 960000"),
        ("billing_line1", "1 Bench Street"),
        ("billing_line2", ""),
        ("billing_city", "Leeds"),
        ("billing_postcode", "LS1 1AA"),
        ("billing_country", "United Kingdom"),
        ("delivery_same", "yes"),
        ("delivery_method", "standard"),
        ("card_number", "4242424242424242"),
        ("card_expiry", "12/30"),
        ("card_cvc", "123"),
    ];
    let t = Instant::now();
    let placed = me.form("place", "/api/checkout/place", &form).await;
    let took = t.elapsed();
    if let Err(kind) = &placed {
        if kind.contains("timed out") || kind.contains("connection failed") {
            log.place_unanswered += 1;
        }
    }
    let redirect = placed?.unwrap_or_default();
    log.place.push(took);
    let number = redirect
        .strip_prefix("/orders/")
        .map(|rest| rest.split(['?', '#', '/']).next().unwrap_or_default().to_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| format!("place: no order in the redirect: {}", excerpt(&redirect)))?;
    log.checkout.push(whole.elapsed());
    log.timeline.push((run_started.elapsed().as_secs() as usize, took));
    Ok(number)
}

/// CPU time (user + system) this process has used so far, from /proc (Linux; 100 ticks a second,
/// the kernel's USER_HZ everywhere Linux runs today).
fn own_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// The nearest-rank percentile, in milliseconds (0 when nothing was measured).
fn percentile_ms(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

impl Tally {
    fn print(&mut self, shoppers: usize, reuse_sessions: bool, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        println!("shoppers={shoppers}");
        println!("sessions={}", if reuse_sessions { "one per shopper" } else { "fresh per checkout" });
        println!("seconds={seconds:.2}");
        println!("attempted={}", self.attempted);
        println!("completed={}", self.completed());
        println!("checkouts_per_second={:.1}", self.completed() as f64 / seconds);
        for (name, times) in
            [("place", &mut self.place), ("add", &mut self.add), ("basket", &mut self.basket), ("checkout", &mut self.checkout)]
        {
            times.sort();
            println!("{name}_p50_ms={:.2}", percentile_ms(times, 0.50));
            println!("{name}_p99_ms={:.2}", percentile_ms(times, 0.99));
            println!("{name}_max_ms={:.2}", percentile_ms(times, 1.0));
        }
        // Per second of the run: checkouts completed, and the slowest place request (stalls show here).
        let mut per_second = vec![(0u64, Duration::ZERO); seconds.ceil() as usize + 1];
        for (second, took) in &self.timeline {
            if let Some(slot) = per_second.get_mut(*second) {
                slot.0 += 1;
                slot.1 = slot.1.max(*took);
            }
        }
        let per_second = &per_second[..seconds.floor() as usize];
        println!("completed_each_second={}", per_second.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>().join(" "));
        println!(
            "place_max_ms_each_second={}",
            per_second.iter().map(|(_, t)| format!("{:.0}", t.as_secs_f64() * 1000.0)).collect::<Vec<_>>().join(" ")
        );
        println!("client_cpu_seconds={}", own_cpu_seconds().map_or("?".into(), |s| format!("{s:.2}")));
        println!("failures={}", self.failures.values().sum::<u64>());
        for (kind, n) in &self.failures {
            println!("failure={n} {kind}");
        }
        println!("place_unanswered={}", self.place_unanswered);
    }
}

// ---------------------------------------------------------------------------------------------
// Verification, in plain SQL so that it depends on the tables' names and columns only.

async fn rows(db: &DatabaseConnection, sql: &str) -> Result<Vec<sea_orm::QueryResult>, String> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.map_err(|e| format!("{sql}: {e}"))
}

fn int(row: &sea_orm::QueryResult, index: usize) -> Result<i64, String> {
    row.try_get_by_index::<i64>(index).map_err(|e| e.to_string())
}

fn text(row: &sea_orm::QueryResult, index: usize) -> Result<String, String> {
    row.try_get_by_index::<String>(index).map_err(|e| e.to_string())
}

/// The bench products' stock now, by slug (BTreeMap: a stable order for the report).
async fn bench_stock(db: &DatabaseConnection) -> Result<BTreeMap<String, (i64, i64)>, String> {
    let sql = format!("SELECT slug, CAST(id AS BIGINT), CAST(stock AS BIGINT) FROM product WHERE slug LIKE '{BENCH_SLUG_PREFIX}%'");
    let mut stock = BTreeMap::new();
    for row in rows(db, &sql).await? {
        stock.insert(text(&row, 0)?, (int(&row, 1)?, int(&row, 2)?));
    }
    Ok(stock)
}

/// Checks that the orders are exactly the completed checkouts (their count and their numbers)
/// and that each bench product's stock fell by exactly the units those checkouts bought.
async fn verify(db: &DatabaseConnection, start: &BTreeMap<String, (i64, i64)>, load: &Tally) -> Result<bool, String> {
    let orders = rows(db, &format!("SELECT COUNT(*) FROM {ORDERS_TABLE}")).await?;
    let orders = orders.first().map(|row| int(row, 0)).transpose()?.unwrap_or(0);
    let mut numbers_in_database = HashSet::new();
    for row in rows(db, &format!("SELECT number FROM {ORDERS_TABLE}")).await? {
        numbers_in_database.insert(text(&row, 0)?);
    }
    let numbers_seen: HashSet<&String> = load.numbers.iter().collect();
    let numbers_match = numbers_seen.len() == load.numbers.len()
        && numbers_in_database.len() == numbers_seen.len()
        && numbers_seen.iter().all(|n| numbers_in_database.contains(*n));
    let mut lines_by_product = HashMap::new();
    let mut lines = 0;
    let sql = format!("SELECT CAST(COALESCE(product_id, 0) AS BIGINT), CAST(SUM(quantity) AS BIGINT), COUNT(*) FROM {ORDER_LINES_TABLE} GROUP BY product_id");
    for row in rows(db, &sql).await? {
        lines_by_product.insert(int(&row, 0)?, int(&row, 1)?);
        lines += int(&row, 2)?;
    }
    let now = bench_stock(db).await?;

    let orders_match = orders == load.completed() as i64;
    println!("orders_in_database={orders}");
    println!("order_lines_in_database={lines}");
    println!("orders_match={orders_match}");
    println!("order_numbers_match={numbers_match}");
    let mut stock_matches = true;
    let bench_ids: HashSet<i64> = start.values().map(|(id, _)| *id).collect();
    for (slug, (id, start_stock)) in start {
        let bought = load.units.get(slug).copied().unwrap_or(0) as i64;
        let in_lines = lines_by_product.get(id).copied().unwrap_or(0);
        let stock_now = now.get(slug).map(|(_, stock)| *stock).unwrap_or(-1);
        let ok = in_lines == bought && stock_now == start_stock - bought;
        stock_matches &= ok;
        println!(
            "product={slug} start={start_stock} bought={bought} in_order_lines={in_lines} stock={stock_now} expected={} {}",
            start_stock - bought,
            if ok { "ok" } else { "MISMATCH" }
        );
    }
    // Nothing but bench products was bought.
    let other_units: i64 = lines_by_product.iter().filter(|(id, _)| !bench_ids.contains(id)).map(|(_, units)| units).sum();
    if other_units != 0 {
        println!("units_of_other_products={other_units}");
        stock_matches = false;
    }
    println!("stock_matches={stock_matches}");
    let verified = orders_match && numbers_match && stock_matches;
    println!("verified={verified}");
    Ok(verified)
}

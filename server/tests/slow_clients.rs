//! Slow clients (issue 21, S9): a visitor who sends a request head slowly, or nothing at all,
//! cannot hold a connection; nor can one who stops reading the response; open connections are
//! capped; a streamed body that stops is cut off.

mod support;

use axum::{body::Body, routing::get, Router};
use sop_server::startup::request_time_limits;
use std::time::{Duration, Instant};
use support::{Backend, TestApp};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};

/// Far longer than any deadline under test: a loaded machine makes a test slower, never failed.
const GENEROUS: Duration = Duration::from_secs(10);

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://")).await.expect("the store accepts TCP connections")
}

/// A connection whose receive buffer holds only `bytes`, so a response the client does not read
/// soon fills the server's socket (the kernel's own buffers would otherwise take many megabytes).
async fn connect_with_receive_buffer(app: &TestApp, bytes: u32) -> TcpStream {
    let address = app.address.trim_start_matches("http://").parse().expect("the store's address");
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.set_recv_buffer_size(bytes).expect("a small receive buffer");
    socket.connect(address).await.expect("the store accepts TCP connections")
}

/// A file in the site root far larger than what the kernel buffers for one connection.
const LARGE_FILE: &str = "/large-download.bin";
const LARGE_FILE_BYTES: usize = 16 * 1024 * 1024;

fn write_large_file(app: &TestApp) {
    std::fs::write(app.site_root.join(LARGE_FILE.trim_start_matches('/')), vec![b'x'; LARGE_FILE_BYTES]).expect("a large file");
}

/// What the server sent before it closed the connection, or None if still open after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    match tokio::time::timeout(within, stream.read_to_end(&mut received)).await {
        // A reset closes the connection too.
        Ok(_) => Some(received),
        Err(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s9_a_client_that_stops_half_way_through_its_request_head_is_disconnected() {
    let Some(app) = support::spawn_app_with(Backend::Sqlite, &[("HEADER_READ_TIMEOUT_SECS", "1")]).await else { return };
    let started = Instant::now();
    let mut half_a_head = connect(&app).await;
    half_a_head.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slo").await.unwrap();
    let mut says_nothing = connect(&app).await;

    assert!(read_until_closed(&mut half_a_head, GENEROUS).await.is_some(), "half a head is not waited for forever");
    assert!(read_until_closed(&mut says_nothing, GENEROUS).await.is_some(), "nor is a connection that sends nothing");
    assert!(started.elapsed() >= Duration::from_millis(900), "both were given the full second: {:?}", started.elapsed());
    let (status, _) = app.page("/robots.txt").await;
    assert_eq!(status, 200, "the store still answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s9_a_kept_alive_connection_that_sends_no_further_request_is_closed() {
    let Some(app) = support::spawn_app_with(Backend::Sqlite, &[("HEADER_READ_TIMEOUT_SECS", "1")]).await else { return };
    let mut stream = connect(&app).await;
    let started = Instant::now();
    stream.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").await.unwrap();

    let received = read_until_closed(&mut stream, GENEROUS).await.expect("an idle connection is closed");
    let received = String::from_utf8_lossy(&received).to_ascii_lowercase();
    assert!(received.starts_with("http/1.1 200"), "{received}");
    assert!(!received.contains("connection: close"), "the response kept the connection alive: {received}");
    assert!(started.elapsed() >= Duration::from_millis(900), "closed only once idle for the full second");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s9_a_connection_over_the_cap_is_served_only_once_another_closes() {
    // A long head deadline, so the two idle connections stay open for the whole test.
    let Some(app) = support::spawn_app_with(Backend::Sqlite, &[("MAX_CONNECTIONS", "2"), ("HEADER_READ_TIMEOUT_SECS", "30")]).await else {
        return;
    };
    // Connections are accepted in the order they were made, so these two take both places.
    let first = connect(&app).await;
    let second = connect(&app).await;
    let mut third = connect(&app).await;
    third.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await.unwrap();

    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_secs(1), third.read(&mut byte)).await;
    assert!(early.is_err(), "the third connection waits while two are open: {early:?}");

    drop(first);
    let answer = read_until_closed(&mut third, GENEROUS).await.expect("the third connection is served once one closes");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer));
    drop(second);
    let (status, _) = app.page("/robots.txt").await;
    assert_eq!(status, 200, "the store still answers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s9_a_client_that_stops_reading_the_response_is_disconnected() {
    // One connection at a time, so the next is served only once the stalled one is closed; a long
    // head deadline, so nothing but the write limit closes it.
    let limits = [("MAX_CONNECTIONS", "1"), ("HEADER_READ_TIMEOUT_SECS", "60"), ("WRITE_STALL_TIMEOUT_SECS", "1")];
    let Some(app) = support::spawn_app_with(Backend::Sqlite, &limits).await else { return };
    write_large_file(&app);
    let started = Instant::now();
    let mut never_reads = connect_with_receive_buffer(&app, 4096).await;
    never_reads.write_all(format!("GET {LARGE_FILE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes()).await.unwrap();
    let mut next = connect(&app).await;
    next.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await.unwrap();

    let answer = read_until_closed(&mut next, GENEROUS).await.expect("the next connection is served once the stalled one is closed");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&answer));
    assert!(started.elapsed() >= Duration::from_millis(900), "the reader was given the full second: {:?}", started.elapsed());
    let received = read_until_closed(&mut never_reads, GENEROUS).await.expect("the stalled connection is closed");
    assert!(received.len() < LARGE_FILE_BYTES, "the response was cut off: {} bytes arrived", received.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s9_a_download_that_pauses_for_less_than_the_write_limit_each_time_is_not_cut_off() {
    let Some(app) = support::spawn_app_with(Backend::Sqlite, &[("WRITE_STALL_TIMEOUT_SECS", "2")]).await else { return };
    write_large_file(&app);
    let mut reader = connect_with_receive_buffer(&app, 64 * 1024).await;
    reader.write_all(format!("GET {LARGE_FILE} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes()).await.unwrap();

    // Six pauses of half a second: three seconds without reading in all, against a two-second
    // limit, the server's socket full during each.
    let mut response = Vec::new();
    let mut piece = vec![0u8; 2 * 1024 * 1024];
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        reader.read_exact(&mut piece).await.expect("the download goes on after a pause");
        response.extend_from_slice(&piece);
    }
    response.extend(read_until_closed(&mut reader, GENEROUS).await.expect("the download ends"));
    assert!(response.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&response[..64]));
    let head = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head") + 4;
    assert_eq!(response.len() - head, LARGE_FILE_BYTES, "the whole file arrived");
}

/// The store's own time limits around one route whose body is `body()`.
fn limited_route(limit: Duration, body: fn() -> Body) -> Router {
    Router::new().route("/page", get(move || async move { body() })).layer(request_time_limits(limit))
}

async fn read_body(router: Router) -> Result<axum::body::Bytes, axum::Error> {
    let request = http::Request::get("/page").body(Body::empty()).unwrap();
    let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
    assert_eq!(response.status(), 200, "the head was sent in time");
    tokio::time::timeout(GENEROUS, axum::body::to_bytes(response.into_body(), usize::MAX)).await.expect("the body ends")
}

#[tokio::test]
async fn s9_a_streamed_body_that_stops_is_cut_off_after_the_request_time_limit() {
    fn first_piece_then_nothing() -> Body {
        let first = futures::stream::once(async { Ok::<_, std::io::Error>("<html><body>the shell".to_owned()) });
        Body::from_stream(futures::StreamExt::chain(first, futures::stream::pending()))
    }
    let started = Instant::now();
    let error = read_body(limited_route(Duration::from_secs(1), first_piece_then_nothing)).await;
    assert!(error.is_err(), "a body that stops is cut off");
    assert!(started.elapsed() >= Duration::from_millis(900), "after the full limit: {:?}", started.elapsed());
}

#[tokio::test]
async fn s9_a_body_that_keeps_coming_may_take_longer_than_the_limit_in_total() {
    // Eight pieces half a second apart: four seconds in all, against a three-second limit.
    fn steady_pieces() -> Body {
        let pieces = futures::stream::unfold(0u8, |sent| async move {
            if sent == 8 {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            Some((Ok::<_, std::io::Error>(format!("piece {sent}\n")), sent + 1))
        });
        Body::from_stream(pieces)
    }
    let body = read_body(limited_route(Duration::from_secs(3), steady_pieces)).await.expect("the whole body arrives");
    assert!(String::from_utf8_lossy(&body).ends_with("piece 7\n"));
}

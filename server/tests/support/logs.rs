//! Captures everything a test binary logs, at every level of the store's own code and its
//! mail and database libraries, so a test can search it for personal data.
#![allow(dead_code)]

use std::sync::{Arc, Mutex, OnceLock};

/// Everything logged so far by any test in this binary.
pub fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("info,app=trace,sop_server=trace,lettre=trace,sea_orm=trace,sqlx=trace"))
            .with_ansi(false)
            .with_writer(move || LogSink(sink.clone()))
            .try_init()
            .expect("no other log subscriber in this test binary");
        logs
    })
    .clone()
}

pub struct LogSink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("log buffer poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

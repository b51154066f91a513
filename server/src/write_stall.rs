//! The limit on how long a client may take nothing of its response (issue 21, S9).

use std::{
    future::Future,
    io,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
    time::Sleep,
};

/// A client's socket whose writes fail with `TimedOut` once it has taken nothing for `limit`
/// (issue 21, S9): a client that sends a request and then stops reading would otherwise hold its
/// connection, and the response in memory, for ever (and delay a graceful shutdown as long).
///
/// Written here because neither hyper 1 nor hyper-util nor tower-http has such a limit: hyper's
/// only one is for the request head, and tower-http's timeouts measure the store producing a
/// response, not the client taking it. The limit is per pause, like nginx's `send_timeout`: the
/// clock starts when the socket refuses a write and stops as soon as it takes some, so a slow
/// download that keeps moving is never cut off, however long it lasts.
pub struct WriteStallLimit {
    tcp: TcpStream,
    limit: Duration,
    /// The running stall's deadline, kept between stalls to save an allocation each time.
    deadline: Option<Pin<Box<Sleep>>>,
    stalled: bool,
}

impl WriteStallLimit {
    pub fn new(tcp: TcpStream, limit: Duration) -> Self {
        Self { tcp, limit, deadline: None, stalled: false }
    }

    /// Passes on the socket's answer to a write or flush: a refusal (Pending) starts the stall
    /// clock, or keeps it running; the socket taking anything stops it.
    fn limit_stall<T>(&mut self, cx: &mut Context<'_>, written: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if written.is_ready() {
            self.stalled = false;
            return written;
        }
        let limit = self.limit;
        let deadline = self.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        if !self.stalled {
            deadline.as_mut().reset(tokio::time::Instant::now() + limit);
            self.stalled = true;
        }
        if deadline.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        // Reset rather than close: the kernel then drops the unsent response at once instead of
        // holding it for a client that does not read.
        let _ = self.tcp.set_zero_linger();
        Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading the response")))
    }
}

impl AsyncRead for WriteStallLimit {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteStallLimit {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.tcp).poll_write(cx, buf);
        this.limit_stall(cx, written)
    }

    fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.tcp).poll_write_vectored(cx, bufs);
        this.limit_stall(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let flushed = Pin::new(&mut this.tcp).poll_flush(cx);
        this.limit_stall(cx, flushed)
    }

    // A TCP shutdown only queues a FIN: it never waits for the client.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

//! A real SMTP server on this machine for the mail tests: aiosmtpd, saving each message it
//! accepts in a Maildir, read back with Python's own e-mail parser. Killed when dropped.
#![allow(dead_code)]

use std::{
    net::TcpListener as StdListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

pub struct SmtpStandIn {
    port: u16,
    maildir: PathBuf,
    process: Child,
    _dir: tempfile::TempDir,
}

impl SmtpStandIn {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let maildir = dir.path().join("Maildir");
        let port = free_port();
        let process = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs aiosmtpd (scripts/setup --tests installs it)");
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start listening on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { port, maildir, process, _dir: dir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message that arrived: its addresses, decoded subject, content type, the
    /// unsubscribe headers as written on the wire (and unfolded), and each part's text.
    pub fn received(&self) -> Vec<serde_json::Value> {
        const READ_MAILDIR: &str = r#"
import email.header, json, mailbox, re, sys
out = []
for message in mailbox.Maildir(sys.argv[1], create=False):
    parts = {}
    for part in message.walk():
        if not part.is_multipart():
            parts[part.get_content_type()] = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    unfold = lambda v: None if v is None else re.sub(r"\r?\n[ \t]+", " ", v)
    out.append({
        "to": message["To"], "from": message["From"], "message_id": message["Message-ID"],
        "subject": str(email.header.make_header(email.header.decode_header(message["Subject"]))),
        "content_type": message.get_content_type(),
        "list_unsubscribe": message.get_all("List-Unsubscribe"),
        "list_unsubscribe_post": message.get_all("List-Unsubscribe-Post"),
        "unfolded": unfold(message["List-Unsubscribe"]),
        "parts": parts,
    })
print(json.dumps(out))
"#;
        let output = Command::new("python3").args(["-c", READ_MAILDIR]).arg(&self.maildir).output().expect("python3 runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).expect("the Maildir reader prints JSON")
    }
}

impl Drop for SmtpStandIn {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// A port nobody listens on (it was free a moment ago).
pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

//! AWS's DynamoDB Local for tests and benchmarks: installed by
//! `scripts/dynamodb-local.sh`, started on a free port below 32768 (it
//! refuses port 0), stopped by PID.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A running DynamoDB Local; stopped (by PID) when dropped.
pub struct DynamoDbLocal {
    child: Option<Child>,
    /// Its port on 127.0.0.1.
    pub port: u16,
    db_path: Option<PathBuf>,
}

fn script() -> PathBuf {
    crate::workspace_root().join("scripts/dynamodb-local.sh")
}

fn install() {
    static INSTALLED: Mutex<bool> = Mutex::new(false);
    let mut done = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if !*done {
        let status =
            Command::new(script()).arg("install").stdout(Stdio::null()).status().expect("run dynamodb-local.sh");
        assert!(status.success(), "scripts/dynamodb-local.sh install failed");
        *done = true;
    }
}

fn random_port() -> u16 {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos() as u64;
    let mix = nanos ^ (std::process::id() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    20_000 + (mix % 12_000) as u16
}

/// Whether the server answers a `ListTables` (its first request can take
/// seconds while the JVM warms up; a listening socket is not enough).
fn answers(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let body = "{}";
    let request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n\
         Content-Type: application/x-amz-json-1.0\r\nAuthorization: AWS4-HMAC-SHA256 \
         Credential=test/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

impl DynamoDbLocal {
    /// An in-memory instance of its own.
    pub fn start() -> Self {
        Self::launch(None)
    }

    /// An instance whose tables survive [`DynamoDbLocal::restart`].
    pub fn start_persistent(dir: &Path) -> Self {
        Self::launch(Some(dir.to_owned()))
    }

    /// One in-memory instance shared by the tests of this binary that run
    /// at the same time; stopped when the last of them drops it.
    pub fn shared() -> Arc<Self> {
        static SHARED: Mutex<Weak<DynamoDbLocal>> = Mutex::new(Weak::new());
        let mut slot = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(live) = slot.upgrade() {
            return live;
        }
        let fresh = Arc::new(Self::start());
        *slot = Arc::downgrade(&fresh);
        fresh
    }

    fn launch(db_path: Option<PathBuf>) -> Self {
        install();
        for _ in 0..10 {
            let port = random_port();
            if TcpListener::bind(("0.0.0.0", port)).is_err() {
                continue;
            }
            let mut local = DynamoDbLocal { child: None, port, db_path: db_path.clone() };
            if local.spawn() {
                return local;
            }
        }
        panic!("could not start DynamoDB Local on any of 10 ports");
    }

    /// Starts the server on `self.port`; `false` if it exited (port taken).
    fn spawn(&mut self) -> bool {
        let mut command = Command::new(script());
        command.arg("run").arg(self.port.to_string()).env("DYNAMODB_LOCAL_TMPDIR", self.jvm_tmp());
        if let Some(dir) = &self.db_path {
            command.arg(dir);
        }
        let mut child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start DynamoDB Local");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if child.try_wait().expect("poll DynamoDB Local").is_some() {
                break;
            }
            if answers(self.port) {
                self.child = Some(child);
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Exited (the port was taken) or never answered: stopped, and its
        // temporary files removed, like a running one.
        self.child = Some(child);
        self.stop();
        false
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops the server (SIGKILL to its PID) and removes its JVM's
    /// temporary files, which a killed JVM leaves behind.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(self.jvm_tmp());
    }

    /// The JVM's temporary directory (see `scripts/dynamodb-local.sh`):
    /// one per instance, so that stopping one removes nothing another uses.
    fn jvm_tmp(&self) -> PathBuf {
        std::env::temp_dir().join(format!("dynamodb-local-{}-{}", std::process::id(), self.port))
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        for _ in 0..20 {
            if self.spawn() {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!("DynamoDB Local did not restart on port {}", self.port);
    }

    /// The environment that points an AWS SDK process at it: the endpoint,
    /// static test credentials, region us-east-1.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL_DYNAMODB", self.endpoint()),
            ("AWS_ACCESS_KEY_ID", "test".into()),
            ("AWS_SECRET_ACCESS_KEY", "test".into()),
            ("AWS_REGION", "us-east-1".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

impl Drop for DynamoDbLocal {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JVM unpacks its SQLite library at every start; killed, it
    /// cannot remove it, so it goes to the instance's own directory,
    /// which stopping removes.
    #[test]
    fn a_stopped_instance_leaves_no_temporary_files() {
        let mut local = DynamoDbLocal::start();
        assert!(answers(local.port));
        let tmp = local.jvm_tmp();
        let files: Vec<_> = std::fs::read_dir(&tmp).expect("the JVM's temporary directory").collect();
        assert!(!files.is_empty(), "the JVM's files are in {}", tmp.display());
        // Nor its performance data file, which the JVM writes to
        // /tmp/hsperfdata_<user>/<pid> whatever its temporary directory.
        let pid = local.child.as_ref().expect("running").id().to_string();
        let perf_data: Vec<_> = std::fs::read_dir("/tmp")
            .expect("/tmp")
            .flatten()
            .filter(|d| d.file_name().to_string_lossy().starts_with("hsperfdata_"))
            .map(|d| d.path().join(&pid))
            .filter(|f| f.exists())
            .collect();
        assert!(perf_data.is_empty(), "{perf_data:?}");
        local.stop();
        assert!(!tmp.exists(), "{} is removed", tmp.display());
    }
}

//! The `harbor-mock healthcheck` probe: a std-only HTTP/1.1 client for
//! container `HEALTHCHECK`s, so the image needs no curl or shell.
//!
//! It sends `GET /_mock/health` to the server's listen address and succeeds
//! iff the status line says `200`. An unspecified listen address
//! (`0.0.0.0` / `::`) is probed on the matching loopback address.

use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The path the probe requests.
pub const HEALTH_PATH: &str = "/_mock/health";

/// Longest status line accepted before giving up.
const MAX_STATUS_LINE: usize = 1024;

/// The address actually probed for a listen address: `0.0.0.0` becomes
/// `127.0.0.1` and `::` becomes `::1`, keeping the port; others are unchanged.
#[must_use]
pub fn probe_addr(listen: SocketAddr) -> SocketAddr {
    match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), listen.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), listen.port())
        }
        _ => listen,
    }
}

/// Probes `GET /_mock/health` on `addr` (see [`probe_addr`]); `Ok(())` iff the
/// response's status line is `HTTP/1.x 200`. `timeout` bounds the whole probe
/// (connect, write and read).
///
/// # Errors
///
/// A message saying what failed (connect, timeout, no or bad status line,
/// non-200 status), fit to print before exiting non-zero.
pub fn check(addr: SocketAddr, timeout: Duration) -> Result<(), String> {
    let target = probe_addr(addr);
    let deadline = Instant::now() + timeout;
    let remaining = |what: &str| -> Result<Duration, String> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(format!("{what} {target}: timed out after {timeout:?}"))
        } else {
            Ok(left)
        }
    };

    let mut stream = TcpStream::connect_timeout(&target, remaining("connecting to")?)
        .map_err(|e| format!("connecting to {target}: {e}"))?;

    let request =
        format!("GET {HEALTH_PATH} HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n");
    stream
        .set_write_timeout(Some(remaining("writing to")?))
        .map_err(|e| format!("writing to {target}: {e}"))?;
    stream
        .write_all(request.as_bytes())
        .map_err(|e| format!("writing to {target}: {e}"))?;

    let mut buf = Vec::with_capacity(256);
    let mut chunk = [0u8; 256];
    let line_end = loop {
        if let Some(pos) = buf.windows(2).position(|w| w == b"\r\n") {
            break pos;
        }
        if buf.len() > MAX_STATUS_LINE {
            return Err(format!(
                "reading from {target}: no status line in the first {MAX_STATUS_LINE} bytes"
            ));
        }
        stream
            .set_read_timeout(Some(remaining("reading from")?))
            .map_err(|e| format!("reading from {target}: {e}"))?;
        match stream.read(&mut chunk) {
            Ok(0) if buf.is_empty() => {
                return Err(format!(
                    "reading from {target}: connection closed with no response"
                ));
            }
            // A bare status line cut by EOF is still a status line.
            Ok(0) => break buf.len(),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(format!(
                    "reading from {target}: timed out after {timeout:?}"
                ));
            }
            Err(e) => return Err(format!("reading from {target}: {e}")),
        }
    };

    let line = String::from_utf8_lossy(&buf[..line_end]);
    let mut parts = line.split(' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") || code.len() != 3 {
        return Err(format!(
            "{target}{HEALTH_PATH}: not an HTTP/1.x status line: {line:?}"
        ));
    }
    if code == "200" {
        Ok(())
    } else {
        Err(format!("{target}{HEALTH_PATH}: unhealthy: {line}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::thread::{self, JoinHandle};

    const T: Duration = Duration::from_secs(5);

    /// Reads one request head (up to the blank line) from `s`.
    fn read_head(s: &mut TcpStream) -> String {
        s.set_read_timeout(Some(T)).unwrap();
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            match s.read(&mut byte) {
                Ok(0) | Err(_) => break,
                Ok(_) => buf.push(byte[0]),
            }
        }
        String::from_utf8(buf).unwrap()
    }

    /// A one-connection server on 127.0.0.1:0 that reads the request and then
    /// writes each of `chunks` in turn; the handle yields the request head.
    fn serve(chunks: &'static [&'static [u8]]) -> (SocketAddr, JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let head = read_head(&mut s);
            for chunk in chunks {
                s.write_all(chunk).unwrap();
                s.flush().unwrap();
                thread::sleep(Duration::from_millis(20));
            }
            head
        });
        (addr, handle)
    }

    #[test]
    fn ok_on_200_and_sends_a_plain_get() {
        let (addr, h) = serve(&[
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n{\"status\":\"ok\"}",
        ]);
        assert_eq!(check(addr, T), Ok(()));
        let head = h.join().unwrap();
        assert!(
            head.starts_with("GET /_mock/health HTTP/1.1\r\n"),
            "{head:?}"
        );
        assert!(head.contains(&format!("\r\nHost: {addr}\r\n")), "{head:?}");
        assert!(head.contains("\r\nConnection: close\r\n"), "{head:?}");
    }

    #[test]
    fn ok_when_the_status_line_arrives_in_pieces() {
        let (addr, h) = serve(&[b"HTTP/1.", b"1 20", b"0 OK\r", b"\n\r\n"]);
        assert_eq!(check(addr, T), Ok(()));
        h.join().unwrap();
    }

    #[test]
    fn ok_on_http_1_0_and_on_a_status_line_cut_by_eof() {
        let (addr, h) = serve(&[b"HTTP/1.0 200 OK"]);
        assert_eq!(check(addr, T), Ok(()));
        h.join().unwrap();
    }

    #[test]
    fn err_on_503() {
        let (addr, h) = serve(&[b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n"]);
        let err = check(addr, T).unwrap_err();
        assert!(err.contains("503"), "{err}");
        h.join().unwrap();
    }

    #[test]
    fn err_on_other_statuses_and_garbage() {
        for resp in [
            &b"HTTP/1.1 204 No Content\r\n\r\n"[..],
            b"HTTP/1.1 2000 OK\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\n\r\n",
            b"SSH-2.0-OpenSSH_9.2\r\n",
            b"HTTP/2 200\r\n\r\n",
        ] {
            let chunks: &'static [&'static [u8]] = Box::leak(Box::new([resp]));
            let (addr, h) = serve(chunks);
            assert!(
                check(addr, T).is_err(),
                "{:?}",
                String::from_utf8_lossy(resp)
            );
            h.join().unwrap();
        }
    }

    #[test]
    fn err_when_the_server_closes_without_answering() {
        let (addr, h) = serve(&[]);
        let err = check(addr, T).unwrap_err();
        assert!(err.contains("no response"), "{err}");
        h.join().unwrap();
    }

    #[test]
    fn err_within_the_timeout_when_the_server_never_answers() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let h = thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            read_head(&mut s);
            thread::sleep(Duration::from_millis(700));
        });
        let start = Instant::now();
        let err = check(addr, Duration::from_millis(200)).unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        assert!(err.contains("timed out"), "{err}");
        h.join().unwrap();
    }

    #[test]
    fn err_when_nothing_listens() {
        let addr = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let err = check(addr, T).unwrap_err();
        assert!(err.contains("connecting to"), "{err}");
    }

    #[test]
    fn err_on_a_zero_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let err = check(listener.local_addr().unwrap(), Duration::ZERO).unwrap_err();
        assert!(err.contains("timed out"), "{err}");
    }

    #[test]
    fn unspecified_addresses_are_probed_on_loopback() {
        let (addr, h) = serve(&[b"HTTP/1.1 200 OK\r\n\r\n"]);
        let any: SocketAddr = format!("0.0.0.0:{}", addr.port()).parse().unwrap();
        assert_eq!(check(any, T), Ok(()));
        h.join().unwrap();

        assert_eq!(
            probe_addr("0.0.0.0:8080".parse().unwrap()),
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(
            probe_addr("[::]:8080".parse().unwrap()),
            "[::1]:8080".parse().unwrap()
        );
        for same in ["10.1.2.3:80", "127.0.0.1:1", "[::1]:9", "[fe80::1]:8080"] {
            let a: SocketAddr = same.parse().unwrap();
            assert_eq!(probe_addr(a), a);
        }
    }
}

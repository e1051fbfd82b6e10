//! JSON bodies for the answers hyper gives by itself.
//!
//! A request hyper cannot parse never reaches the service: hyper answers it (400 for a malformed
//! request line or header, 431 for a head over its buffer, `MAX_HEAD_BYTES`) with
//! an empty body and closes, and it has no hook to change that answer. Every answer of this
//! server's own has a JSON body, so a 4xx head with `content-length: 0` can only be hyper's: this
//! connection's writer puts `{"error": ...}` under it.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection whose writer gives hyper's own error answers a JSON body. Vectored writes are
/// declined, so hyper writes each response head in one piece this can read whole.
pub struct JsonParseErrors<T> {
    inner: T,
    /// The rewritten answer still to write, and how many bytes of hyper's it stands for.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> JsonParseErrors<T> {
    pub fn new(inner: T) -> Self {
        JsonParseErrors {
            inner,
            pending: None,
        }
    }
}

/// The JSON answer for hyper's bodiless `head`, if it is one.
fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let status = text.strip_prefix("HTTP/1.1 4")?.get(..2)?;
    let head = text.strip_suffix("\r\n\r\n")?;
    if !head
        .lines()
        .any(|l| l.eq_ignore_ascii_case("content-length: 0"))
    {
        return None;
    }
    let message = match status {
        "00" => "malformed request: the request line or a header is not valid HTTP/1.1",
        "31" => "request head too large: over 16 KiB or 100 header fields (the API needs only ?domain=<host name>)",
        _ => "request refused by the HTTP parser",
    };
    let body = serde_json::json!({ "error": message }).to_string();
    let mut out = String::new();
    for line in head.lines() {
        if !line.eq_ignore_ascii_case("content-length: 0") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("content-type: application/json\r\n");
    out.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    Some(out.into_bytes())
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonParseErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonParseErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending.is_none() {
            match rewrite(buf) {
                Some(answer) => self.pending = Some((answer, buf.len())),
                None => return Pin::new(&mut self.inner).poll_write(cx, buf),
            }
        }
        // Write the whole rewritten answer before telling hyper its bytes went out.
        let this = &mut *self;
        while let Some((answer, _)) = this.pending.as_mut().filter(|(a, _)| !a.is_empty()) {
            let written = ready!(Pin::new(&mut this.inner).poll_write(cx, answer))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            answer.drain(..written);
        }
        let (_, stands_for) = this.pending.take().unwrap_or_default();
        Poll::Ready(Ok(stands_for))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn only_hypers_bodiless_4xx_heads_are_rewritten() {
        let hyper =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let answer = String::from_utf8(rewrite(hyper).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert!(head.contains("content-type: application/json"));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(body).unwrap()["error"],
            "request head too large: over 16 KiB or 100 header fields (the API needs only ?domain=<host name>)"
        );
        for own in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\nmore",
        ] {
            assert_eq!(rewrite(own), None, "{}", String::from_utf8_lossy(own));
        }
    }
}

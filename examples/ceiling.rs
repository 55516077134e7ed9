//! The ceiling for `scripts/bench.sh`: the least an axum server on the same stack can do per
//! request. One handler for every path and method that checks the `Authorization` header
//! against the default admin's and answers a fixed robot JSON body (401 otherwise).
//!
//! ```sh
//! cargo build --release --example ceiling
//! target/release/examples/ceiling --listen 127.0.0.1:0
//! # ceiling listening on http://127.0.0.1:PORT
//! ```

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// `Basic base64("admin:Harbor12345")`, the default fixtures' admin.
const ADMIN: &str = "Basic YWRtaW46SGFyYm9yMTIzNDU=";

/// About the size of one robot as `GET /robots/{id}` returns it.
const BODY: &str = concat!(
    r#"{"creation_time":"2026-01-01T00:00:00.000Z","creator_ref":1,"creator_type":"local","#,
    r#""disable":false,"duration":30,"editable":true,"expires_at":1769817600,"id":1,"#,
    r#""level":"project","name":"robot$library+ci","permissions":[{"access":[{"action":"pull","#,
    r#""resource":"repository"},{"action":"push","resource":"repository"}],"kind":"project","#,
    r#""namespace":"library"}],"update_time":"2026-01-01T00:00:00.000Z"}"#,
    "\n"
);

async fn handler(headers: HeaderMap) -> Response {
    if headers
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes() == ADMIN.as_bytes())
    {
        let mut response = (StatusCode::OK, BODY).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

fn listen_addr() -> SocketAddr {
    let mut args = std::env::args().skip(1);
    let mut listen = "127.0.0.1:0".to_string();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().unwrap_or(listen),
            other => {
                if let Some(value) = other.strip_prefix("--listen=") {
                    listen = value.to_string();
                }
            }
        }
    }
    listen.parse().unwrap_or_else(|e| {
        eprintln!("ceiling: --listen {listen:?}: {e}");
        std::process::exit(2)
    })
}

fn main() {
    let addr = listen_addr();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .unwrap_or_else(|e| {
                eprintln!("ceiling: cannot listen on {addr}: {e}");
                std::process::exit(1)
            });
        let local = listener.local_addr().expect("a bound address");
        println!("ceiling listening on http://{local}");
        let app = Router::new().fallback(handler);
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("ceiling: {e}");
            std::process::exit(1);
        }
    });
}

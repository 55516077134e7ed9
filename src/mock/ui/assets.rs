//! The dashboard's style and script, compiled into the binary.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::http::{ApiError, Result};

/// `(name, content type, content)` of every asset.
const ASSETS: [(&str, &str, &str); 2] = [
    (
        "ui.css",
        "text/css; charset=utf-8",
        include_str!("assets/ui.css"),
    ),
    (
        "ui.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/ui.js"),
    ),
];

/// `GET /_mock/ui/assets/{name}`. Revalidated on every load, so a new binary's assets are
/// picked up at once.
pub async fn asset(Path(name): Path<String>) -> Result<Response> {
    let (_, content_type, content) = ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| ApiError::NotFound(format!("no asset {name}")))?;
    let mut response = content.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

//! The optional API page at `/docs` (`serve --api-page`): Swagger UI, vendored in
//! `host/assets/swagger-ui/` and built into the binary (no CDN, nothing fetched), drawing
//! the service's own `/openapi.json` with "try it out". The page is static and public like
//! `/openapi.json`; the steps it sends carry the bearer token its Authorize button takes.

use super::Service;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// What the page may load: only this origin; Swagger UI sets inline styles and draws
/// data-URL images.
const POLICY: &str =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/// The page's files: name, media type, content.
const FILES: [(&str, &str, &[u8]); 4] = [
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../../assets/swagger-ui/index.html"),
    ),
    (
        "start.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/swagger-ui/start.js"),
    ),
    (
        "swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/swagger-ui/swagger-ui.css"),
    ),
];

/// The routes of the page: `/docs` and its files under `/docs/`.
pub(super) fn routes() -> Router<Arc<Service>> {
    Router::new()
        .route("/docs", get(|| async { file("index.html") }))
        .route(
            "/docs/{file}",
            get(|Path(name): Path<String>| async move { file(&name) }),
        )
}

fn file(name: &str) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, media, content)) => (
            [
                (header::CONTENT_TYPE, *media),
                (header::CONTENT_SECURITY_POLICY, POLICY),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *content,
        )
            .into_response(),
        None => super::routes::not_found(),
    }
}

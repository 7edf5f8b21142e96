//! The help desk console: the single-page app agents work in all day.
//!
//! Its sources are TypeScript in `web/` (React, urql, Chart.js, built by
//! Vite). The built bundle (`web/dist`) is committed and compiled into the
//! binary, so running the gateway needs no Node.js and no network: no CDN,
//! no web fonts. CI rebuilds the bundle from the lockfile and fails when the
//! committed copy is stale.
//!
//! This crate serves it:
//! - `/assets/…`: the bundle's files, named by content hash, kept a year;
//! - `/widgets/<name>`: one dashboard widget alone, for an iframe in a
//!   partner's portal, framable only by the origins the operator allows.
//!   Only the names in [`WIDGETS`] are served there: the page is the whole
//!   console, so any other path under `/widgets/` (which a portal could
//!   frame) is 404;
//! - any other page (`/`, `/customers/…`, `/dashboard` …): the app's page,
//!   which routes in the browser. It is never framed, never cached, and in
//!   demo mode carries a demo agent's token, as GraphiQL does.
//!
//! Every page goes out with a Content-Security-Policy that lets it load
//! scripts, styles and data from the gateway only.
//!
//! It also carries the console's trusted documents: the operations the
//! console may send, by hash ([`TRUSTED_DOCUMENTS`]).

use std::sync::Arc;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The built bundle.
#[derive(rust_embed::Embed)]
#[folder = "web/dist"]
struct Bundle;

/// The console's operations by hash (`sha256:…` → text), written by GraphQL
/// Code Generator when the console is built. In production the gateway runs
/// only these for browsers.
pub const TRUSTED_DOCUMENTS: &str = include_str!("../web/src/gql/persisted-documents.json");

/// Mints a token for the demo agent, in demo mode only.
pub type DemoToken = Arc<dyn Fn() -> Option<String> + Send + Sync>;

/// How the console is served.
#[derive(Clone)]
pub struct Console {
    /// Origins allowed to frame `/widgets/…` (CSP `frame-ancestors`), e.g.
    /// `https://portal.example.com`. The console itself is never framed.
    pub widget_frame_ancestors: Vec<String>,
    pub demo_token: DemoToken,
}

/// The embeddable widgets, by the name in their URL (`web/src/dashboard/widgets/index.ts`).
pub const WIDGETS: &[&str] = &[
    "customers-by-status",
    "license-usage",
    "devices",
    "phone-numbers",
    "email-problems",
    "grants-ending",
    "searches-by-kind",
    "active-agents",
];

/// Where the page's session marker sits in `index.html`.
const SESSION_MARKER: &str = "<!--helpdesk-session-->";

impl Console {
    /// The console's routes: merged into the gateway's router, which keeps
    /// `/graphql` and the operator endpoints.
    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        let widgets = self.clone();
        let pages = self;
        Router::new()
            .route("/assets/{*file}", get(asset))
            .route("/widgets/{*name}", get(move |Path(name): Path<String>| async move { widgets.widget(&name) }))
            .fallback(get(move || async move { pages.page(Framing::Never) }))
    }

    /// A widget's page, framable by the allowed origins; 404 for any name
    /// that is not a widget's, so no other page of the console can be framed.
    fn widget(&self, name: &str) -> Response {
        if WIDGETS.contains(&name) { self.page(Framing::Widget) } else { StatusCode::NOT_FOUND.into_response() }
    }

    /// The app's page with its headers.
    fn page(&self, framing: Framing) -> Response {
        let Some(file) = Bundle::get("index.html") else {
            return (StatusCode::SERVICE_UNAVAILABLE, "the console was not built into this binary").into_response();
        };
        let html = String::from_utf8_lossy(&file.data);
        let session = match (self.demo_token)() {
            Some(token) => format!(
                r#"<meta name="helpdesk-demo-token" content="{}">"#,
                html_escape::encode_double_quoted_attribute(&token)
            ),
            None => String::new(),
        };
        let mut res = html.replace(SESSION_MARKER, &session).into_response();
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        // The page may carry a token: never stored anywhere.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        let policy = content_security_policy(framing, &self.widget_frame_ancestors);
        if let Ok(value) = HeaderValue::from_str(&policy) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
        if framing == Framing::Never {
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
        secure(headers);
        res
    }
}

/// Who may show a page in a frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Framing {
    /// The console: nobody (clickjacking an agent's session is the risk).
    Never,
    /// An embeddable widget: the gateway itself and the allowed origins.
    Widget,
}

/// The page's Content-Security-Policy: everything from the gateway, nothing
/// inline, nothing from elsewhere.
fn content_security_policy(framing: Framing, ancestors: &[String]) -> String {
    let frame_ancestors = match framing {
        Framing::Never => "'none'".to_string(),
        Framing::Widget => {
            let allowed: Vec<&str> = ancestors.iter().map(String::as_str).filter(|o| is_origin(o)).collect();
            std::iter::once("'self'").chain(allowed).collect::<Vec<_>>().join(" ")
        }
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}

/// `https://host[:port]`: nothing that could end the directive or add a source.
fn is_origin(origin: &str) -> bool {
    (origin.starts_with("https://") || origin.starts_with("http://"))
        && origin.chars().all(|c| c.is_ascii_alphanumeric() || ".-:/".contains(c))
}

/// Headers every console response carries.
fn secure(headers: &mut axum::http::HeaderMap) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}

/// `/assets/<file>`: a file of the bundle. Its name carries its content's
/// hash, so it may be kept for a year.
async fn asset(Path(file): Path<String>) -> Response {
    let Some(content) = Bundle::get(&format!("assets/{file}")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = content.metadata.mimetype().to_string();
    let mut res = content.data.into_owned().into_response();
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&mime) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    secure(headers);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_is_never_framed_and_loads_nothing_from_elsewhere() {
        let policy = content_security_policy(Framing::Never, &["https://portal.example.com".into()]);
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
    }

    #[test]
    fn a_widget_may_be_framed_by_the_allowed_origins_only() {
        let allowed = vec!["https://portal.example.com".into(), "https://evil.example; script-src *".into()];
        let policy = content_security_policy(Framing::Widget, &allowed);
        assert!(policy.ends_with("frame-ancestors 'self' https://portal.example.com"), "{policy}");
    }

    #[test]
    fn the_served_widgets_are_the_consoles_widgets() {
        let index = include_str!("../web/src/dashboard/widgets/index.ts");
        let listed = index.lines().filter(|l| l.trim_end().ends_with(',') && l.contains(": ")).count();
        assert_eq!(listed, WIDGETS.len(), "{index}");
        for name in WIDGETS {
            assert!(index.contains(&format!("\"{name}\":")) || index.contains(&format!("  {name}:")), "{name}");
        }
    }

    #[test]
    fn the_trusted_documents_name_every_operation_by_its_hash() {
        let documents: serde_json::Map<String, serde_json::Value> = serde_json::from_str(TRUSTED_DOCUMENTS).unwrap();
        assert!(documents.len() >= 20, "{}", documents.len());
        assert!(documents.keys().all(|k| k.starts_with("sha256:") && k.len() == 7 + 64));
        assert!(documents.values().any(|v| v.as_str().unwrap().starts_with("query Search(")));
    }

    #[test]
    fn the_bundle_is_embedded() {
        let index = Bundle::get("index.html").expect("web/dist/index.html: run npm run build in web/");
        assert!(String::from_utf8_lossy(&index.data).contains(SESSION_MARKER));
        assert!(Bundle::iter().any(|f| f.starts_with("assets/") && f.ends_with(".js")));
    }
}

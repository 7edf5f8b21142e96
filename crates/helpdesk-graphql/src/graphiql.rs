//! GraphiQL, the GraphQL playground at `GET /graphql`: its scripts are
//! embedded in the binary, so it works without internet access, and in demo
//! mode it opens signed in as the demo agent.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

const GRAPHIQL_JS: &[u8] = include_bytes!("../assets/graphiql/graphiql.min.js");
const GRAPHIQL_CSS: &[u8] = include_bytes!("../assets/graphiql/graphiql.min.css");
const REACT_JS: &[u8] = include_bytes!("../assets/graphiql/react.production.min.js");
const REACT_DOM_JS: &[u8] = include_bytes!("../assets/graphiql/react-dom.production.min.js");
const INIT_JS: &[u8] = include_bytes!("../assets/graphiql/init.js");

pub(crate) async fn asset(Path(file): Path<String>) -> axum::response::Response {
    let (body, content_type): (&'static [u8], &'static str) = match file.as_str() {
        "graphiql.min.js" => (GRAPHIQL_JS, "text/javascript; charset=utf-8"),
        "graphiql.min.css" => (GRAPHIQL_CSS, "text/css; charset=utf-8"),
        "react.production.min.js" => (REACT_JS, "text/javascript; charset=utf-8"),
        "react-dom.production.min.js" => (REACT_DOM_JS, "text/javascript; charset=utf-8"),
        "init.js" => (INIT_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=86400")], body).into_response()
}

/// The GraphiQL page with its headers; in demo mode it opens with the demo
/// agent's token. The page may carry a live token, so it gets the console's
/// protections: never framed (clickjacking a signed-in playground), never
/// stored, no referrer, and scripts from the gateway only.
pub(crate) fn page(token: Option<&str>) -> axum::response::Response {
    let session = match token {
        Some(t) => {
            format!(r#"<meta name="helpdesk-demo-token" content="{}">"#, html_escape::encode_double_quoted_attribute(t))
        }
        None => String::new(),
    };
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Help desk gateway — GraphiQL</title>
  {session}
  <link rel="stylesheet" href="/graphiql/graphiql.min.css">
  <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script src="/graphiql/init.js"></script>
</body>
</html>"#
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            // GraphiQL's editor styles itself with <style> elements it adds at run time.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                 font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                 frame-ancestors 'none'",
            ),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        html,
    )
        .into_response()
}

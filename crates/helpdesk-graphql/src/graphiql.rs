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

pub(crate) async fn asset(Path(file): Path<String>) -> axum::response::Response {
    let (body, content_type): (&'static [u8], &'static str) = match file.as_str() {
        "graphiql.min.js" => (GRAPHIQL_JS, "text/javascript; charset=utf-8"),
        "graphiql.min.css" => (GRAPHIQL_CSS, "text/css; charset=utf-8"),
        "react.production.min.js" => (REACT_JS, "text/javascript; charset=utf-8"),
        "react-dom.production.min.js" => (REACT_DOM_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=86400")], body).into_response()
}

/// The GraphiQL page; in demo mode it opens with the demo agent's token.
pub(crate) fn page(token: Option<&str>) -> String {
    let headers = match token {
        Some(t) => serde_json::json!({ "Authorization": format!("Bearer {t}") }).to_string(),
        None => r#"{"Authorization": "Bearer <paste a token from `helpdesk token --agent EMAIL`>"}"#.to_string(),
    };
    let headers_js = serde_json::to_string(&headers).unwrap_or_else(|_| "\"{}\"".into());
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Help desk gateway — GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.min.css">
  <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/react.production.min.js"></script>
  <script src="/graphiql/react-dom.production.min.js"></script>
  <script src="/graphiql/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({{ url: '/graphql' }});
    // A read-only session's launch URL carries its token in the fragment (never sent to a server).
    const sessionToken = new URLSearchParams(location.hash.slice(1)).get('token');
    const headers = sessionToken ? JSON.stringify({{ Authorization: 'Bearer ' + sessionToken }}) : {headers_js};
    const root = ReactDOM.createRoot(document.getElementById('graphiql'));
    root.render(React.createElement(GraphiQL, {{
      fetcher,
      defaultHeaders: headers,
      defaultQuery: '{{\n  search(query: "2C:54:91:88:C9:E3") {{\n    interpretedAs {{ kind value }}\n    edges {{ matchedField score node {{ __typename ... on Device {{ model macAddress owner {{ displayName email }} customer {{ name }} }} }} }}\n  }}\n}}\n',
    }}));
  </script>
</body>
</html>"#
    )
}

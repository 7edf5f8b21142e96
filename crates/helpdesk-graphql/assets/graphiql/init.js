// Starts GraphiQL. Served from the gateway (never inline), so the page's
// Content-Security-Policy can forbid inline scripts.
//
// The token it sends comes from one of two places:
// - a read-only session's launch URL carries it in the fragment (never sent
//   to a server); it is read once and removed from the address bar and the
//   history at once, so it cannot be copied, bookmarked or shoulder-surfed;
// - in demo mode, the page carries the demo agent's token in a <meta> tag.
(function () {
  var fragment = new URLSearchParams(location.hash.slice(1));
  var sessionToken = fragment.get('token');
  if (sessionToken) {
    history.replaceState(null, '', location.pathname + location.search);
  }
  var meta = document.querySelector('meta[name="helpdesk-demo-token"]');
  var token = sessionToken || (meta && meta.content);
  var headers = token
    ? JSON.stringify({ Authorization: 'Bearer ' + token })
    : '{"Authorization": "Bearer <paste a token from `helpdesk token --agent EMAIL`>"}';
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultHeaders: headers,
    defaultQuery: '{\n  search(query: "2C:54:91:88:C9:E3") {\n    interpretedAs { kind value }\n    edges { matchedField score node { __typename ... on Device { model macAddress owner { displayName email } customer { name } } } }\n  }\n}\n',
  }));
})();

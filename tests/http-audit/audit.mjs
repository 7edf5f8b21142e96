// The GraphQL-over-HTTP audit of the `graphql-http` package (the reference
// implementation's checks of the specification), run against a live gateway:
//
//     node tests/http-audit/audit.mjs http://127.0.0.1:PORT/graphql TOKEN
//
// Prints every audit that is not ok and exits 1 when a MUST fails (error) or
// a SHOULD is not met (warning). MAY items (notices) are printed only: the
// gateway refuses some of them on purpose (GET requests without a header a
// browser would need a preflight for, so a cross-site page cannot send them).
import { serverAudits } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: node audit.mjs URL TOKEN');
  process.exit(2);
}
const withToken = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const audit of serverAudits({ url, fetchFn: withToken })) {
  const result = await audit.fn();
  counts[result.status] = (counts[result.status] || 0) + 1;
  if (result.status !== 'ok') {
    console.log(`${result.status.toUpperCase()} ${audit.name}: ${result.reason}`);
  }
}
console.log(`graphql-http audit: ${counts.ok} ok, ${counts.notice} MAY notices, ${counts.warn} SHOULD warnings, ${counts.error} MUST errors`);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);

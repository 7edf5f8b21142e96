// Everything agents did, newest first, filtered by agent, action, customer
// and time; the filters live in the URL like a search.
import { useCallback } from "react";
import { Link, useSearchParams } from "react-router";
import { useClient, useQuery } from "urql";
import { usePages, type Page } from "../components/usePages";
import type { AuditLogQuery } from "../gql/graphql";
import { graphql } from "../gql";
import { ErrorNotice } from "../components/ErrorNotice";
import { when } from "../components/Facts";
import { AgentsQuery } from "./AgentsPage";

const AuditLogQuery = graphql(`
  query AuditLog($after: String, $agentId: ID, $action: String, $customerId: ID, $since: DateTime, $until: DateTime) {
    auditLog(first: 50, after: $after, agentId: $agentId, action: $action, customerId: $customerId, since: $since, until: $until) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        agentId
        at
        action
        target
        customerId
        outcome
        detail
        readAs
      }
    }
  }
`);

const ACTIONS = [
  "search",
  "open_user",
  "open_customer",
  "send_verification_code",
  "check_verification_code",
  "remove_email_suppression",
  "start_read_only_admin_session",
  "assign_help_desk_role",
  "revoke_help_desk_role",
];

/** A `datetime-local` value as an RFC 3339 time, or nothing. */
function instant(local: string | null): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

type Entry = AuditLogQuery["auditLog"]["nodes"][number];

export function AuditLogPage() {
  const [params, setParams] = useSearchParams();
  const client = useClient();
  const filter = (name: string) => params.get(name) || undefined;
  const variables = {
    agentId: filter("agent"),
    action: filter("action"),
    customerId: filter("customer"),
    since: instant(params.get("since")),
    until: instant(params.get("until")),
  };
  const key = JSON.stringify(variables);
  const fetchPage = useCallback(
    async (after: string | null): Promise<Page<Entry, never>> => {
      const result = await client
        .query(AuditLogQuery, { ...(JSON.parse(key) as typeof variables), after }, { requestPolicy: "network-only" })
        .toPromise();
      const log = result.data?.auditLog;
      return {
        items: log?.nodes ?? [],
        endCursor: log?.pageInfo.endCursor ?? null,
        hasNextPage: log?.pageInfo.hasNextPage ?? false,
        extra: null,
        error: result.error,
      };
    },
    [client, key],
  );
  const log = usePages(key, fetchPage);
  const [agents] = useQuery({ query: AgentsQuery });
  const names = new Map((agents.data?.agents ?? []).map((a) => [a.id, a.name]));
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return (
    <section>
      <h1>Audit log</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Agent
          <select value={params.get("agent") ?? ""} onChange={(e) => set("agent", e.target.value)}>
            <option value="">Any</option>
            {agents.data?.agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <label>
          Action
          <select value={params.get("action") ?? ""} onChange={(e) => set("action", e.target.value)}>
            <option value="">Any</option>
            {ACTIONS.map((a) => <option key={a} value={a}>{a.replace(/_/g, " ")}</option>)}
          </select>
        </label>
        <label>
          Customer ID
          <input value={params.get("customer") ?? ""} onChange={(e) => set("customer", e.target.value.trim())} />
        </label>
        <label>
          Since
          <input type="datetime-local" value={params.get("since") ?? ""} onChange={(e) => set("since", e.target.value)} />
        </label>
        <label>
          Until
          <input type="datetime-local" value={params.get("until") ?? ""} onChange={(e) => set("until", e.target.value)} />
        </label>
      </form>
      <ErrorNotice error={log.error} />
      <table className="audit">
        <thead>
          <tr><th scope="col">When</th><th scope="col">Agent</th><th scope="col">Action</th><th scope="col">Outcome</th><th scope="col">Customer</th><th scope="col">Detail</th></tr>
        </thead>
        <tbody>
          {log.items.map((e, i) => (
            <tr key={`${e.at}-${i}`}>
              <td>{when(e.at)}</td>
              <td>{names.get(e.agentId) ?? e.agentId}</td>
              <td>{e.action.replace(/_/g, " ")}</td>
              <td>{e.outcome}</td>
              <td>{e.customerId ? <Link to={`/customers/${e.customerId}`}>open</Link> : ""}</td>
              <td className="detail">{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {log.hasMore && (
        <button type="button" disabled={log.loading} onClick={log.loadMore}>Show more</button>
      )}
    </section>
  );
}

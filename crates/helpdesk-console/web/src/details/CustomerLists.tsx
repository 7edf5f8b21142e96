// A customer's users, devices and numbers: ten at a time, in the order the
// gateway keeps them (its keyset cursors), with how many there are in all.
import { useCallback, type ReactNode } from "react";
import { Link } from "react-router";
import { useClient, type TypedDocumentNode } from "urql";
import { graphql } from "../gql";
import { words } from "../components/Facts";
import { ErrorNotice } from "../components/ErrorNotice";
import { usePages, type Page } from "../components/usePages";

const CustomerUsers = graphql(`
  query CustomerUsers($id: ID!, $after: String) {
    customer(id: $id) {
      id
      users(first: 10, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          displayName
          email
          status
        }
      }
    }
  }
`);

const CustomerDevices = graphql(`
  query CustomerDevices($id: ID!, $after: String) {
    customer(id: $id) {
      id
      devices(first: 10, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          model
          macAddress
          status
        }
      }
    }
  }
`);

const CustomerNumbers = graphql(`
  query CustomerNumbers($id: ID!, $after: String) {
    customer(id: $id) {
      id
      phoneNumbers(first: 10, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          number
          kind
          state
        }
      }
    }
  }
`);

/** What each list's query returns under `customer`. */
interface Connection<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  nodes: T[];
}

/** One list of the customer's, read page by page. */
function ListSection<Data, T>({
  title,
  customerId,
  query,
  connection,
  row,
}: {
  title: string;
  customerId: string;
  query: TypedDocumentNode<Data, { id: string; after?: string | null }>;
  connection: (data: Data | undefined) => Connection<T> | undefined;
  row: (item: T) => ReactNode;
}) {
  const client = useClient();
  const fetchPage = useCallback(
    async (after: string | null): Promise<Page<T, number>> => {
      const result = await client.query(query, { id: customerId, after }).toPromise();
      const list = connection(result.data);
      return {
        items: list?.nodes ?? [],
        endCursor: list?.pageInfo.endCursor ?? null,
        hasNextPage: list?.pageInfo.hasNextPage ?? false,
        extra: list?.totalCount ?? null,
        error: result.error,
      };
    },
    [client, query, customerId, connection],
  );
  const list = usePages(customerId, fetchPage);
  return (
    <section>
      <h2>
        {title} <span className="count">{list.extra ?? ""}</span>
      </h2>
      <ErrorNotice error={list.error} />
      <ul>{list.items.map(row)}</ul>
      {list.hasMore && (
        <button type="button" disabled={list.loading} onClick={list.loadMore}>
          Show more {title.toLowerCase()}
        </button>
      )}
    </section>
  );
}

export function CustomerLists({ customerId }: { customerId: string }) {
  return (
    <>
      <ListSection
        title="Users"
        customerId={customerId}
        query={CustomerUsers}
        connection={(d) => d?.customer?.users}
        row={(u) => (
          <li key={u.id}>
            <Link to={`/users/${u.id}`}>{u.displayName}</Link> · {u.email} · {words(u.status)}
          </li>
        )}
      />
      <ListSection
        title="Devices"
        customerId={customerId}
        query={CustomerDevices}
        connection={(d) => d?.customer?.devices}
        row={(d) => (
          <li key={d.id}>
            <Link to={`/devices/${d.id}`}>{d.model}</Link> · {d.macAddress ?? "—"} · {words(d.status)}
          </li>
        )}
      />
      <ListSection
        title="Phone numbers"
        customerId={customerId}
        query={CustomerNumbers}
        connection={(d) => d?.customer?.phoneNumbers}
        row={(n) => (
          <li key={n.id}>
            <Link to={`/numbers/${encodeURIComponent(n.number)}`}>{n.number}</Link> · {words(n.kind)} · {words(n.state)}
          </li>
        )}
      />
    </>
  );
}

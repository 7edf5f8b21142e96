// A search and the pages after it: the first page when the text changes,
// the next when the list's end scrolls into view.
import { useCallback, useEffect, useState } from "react";
import { useClient, type CombinedError } from "urql";
import { graphql } from "../gql";
import type { SearchQuery } from "../gql/graphql";

export const SearchDocument = graphql(`
  query Search($query: String!, $after: String) {
    search(query: $query, first: 20, after: $after) {
      interpretedAs {
        kind
        value
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        matchedField
        score
        node {
          __typename
          ... on Customer {
            id
            name
            customerStatus: status
            organizationId
            domains {
              name
            }
            meetingSites
          }
          ... on User {
            id
            displayName
            email
            userId
            userStatus: status
            customer {
              id
              name
            }
          }
          ... on Device {
            id
            model
            macAddress
            serialNumber
            sipAddress
            deviceStatus: status
            owner {
              displayName
            }
            customer {
              id
              name
            }
          }
          ... on PhoneNumber {
            id
            number
            state
            kind
            assignedUser {
              displayName
            }
            customer {
              id
              name
            }
          }
          ... on Order {
            id
            webOrderNumber
            orderStatus: status
            customer {
              id
              name
            }
          }
        }
      }
    }
  }
`);

export type SearchEdge = SearchQuery["search"]["edges"][number];
export type InterpretedAs = SearchQuery["search"]["interpretedAs"][number];

export interface SearchState {
  edges: SearchEdge[];
  interpretedAs: InterpretedAs[];
  hasMore: boolean;
  loading: boolean;
  error: CombinedError | undefined;
  loadMore: () => void;
}

/** The pages read so far for one text. */
interface Pages {
  text: string;
  edges: SearchEdge[];
  interpretedAs: InterpretedAs[];
  cursor: string | null;
  hasMore: boolean;
  loading: boolean;
  error: CombinedError | undefined;
}

const NOTHING: Omit<Pages, "text"> = {
  edges: [],
  interpretedAs: [],
  cursor: null,
  hasMore: false,
  loading: false,
  error: undefined,
};

/** The pages after `result` (the page after `after`) arrives for `text`. */
function merged(
  p: Pages,
  text: string,
  after: string | null,
  result: { data?: SearchQuery; error?: CombinedError },
): Pages {
  if (p.text !== text && after) return p;
  const previous = p.text === text && after ? p.edges : [];
  const search = result.data?.search;
  if (!search) return { text, ...NOTHING, edges: previous, error: result.error };
  return {
    text,
    edges: [...previous, ...search.edges],
    interpretedAs: search.interpretedAs,
    cursor: search.pageInfo.endCursor ?? null,
    hasMore: search.pageInfo.hasNextPage,
    loading: false,
    error: result.error,
  };
}

export function useSearch(text: string): SearchState {
  const client = useClient();
  const [pages, setPages] = useState<Pages>({ text: "", ...NOTHING });

  const request = useCallback(
    (after: string | null) =>
      client.query(SearchDocument, { query: text, after }, { requestPolicy: "network-only" }).toPromise(),
    [client, text],
  );

  useEffect(() => {
    let current = true;
    if (text.trim()) {
      void request(null).then((result) => {
        if (current) setPages((p) => merged(p, text, null, result));
      });
    }
    return () => {
      current = false;
    };
  }, [text, request]);

  // Until the first page of a new text arrives, it is loading.
  const shown = pages.text === text ? pages : { text, ...NOTHING, loading: text.trim() !== "" };
  const { hasMore, loading, cursor } = shown;
  const loadMore = useCallback(() => {
    if (!hasMore || loading) return;
    setPages((p) => ({ ...p, loading: true }));
    void request(cursor).then((result) => setPages((p) => merged(p, text, cursor, result)));
  }, [hasMore, loading, cursor, request, text]);

  return {
    edges: shown.edges,
    interpretedAs: shown.interpretedAs,
    hasMore,
    loading,
    error: shown.error,
    loadMore,
  };
}

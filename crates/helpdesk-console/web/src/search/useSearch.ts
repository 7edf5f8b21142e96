// A search and the pages after it: the first page when the text changes,
// the next when the list's end scrolls into view.
import { useCallback } from "react";
import { useClient } from "urql";
import { usePages, type Page, type Paged } from "../components/usePages";
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
            primaryNumber
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

/** The search for `text`, page by page. */
export function useSearch(text: string): Paged<SearchEdge, InterpretedAs[]> {
  const client = useClient();
  const fetchPage = useCallback(
    async (after: string | null): Promise<Page<SearchEdge, InterpretedAs[]>> => {
      const result = await client
        .query(SearchDocument, { query: text, after }, { requestPolicy: "network-only" })
        .toPromise();
      const search = result.data?.search;
      return {
        items: search?.edges ?? [],
        endCursor: search?.pageInfo.endCursor ?? null,
        hasNextPage: search?.pageInfo.hasNextPage ?? false,
        extra: search?.interpretedAs ?? null,
        error: result.error,
      };
    },
    [client, text],
  );
  return usePages(text.trim() ? text : "", fetchPage);
}

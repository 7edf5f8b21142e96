// The GraphQL client: urql, sending each operation as its hash from the
// trusted-documents manifest (never its text), with the agent's token.
import { Client, fetchExchange, cacheExchange, mapExchange } from "urql";
import { persistedExchange } from "@urql/exchange-persisted";
import type { DocumentNode } from "graphql";

function hashOf(document: DocumentNode): string {
  const meta = (document as DocumentNode & { __meta__?: { hash?: string } }).__meta__;
  if (!meta?.hash) throw new Error("an operation missing from the trusted-documents manifest");
  return meta.hash;
}

export function makeClient(token: string, onUnauthenticated: () => void): Client {
  return new Client({
    url: "/graphql",
    requestPolicy: "cache-and-network",
    preferGetMethod: false,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) onUnauthenticated();
        },
      }),
      cacheExchange,
      persistedExchange({
        enforcePersistedQueries: true,
        enableForMutation: true,
        preferGetForPersistedQueries: false,
        generateHash: (_query, document) => Promise.resolve(hashOf(document)),
      }),
      fetchExchange,
    ],
  });
}

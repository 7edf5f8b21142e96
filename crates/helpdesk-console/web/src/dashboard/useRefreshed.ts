// A widget's query, asked again every minute: the gateway lets a browser
// keep the answer that long (Cache-Control: private, max-age=60).
import { useEffect } from "react";
import { useQuery, type AnyVariables, type TypedDocumentNode } from "urql";

const EVERY_MS = 60_000;

export function useRefreshed<Data, Variables extends AnyVariables>(query: TypedDocumentNode<Data, Variables>) {
  const [result, reexecute] = useQuery<Data, Variables>({ query } as Parameters<typeof useQuery<Data, Variables>>[0]);
  useEffect(() => {
    const timer = window.setInterval(() => reexecute({ requestPolicy: "network-only" }), EVERY_MS);
    return () => window.clearInterval(timer);
  }, [reexecute]);
  return result;
}

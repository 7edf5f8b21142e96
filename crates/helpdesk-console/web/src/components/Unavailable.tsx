// What a record's page shows until it has the record: loading, the
// gateway's message, or "no such record". A record of a customer the agent
// may not see is "no such record", exactly as one that does not exist.
import type { CombinedError } from "urql";
import { gatewayError } from "../errors";
import { ErrorNotice } from "./ErrorNotice";
import { NotFound } from "./NotFound";

interface Result {
  error?: CombinedError;
  fetching: boolean;
  data?: unknown;
}

/** The page to show instead of the record, or null once the record is there. */
export function Unavailable({ result, found, what }: { result: Result; found: boolean; what: string }) {
  if (result.error) {
    const code = gatewayError(result.error).code;
    if (code === "NOT_FOUND" || code === "FORBIDDEN") return <NotFound what={what} />;
    return <ErrorNotice error={result.error} />;
  }
  if (result.fetching && !result.data) return <p className="loading">Loading…</p>;
  return found ? null : <NotFound what={what} />;
}

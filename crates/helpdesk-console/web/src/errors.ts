// The gateway's errors as the agent reads them: its message, never a stack
// or a raw payload, and its stable code for the console's own decisions
// (UNAUTHENTICATED signs out).
import type { CombinedError } from "urql";

export interface GatewayError {
  message: string;
  code: string | null;
}

export function gatewayError(error: CombinedError): GatewayError {
  const first = error.graphQLErrors[0];
  if (first) {
    const code = first.extensions?.code;
    return { message: first.message, code: typeof code === "string" ? code : null };
  }
  return { message: "The gateway did not answer. Check the connection and try again.", code: "NETWORK" };
}

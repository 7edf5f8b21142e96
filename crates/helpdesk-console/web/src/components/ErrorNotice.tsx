import type { CombinedError } from "urql";
import { gatewayError } from "../errors";

/** The gateway's own message to the agent ("a MAC address has 12 hexadecimal digits"). */
export function ErrorNotice({ error }: { error: CombinedError | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {gatewayError(error).message}
    </p>
  );
}

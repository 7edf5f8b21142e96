// Viewing a customer as its read-only admin: only while the customer allows
// it, only with a reason (a ticket ID or a sentence), which the audit log keeps.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { graphql } from "../gql";
import { ErrorNotice } from "../components/ErrorNotice";

const StartSession = graphql(`
  mutation StartReadOnlySession($customerId: ID!, $reason: String!) {
    startReadOnlyAdminSession(customerId: $customerId, reason: $reason) {
      expiresAt
      launchUrl
      consoleUrl
    }
  }
`);

export function ReadOnlySessionFlow({ customerId, allowed }: { customerId: string; allowed: boolean }) {
  const [reason, setReason] = useState("");
  const [result, start] = useMutation(StartSession);
  if (!allowed) return <p>This customer has not authorised read-only access.</p>;
  const session = result.data?.startReadOnlyAdminSession;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start({ customerId, reason });
  };
  return (
    <form onSubmit={submit} className="flow">
      <label htmlFor="reason">Reason for the read-only session</label>
      <input id="reason" value={reason} onChange={(e) => setReason(e.target.value)} required placeholder="Ticket ID or a sentence" />
      <button type="submit" disabled={result.fetching}>Start read-only session</button>
      <ErrorNotice error={result.error} />
      {session && (
        <p role="status">
          Session open until {new Date(session.expiresAt).toLocaleTimeString()}:{" "}
          <a href={session.consoleUrl} target="_blank" rel="noreferrer">open the console as this customer</a> or{" "}
          <a href={session.launchUrl} target="_blank" rel="noreferrer">open GraphiQL as this customer</a>.
        </p>
      )}
    </form>
  );
}

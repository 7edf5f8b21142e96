// The agent sends a code to the user's address, the user reads it out, the
// agent types it: the user proved they own the mailbox. Sends are rate
// limited per user; the gateway's message says when the next one may go.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { graphql } from "../gql";
import { ErrorNotice } from "../components/ErrorNotice";

const SendCode = graphql(`
  mutation SendVerificationCode($userId: ID!) {
    sendVerificationCode(userId: $userId) {
      sentTo
      expiresAt
    }
  }
`);

const CheckCode = graphql(`
  mutation CheckVerificationCode($userId: ID!, $code: String!) {
    checkVerificationCode(userId: $userId, code: $code) {
      verified
      attemptsLeft
    }
  }
`);

export function VerificationCodeFlow({ userId }: { userId: string }) {
  const [sent, send] = useMutation(SendCode);
  const [checked, check] = useMutation(CheckCode);
  const [code, setCode] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void check({ userId, code: code.trim() });
  };
  const payload = sent.data?.sendVerificationCode;
  const outcome = checked.data?.checkVerificationCode;
  return (
    <div className="flow">
      <button type="button" onClick={() => void send({ userId })} disabled={sent.fetching}>
        Send verification code
      </button>
      <ErrorNotice error={sent.error} />
      {payload && (
        <p role="status">
          Code sent to {payload.sentTo}, valid until {new Date(payload.expiresAt).toLocaleTimeString()}.
        </p>
      )}
      {payload && (
        <form onSubmit={submit}>
          <label htmlFor="code">Code the user reads out</label>
          <input id="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required />
          <button type="submit" disabled={checked.fetching}>Check code</button>
        </form>
      )}
      <ErrorNotice error={checked.error} />
      {outcome && (
        <p role="status" className={outcome.verified ? "ok" : "error"}>
          {outcome.verified ? "Verified: the user owns this mailbox." : `Wrong code. ${outcome.attemptsLeft} attempts left.`}
        </p>
      )}
    </div>
  );
}

// Outside demo mode the console asks for a token (`helpdesk token --agent
// EMAIL` mints one); it is kept for this tab only.
import { useState, type FormEvent } from "react";
import { sessionOf, isExpired, type Session } from "./session";

export function SignInPage({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const session = sessionOf(token.trim());
    if (!session.token || session.expiresAt === null) {
      setProblem("This is not a gateway token. Paste the whole token `helpdesk token` printed.");
    } else if (isExpired(session)) {
      setProblem("This token has expired. Ask for a new one.");
    } else {
      onSignIn(session);
    }
  };
  return (
    <main className="sign-in">
      <h1>Help desk</h1>
      <form onSubmit={submit}>
        <label htmlFor="token">Your access token</label>
        <textarea id="token" value={token} onChange={(e) => setToken(e.target.value)} rows={4} required />
        {problem && <p role="alert" className="error">{problem}</p>}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

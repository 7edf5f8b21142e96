// Who the console acts as. In demo mode the gateway writes a demo agent's
// token into the page (a <meta> tag); otherwise the agent pastes a token,
// kept in session storage (gone when the tab closes). A read-only admin
// session arrives as a launch URL whose fragment carries its token and
// reason: fragments are never sent to a server.

export interface Session {
  token: string;
  /** Set for a read-only admin session: why it was started. */
  readOnlyReason: string | null;
  /** When the token stops working (from its `exp` claim). */
  expiresAt: Date | null;
}

const STORAGE_KEY = "helpdesk.session";

function expiryOf(token: string): Date | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: number };
    return typeof claims.exp === "number" ? new Date(claims.exp * 1000) : null;
  } catch {
    return null;
  }
}

export function sessionOf(token: string, readOnlyReason: string | null = null): Session {
  return { token, readOnlyReason, expiresAt: expiryOf(token) };
}

/** The session the page opened with: a launch URL's, a stored one, or the demo agent's. */
export function initialSession(): Session | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const launched = fragment.get("token");
  if (launched) {
    const session = sessionOf(launched, fragment.get("reason") ?? "");
    save(session);
    history.replaceState(null, "", window.location.pathname + window.location.search);
    return session;
  }
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (stored) {
    try {
      const session = JSON.parse(stored) as { token: string; readOnlyReason: string | null };
      const restored = sessionOf(session.token, session.readOnlyReason);
      if (!isExpired(restored)) return restored;
    } catch {
      sessionStorage.removeItem(STORAGE_KEY);
    }
  }
  const demo = document.querySelector<HTMLMetaElement>('meta[name="helpdesk-demo-token"]')?.content;
  return demo ? sessionOf(demo) : null;
}

export function save(session: Session): void {
  sessionStorage.setItem(
    STORAGE_KEY,
    JSON.stringify({ token: session.token, readOnlyReason: session.readOnlyReason }),
  );
}

export function forget(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export function isExpired(session: Session, now: Date = new Date()): boolean {
  return session.expiresAt !== null && session.expiresAt.getTime() <= now.getTime();
}

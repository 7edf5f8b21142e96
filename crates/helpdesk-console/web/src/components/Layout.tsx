// The frame of every page: who is signed in, where they can go, and, in a
// read-only admin session, a banner that never lets the agent forget it.
import { useEffect } from "react";
import { NavLink, Outlet, useNavigate } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { Session } from "../session";
import { ReadOnlyBanner } from "./ReadOnlyBanner";

const MeQuery = graphql(`
  query Me {
    me {
      name
      email
      roles
      readOnlyCustomerId
    }
  }
`);

export function Layout({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const [{ data }] = useQuery({ query: MeQuery });
  const me = data?.me;
  const admin = me?.roles.includes("PARTNER_ADMIN") ?? false;
  const readOnly = me?.readOnlyCustomerId ?? null;
  const navigate = useNavigate();
  // "/" from anywhere goes to the search box, as in most consoles.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest("input, textarea, select, [contenteditable]");
      if (event.key !== "/" || typing || event.metaKey || event.ctrlKey || event.altKey) return;
      event.preventDefault();
      const box = document.querySelector<HTMLInputElement>(".search-box");
      if (box) box.focus();
      else void navigate("/");
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [navigate]);
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <nav aria-label="Main">
          <NavLink to="/" end>Search</NavLink>
          {!readOnly && <NavLink to="/dashboard">Dashboard</NavLink>}
          {admin && !readOnly && <NavLink to="/admin/agents">Agents</NavLink>}
          {admin && !readOnly && <NavLink to="/admin/audit">Audit log</NavLink>}
        </nav>
        <div className="who">
          {me && <span>{me.name}</span>}
          <button type="button" className="link" onClick={onSignOut}>Sign out</button>
        </div>
      </header>
      {readOnly && <ReadOnlyBanner customerId={readOnly} session={session} />}
      <main id="main">
        <Outlet context={{ readOnlyCustomerId: readOnly, isPartnerAdmin: admin, agentEmail: me?.email ?? "" }} />
      </main>
    </>
  );
}

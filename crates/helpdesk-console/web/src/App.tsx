// The console: who is signed in, and which page each URL shows. Every search
// and every record has its own URL, so an agent can bookmark or share it.
import { useCallback, useEffect, useMemo, useState } from "react";
import { Provider } from "urql";
import { Route, Routes } from "react-router";
import { makeClient } from "./client";
import { forget, initialSession, isExpired, save, type Session } from "./session";
import { Layout } from "./components/Layout";
import { SignInPage } from "./SignInPage";
import { SearchPage } from "./search/SearchPage";
import { CustomerPage } from "./details/CustomerPage";
import { UserPage } from "./details/UserPage";
import { DevicePage } from "./details/DevicePage";
import { PhoneNumberPage } from "./details/PhoneNumberPage";
import { OrderPage } from "./details/OrderPage";
import { AgentsPage } from "./admin/AgentsPage";
import { AuditLogPage } from "./admin/AuditLogPage";
import { DashboardPage } from "./dashboard/DashboardPage";
import { WidgetPage } from "./dashboard/WidgetPage";
import { NotFound } from "./components/NotFound";

export function App() {
  const [session, setSession] = useState<Session | null>(() => initialSession());
  const signOut = useCallback(() => {
    forget();
    setSession(null);
  }, []);
  const signIn = useCallback((next: Session) => {
    save(next);
    setSession(next);
  }, []);
  // Sign out when the token expires, even if the agent sends nothing.
  useEffect(() => {
    if (!session?.expiresAt) return;
    const left = session.expiresAt.getTime() - Date.now();
    const timer = window.setTimeout(signOut, Math.max(0, Math.min(left, 2 ** 31 - 1)));
    return () => window.clearTimeout(timer);
  }, [session, signOut]);
  const client = useMemo(() => (session ? makeClient(session.token, signOut) : null), [session, signOut]);

  if (!session || !client || isExpired(session)) return <SignInPage onSignIn={signIn} />;
  return (
    <Provider value={client}>
      <Routes>
        <Route path="/widgets/:name" element={<WidgetPage />} />
        <Route element={<Layout session={session} onSignOut={signOut} />}>
          <Route index element={<SearchPage />} />
          <Route path="customers/:id" element={<CustomerPage />} />
          <Route path="users/:id" element={<UserPage />} />
          <Route path="devices/:id" element={<DevicePage />} />
          <Route path="numbers/:number" element={<PhoneNumberPage />} />
          <Route path="orders/:webOrderNumber" element={<OrderPage />} />
          <Route path="dashboard" element={<DashboardPage />} />
          <Route path="admin/agents" element={<AgentsPage />} />
          <Route path="admin/audit" element={<AuditLogPage />} />
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Provider>
  );
}

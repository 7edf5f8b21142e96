// A read-only admin session sees one customer, for a reason the agent gave,
// for a limited time: all three stay on screen for the whole session.
import { useEffect, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { Session } from "../session";

const BannerCustomerQuery = graphql(`
  query BannerCustomer($id: ID!) {
    customer(id: $id) {
      id
      name
    }
  }
`);

function timeLeft(until: Date | null, now: number): string {
  if (!until) return "";
  const minutes = Math.max(0, Math.round((until.getTime() - now) / 60000));
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min left` : `${minutes} min left`;
}

export function ReadOnlyBanner({ customerId, session }: { customerId: string; session: Session }) {
  const [{ data }] = useQuery({ query: BannerCustomerQuery, variables: { id: customerId } });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  return (
    <section className="read-only-banner" role="status" aria-label="Read-only admin session">
      <strong>Read-only admin session</strong> for <span>{data?.customer?.name ?? "this customer"}</span>
      {session.readOnlyReason && <> · reason: <q>{session.readOnlyReason}</q></>}
      {" · "}
      <span>{timeLeft(session.expiresAt, now)}</span>
    </section>
  );
}

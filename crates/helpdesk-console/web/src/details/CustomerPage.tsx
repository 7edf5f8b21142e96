// A customer organisation: what it is, what it bought and uses, who
// administers it, and whether the partner may view it as a read-only admin.
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Facts, when, words } from "../components/Facts";
import { Unavailable } from "../components/Unavailable";
import { LicenseChart } from "./LicenseChart";
import { ReadOnlySessionFlow } from "./ReadOnlySessionFlow";
import { CustomerLists } from "./CustomerLists";

const CustomerQuery = graphql(`
  query Customer($id: ID!) {
    customer(id: $id) {
      id
      organizationId
      name
      status
      createdAt
      domains {
        name
        verified
      }
      meetingSites
      subscriptions {
        id
        webOrderNumber
        status
        startsAt
        endsAt
      }
      licenseSummary {
        offer
        quantity
        consumed
        available
      }
      admins {
        role
        user {
          id
          displayName
          email
        }
      }
      readOnlyAccess {
        authorized
        until
      }
    }
  }
`);

export function CustomerPage() {
  const { id = "" } = useParams();
  const [result] = useQuery({ query: CustomerQuery, variables: { id } });
  const c = result.data?.customer;
  if (!c) return <Unavailable result={result} found={false} what="customer" />;
  return (
    <article className="record">
      <h1>{c.name}</h1>
      <Facts
        rows={[
          ["Status", words(c.status)],
          ["Organisation ID", <code key="id">{c.organizationId}</code>],
          ["Created", when(c.createdAt)],
          ["Domains", c.domains.map((d) => `${d.name}${d.verified ? "" : " (claimed)"}`).join(", ")],
          ["Meeting sites", c.meetingSites.join(", ")],
        ]}
      />
      <section>
        <h2>Licenses</h2>
        <LicenseChart
          title="Licenses bought and used, per offer"
          usage={c.licenseSummary.map((l) => ({ label: l.offer, bought: l.quantity, used: l.consumed }))}
        />
      </section>
      <section>
        <h2>Subscriptions</h2>
        <table>
          <thead>
            <tr><th scope="col">Order</th><th scope="col">Status</th><th scope="col">Starts</th><th scope="col">Ends</th></tr>
          </thead>
          <tbody>
            {c.subscriptions.map((s) => (
              <tr key={s.id}>
                <td><Link to={`/orders/${encodeURIComponent(s.webOrderNumber)}`}>{s.webOrderNumber}</Link></td>
                <td>{words(s.status)}</td>
                <td>{when(s.startsAt)}</td>
                <td>{when(s.endsAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2>Admins</h2>
        <ul>
          {c.admins.map((a, i) => (
            <li key={`${a.user?.id ?? i}-${a.role}`}>
              {a.user ? <Link to={`/users/${a.user.id}`}>{a.user.displayName}</Link> : "a removed user"} — {words(a.role)}
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>Read-only access</h2>
        <p>{c.readOnlyAccess.authorized ? `Authorised until ${when(c.readOnlyAccess.until)}.` : ""}</p>
        <ReadOnlySessionFlow customerId={c.id} allowed={c.readOnlyAccess.authorized} />
      </section>
      <CustomerLists customerId={c.id} />
    </article>
  );
}

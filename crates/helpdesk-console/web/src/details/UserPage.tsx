// A user: status, their last email and how it went, what they are licensed
// for, their devices, and the two things an agent does for a user on the
// phone: send a verification code, and take their address off the
// suppression list so mail reaches them again.
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Facts, when, words } from "../components/Facts";
import { Unavailable } from "../components/Unavailable";
import { VerificationCodeFlow } from "./VerificationCodeFlow";
import { SuppressionFlow } from "./SuppressionFlow";

const UserQuery = graphql(`
  query User($id: ID!) {
    user(id: $id) {
      id
      userId
      email
      displayName
      status
      createdAt
      customer {
        id
        name
      }
      lastEmail {
        status
        subject
        reply
        at
      }
      licenses
      features
      adminRoles
      emailSuppression {
        reason
        since
      }
      devices {
        id
        model
        macAddress
        status
      }
    }
  }
`);

export function UserPage() {
  const { id = "" } = useParams();
  const [result] = useQuery({ query: UserQuery, variables: { id } });
  const u = result.data?.user;
  if (!u) return <Unavailable result={result} found={false} what="user" />;
  const last = u.lastEmail;
  return (
    <article className="record">
      <h1>{u.displayName}</h1>
      <Facts
        rows={[
          ["Email", u.email],
          ["Status", words(u.status)],
          ["Customer", u.customer ? <Link key="c" to={`/customers/${u.customer.id}`}>{u.customer.name}</Link> : null],
          ["User ID", <code key="id">{u.userId}</code>],
          ["Created", when(u.createdAt)],
          ["Last email", last ? `${last.subject} — ${words(last.status)} ${when(last.at)}${last.reply ? ` (${last.reply})` : ""}` : "none"],
          ["Licenses", u.licenses.join(", ") || "none"],
          ["Features", u.features.join(", ") || "none"],
          ["Admin roles", u.adminRoles.map(words).join(", ") || "none"],
        ]}
      />
      <section>
        <h2>Email suppression</h2>
        <SuppressionFlow userId={u.id} suppression={u.emailSuppression} />
      </section>
      <section>
        <h2>Verification code</h2>
        <VerificationCodeFlow userId={u.id} />
      </section>
      <section>
        <h2>Devices</h2>
        <ul>
          {u.devices.map((d) => (
            <li key={d.id}><Link to={`/devices/${d.id}`}>{d.model}</Link> · {d.macAddress ?? "—"} · {words(d.status)}</li>
          ))}
        </ul>
      </section>
    </article>
  );
}

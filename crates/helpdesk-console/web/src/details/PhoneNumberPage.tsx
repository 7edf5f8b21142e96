// A phone number: what it is for, and what it rings.
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Facts, words } from "../components/Facts";
import { Unavailable } from "../components/Unavailable";

const PhoneNumberQuery = graphql(`
  query PhoneNumber($number: String!) {
    phoneNumber(number: $number) {
      id
      number
      kind
      state
      location
      assignedFeature
      assignedUser {
        id
        displayName
      }
      assignedDevice {
        id
        model
      }
      customer {
        id
        name
      }
    }
  }
`);

export function PhoneNumberPage() {
  const { number = "" } = useParams();
  const [result] = useQuery({ query: PhoneNumberQuery, variables: { number } });
  const n = result.data?.phoneNumber;
  if (!n) return <Unavailable result={result} found={false} what="phone number" />;
  return (
    <article className="record">
      <h1>{n.number}</h1>
      <Facts
        rows={[
          ["Kind", words(n.kind)],
          ["State", words(n.state)],
          ["Location", n.location],
          ["User", n.assignedUser ? <Link key="u" to={`/users/${n.assignedUser.id}`}>{n.assignedUser.displayName}</Link> : null],
          ["Device", n.assignedDevice ? <Link key="d" to={`/devices/${n.assignedDevice.id}`}>{n.assignedDevice.model}</Link> : null],
          ["Feature", n.assignedFeature],
          ["Customer", n.customer ? <Link key="c" to={`/customers/${n.customer.id}`}>{n.customer.name}</Link> : null],
        ]}
      />
    </article>
  );
}

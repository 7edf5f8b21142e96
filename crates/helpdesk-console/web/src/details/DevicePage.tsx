// A device: what it is, how to reach it (MAC, SIP, number), whether it is
// online, and whose it is.
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Facts, when, words } from "../components/Facts";
import { Unavailable } from "../components/Unavailable";

const DeviceQuery = graphql(`
  query Device($id: ID!) {
    device(id: $id) {
      id
      model
      macAddress
      serialNumber
      sipAddress
      primaryNumber
      thirdParty
      status
      lastSeenAt
      place
      owner {
        id
        displayName
      }
      customer {
        id
        name
      }
    }
  }
`);

export function DevicePage() {
  const { id = "" } = useParams();
  const [result] = useQuery({ query: DeviceQuery, variables: { id } });
  const d = result.data?.device;
  if (!d) return <Unavailable result={result} found={false} what="device" />;
  return (
    <article className="record">
      <h1>{d.model}</h1>
      <Facts
        rows={[
          ["Status", words(d.status)],
          ["Last seen", when(d.lastSeenAt)],
          ["MAC address", d.macAddress],
          ["Serial number", d.serialNumber],
          ["SIP address", d.sipAddress],
          ["Primary number", d.primaryNumber ? <Link key="n" to={`/numbers/${encodeURIComponent(d.primaryNumber)}`}>{d.primaryNumber}</Link> : null],
          ["Third party", d.thirdParty ? "yes" : "no"],
          ["Owner", d.owner ? <Link key="o" to={`/users/${d.owner.id}`}>{d.owner.displayName}</Link> : d.place],
          ["Customer", d.customer ? <Link key="c" to={`/customers/${d.customer.id}`}>{d.customer.name}</Link> : null],
        ]}
      />
    </article>
  );
}

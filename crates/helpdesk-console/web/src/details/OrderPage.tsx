// A web order (a subscription): its state, its dates and the licenses it bought.
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Facts, when, words } from "../components/Facts";
import { Unavailable } from "../components/Unavailable";
import { LicenseChart } from "./LicenseChart";

const OrderQuery = graphql(`
  query Order($webOrderNumber: String!) {
    order(webOrderNumber: $webOrderNumber) {
      id
      webOrderNumber
      status
      startsAt
      endsAt
      licenses {
        offer
        quantity
        consumed
      }
      customer {
        id
        name
      }
    }
  }
`);

export function OrderPage() {
  const { webOrderNumber = "" } = useParams();
  const [result] = useQuery({ query: OrderQuery, variables: { webOrderNumber } });
  const o = result.data?.order;
  if (!o) return <Unavailable result={result} found={false} what="order" />;
  return (
    <article className="record">
      <h1>Order {o.webOrderNumber}</h1>
      <Facts
        rows={[
          ["Status", words(o.status)],
          ["Starts", when(o.startsAt)],
          ["Ends", when(o.endsAt)],
          ["Customer", o.customer ? <Link key="c" to={`/customers/${o.customer.id}`}>{o.customer.name}</Link> : null],
        ]}
      />
      <LicenseChart
        title="Licenses bought and used on this order"
        usage={o.licenses.map((l) => ({ label: l.offer, bought: l.quantity, used: l.consumed }))}
      />
    </article>
  );
}

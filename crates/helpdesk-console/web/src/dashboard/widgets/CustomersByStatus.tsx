import { graphql } from "../../gql";
import { CountsDoughnut } from "../CountsDoughnut";
import { useRefreshed } from "../useRefreshed";
import { Widget } from "../Widget";

const Query = graphql(`
  query CustomersByStatusWidget {
    partnerOverview {
      customersByStatus {
        status
        count
      }
    }
  }
`);

export function CustomersByStatus() {
  const { data, error } = useRefreshed(Query);
  const counts = (data?.partnerOverview.customersByStatus ?? []).map((r) => ({ label: r.status, count: r.count }));
  return (
    <Widget title="Customers by status" error={error} ready={!!data}>
      <CountsDoughnut title="Customers by status" counts={counts} />
    </Widget>
  );
}

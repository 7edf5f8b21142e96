import { graphql } from "../../gql";
import { CountsDoughnut } from "../CountsDoughnut";
import { useRefreshed } from "../useRefreshed";
import { Widget } from "../Widget";

const Query = graphql(`
  query PhoneNumbersByStateWidget {
    partnerOverview {
      phoneNumbersByState {
        state
        count
      }
    }
  }
`);

export function PhoneNumbersByState() {
  const { data, error } = useRefreshed(Query);
  const counts = (data?.partnerOverview.phoneNumbersByState ?? []).map((r) => ({ label: r.state, count: r.count }));
  return (
    <Widget title="Phone numbers by state" error={error} ready={!!data}>
      <CountsDoughnut title="Phone numbers by state" counts={counts} />
    </Widget>
  );
}

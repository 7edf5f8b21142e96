import { graphql } from "../../gql";
import { useRefreshed } from "../useRefreshed";
import { Stat, Widget } from "../Widget";

const Query = graphql(`
  query DevicesWidget {
    partnerOverview {
      devicesOffline
      devicesUnseenFor7Days
    }
  }
`);

export function Devices() {
  const { data, error } = useRefreshed(Query);
  const o = data?.partnerOverview;
  return (
    <Widget title="Devices" error={error} ready={!!o}>
      {o && (
        <>
          <Stat value={o.devicesOffline} label="offline now" />
          <Stat value={o.devicesUnseenFor7Days} label="not seen for 7 days" />
        </>
      )}
    </Widget>
  );
}

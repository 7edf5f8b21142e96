import { Link } from "react-router";
import { graphql } from "../../gql";
import { when } from "../../components/Facts";
import { useRefreshed } from "../useRefreshed";
import { Widget } from "../Widget";

const Query = graphql(`
  query GrantsEndingWidget {
    partnerOverview {
      readOnlyGrantsEnding {
        customerId
        customerName
        endsAt
      }
    }
  }
`);

export function GrantsEnding() {
  const { data, error } = useRefreshed(Query);
  const grants = data?.partnerOverview.readOnlyGrantsEnding ?? [];
  return (
    <Widget title="Read-only access ending within 7 days" error={error} ready={!!data}>
      {grants.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul>
          {grants.map((g) => (
            <li key={g.customerId}>
              <Link to={`/customers/${g.customerId}`} target="_top">{g.customerName}</Link> — ends {when(g.endsAt)}
            </li>
          ))}
        </ul>
      )}
    </Widget>
  );
}

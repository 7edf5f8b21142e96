import { graphql } from "../../gql";
import { useRefreshed } from "../useRefreshed";
import { Stat, Widget } from "../Widget";

const Query = graphql(`
  query EmailProblemsWidget {
    partnerOverview {
      emailsInErrorLast24Hours
      addressesSuppressedLast24Hours
    }
  }
`);

export function EmailProblems() {
  const { data, error } = useRefreshed(Query);
  const o = data?.partnerOverview;
  return (
    <Widget title="Email in the past 24 hours" error={error} ready={!!o}>
      {o && (
        <>
          <Stat value={o.emailsInErrorLast24Hours} label="emails in error" />
          <Stat value={o.addressesSuppressedLast24Hours} label="addresses suppressed" />
        </>
      )}
    </Widget>
  );
}

// An address on the suppression list gets no mail (after a hard bounce, a
// complaint or an unsubscribe). Once the user's mailbox works again, the
// agent takes it off the list.
import { useMutation } from "urql";
import { graphql } from "../gql";
import { ErrorNotice } from "../components/ErrorNotice";
import { when, words } from "../components/Facts";

const RemoveSuppression = graphql(`
  mutation RemoveEmailSuppression($userId: ID!) {
    removeEmailSuppression(userId: $userId) {
      removed
      user {
        id
        emailSuppression {
          reason
          since
        }
      }
    }
  }
`);

interface Suppression {
  reason: string;
  since: string;
}

export function SuppressionFlow({ userId, suppression }: { userId: string; suppression: Suppression | null }) {
  const [result, remove] = useMutation(RemoveSuppression);
  if (result.data?.removeEmailSuppression.removed) {
    return <p role="status" className="ok">Removed from the suppression list: mail reaches this user again.</p>;
  }
  if (!suppression) return <p>Not on the suppression list.</p>;
  return (
    <div className="flow">
      <p>
        On the suppression list since {when(suppression.since)} ({words(suppression.reason)}).
      </p>
      <button type="button" onClick={() => void remove({ userId })} disabled={result.fetching}>
        Remove from the suppression list
      </button>
      <ErrorNotice error={result.error} />
    </div>
  );
}

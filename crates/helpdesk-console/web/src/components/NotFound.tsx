import { Link } from "react-router";

/** A record the agent's partner does not manage looks exactly like one that does not exist. */
export function NotFound({ what = "page" }: { what?: string }) {
  return (
    <section className="not-found">
      <h1>No such {what}</h1>
      <p>It does not exist, or it belongs to a customer your partner does not manage.</p>
      <Link to="/">Back to search</Link>
    </section>
  );
}

import type { ReactNode } from "react";
import type { CombinedError } from "urql";
import { ErrorNotice } from "../components/ErrorNotice";

/** A widget's frame: its title, its error if it has one, its content once loaded. */
export function Widget({ title, error, ready, children }: { title: string; error: CombinedError | undefined; ready: boolean; children: ReactNode }) {
  return (
    <section className="widget" aria-label={title}>
      <h2>{title}</h2>
      <ErrorNotice error={error} />
      {ready ? children : !error && <p className="loading">Loading…</p>}
    </section>
  );
}

/** A figure in large type with what it counts. */
export function Stat({ value, label }: { value: number; label: string }) {
  return (
    <p className="stat">
      <span className="value">{value.toLocaleString()}</span> <span className="label">{label}</span>
    </p>
  );
}

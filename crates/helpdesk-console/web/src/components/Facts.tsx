import type { ReactNode } from "react";

/** A record's facts as a definition list: label, value. */
export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value ?? "—"}</dd>
        </div>
      ))}
    </dl>
  );
}

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

/** An enum value as words: `PHONE_NUMBER` → "phone number". */
export function words(value: string): string {
  return value.toLowerCase().replace(/_/g, " ");
}

// Marks the part of a value the agent typed. Letters and digits are
// compared, case and punctuation ignored, so "2c5491" marks "2C:54:91" and
// "2125550100" marks "+1-212-555-0100".
import type { ReactNode } from "react";

function alnum(text: string): { folded: string; at: number[] } {
  let folded = "";
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    const base = c.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    if (/^[\p{L}\p{N}]+$/u.test(base)) {
      folded += base;
      for (let k = 0; k < base.length; k++) at.push(i);
    }
  }
  return { folded, at };
}

/** Ranges [start, end) of `value` that the words of `typed` match. */
export function matchedRanges(value: string, typed: string): [number, number][] {
  const { folded, at } = alnum(value);
  const ranges: [number, number][] = [];
  for (const word of typed.split(/[\s,]+/)) {
    const needle = alnum(word).folded;
    if (!needle) continue;
    const found = folded.indexOf(needle);
    if (found < 0) continue;
    const start = at[found] ?? 0;
    const end = (at[found + needle.length - 1] ?? start) + 1;
    ranges.push([start, end]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

export function Highlight({ value, typed }: { value: string; typed: string }) {
  const parts: ReactNode[] = [];
  let from = 0;
  for (const [start, end] of matchedRanges(value, typed)) {
    if (start < from) continue;
    parts.push(value.slice(from, start));
    parts.push(<mark key={start}>{value.slice(start, end)}</mark>);
    from = end;
  }
  parts.push(value.slice(from));
  return <>{parts}</>;
}

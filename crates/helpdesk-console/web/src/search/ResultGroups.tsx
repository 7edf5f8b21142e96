// Results grouped by kind, in the order the best of each kind ranked. The
// last row's arrival in view asks for the next page (infinite scroll).
import { useEffect, useRef } from "react";
import type { Described } from "./describe";
import { Highlight } from "./Highlight";

export interface Group {
  kind: Described["kind"];
  rows: (Described & { index: number })[];
}

export function groupResults(rows: Described[]): Group[] {
  const groups: Group[] = [];
  for (const row of rows) {
    let group = groups.find((g) => g.kind === row.kind);
    if (!group) {
      group = { kind: row.kind, rows: [] };
      groups.push(group);
    }
    group.rows.push({ ...row, index: 0 });
  }
  let index = 0;
  for (const group of groups) for (const row of group.rows) row.index = index++;
  return groups;
}

interface Props {
  groups: Group[];
  typed: string;
  active: number;
  onOpen: (index: number) => void;
  onEnd: () => void;
}

export function ResultGroups({ groups, typed, active, onOpen, onEnd }: Props) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) onEnd();
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [onEnd]);
  useEffect(() => {
    document.getElementById(`result-${active}`)?.scrollIntoView({ block: "nearest" });
  }, [active]);
  return (
    <div id="results" role="listbox" aria-label="Results" className="results">
      {groups.map((group) => (
        <div role="group" key={group.kind} aria-labelledby={`group-${group.kind}`}>
          <div id={`group-${group.kind}`} className="group-title" role="presentation">
            {group.kind} <span className="count">{group.rows.length}</span>
          </div>
          {group.rows.map((row) => (
            <div
              key={row.href}
              id={`result-${row.index}`}
              role="option"
              aria-selected={row.index === active}
              className={row.index === active ? "result active" : "result"}
              onClick={() => onOpen(row.index)}
            >
              <span className="title">{row.title}</span>
              <span className="detail">{row.detail}</span>
              <span className="matched">
                matched <Highlight value={row.matched} typed={typed} />
              </span>
            </div>
          ))}
        </div>
      ))}
      <div ref={end} className="sentinel" aria-hidden="true" />
    </div>
  );
}

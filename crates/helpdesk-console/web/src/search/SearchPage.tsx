// The home page: one box for anything an agent may be given (a name, an
// email, a MAC, a number…). The text lives in the URL (`/?q=…`), so every
// search can be bookmarked; results come grouped by kind, best first, and
// the keyboard alone finds and opens one.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useAgent } from "../components/context";
import { ErrorNotice } from "../components/ErrorNotice";
import { describe, readAs } from "./describe";
import { recentSearches, remember } from "./recent";
import { ResultGroups, groupResults } from "./ResultGroups";
import { useSearch } from "./useSearch";

/** How long the box waits for the agent to stop typing. */
const SETTLE_MS = 200;

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const searched = params.get("q") ?? "";
  const [typed, setTyped] = useState(searched);
  const [active, setActive] = useState(0);
  const box = useRef<HTMLInputElement>(null);
  const navigate = useNavigate();
  const { agentEmail } = useAgent();

  // The URL follows the box once the agent pauses. `pushed` is what the box
  // last wrote there: a URL that differs came from elsewhere (back, forward,
  // a bookmark) and replaces the box; the box's own writes never do, so
  // letters typed while a write lands are not lost.
  const [pushed, setPushed] = useState(searched);
  const go = useCallback(
    (text: string) => {
      setPushed(text);
      setParams(text ? { q: text } : {}, { replace: true });
    },
    [setParams],
  );
  useEffect(() => {
    if (typed === searched) return;
    const timer = window.setTimeout(() => go(typed), SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [typed, searched, go]);
  const [lastSearched, setLastSearched] = useState(searched);
  if (searched !== lastSearched) {
    setLastSearched(searched);
    setActive(0);
    if (searched !== pushed) {
      setPushed(searched);
      setTyped(searched);
    }
  }

  const search = useSearch(searched);
  const groups = useMemo(
    () => groupResults(search.items.map((edge) => describe(edge, searched))),
    [search.items, searched],
  );
  const flat = useMemo(() => groups.flatMap((g) => g.rows), [groups]);

  const open = (index: number) => {
    const row = flat[index];
    if (!row) return;
    remember(agentEmail, searched);
    void navigate(row.href);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((a) => Math.min(a + 1, Math.max(flat.length - 1, 0)));
      if (active >= flat.length - 3) search.loadMore();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (typed !== searched) go(typed);
      else open(active);
    } else if (event.key === "Escape") {
      setTyped("");
    }
  };

  const recent = agentEmail ? recentSearches(agentEmail) : [];
  const activeId = flat[active] ? `result-${active}` : undefined;
  return (
    <section className="search">
      <h1 className="visually-hidden">Search</h1>
      <input
        ref={box}
        className="search-box"
        type="search"
        role="combobox"
        aria-label="Search customers, users, devices, numbers and orders"
        aria-expanded={flat.length > 0}
        aria-controls="results"
        aria-activedescendant={activeId}
        autoComplete="off"
        spellCheck={false}
        autoFocus
        placeholder="Name, email, domain, MAC, SIP address, phone number, order… (press / to search)"
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <p className="read-as" aria-live="polite">
        {(search.extra ?? []).map((r) => readAs(r.kind, r.value)).join(" · ")}
      </p>
      <ErrorNotice error={search.error} />
      {!searched && recent.length > 0 && (
        <nav aria-label="Recent searches" className="recent">
          <h2>Recent searches</h2>
          <ul>
            {recent.map((text) => (
              <li key={text}>
                <button type="button" className="link" onClick={() => setTyped(text)}>
                  {text}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {searched && !search.loading && !search.error && flat.length === 0 && (
        <p className="empty">Nothing found for “{searched}”.</p>
      )}
      <ResultGroups groups={groups} typed={searched} active={active} onOpen={open} onEnd={search.loadMore} />
      {search.loading && <p className="loading">Searching…</p>}
    </section>
  );
}

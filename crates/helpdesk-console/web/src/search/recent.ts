// An agent's last searches, on this browser, per agent: the same person
// looks up the same customer several times a day.
const MAX = 8;

function key(agent: string): string {
  return `helpdesk.recent.${agent}`;
}

export function recentSearches(agent: string): string[] {
  try {
    const stored = JSON.parse(localStorage.getItem(key(agent)) ?? "[]") as unknown;
    return Array.isArray(stored) ? stored.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}

export function remember(agent: string, text: string): void {
  const trimmed = text.trim();
  if (!agent || !trimmed) return;
  const next = [trimmed, ...recentSearches(agent).filter((s) => s !== trimmed)].slice(0, MAX);
  localStorage.setItem(key(agent), JSON.stringify(next));
}

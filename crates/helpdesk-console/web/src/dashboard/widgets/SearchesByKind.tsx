import { Bar } from "react-chartjs-2";
import { graphql } from "../../gql";
import { COLOURS } from "../../components/charts";
import { words } from "../../components/Facts";
import { useRefreshed } from "../useRefreshed";
import { Widget } from "../Widget";

const Query = graphql(`
  query SearchesByKindWidget {
    partnerOverview {
      searchesByDay {
        day
        kind
        count
      }
    }
  }
`);

export function SearchesByKind() {
  const { data, error } = useRefreshed(Query);
  const rows = data?.partnerOverview.searchesByDay ?? [];
  const days = [...new Set(rows.map((r) => r.day))];
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const total = rows.reduce((sum, r) => sum + r.count, 0);
  const datasets = kinds.map((kind, i) => ({
    label: words(kind),
    backgroundColor: COLOURS[i % COLOURS.length],
    data: days.map((day) => rows.find((r) => r.day === day && r.kind === kind)?.count ?? 0),
  }));
  return (
    <Widget title="Searches per day, by what was typed" error={error} ready={!!data}>
      <div className="chart-box wide">
        <Bar
          role="img"
          aria-label={`${total} searches over ${days.length} days, by kind of input: ${kinds.map(words).join(", ")}`}
          data={{ labels: days.map((d) => new Date(d).toLocaleDateString(undefined, { month: "short", day: "numeric" })), datasets }}
          options={{ scales: { x: { stacked: true }, y: { stacked: true } }, plugins: { legend: { position: "bottom" } } }}
        />
      </div>
    </Widget>
  );
}

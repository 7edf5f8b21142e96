import { Doughnut } from "react-chartjs-2";
import { COLOURS } from "../components/charts";
import { words } from "../components/Facts";

/** Counts per label as a doughnut, described in words for screen readers. */
export function CountsDoughnut({ title, counts }: { title: string; counts: { label: string; count: number }[] }) {
  const summary = counts.map((c) => `${words(c.label)}: ${c.count}`).join(", ");
  return (
    <div className="chart-box">
      <Doughnut
        role="img"
        aria-label={`${title}: ${summary}`}
        data={{ labels: counts.map((c) => words(c.label)), datasets: [{ data: counts.map((c) => c.count), backgroundColor: COLOURS }] }}
        options={{ plugins: { legend: { position: "right" } } }}
      />
    </div>
  );
}

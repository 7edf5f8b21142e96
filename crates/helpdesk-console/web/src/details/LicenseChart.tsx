// Licenses bought against assigned, per offer: over-assignment shows as a
// used bar taller than the bought one.
import { Bar } from "react-chartjs-2";
import { COLOURS } from "../components/charts";

export interface Usage {
  label: string;
  bought: number;
  used: number;
}

export function LicenseChart({ usage, title }: { usage: Usage[]; title: string }) {
  const summary = usage.map((u) => `${u.label}: ${u.used} of ${u.bought} used`).join("; ");
  return (
    <figure className="chart">
      <div className="chart-box">
        <Bar
          aria-label={`${title}. ${summary}`}
          role="img"
          data={{
            labels: usage.map((u) => u.label),
            datasets: [
              { label: "Bought", data: usage.map((u) => u.bought), backgroundColor: COLOURS[0] },
              { label: "Used", data: usage.map((u) => u.used), backgroundColor: COLOURS[1] },
            ],
          }}
          options={{ indexAxis: "y", plugins: { legend: { position: "bottom" } } }}
        />
      </div>
      <figcaption>{title}</figcaption>
    </figure>
  );
}

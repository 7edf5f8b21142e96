// The partner's help desk at a glance: every widget, each on its own query.
import "../components/charts";
import { WIDGETS } from "./widgets";

export function DashboardPage() {
  return (
    <section>
      <h1>Dashboard</h1>
      <div className="dashboard">
        {Object.entries(WIDGETS).map(([name, Widget]) => (
          <div key={name} className={`cell ${name}`}>
            <Widget />
          </div>
        ))}
      </div>
    </section>
  );
}

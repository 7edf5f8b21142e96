import { Bar } from "react-chartjs-2";
import { graphql } from "../../gql";
import { COLOURS } from "../../components/charts";
import { useRefreshed } from "../useRefreshed";
import { Widget } from "../Widget";

const Query = graphql(`
  query ActiveAgentsWidget {
    partnerOverview {
      mostActiveAgents {
        agentId
        name
        actions
      }
    }
  }
`);

export function ActiveAgents() {
  const { data, error } = useRefreshed(Query);
  const agents = data?.partnerOverview.mostActiveAgents ?? [];
  return (
    <Widget title="Most active agents this week" error={error} ready={!!data}>
      <div className="chart-box">
        <Bar
          role="img"
          aria-label={`Actions this week: ${agents.map((a) => `${a.name} ${a.actions}`).join(", ")}`}
          data={{ labels: agents.map((a) => a.name), datasets: [{ label: "Actions", data: agents.map((a) => a.actions), backgroundColor: COLOURS[2] }] }}
          options={{ indexAxis: "y", plugins: { legend: { display: false } } }}
        />
      </div>
    </Widget>
  );
}

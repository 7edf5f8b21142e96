import { useOutletContext } from "react-router";

/** What every page under the layout knows about the signed-in agent. */
export interface AgentContext {
  readOnlyCustomerId: string | null;
  isPartnerAdmin: boolean;
  agentEmail: string;
}

export function useAgent(): AgentContext {
  return useOutletContext<AgentContext>();
}

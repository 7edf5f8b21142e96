// A partner administrator decides who may use the help desk: the Help Desk
// role, given and taken here. An agent without it cannot search at all.
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { ErrorNotice } from "../components/ErrorNotice";
import { words } from "../components/Facts";

export const AgentsQuery = graphql(`
  query Agents {
    agents {
      id
      name
      email
      roles
    }
  }
`);

const Assign = graphql(`
  mutation AssignHelpDeskRole($agentId: ID!) {
    assignHelpDeskRole(agentId: $agentId) {
      agent {
        id
        roles
      }
    }
  }
`);

const Revoke = graphql(`
  mutation RevokeHelpDeskRole($agentId: ID!) {
    revokeHelpDeskRole(agentId: $agentId) {
      agent {
        id
        roles
      }
    }
  }
`);

export function AgentsPage() {
  const [{ data, error }] = useQuery({ query: AgentsQuery });
  const [assigned, assign] = useMutation(Assign);
  const [revoked, revoke] = useMutation(Revoke);
  return (
    <section>
      <h1>Agents</h1>
      <ErrorNotice error={error ?? assigned.error ?? revoked.error} />
      <table>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Roles</th><th scope="col">Help Desk role</th></tr>
        </thead>
        <tbody>
          {(data?.agents ?? []).map((a) => {
            const helpDesk = a.roles.includes("HELP_DESK");
            return (
              <tr key={a.id}>
                <td>{a.name}</td>
                <td>{a.email}</td>
                <td>{a.roles.map(words).join(", ") || "none"}</td>
                <td>
                  {helpDesk ? (
                    <button type="button" aria-label={`Revoke the Help Desk role from ${a.name}`} onClick={() => void revoke({ agentId: a.id })}>
                      Revoke
                    </button>
                  ) : (
                    <button type="button" aria-label={`Give ${a.name} the Help Desk role`} onClick={() => void assign({ agentId: a.id })}>
                      Assign
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

// What a result row shows: a title, a line under it, where it opens, and the
// value that matched the agent's text (`matchedField`).
import type { SearchEdge } from "./useSearch";
import { matchedRanges } from "./Highlight";

export interface Described {
  kind: "Customers" | "Users" | "Devices" | "Phone numbers" | "Orders";
  title: string;
  detail: string;
  href: string;
  matched: string;
}

/** Of a record's values, the one the typed text matches (a customer has several domains and sites). */
function matching(values: string[], typed: string): string {
  return values.find((v) => matchedRanges(v, typed).length > 0) ?? values[0] ?? "";
}

export function describe(edge: SearchEdge, typed: string): Described {
  const node = edge.node;
  const field = edge.matchedField;
  switch (node.__typename) {
    case "Customer": {
      const matched =
        field === "DOMAIN"
          ? matching(node.domains.map((d) => d.name), typed)
          : field === "MEETING_SITE"
            ? matching(node.meetingSites, typed)
            : field === "ORGANIZATION_ID"
              ? node.organizationId
              : node.name;
      return { kind: "Customers", title: node.name, detail: words(node.customerStatus), href: `/customers/${node.id}`, matched };
    }
    case "User": {
      const matched = field === "EMAIL" ? node.email : field === "USER_ID" ? node.userId : node.displayName;
      return {
        kind: "Users",
        title: node.displayName,
        detail: `${node.email} · ${node.customer?.name ?? ""}`,
        href: `/users/${node.id}`,
        matched,
      };
    }
    case "Device": {
      const matched =
        field === "MAC_ADDRESS"
          ? (node.macAddress ?? "")
          : field === "SIP_ADDRESS"
            ? (node.sipAddress ?? "")
            : field === "SERIAL_NUMBER"
              ? (node.serialNumber ?? "")
              : field === "PHONE_NUMBER"
                ? (node.primaryNumber ?? "")
                : node.model;
      return {
        kind: "Devices",
        title: `${node.model}${node.owner ? ` · ${node.owner.displayName}` : ""}`,
        detail: `${node.macAddress ?? node.serialNumber ?? ""} · ${words(node.deviceStatus)} · ${node.customer?.name ?? ""}`,
        href: `/devices/${node.id}`,
        matched,
      };
    }
    case "PhoneNumber":
      return {
        kind: "Phone numbers",
        title: node.number,
        detail: `${words(node.kind)} · ${node.assignedUser?.displayName ?? "unassigned"} · ${node.customer?.name ?? ""}`,
        href: `/numbers/${encodeURIComponent(node.number)}`,
        matched: node.number,
      };
    case "Order":
      return {
        kind: "Orders",
        title: `Order ${node.webOrderNumber}`,
        detail: `${words(node.orderStatus)} · ${node.customer?.name ?? ""}`,
        href: `/orders/${encodeURIComponent(node.webOrderNumber)}`,
        matched: node.webOrderNumber,
      };
  }
}

function words(value: string): string {
  return value.toLowerCase().replace(/_/g, " ");
}

const READ_AS: Record<string, string> = {
  ID: "an ID",
  EMAIL: "an email address",
  PHONE_NUMBER: "a phone number",
  MAC_ADDRESS: "a MAC address",
  SIP_ADDRESS: "a SIP address",
  DOMAIN: "a domain",
  MEETING_SITE: "a meeting site",
  WEB_ORDER_NUMBER: "a web order number",
  SERIAL_NUMBER: "a serial number",
  NAME: "a name",
};

/** "read as a MAC address (2C:54:91:88:C9:E3)". */
export function readAs(kind: string, value: string): string {
  return `read as ${READ_AS[kind] ?? words(kind)} (${value})`;
}

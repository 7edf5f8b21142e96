// Every widget by the name its embeddable URL uses: `/widgets/<name>`.
import type { ComponentType } from "react";
import { ActiveAgents } from "./ActiveAgents";
import { CustomersByStatus } from "./CustomersByStatus";
import { Devices } from "./Devices";
import { EmailProblems } from "./EmailProblems";
import { GrantsEnding } from "./GrantsEnding";
import { LicenseUsage } from "./LicenseUsage";
import { PhoneNumbersByState } from "./PhoneNumbersByState";
import { SearchesByKind } from "./SearchesByKind";

export const WIDGETS: Record<string, ComponentType> = {
  "customers-by-status": CustomersByStatus,
  "license-usage": LicenseUsage,
  devices: Devices,
  "phone-numbers": PhoneNumbersByState,
  "email-problems": EmailProblems,
  "grants-ending": GrantsEnding,
  "searches-by-kind": SearchesByKind,
  "active-agents": ActiveAgents,
};

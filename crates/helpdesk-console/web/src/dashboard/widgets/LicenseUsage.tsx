import { Link } from "react-router";
import { graphql } from "../../gql";
import { LicenseChart } from "../../details/LicenseChart";
import { useRefreshed } from "../useRefreshed";
import { Widget } from "../Widget";

const Query = graphql(`
  query LicenseUsageWidget {
    partnerOverview {
      licenseUsage {
        offer
        bought
        used
      }
      customersMostOverLicensed {
        customerId
        customerName
        bought
        used
      }
      customersMostUnderUsed {
        customerId
        customerName
        bought
        used
      }
    }
  }
`);

interface Gap {
  customerId: string;
  customerName: string;
  bought: number;
  used: number;
}

function Customers({ title, rows }: { title: string; rows: Gap[] }) {
  return (
    <div>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p>None.</p>
      ) : (
        <ol>
          {rows.map((r) => (
            <li key={r.customerId}>
              <Link to={`/customers/${r.customerId}`} target="_top">{r.customerName}</Link>: {r.used} used of {r.bought}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function LicenseUsage() {
  const { data, error } = useRefreshed(Query);
  const o = data?.partnerOverview;
  return (
    <Widget title="License use vs purchase" error={error} ready={!!o}>
      {o && (
        <>
          <LicenseChart
            title="Licenses bought and used, per offer, over every customer"
            usage={o.licenseUsage.map((u) => ({ label: u.offer, bought: u.bought, used: u.used }))}
          />
          <div className="columns">
            <Customers title="Most over their purchase" rows={o.customersMostOverLicensed} />
            <Customers title="Most unused licenses" rows={o.customersMostUnderUsed} />
          </div>
        </>
      )}
    </Widget>
  );
}

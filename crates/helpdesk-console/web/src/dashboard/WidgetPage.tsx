// One widget alone, for an iframe in a partner's own portal: no navigation,
// nothing but the widget. The gateway lets only allowed sites frame it.
import { useParams } from "react-router";
import "../components/charts";
import { NotFound } from "../components/NotFound";
import { WIDGETS } from "./widgets";

export function WidgetPage() {
  const { name = "" } = useParams();
  const Widget = WIDGETS[name];
  return <main className="embedded">{Widget ? <Widget /> : <NotFound what="widget" />}</main>;
}

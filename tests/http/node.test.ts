// The HTTP conformance suite against examples/node, served by node on loopback.
import { conformance } from "./conformance.ts";

conformance("node");

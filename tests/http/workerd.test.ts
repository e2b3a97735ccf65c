// The HTTP conformance suite against examples/cloudflare-worker, served by workerd on loopback.
import { conformance } from "./conformance.ts";

conformance("workerd");

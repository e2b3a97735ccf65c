// The HTTP conformance suite against examples/bun, served by bun on loopback.
import { conformance } from "./conformance.ts";

conformance("bun");

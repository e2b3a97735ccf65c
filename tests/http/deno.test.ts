// The HTTP conformance suite against examples/deno, served by deno on loopback.
import { conformance } from "./conformance.ts";

conformance("deno");

import { test } from "node:test";
import assert from "node:assert/strict";
import { formatFromAccept } from "../../src/http/accept.ts";

test("formatFromAccept: the most preferred type docedge makes; wildcards and strangers leave the default", () => {
  assert.equal(formatFromAccept("application/pdf"), "pdf");
  assert.equal(formatFromAccept("image/png"), "png");
  assert.equal(formatFromAccept("image/webp, application/pdf"), "webp", "ties keep the header's order");
  assert.equal(formatFromAccept("image/png;q=0.4, application/pdf; q=0.8"), "pdf");
  assert.equal(formatFromAccept("Application/PDF"), "pdf", "media types are case-insensitive");
  assert.equal(formatFromAccept("text/html, application/pdf;q=0.1"), "pdf");
  assert.equal(formatFromAccept("application/pdf;q=0"), undefined, "q=0 means not acceptable");
  assert.equal(formatFromAccept("*/*"), undefined);
  assert.equal(formatFromAccept("image/*, application/pdf;q=0.5"), undefined);
  assert.equal(formatFromAccept("text/html"), undefined);
  assert.equal(formatFromAccept(""), undefined);
  assert.equal(formatFromAccept(null), undefined);
});

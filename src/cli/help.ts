/** Help texts. Kept apart from the commands so `--help` never loads the model or WASM. */

const COMMON = `
Common options:
  --threads N        WASM threads for inference (default: 1)
  --model M          the model: int8 (default, bundled), fp32 (the float32 reference, in a clone
                     of the repository) or the path of an ONNX file with the same interface
  -q, --quiet        no progress bar and no summary line
  -h, --help         show this help`;

const EXIT_CODES = `Exit codes:
  0  everything processed    1  one or more inputs failed (the rest were still processed)
  2  bad command line        130  interrupted (Ctrl-C)`;

export const MAIN_HELP = `docedge - find the four corners of a document in a photo, and flatten it

Usage:
  docedge <command> [options]

Commands:
  detect <image|folder|glob>...   print the document corners found in each image
  scan <image>... -o <file|dir>   write the flattened (perspective-corrected) page
  serve                           run the HTTP API (POST /v1/detect, /v1/scan)
  eval <folder>                   measure accuracy on labelled photos (labels.json)
  help [command]                  show help for a command

Options:
  -h, --help       show help (also: docedge <command> --help)
  -v, --version    print the version

Images are JPEG, PNG or WebP; "-" reads one image from stdin. Everything runs locally, offline.

Examples:
  docedge detect photo.jpg
  docedge detect "photos/**/*.jpg" --json > corners.ndjson
  docedge scan receipt.jpg -o receipt-flat.jpg --enhance bw
  cat photo.jpg | docedge scan - -o - > page.jpg
  docedge serve --port 3000
  docedge eval ./datasets

${EXIT_CODES}`;

export const DETECT_HELP = `Usage: docedge detect <image|folder|glob>... [options]

Finds the document in each image and prints one line per image: the file, whether a document was
found, the confidence, and the corners (top-left, top-right, bottom-right, bottom-left) in the
image's pixels (after EXIF rotation). Folders give their JPEG/PNG/WebP files; quoted globs
(*, ?, [abc], **) are expanded by docedge itself; "-" reads an image from stdin.

Options:
  --json             one JSON object per image (NDJSON):
                     {"file","found","quad","confidence","width","height"};
                     a failed image gives {"file","error":{"code","message"}}
  --overlay DIR      write each image with the found quad drawn on it to DIR/<name>.overlay.jpg
  --edges            with --overlay: also tint the network's edge map onto the image
  --threshold X      minimum confidence (0-1) to report a document as found
  -r, --recursive    descend into subfolders of folder arguments
${COMMON}

A photo with no document is not a failure: it prints "no document" (found: false) and exits 0.

Examples:
  docedge detect photo.jpg
  docedge detect scans/ --json > corners.ndjson
  docedge detect "inbox/**/*.jpg" --overlay overlays/ --edges
  curl -s https://example.com/photo.jpg | docedge detect -

${EXIT_CODES}`;

export const SCAN_HELP = `Usage: docedge scan <image>... -o <file|folder|-> [options]

Finds the document in each image (or uses --quad), flattens it to an upright page and writes it.
-o names a .jpg, .png or .webp file (one input), a .pdf file (every input, one page each, in
order; each page sized like its paper, A4 as 210 x 297 mm), or a folder (created if needed; each
page written as <folder>/<name>.<format>). Any other extension is an error. "-o -" writes the
page to stdout (one input, or every page as one PDF with --format pdf).

Options:
  -o, --output PATH  output file, folder, or "-" for stdout (required)
  --enhance MODE     none (default) | color | gray | bw
                     color/gray: even out lighting and shadows; bw: crisp black-and-white text
  --format FMT       jpeg (default) | png | webp | pdf
  --quality N        JPEG/WebP quality 1-100 (default 85; also the JPEG inside a PDF)
  --max-size N       longest side of the output in pixels (default 3508, A4 at 300 dpi)
  --quad "x,y x,y x,y x,y"
                     use these corners (TL TR BR BL, image pixels) instead of detecting; also
                     accepts the JSON quad "detect --json" prints. Use --quad="..." when the
                     first value is negative.
  --threshold X      minimum detection confidence (0-1); below it the image fails with
                     "no document found"
  --json             print one JSON line per page: {"file","output","width","height","format","quad"}
${COMMON}

Examples:
  docedge scan receipt.jpg -o receipt.png
  docedge scan page1.jpg page2.jpg -o scans.pdf --enhance color
  docedge scan page1.jpg page2.jpg -o flat/ --enhance bw --format png
  docedge scan photo.jpg -o page.jpg --quad "95,191 866,195 878,1314 64,1298"
  cat photo.jpg | docedge scan - -o - --enhance gray > page.jpg

${EXIT_CODES}`;

export const SERVE_HELP = `Usage: docedge serve [options]

Runs the docedge HTTP API on the runtime that started the command (Node, Bun or Deno) until
Ctrl-C. Endpoints: POST /v1/detect, POST /v1/scan (image bytes or multipart), GET /healthz, and the
OpenAPI document at GET /openapi.json.

Options:
  -p, --port N       port to listen on (default 8787; 0 picks a free one)
  --host H           interface to bind (default 127.0.0.1; 0.0.0.0 to accept remote clients)
  --workers N        detector worker threads (default: one per core, at most 8); 0 runs the
                     detector on the server's own thread
  --timeout-ms MS    time budget per request once it runs (default 10000); past it the request
                     gets 422 TIME_LIMIT and its worker thread is replaced
${COMMON}

Examples:
  docedge serve
  docedge serve --port 3000 --host 0.0.0.0
  curl --data-binary @photo.jpg -H "content-type: image/jpeg" http://127.0.0.1:8787/v1/detect
  curl --data-binary @photo.jpg -H "content-type: image/jpeg" "http://127.0.0.1:8787/v1/scan?enhance=bw" -o page.jpg

The model is loaded before the port opens; a model that cannot be loaded fails the command
(exit 1). Ctrl-C or SIGTERM closes the server after the requests in flight (exit 0).`;

export const EVAL_HELP = `Usage: docedge eval <folder> [options]

Measures accuracy on labelled photos: <folder> holds labels.json (a list of {file, width, height,
quad}, quad null for a photo without a document) or subfolders that do. For each folder it reports
the SmartDoc 2015 Jaccard index (mean, share of photos at JI >= 0.9), how many photos without a
document were answered "no document", the worst cases and the time per stage.
A photo that cannot be read counts as a miss and makes the exit code 1.

Options:
  --json FILE        also write the full report (every photo) as JSON to FILE; "-" prints it
                     to stdout instead of the table
  --overlays DIR     write one JPEG per photo with the true quad, docedge's quad and the edge map
  --threshold X      minimum confidence to count a detection as found
  --limit N          use at most N photos per folder (quick checks)
  --no-baseline      skip the classical OpenCV.js pipeline that is scored beside docedge by
                     default (it needs @techstark/opencv-js; without it the report says skipped)
  --fail-under X     exit 1 when the overall mean JI is below X (for CI)
  --second-look M    auto (default: only where the first pass is unsure), always or never:
                     when the model looks again at a crop around the page it found
  --jitter N         also score each photo on N fixed crops of its decoded pixels (0-8, default 0:
                     off; 3% or 5% cut off the two sides at a corner, a crop that would cut the
                     labelled page is skipped): per photo the mean JI and k/n looks right
${COMMON}

Examples:
  docedge eval ../shared/datasets
  docedge eval ../shared/datasets --no-baseline --jitter 4 --json jitter.json
  docedge eval ./my-labelled-photos --limit 20 --fail-under 0.9
  docedge eval ./my-labelled-photos --json report.json --overlays overlays/

${EXIT_CODES}`;

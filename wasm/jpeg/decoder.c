/*
 * docedge's JPEG decoder: libjpeg-turbo 2.1.5 (no SIMD, wasm32-wasi) behind a few exports that
 * TypeScript calls (src/image/jpeg-wasm.ts). It exists for what the @jsquash build does not give:
 * DCT-domain scaling (1/2, 1/4, 1/8), CMYK/YCCK to RGB, and a scan-count limit.
 *
 * Errors: libjpeg leaves through error_exit, which normally longjmps; wasi-libc has no setjmp.
 * error_exit here writes the message to `message` and traps. The trap unwinds to JavaScript, which
 * reads the message and throws this instance away (its heap may hold half-built state), so memory
 * is released after any failure.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jpeglib.h"
#include "dc.h"

#define EXPORT(name) __attribute__((export_name(#name)))

static char message[JMSG_LENGTH_MAX];
static int out_width, out_height, scan_count, warnings, source_space, adobe, dc_only_used;

EXPORT(dj_alloc) void *dj_alloc(size_t n) { return malloc(n); }
EXPORT(dj_free) void dj_free(void *p) { free(p); }
EXPORT(dj_message) const char *dj_message(void) { return message; }
EXPORT(dj_width) int dj_width(void) { return out_width; }
EXPORT(dj_height) int dj_height(void) { return out_height; }
EXPORT(dj_scans) int dj_scans(void) { return scan_count; }
EXPORT(dj_warnings) int dj_warnings(void) { return warnings; }
/* The file's colour space (J_COLOR_SPACE) and whether it had an Adobe APP14 marker. */
EXPORT(dj_source_space) int dj_source_space(void) { return source_space; }
EXPORT(dj_adobe) int dj_adobe(void) { return adobe; }
/* Whether the last decode came from dc.c (at 1/8: a progressive file's DC scans, a baseline file's one entropy pass) rather than libjpeg. */
EXPORT(dj_dc_only) int dj_dc_only(void) { return dc_only_used; }

static void error_exit(j_common_ptr cinfo) {
  (*cinfo->err->format_message)(cinfo, message);
  __builtin_trap();
}

static void emit_message(j_common_ptr cinfo, int level) {
  /* Warnings (level -1: e.g. premature end of data) are counted, not printed; libjpeg goes on. */
  if (level < 0) cinfo->err->num_warnings++;
}

static void output_message(j_common_ptr cinfo) { (void)cinfo; }

static int max_scans;

/* Called during input consumption: refuse a progressive file that keeps adding scans. */
static void progress(j_common_ptr cinfo) {
  j_decompress_ptr d = (j_decompress_ptr)cinfo;
  if (d->input_scan_number > max_scans) {
    snprintf(message, sizeof message, "JPEG has more than %d scans", max_scans);
    __builtin_trap();
  }
}

/*
 * Scans before any heavy work: every scan starts with an SOS marker (FF DA), and entropy-coded
 * data cannot hold one (0xFF is byte-stuffed there), so this counts scans, plus any SOS inside
 * APPn payloads (an EXIF thumbnail): an upper bound, good for refusing early.
 */
static int count_sos(const unsigned char *p, size_t n) {
  int count = 0;
  /* memchr to each 0xFF: a few per kilobyte in entropy-coded data. */
  for (const unsigned char *q = p, *end = p + n; q + 1 < end; q++) {
    q = memchr(q, 0xFF, (size_t)(end - 1 - q));
    if (q == NULL) break;
    if (q[1] == 0xDA) count++;
  }
  return count;
}

/*
 * A 1/8-scale decode uses nothing but each block's DC coefficient (jpeg_idct_1x1). In a
 * progressive file the AC coefficients live in scans of their own (spectral start Ss > 0), so
 * those scans can be left out without changing one output pixel: most of the entropy decoding a
 * progressive photo costs is in them. Copies `data` without them into `out` (at least `len`
 * bytes); returns the new length, or 0 when the file is not progressive or is not well formed
 * enough to walk (then libjpeg gets the original and reports what is wrong).
 */
static size_t drop_ac_scans(const unsigned char *data, size_t len, unsigned char *out) {
  size_t i = 2, o = 2;
  int progressive = 0;
  if (len < 4) return 0;
  out[0] = data[0];
  out[1] = data[1];
  while (i + 2 <= len) {
    if (data[i] != 0xFF) return 0;
    unsigned char m = data[i + 1];
    if (m == 0xFF) {
      i++;
      continue;
    }
    if (m == 0xD9) {
      out[o++] = 0xFF;
      out[o++] = 0xD9;
      return progressive ? o : 0;
    }
    if (i + 4 > len) return 0;
    size_t seg = 2 + (((size_t)data[i + 2] << 8) | data[i + 3]);
    if (seg < 4 || i + seg > len) return 0;
    if (m == 0xC0 || m == 0xC1 || m == 0xC3 || m == 0xC5 || m == 0xC7 || m == 0xC9 || m == 0xCB ||
        m == 0xCD || m == 0xCF)
      return 0; /* sequential, lossless or hierarchical: nothing to drop */
    if (m == 0xC2 || m == 0xCA) progressive = 1;
    size_t end = i + seg;
    if (m == 0xDA) {
      /* Entropy-coded data runs to the next marker that is not a stuffed 0xFF or a restart. */
      for (;;) {
        const unsigned char *ff = end + 1 < len ? memchr(data + end, 0xFF, len - 1 - end) : NULL;
        if (ff == NULL) return 0;
        end = (size_t)(ff - data);
        if (data[end + 1] != 0 && (data[end + 1] < 0xD0 || data[end + 1] > 0xD7)) break;
        end++;
      }
      int ns = data[i + 4];
      size_t ss_at = i + 5 + 2 * (size_t)ns;
      if (ss_at >= i + seg) return 0;
      if (data[ss_at] > 0) {
        i = end;
        continue;
      }
    }
    memcpy(out + o, data + i, end - i);
    o += end - i;
    i = end;
  }
  return 0;
}

/* Adobe-inverted CMYK (the common case: Photoshop writes C,M,Y,K as 255 - ink) or plain CMYK, one row, in place. */
static void cmyk_row_to_rgba(unsigned char *row, int width, int inverted) {
  for (int x = 0; x < width; x++) {
    unsigned char *p = row + 4 * x;
    int c = p[0], m = p[1], y = p[2], k = p[3];
    if (!inverted) {
      c = 255 - c;
      m = 255 - m;
      y = 255 - y;
      k = 255 - k;
    }
    /* Now c..k are "amount of light left" (255 = no ink): R = (1 - C)(1 - K). */
    p[0] = (unsigned char)((c * k + 127) / 255);
    p[1] = (unsigned char)((m * k + 127) / 255);
    p[2] = (unsigned char)((y * k + 127) / 255);
    p[3] = 255;
  }
}

#define DJ_FAST 1      /* fast integer IDCT and plain upsampling (detection) */
#define DJ_ALL_SCANS 2 /* decode AC scans even at 1/8 (to show that leaving them out changes nothing) */
#define DJ_LIBJPEG 4   /* at 1/8, decode with libjpeg (a progressive file's DC-only stream) rather than dc.c (tests and the bench compare the two) */

/*
 * Decode `len` bytes at `data` to RGBA at 1/`scale_denom` size (1, 2, 4 or 8). Without DJ_FAST:
 * the accurate IDCT and fancy upsampling. Returns the RGBA buffer (free with dj_free), size in
 * dj_width/dj_height; traps with dj_message on any error.
 */
EXPORT(dj_decode)
unsigned char *dj_decode(const unsigned char *data, size_t len, int scale_denom, int flags, int scans_limit) {
  int fast = flags & DJ_FAST;
  struct jpeg_decompress_struct cinfo;
  struct jpeg_error_mgr jerr;
  struct jpeg_progress_mgr prog;
  message[0] = 0;
  out_width = out_height = scan_count = warnings = dc_only_used = 0;
  max_scans = scans_limit;
  scan_count = count_sos(data, len);
  if (scan_count > scans_limit) {
    snprintf(message, sizeof message, "JPEG has %d scans, over the limit of %d", scan_count, scans_limit);
    __builtin_trap();
  }

  unsigned char *dc_only = NULL;
  if (scale_denom == 8 && !(flags & DJ_ALL_SCANS) && (dc_only = malloc(len)) != NULL) {
    size_t n = drop_ac_scans(data, len, dc_only);
    /* The fast path's output by dc.c, without libjpeg's coefficient buffers and per-coefficient
     * work: a progressive file from its DC scans alone, a baseline file in one entropy pass. */
    const unsigned char *ours = n > 0 ? dc_only : data;
    size_t ours_len = n > 0 ? n : len;
    if (fast && !(flags & DJ_LIBJPEG)) {
      int w = 0, h = 0;
      unsigned char *out = dc_decode(ours, ours_len, &w, &h, &source_space, &adobe);
      if (out != NULL) {
        free(dc_only);
        out_width = w;
        out_height = h;
        dc_only_used = 1;
        return out;
      }
    }
    data = ours;
    len = ours_len;
  }

  cinfo.err = jpeg_std_error(&jerr);
  jerr.error_exit = error_exit;
  jerr.emit_message = emit_message;
  jerr.output_message = output_message;
  jpeg_create_decompress(&cinfo);
  prog.progress_monitor = progress;
  cinfo.progress = &prog;
  jpeg_mem_src(&cinfo, data, (unsigned long)len);
  jpeg_read_header(&cinfo, TRUE);
  source_space = cinfo.jpeg_color_space;
  adobe = cinfo.saw_Adobe_marker;

  int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
  cinfo.scale_num = 1;
  cinfo.scale_denom = (unsigned int)scale_denom;
  cinfo.dct_method = fast ? JDCT_IFAST : JDCT_ISLOW;
  cinfo.do_fancy_upsampling = fast ? FALSE : TRUE;
  /* Smoothing guesses missing low AC coefficients; at 1/8 only DC is used, and left-out scans are on purpose. */
  if (scale_denom == 8) cinfo.do_block_smoothing = FALSE;
  jpeg_start_decompress(&cinfo);

  int w = (int)cinfo.output_width, h = (int)cinfo.output_height;
  size_t stride = (size_t)w * 4;
  unsigned char *out = malloc(stride * (size_t)h);
  if (out == NULL) {
    snprintf(message, sizeof message, "out of memory for %dx%d RGBA", w, h);
    __builtin_trap();
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW rows[4];
    int n = 0;
    for (; n < 4 && cinfo.output_scanline + n < cinfo.output_height; n++) {
      rows[n] = out + stride * (cinfo.output_scanline + n);
    }
    JDIMENSION got = jpeg_read_scanlines(&cinfo, rows, (JDIMENSION)n);
    if (cmyk) {
      for (JDIMENSION r = 0; r < got; r++) cmyk_row_to_rgba(rows[r], w, cinfo.saw_Adobe_marker);
    }
  }
  warnings = (int)jerr.num_warnings;
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  free(dc_only);
  out_width = w;
  out_height = h;
  return out;
}

/*
 * The model input from RGBA pixels by area averaging, in WASM SIMD: the same arithmetic, in the
 * same order, as `areaAverageJs` in src/image/resize.ts (bit-identical output; tests compare the
 * two), so a runtime without this module gets the same tensor. It lives in the decoder's module
 * because every runtime already loads that one (Workers through their static-import shim).
 *
 * Per output row: the source rows it wholly covers are summed per column as integers (16-bit
 * lanes, at most 256 rows per pass, then folded into 32-bit cell sums), the partly covered rows
 * at either end are weighted in doubles, and each cell is rounded to float once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* One output axis: whole source pixels [start, end) and the partial pixels' weights (float, as
 * src/image/resize.ts computes them) at start-1 (head) and at end (tail); 0 when none. */
typedef struct {
  const int32_t *start, *end;
  const float *head, *tail;
} spans;

/* acc[i] = the sum of byte i of `rows` rows of n bytes from `first` (rows <= 257, so 16 bits hold
 * it), going down each 16-byte column strip with the sums in registers: one store per strip. */
static void column_sums(const uint8_t *first, int rows, size_t n, uint16_t *acc) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v128_t lo = wasm_i16x8_splat(0), hi = wasm_i16x8_splat(0);
    const uint8_t *p = first + i;
    for (int r = 0; r < rows; r++, p += n) {
      const v128_t v = wasm_v128_load(p);
      lo = wasm_i16x8_add(lo, wasm_u16x8_extend_low_u8x16(v));
      hi = wasm_i16x8_add(hi, wasm_u16x8_extend_high_u8x16(v));
    }
    wasm_v128_store(acc + i, lo);
    wasm_v128_store(acc + i + 8, hi);
  }
  for (; i < n; i++) {
    uint16_t sum = 0;
    for (int r = 0; r < rows; r++) sum += first[(size_t)r * n + i];
    acc[i] = sum;
  }
}

/* Add column sums into each output column's integer sums: R G B of the whole pixels, then of the
 * head pixel, then of the tail pixel (9 per column). */
static void fold(const uint16_t *acc, int out_w, const spans *xs, uint32_t *sums) {
  for (int ox = 0; ox < out_w; ox++) {
    const int s = xs->start[ox], e = xs->end[ox];
    v128_t sum = wasm_i32x4_splat(0);
    for (int x = s; x < e; x++) sum = wasm_i32x4_add(sum, wasm_u32x4_extend_low_u16x8(wasm_v128_load64_zero(acc + 4 * x)));
    uint32_t *c = sums + 9 * ox;
    c[0] += wasm_i32x4_extract_lane(sum, 0);
    c[1] += wasm_i32x4_extract_lane(sum, 1);
    c[2] += wasm_i32x4_extract_lane(sum, 2);
    if (xs->head[ox] > 0) {
      const uint16_t *p = acc + 4 * (s - 1);
      c[3] += p[0];
      c[4] += p[1];
      c[5] += p[2];
    }
    if (xs->tail[ox] > 0) {
      const uint16_t *p = acc + 4 * e;
      c[6] += p[0];
      c[7] += p[1];
      c[8] += p[2];
    }
  }
}

/* A partly covered row's cells: whole-pixel sums plus the weighted partial pixels, RGB per column. */
static void row_cells(const uint8_t *row, size_t n, int out_w, const spans *xs, uint16_t *acc, uint32_t *scratch, double *cell) {
  column_sums(row, 1, n, acc);
  memset(scratch, 0, (size_t)out_w * 9 * sizeof(uint32_t));
  fold(acc, out_w, xs, scratch);
  for (int ox = 0; ox < out_w; ox++) {
    const uint32_t *c = scratch + 9 * ox;
    const double hw = xs->head[ox], tw = xs->tail[ox];
    for (int ch = 0; ch < 3; ch++) {
      double v = c[ch];
      if (hw > 0) v += hw * c[3 + ch];
      if (tw > 0) v += tw * c[6 + ch];
      cell[3 * ox + ch] = v;
    }
  }
}

/*
 * Output rows [oy0, oy1) of the area average. band: the source rows from first_row on (w RGBA
 * pixels each), at least every row those output rows touch; spans: out_w entries each for x (xs_*)
 * and out_h for y (ys_*), in source rows; out: 3*out_w*out_h floats, planar RGB, each cell's sum
 * times `norm`. Returns 0, or -1 when memory ran out.
 *
 * Why bands: the caller copies a frame into this module's memory a band at a time and sums it
 * while it is still in cache, instead of copying all of it (8.3 MB for 1080p) and reading it back.
 * A band's first output row computes its split head row itself (the previous band had it as a
 * tail): the same function of the same row, so the tensor does not depend on the band size.
 */
static int area_rows(const uint8_t *band, int first_row, int w, int out_w, int out_h, int oy0, int oy1,
                     const int32_t *xs_start, const int32_t *xs_end, const float *xs_head, const float *xs_tail,
                     const int32_t *ys_start, const int32_t *ys_end, const float *ys_head, const float *ys_tail,
                     double norm, float *out) {
  const spans xs = {xs_start, xs_end, xs_head, xs_tail};
  const size_t n = (size_t)w * 4;
  uint16_t *acc = malloc(n * sizeof(uint16_t) + 16);
  uint32_t *sums = malloc((size_t)out_w * 18 * sizeof(uint32_t)); /* the whole rows', then a split row's */
  double *rows = malloc((size_t)out_w * 6 * sizeof(double));     /* head row's cells, tail row's cells */
  if (!acc || !sums || !rows) {
    free(acc);
    free(sums);
    free(rows);
    return -1;
  }
  uint32_t *scratch = sums + (size_t)out_w * 9;
  double *head_row = rows, *tail_row = rows + (size_t)out_w * 3;
  /* A row split between two output rows is the tail of one and the head of the next: its cells
   * are computed once (they do not depend on the output row). */
  int tail_of = -1;
  const size_t plane = (size_t)out_w * out_h;
  for (int oy = oy0; oy < oy1; oy++) {
    memset(sums, 0, (size_t)out_w * 9 * sizeof(uint32_t));
    for (int y = ys_start[oy]; y < ys_end[oy];) {
      /* 16-bit lanes hold 257 rows of 255; fold into the cell sums every 256 rows. */
      const int rows_now = ys_end[oy] - y > 256 ? 256 : ys_end[oy] - y;
      column_sums(band + (size_t)(y - first_row) * n, rows_now, n, acc);
      fold(acc, out_w, &xs, sums);
      y += rows_now;
    }
    const double yh = ys_head[oy], yt = ys_tail[oy];
    if (yh > 0) {
      if (tail_of == ys_start[oy] - 1) {
        double *t = head_row;
        head_row = tail_row;
        tail_row = t;
        tail_of = -1;
      } else {
        row_cells(band + (size_t)(ys_start[oy] - 1 - first_row) * n, n, out_w, &xs, acc, scratch, head_row);
      }
    }
    if (yt > 0 && tail_of != ys_end[oy]) {
      row_cells(band + (size_t)(ys_end[oy] - first_row) * n, n, out_w, &xs, acc, scratch, tail_row);
      tail_of = ys_end[oy];
    }
    for (int ox = 0; ox < out_w; ox++) {
      const uint32_t *c = sums + 9 * ox;
      const double hw = xs_head[ox], tw = xs_tail[ox];
      for (int ch = 0; ch < 3; ch++) {
        double v = c[ch];
        if (hw > 0) v += hw * c[3 + ch];
        if (tw > 0) v += tw * c[6 + ch];
        if (yh > 0) v += yh * head_row[3 * ox + ch];
        if (yt > 0) v += yt * tail_row[3 * ox + ch];
        out[ch * plane + (size_t)oy * out_w + ox] = (float)(v * norm);
      }
    }
  }
  free(acc);
  free(sums);
  free(rows);
  return 0;
}

/* The whole image at once: src is all h rows. */
EXPORT(dj_area)
int dj_area(const uint8_t *src, int w, int h, int out_w, int out_h, const int32_t *xs_start, const int32_t *xs_end,
            const float *xs_head, const float *xs_tail, const int32_t *ys_start, const int32_t *ys_end,
            const float *ys_head, const float *ys_tail, double norm, float *out) {
  (void)h;
  return area_rows(src, 0, w, out_w, out_h, 0, out_h, xs_start, xs_end, xs_head, xs_tail, ys_start, ys_end, ys_head,
                   ys_tail, norm, out);
}

/* Output rows [oy0, oy1) from a band of source rows starting at first_row (see area_rows). */
EXPORT(dj_area_rows)
int dj_area_rows(const uint8_t *band, int first_row, int w, int out_w, int out_h, int oy0, int oy1,
                 const int32_t *xs_start, const int32_t *xs_end, const float *xs_head, const float *xs_tail,
                 const int32_t *ys_start, const int32_t *ys_end, const float *ys_head, const float *ys_tail, double norm,
                 float *out) {
  return area_rows(band, first_row, w, out_w, out_h, oy0, oy1, xs_start, xs_end, xs_head, xs_tail, ys_start, ys_end,
                   ys_head, ys_tail, norm, out);
}

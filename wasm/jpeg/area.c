/*
 * The model input from RGBA pixels by area averaging, in WASM SIMD: the same doubles, added in
 * the same order, as `resizeToTensor` in src/image/resize.ts (bit-identical output; tests compare
 * the two), so a runtime without this module gets the same tensor. It lives in the decoder's
 * module because every runtime already loads that one (Workers through their static-import shim).
 *
 * Per output row: the source rows it wholly covers are summed per column as integers (16-bit
 * lanes, at most 256 rows per pass, then folded into 32-bit cell sums), the partly covered rows
 * at either end are weighted in doubles, and each cell is rounded to float once. Integer sums are
 * exact in any order, so they are taken however is quickest (docs/performance.md, "The 1 ms
 * preprocessing target").
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
  /* Whether any column has a partial pixel; when none does (1920, 1280, 640 or 3840 pixels to
   * 128 columns) the head and tail terms, all weight 0, are left out: they would add +0. */
  int partial;
} spans;

/* acc[i] = the sum of byte i of `rows` rows of n bytes from `first` (rows <= 257, so 16 bits hold
 * it), going down each 16-byte column strip with the sums in registers: one store per strip. */
static void column_sums(const uint8_t *first, int rows, size_t n, uint16_t *acc) {
  size_t i = 0;
  /* Two strips at a time: twice the independent adds per loaded row (V8 does not unroll). */
  for (; i + 32 <= n; i += 32) {
    v128_t a = wasm_i16x8_splat(0), b = wasm_i16x8_splat(0), c = wasm_i16x8_splat(0), d = wasm_i16x8_splat(0);
    const uint8_t *p = first + i;
    for (int r = 0; r < rows; r++, p += n) {
      const v128_t u = wasm_v128_load(p), v = wasm_v128_load(p + 16);
      a = wasm_i16x8_add(a, wasm_u16x8_extend_low_u8x16(u));
      b = wasm_i16x8_add(b, wasm_u16x8_extend_high_u8x16(u));
      c = wasm_i16x8_add(c, wasm_u16x8_extend_low_u8x16(v));
      d = wasm_i16x8_add(d, wasm_u16x8_extend_high_u8x16(v));
    }
    wasm_v128_store(acc + i, a);
    wasm_v128_store(acc + i + 8, b);
    wasm_v128_store(acc + i + 16, c);
    wasm_v128_store(acc + i + 24, d);
  }
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

/* The pixel read for a column's head (or tail) where its weight is 0: any pixel in the row will
 * do, as weight 0 times it adds exactly +0 to the cell (all values are finite and non-negative);
 * that keeps the loops below free of branches and gives the same doubles as src/image/resize.ts,
 * which skips those terms. */
static inline int head_of(const spans *xs, int ox) { return xs->start[ox] > 0 ? xs->start[ox] - 1 : 0; }
static inline int tail_of_col(const spans *xs, int ox, int w) { return xs->end[ox] < w ? xs->end[ox] : w - 1; }

/* Add column sums (4 lanes per pixel: R G B A, each the sum of `rows` bytes) into each output
 * column's integer sums: per column three vectors, the whole pixels', the head pixel's and the
 * tail pixel's RGBA. `widest`: the most whole pixels of any column. */
static void fold(const uint16_t *acc, int rows, int widest, int w, int out_w, const spans *xs, v128_t *sums) {
  /* While a column's sum cannot pass 16 bits (each lane adds half its pixels), add in 16-bit lanes. */
  const int narrow = rows * 255 * ((widest + 1) / 2) <= 65535;
  for (int ox = 0; ox < out_w; ox++) {
    int x = xs->start[ox];
    const int e = xs->end[ox];
    v128_t sum;
    if (narrow) {
      v128_t a = wasm_i16x8_splat(0), b = wasm_i16x8_splat(0);
      for (; x + 4 <= e; x += 4) {
        a = wasm_i16x8_add(a, wasm_v128_load(acc + 4 * x));
        b = wasm_i16x8_add(b, wasm_v128_load(acc + 4 * x + 8));
      }
      if (x + 2 <= e) {
        a = wasm_i16x8_add(a, wasm_v128_load(acc + 4 * x));
        x += 2;
      }
      a = wasm_i16x8_add(a, b);
      sum = wasm_i32x4_add(wasm_u32x4_extend_low_u16x8(a), wasm_u32x4_extend_high_u16x8(a));
    } else {
      v128_t a = wasm_i32x4_splat(0), b = wasm_i32x4_splat(0);
      for (; x + 2 <= e; x += 2) {
        const v128_t v = wasm_v128_load(acc + 4 * x);
        a = wasm_i32x4_add(a, wasm_u32x4_extend_low_u16x8(v));
        b = wasm_i32x4_add(b, wasm_u32x4_extend_high_u16x8(v));
      }
      sum = wasm_i32x4_add(a, b);
    }
    if (x < e) sum = wasm_i32x4_add(sum, wasm_u32x4_extend_low_u16x8(wasm_v128_load64_zero(acc + 4 * x)));
    v128_t *c = sums + 3 * ox;
    c[0] = wasm_i32x4_add(c[0], sum);
    if (xs->partial) {
      c[1] = wasm_i32x4_add(c[1], wasm_u32x4_extend_low_u16x8(wasm_v128_load64_zero(acc + 4 * head_of(xs, ox))));
      c[2] = wasm_i32x4_add(c[2], wasm_u32x4_extend_low_u16x8(wasm_v128_load64_zero(acc + 4 * tail_of_col(xs, ox, w))));
    }
  }
}

/* A pixel's RGBA bytes as four 32-bit lanes. */
static inline v128_t pixel_u32(const uint8_t *p) {
  return wasm_u32x4_extend_low_u16x8(wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(p)));
}

/* Integer lanes 0-1 and 2-3 of v as doubles. The signed conversion (one instruction; the unsigned
 * one is several on x86) is exact: every sum is under 2^31, a cell being under 2^31 / 255 pixels
 * (area-wasm.ts sends larger cells to the JavaScript loop). 0.88x the time on a 500x375 image. */
static inline v128_t lo_f64(v128_t v) { return wasm_f64x2_convert_low_i32x4(v); }
static inline v128_t hi_f64(v128_t v) { return wasm_f64x2_convert_low_i32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3)); }

/* The whole pixels [s, e) of one row: RGBA sums, four pixels per load in 16-bit lanes while
 * they cannot pass 16 bits (up to 256 pixels). */
static inline v128_t row_span(const uint8_t *row, int s, int e) {
  if (e - s > 256) {
    v128_t sum = wasm_i32x4_splat(0);
    for (int x = s; x < e; x++) sum = wasm_i32x4_add(sum, pixel_u32(row + 4 * x));
    return sum;
  }
  v128_t a = wasm_i16x8_splat(0);
  int x = s;
  for (; x + 4 <= e; x += 4) {
    const v128_t v = wasm_v128_load(row + 4 * x);
    a = wasm_i16x8_add(a, wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(v), wasm_u16x8_extend_high_u8x16(v)));
  }
  if (x + 2 <= e) {
    a = wasm_i16x8_add(a, wasm_u16x8_extend_low_u8x16(wasm_v128_load64_zero(row + 4 * x)));
    x += 2;
  }
  if (x < e) a = wasm_i16x8_add(a, wasm_u16x8_extend_low_u8x16(wasm_v128_load32_zero(row + 4 * x)));
  return wasm_i32x4_add(wasm_u32x4_extend_low_u16x8(a), wasm_u32x4_extend_high_u16x8(a));
}

/* A partly covered row's cells: per column whole + head weight x head + tail weight x tail, in
 * doubles, RGBA as two f64x2 (the same sums as fold's, read straight from the row's bytes). */
static void row_cells(const uint8_t *row, int w, int out_w, const spans *xs, v128_t *cell) {
  for (int ox = 0; ox < out_w; ox++) {
    const v128_t sum = row_span(row, xs->start[ox], xs->end[ox]);
    v128_t rg = lo_f64(sum), ba = hi_f64(sum);
    if (xs->partial) {
      const v128_t head = pixel_u32(row + 4 * head_of(xs, ox)), tail = pixel_u32(row + 4 * tail_of_col(xs, ox, w));
      const v128_t hw = wasm_f64x2_splat(xs->head[ox]), tw = wasm_f64x2_splat(xs->tail[ox]);
      rg = wasm_f64x2_add(wasm_f64x2_add(rg, wasm_f64x2_mul(hw, lo_f64(head))), wasm_f64x2_mul(tw, lo_f64(tail)));
      ba = wasm_f64x2_add(wasm_f64x2_add(ba, wasm_f64x2_mul(hw, hi_f64(head))), wasm_f64x2_mul(tw, hi_f64(tail)));
    }
    cell[2 * ox] = rg;
    cell[2 * ox + 1] = ba;
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
 *
 * Per cell and channel the doubles are whole + hw*head + tw*tail + yh*head row + yt*tail row, in
 * that order, each term computed even where its weight is 0 (it adds +0 then), two channels per
 * SIMD lane pair: the same numbers as the JavaScript, without its branches.
 */
static int area_rows(const uint8_t *band, int first_row, int w, int out_w, int out_h, int oy0, int oy1,
                     const int32_t *xs_start, const int32_t *xs_end, const float *xs_head, const float *xs_tail,
                     const int32_t *ys_start, const int32_t *ys_end, const float *ys_head, const float *ys_tail,
                     double norm, float *out) {
  spans xs = {xs_start, xs_end, xs_head, xs_tail, 0};
  for (int ox = 0; ox < out_w; ox++) xs.partial |= xs_head[ox] > 0 || xs_tail[ox] > 0;
  const size_t n = (size_t)w * 4;
  uint16_t *acc = malloc(n * sizeof(uint16_t) + 16);
  v128_t *sums = malloc((size_t)out_w * 3 * sizeof(v128_t));     /* whole, head, tail: RGBA u32 */
  v128_t *rows = malloc((size_t)out_w * 4 * sizeof(v128_t));     /* head row's cells, tail row's cells: RGBA f64 */
  if (!acc || !sums || !rows) {
    free(acc);
    free(sums);
    free(rows);
    return -1;
  }
  v128_t *head_row = rows, *tail_row = rows + (size_t)out_w * 2;
  int widest = 0;
  for (int ox = 0; ox < out_w; ox++) widest = xs_end[ox] - xs_start[ox] > widest ? xs_end[ox] - xs_start[ox] : widest;
  /* A row split between two output rows is the tail of one and the head of the next: its cells
   * are computed once (they do not depend on the output row). */
  int tail_of = -1;
  const size_t plane = (size_t)out_w * out_h;
  const v128_t vnorm = wasm_f64x2_splat(norm);
  for (int oy = oy0; oy < oy1; oy++) {
    memset(sums, 0, (size_t)out_w * 3 * sizeof(v128_t));
    for (int y = ys_start[oy]; y < ys_end[oy];) {
      /* 16-bit lanes hold 257 rows of 255; fold into the cell sums every 256 rows. */
      const int rows_now = ys_end[oy] - y > 256 ? 256 : ys_end[oy] - y;
      column_sums(band + (size_t)(y - first_row) * n, rows_now, n, acc);
      fold(acc, rows_now, widest, w, out_w, &xs, sums);
      y += rows_now;
    }
    const double yh = ys_head[oy], yt = ys_tail[oy];
    if (yh > 0) {
      if (tail_of == ys_start[oy] - 1) {
        v128_t *t = head_row;
        head_row = tail_row;
        tail_row = t;
        tail_of = -1;
      } else {
        row_cells(band + (size_t)(ys_start[oy] - 1 - first_row) * n, w, out_w, &xs, head_row);
      }
    }
    if (yt > 0 && tail_of != ys_end[oy]) {
      row_cells(band + (size_t)(ys_end[oy] - first_row) * n, w, out_w, &xs, tail_row);
      tail_of = ys_end[oy];
    }
    /* A weight of 0 leaves that row's cells unread (they may be stale): multiplied by 0 they add +0. */
    const v128_t vyh = wasm_f64x2_splat(yh), vyt = wasm_f64x2_splat(yt);
    const v128_t *hr = yh > 0 ? head_row : NULL, *tr = yt > 0 ? tail_row : NULL;
    float *o = out + (size_t)oy * out_w;
    for (int ox = 0; ox < out_w; ox++) {
      const v128_t *c = sums + 3 * ox;
      v128_t rg = lo_f64(c[0]), ba = hi_f64(c[0]);
      if (xs.partial) {
        const v128_t hw = wasm_f64x2_splat(xs_head[ox]), tw = wasm_f64x2_splat(xs_tail[ox]);
        rg = wasm_f64x2_add(wasm_f64x2_add(rg, wasm_f64x2_mul(hw, lo_f64(c[1]))), wasm_f64x2_mul(tw, lo_f64(c[2])));
        ba = wasm_f64x2_add(wasm_f64x2_add(ba, wasm_f64x2_mul(hw, hi_f64(c[1]))), wasm_f64x2_mul(tw, hi_f64(c[2])));
      }
      if (hr) {
        rg = wasm_f64x2_add(rg, wasm_f64x2_mul(vyh, hr[2 * ox]));
        ba = wasm_f64x2_add(ba, wasm_f64x2_mul(vyh, hr[2 * ox + 1]));
      }
      if (tr) {
        rg = wasm_f64x2_add(rg, wasm_f64x2_mul(vyt, tr[2 * ox]));
        ba = wasm_f64x2_add(ba, wasm_f64x2_mul(vyt, tr[2 * ox + 1]));
      }
      const v128_t frg = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(rg, vnorm));
      const v128_t fba = wasm_f32x4_demote_f64x2_zero(wasm_f64x2_mul(ba, vnorm));
      o[ox] = wasm_f32x4_extract_lane(frg, 0);
      o[plane + ox] = wasm_f32x4_extract_lane(frg, 1);
      o[2 * plane + ox] = wasm_f32x4_extract_lane(fba, 0);
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

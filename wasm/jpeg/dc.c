/*
 * A JPEG's 1/8-scale decode, as detection wants it, without libjpeg (decoder.c calls it for the
 * fast 1/8 decode and falls back to libjpeg on NULL). At 1/8 a block gives one pixel: its DC
 * coefficient, through jidctred.c's 1x1 IDCT.
 *  - A progressive file, from its DC scans alone (decoder.c has dropped the AC scans). libjpeg's
 *    progressive mode allocates and zero-fills a coefficient buffer of 64 coefficients for every
 *    block of the image (36 MB for 12 MP) and runs its output pass over it, even when only DC scans
 *    are left; this keeps one int16 per block and does the same arithmetic.
 *  - A baseline (sequential) file, in one entropy pass. Every Huffman symbol must still be read,
 *    but an AC coefficient that the output does not use is skipped, not decoded: a lookup on the
 *    next SKIP_BITS bits gives the bits and coefficient positions of the next few symbols at once,
 *    where libjpeg decodes each symbol, reads its magnitude bits, zeroes every block and walks
 *    each MCU through its coefficient controller. The exception is a component sampled 2x2 below
 *    the others (4:2:0 chroma), which libjpeg decodes with a 2x2 IDCT that reads coefficients in
 *    rows and columns 0, 1, 3, 5, 7: its blocks are decoded whole, as libjpeg decodes them.
 *
 * The output is meant to be bit-identical to libjpeg-turbo 2.1.5's decode of the same stream at
 * scale 1/8 with JDCT_IFAST and no fancy upsampling:
 *  - each block's IDCT is jidctred.c's, which for a block whose AC coefficients are all zero (or
 *    unused) gives one flat value: jpeg_idct_1x1 DESCALE(DC * q, 3); jpeg_idct_2x2 (the size
 *    libjpeg gives chroma it can scale up instead of upsampling) DESCALE(LEFT_SHIFT(DC * q, 2), 5)
 *    when its AC coefficients are zero (a progressive file's DC scans), which differs only where
 *    the shift overflows 32 bits, and its whole arithmetic otherwise (idct_2x2); all through the
 *    IDCT range-limit table;
 *  - upsampling without the fancy filter (jdsample.c, jdmerge.c) replicates samples, so an output
 *    pixel takes each component's block (or 2x2 IDCT sample) under it;
 *  - jdcolor.c's YCbCr->RGB tables, alpha 255; grayscale is replicated into R, G and B.
 * Anything this does not reproduce exactly returns NULL, and the caller decodes with libjpeg as
 * before: an arithmetic or 12-bit file, sampling factors other than 1 and 2, RGB or Adobe-transformed
 * colour, component counts other than 1 and 3, a progressive scan that is not DC, a progression
 * libjpeg would warn about, a baseline file in more than one scan, a restart marker out of place,
 * or a stream that runs out of data or holds a bad Huffman code (where libjpeg warns and pads with
 * zeros). Work is bounded by blocks x scans: each scan visits each block once (a baseline block's
 * AC loop at most 63 times: every symbol covers a position), and a scan that runs out of bits ends
 * the attempt.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dc.h"

#define MAX_COMPS 3

typedef struct {
  int present;
  uint8_t bits[17];    /* bits[l]: codes of length l */
  uint8_t vals[256];
  /* Canonical decoding: maxcode[l] (-1 if none), valoff[l] = index of the first code of length l minus that code. */
  int32_t maxcode[17];
  int32_t valoff[17];
  /* 9-bit lookahead: (length << 8) | symbol, or 0 when the code is longer. */
  uint16_t look[512];
} huff_t;

typedef struct {
  int id, h, v, tq;
  int quant;        /* the DC quantizer latched at the component's first scan */
  int qt[64];       /* the whole table, natural order (a baseline file's 2x2-scaled components) */
  int scaled;       /* libjpeg gives it a 2x2 IDCT at 1/8 rather than upsampling it */
  uint8_t *px;      /* a baseline file's scaled component: 2x2 samples a block */
  int al;           /* the bit position its DC is known to (-1: no scan yet) */
  int wb, hb;       /* blocks per row and rows of blocks allocated (padded to whole MCUs) */
  int16_t *dc;
} comp_t;

typedef struct {
  const uint8_t *p;
  size_t pos, end;  /* end: where the file ends */
  uint64_t buf;     /* bits, most significant first */
  int nbits;        /* bits in buf */
  int padbits;      /* of those, how many (the last) are zeros fed after a marker: reading them fails */
  int marker;       /* a marker stopped the reading at pos */
} bits_t;

static void fill(bits_t *b) {
  /* Eight bytes at once where none is 0xFF (no stuffing, no marker): as many as fit. */
  if (!b->marker && b->end - b->pos >= 8 && b->nbits <= 56) {
    uint64_t v;
    memcpy(&v, b->p + b->pos, 8);
    uint64_t inv = ~v;
    if (((inv - 0x0101010101010101ull) & ~inv & 0x8080808080808080ull) == 0) {
      int n = (64 - b->nbits) >> 3;
      v = __builtin_bswap64(v);
      if (n < 8) v &= ~(~0ull >> (8 * n));
      b->buf |= v >> b->nbits;
      b->nbits += 8 * n;
      b->pos += (size_t)n;
      return;
    }
  }
  while (b->nbits <= 56) {
    int c = 0;
    if (!b->marker && b->pos < b->end) {
      c = b->p[b->pos];
      if (c == 0xFF) {
        size_t q = b->pos + 1;
        while (q < b->end && b->p[q] == 0xFF) q++;
        if (q < b->end && b->p[q] == 0) {
          b->pos = q + 1;
        } else {
          b->marker = 1; /* pos stays on the first 0xFF */
          c = -1;
        }
      } else {
        b->pos++;
      }
    } else {
      c = -1;
    }
    if (c < 0) {
      b->buf |= (uint64_t)0 << (56 - b->nbits);
      b->nbits += 8;
      b->padbits += 8;
    } else {
      b->buf |= (uint64_t)c << (56 - b->nbits);
      b->nbits += 8;
    }
  }
}

/* Mirrors jpeg_make_d_derived_tbl's checks; 0 where libjpeg would fail. */
static int build_huff(huff_t *t, int dc) {
  int32_t code = 0;
  int k = 0;
  memset(t->look, 0, sizeof t->look);
  for (int l = 1; l <= 16; l++) {
    t->valoff[l] = k - code;
    for (int i = 0; i < t->bits[l]; i++) {
      if (l <= 9) {
        int shift = 9 - l;
        for (int f = 0; f < (1 << shift); f++) t->look[(code << shift) | f] = (uint16_t)((l << 8) | t->vals[k]);
      }
      code++;
      k++;
    }
    if (code >= (1 << l)) return 0; /* JERR_BAD_HUFF_TABLE: over-subscribed, or an all-ones code */
    t->maxcode[l] = t->bits[l] ? code - 1 : -1;
    code <<= 1;
  }
  for (int i = 0; dc && i < k; i++) {
    if (t->vals[i] > 15) return 0; /* DC symbols are 0..15 */
  }
  return 1;
}

/* The code length of the Huffman symbol at the top of `buf` (0 for a bad code), and the symbol. */
static inline int decode_symbol(const huff_t *t, uint64_t buf, int *sym) {
  unsigned e = t->look[buf >> (64 - 9)];
  if (e != 0) {
    *sym = (int)(e & 0xFF);
    return (int)(e >> 8);
  }
  int len = 10;
  while (len <= 16 && (int32_t)(buf >> (64 - len)) > t->maxcode[len]) len++;
  if (len > 16) return 0;
  *sym = t->vals[(t->valoff[len] + (int32_t)(buf >> (64 - len))) & 0xFF];
  return len;
}

static inline int extend(int32_t r, int s) {
  return r < (1 << (s - 1)) ? r + (int)(((uint32_t)-1 << s) + 1) : r;
}

/*
 * A baseline file's AC coefficients, where the output does not need them, are skipped rather than
 * decoded: skip[the next SKIP_BITS bits] packs, for the next few whole symbols there (code and
 * magnitude bits, up to and including an end of block), the bits they take (bits 0-3), the
 * coefficient positions they cover (bits 4-10: run + 1 each, 16 for a ZRL, and 1 for an end of
 * block, so that a block of 63 positions cannot take more; at most 62 + 16) and whether the last
 * ends the block (SKIP_EOB); 0 where the first symbol does not fit. 16 bits an entry keep a
 * table in 32 KB: the lookup's latency is most of the loop.
 */
#define SKIP_BITS 14
#define SKIP_EOB (1u << 11)
_Static_assert(SKIP_BITS <= 15, "bits taken must fit in 4 bits");

static void build_skip(const huff_t *t, uint16_t *skip) {
  for (uint32_t idx = 0; idx < (1u << SKIP_BITS); idx++) {
    int used = 0, pos = 0;
    unsigned e = 0;
    while (pos < 63 && used < SKIP_BITS) {
      /* The bits not used yet, at the top; below them zeros, which a symbol that fits never reads. */
      int sym, len = decode_symbol(t, (uint64_t)idx << (64 - SKIP_BITS + used), &sym);
      int run = sym >> 4, size = sym & 15;
      if (len == 0 || len + size > SKIP_BITS - used) break;
      used += len + size;
      if (size == 0 && run != 15) {
        e = (unsigned)used | ((unsigned)(pos + 1) << 4) | SKIP_EOB;
        break;
      }
      pos += size ? run + 1 : 16;
      e = (unsigned)used | ((unsigned)pos << 4);
    }
    skip[idx] = (uint16_t)e;
  }
}

static int u16(const uint8_t *p) { return (p[0] << 8) | p[1]; }

/* Skip any 0xFF fill and expect marker RSTn at b->pos; advance past it. */
static int restart(bits_t *b, int n) {
  /* Leftover bits: fewer than a byte of padding, as encoders write it. */
  if (b->nbits - b->padbits >= 8) return 0;
  if (!b->marker) {
    /* The reader stopped before reaching the marker: it must be next. */
    if (b->pos >= b->end || b->p[b->pos] != 0xFF) return 0;
  }
  size_t q = b->pos;
  while (q < b->end && b->p[q] == 0xFF) q++;
  if (q >= b->end || b->p[q] != 0xD0 + (n & 7)) return 0;
  b->pos = q + 1;
  b->buf = 0;
  b->nbits = b->padbits = 0;
  b->marker = 0;
  return 1;
}

static int ycc_ready;
static int cr_r[256], cb_b[256];
static int32_t cr_g[256], cb_g[256];

/* jdcolor.c's build_ycc_rgb_table (SCALEBITS 16). */
#define FIX(x) ((int32_t)((x) * (1L << 16) + 0.5))
static void ycc_tables(void) {
  if (ycc_ready) return;
  for (int i = 0, x = -128; i < 256; i++, x++) {
    cr_r[i] = (int)((FIX(1.40200) * x + 32768) >> 16);
    cb_b[i] = (int)((FIX(1.77200) * x + 32768) >> 16);
    cr_g[i] = -FIX(0.71414) * x;
    cb_g[i] = -FIX(0.34414) * x + 32768;
  }
  ycc_ready = 1;
}

static inline uint8_t clamp255(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

/* jutils.c's jpeg_natural_order: zigzag index to natural, with 16 extra entries for a run past the end (as libjpeg). */
static const uint8_t natural[80] = {
  0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
  41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
  30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63, 63, 63,
  63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63};

/* jidctred.c's post-IDCT range limit: the value wraps at 10 bits, then clamps around 128. */
static inline uint8_t range_limit(int32_t v) {
  int r = v & 1023;
  if (r >= 512) r -= 1024;
  return clamp255(r + 128);
}

/*
 * jidctred.c's jpeg_idct_2x2 (CONST_BITS 13, PASS1_BITS 2, 32-bit JLONG as on wasm32, int
 * multipliers as in a build without SIMD), in unsigned arithmetic where libjpeg's wraps. Writes
 * out[0], out[1] (first row) and out[stride], out[stride + 1].
 */
#define MUL(a, c) ((int32_t)((uint32_t)(a) * (uint32_t)(c)))
#define SHL(a, n) ((int32_t)((uint32_t)(a) << (n)))
#define DESCALE(x, n) ((int32_t)((uint32_t)(x) + (1u << ((n) - 1))) >> (n))
static void idct_2x2(const int16_t *in, const int *q, uint8_t *out, size_t stride) {
  int32_t ws[16];
  static const int cols[5] = {0, 1, 3, 5, 7};
  for (int i = 0; i < 5; i++) {
    int c = cols[i];
    if (in[8 + c] == 0 && in[24 + c] == 0 && in[40 + c] == 0 && in[56 + c] == 0) {
      int32_t dcval = SHL(MUL(in[c], q[c]), 2);
      ws[c] = ws[8 + c] = dcval;
      continue;
    }
    int32_t tmp10 = SHL(MUL(in[c], q[c]), 13 + 2);
    int32_t tmp0 = MUL(MUL(in[56 + c], q[56 + c]), -5906);
    tmp0 = (int32_t)((uint32_t)tmp0 + (uint32_t)MUL(MUL(in[40 + c], q[40 + c]), 6967));
    tmp0 = (int32_t)((uint32_t)tmp0 + (uint32_t)MUL(MUL(in[24 + c], q[24 + c]), -10426));
    tmp0 = (int32_t)((uint32_t)tmp0 + (uint32_t)MUL(MUL(in[8 + c], q[8 + c]), 29692));
    ws[c] = DESCALE((uint32_t)tmp10 + (uint32_t)tmp0, 13 - 2 + 2);
    ws[8 + c] = DESCALE((uint32_t)tmp10 - (uint32_t)tmp0, 13 - 2 + 2);
  }
  for (int r = 0; r < 2; r++) {
    const int32_t *w = ws + 8 * r;
    uint8_t *o = out + (size_t)r * stride;
    if (w[1] == 0 && w[3] == 0 && w[5] == 0 && w[7] == 0) {
      o[0] = o[1] = range_limit(DESCALE(w[0], 2 + 3));
      continue;
    }
    int32_t tmp10 = SHL(w[0], 13 + 2);
    int32_t tmp0 = (int32_t)((uint32_t)MUL(w[7], -5906) + (uint32_t)MUL(w[5], 6967) + (uint32_t)MUL(w[3], -10426) +
                             (uint32_t)MUL(w[1], 29692));
    o[0] = range_limit(DESCALE((uint32_t)tmp10 + (uint32_t)tmp0, 13 + 2 + 3 + 2));
    o[1] = range_limit(DESCALE((uint32_t)tmp10 - (uint32_t)tmp0, 13 + 2 + 3 + 2));
  }
}

/* jidctred.c's flat block value, through the IDCT range-limit table (values wrap at 10 bits). */
static inline uint8_t block_value(int dc, int quant, int scaled) {
  int32_t v = (int32_t)dc * quant, t;
  if (scaled) {
    int32_t w = (int32_t)((uint32_t)v << 2);
    t = (int32_t)((uint32_t)w + 16) >> 5;
  } else {
    t = (int32_t)((uint32_t)v + 4) >> 3;
  }
  int r = t & 1023;
  if (r >= 512) r -= 1024;
  return clamp255(r + 128);
}

unsigned char *dc_decode(const unsigned char *p, size_t len, int *out_w, int *out_h, int *space, int *saw_adobe) {
  huff_t *tables = NULL; /* DC tables 0-3, AC tables 4-7 */
  uint16_t *skip = NULL;  /* AC tables' skip tables, a baseline file's only */
  comp_t comp[MAX_COMPS];
  int quant[4][64], have_quant[4] = {0, 0, 0, 0};
  int nf = 0, sequential = 0, width = 0, height = 0, hmax = 1, vmax = 1, restart_interval = 0, jfif = 0, adobe = 0, transform = -1;
  unsigned char *out = NULL;
  size_t i = 2;
  memset(comp, 0, sizeof comp);
  if (len < 4 || p[0] != 0xFF || p[1] != 0xD8) return NULL;
  tables = calloc(8, sizeof(huff_t));
  if (tables == NULL) return NULL;

  for (;;) {
    if (i + 2 > len || p[i] != 0xFF) goto fail;
    while (i + 1 < len && p[i + 1] == 0xFF) i++;
    if (i + 2 > len) goto fail;
    int m = p[i + 1];
    if (m == 0xD9) break;
    if (i + 4 > len) goto fail;
    size_t seglen = (size_t)u16(p + i + 2);
    if (seglen < 2 || i + 2 + seglen > len) goto fail;
    const uint8_t *s = p + i + 4;
    size_t n = seglen - 2;
    size_t next = i + 2 + seglen;
    if (m == 0xE0) {
      if (n >= 14 && memcmp(s, "JFIF", 5) == 0) jfif = 1;
    } else if (m == 0xEE) {
      if (n >= 12 && memcmp(s, "Adobe", 5) == 0) {
        adobe = 1;
        transform = s[11];
      }
    } else if ((m >= 0xE1 && m <= 0xEF) || m == 0xFE) {
      /* other APPn, COM */
    } else if (m == 0xDB) {
      size_t k = 0;
      while (k < n) {
        int pq = s[k] >> 4, tq = s[k] & 15;
        size_t size = pq ? 128 : 64;
        if (tq >= 4 || pq > 1 || k + 1 + size > n) goto fail;
        for (int z = 0; z < 64; z++) quant[tq][natural[z]] = pq ? u16(s + k + 1 + 2 * z) : s[k + 1 + z];
        have_quant[tq] = 1;
        k += 1 + size;
      }
    } else if (m == 0xC4) {
      size_t k = 0;
      while (k < n) {
        if (k + 17 > n) goto fail;
        int tc = s[k] >> 4, th = s[k] & 15, count = 0;
        if (tc > 1 || th >= 4) goto fail;
        for (int l = 1; l <= 16; l++) count += s[k + l];
        if (count > 256 || k + 17 + (size_t)count > n) goto fail;
        huff_t *t = &tables[4 * tc + th];
        for (int l = 1; l <= 16; l++) t->bits[l] = s[k + l];
        memset(t->vals, 0, sizeof t->vals);
        memcpy(t->vals, s + k + 17, (size_t)count);
        t->present = build_huff(t, tc == 0);
        k += 17 + (size_t)count;
      }
    } else if (m == 0xDD) {
      if (n != 2) goto fail;
      restart_interval = u16(s);
    } else if (m == 0xC0 || m == 0xC1 || m == 0xC2) {
      /* Baseline, extended sequential (8-bit) or progressive, Huffman-coded. */
      if (nf != 0 || n < 6 || s[0] != 8) goto fail;
      sequential = m != 0xC2;
      height = u16(s + 1);
      width = u16(s + 3);
      nf = s[5];
      /* libjpeg refuses a side over JPEG_MAX_DIMENSION (65500): so does this, by leaving it to libjpeg. */
      if (width == 0 || height == 0 || width > 65500 || height > 65500 || (nf != 1 && nf != 3) || n != 6 + 3 * (size_t)nf) goto fail;
      for (int c = 0; c < nf; c++) {
        comp[c].id = s[6 + 3 * c];
        comp[c].h = s[7 + 3 * c] >> 4;
        comp[c].v = s[7 + 3 * c] & 15;
        comp[c].tq = s[8 + 3 * c];
        comp[c].al = -1;
        if (comp[c].h < 1 || comp[c].h > 2 || comp[c].v < 1 || comp[c].v > 2 || comp[c].tq >= 4) goto fail;
        for (int d = 0; d < c; d++) {
          if (comp[d].id == comp[c].id) goto fail;
        }
        if (comp[c].h > hmax) hmax = comp[c].h;
        if (comp[c].v > vmax) vmax = comp[c].v;
      }
      /* libjpeg scales a component's IDCT up (2x2) where both its sampling ratios allow. */
      for (int c = 0; c < nf; c++) comp[c].scaled = hmax / comp[c].h >= 2 && vmax / comp[c].v >= 2;
      int mcux = (width + 8 * hmax - 1) / (8 * hmax), mcuy = (height + 8 * vmax - 1) / (8 * vmax);
      for (int c = 0; c < nf; c++) {
        comp[c].wb = mcux * comp[c].h;
        comp[c].hb = mcuy * comp[c].v;
        comp[c].dc = calloc((size_t)comp[c].wb * (size_t)comp[c].hb, sizeof(int16_t));
        if (comp[c].dc == NULL) goto fail;
      }
    } else if (m == 0xDA) {
      if (nf == 0 || n < 1) goto fail;
      int ns = s[0];
      if (ns < 1 || ns > nf || n != 4 + 2 * (size_t)ns) goto fail;
      comp_t *sc[MAX_COMPS];
      huff_t *st[MAX_COMPS], *sa[MAX_COMPS];
      const uint16_t *sk[MAX_COMPS];
      for (int k = 0; k < ns; k++) {
        int id = s[1 + 2 * k], tdc = s[2 + 2 * k] >> 4, tac = s[2 + 2 * k] & 15;
        sc[k] = NULL;
        for (int c = 0; c < nf; c++) {
          if (comp[c].id == id) sc[k] = &comp[c];
        }
        if (sc[k] == NULL || tdc >= 4 || tac >= 4) goto fail;
        for (int d = 0; d < k; d++) {
          if (sc[d] == sc[k]) goto fail;
        }
        st[k] = &tables[tdc];
        sa[k] = &tables[4 + tac];
        sk[k] = NULL;
      }
      int ss = s[1 + 2 * ns], se = s[2 + 2 * ns], ah = s[3 + 2 * ns] >> 4, al = s[3 + 2 * ns] & 15;
      if (sequential) {
        /* One scan of every component, as baseline encoders write; other layouts are libjpeg's. */
        if (ns != nf || ss != 0 || se != 63 || ah != 0 || al != 0) goto fail;
        if (skip == NULL && (skip = malloc(4 * sizeof(uint16_t) << SKIP_BITS)) == NULL) goto fail;
        int built[4] = {0, 0, 0, 0};
        for (int k = 0; k < ns; k++) {
          int tac = (int)(sa[k] - &tables[4]);
          if (!sa[k]->present || sc[k]->al != -1) goto fail; /* a component's second scan: libjpeg's */
          if (sc[k]->scaled) {
            sc[k]->px = malloc((size_t)sc[k]->wb * (size_t)sc[k]->hb * 4);
            if (sc[k]->px == NULL) goto fail;
          } else {
            if (!built[tac]) build_skip(sa[k], skip + ((size_t)tac << SKIP_BITS));
            built[tac] = 1;
            sk[k] = skip + ((size_t)tac << SKIP_BITS);
          }
        }
      } else if (ss != 0 || se != 0 || al > 13) {
        goto fail;
      }
      if (ah != 0 && al != ah - 1) goto fail;
      for (int k = 0; k < ns; k++) {
        if (ah == 0 ? sc[k]->al != -1 : sc[k]->al != ah) goto fail; /* libjpeg would warn: bogus progression */
        if (ah == 0 && !st[k]->present) goto fail;
        if (sc[k]->al == -1) {
          /* libjpeg latches a component's quantization table at its first scan. */
          if (!have_quant[sc[k]->tq]) goto fail;
          memcpy(sc[k]->qt, quant[sc[k]->tq], sizeof sc[k]->qt);
          sc[k]->quant = sc[k]->qt[0];
        }
        sc[k]->al = al;
      }
      /* MCU layout: one block for a single-component scan, h x v blocks per component otherwise. */
      int mcus_x, mcus_y;
      if (ns == 1) {
        mcus_x = (width * sc[0]->h + 8 * hmax - 1) / (8 * hmax);
        mcus_y = (height * sc[0]->v + 8 * vmax - 1) / (8 * vmax);
      } else {
        int blocks = 0;
        for (int k = 0; k < ns; k++) blocks += sc[k]->h * sc[k]->v;
        if (blocks > 10) goto fail;
        mcus_x = (width + 8 * hmax - 1) / (8 * hmax);
        mcus_y = (height + 8 * vmax - 1) / (8 * vmax);
      }
      bits_t b = {p, next, len, 0, 0, 0, 0};
      int pred[MAX_COMPS] = {0, 0, 0};
      int togo = restart_interval, rst = 0;
      /* The MCU's blocks as slots: component and offset from the MCU's first block of it. */
      int nslots = 0, slot_k[10];
      size_t slot_off[10], step_x[MAX_COMPS], step_y[MAX_COMPS];
      for (int k = 0; k < ns; k++) {
        int bh = ns == 1 ? 1 : sc[k]->h, bv = ns == 1 ? 1 : sc[k]->v;
        for (int by = 0; by < bv; by++) {
          for (int bx = 0; bx < bh; bx++) {
            slot_k[nslots] = k;
            slot_off[nslots++] = (size_t)by * (size_t)sc[k]->wb + (size_t)bx;
          }
        }
        step_x[k] = (size_t)bh;
        step_y[k] = (size_t)bv * (size_t)sc[k]->wb;
      }
      const uint32_t bit = 1u << al;
      int16_t coef[64];       /* a scaled block's coefficients (baseline) */
      uint8_t written_at[63]; /* where its AC coefficients went, to zero them for the next */
      memset(coef, 0, sizeof coef);
      /* The bit reader's state in locals (registers) through the hot loop; `b` holds it across fill() and restart(). */
      uint64_t buf = 0;
      int nbits = 0, padbits = 0;
#define LOAD_BITS() (buf = b.buf, nbits = b.nbits, padbits = b.padbits)
#define SAVE_BITS() (b.buf = buf, b.nbits = nbits, b.padbits = padbits)
      for (int my = 0; my < mcus_y; my++) {
        int16_t *at[MAX_COMPS];
        for (int k = 0; k < ns; k++) at[k] = sc[k]->dc + (size_t)my * step_y[k];
        for (int mx = 0; mx < mcus_x; mx++) {
          if (restart_interval) {
            if (togo == 0) {
              SAVE_BITS();
              if (!restart(&b, rst)) goto fail;
              LOAD_BITS();
              rst++;
              togo = restart_interval;
              pred[0] = pred[1] = pred[2] = 0;
            }
            togo--;
          }
          if (ah == 0) {
            for (int j = 0; j < nslots; j++) {
              int k = slot_k[j];
              const huff_t *t = st[k];
              /* A DC symbol is at most 16 code bits and 15 value bits: one refill covers the block. */
              if (nbits < 31) {
                SAVE_BITS();
                fill(&b);
                LOAD_BITS();
              }
              int len, sym;
              unsigned e = t->look[buf >> (64 - 9)];
              if (e != 0) {
                len = (int)(e >> 8);
                sym = (int)(e & 0xFF);
              } else {
                len = 10;
                while (len <= 16 && (int32_t)(buf >> (64 - len)) > t->maxcode[len]) len++;
                if (len > 16) goto fail; /* a bad code: libjpeg warns and decodes zeros */
                sym = t->vals[(t->valoff[len] + (int32_t)(buf >> (64 - len))) & 0xFF];
              }
              if (nbits - len - sym < padbits) goto fail; /* into the zeros fed after a marker */
              buf <<= len;
              nbits -= len;
              int diff = 0;
              if (sym) {
                diff = extend((int32_t)(buf >> (64 - sym)), sym);
                buf <<= sym;
                nbits -= sym;
              }
              if ((pred[k] >= 0 && diff > INT_MAX - pred[k]) || (pred[k] < 0 && diff < INT_MIN - pred[k])) goto fail;
              pred[k] += diff;
              int16_t *dcv = &at[k][slot_off[j]];
              *dcv = (int16_t)(uint16_t)((uint32_t)pred[k] << al);
              if (!sequential) continue;
              if (sk[k] != NULL) {
                /* The AC symbols skipped: their bits and the positions they cover, several a lookup. */
                const uint16_t *skt = sk[k];
                int left = 63;
                for (;;) {
                  if (nbits < 32) {
                    SAVE_BITS();
                    fill(&b);
                    LOAD_BITS();
                  }
                  unsigned e = skt[buf >> (64 - SKIP_BITS)];
                  int cover = (int)((e >> 4) & 0x7F);
                  if (e != 0 && cover <= left) {
                    buf <<= e & 15;
                    nbits -= (int)(e & 15);
                    left -= cover;
                    if ((e & SKIP_EOB) || left == 0) break;
                    continue;
                  }
                  /* One symbol the slow way: a long one, or one near the block's end. */
                  int asym, alen = decode_symbol(sa[k], buf, &asym);
                  if (alen == 0) goto fail;
                  int run = asym >> 4, size = asym & 15;
                  buf <<= alen + size;
                  nbits -= alen + size;
                  if (size) left -= run + 1;
                  else if (run == 15) left -= 16;
                  else break;
                  if (left <= 0) break; /* a run past the end: libjpeg ends the block there too */
                }
              } else {
                /* A 2x2-scaled component: the coefficients its IDCT reads, decoded as libjpeg does,
                 * into `coef` (all zeros between blocks: the positions written are zeroed again). */
                size_t idx = (size_t)(dcv - sc[k]->dc), wb = (size_t)sc[k]->wb;
                uint8_t *px = sc[k]->px + 2 * idx + 2 * (idx / wb) * wb;
                int written = 0;
                coef[0] = *dcv;
                for (int z = 1; z < 64; z++) {
                  if (nbits < 32) {
                    SAVE_BITS();
                    fill(&b);
                    LOAD_BITS();
                  }
                  int asym, alen = decode_symbol(sa[k], buf, &asym);
                  if (alen == 0) goto fail;
                  int run = asym >> 4, size = asym & 15;
                  buf <<= alen;
                  nbits -= alen;
                  if (size) {
                    z += run;
                    coef[natural[z]] = (int16_t)extend((int32_t)(buf >> (64 - size)), size);
                    written_at[written++] = natural[z];
                    buf <<= size;
                    nbits -= size;
                  } else {
                    if (run != 15) break;
                    z += 15;
                  }
                }
                if (written == 0) {
                  /* DC alone (most chroma blocks): the IDCT's flat value. */
                  px[0] = px[1] = px[2 * wb] = px[2 * wb + 1] = block_value(*dcv, sc[k]->quant, 1);
                } else {
                  idct_2x2(coef, sc[k]->qt, px, 2 * wb);
                  while (written > 0) coef[written_at[--written]] = 0;
                }
              }
              if (nbits < padbits) goto fail; /* into the zeros fed after a marker */
            }
          } else {
            for (int j = 0; j < nslots; j++) {
              if (nbits < 1) {
                SAVE_BITS();
                fill(&b);
                LOAD_BITS();
              }
              if (nbits - 1 < padbits) goto fail;
              int r = (int)(buf >> 63);
              buf <<= 1;
              nbits--;
              int16_t *v = &at[slot_k[j]][slot_off[j]];
              if (r) *v = (int16_t)(uint16_t)((uint32_t)*v | bit);
            }
          }
          for (int k = 0; k < ns; k++) at[k] += step_x[k];
        }
      }
      SAVE_BITS();
#undef LOAD_BITS
#undef SAVE_BITS
      /* The scan's data runs to the next marker that is neither a stuffed 0xFF nor a restart. */
      size_t end = b.pos;
      while (end + 1 < len && !(p[end] == 0xFF && p[end + 1] != 0 && (p[end + 1] < 0xD0 || p[end + 1] > 0xD7))) end++;
      if (end + 1 >= len) goto fail;
      next = end;
    } else {
      goto fail; /* another frame type, DNL, DAC, a stray restart: libjpeg's business */
    }
    i = next;
  }

  if (nf == 0) goto fail;
  for (int c = 0; c < nf; c++) {
    if (comp[c].al != 0) goto fail; /* a component without its whole DC: leave it to libjpeg */
  }
  int ycc = 0;
  if (nf == 3) {
    if (jfif) ycc = 1;
    else if (adobe) ycc = transform == 1;
    else ycc = !(comp[0].id == 82 && comp[1].id == 71 && comp[2].id == 66);
    if (!ycc) goto fail;
  }

  int w = (width + 7) / 8, h = (height + 7) / 8;
  out = malloc((size_t)w * (size_t)h * 4);
  if (out == NULL) goto fail;
  /* Each component's samples: a baseline file's 2x2-scaled one has them from its IDCT; for the
   * rest, each block's value, once (a chroma block covers several pixels, which replicate it). A
   * scaled component without its AC coefficients (a progressive file's) is flat: the same value,
   * other rounding. */
  const uint8_t *plane[MAX_COMPS];
  size_t stride[MAX_COMPS];
  int sx[MAX_COMPS], sy[MAX_COMPS];
  for (int c = 0; c < nf; c++) {
    if (comp[c].px != NULL) {
      plane[c] = comp[c].px;
      stride[c] = 2 * (size_t)comp[c].wb;
      sx[c] = sy[c] = 0;
      continue;
    }
    size_t blocks = (size_t)comp[c].wb * (size_t)comp[c].hb;
    uint8_t *value = (uint8_t *)comp[c].dc; /* in place: byte i is written after int16 i is read */
    for (size_t k = 0; k < blocks; k++) value[k] = block_value(comp[c].dc[k], comp[c].quant, comp[c].scaled);
    plane[c] = value;
    stride[c] = (size_t)comp[c].wb;
    sx[c] = hmax / comp[c].h == 2;
    sy[c] = vmax / comp[c].v == 2;
  }
  if (nf == 1) {
    for (int y = 0; y < h; y++) {
      const uint8_t *row = plane[0] + (size_t)(y >> sy[0]) * stride[0];
      uint8_t *o = out + (size_t)y * (size_t)w * 4;
      for (int x = 0; x < w; x++, o += 4) {
        uint8_t g = row[x >> sx[0]];
        o[0] = o[1] = o[2] = g;
        o[3] = 255;
      }
    }
  } else {
    ycc_tables();
    for (int y = 0; y < h; y++) {
      const uint8_t *ry = plane[0] + (size_t)(y >> sy[0]) * stride[0];
      const uint8_t *rb = plane[1] + (size_t)(y >> sy[1]) * stride[1];
      const uint8_t *rr = plane[2] + (size_t)(y >> sy[2]) * stride[2];
      uint8_t *o = out + (size_t)y * (size_t)w * 4;
      for (int x = 0; x < w; x++, o += 4) {
        int yy = ry[x >> sx[0]], cb = rb[x >> sx[1]], cr = rr[x >> sx[2]];
        o[0] = clamp255(yy + cr_r[cr]);
        o[1] = clamp255(yy + (int)((cb_g[cb] + cr_g[cr]) >> 16));
        o[2] = clamp255(yy + cb_b[cb]);
        o[3] = 255;
      }
    }
  }
  for (int c = 0; c < nf; c++) {
    free(comp[c].dc);
    free(comp[c].px);
  }
  free(tables);
  free(skip);
  *out_w = w;
  *out_h = h;
  *space = nf == 1 ? 1 : 3; /* JCS_GRAYSCALE, JCS_YCbCr */
  *saw_adobe = adobe;
  return out;

fail:
  for (int c = 0; c < MAX_COMPS; c++) {
    free(comp[c].dc);
    free(comp[c].px);
  }
  free(tables);
  free(skip);
  free(out);
  return NULL;
}

/*
 * EXIF orientation inside the decoder's memory: a detection averages the model input from a
 * reduced decode where it lies (src/image/area-wasm.ts), so an oriented photo is turned upright
 * here rather than copied out to JavaScript and back. The same mapping as applyOrientation in
 * src/image/orientation.ts (a copy of whole RGBA words, so the pixels are identical).
 */
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* dst (the upright image, w x h swapped for 5-8) from src (w x h as stored); returns -1 for an
 * orientation outside 2-8. Output pixel (x, y) is src[base + x * dx + y * dy]. */
EXPORT(dj_orient)
int dj_orient(const uint32_t *src, int w, int h, int orientation, uint32_t *dst) {
  int base, dx, dy;
  switch (orientation) {
    case 2: base = w - 1; dx = -1; dy = w; break;            /* mirror horizontally */
    case 3: base = w * h - 1; dx = -1; dy = -w; break;       /* rotate 180 */
    case 4: base = (h - 1) * w; dx = 1; dy = -w; break;      /* mirror vertically */
    case 5: base = 0; dx = w; dy = 1; break;                 /* transpose */
    case 6: base = (h - 1) * w; dx = -w; dy = 1; break;      /* rotate 90 clockwise */
    case 7: base = w * h - 1; dx = -w; dy = -1; break;       /* transverse */
    case 8: base = w - 1; dx = w; dy = -1; break;            /* rotate 90 counter-clockwise */
    default: return -1;
  }
  const int ow = orientation >= 5 ? h : w, oh = orientation >= 5 ? w : h;
  uint32_t *o = dst;
  for (int y = 0; y < oh; y++) {
    int s = base + y * dy;
    for (int x = 0; x < ow; x++, s += dx) *o++ = src[s];
  }
  return 0;
}

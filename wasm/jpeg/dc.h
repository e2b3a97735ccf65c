/* dc.c: a JPEG's 1/8-scale RGBA (a progressive file from its DC scans alone, a baseline file in one entropy pass), or NULL where libjpeg must decode it. */
#ifndef DOCEDGE_DC_H
#define DOCEDGE_DC_H
#include <stddef.h>
unsigned char *dc_decode(const unsigned char *p, size_t len, int *out_w, int *out_h, int *space, int *saw_adobe);
#endif

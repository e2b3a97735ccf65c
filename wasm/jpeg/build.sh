#!/bin/sh
# Rebuild wasm/jpeg/decoder.wasm from libjpeg-turbo 2.1.5, decoder.c, dc.c (a JPEG's 1/8: a
# progressive file's from its DC scans alone, a baseline file's in one entropy pass), area.c (the model input's area average, in WASM SIMD) and orient.c
# (EXIF orientation in place) (`npm run build:wasm`).
#
#   wasm/jpeg/build.sh [path/to/libjpeg-turbo_2.1.5.orig.tar.gz | path/to/libjpeg-turbo-2.1.5/]
#
# Without an argument the source comes from Debian (`apt-get source --download-only
# libjpeg-turbo`, which needs a deb-src line in the apt sources). The tarball is checked against
# its SHA-256 below. Needs: clang 14, lld, wasi-libc, libclang-rt-14-dev-wasm32, cmake (Debian
# bookworm: `apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32 cmake`).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${DOCEDGE_WASM_TMP:-$(mktemp -d)}
SHA256=254f3642b04e309fee775123133c6464181addc150499561020312ec61c1bf7c
SRC=${1:-}

mkdir -p "$WORK"
if [ -z "$SRC" ]; then
  (cd "$WORK" && apt-get source --download-only libjpeg-turbo=1:2.1.5-2 >/dev/null)
  SRC="$WORK/libjpeg-turbo_2.1.5.orig.tar.gz"
fi
if [ -f "$SRC" ]; then
  echo "$SHA256  $SRC" | sha256sum -c - >/dev/null
  tar -xzf "$SRC" -C "$WORK"
  SRC="$WORK/libjpeg-turbo-2.1.5"
fi
[ -f "$SRC/jdapistd.c" ] || { echo "no libjpeg-turbo source at $SRC" >&2; exit 1; }

# wasm32 has 64-bit integer registers and 32-bit pointers, like x86-64's x32 ABI: give the Huffman
# decoder the 64-bit bit buffer it uses there (fewer refills; a few per cent on a 12 MP decode here).
# Patched in a copy, so a source folder passed in stays untouched.
if [ "$SRC" != "$WORK/libjpeg-turbo-2.1.5" ]; then cp -r "$SRC" "$WORK/libjpeg-turbo-2.1.5"; SRC="$WORK/libjpeg-turbo-2.1.5"; fi
sed -i 's/defined(__x86_64__) && defined(__ILP32__)/(defined(__x86_64__) || defined(__wasm32__)) \&\& defined(__ILP32__)/' \
  "$SRC/jdhuff.h" "$SRC/jdhuff.c"
grep -q '__wasm32__' "$SRC/jdhuff.h" || { echo "jdhuff.h patch did not apply" >&2; exit 1; }

CFLAGS="-O3 -msimd128 -DNO_GETENV -DNO_PUTENV -ffile-prefix-map=$SRC=libjpeg-turbo -ffile-prefix-map=$HERE=wasm/jpeg"
cat > "$WORK/wasi.cmake" <<TOOLCHAIN
set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_SYSROOT /usr)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
TOOLCHAIN
cmake -S "$SRC" -B "$WORK/build" -DCMAKE_TOOLCHAIN_FILE="$WORK/wasi.cmake" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS_RELEASE="$CFLAGS" -DENABLE_SHARED=0 -DENABLE_STATIC=1 -DWITH_SIMD=0 -DWITH_TURBOJPEG=0 \
  -DWITH_ARITH_DEC=1 -DWITH_ARITH_ENC=0 -DWITH_12BIT=0 >"$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log" >&2; exit 1; }
cmake --build "$WORK/build" --target jpeg-static -j 2 >"$WORK/make.log" 2>&1 || { tail -40 "$WORK/make.log" >&2; exit 1; }

clang --target=wasm32-wasi $CFLAGS -mexec-model=reactor -I"$SRC" -I"$WORK/build" \
  -Wl,--strip-all -Wl,--gc-sections -o "$HERE/decoder.wasm" "$HERE/decoder.c" "$HERE/dc.c" "$HERE/area.c" "$HERE/orient.c" "$WORK/build/libjpeg.a"
chmod 644 "$HERE/decoder.wasm"
echo "wrote $HERE/decoder.wasm ($(wc -c <"$HERE/decoder.wasm") bytes)"

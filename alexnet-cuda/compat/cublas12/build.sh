#!/usr/bin/env bash
# Builds libcublas.so.12 (the forwarding library of cublas12_compat.c) into the directory given (default: .).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-.}"
mkdir -p "$out"
gcc -O2 -shared -fPIC -Wall -Werror -o "$out/libcublas.so.12" -Wl,-soname,libcublas.so.12 \
  -Wl,--version-script="$here/libcublas12.map" "$here/cublas12_compat.c" -ldl -lpthread
echo "built $out/libcublas.so.12"

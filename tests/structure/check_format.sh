#!/usr/bin/env bash
# Every tracked C and C++ source is formatted as .clang-format says
# (docs/ARCHITECTURE.md, "Code style"). Fix with:
#   git ls-files '*.c' '*.h' '*.cpp' '*.hpp' | xargs clang-format -i
set -euo pipefail
cd "${1:?usage: check_format.sh SOURCE-ROOT}"
command -v clang-format >/dev/null || { echo "clang-format is missing: it is in debian-packages.txt (bash scripts/dev setup installs it)" >&2; exit 1; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
else
    mapfile -t files < <(find . -path ./build\* -prune -o \( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' \) -print)
fi
if clang-format --dry-run --Werror "${files[@]}" 2>/tmp/cirrus-format.$$; then
    echo "${#files[@]} files formatted as .clang-format says"
    rm -f /tmp/cirrus-format.$$
else
    grep -o '^[^:]*\.[ch]p*:' /tmp/cirrus-format.$$ | sort -u | sed 's/:$/: not formatted (run clang-format -i on it)/'
    rm -f /tmp/cirrus-format.$$
    exit 1
fi

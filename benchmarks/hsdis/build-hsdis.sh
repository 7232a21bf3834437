#!/usr/bin/env bash
# Builds hsdis-amd64.so from hsdis-capstone.c, so that HotSpot can print the machine code it
# compiles (-XX:CompileCommand=print,...), and with --install copies it where the JDK on the PATH
# looks for it (<java.home>/lib/server; HotSpot 17 does not search LD_LIBRARY_PATH for it).
# Needs gcc and Capstone's headers: apt-get install gcc libcapstone-dev.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(cd "$here/.." && pwd)/target/hsdis"
install=false
for arg in "$@"; do
  case "$arg" in
    --install) install=true ;;
    *) echo "usage: $0 [--install]" >&2; exit 2 ;;
  esac
done
if [ "$(uname -m)" != x86_64 ]; then
  echo "hsdis-capstone.c decodes x86-64 only; this machine is $(uname -m)" >&2
  exit 1
fi
if ! command -v gcc >/dev/null 2>&1 || [ ! -f /usr/include/capstone/capstone.h ]; then
  echo "needs gcc and Capstone's headers: apt-get install gcc libcapstone-dev" >&2
  exit 1
fi
mkdir -p "$out"
gcc -O2 -shared -fPIC -o "$out/hsdis-amd64.so" "$here/hsdis-capstone.c" -lcapstone
echo "built $out/hsdis-amd64.so"
if $install; then
  java_home="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')"
  cp "$out/hsdis-amd64.so" "$java_home/lib/server/"
  echo "installed into $java_home/lib/server/"
fi

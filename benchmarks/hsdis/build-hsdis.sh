#!/usr/bin/env bash
# Builds hsdis-amd64.so from hsdis-capstone.c, so that HotSpot can print the machine code it
# compiles (-XX:CompileCommand=print,...), and with --install copies it where the JDK on the PATH
# finds it (<java.home>/lib/server; <java.home>/lib works too; Debian's JDK 17 did not find it
# through LD_LIBRARY_PATH).
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
if ! command -v gcc >/dev/null 2>&1; then
  echo "needs gcc: apt-get install gcc libcapstone-dev" >&2
  exit 1
fi
if ! echo '#include <capstone/capstone.h>' | gcc -E -x c - >/dev/null 2>&1; then
  echo "needs Capstone's headers (capstone/capstone.h): apt-get install libcapstone-dev" >&2
  exit 1
fi
mkdir -p "$out"
gcc -O2 -shared -fPIC -o "$out/hsdis-amd64.so" "$here/hsdis-capstone.c" -lcapstone
echo "built $out/hsdis-amd64.so"
if $install; then
  if ! command -v java >/dev/null 2>&1; then
    echo "no java on the PATH to install into" >&2
    exit 1
  fi
  java_home="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')"
  server="$java_home/lib/server"
  if [ -z "$java_home" ] || [ ! -d "$server" ]; then
    echo "cannot find the JDK's lib/server (java.home is '$java_home')" >&2
    exit 1
  fi
  if [ ! -w "$server" ]; then
    echo "$server is not writable: run with sudo, or copy $out/hsdis-amd64.so there yourself" >&2
    exit 1
  fi
  cp "$out/hsdis-amd64.so" "$server/"
  echo "installed into $server/"
fi

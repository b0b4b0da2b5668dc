#!/usr/bin/env bash
# The release of awssql, into dist/ (or -out DIR):
#
#   awssql_<version>_<os>_<arch>.tar.gz   the binary and the README (.zip for Windows)
#   checksums.txt                         SHA-256 of every archive
#   <os>_<arch>/awssql[.exe]              the binaries unpacked, which release/Dockerfile copies
#
# Each binary is static (CGO_ENABLED=0: SQLite is compiled from its Go
# translation), built with -trimpath, and has the version stamped in by the
# linker; the commit and the Go version come from the build info. The binary
# for the machine this runs on, when built, is checked: static, says its
# version, and answers a query against --demo.
#
#   release/release.sh [-version v1.2.3] [-platforms "linux/amd64 darwin/arm64"] [-out dist]
#
# The version defaults to git describe. Each platform compiles SQLite anew
# the first time (minutes on two cores); later builds come from Go's cache.
set -euo pipefail
cd "$(dirname "$0")/.."

version=""
platforms="linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"
out=dist
while [ $# -gt 0 ]; do
  case "$1" in
    -version) version=$2; shift 2 ;;
    -platforms) platforms=$2; shift 2 ;;
    -out) out=$2; shift 2 ;;
    *) echo "release.sh: unknown argument '$1': use -version V, -platforms 'os/arch ...', -out DIR" >&2; exit 2 ;;
  esac
done
if [ -z "$version" ]; then
  version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
fi
case "$version" in
  v[0-9]*) ;;
  *) version="v0.0.0-$version" ;; # a commit, not a tag: still a version Go's tools read
esac

sum() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }

rm -rf "$out"
mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
archives=()
for p in $platforms; do
  os=${p%/*} arch=${p#*/}
  exe=awssql
  [ "$os" = windows ] && exe=awssql.exe
  echo "release.sh: building $version for $os/$arch" >&2
  # -buildvcs=auto: the commit goes into the build info even where GOFLAGS
  # turns it off, and a build from a source archive still works.
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -buildvcs=auto -trimpath \
    -ldflags "-s -w -X main.version=$version" -o "$out/${os}_${arch}/$exe" ./cmd/awssql
  name="awssql_${version}_${os}_${arch}"
  mkdir -p "$stage/$name"
  cp "$out/${os}_${arch}/$exe" README.md "$stage/$name/"
  if [ "$os" = windows ]; then
    (cd "$stage" && zip -qr "$name.zip" "$name")
    mv "$stage/$name.zip" "$out/"
    archives+=("$name.zip")
  else
    tar -C "$stage" -czf "$out/$name.tar.gz" "$name"
    archives+=("$name.tar.gz")
  fi
done
(cd "$out" && sum "${archives[@]}" > checksums.txt)

# The binary of this machine, as a user would first run it.
host="$(go env GOOS)_$(go env GOARCH)"
bin="$out/$host/awssql"
if [ -x "$bin" ]; then
  said=$("$bin" --version)
  case "$said" in
    "awssql $version "*) ;;
    *) echo "release.sh: $bin --version says '$said', not $version" >&2; exit 1 ;;
  esac
  if [ -d .git ] && commit=$(git rev-parse --short=12 HEAD 2>/dev/null); then
    case "$said" in
      *"commit $commit"*) ;;
      *) echo "release.sh: $bin --version says '$said', without the commit $commit" >&2; exit 1 ;;
    esac
  fi
  if [ "$(go env GOOS)" = linux ] && ldd "$bin" >/dev/null 2>&1; then
    echo "release.sh: $bin is dynamically linked: $(ldd "$bin" | tr '\n' ' ')" >&2
    exit 1
  fi
  rows=$("$bin" --demo --skip-accounts 567890123456 "SELECT count(*) AS n FROM ec2_instances WHERE instance_state = 'running'")
  case "$rows" in
    n$'\n'[1-9]*) ;;
    *) echo "release.sh: $bin answered the demo with '$rows'" >&2; exit 1 ;;
  esac
  echo "release.sh: $said; static; answers --demo" >&2
fi
echo "release.sh: $out/: ${archives[*]} checksums.txt" >&2

#!/usr/bin/env bash
# Builds Hindsight's release binaries: static (CGO_ENABLED=0), stripped,
# reproducible paths (-trimpath), with the version and revision stamped so
# that `hindsight version` and hindsight_build_info name them.
#
#   scripts/release.sh                      # every platform, version from git
#   VERSION=v1.2.0 scripts/release.sh
#   PLATFORMS="linux/amd64" scripts/release.sh
#
# Writes dist/hindsight-<os>-<arch> and dist/SHA256SUMS (check with
# `cd dist && sha256sum -c SHA256SUMS`). docs/install.md describes it.
set -euo pipefail

cd "$(dirname "$0")/.."

PLATFORMS="${PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}"
DIST="${DIST:-dist}"

revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ -z "${VERSION:-}" ]]; then
	VERSION="$(git describe --tags --always --dirty 2>/dev/null || echo dev)"
fi
if [[ "${revision}" != unknown ]] && ! git diff --quiet HEAD -- 2>/dev/null; then
	revision="${revision}-dirty"
fi

mkdir -p "${DIST}"
ldflags="-s -w -X main.version=${VERSION} -X main.revision=${revision}"
built=()
for platform in ${PLATFORMS}; do
	os="${platform%/*}"
	arch="${platform#*/}"
	out="${DIST}/hindsight-${os}-${arch}"
	printf 'building %s (%s, %s)\n' "${out}" "${VERSION}" "${revision}"
	CGO_ENABLED=0 GOOS="${os}" GOARCH="${arch}" \
		go build -trimpath -buildvcs=false -ldflags "${ldflags}" -o "${out}" ./cmd/hindsight
	built+=("$(basename "${out}")")
done

(cd "${DIST}" && sha256sum "${built[@]}" >SHA256SUMS)
printf 'wrote %s/SHA256SUMS:\n' "${DIST}"
cat "${DIST}/SHA256SUMS"

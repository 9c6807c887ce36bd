# Convenience targets; each is one script or go command.
.PHONY: build release test clean

# build: the binary for this machine, ./hindsight.
build:
	go build -o hindsight ./cmd/hindsight

# release: static binaries for linux and darwin, amd64 and arm64, with
# SHA-256 checksums, in dist/ (VERSION=v1.2.0 make release).
release:
	scripts/release.sh

# test: the full test command (as CI runs it).
test:
	scripts/test.sh

clean:
	rm -rf dist hindsight

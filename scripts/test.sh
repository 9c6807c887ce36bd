#!/usr/bin/env bash
# Hindsight's test command: the one the README names and .ci/run executes.
#
# It installs what the suite needs when it is missing (Debian packages, npm
# packages), starts PostgreSQL 15 with a test role and database, exports the
# HINDSIGHT_TEST_* variables that internal/testenv reads, and runs gofmt,
# go vet, staticcheck, go test -race and the fuzz targets listed below.
#
# Run it as root on Debian 12. It is idempotent: a second run installs nothing
# and starts nothing that already runs. With CI=true every missing component
# is a failure; without it, a component that cannot be installed is reported
# and the tests that need it skip.
#
# docs/testing.md explains each step.
set -euo pipefail

cd "$(dirname "$0")/.."

# ---------------------------------------------------------------------------
# Settings.

PG_VERSION=15
PG_CLUSTER=main
PG_PORT=5432
PG_ROLE=hindsight
PG_PASSWORD=hindsight
PG_DATABASE=hindsight_test

PROMETHEUS_BIN=/usr/bin/prometheus
ALERTMANAGER_BIN=/usr/bin/prometheus-alertmanager
CHROMIUM_BIN=/usr/bin/chromium

STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Go's own limit per test binary; CI gives the whole run 90 minutes and the
# suite should stay well under 15.
GO_TEST_TIMEOUT=20m

# Fuzz targets run briefly after the test suite, one line per target:
#   "<package> <FuzzName> <budget>", for example
#   "./postmortem FuzzParse 50000x"
# The budget is a count of inputs (go test's "Nx" form), sized to about five
# seconds on a quiet machine (the suite's time goal is ten minutes; the
# fuzz step's instrumented builds take about as long again), not a duration: with a duration, Go 1.26's
# fuzzing coordinator can report "context deadline exceeded" as a failure
# when the time runs out while a worker is busy, with no failing input
# (golang/go#75804, fixed in Go 1.27); a count has no deadline to race.
# Add a line here when a package gains a fuzz target worth running in CI.
FUZZ_TARGETS=(
	"./postmortem FuzzParse 25000x"
	"./internal/fuzz FuzzDecodeBytes 100000x"
	"./internal/fuzz FuzzPagingWebhooks 50000x"
	"./lint FuzzCheck 8000x"
	". FuzzSearchTerms 100000x"
)

# go test -fuzz spends -fuzzminimizetime (default 60s) minimising every new
# interesting input before it fuzzes on, so a 10s run with the default
# executes a few dozen inputs. The short CI run does not minimise (a failing
# input is still written to testdata/fuzz; minimise it locally) and runs one
# worker per core.
FUZZ_MINIMIZE_TIME="${FUZZ_MINIMIZE_TIME:-0}"
FUZZ_PARALLEL="${FUZZ_PARALLEL:-$(nproc)}"
# A target below this rate is reported with a warning; one that executed
# nothing fails the step.
FUZZ_MIN_EXECS_PER_SEC=1000

# ---------------------------------------------------------------------------
# Helpers.

is_ci() { [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; }

log() { printf '%s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

# missing_component reports a component that is not available: a failure
# under CI, a warning (the tests that need it skip) elsewhere.
missing_component() {
	if is_ci; then
		die "$1 (CI=true: every component the tests need must be present)"
	fi
	warn "$1; the tests that need it will skip"
}

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

CURRENT_STEP=""
STEP_STARTED=""
RUN_STARTED="$(now)"
STEP_TIMES=()
GO_TEST_LOG=""

# step NAME COMMAND... runs one step with a header and its duration. It does
# not catch failures: set -e stops the script and the EXIT trap names the step.
step() {
	CURRENT_STEP="$1"
	shift
	STEP_STARTED="$(now)"
	log ""
	log "==> ${CURRENT_STEP}"
	"$@"
	local took
	took="$(elapsed_since "${STEP_STARTED}")"
	log "<== ${CURRENT_STEP}: ok (${took})"
	STEP_TIMES+=("$(printf '%-28s %s' "${CURRENT_STEP}" "${took}")")
	CURRENT_STEP=""
}

# print_go_test_summary repeats go test's per-package result lines so that
# the output of the whole command ends with them.
print_go_test_summary() {
	[[ -n "${GO_TEST_LOG}" && -s "${GO_TEST_LOG}" ]] || return 0
	log ""
	log "go test results:"
	grep -E '^(ok|FAIL|\?|---) |^(PASS|FAIL)$|^panic: ' "${GO_TEST_LOG}" || true
}

on_exit() {
	local rc=$?
	if [[ ${rc} -ne 0 ]]; then
		log ""
		if [[ -n "${CURRENT_STEP}" ]]; then
			printf 'FAILED: step "%s" exited with status %d after %s\n' \
				"${CURRENT_STEP}" "${rc}" "$(elapsed_since "${STEP_STARTED}")" >&2
		else
			printf 'FAILED with status %d\n' "${rc}" >&2
		fi
		print_go_test_summary
	fi
	[[ -z "${GO_TEST_LOG}" ]] || rm -f "${GO_TEST_LOG}"
	exit "${rc}"
}
trap on_exit EXIT

pkg_installed() {
	[[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

# ---------------------------------------------------------------------------
# Steps.

APT_UPDATED=""

# apt_install installs the given Debian packages, running apt-get update
# once per run first. It returns non-zero instead of exiting so that the
# caller decides whether a failed install is fatal.
apt_install() {
	if [[ ${EUID} -ne 0 ]]; then
		warn "not root: cannot apt-get install $*"
		return 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	if [[ -z "${APT_UPDATED}" ]]; then
		log "apt-get update"
		apt-get update -qq || return 1
		APT_UPDATED=1
	fi
	log "apt-get install -y $*"
	apt-get install -y -qq --no-install-recommends "$@" || return 1
}

install_system_packages() {
	# fonts-liberation and fonts-noto-color-emoji (the headings' emoji in screenshots) are only recommendations of chromium, which is
	# installed without recommendations; screenshots need readable text.
	local -a want=(postgresql prometheus prometheus-alertmanager chromium fonts-liberation fonts-noto-color-emoji)
	local -a missing=()
	local pkg
	for pkg in "${want[@]}"; do
		pkg_installed "${pkg}" || missing+=("${pkg}")
	done
	if [[ ${#missing[@]} -eq 0 ]]; then
		log "already installed: ${want[*]}"
		return 0
	fi
	log "missing Debian packages: ${missing[*]}"
	if ! apt_install "${missing[@]}"; then
		missing_component "could not install Debian packages: ${missing[*]}"
	fi
}

install_npm_packages() {
	if [[ ! -f package.json ]]; then
		log "no package.json: nothing to install"
		return 0
	fi
	if ! command -v npm >/dev/null 2>&1; then
		missing_component "package.json exists but npm is not installed (apt-get install -y npm)"
		return 0
	fi
	# node_modules is stale when package.json or the lock file changed since
	# the last install; the stamp records their checksum.
	local stamp=node_modules/.hindsight-npm-stamp sum
	local -a inputs=(package.json)
	[[ ! -f package-lock.json ]] || inputs+=(package-lock.json)
	sum="$(cat "${inputs[@]}" | sha256sum | cut -d' ' -f1)"
	if [[ -d node_modules && -f "${stamp}" && "$(cat "${stamp}")" == "${sum}" ]]; then
		log "node_modules is up to date"
		return 0
	fi
	if [[ -f package-lock.json ]]; then
		npm ci --no-audit --no-fund
	else
		warn "package.json has no package-lock.json: running npm install"
		npm install --no-audit --no-fund
	fi
	printf '%s\n' "${sum}" >"${stamp}"
}

# as_postgres runs a command as the postgres OS user from a directory it can
# read, so psql does not warn about the caller's working directory.
as_postgres() {
	(cd / && runuser -u postgres -- "$@")
}

psql_admin() {
	as_postgres psql -X -q -t -A -v ON_ERROR_STOP=1 -p "${PG_PORT}" -d postgres "$@"
}

start_postgres() {
	if ! command -v pg_ctlcluster >/dev/null 2>&1 ||
		[[ ! -x "/usr/lib/postgresql/${PG_VERSION}/bin/postgres" ]]; then
		missing_component "PostgreSQL ${PG_VERSION} is not installed (apt-get install -y postgresql)"
		return 0
	fi
	if ! pg_lsclusters -h | awk -v v="${PG_VERSION}" -v c="${PG_CLUSTER}" \
		'$1 == v && $2 == c { found = 1 } END { exit !found }'; then
		log "creating cluster ${PG_VERSION}/${PG_CLUSTER}"
		pg_createcluster --port="${PG_PORT}" --locale=C.UTF-8 "${PG_VERSION}" "${PG_CLUSTER}"
	fi
	local status
	status="$(pg_lsclusters -h | awk -v v="${PG_VERSION}" -v c="${PG_CLUSTER}" '$1 == v && $2 == c { print $4 }')"
	if [[ "${status}" == online* ]]; then
		log "cluster ${PG_VERSION}/${PG_CLUSTER} already running"
	else
		log "pg_ctlcluster ${PG_VERSION} ${PG_CLUSTER} start"
		pg_ctlcluster "${PG_VERSION}" "${PG_CLUSTER}" start
	fi

	local deadline=$((SECONDS + 60))
	until pg_isready -q -h 127.0.0.1 -p "${PG_PORT}"; do
		if ((SECONDS >= deadline)); then
			tail -n 20 "/var/log/postgresql/postgresql-${PG_VERSION}-${PG_CLUSTER}.log" >&2 || true
			die "PostgreSQL did not accept connections on 127.0.0.1:${PG_PORT} within 60s"
		fi
		sleep 0.5
	done
	log "pg_isready: 127.0.0.1:${PG_PORT} accepts connections"

	# The role is (re)set every run so that a role left by hand with another
	# password still works; CREATEDB lets tests create scratch databases.
	if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '${PG_ROLE}'")" != "1" ]]; then
		log "creating role ${PG_ROLE}"
		psql_admin -c "CREATE ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}'"
	else
		psql_admin -c "ALTER ROLE ${PG_ROLE} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}'"
	fi
	if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '${PG_DATABASE}'")" != "1" ]]; then
		log "creating database ${PG_DATABASE}"
		psql_admin -c "CREATE DATABASE ${PG_DATABASE} OWNER ${PG_ROLE} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
	fi

	export HINDSIGHT_TEST_POSTGRES_DSN="postgres://${PG_ROLE}:${PG_PASSWORD}@127.0.0.1:${PG_PORT}/${PG_DATABASE}?sslmode=disable"
	# Prove that password authentication over TCP works before any test runs.
	if ! PGPASSWORD="${PG_PASSWORD}" psql -X -q -t -A -h 127.0.0.1 -p "${PG_PORT}" \
		-U "${PG_ROLE}" -d "${PG_DATABASE}" -c 'SELECT 1' >/dev/null; then
		die "cannot log in to ${PG_DATABASE} as ${PG_ROLE} over 127.0.0.1:${PG_PORT} (check pg_hba.conf)"
	fi
	log "export HINDSIGHT_TEST_POSTGRES_DSN=postgres://${PG_ROLE}:***@127.0.0.1:${PG_PORT}/${PG_DATABASE}?sslmode=disable"
}

# export_binary NAME VAR PATH exports VAR=PATH when PATH is executable.
export_binary() {
	local name="$1" var="$2" path="$3"
	if [[ -x "${path}" ]]; then
		export "${var}=${path}"
		log "export ${var}=${path}"
	else
		missing_component "${name} not found at ${path}"
	fi
}

export_components() {
	export_binary Prometheus HINDSIGHT_TEST_PROMETHEUS "${PROMETHEUS_BIN}"
	export_binary Alertmanager HINDSIGHT_TEST_ALERTMANAGER "${ALERTMANAGER_BIN}"
	export_binary Chromium HINDSIGHT_TEST_CHROMIUM "${CHROMIUM_BIN}"
	if [[ -x "${PROMETHEUS_BIN}" ]]; then log "  $("${PROMETHEUS_BIN}" --version 2>&1 | head -n 1)"; fi
	if [[ -x "${ALERTMANAGER_BIN}" ]]; then log "  $("${ALERTMANAGER_BIN}" --version 2>&1 | head -n 1)"; fi
	if [[ -x "${CHROMIUM_BIN}" ]]; then log "  $("${CHROMIUM_BIN}" --version 2>/dev/null | head -n 1)"; fi
	log "  $(go version)"
}

go_files() {
	find . \( -path ./node_modules -o -path ./.git -o -path ./.tmp -o -path ./.artifacts \) -prune \
		-o -type f -name '*.go' -print0
}

check_gofmt() {
	local unformatted
	unformatted="$(go_files | xargs -0 -r gofmt -l)"
	if [[ -n "${unformatted}" ]]; then
		log "these files are not gofmt-formatted (run gofmt -w on them):"
		log "${unformatted}"
		return 1
	fi
	log "gofmt: all files formatted"
}

run_vet() { go vet ./...; }

run_staticcheck() { go run "${STATICCHECK}" ./...; }

# The packages whose tests take longest, longest first. go test starts the
# packages' test binaries in the order of its command line, -p at a time;
# started last (./... is alphabetical), the longest ones ran alone at the end
# while the other core idled. Starting them first lets the short packages
# fill the gaps beside them. A package missing here still runs (after these).
SLOW_PACKAGES=(./e2e ./http ./sqlstore ./cmd/hindsight ./alertmanager ./prometheus ./review ./tracker ./paging ./importer)

# go_test_packages prints SLOW_PACKAGES, then every other package of ./...,
# one per line, as relative paths.
go_test_packages() {
	local module pkg
	module="$(go list -m)"
	printf '%s\n' "${SLOW_PACKAGES[@]}"
	go list ./... | while read -r pkg; do
		pkg=".${pkg#"${module}"}"
		[[ "${pkg}" == "." ]] || pkg="./${pkg#./}"
		[[ " ${SLOW_PACKAGES[*]} " == *" ${pkg} "* ]] || printf '%s\n' "${pkg}"
	done
}

# RACE_UNINSTRUMENTED is compiled without the race detector's
# instrumentation inside the race-enabled test binaries:
# modernc.org/sqlite/lib is SQLite's C translated to Go, and instrumenting it
# made every SQLite statement several times slower (migrating a new store
# 330-400 ms against 80-135 ms) without watching any code of Hindsight's.
# Every access Hindsight's own code makes is still checked.
#
# That holds only while the package's object code is its own. The compiler
# also puts into a package's object the generic standard-library code it
# instantiates or inlines there (sync/atomic.Pointer[T]'s methods, say), and
# the linker keeps one copy of each such function for the whole binary: an
# uninstrumented copy then serves instrumented packages too, and the
# detector loses the happens-before edges of those atomics and reports
# races that are not there. modernc.org/libc holds such code, and leaving it
# uninstrumented did exactly that (in encoding/json's type cache);
# check_uninstrumented_code fails the step if RACE_UNINSTRUMENTED ever holds
# a function of another package (type equality functions, type:.eq.*,
# excepted: they compare memory and synchronize nothing).
RACE_UNINSTRUMENTED=modernc.org/sqlite/lib
RACE_FLAGS=(-race "-gcflags=${RACE_UNINSTRUMENTED}=-race=false")

# check_uninstrumented_code lists the functions in RACE_UNINSTRUMENTED's
# compiled object (the one the test binaries link: same flags, same build
# cache entry) that belong to another package, and fails if there is one.
check_uninstrumented_code() {
	local object foreign
	object="$(go list "${RACE_FLAGS[@]}" -export -f '{{.Export}}' "${RACE_UNINSTRUMENTED}")"
	foreign="$(go tool nm "${object}" | awk -v own="${RACE_UNINSTRUMENTED}." '
		{ for (i = 1; i < NF; i++) if ($i == "T" || $i == "t") {
			if (index($(i + 1), own) != 1 && index($(i + 1), "type:") != 1) print $(i + 1)
			break
		} }' | sort -u)"
	if [[ -n "${foreign}" ]]; then
		log "${RACE_UNINSTRUMENTED}, compiled without race instrumentation, holds code of other packages,"
		log "which the linker may share with instrumented ones (false race reports). Instrument it again"
		log "(remove it from RACE_UNINSTRUMENTED in scripts/test.sh). The first of them:"
		log "$(head -n 5 <<<"${foreign}")"
		return 1
	fi
	log "${RACE_UNINSTRUMENTED}: compiled without race instrumentation, no code of another package in it"
}

# -vet=off: the go vet step before it has already run every check go test's
# own vet pass would (go test's is a subset) on the same packages and their
# test files.
run_go_test() {
	GO_TEST_LOG="$(mktemp)"
	local -a pkgs
	mapfile -t pkgs < <(go_test_packages)
	check_uninstrumented_code
	go test "${RACE_FLAGS[@]}" -count=1 -p 2 -vet=off -timeout "${GO_TEST_TIMEOUT}" "${pkgs[@]}" 2>&1 | tee "${GO_TEST_LOG}"
}

# check_mod_tidy fails when go.mod or go.sum is not what `go mod tidy` writes
# (a direct dependency marked indirect, a missing or stale sum).
check_mod_tidy() { go mod tidy -diff; }

# fuzz_rate reads go test -fuzz output on stdin and prints the last
# progress line's "<execs> <elapsed seconds>", or nothing.
fuzz_rate() {
	sed -n -E 's/^fuzz: elapsed: ([0-9]+)s, execs: ([0-9]+) .*/\2 \1/p' | tail -n 1
}

# run_fuzz runs each target of FUZZ_TARGETS for its short budget and
# prints how many inputs each executed per second. A target that executed
# nothing fails the step.
run_fuzz() {
	if [[ ${#FUZZ_TARGETS[@]} -eq 0 ]]; then
		log "no fuzz targets listed in scripts/test.sh"
		return 0
	fi
	local entry pkg name budget out cache rate execs secs
	local -a summary=()
	out="$(mktemp)"
	# A fresh corpus cache per run: go test first re-runs every input it
	# cached in earlier runs ("gathering baseline coverage"), and with a few
	# hundred of them a 10s run ends before fuzzing starts. The seed corpus
	# (the target's f.Add inputs and testdata/fuzz) is still used.
	cache="$(mktemp -d)"
	for entry in "${FUZZ_TARGETS[@]}"; do
		read -r pkg name budget <<<"${entry}"
		log "go test -run '^\$' -fuzz '^${name}\$' -fuzztime ${budget} -fuzzminimizetime ${FUZZ_MINIMIZE_TIME} -parallel ${FUZZ_PARALLEL} ${pkg}"
		if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "${budget}" \
			-fuzzminimizetime "${FUZZ_MINIMIZE_TIME}" -parallel "${FUZZ_PARALLEL}" "${pkg}" \
			-args -test.fuzzcachedir="${cache}/${name}" 2>&1 | tee "${out}"; then
			rm -rf "${out}" "${cache}"
			die "fuzz target ${name} (${pkg}) failed; the failing input is under ${pkg}/testdata/fuzz/${name}/"
		fi
		read -r execs secs <<<"$(fuzz_rate <"${out}")"
		if [[ -z "${execs:-}" || "${execs}" -eq 0 || "${secs:-0}" -eq 0 ]]; then
			rm -rf "${out}" "${cache}"
			die "fuzz target ${name} (${pkg}) made no progress: no inputs executed"
		fi
		rate=$((execs / secs))
		summary+=("$(printf '%-18s %-16s %9d execs in %3ds = %6d execs/s' "${pkg}" "${name}" "${execs}" "${secs}" "${rate}")")
		if ((rate < FUZZ_MIN_EXECS_PER_SEC)); then
			warn "fuzz target ${name} ran ${rate} execs/s, below ${FUZZ_MIN_EXECS_PER_SEC} (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
		fi
	done
	rm -rf "${out}" "${cache}"
	log ""
	log "fuzz rates (-fuzzminimizetime ${FUZZ_MINIMIZE_TIME}, -parallel ${FUZZ_PARALLEL}):"
	printf '  %s\n' "${summary[@]}"
}

# check_prometheus_rules validates Hindsight's own alerting rules and runs
# their unit tests (promtool comes with the Debian prometheus package).
check_prometheus_rules() {
	local promtool=/usr/bin/promtool
	if [[ ! -x "${promtool}" ]]; then
		missing_component "promtool not found at ${promtool} (apt-get install -y prometheus)"
		return 0
	fi
	"${promtool}" check rules deploy/prometheus/hindsight-rules.yml
	(cd deploy/prometheus && "${promtool}" test rules ./*.test.yml)
}

# check_systemd_unit runs systemd-analyze verify on the unit, with its
# ExecStart pointing at a binary that exists; any warning fails.
check_systemd_unit() {
	if ! command -v systemd-analyze >/dev/null 2>&1; then
		missing_component "systemd-analyze not found (Debian package systemd)"
		return 0
	fi
	local dir out
	dir="$(mktemp -d)"
	sed "s|/usr/local/bin/hindsight|$(command -v true)|g" deploy/systemd/hindsight.service >"${dir}/hindsight.service"
	out="$(systemd-analyze verify "${dir}/hindsight.service" 2>&1 || true)"
	rm -rf "${dir}"
	if [[ -n "${out}" ]]; then
		log "systemd-analyze verify deploy/systemd/hindsight.service:"
		log "${out}"
		return 1
	fi
	log "systemd-analyze verify: deploy/systemd/hindsight.service is clean"
}

# check_release builds the release binaries (scripts/release.sh), checks
# their checksums, and runs the one for this machine: `hindsight version`
# names the stamped version, and `hindsight serve` answers /healthz and
# logs a clean shutdown on SIGTERM. It builds this machine's platform and
# one other architecture (RELEASE_PLATFORMS), not all four of `make
# release`: the code is pure Go, and each platform costs about 35 s of the
# suite's time on two cores.
check_release() {
	local dist bin port pid db host other
	dist="$(mktemp -d)"
	host="$(go env GOOS)/$(go env GOARCH)"
	other=linux/arm64
	[[ "${host}" != "${other}" ]] || other=linux/amd64
	VERSION=v0.0.0-test DIST="${dist}" PLATFORMS="${RELEASE_PLATFORMS:-${host} ${other}}" scripts/release.sh
	(cd "${dist}" && sha256sum -c SHA256SUMS)
	bin="${dist}/hindsight-$(go env GOOS)-$(go env GOARCH)"
	"${bin}" version | tee "${dist}/version.txt"
	grep -q '^hindsight v0.0.0-test (revision [0-9a-f]' "${dist}/version.txt" || die "hindsight version does not name the stamped version and revision"
	if go version -m "${bin}" | grep -q 'CGO_ENABLED=1'; then die "${bin} was built with cgo"; fi
	port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
	db="${dist}/hindsight.db"
	HINDSIGHT_WEBHOOK_TOKEN=release-check "${bin}" serve --db "${db}" --addr "127.0.0.1:${port}" --log-format json 2>"${dist}/serve.log" &
	pid=$!
	local ok=""
	for _ in $(seq 1 100); do
		if "${bin}" healthcheck --addr "127.0.0.1:${port}" >/dev/null 2>&1; then ok=1; break; fi
		sleep 0.2
	done
	kill -TERM "${pid}"
	wait "${pid}" || { cat "${dist}/serve.log" >&2; die "hindsight serve exited non-zero on SIGTERM"; }
	[[ -n "${ok}" ]] || { cat "${dist}/serve.log" >&2; die "the release binary did not answer /healthz"; }
	grep -q '"msg":"hindsight started".*"version":"v0.0.0-test"' "${dist}/serve.log" || die "no start-up log line naming the version"
	grep -q '"msg":"stopped"' "${dist}/serve.log" || die "no shutdown log line after SIGTERM"
	log "release binary: version, /healthz and clean shutdown ok"
	rm -rf "${dist}"
}

# ---------------------------------------------------------------------------
# Main.

log "Hindsight test command (CI=${CI:-unset})"

step "install Debian packages" install_system_packages
step "install npm packages" install_npm_packages
step "start PostgreSQL" start_postgres
step "locate components" export_components
step "gofmt" check_gofmt
step "go mod tidy -diff" check_mod_tidy
step "go vet" run_vet
step "staticcheck" run_staticcheck
step "go test -race" run_go_test
step "promtool check/test rules" check_prometheus_rules
step "systemd-analyze verify" check_systemd_unit
step "release build and run" check_release
step "fuzz (short)" run_fuzz

log ""
log "step times:"
printf '  %s\n' "${STEP_TIMES[@]}"
log "  total                        $(elapsed_since "${RUN_STARTED}")"
print_go_test_summary

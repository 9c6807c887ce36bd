package sqlstore

import (
	"regexp"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// The forms of a store name (DSN):
//
//   - "postgres://…" or "postgresql://…": a PostgreSQL URL;
//   - "host=… dbname=… password=…": a PostgreSQL keyword/value DSN, every
//     key one libpq knows;
//   - "file:…" or anything else without "=" pairs or a URL scheme: a SQLite
//     file path.
//
// Anything else (another scheme such as mysql://, keyword pairs with an
// unknown key) is refused, so that a mistyped DSN never becomes a SQLite
// file named after it, password included.

// libpqKeys are the connection parameters a keyword/value DSN may hold.
var libpqKeys = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "password": true,
	"passfile": true, "connect_timeout": true, "client_encoding": true, "options": true,
	"application_name": true, "fallback_application_name": true, "keepalives": true,
	"keepalives_idle": true, "keepalives_interval": true, "keepalives_count": true,
	"tcp_user_timeout": true, "sslmode": true, "sslcert": true, "sslkey": true, "sslrootcert": true,
	"sslcrl": true, "sslpassword": true, "sslsni": true, "target_session_attrs": true,
	"search_path": true, "statement_cache_capacity": true, "default_query_exec_mode": true,
	"pool_max_conns": true, "krbsrvname": true, "krbspn": true, "service": true, "servicefile": true,
	"gssencmode": true, "channel_binding": true, "min_read_buffer_size": true,
}

// keywordPair matches one key=value pair of a keyword/value DSN; a value
// may be single-quoted.
var keywordPair = regexp.MustCompile(`^\s*([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)`)

// schemeRE matches a URL scheme at the start of a DSN.
var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)

// isKeywordDSN reports whether dsn is a PostgreSQL keyword/value DSN.
// unknown returns the first key libpq does not know, when dsn is made of
// key=value pairs but one key is not a connection parameter.
func isKeywordDSN(dsn string) (ok bool, unknown string) {
	rest := strings.TrimSpace(dsn)
	if rest == "" || !strings.Contains(rest, "=") {
		return false, ""
	}
	for rest != "" {
		m := keywordPair.FindStringSubmatch(rest)
		if m == nil {
			return false, ""
		}
		if !libpqKeys[strings.ToLower(m[1])] && unknown == "" {
			unknown = m[1]
		}
		rest = strings.TrimSpace(rest[len(m[0]):])
	}
	return unknown == "", unknown
}

// checkDSN refuses a DSN that is neither a PostgreSQL DSN nor a SQLite
// path, with a message that says which forms are accepted.
func checkDSN(dsn string) error {
	if isPostgres(dsn) || strings.HasPrefix(dsn, "file:") {
		return nil
	}
	if schemeRE.MatchString(dsn) {
		return hindsight.Errorf(hindsight.EINVALID, "unrecognised store %s: use a SQLite file path, postgres://user:pass@host/db or host=… dbname=… (PostgreSQL keyword form)", RedactDSN(dsn))
	}
	if _, unknown := isKeywordDSN(dsn); unknown != "" {
		// The DSN is not quoted: a misspelt password key would show
		// the password.
		return hindsight.Errorf(hindsight.EINVALID, "unrecognised store: %q is not a PostgreSQL connection parameter; use a SQLite file path, postgres://user:pass@host/db or host=… dbname=…", unknown)
	}
	return nil
}

// Patterns of secrets in DSNs and in the messages that may quote them.
var (
	// userinfoRE is the password of user:password@ in a URL, even one
	// url.Parse refuses.
	userinfoRE = regexp.MustCompile(`(://[^:/?#@\s]*:)[^\s]*@`)
	// passwordRE is a password=… pair, keyword form or URL query, quoted
	// or not.
	passwordRE = regexp.MustCompile(`(?i)((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s"]*)`)
)

// RedactDSN returns dsn, or a message quoting one, with every password
// replaced by "xxxxx": the URL's user:password@, a password= query
// parameter or keyword pair, quoted or not.
func RedactDSN(dsn string) string {
	return scrub(dsn)
}

// scrub removes passwords from a DSN or a message that may quote one.
func scrub(s string) string {
	s = userinfoRE.ReplaceAllString(s, "${1}xxxxx@")
	return passwordRE.ReplaceAllString(s, "${1}xxxxx")
}

package hindsight

import (
	"context"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Where a person's directory entry came from.
const (
	// PersonFromConfig: the people list of the configuration file, loaded
	// at start.
	PersonFromConfig = "config"
	// PersonFromOIDC: the ID token claims of an OpenID Connect sign-in.
	PersonFromOIDC = "oidc"
	// PersonFromAdmin: the admin page or the API.
	PersonFromAdmin = "admin"
)

// Person is one entry of the directory of people: who "@handle" is in
// documents, action owners, sign-offs and history.
type Person struct {
	// Handle is the person's handle, stored without "@"; handles compare
	// case-insensitively (PersonKey).
	Handle string `json:"handle"`
	// Name is the display name, such as "Ana Lima"; empty means Handle.
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	// SlackID is the person's Slack user ID (U…), for direct messages.
	SlackID string `json:"slack_id,omitempty"`
	Team    string `json:"team,omitempty"`
	// Source is where the entry came from: one of the PersonFrom constants.
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// slackIDRE matches a Slack user ID: U or W followed by letters and digits.
var slackIDRE = regexp.MustCompile(`^[UW][A-Z0-9]{2,30}$`)

// Validate returns an EINVALID error that lists every invalid field.
func (p *Person) Validate() error {
	var v Validation
	if !ValidHandle(p.Handle) {
		v.Add("handle", "must be 1 to 64 letters, digits, '.', '_' or '-', with or without a leading @, got %q", p.Handle)
	}
	v.CheckText("name", p.Name, 200)
	v.CheckText("team", p.Team, 200)
	if e := strings.TrimSpace(p.Email); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || len(e) > 254 {
			v.Add("email", "must be an address such as ana@example.com, got %q", e)
		}
	}
	if s := strings.TrimSpace(p.SlackID); s != "" && !slackIDRE.MatchString(s) {
		v.Add("slack_id", "must be a Slack user ID such as U024BE7LH, got %q", s)
	}
	switch p.Source {
	case PersonFromConfig, PersonFromOIDC, PersonFromAdmin:
	default:
		v.Add("source", "must be config, oidc or admin, got %q", p.Source)
	}
	return v.Err("person")
}

// Normalize trims every field and drops the handle's leading "@".
func (p *Person) Normalize() {
	p.Handle = HandleName(p.Handle)
	p.Name, p.Email = strings.TrimSpace(p.Name), strings.TrimSpace(p.Email)
	p.SlackID, p.Team = strings.TrimSpace(p.SlackID), strings.TrimSpace(p.Team)
}

// Label returns how the UI names the person: "Ana Lima (@ana)", or "@ana"
// without a display name.
func (p *Person) Label() string {
	if p.Name != "" && p.Name != p.Handle {
		return p.Name + " (@" + p.Handle + ")"
	}
	return "@" + p.Handle
}

// PersonService stores the directory of people.
type PersonService interface {
	// UpsertPerson stores p under its handle (compared case-insensitively),
	// replacing every field of an existing entry but its CreatedAt; it
	// sets CreatedAt and UpdatedAt. Errors: EINVALID.
	UpsertPerson(ctx context.Context, p *Person) error
	// FindPersonByHandle returns the person with that handle ("@ana",
	// "ana" or "ANA"). Errors: ENOTFOUND.
	FindPersonByHandle(ctx context.Context, handle string) (*Person, error)
	// FindPersonByEmail returns the person with that e-mail address,
	// compared case-insensitively. Errors: ENOTFOUND.
	FindPersonByEmail(ctx context.Context, email string) (*Person, error)
	// FindPeople returns every person, by handle.
	FindPeople(ctx context.Context) ([]*Person, error)
	// DeletePerson removes a person from the directory. Errors: ENOTFOUND.
	DeletePerson(ctx context.Context, handle string) error
	// FindSignOffsBySigner returns the sign-offs, voided ones included,
	// whose signer is handle (compared as PersonKey does), newest first,
	// at most limit of them: the reviews a person's page lists.
	FindSignOffsBySigner(ctx context.Context, handle string, limit int) ([]*SignOff, error)
}

// ResolvePerson returns the person that ref names: "@ana", "ana",
// "token:ana" or an e-mail address, as documents, action owners, sign-offs
// and history write people. Errors: ENOTFOUND naming ref as written.
func ResolvePerson(ctx context.Context, people PersonService, ref string) (*Person, error) {
	ref = strings.TrimSpace(ref)
	if strings.Contains(ref, "@") && !strings.HasPrefix(ref, "@") {
		p, err := people.FindPersonByEmail(ctx, ref)
		if err == nil || ErrorCode(err) != ENOTFOUND {
			return p, err
		}
	}
	key := PersonKey(ref)
	if !ValidHandle(key) {
		return nil, Errorf(ENOTFOUND, "no person %q in the directory", ref)
	}
	p, err := people.FindPersonByHandle(ctx, key)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "no person %q in the directory", ref)
	}
	return p, err
}

// Directory is the directory of people in memory, for resolving many
// handles at once (rendering a document, linting it). The zero value is
// an empty directory.
type Directory struct {
	byKey   map[string]*Person
	byEmail map[string]*Person
}

// NewDirectory indexes people by handle and e-mail.
func NewDirectory(people []*Person) *Directory {
	d := &Directory{byKey: make(map[string]*Person, len(people)), byEmail: map[string]*Person{}}
	for _, p := range people {
		d.byKey[PersonKey(p.Handle)] = p
		if p.Email != "" {
			d.byEmail[strings.ToLower(p.Email)] = p
		}
	}
	return d
}

// LoadDirectory reads the whole directory from people.
func LoadDirectory(ctx context.Context, people PersonService) (*Directory, error) {
	list, err := people.FindPeople(ctx)
	if err != nil {
		return nil, err
	}
	return NewDirectory(list), nil
}

// Lookup returns the person ref names, as ResolvePerson reads ref, and
// false when the directory has no such person.
func (d *Directory) Lookup(ref string) (*Person, bool) {
	if d == nil {
		return nil, false
	}
	ref = strings.TrimSpace(ref)
	if strings.Contains(ref, "@") && !strings.HasPrefix(ref, "@") {
		if p, ok := d.byEmail[strings.ToLower(ref)]; ok {
			return p, true
		}
	}
	p, ok := d.byKey[PersonKey(ref)]
	return p, ok
}

// Len returns how many people the directory holds.
func (d *Directory) Len() int {
	if d == nil {
		return 0
	}
	return len(d.byKey)
}

// mentionRE matches "@handle" where it starts a word: not inside an e-mail
// address (a letter, digit or one of "._-" before the "@" rules it out).
var mentionRE = regexp.MustCompile(`(^|[^\w.@-])@([A-Za-z0-9_](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9_])?)`)

// Mention is one "@handle" in a text.
type Mention struct {
	// Handle is as written, without "@".
	Handle string
	// Start and End are the byte offsets of "@handle" in the text.
	Start, End int
}

// Mentions returns every "@handle" in text, in order. An e-mail address is
// not a mention, and a handle's trailing '.' or '-' is punctuation.
func Mentions(text string) []Mention {
	var out []Mention
	for _, m := range mentionRE.FindAllStringSubmatchIndex(text, -1) {
		if r, _ := utf8.DecodeRuneInString(text[m[5]:]); m[5] < len(text) && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@') {
			continue // "@Zoë" or "@a@b": not a handle as written
		}
		out = append(out, Mention{Handle: text[m[4]:m[5]], Start: m[4] - 1, End: m[5]})
	}
	return out
}

// MentionedHandles returns the distinct handles mentioned in text, by
// PersonKey, sorted.
func MentionedHandles(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range Mentions(text) {
		if k := PersonKey(m.Handle); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Package tracker copies action items to issue trackers and brings their
// status back: the outbox worker creates or updates each item's issue
// (Sync), webhooks and a periodic reconcile map the issue's state onto the
// item's status (HandleWebhook, Reconcile). Each kind of tracker is an
// Adapter; the github package speaks to GitHub.
package tracker

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Issue is a tracker's issue as Hindsight reads it.
type Issue struct {
	// Key names the issue in its tracker, such as "acme/platform#12".
	Key string
	URL string
	// Closed is true for a closed issue; NotPlanned when it was closed as
	// not planned (or as a duplicate) rather than completed.
	Closed, NotPlanned bool
}

// Draft is what an issue shows of an action item.
type Draft struct {
	Title string
	Body  string
	// Due is the item's due date (a calendar date; zero for none), for
	// trackers with a due date field of their own (GitLab); the body
	// gives it too.
	Due time.Time
	// Assignee is the owner's handle in the directory of people, set when
	// the route assigns issues: on GitHub the handle is the login, on
	// GitLab the username (looked up to its user ID).
	Assignee string
}

// Event is one webhook delivery that names an issue's state.
type Event struct {
	Issue Issue
	// Actor is who changed the issue, for the item's history.
	Actor string
}

// Adapter is one configured tracker.
type Adapter interface {
	// Create opens an issue.
	Create(ctx context.Context, d Draft) (Issue, error)
	// Update changes an issue's title and body.
	Update(ctx context.Context, key string, d Draft) error
	// Get reads an issue.
	Get(ctx context.Context, key string) (Issue, error)
	// ParseURL reads an issue's web address; ok is false for an address
	// that is not an issue of this tracker.
	ParseURL(u string) (key string, ok bool)
	// Webhook verifies a delivery and decodes it: an EUNAUTHORIZED error
	// for a bad signature or token, a nil Event for a delivery that names
	// no issue state (a ping, a comment).
	Webhook(h http.Header, body []byte) (*Event, error)
}

// Route is a configured tracker and the incidents it takes.
type Route struct {
	Name     string
	Services []string
	// Teams take the actions whose owner's directory entry names one of
	// them.
	Teams   []string
	Default bool
	// Assign sets the issue's assignee from the owner's directory entry.
	Assign  bool
	Adapter Adapter
}

// Actions reads and changes action items through the review workflow, so
// that a status brought back from a tracker follows the workflow's rules
// and is recorded in the item's history.
type Actions interface {
	Action(ctx context.Context, id int64) (*hindsight.ActionItem, error)
	UpdateAction(ctx context.Context, id int64, p hindsight.ActionPatch, expectedVersion int) (*hindsight.ActionItem, error)
}

// Service runs the tracker sync.
type Service struct {
	Store   hindsight.TrackerService
	Actions Actions
	Routes  []Route
	// People is the directory of people, which gives an owner's team and
	// handle; nil routes by service only and assigns no one.
	People hindsight.PersonService
	// BaseURL is Hindsight's public URL, which issues link back to.
	BaseURL string
	// Instance names this process in its claims on the outbox.
	Instance string
	// Now is the clock; nil means the system clock.
	Now func() time.Time
	Log *slog.Logger
}

// Batch is how many outbox items one pass claims.
const Batch = 20

// Lease is how long a claim lasts: longer than an adapter's HTTP timeout
// (30 seconds) times the calls one item needs.
const Lease = 2 * time.Minute

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// route returns the route of an incident's services or of the owner's
// team, or nil.
func (s *Service) route(services []string, team string) *Route {
	for i, r := range s.Routes {
		for _, sv := range services {
			if slices.ContainsFunc(r.Services, func(x string) bool { return strings.EqualFold(x, sv) }) {
				return &s.Routes[i]
			}
		}
		if team != "" && slices.ContainsFunc(r.Teams, func(x string) bool { return strings.EqualFold(x, team) }) {
			return &s.Routes[i]
		}
	}
	for i, r := range s.Routes {
		if r.Default {
			return &s.Routes[i]
		}
	}
	return nil
}

// owner returns the directory entry of an action's owner, or nil when
// there is no directory or the owner is not in it.
func (s *Service) owner(ctx context.Context, owner string) *hindsight.Person {
	if s.People == nil || strings.TrimSpace(owner) == "" {
		return nil
	}
	p, err := hindsight.ResolvePerson(ctx, s.People, owner)
	if err != nil {
		return nil
	}
	return p
}

// named returns the route called name, or nil.
func (s *Service) named(name string) *Route {
	for i, r := range s.Routes {
		if r.Name == name {
			return &s.Routes[i]
		}
	}
	return nil
}

// transientError is implemented by adapter errors that know whether a
// retry may succeed (github.Error).
type transientError interface{ Transient() bool }

// isTransient reports whether a retry of err may succeed: an answer the
// adapter calls transient, or no answer at all (a network error).
func isTransient(err error) bool {
	var te transientError
	if errors.As(err, &te) {
		return te.Transient()
	}
	return true
}

// Backoff is how long the n-th consecutive transient failure (from 1)
// waits: 10 seconds doubling, at most 10 minutes, so that a tracker down
// for an hour is tried about a dozen times and again within 10 minutes of
// its return.
func Backoff(n int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < n && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// FindTrackerLinks returns the links of the given action items, for the
// action list.
func (s *Service) FindTrackerLinks(ctx context.Context, actionIDs []int64) (map[int64]*hindsight.TrackerLink, error) {
	return s.Store.FindTrackerLinks(ctx, actionIDs)
}

// RetryTracker queues an item again now. Errors: ENOTFOUND.
func (s *Service) RetryTracker(ctx context.Context, actionID int64) error {
	return s.Store.RetryTracker(ctx, actionID)
}

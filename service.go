package hindsight

import (
	"context"
	"io"
	"time"
)

// Page bounds a list. A zero Limit means DefaultPageLimit; a Limit above
// MaxPageLimit is cut to MaxPageLimit.
type Page struct {
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

// Page sizes shared by every list.
const (
	DefaultPageLimit = 50
	MaxPageLimit     = 1000
	// MaxPageOffset bounds how far a list can be paged: far past any
	// store's size, and far from where offset+limit overflows.
	MaxPageOffset = 1_000_000
)

// Normalize returns p with a usable limit and an offset between 0 and
// MaxPageOffset.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultPageLimit
	} else if p.Limit > MaxPageLimit {
		p.Limit = MaxPageLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	} else if p.Offset > MaxPageOffset {
		p.Offset = MaxPageOffset
	}
	return p
}

// IncidentFilter selects incidents; zero fields match everything. Results are
// ordered by StartedAt, newest first, then by ID.
type IncidentFilter struct {
	Status   IncidentStatus `json:"status,omitempty"`
	Severity Severity       `json:"severity,omitempty"`
	// Service matches incidents that list this service, whatever the case
	// of its letters ("API" finds "api").
	Service string `json:"service,omitempty"`
	// PostmortemStatus matches incidents whose post-mortem has this status;
	// PostmortemNone matches those without one.
	PostmortemStatus DocumentStatus `json:"postmortem_status,omitempty"`
	// StartedFrom and StartedTo bound StartedAt: From inclusive, To exclusive.
	StartedFrom time.Time `json:"started_from,omitempty"`
	StartedTo   time.Time `json:"started_to,omitempty"`
	// RecurrenceOf matches the incidents opened as recurrences of this one.
	RecurrenceOf string `json:"recurrence_of,omitempty"`
	Page
}

// ActionFilter selects action items; zero fields match everything. Results
// are ordered by due date (soonest first), then by ID.
type ActionFilter struct {
	IncidentID string       `json:"incident_id,omitempty"`
	Owner      string       `json:"owner,omitempty"`
	Status     ActionStatus `json:"status,omitempty"`
	// OverdueAt, when set, keeps only the items that ActionItem.Overdue
	// reports overdue at that instant.
	OverdueAt time.Time `json:"overdue_at,omitempty"`
	Page
}

// RevisionFilter selects revisions; zero fields match everything. Results are
// ordered oldest first.
type RevisionFilter struct {
	IncidentID string `json:"incident_id,omitempty"`
	Entity     string `json:"entity,omitempty"`
	EntityID   string `json:"entity_id,omitempty"`
	Page
}

// SearchQuery is a full-text search over incidents, narrowed like a list.
type SearchQuery struct {
	// Text is what the user typed; words are all required, operators are not
	// interpreted, so any input is safe.
	Text string `json:"text"`
	IncidentFilter
}

// SearchResult is one matching incident.
type SearchResult struct {
	IncidentID string         `json:"incident_id"`
	Title      string         `json:"title"`
	Severity   Severity       `json:"severity"`
	Status     IncidentStatus `json:"status"`
	StartedAt  time.Time      `json:"started_at"`
	// Rank orders results; higher is better. Values are comparable only
	// within one result list.
	Rank float64 `json:"rank"`
	// Snippet is an excerpt of the matching text as safe HTML: every
	// character of the stored text is escaped and the matched words are
	// wrapped in <mark>…</mark>, the only markup it contains.
	Snippet string `json:"snippet"`
}

// IncidentService stores incidents.
type IncidentService interface {
	// FindIncidentByID returns one incident. Errors: ENOTFOUND.
	FindIncidentByID(ctx context.Context, id string) (*Incident, error)
	// FindIncidents returns one page of incidents and the total number that
	// match the filter. Errors: EINVALID (bad filter values).
	FindIncidents(ctx context.Context, f IncidentFilter) ([]*Incident, int, error)
	// CreateIncident stores a new incident, setting CreatedAt, UpdatedAt and
	// Version (1). Errors: EINVALID (listing every bad field), ECONFLICT (the
	// ID exists; the transaction stays usable, so another ID may be tried).
	CreateIncident(ctx context.Context, inc *Incident) error
	// UpdateIncident replaces the stored incident inc.ID with inc, provided
	// it is still at expectedVersion; on success inc.Version is
	// expectedVersion+1 and UpdatedAt is set. A status change must be a legal
	// transition. Errors: EINVALID, ENOTFOUND, ECONFLICT (a stale version,
	// naming who changed what since; or an illegal status transition).
	UpdateIncident(ctx context.Context, inc *Incident, expectedVersion int) error
	// FindPostmortem returns an incident with its document (zero when there
	// is none yet), timeline, action items and sign-offs, read in one
	// consistent snapshot. Errors: ENOTFOUND.
	FindPostmortem(ctx context.Context, incidentID string) (*Postmortem, error)
	// FindServices returns the services incidents list, sorted, each once
	// (names that differ only by case once, the first spelling), at most
	// MaxServices. Errors: none beyond EUNAVAILABLE/EINTERNAL.
	FindServices(ctx context.Context) ([]string, error)
	// FindPostmortemStatuses returns the post-mortem status of each of the
	// incidents ids that has a post-mortem (at most MaxPageLimit ids). Errors:
	// EINVALID (too many ids).
	FindPostmortemStatuses(ctx context.Context, ids []string) (map[string]DocumentStatus, error)
}

// PostmortemNone is the IncidentFilter.PostmortemStatus of incidents
// without a post-mortem.
const PostmortemNone DocumentStatus = "NONE"

// MaxServices bounds the services FindServices returns.
const MaxServices = 1000

// DocumentService stores post-mortem documents, one per incident.
type DocumentService interface {
	// FindDocument returns the document of an incident. Errors: ENOTFOUND.
	FindDocument(ctx context.Context, incidentID string) (*Document, error)
	// CreateDocument stores the first document of an incident, setting
	// Version (1), UpdatedAt and UpdatedBy. Errors: EINVALID, ENOTFOUND (no
	// such incident), ECONFLICT (the incident already has one).
	CreateDocument(ctx context.Context, doc *Document) error
	// UpdateDocument replaces the document of doc.IncidentID, provided it is
	// still at expectedVersion; a status change must be a legal transition
	// and an ARCHIVED document is read-only. Errors: EINVALID, ENOTFOUND,
	// ECONFLICT (stale version naming who changed what since; illegal
	// transition).
	UpdateDocument(ctx context.Context, doc *Document, expectedVersion int) error
}

// TimelineService stores timeline events. Events carry no version: adding
// one never conflicts, and an edit replaces the event as a whole.
type TimelineService interface {
	// FindTimeline returns an incident's events ordered by time, then ID.
	// Errors: ENOTFOUND (no such incident).
	FindTimeline(ctx context.Context, incidentID string) ([]*TimelineEvent, error)
	// AddTimelineEvent appends an event, setting ID, CreatedAt and
	// CreatedBy. Errors: EINVALID, ENOTFOUND (no such incident).
	AddTimelineEvent(ctx context.Context, e *TimelineEvent) error
	// UpdateTimelineEvent replaces event e.ID. Errors: EINVALID, ENOTFOUND.
	UpdateTimelineEvent(ctx context.Context, e *TimelineEvent) error
	// DeleteTimelineEvent removes an event. Errors: ENOTFOUND.
	DeleteTimelineEvent(ctx context.Context, id int64) error
}

// ActionService stores corrective actions across incidents.
type ActionService interface {
	// FindActionItemByID returns one action item. Errors: ENOTFOUND.
	FindActionItemByID(ctx context.Context, id int64) (*ActionItem, error)
	// FindActionItems returns one page of action items and the total that
	// match. Errors: EINVALID.
	FindActionItems(ctx context.Context, f ActionFilter) ([]*ActionItem, int, error)
	// CreateActionItem stores a new action item, setting ID, CreatedAt,
	// UpdatedAt and Version (1). Errors: EINVALID, ENOTFOUND (no such
	// incident).
	CreateActionItem(ctx context.Context, a *ActionItem) error
	// UpdateActionItem replaces item a.ID, provided it is still at
	// expectedVersion. Errors: EINVALID, ENOTFOUND, ECONFLICT (stale version,
	// naming who changed what since).
	UpdateActionItem(ctx context.Context, a *ActionItem, expectedVersion int) error
	// DeleteActionItem removes an item still at expectedVersion. Errors:
	// ENOTFOUND, ECONFLICT.
	DeleteActionItem(ctx context.Context, id int64, expectedVersion int) error
}

// SignOffService stores sign-offs, at most one per incident and role.
type SignOffService interface {
	// FindSignOffs returns an incident's sign-offs in role order. Errors:
	// ENOTFOUND (no such incident).
	FindSignOffs(ctx context.Context, incidentID string) ([]*SignOff, error)
	// CreateSignOff stores a sign-off, setting ID. Errors: EINVALID,
	// ENOTFOUND (no such incident), ECONFLICT (the role already has one).
	CreateSignOff(ctx context.Context, s *SignOff) error
	// UpdateSignOff replaces sign-off s.ID (signing or voiding it). Errors:
	// EINVALID, ENOTFOUND.
	UpdateSignOff(ctx context.Context, s *SignOff) error
}

// RevisionService reads the history that every change writes.
type RevisionService interface {
	// FindRevisions returns one page of revisions, oldest first, and the
	// total that match. Errors: none beyond EUNAVAILABLE/EINTERNAL.
	FindRevisions(ctx context.Context, f RevisionFilter) ([]*Revision, int, error)
}

// SearchService finds incidents by the words of their title, summary,
// description, narrative, timeline and action items.
type SearchService interface {
	// Search returns one page of matches, best first, and the total number
	// of matches. The work is bounded: only the 1,001 most recently created
	// matches (after filters) are counted and ranked, so the total is exact
	// up to 1,000 and 1,001 means "more than 1,000" (show "1,000+"); pages
	// past those matches are empty. Errors: EINVALID (empty text or bad
	// filter).
	Search(ctx context.Context, q SearchQuery) ([]*SearchResult, int, error)
}

// AlertService keeps what the Alertmanager intake needs to process each
// notification exactly once. Use it inside Store.WithTx so that the dedup
// record, the incident, its timeline and its alert states commit together.
type AlertService interface {
	// RecordNotification stores a received notification, setting ID.
	// Errors: ECONFLICT with message "duplicate notification" when one with
	// the same Fingerprint exists (a retry or the other HA member);
	// EINVALID.
	RecordNotification(ctx context.Context, n *AlertNotification) error
	// RecordedNotifications reports which of the fingerprints belong to a
	// recorded notification, in one statement: under the groups' locks, a
	// batch knows its duplicates before it writes anything. Errors: none
	// beyond EUNAVAILABLE/EINTERNAL.
	RecordedNotifications(ctx context.Context, fingerprints ...string) (map[string]bool, error)
	// PruneNotifications deletes notifications received before cutoff and
	// returns how many went. Errors: none beyond EUNAVAILABLE/EINTERNAL.
	PruneNotifications(ctx context.Context, cutoff time.Time) (int64, error)
	// LockAlertGroups serializes, until the transaction ends, every
	// transaction that processes one of the same group keys, across
	// processes sharing one database. It takes the locks in sorted order,
	// so that two transactions cannot deadlock; take them all in one call,
	// outside any savepoint (PostgreSQL releases a lock taken inside a
	// savepoint that is rolled back). Outside WithTx it has no lasting
	// effect.
	LockAlertGroups(ctx context.Context, groupKeys ...string) error
	// FindOpenIncidentByGroupKey returns the latest incident of the group
	// that is not resolved, or was resolved at or after reopenAfter (zero:
	// unresolved only). Errors: ENOTFOUND.
	FindOpenIncidentByGroupKey(ctx context.Context, groupKey string, reopenAfter time.Time) (*Incident, error)
	// AlertGroupsWithIncidents reports which of the group keys have an
	// incident, whatever its status, in one statement: a batch of
	// notifications looks up only the groups that have one. Errors: none
	// beyond EUNAVAILABLE/EINTERNAL.
	AlertGroupsWithIncidents(ctx context.Context, groupKeys ...string) (map[string]bool, error)
	// UpsertAlertState stores the state of one alert of an incident and
	// reports whether its status changed (true for a new alert), which is
	// when the intake writes a timeline event. Errors: EINVALID, ENOTFOUND
	// (no such incident).
	UpsertAlertState(ctx context.Context, a *AlertState) (changed bool, err error)
	// FindAlertStates returns an incident's alert states ordered by key.
	// Errors: ENOTFOUND (no such incident).
	FindAlertStates(ctx context.Context, incidentID string) ([]*AlertState, error)
}

// TokenService stores API tokens; only their hash is kept.
type TokenService interface {
	// CreateToken stores a token, setting ID and CreatedAt. Errors:
	// EINVALID, ECONFLICT (the name or hash exists).
	CreateToken(ctx context.Context, t *APIToken) error
	// FindTokenByHash returns the token with that hash and records its use
	// at now. Errors: ENOTFOUND, EUNAUTHORIZED (the token expired; the
	// message says so).
	FindTokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// FindTokens returns every token, by name. Errors: none beyond
	// EUNAVAILABLE/EINTERNAL.
	FindTokens(ctx context.Context) ([]*APIToken, error)
	// DeleteToken removes a token. Errors: ENOTFOUND.
	DeleteToken(ctx context.Context, id int64) error
}

// Services is every store service that works inside a transaction: the
// Store offers them all (each call its own transaction) and so does every
// transaction that Store.WithTx passes. Callers never type-assert a store
// for a service; a service that is not here is not transactional and sits
// on Store itself.
type Services interface {
	IncidentService
	DocumentService
	TimelineService
	ActionService
	SignOffService
	RevisionService
	SearchService
	AlertService
	AlertBatchWriter
	TokenService
	FollowUpService
	ImpactService
	ImportSourceService
	AnnotationService
	AttachmentService
	ChangeService
	PersonService
	SlackMessageService
	AcknowledgementService
	CommentService
	PersonEventService
	Savepointer
	IndexDeferrer
	WriteDeferrer
}

// Savepointer runs a unit of work inside a savepoint of the current
// transaction. Savepoints let one transaction apply several independent
// units of work, such as the webhook's concurrent notifications committed
// together, where one unit's failure must not undo the others. Outside a
// transaction (on the Store itself) a savepoint is a transaction of its own.
type Savepointer interface {
	// Savepoint runs fn inside a savepoint of the current transaction; fn
	// must use only the tx it is given. When fn returns an error, fn's
	// changes alone are rolled back, the transaction stays usable (even on
	// PostgreSQL after a failed statement), and fn's error is returned.
	// When fn returns nil its changes stay, and commit or roll back with
	// the transaction. Errors: fn's; EUNAVAILABLE or EINTERNAL when the
	// savepoint itself fails, after which the transaction cannot commit.
	Savepoint(ctx context.Context, fn func(tx Services) error) error
}

// ParallelWriter says how many write transactions of a Store are worth
// running at once: several on PostgreSQL, one on SQLite's single writer.
// Writers that batch their work, such as the webhook's group commit, run
// that many batches at once, each in its own transaction.
type ParallelWriter interface {
	// WriteParallelism returns how many write transactions are worth
	// running at once; 1 when the engine serializes writers.
	WriteParallelism() int
}

// IndexDeferrer leaves the search documents of the incidents a transaction
// changes to be rebuilt shortly after it commits, from a durable queue
// written in the same transaction: a crash between the commit and the
// rebuild loses nothing, and each queued rebuild is done once even with
// several instances. Outside a transaction (on the Store) each write is its
// own transaction and there is nothing to defer. The webhook intake defers, so that indexing is off the
// path that a webhook's answer waits for.
type IndexDeferrer interface {
	// DeferIndex makes the transaction queue its search documents for a
	// rebuild after the commit. Until then Search does not see its changes.
	DeferIndex()
}

// WriteDeferrer holds the rows a transaction adds for the incidents it
// creates (their service index rows, drafts and first alert states), its
// new timeline events and the notifications it records, and writes each
// table's with one statement when a later statement may need them, or at
// the commit. The webhook intake defers: a batch of notifications that
// open incidents then pays a few statements for those rows, not a few per
// notification. Outside a transaction (on the Store) there is nothing to
// defer.
type WriteDeferrer interface {
	// DeferWrites makes the transaction hold those rows. A held row that
	// the database refuses (a constraint only it checks, a duplicate
	// notification: check RecordedNotifications first) fails the
	// transaction when it is written, not the call that added it, and new
	// timeline events and notifications get no ID (it stays 0).
	DeferWrites()
}

// AlertBatchWriter writes many alert states and timeline events in a few
// statements, for the webhook intake.
type AlertBatchWriter interface {
	// UpsertAlertStates is UpsertAlertState for each state in order: the
	// result says, for each, whether it was a transition (a new alert or a
	// changed status). Errors as UpsertAlertState's; on error nothing is
	// reported and the caller must roll back.
	UpsertAlertStates(ctx context.Context, states []*AlertState) (changed []bool, err error)
	// AddTimelineEvents is AddTimelineEvent for each event in order: IDs are
	// assigned in that order (and left 0 in a transaction that defers its
	// writes, WriteDeferrer), and each event's creation is recorded in
	// history. Errors as AddTimelineEvent's.
	AddTimelineEvents(ctx context.Context, events []*TimelineEvent) error
}

// Store is the durable store behind Hindsight: every service, transactions,
// backup, and a readiness check. Every method may also return EUNAVAILABLE
// when the database is unreachable, locked or full (callers may retry), and
// EINTERNAL for anything else.
type Store interface {
	Services
	ParallelWriter
	SessionService
	ReminderService
	DistributionRecordService
	FactsService
	GaugeService
	SlackService
	TrackerService
	NotificationPrefsService
	// WithTx runs fn in one transaction, committed when fn returns nil and
	// rolled back otherwise. fn must use only tx, and must return after any
	// error from it (on PostgreSQL a failed statement aborts the
	// transaction) unless the error came out of a savepoint: a tx that
	// supports them also implements Savepointer.
	WithTx(ctx context.Context, fn func(tx Services) error) error
	// Export writes everything in the store as one JSON document.
	Export(ctx context.Context, w io.Writer) error
	// Import loads an Export into an empty store in one transaction. Errors:
	// ECONFLICT (the store is not empty), EINVALID (unreadable or unknown
	// format version).
	Import(ctx context.Context, r io.Reader) error
	// Ping reports whether the database answers. Errors: EUNAVAILABLE.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}

package hindsight

import (
	"context"
	"time"
)

// TrackerState is where an action item's copy in an issue tracker (GitHub,
// GitLab, Jira) stands.
type TrackerState string

// Tracker states.
const (
	// TrackerPending: a change waits to be sent, or is being retried after
	// a transient failure (Error says the last one).
	TrackerPending TrackerState = "pending"
	// TrackerSynced: the tracker's issue shows what Hindsight holds.
	TrackerSynced TrackerState = "synced"
	// TrackerFailed: the tracker refused the change for a reason a retry
	// does not cure (Error says which); the next change of the item, or a
	// retry asked for, tries again.
	TrackerFailed TrackerState = "failed"
	// TrackerNone: no configured tracker applies to the item.
	TrackerNone TrackerState = "none"
)

// TrackerLink is an action item's issue in a tracker and how its sync
// stands: the state each action item shows in the action list.
type TrackerLink struct {
	ActionID int64 `json:"action_id"`
	// Tracker is the configured tracker's name; "" until one applies.
	Tracker string `json:"tracker,omitempty"`
	// IssueKey names the issue in its tracker, such as "acme/platform#12".
	IssueKey string       `json:"issue_key,omitempty"`
	IssueURL string       `json:"issue_url,omitempty"`
	State    TrackerState `json:"state"`
	// Error is the last failure, kept while pending or failed.
	Error    string     `json:"error,omitempty"`
	Attempts int        `json:"attempts"`
	SyncedAt *time.Time `json:"synced_at,omitempty"`
	// NextAttemptAt is when a pending change is tried next.
	NextAttemptAt time.Time `json:"next_attempt_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// TrackerJob is one claimed entry of the tracker outbox: the action item as
// it stands now, its incident's services (which choose the tracker), and
// the link so far.
type TrackerJob struct {
	Link     TrackerLink
	Action   ActionItem
	Services []string
	// Generation counts the item's changes to send; the outcome names the
	// generation it sent, so that a change made meanwhile stays pending.
	Generation int64
}

// TrackerOutcome is what one attempt at a TrackerJob did.
type TrackerOutcome struct {
	ActionID   int64
	Generation int64
	// Tracker, IssueKey and IssueURL are the link found or created; an
	// issue created before a failure is kept, so that the retry updates it
	// instead of creating another.
	Tracker  string
	IssueKey string
	IssueURL string
	// None: no tracker applies to the item.
	None bool
	// Err is the failure, "" on success; Permanent marks one a retry does
	// not cure; RetryAt is when to try a transient one again.
	Err       string
	Permanent bool
	RetryAt   time.Time
}

// TrackerService is the durable outbox of action items to copy to issue
// trackers. An action item's creation, and every change of its title,
// owner, due date or tracker link, queues it in the same transaction; any
// instance may send it, and a claim keeps two instances from sending the
// same item at once.
type TrackerService interface {
	// ClaimTrackerJobs claims up to limit items whose changes are due to be
	// sent, for lease; owner names the claimant. Errors: EUNAVAILABLE.
	ClaimTrackerJobs(ctx context.Context, owner string, limit int, lease time.Duration) ([]*TrackerJob, error)
	// FinishTrackerJob records an attempt's outcome and releases the claim.
	// Errors: ENOTFOUND (the item was deleted meanwhile).
	FinishTrackerJob(ctx context.Context, owner string, o TrackerOutcome) error
	// FindTrackerLinks returns the links of the given action items, by ID;
	// an item never queued has none.
	FindTrackerLinks(ctx context.Context, actionIDs []int64) (map[int64]*TrackerLink, error)
	// FindActionsByIssue returns the IDs of the action items linked to an
	// issue of a tracker.
	FindActionsByIssue(ctx context.Context, tracker, issueKey string) ([]int64, error)
	// FindLinkedIssues returns up to limit links with an issue, of action
	// items whose ID is above afterID, in ID order: the reconcile's pages.
	FindLinkedIssues(ctx context.Context, afterID int64, limit int) ([]*TrackerLink, error)
	// RetryTracker queues an item again now, failed or not. Errors:
	// ENOTFOUND.
	RetryTracker(ctx context.Context, actionID int64) error
}

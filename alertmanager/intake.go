package alertmanager

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// DefaultReopenWindow is how long after resolution a group that fires again
// reopens its incident instead of opening a new one.
const DefaultReopenWindow = time.Hour

// Intake turns notifications into incidents and timeline events. Each
// notification is processed under its group's lock, in a transaction that
// holds the lock until it commits, so that two Hindsight processes sharing
// one PostgreSQL store, receiving the same notifications (both members of an
// Alertmanager HA pair, or retries), produce exactly one incident and one
// timeline event per alert transition.
//
// Concurrent notifications are committed together (group commit, see
// intake_batch.go): one transaction, one savepoint per notification, every
// answer after the shared commit. An Intake must not be copied after its
// first use.
type Intake struct {
	Store   hindsight.Store
	Mapping Mapping
	// ReopenWindow: a group that fires again within it after its incident
	// resolved reopens that incident.
	ReopenWindow time.Duration
	// Draft, when set, is called in the same transaction for a newly opened
	// incident; it returns the draft document to store with it, or nil when
	// the incident gets none (below the configured severity).
	Draft func(inc hindsight.Incident) *hindsight.Document
	// Now is the clock.
	Now func() time.Time

	batch committer
}

// Result says what one notification did.
type Result struct {
	// Duplicate is true when the same notification had already been received
	// (a retry, the other member of an HA pair, or a repeat notification
	// that carries no new fact); nothing changed.
	Duplicate  bool   `json:"duplicate"`
	IncidentID string `json:"incident_id,omitempty"`
	Opened     bool   `json:"opened"`
	Reopened   bool   `json:"reopened"`
	// RecurrenceOf is the incident whose approved (or archived)
	// post-mortem kept it closed when its group fired again: the
	// notification opened IncidentID as a recurrence of it instead.
	RecurrenceOf string `json:"recurrence_of,omitempty"`
	Resolved     bool   `json:"resolved"`
	// Events is the number of timeline events written.
	Events int `json:"events"`
}

// errDuplicate ends the transaction of a notification already received.
var errDuplicate = errors.New("duplicate notification")

// Ingest stores a decoded notification and its raw body durably: when it
// returns nil, the incident, its timeline and the notification are committed.
// It may be called concurrently: notifications that arrive together share
// one transaction, but each succeeds or fails on its own, except that a
// failed commit fails them all.
// Errors: EINVALID (the notification is unusable), EUNAVAILABLE (the store is
// unreachable: the sender should retry), EINTERNAL.
func (in *Intake) Ingest(ctx context.Context, raw []byte, msg *Message) (Result, error) {
	if err := msg.Validate(); err != nil {
		return Result{}, err
	}
	if strings.TrimSpace(msg.GroupKey) == "" {
		// Grafana and hand-made senders may omit the group key: group by
		// the alert name so that one alert still makes one incident.
		msg.GroupKey = "{}:{alertname=" + fmt.Sprintf("%q", AlertName(msg)) + "}"
	}
	return in.submit(&request{ctx: ctx, raw: raw, msg: msg, fingerprint: msg.Fingerprint(), now: in.now()})
}

// apply applies one notification in tx, whose caller holds the group's lock
// and has found that it is not a duplicate. The notification is recorded
// with its incident once that is known, in one statement; a duplicate that
// the store still refuses (ECONFLICT on the unique fingerprint) fails the
// notification, and the caller's savepoint or transaction rolls back what
// it did before.
func (in *Intake) apply(ctx context.Context, tx hindsight.Services, r *request) error {
	raw, msg, now, res := r.raw, r.msg, r.now, &r.res
	inc, known, err := in.incidentFor(ctx, tx, msg, now, res, r.newGroup)
	if err != nil {
		return err
	}
	n := &hindsight.AlertNotification{Fingerprint: r.fingerprint, GroupKey: msg.GroupKey, Body: raw, ReceivedAt: now}
	if inc != nil {
		n.IncidentID = inc.ID
	}
	if err := tx.RecordNotification(ctx, n); err != nil {
		if hindsight.ErrorCode(err) == hindsight.ECONFLICT {
			return errDuplicate
		}
		return err
	}
	if inc == nil {
		return nil
	}
	if res.RecurrenceOf != "" {
		// The resolved alerts belong to the closed incident, which
		// stays as approved.
		msg = firingOnly(msg)
	}
	res.IncidentID = inc.ID
	if err := in.applyAlerts(ctx, tx, inc, known, msg, res); err != nil {
		return err
	}
	return in.resolveIfDone(ctx, tx, inc, known, res)
}

// incidentFor finds the group's open incident, reopens a recently resolved
// one, or opens a new one, and returns it with its alert states by key, read
// once: the group's lock keeps them current for the whole transaction. It
// returns a nil incident for a resolved notification of a group with no
// incident: there is nothing to open or close. newGroup says the group is
// known to have no incident: it is not looked up.
func (in *Intake) incidentFor(ctx context.Context, tx hindsight.Services, msg *Message, now time.Time, res *Result, newGroup bool) (*hindsight.Incident, map[string]*hindsight.AlertState, error) {
	window := in.ReopenWindow
	if window <= 0 {
		window = DefaultReopenWindow
	}
	// The group's latest incident, whatever its age: an open one, or one
	// resolved within the window, takes the notification; an older one
	// only says whether what fires now recurs an approved record.
	var inc *hindsight.Incident
	var err error = hindsight.Errorf(hindsight.ENOTFOUND, "alert group %s has no incident", msg.GroupKey)
	if !newGroup {
		inc, err = tx.FindOpenIncidentByGroupKey(ctx, msg.GroupKey, anyResolution)
	}
	switch {
	case err == nil && inc.Status == hindsight.IncidentResolved && inc.ResolvedAt != nil && inc.ResolvedAt.Before(now.Add(-window)):
		return in.openAfter(ctx, tx, inc, msg, res)
	case err == nil:
		known, err := knownStates(ctx, tx, inc.ID)
		if err != nil {
			return nil, nil, err
		}
		if closed, err := recordClosed(ctx, tx, inc.ID); err != nil || closed {
			return in.recur(ctx, tx, inc, known, msg, res, err)
		}
		if inc.Status == hindsight.IncidentResolved && hasNewFiring(known, msg) {
			err = in.reopen(ctx, tx, inc, msg, res)
		}
		return inc, known, err
	case hindsight.ErrorCode(err) != hindsight.ENOTFOUND:
		return nil, nil, err
	}
	if !hasFiring(msg) {
		return nil, nil, nil
	}
	inc, err = in.open(ctx, tx, msg, res, nil)
	return inc, map[string]*hindsight.AlertState{}, err
}

// anyResolution asks the store for a group's latest incident however long
// ago it was resolved (the Unix epoch: the earliest time the store holds).
var anyResolution = time.Unix(0, 0).UTC()

// openAfter handles a notification of a group whose latest incident was
// resolved before the reopen window: what fires opens a new incident, a
// recurrence when the earlier one's post-mortem is a record (approved or
// archived), so the link does not depend on how long the group was quiet.
func (in *Intake) openAfter(ctx context.Context, tx hindsight.Services, earlier *hindsight.Incident, msg *Message, res *Result) (*hindsight.Incident, map[string]*hindsight.AlertState, error) {
	if !hasFiring(msg) {
		return nil, nil, nil
	}
	closed, err := recordClosed(ctx, tx, earlier.ID)
	if err != nil {
		return nil, nil, err
	}
	if !closed {
		earlier = nil
	}
	inc, err := in.open(ctx, tx, msg, res, earlier)
	if err != nil {
		return nil, nil, err
	}
	if closed {
		res.RecurrenceOf = earlier.ID
	}
	return inc, map[string]*hindsight.AlertState{}, nil
}

// recordClosed reports whether the incident's post-mortem is APPROVED or
// ARCHIVED: a record that alerts no longer change.
func recordClosed(ctx context.Context, tx hindsight.Services, incidentID string) (bool, error) {
	doc, err := tx.FindDocument(ctx, incidentID)
	if hindsight.ErrorCode(err) == hindsight.ENOTFOUND {
		return false, nil
	}
	return doc.Closed(), err
}

// recur handles a notification of a group whose incident's post-mortem is
// a record (closed): the closed incident is never reopened nor changed. An
// alert that newly fires opens a new incident, a recurrence of the closed
// one; anything else (repeats, late resolutions) changes nothing.
func (in *Intake) recur(ctx context.Context, tx hindsight.Services, closed *hindsight.Incident, known map[string]*hindsight.AlertState, msg *Message, res *Result, err error) (*hindsight.Incident, map[string]*hindsight.AlertState, error) {
	if err != nil || !hasNewFiring(known, msg) {
		return nil, nil, err
	}
	inc, err := in.open(ctx, tx, firingOnly(msg), res, closed)
	if err != nil {
		return nil, nil, err
	}
	res.RecurrenceOf = closed.ID
	return inc, map[string]*hindsight.AlertState{}, nil
}

// open creates the incident a firing notification describes, with its
// draft; recurs is the closed incident it is a recurrence of, if any.
func (in *Intake) open(ctx context.Context, tx hindsight.Services, msg *Message, res *Result, recurs *hindsight.Incident) (*hindsight.Incident, error) {
	inc := in.Mapping.Incident(msg)
	if recurs != nil {
		inc.RecurrenceOf = recurs.ID
		// A recurrence starts no earlier than what it recurs, so that it
		// is the group's latest incident even if an alert claims an older
		// start: the next notification then finds it, not the record.
		if inc.StartedAt.Before(recurs.StartedAt) {
			inc.StartedAt = recurs.StartedAt
			inc.ID = hindsight.IncidentID(inc.StartedAt, inc.AlertName)
		}
	}
	inc.Status, inc.ResolvedAt = hindsight.IncidentInvestigating, nil
	inc.Author = "alertmanager"
	if err := createUnique(ctx, tx, &inc); err != nil {
		return nil, err
	}
	res.Opened = true
	if in.Draft != nil {
		if doc := in.Draft(inc); doc != nil {
			doc.IncidentID = inc.ID
			if err := tx.CreateDocument(ctx, doc); err != nil {
				return nil, err
			}
		}
	}
	return &inc, nil
}

// createUnique creates inc under its ID, or with a numeric suffix when an
// incident of the same alert started in the same minute already exists
// (another group): CreateIncident's ECONFLICT leaves the transaction usable.
func createUnique(ctx context.Context, tx hindsight.Services, inc *hindsight.Incident) error {
	id := inc.ID
	for i := 2; ; i++ {
		err := tx.CreateIncident(ctx, inc)
		if hindsight.ErrorCode(err) != hindsight.ECONFLICT || i >= 100 {
			return err
		}
		inc.ID = fmt.Sprintf("%s-%d", id, i)
	}
}

// reopen moves a resolved incident back under investigation.
func (in *Intake) reopen(ctx context.Context, tx hindsight.Services, inc *hindsight.Incident, msg *Message, res *Result) error {
	version := inc.Version
	inc.Status, inc.ResolvedAt = hindsight.IncidentInvestigating, nil
	if err := tx.UpdateIncident(ctx, inc, version); err != nil {
		return err
	}
	res.Reopened = true
	return in.addEvent(ctx, tx, res, &hindsight.TimelineEvent{
		IncidentID: inc.ID, Time: StartedAt(firingOnly(msg)), Type: hindsight.EventStatusChange,
		Event: "Incident reopened", Actor: "System", Action: "Alert group fired again within the reopen window",
	})
}

// applyAlerts stores each alert's state and writes one timeline event for
// each alert that started firing or resolved. A store whose tx implements
// hindsight.AlertBatchWriter writes them all in a few statements.
func (in *Intake) applyAlerts(ctx context.Context, tx hindsight.Services, inc *hindsight.Incident, known map[string]*hindsight.AlertState, msg *Message, res *Result) error {
	alerts := append([]Alert(nil), msg.Alerts...)
	sort.SliceStable(alerts, func(i, j int) bool { return alerts[i].StartsAt.Before(alerts[j].StartsAt) })
	kept := alerts[:0]
	var states []*hindsight.AlertState
	for _, a := range alerts {
		if stale(known[a.Key()], a) {
			continue
		}
		st := alertState(inc.ID, a)
		known[st.AlertKey] = st
		kept, states = append(kept, a), append(states, st)
	}
	changed, err := tx.UpsertAlertStates(ctx, states)
	if err != nil {
		return err
	}
	var events []*hindsight.TimelineEvent
	for i, a := range kept {
		if changed[i] {
			e := in.alertEvent(inc, msg, a, res)
			res.Events++ // alertEvent reads it: the first one of a new incident is the initial trigger
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return nil
	}
	return tx.AddTimelineEvents(ctx, events)
}

func knownStates(ctx context.Context, tx hindsight.Services, incidentID string) (map[string]*hindsight.AlertState, error) {
	states, err := tx.FindAlertStates(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	known := make(map[string]*hindsight.AlertState, len(states))
	for _, st := range states {
		known[st.AlertKey] = st
	}
	return known, nil
}

// stale reports whether a is older news than the stored state: a firing
// alert delivered late (a retry that lost the race with its resolution) must
// not undo the resolution. An alert that fires again has a later startsAt.
func stale(st *hindsight.AlertState, a Alert) bool {
	return st != nil && st.Status == hindsight.AlertResolved && !a.Resolved() && !a.StartsAt.After(st.StartsAt)
}

func alertState(incidentID string, a Alert) *hindsight.AlertState {
	st := &hindsight.AlertState{
		IncidentID: incidentID, AlertKey: a.Key(), Labels: a.Labels,
		Status: hindsight.AlertFiring, StartsAt: a.StartsAt.UTC(),
	}
	if a.Resolved() {
		end := a.EndsAt.UTC()
		st.Status, st.EndsAt = hindsight.AlertResolved, &end
	}
	return st
}

// alertEvent describes one alert transition. The first alert of a new
// incident is the seed's "Initial trigger" row.
func (in *Intake) alertEvent(inc *hindsight.Incident, msg *Message, a Alert, res *Result) *hindsight.TimelineEvent {
	who := distinguishing(a.Labels, msg.CommonLabels)
	name := a.Name()
	if who != "" {
		name += " (" + who + ")"
	}
	e := &hindsight.TimelineEvent{IncidentID: inc.ID, Actor: "System", Source: "alertmanager"}
	switch {
	case a.Resolved():
		e.Time, e.Type, e.Event, e.Action = a.EndsAt.UTC(), hindsight.EventAlertResolved, "Alert resolved", "Alert resolved: "+name
	case res.Opened && res.Events == 0:
		e.Time, e.Type, e.Event, e.Action = a.StartsAt.UTC(), hindsight.EventAlertFired, "Initial trigger", "Alert fired: "+name
	default:
		e.Time, e.Type, e.Event, e.Action = a.StartsAt.UTC(), hindsight.EventAlertAdded, "Alert firing", "Alert fired: "+name
	}
	return e
}

// resolveIfDone resolves the incident once every alert it has seen (known,
// kept current by applyAlerts) is resolved, at the latest endsAt. A
// notification saying "resolved" is not enough: Alertmanager's last
// notification of a group carries only the alerts resolved since the
// previous one.
func (in *Intake) resolveIfDone(ctx context.Context, tx hindsight.Services, inc *hindsight.Incident, known map[string]*hindsight.AlertState, res *Result) error {
	if inc.Status == hindsight.IncidentResolved || len(known) == 0 {
		return nil
	}
	end := inc.StartedAt
	for _, st := range known {
		if st.Status != hindsight.AlertResolved || st.EndsAt == nil {
			return nil
		}
		if st.EndsAt.After(end) {
			end = *st.EndsAt
		}
	}
	fresh, err := tx.FindIncidentByID(ctx, inc.ID)
	if err != nil {
		return err
	}
	version := fresh.Version
	fresh.Status, fresh.ResolvedAt = hindsight.IncidentResolved, &end
	if err := tx.UpdateIncident(ctx, fresh, version); err != nil {
		return err
	}
	*inc = *fresh
	res.Resolved = true
	return in.addEvent(ctx, tx, res, &hindsight.TimelineEvent{
		IncidentID: inc.ID, Time: end, Type: hindsight.EventResolved, Event: "Incident resolved",
		Actor: "System", Action: "All alerts resolved", Source: "alertmanager",
	})
}

func (in *Intake) addEvent(ctx context.Context, tx hindsight.Services, res *Result, e *hindsight.TimelineEvent) error {
	if e.Source == "" {
		e.Source = "alertmanager"
	}
	if err := tx.AddTimelineEvent(ctx, e); err != nil {
		return err
	}
	res.Events++
	return nil
}

func (in *Intake) now() time.Time {
	if in.Now != nil {
		return in.Now().UTC()
	}
	return time.Now().UTC()
}

// distinguishing returns the labels that tell one alert of a group from the
// others ("instance=10.0.1.1:8080"), sorted.
func distinguishing(labels, common map[string]string) string {
	var parts []string
	for k, v := range labels {
		if _, ok := common[k]; !ok {
			parts = append(parts, k+"="+v)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func hasFiring(msg *Message) bool {
	for _, a := range msg.Alerts {
		if !a.Resolved() {
			return true
		}
	}
	return false
}

// hasNewFiring reports whether msg carries a firing alert that the resolved
// incident, whose alert states are known, has not seen firing: a late
// resolved notification or a retry of an old one must not reopen it.
func hasNewFiring(known map[string]*hindsight.AlertState, msg *Message) bool {
	for _, a := range msg.Alerts {
		if !a.Resolved() && !stale(known[a.Key()], a) && (known[a.Key()] == nil || known[a.Key()].Status == hindsight.AlertResolved) {
			return true
		}
	}
	return false
}

// firingOnly returns a copy of msg with only its firing alerts.
func firingOnly(msg *Message) *Message {
	out := *msg
	out.Alerts = nil
	for _, a := range msg.Alerts {
		if !a.Resolved() {
			out.Alerts = append(out.Alerts, a)
		}
	}
	return &out
}

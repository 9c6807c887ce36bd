package distribution

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/notify"
	"github.com/hindsight-sre/hindsight/reminder"
)

// ReminderWeeklyDigest is the record of one weekly digest sent through one
// channel: subject "digest", period the ISO week.
const ReminderWeeklyDigest hindsight.ReminderKind = "weekly_digest"

// maxDigestItems bounds the incidents and reviews a digest names; the
// counts stay whole.
const maxDigestItems = 20

// DigestStore is what the digest reads and writes.
type DigestStore interface {
	FindIncidents(ctx context.Context, f hindsight.IncidentFilter) ([]*hindsight.Incident, int, error)
	FindPeople(ctx context.Context) ([]*hindsight.Person, error)
	reminder.Store
}

// Digest sends the weekly digest: incidents opened in the last seven days,
// post-mortems awaiting review, and overdue action items per team (the
// owner's team in the directory of people) and owner. It is
// due from Weekday at Hour (UTC) each ISO week, sent once per channel
// and week across instances.
type Digest struct {
	Store   DigestStore
	Weekday time.Weekday
	Hour    int
	// Email are the recipients, through SMTP; Slack the channels, through
	// Slack (each as for Sender).
	Email   []string
	Slack   []string
	SMTP    *notify.SMTP
	Webhook *notify.Slack
	Metrics *notify.Metrics
	BaseURL string
	Now     func() time.Time
	Retry   notify.Retrying
	Log     *slog.Logger
}

// RunOnce sends the digest through each channel not yet sent this week,
// once its time has come. Failed deliveries are retried on a later pass.
func (d *Digest) RunOnce(ctx context.Context) (reminder.PassResult, error) {
	var res reminder.PassResult
	now := d.now()
	if now.Before(d.dueAt(now)) {
		return res, nil
	}
	msg, err := d.Message(ctx, now)
	if err != nil {
		return res, err
	}
	deliverer := &reminder.Scheduler{Store: d.Store, Now: d.Now, Log: d.Log, Metrics: d.Metrics}
	var errs []error
	for _, ch := range d.channels() {
		res.Due++
		if err := deliverer.Deliver(ctx, ch, msg, &res); err != nil {
			errs = append(errs, err)
		}
	}
	return res, errors.Join(errs...)
}

// dueAt is when the digest of now's ISO week becomes due.
func (d *Digest) dueAt(now time.Time) time.Time {
	day := time.Date(now.Year(), now.Month(), now.Day(), d.Hour, 0, 0, 0, time.UTC)
	offset := (int(d.Weekday) + 6) % 7 // days from Monday
	today := (int(now.Weekday()) + 6) % 7
	return day.AddDate(0, 0, offset-today)
}

// channels are the digest's deliveries, named by their record key.
func (d *Digest) channels() []notify.Channel {
	var out []notify.Channel
	wrap := func(key, name string, n notify.Notifier) {
		rt := d.Retry
		rt.Channel, rt.Metrics = notify.Channel{Name: name, Notifier: n}, d.Metrics
		out = append(out, notify.Channel{Name: key, Notifier: &rt})
	}
	if len(d.Email) > 0 && d.SMTP != nil {
		m := *d.SMTP
		m.To = d.Email
		wrap("email", notify.ChannelSMTP, &m)
	}
	for _, ch := range d.Slack {
		if d.Webhook != nil {
			sl := *d.Webhook
			sl.Channel = ch
			wrap("slack:"+ch, notify.ChannelSlack, &sl)
		}
	}
	return out
}

// Message builds the digest of the seven days before now.
func (d *Digest) Message(ctx context.Context, now time.Time) (hindsight.Reminder, error) {
	r := hindsight.Reminder{Kind: ReminderWeeklyDigest, Subject: "digest", Period: hindsight.WeekPeriod(now),
		Title: "Hindsight weekly digest, " + hindsight.WeekPeriod(now), URL: d.BaseURL}
	opened, n, err := d.Store.FindIncidents(ctx, hindsight.IncidentFilter{StartedFrom: now.AddDate(0, 0, -7), StartedTo: now,
		Page: hindsight.Page{Limit: maxDigestItems}})
	if err != nil {
		return r, err
	}
	r.Lines = append(r.Lines, fmt.Sprintf("Incidents opened in the last 7 days: %d", n))
	for _, inc := range opened {
		r.Lines = append(r.Lines, fmt.Sprintf("%s %s (%s)", inc.Severity, inc.Title, inc.ID))
	}
	review, n, err := d.Store.FindIncidents(ctx, hindsight.IncidentFilter{PostmortemStatus: hindsight.DocUnderReview,
		Page: hindsight.Page{Limit: maxDigestItems}})
	if err != nil {
		return r, err
	}
	r.Lines = append(r.Lines, fmt.Sprintf("Post-mortems awaiting review: %d", n))
	for _, inc := range review {
		r.Lines = append(r.Lines, fmt.Sprintf("%s (%s)", inc.Title, inc.ID))
	}
	lines, err := d.overdueByTeam(ctx, now)
	r.Lines = append(r.Lines, lines...)
	return r, err
}

// overdueByTeam counts the overdue action items of each team, most first,
// naming each team's owners; owners the directory does not know, or
// without a team, count under "(no team)".
func (d *Digest) overdueByTeam(ctx context.Context, now time.Time) ([]string, error) {
	people, err := d.Store.FindPeople(ctx)
	if err != nil {
		return nil, err
	}
	dir := hindsight.NewDirectory(people)
	teams := map[string]map[string]int{}
	total := 0
	for page := (hindsight.Page{Limit: hindsight.MaxPageLimit}); ; page.Offset += hindsight.MaxPageLimit {
		items, n, err := d.Store.FindActionItems(ctx, hindsight.ActionFilter{OverdueAt: now, Page: page})
		if err != nil {
			return nil, err
		}
		for _, a := range items {
			owner, team := a.Owner, "(no team)"
			if owner == "" {
				owner = "(no owner)"
			} else if p, ok := dir.Lookup(owner); ok && p.Team != "" {
				team = p.Team
			}
			if teams[team] == nil {
				teams[team] = map[string]int{}
			}
			teams[team][owner]++
		}
		total = n
		if len(items) == 0 || page.Offset+len(items) >= n || page.Offset >= hindsight.MaxPageOffset {
			break
		}
	}
	sums := map[string]int{}
	for team, owners := range teams {
		for _, n := range owners {
			sums[team] += n
		}
	}
	lines := []string{fmt.Sprintf("Action items overdue: %d", total)}
	for _, team := range byCount(sums) {
		var parts []string
		for _, o := range byCount(teams[team]) {
			parts = append(parts, fmt.Sprintf("%s %d", o, teams[team][o]))
		}
		lines = append(lines, fmt.Sprintf("%s: %d (%s)", team, sums[team], strings.Join(parts, ", ")))
	}
	return lines, nil
}

// byCount returns m's keys, largest count first, then by name.
func byCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

func (d *Digest) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

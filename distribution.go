package hindsight

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// ReminderDistribution is the record of one post-mortem sent, on its
// approval, to one channel of one distribution entry. Subject is the
// incident ID, Period the moment of approval (DistributionPeriod), Channel
// the entry and its channel ("engineering/email", "engineering/slack:#eng"):
// each is sent once per approval, and the confirmed record is the tick of
// the document's Distribution List. These records are never pruned.
const ReminderDistribution ReminderKind = "distribution"

// DistributionPeriod names one approval of a post-mortem: a document sent
// back to DRAFT and approved again is distributed again.
func DistributionPeriod(approvedAt time.Time) string {
	return approvedAt.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// SeverityCondition is an entry's "when", such as "severity <= SEV2"
// (SEV1 and SEV2); the zero condition always holds.
type SeverityCondition struct {
	Op       string   `json:"op,omitempty"`
	Severity Severity `json:"severity,omitempty"`
}

var conditionPattern = regexp.MustCompile(`^\s*severity\s*(<=|>=|==|=|<|>)\s*(\S+)\s*$`)

// ParseSeverityCondition reads "severity <= SEV2" (operators <, <=, ==,
// >=, >; a lower number is more severe, so "<= SEV2" is SEV1 and SEV2);
// "" always holds. Errors: EINVALID.
func ParseSeverityCondition(s string) (SeverityCondition, error) {
	if strings.TrimSpace(s) == "" {
		return SeverityCondition{}, nil
	}
	m := conditionPattern.FindStringSubmatch(s)
	if m == nil {
		return SeverityCondition{}, Errorf(EINVALID, "condition %q: write it as \"severity <= SEV2\" (operators <, <=, ==, >=, >)", s)
	}
	sev, err := ParseSeverity(m[2])
	if err != nil {
		return SeverityCondition{}, Errorf(EINVALID, "condition %q: %s", s, ErrorMessage(err))
	}
	op := m[1]
	if op == "=" {
		op = "=="
	}
	return SeverityCondition{Op: op, Severity: sev}, nil
}

// Holds reports whether an incident of severity s meets the condition.
func (c SeverityCondition) Holds(s Severity) bool {
	if c.Op == "" {
		return true
	}
	a, b := s.Rank(), c.Severity.Rank()
	if a == 0 {
		return false
	}
	switch c.Op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case "==":
		return a == b
	case ">=":
		return a >= b
	case ">":
		return a > b
	}
	return false
}

// String returns the condition as written in the configuration.
func (c SeverityCondition) String() string {
	if c.Op == "" {
		return ""
	}
	return "severity " + c.Op + " " + string(c.Severity)
}

// DistributionEntry maps one entry of a document's Distribution List onto
// the addresses that receive the approved post-mortem.
type DistributionEntry struct {
	// Name is the configuration's key, such as "engineering"; it matches
	// the list entry whose words start with it ("Engineering Team").
	Name string `json:"name"`
	// Label, when set, is the list entry it matches instead, whole.
	Label string            `json:"label,omitempty"`
	When  SeverityCondition `json:"when"`
	Email []string          `json:"email,omitempty"`
	// Slack lists channels ("#eng") posted to through the Slack-compatible
	// incoming webhook, which must allow a channel override.
	Slack []string `json:"slack,omitempty"`
}

// Matches reports whether the Distribution List entry label is this entry.
func (e DistributionEntry) Matches(label string) bool {
	if e.Label != "" {
		return strings.EqualFold(strings.TrimSpace(e.Label), strings.TrimSpace(label))
	}
	l, n := labelWords(label), labelWords(e.Name)
	return n != "" && (l == n || strings.HasPrefix(l, n+" "))
}

var nonWord = regexp.MustCompile(`[^\pL\pN]+`)

// labelWords lowercases s, drops a parenthesised remark and keeps its
// words separated by single spaces: "Executive Team (if SEV1-SEV2)" is
// "executive team", "customer_success" is "customer success".
func labelWords(s string) string {
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(nonWord.ReplaceAllString(strings.ToLower(s), " "))
}

// Delivery is one message of a distribution: one entry through one channel.
type Delivery struct {
	// Entry is the configuration's key, Label the document's list entry.
	Entry string `json:"entry"`
	Label string `json:"label"`
	// Channel is "email" or "slack:#channel"; with Entry it keys the record.
	Channel string `json:"channel"`
	// Email are the recipients of an e-mail delivery, Slack the channel of
	// a Slack one.
	Email []string `json:"email,omitempty"`
	Slack string   `json:"slack,omitempty"`
}

// Key is the delivery's record channel: "engineering/email".
func (d Delivery) Key() string { return d.Entry + "/" + d.Channel }

// Deliveries returns what an approved post-mortem is sent to: for each
// entry of its Distribution List (list, as the document shows it) that a
// configured entry matches and whose condition the incident's severity
// sev meets, one e-mail to the entry's addresses and one post per Slack
// channel. An entry the list does not hold (people removed it) or no
// configuration matches gets nothing.
func Deliveries(entries []DistributionEntry, list []Check, sev Severity) []Delivery {
	var out []Delivery
	for _, item := range list {
		for _, e := range entries {
			if !e.Matches(item.Label) || !e.When.Holds(sev) {
				continue
			}
			if len(e.Email) > 0 {
				out = append(out, Delivery{Entry: e.Name, Label: item.Label, Channel: "email", Email: e.Email})
			}
			for _, ch := range e.Slack {
				out = append(out, Delivery{Entry: e.Name, Label: item.Label, Channel: "slack:" + ch, Slack: ch})
			}
		}
	}
	return out
}

// DistributionRecord is one delivery's record: claimed, and sent at SentAt
// once confirmed.
type DistributionRecord struct {
	Period  string     `json:"period"`
	Channel string     `json:"channel"`
	SentAt  *time.Time `json:"sent_at"`
}

// DistributionRecordService reads the records of an incident's
// distributions (the reminder record of kind ReminderDistribution).
type DistributionRecordService interface {
	// FindDistributionRecords returns the records of incidentID, oldest
	// claim first. Errors: none beyond EUNAVAILABLE/EINTERNAL.
	FindDistributionRecords(ctx context.Context, incidentID string) ([]DistributionRecord, error)
	// FindApprovedSince returns the incidents whose post-mortem is APPROVED
	// or ARCHIVED and was approved at or after since, oldest approval first.
	FindApprovedSince(ctx context.Context, since time.Time) ([]string, error)
}

// DistributionTick is one entry of a post-mortem's Distribution List as
// distributed since its approval: sent (SentAt, once every delivery of the
// entry is confirmed) or why not.
type DistributionTick struct {
	Label string `json:"label"`
	// Deliveries are the entry's messages with their records.
	Deliveries []SentDelivery `json:"deliveries"`
	// SentAt is when the entry's last delivery was confirmed; nil until
	// all are.
	SentAt *time.Time `json:"sent_at"`
	// Note says why nothing is sent: not approved, no configuration, the
	// condition not met, or pending.
	Note string `json:"note,omitempty"`
}

// SentDelivery is one delivery and when it was confirmed.
type SentDelivery struct {
	Channel string     `json:"channel"`
	SentAt  *time.Time `json:"sent_at"`
}

// DistributionTicker tells when each entry of a post-mortem's Distribution
// List was sent.
type DistributionTicker interface {
	// DistributionTicks returns one tick per entry of pm's list. Errors:
	// none beyond EUNAVAILABLE/EINTERNAL.
	DistributionTicks(ctx context.Context, pm *Postmortem) ([]DistributionTick, error)
}

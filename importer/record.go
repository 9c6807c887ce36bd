package importer

import (
	"context"

	"github.com/hindsight-sre/hindsight"
)

// recordGuard stands for the transaction while an import compares a
// document with an APPROVED or ARCHIVED post-mortem: reads pass through,
// and the first write the document would need fails with ECONFLICT, since
// nothing changes a record but an explicit, recorded reopening.
type recordGuard struct {
	hindsight.Services
	stored *hindsight.Postmortem
}

func (g recordGuard) refuse(what string) error {
	return hindsight.Errorf(hindsight.ECONFLICT,
		"the post-mortem of %s is %s, a record, and the document changes its %s: reopen it for review first, then import the edited document",
		g.stored.Incident.ID, g.stored.Document.Status, what)
}

func (g recordGuard) UpdateIncident(context.Context, *hindsight.Incident, int) error {
	return g.refuse("incident")
}

func (g recordGuard) CreateDocument(context.Context, *hindsight.Document) error {
	return g.refuse("document")
}

func (g recordGuard) UpdateDocument(context.Context, *hindsight.Document, int) error {
	return g.refuse("document")
}

func (g recordGuard) AddTimelineEvent(context.Context, *hindsight.TimelineEvent) error {
	return g.refuse("timeline")
}

func (g recordGuard) UpdateTimelineEvent(context.Context, *hindsight.TimelineEvent) error {
	return g.refuse("timeline")
}

func (g recordGuard) DeleteTimelineEvent(context.Context, int64) error {
	return g.refuse("timeline")
}

func (g recordGuard) CreateActionItem(context.Context, *hindsight.ActionItem) error {
	return g.refuse("action items")
}

func (g recordGuard) UpdateActionItem(context.Context, *hindsight.ActionItem, int) error {
	return g.refuse("action items")
}

func (g recordGuard) DeleteActionItem(context.Context, int64, int) error {
	return g.refuse("action items")
}

func (g recordGuard) CreateSignOff(context.Context, *hindsight.SignOff) error {
	return g.refuse("sign-offs")
}

func (g recordGuard) UpdateSignOff(context.Context, *hindsight.SignOff) error {
	return g.refuse("sign-offs")
}

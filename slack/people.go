package slack

import (
	"context"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// person returns the Hindsight person behind a Slack user: slack.users
// first (with its role), else the directory entry whose SlackID it is
// (with DirectoryRole).
func (a *App) person(ctx context.Context, userID string) (Person, bool) {
	if p, ok := a.Users[userID]; ok {
		return p, true
	}
	if a.People == nil || userID == "" {
		return Person{}, false
	}
	people, err := a.People.FindPeople(ctx)
	if err != nil {
		a.log().Warn("slack: the directory of people is unreadable", "err", err)
		return Person{}, false
	}
	for _, p := range people {
		if p.SlackID == userID {
			return Person{Handle: p.Handle, Role: a.directoryRole()}, true
		}
	}
	return Person{}, false
}

// directoryRole is the role of people known only from the directory.
func (a *App) directoryRole() hindsight.Role {
	if a.DirectoryRole != "" {
		return a.DirectoryRole
	}
	return hindsight.RoleViewer
}

// slackIDs maps lowercased handles onto Slack user IDs: the directory's,
// then slack.users over them.
func (a *App) slackIDs(ctx context.Context) map[string]string {
	out := map[string]string{}
	if a.People != nil {
		if people, err := a.People.FindPeople(ctx); err == nil {
			for _, p := range people {
				if p.SlackID != "" {
					out[strings.ToLower(hindsight.HandleName(p.Handle))] = p.SlackID
				}
			}
		}
	}
	for id, p := range a.Users {
		out[strings.ToLower(hindsight.HandleName(p.Handle))] = id
	}
	return out
}

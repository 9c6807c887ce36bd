package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/config"
	"github.com/hindsight-sre/hindsight/github"
	"github.com/hindsight-sre/hindsight/sqlstore"
	"github.com/hindsight-sre/hindsight/tracker"
	"github.com/hindsight-sre/hindsight/worker"
)

// Tracker worker names.
const (
	workerTrackerSync      = "tracker_sync"
	workerTrackerReconcile = "tracker_reconcile"
)

// newTrackers builds the tracker sync from trackers.routes, acting on
// action items through the review workflow; nil without routes.
func (m *Main) newTrackers(store *sqlstore.Store) (*tracker.Service, error) {
	cfg := m.Config.Trackers
	if len(cfg.Routes) == 0 {
		return nil, nil
	}
	if m.review == nil {
		return nil, fmt.Errorf("trackers: the review service is not wired")
	}
	svc := &tracker.Service{Store: store, Actions: m.review, People: store, BaseURL: m.Config.Server.BaseURL,
		Instance: instanceName(), Now: m.Now, Log: m.logger()}
	for _, r := range cfg.Routes {
		a, err := trackerAdapter(r)
		if err != nil {
			return nil, fmt.Errorf("trackers.routes %s: %w", r.Name, err)
		}
		svc.Routes = append(svc.Routes, tracker.Route{Name: r.Name, Services: r.Services, Teams: r.Teams, Default: r.Default,
			Assign: r.Assign, Adapter: a})
	}
	m.logger().Info("trackers: action items are copied to issue trackers", "routes", len(svc.Routes),
		"sync_interval", cfg.SyncInterval.String(), "reconcile_interval", cfg.ReconcileInterval.String())
	return svc, nil
}

// trackerAdapter builds the adapter of one route, by kind.
func trackerAdapter(r config.TrackerRoute) (tracker.Adapter, error) {
	switch r.Kind {
	case "gitlab":
		base := r.URL
		if base == "" {
			base = "https://gitlab.com"
		}
		c, err := tracker.NewGitLabClient(base, string(r.Token))
		if err != nil {
			return nil, err
		}
		u, err := url.Parse(base)
		if err != nil {
			return nil, err
		}
		return &tracker.GitLab{Client: c, Project: r.Project, Labels: r.Labels,
			WebhookSecret: string(r.WebhookSecret), WebHost: u.Host}, nil
	case "jira":
		statuses := map[string]hindsight.ActionStatus{}
		for name, st := range r.Statuses {
			statuses[name] = hindsight.ActionStatus(st)
		}
		return &tracker.Jira{BaseURL: r.URL, Project: r.Project, IssueType: firstNonEmpty(r.IssueType, "Task"), Labels: r.Labels,
			Username: r.Username, Token: string(r.Token), WebhookSecret: string(r.WebhookSecret), Statuses: statuses}, nil
	default:
		base := r.URL
		if base == "" {
			base = github.DefaultBaseURL
		}
		c, err := github.NewClient(base, string(r.Token), nil)
		if err != nil {
			return nil, err
		}
		return &tracker.GitHub{Client: c, Repository: r.Repository, Labels: r.Labels,
			WebhookSecret: string(r.WebhookSecret), WebHost: github.WebHost(base)}, nil
	}
}

// startTrackers runs the outbox pass every trackers.sync_interval and the
// reconcile every trackers.reconcile_interval, when trackers are wired.
// Several instances may run both: claims keep each item to one sender,
// and the reconcile only applies states.
func (m *Main) startTrackers() {
	if m.trackers == nil {
		return
	}
	cfg := m.Config.Trackers
	m.startWorker(worker.Task{Name: workerTrackerSync, Interval: cfg.SyncInterval.Std(), Run: m.trackers.Sync})
	m.startWorker(worker.Task{Name: workerTrackerReconcile, Interval: cfg.ReconcileInterval.Std(), Run: m.trackers.Reconcile})
}

// instanceName names this process in its claims: host, process ID and a
// random suffix, unique across instances and restarts.
func instanceName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

package hindsight

import "time"

// ResponseTimes are the seed's "Response Time Metrics", in minutes. Each is
// a Figure so that one that cannot be known says why; Start and End of a
// measured one are the two instants it spans.
type ResponseTimes struct {
	// Detect runs from the impact start (or the issue_started event) to
	// the first alert_fired event.
	Detect Figure `json:"detect"`
	// Acknowledge runs from the alert to the first acknowledged event.
	Acknowledge Figure `json:"acknowledge"`
	// Mitigate runs from the acknowledgement to the first mitigation event.
	Mitigate Figure `json:"mitigate"`
	// Resolve runs from the start of the issue to its resolution: the
	// whole incident.
	Resolve Figure `json:"resolve"`
}

// ComputeResponseTimes measures the response times of inc from its timeline.
// impactStart is the measured Impact.ImpactStart, or a figure that is not
// measured; when measured, it is where the issue started, ahead of an
// issue_started event.
func ComputeResponseTimes(inc *Incident, events []TimelineEvent, impactStart Figure) ResponseTimes {
	first := firstEvents(events)
	issue, issueName := first[EventIssueStarted], "the issue_started event"
	if impactStart.Measured && !impactStart.At.IsZero() {
		issue, issueName = impactStart.At, "the measured impact start"
	}
	resolved := first[EventResolved]
	if resolved.IsZero() && inc.ResolvedAt != nil {
		resolved = *inc.ResolvedAt
	}
	start, startName := issue, issueName
	if start.IsZero() {
		start, startName = inc.StartedAt, "the incident start"
	}
	return ResponseTimes{
		Detect: span(issue, first[EventAlertFired],
			"no measured impact start and no issue_started event", "no alert_fired event", issueName, "the alert"),
		Acknowledge: span(first[EventAlertFired], first[EventAcknowledged],
			"no alert_fired event", "no acknowledged event", "the alert", "the acknowledgement"),
		Mitigate: span(first[EventAcknowledged], first[EventMitigation],
			"no acknowledged event", "no mitigation event", "the acknowledgement", "the first mitigation"),
		Resolve: span(start, resolved,
			"no incident start", "the incident is not resolved", startName, "the resolution"),
	}
}

// firstEvents maps each event type to the time of its earliest event.
func firstEvents(events []TimelineEvent) map[EventType]time.Time {
	first := map[EventType]time.Time{}
	for _, e := range events {
		if t, ok := first[e.Type]; !ok || e.Time.Before(t) {
			first[e.Type] = e.Time
		}
	}
	return first
}

// span is the time from a to b in minutes, or why it is not known.
func span(a, b time.Time, noA, noB, nameA, nameB string) Figure {
	switch {
	case a.IsZero():
		return NotMeasured(UnitMinutes, noA)
	case b.IsZero():
		return NotMeasured(UnitMinutes, noB)
	case b.Before(a):
		return NotMeasured(UnitMinutes, nameB+" is before "+nameA)
	}
	return Figure{Value: b.Sub(a).Minutes(), Unit: UnitMinutes, Measured: true, Start: a.UTC(), End: b.UTC()}
}

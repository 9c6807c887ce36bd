package notify

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hindsight-sre/hindsight"
)

// Default retry policy: four attempts spaced about 1s, 2s and 4s apart take
// well under a minute, far less than a reminder pass's claim lease.
const (
	DefaultAttempts    = 4
	DefaultBackoffBase = time.Second
	DefaultBackoffMax  = 30 * time.Second
)

// Retrying delivers through Channel, retrying failed attempts with backoff,
// and counts deliveries and failures in Metrics.
type Retrying struct {
	Channel Channel
	// Attempts bounds the tries per Send; 0 means DefaultAttempts.
	Attempts int
	// Backoff returns the wait before retry n (1 for the first retry); nil
	// means ExponentialBackoff(DefaultBackoffBase, DefaultBackoffMax).
	Backoff func(n int) time.Duration
	// Metrics may be nil.
	Metrics *Metrics
}

// Send tries r up to Attempts times and returns the last error, wrapped with
// the channel's name and the number of attempts. A permanent error (such as
// a 4xx answer other than 429) is not retried.
func (rt *Retrying) Send(ctx context.Context, r hindsight.Reminder) error {
	attempts, backoff := rt.Attempts, rt.Backoff
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	if backoff == nil {
		backoff = ExponentialBackoff(DefaultBackoffBase, DefaultBackoffMax)
	}
	var err error
	n := 0
	for n < attempts {
		if n > 0 {
			if werr := Wait(ctx, backoff(n)); werr != nil {
				break
			}
		}
		n++
		if err = rt.Channel.Notifier.Send(ctx, r); err == nil {
			rt.Metrics.delivered(rt.Channel.Name, r.Kind)
			return nil
		}
		rt.Metrics.failed(rt.Channel.Name)
		if IsPermanent(err) {
			break
		}
	}
	return fmt.Errorf("%s: gave up after %d attempt(s): %w", rt.Channel.Name, n, err)
}

// Wait sleeps for d or until ctx ends, returning ctx's error then: the
// one wait of every retry with backoff or Retry-After.
func Wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ExponentialBackoff returns a backoff that doubles from base up to max,
// each wait drawn at random from its upper half ("equal jitter"), so that
// instances that failed together do not retry in step.
func ExponentialBackoff(base, max time.Duration) func(n int) time.Duration {
	return func(n int) time.Duration {
		d := base
		for i := 1; i < n && d < max; i++ {
			d *= 2
		}
		d = min(d, max)
		half := d / 2
		return half + rand.N(half+1)
	}
}

// permanentError marks a failure that retrying will not fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, is Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

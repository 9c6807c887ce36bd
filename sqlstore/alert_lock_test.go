package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/internal/teststore"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// holdGroups takes the locks of keys in a transaction of its own and keeps
// them until release is closed; locked is closed once it holds them.
func holdGroups(ctx context.Context, s *sqlstore.Store, keys []string, locked, release chan struct{}) chan error {
	done := make(chan error, 1)
	go func() {
		done <- s.WithTx(ctx, func(tx hindsight.Services) error {
			if err := tx.LockAlertGroups(ctx, keys...); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	return done
}

// blocked reports whether done has not delivered within a short wait. What
// it delivered is put back for the test's final read.
func blocked(t *testing.T, done chan error) bool {
	t.Helper()
	select {
	case err := <-done:
		done <- err
		return false
	case <-time.After(300 * time.Millisecond):
		return true
	}
}

// TestLockAlertGroups_Serializes: a transaction that locks groups, given in
// any order, waits for one that holds any of them, and goes on once it
// commits.
func TestLockAlertGroups_Serializes(t *testing.T) {
	teststore.ForEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		locked, release := make(chan struct{}), make(chan struct{})
		first := holdGroups(ctx, s, []string{"b", "a", "b"}, locked, release)
		<-locked
		second := holdGroups(ctx, s, []string{"z", "a"}, make(chan struct{}), closedChan())
		if !blocked(t, second) {
			t.Fatal("a transaction locking a group held by another went on without waiting")
		}
		close(release)
		for _, done := range []chan error{first, second} {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestLockAlertGroups_SortedOrder (PostgreSQL, where locks are taken one
// by one): keys given out of order are locked in sorted order, so a
// transaction waiting for the first of its groups holds none of the later
// ones, and two batches sharing groups cannot deadlock.
func TestLockAlertGroups_SortedOrder(t *testing.T) {
	s := teststore.Postgres(t)
	ctx := context.Background()
	locked, release := make(chan struct{}), make(chan struct{})
	first := holdGroups(ctx, s, []string{"a"}, locked, release)
	<-locked
	// Waits on "a"; had it locked "d" first, the third would wait too.
	second := holdGroups(ctx, s, []string{"d", "a"}, make(chan struct{}), closedChan())
	if !blocked(t, second) {
		t.Fatal("the second transaction did not wait for group a")
	}
	third := holdGroups(ctx, s, []string{"d"}, make(chan struct{}), closedChan())
	if blocked(t, third) {
		t.Error("group d was locked while its transaction still waited for group a: the locks were not taken in sorted order")
	}
	close(release)
	for _, done := range []chan error{first, second, third} {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a transaction never finished")
		}
	}
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

package alertmanager

// Queued returns how many notifications wait for a batch; tests use it to
// know when concurrent requests have all arrived.
func (in *Intake) Queued() int {
	in.batch.mu.Lock()
	defer in.batch.mu.Unlock()
	return len(in.batch.queue)
}

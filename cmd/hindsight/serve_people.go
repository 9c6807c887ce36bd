package main

import (
	"context"
	"fmt"
)

// loadPeople stores the configuration's people list in the directory, so
// that "@handle" resolves to them from the first request. An entry of the
// file replaces the stored one of the same handle; people the file does
// not list (signed in, added on the admin page) stay.
func (m *Main) loadPeople(ctx context.Context) error {
	for _, pc := range m.Config.People {
		if err := m.Store.UpsertPerson(ctx, pc.Person()); err != nil {
			return fmt.Errorf("people: %s: %w", pc.Handle, err)
		}
	}
	if n := len(m.Config.People); n > 0 {
		m.logger().Info("people: directory loaded from the configuration", "people", n)
	}
	return nil
}

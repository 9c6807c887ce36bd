package main

import (
	hhttp "github.com/hindsight-sre/hindsight/http"
	"github.com/hindsight-sre/hindsight/sqlstore"
)

// wireEvidence hands the server the changes and attachments of the store
// and the evidence settings of the configuration.
func (m *Main) wireEvidence(s *hhttp.Server, store *sqlstore.Store) {
	ev := m.Config.Evidence
	store.ChangesWindow = ev.ChangesWindow.Std()
	s.Changes = store
	s.ChangesToken = string(ev.ChangesToken)
	s.Attachments = store
	s.AttachmentLimit = int64(ev.AttachmentLimit)
}

package http

// UIRoutePatterns lists the patterns of the web UI's route table with the
// least role each needs ("" for public), for the authorization matrix test.
func UIRoutePatterns() map[string]string {
	out := map[string]string{}
	for _, rt := range uiRoutes {
		out[rt.Pattern] = string(rt.Role)
	}
	return out
}

// WebhookBodiesHeld returns the bytes of webhook bodies the server has
// reserved and not yet released.
func (s *Server) WebhookBodiesHeld() int64 {
	s.webhookBodies.mu.Lock()
	defer s.webhookBodies.mu.Unlock()
	return s.webhookBodies.used
}

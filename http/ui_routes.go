package http

import (
	"net/http"
	"net/url"

	"github.com/hindsight-sre/hindsight"
)

// uiRoute is one web UI route: its mux pattern, the least role that may use
// it ("" for public pages), and its handler. The same table registers the
// routes and drives the authorization matrix test, so a new page cannot
// escape the test.
type uiRoute struct {
	Pattern string
	Role    hindsight.Role
	Handle  func(s *Server, w http.ResponseWriter, r *http.Request, v *visitor)
}

// uiRoutes lists every web UI route.
var uiRoutes = []uiRoute{
	{"GET /{$}", hindsight.RoleViewer, (*Server).uiHome},
	{"GET /signin", "", (*Server).uiSignInPage},
	{"POST /signin", "", (*Server).uiSignIn},
	{"GET /signin/oidc", "", (*Server).uiOIDCStart},
	{"GET /signin/oidc/callback", "", (*Server).uiOIDCCallback},
	{"POST /signout", hindsight.RoleViewer, (*Server).uiSignOut},
	{"GET /incidents", hindsight.RoleViewer, (*Server).uiIncidentList},
	{"GET /incidents/new", hindsight.RoleEditor, (*Server).uiDeclarePage},
	{"POST /incidents", hindsight.RoleEditor, (*Server).uiDeclare},
	{"GET /incidents/{id}", hindsight.RoleViewer, (*Server).uiIncident},
	{"POST /incidents/{id}/metadata", hindsight.RoleEditor, (*Server).uiIncidentMetadata},
	{"POST /incidents/{id}/postmortem", hindsight.RoleEditor, (*Server).uiPostmortemCreate},
	{"POST /incidents/{id}/respond/{what}", hindsight.RoleEditor, (*Server).uiRespond},
	{"GET /incidents/{id}/history", hindsight.RoleViewer, (*Server).uiHistory},
	{"GET /incidents/{id}/postmortem.md", hindsight.RoleViewer, (*Server).uiPostmortemMarkdown},
	{"GET /incidents/{id}/postmortem.html", hindsight.RoleViewer, (*Server).uiPostmortemHTML},
	{"GET /incidents/{id}/postmortem.json", hindsight.RoleViewer, (*Server).uiPostmortemJSON},
	{"GET /incidents/{id}/print", hindsight.RoleViewer, (*Server).uiPrint},
	{"GET /incidents/{id}/narrative", hindsight.RoleEditor, (*Server).uiNarrativePage},
	{"POST /incidents/{id}/narrative", hindsight.RoleEditor, (*Server).uiNarrativeSave},
	{"GET /incidents/{id}/edit/{section}", hindsight.RoleEditor, (*Server).uiEditPage},
	{"POST /incidents/{id}/edit/{section}", hindsight.RoleEditor, (*Server).uiEditSave},
	{"POST /incidents/{id}/timeline", hindsight.RoleEditor, (*Server).uiTimelineAdd},
	{"POST /incidents/{id}/actions", hindsight.RoleEditor, (*Server).uiActionAdd},
	{"POST /incidents/{id}/status", hindsight.RoleEditor, (*Server).uiTransition},
	{"POST /incidents/{id}/incident-status", hindsight.RoleEditor, (*Server).uiIncidentStatus},
	{"POST /incidents/{id}/placeholders/dismiss", hindsight.RoleEditor, (*Server).uiDismiss},
	{"GET /incidents/{id}/actions/{action}/edit", hindsight.RoleEditor, (*Server).uiActionEditPage},
	{"POST /incidents/{id}/actions/{action}", hindsight.RoleEditor, (*Server).uiActionEditSave},
	{"GET /incidents/{id}/timeline/{event}/edit", hindsight.RoleEditor, (*Server).uiEventEditPage},
	{"POST /incidents/{id}/timeline/{event}", hindsight.RoleEditor, (*Server).uiEventEditSave},
	{"POST /incidents/{id}/signoffs", hindsight.RoleEditor, (*Server).uiSignOff},
	{uiAttachmentPattern, hindsight.RoleEditor, (*Server).uiAttachmentAdd},
	{"GET /incidents/{id}/attachments/{attachment}", hindsight.RoleViewer, (*Server).uiAttachment},
	{"GET /incidents/{id}/graphs/{file}", hindsight.RoleViewer, (*Server).uiGraph},
	{"POST /preview", hindsight.RoleEditor, (*Server).uiPreview},
	{"GET /actions", hindsight.RoleViewer, (*Server).uiActionList},
	{"GET /dashboard", hindsight.RoleViewer, (*Server).uiDashboard},
	{"GET /assets/{file...}", "", (*Server).uiAsset},
	{"GET /people", hindsight.RoleViewer, (*Server).uiPeople},
	{"POST /people", hindsight.RoleAdmin, (*Server).uiPersonSave},
	{"GET /people/{handle}", hindsight.RoleViewer, (*Server).uiPerson},
	{"POST /people/{handle}/delete", hindsight.RoleAdmin, (*Server).uiPersonDelete},
	{"GET /tokens", hindsight.RoleAdmin, (*Server).uiTokens},
	{"POST /tokens", hindsight.RoleAdmin, (*Server).uiTokenCreate},
	{"POST /tokens/{token}/revoke", hindsight.RoleAdmin, (*Server).uiTokenRevoke},
}

// maxFormSize bounds a UI form's body.
const maxFormSize = 1 << 20

// registerUIRoutes parses the views (panicking on a broken or missing one:
// they are embedded, so that is a build defect), registers every UI route,
// and wraps the server's handler in the security headers and the removal
// of identity headers the server must not believe.
func (s *Server) registerUIRoutes() {
	v, err := parseViews()
	if err != nil {
		panic(err)
	}
	s.views = v
	s.SecureCookies = true
	s.crossOrigin = http.NewCrossOriginProtection()
	for _, rt := range uiRoutes {
		s.mux.HandleFunc(rt.Pattern, s.uiHandler(rt))
	}
	s.server.Handler = securityHeaders(s.stripIdentityHeaders(s.mux))
}

// uiHandler wraps a UI handler: it identifies the visitor, sends anonymous
// visitors of a protected page to the sign-in page (unless AnonymousRead
// opens the viewer's pages to them), refuses writes without
// the role they need (401 anonymous, 403 below the role), checks the CSRF
// token and origin of every write, and puts the identity in the context so
// that history records it.
func (s *Server) uiHandler(rt uiRoute) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		write := r.Method != http.MethodGet && r.Method != http.MethodHead
		if write {
			r.Body = http.MaxBytesReader(w, r.Body, s.uiBodyLimit(rt.Pattern))
		}
		v, err := s.identify(w, r)
		if err != nil {
			s.uiError(w, r, &visitor{}, err)
			return
		}
		if rt.Role != "" && !(s.AnonymousRead && !write && !v.SignedIn && rt.Role == hindsight.RoleViewer) {
			if !v.SignedIn && !write {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			} else if !v.SignedIn {
				s.uiError(w, r, v, hindsight.Errorf(hindsight.EUNAUTHORIZED, "sign in first: changes are recorded with who made them"))
				return
			} else if !v.Identity.Role.Allows(rt.Role) {
				s.uiError(w, r, v, hindsight.Errorf(hindsight.EFORBIDDEN, "%s has role %s; this needs %s or above", v.Identity.Name, v.Identity.Role, rt.Role))
				return
			}
			r = r.WithContext(hindsight.NewContextWithIdentity(r.Context(), v.Identity))
		}
		if write && (s.crossOrigin.Check(r) != nil || !csrfValid(r, v.secret)) {
			s.uiError(w, r, v, s.csrfError(r))
			return
		}
		rt.Handle(s, w, r, v)
	}
}

// uiHome sends visitors to the incidents list.
func (s *Server) uiHome(w http.ResponseWriter, r *http.Request, v *visitor) {
	http.Redirect(w, r, "/incidents", http.StatusSeeOther)
}

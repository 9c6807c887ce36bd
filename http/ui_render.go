package http

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/hindsight-sre/hindsight"
)

//go:embed views/*.html
var viewFS embed.FS

//go:embed assets
var assetFS embed.FS

// viewSet holds every page template, each with the layout and partials.
type viewSet map[string]*template.Template

// pageNames lists every page view; parseViews fails when one is missing.
var pageNames = []string{"signin", "incidents", "incident", "history", "edit", "actions", "dashboard", "error", "action_edit", "event_edit", "narrative", "declare", "people", "person", "tokens"}

// parseViews parses the layout, the partials (files starting with "_") and
// every page view, failing on the first error or missing view.
func parseViews() (viewSet, error) {
	base, err := template.New("layout.html").Funcs(viewFuncs).ParseFS(viewFS, "views/layout.html", "views/_*.html")
	if err != nil {
		return nil, fmt.Errorf("ui views: %w", err)
	}
	out := viewSet{}
	// The print view is a page of its own: the document, no layout.
	pv, err := template.New("print.html").Funcs(viewFuncs).ParseFS(viewFS, "views/print.html")
	if err != nil {
		return nil, fmt.Errorf("ui view print: %w", err)
	}
	out["print"] = pv
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(viewFS, "views/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("ui view %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// page is what every view receives.
type page struct {
	Title   string
	Nav     string
	Visitor *visitor
	// Flash is a one-line confirmation; Problem an error shown on the page.
	Flash, Problem string
	Data           any
}

// render writes view name with status. Pages are rendered into a buffer
// first so that a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	var buf bytes.Buffer
	if err := s.views[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		slog.Error("ui render failed", "view", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// uiError renders err as an error page with the status its code maps to.
func (s *Server) uiError(w http.ResponseWriter, r *http.Request, v *visitor, err error) {
	code := hindsight.ErrorCode(err)
	if code == hindsight.EINTERNAL || code == hindsight.EUNAVAILABLE {
		slog.Error("ui request failed", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
	}
	status := ErrorStatusCode(code)
	s.render(w, r, status, "error", page{Title: http.StatusText(status), Visitor: v,
		Data: map[string]any{"Status": status, "Message": hindsight.ErrorMessage(err), "Code": code}})
}

// finishEdit ends an editor's save. Success redirects to done; a refusal
// the visitor can fix in the form (invalid input, or a change made since
// the form was read) calls again with the status and the reason, to
// re-render the form with what was typed; any other error is the error page.
func (s *Server) finishEdit(w http.ResponseWriter, r *http.Request, v *visitor, err error, done string, again func(status int, problem string)) {
	switch code := hindsight.ErrorCode(err); {
	case err == nil:
		http.Redirect(w, r, done, http.StatusSeeOther)
	case code == hindsight.EINVALID || code == hindsight.ECONFLICT:
		again(ErrorStatusCode(code), hindsight.ErrorMessage(err))
	default:
		s.uiError(w, r, v, err)
	}
}

// uiAsset serves the embedded stylesheet, script and icons.
func (s *Server) uiAsset(w http.ResponseWriter, r *http.Request, v *visitor) {
	name := path.Clean(r.PathValue("file"))
	b, err := fs.ReadFile(assetFS, "assets/"+name)
	if err != nil {
		s.uiError(w, r, v, hindsight.Errorf(hindsight.ENOTFOUND, "no asset %s", name))
		return
	}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
	w.Header().Set("Content-Type", types[path.Ext(name)])
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}

// viewFuncs are the helpers every view may call.
var viewFuncs = template.FuncMap{
	"markdown": renderMarkdown,
	"snippet":  safeSnippet,
	"slug":     slug,
	"datetime": func(t time.Time) string { return fmtTime(t, "2006-01-02 15:04 UTC") },
	"date":     func(t time.Time) string { return fmtTime(t, "2006-01-02") },
	"timeptr": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return fmtTime(*t, "2006-01-02 15:04 UTC")
	},
	"add":   func(a, b int) int { return a + b },
	"join":  strings.Join,
	"lower": strings.ToLower,
	"dict":  dict,
}

// dict builds a map from key, value pairs, for passing several values to
// a partial template.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

func fmtTime(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(layout)
}

// slug turns a status or severity into a CSS class suffix: "UNDER REVIEW"
// becomes "under-review".
func slug(v any) string {
	return strings.ReplaceAll(strings.ToLower(fmt.Sprint(v)), " ", "-")
}

package e2e_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrowser_ImportedDocument imports a hand-written post-mortem with the
// CLI into a running server's store and looks at it as a person would: the
// API gives the document back byte for byte, and the incident page and the
// print view show what was typed (figures, an extra section in place).
func TestBrowser_ImportedDocument(t *testing.T) {
	t.Parallel()
	s := startUIServer(t, "webhook-secret")
	path := filepath.Join("..", "testdata", "handwritten", "seed-extra-sections.md")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(binary, "import", "--db", s.DB, path).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	const id = "INCIDENT-20250611-0024-checkoutlatency"
	editor := s.token(t, "editor", "ed")
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/v1/incidents/"+id+"/postmortem.md", nil)
	req.Header.Set("Authorization", "Bearer "+editor)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != string(src) {
		t.Fatalf("GET postmortem.md: %d, the document differs from the file imported", resp.StatusCode)
	}

	p := newPage(t, s.URL)
	p.signIn(editor)
	p.open("/incidents/" + id)
	p.shot("imported-incident")
	page := p.text("body")
	for _, want := range []string{"Checkout latency after the connection pool change", "96.1% uptime"} {
		if !strings.Contains(page, want) {
			t.Errorf("the incident page lacks %q", want)
		}
	}
	p.open("/incidents/" + id + "/print")
	p.shot("imported-print")
	printed := p.text("body")
	for _, want := range []string{"Customer Quotes", "Checkout spun for a minute", "Appendix: Queries We Ran", "5 Whys", "In progress"} {
		if !strings.Contains(printed, want) {
			t.Errorf("the print view lacks %q", want)
		}
	}
	if i, j := strings.Index(printed, "Customer Quotes"), strings.Index(printed, "Geographic/Component Scope"); i < 0 || j < 0 || i > j {
		t.Errorf("the extra section is not in place (Customer Quotes at %d, scope at %d)", i, j)
	}
	if errs := p.consoleErrors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

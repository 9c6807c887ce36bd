package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
)

// send makes a request with a bearer token ("" for none) and returns the
// response and its body.
func send(t *testing.T, e *uiEnv, bearer, method, path, ctype string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return mustDo(t, http.DefaultClient, req)
}

func TestChangesAPI(t *testing.T) {
	e := mustOpenUI(t, func(s *hhttp.Server) { s.ChangesToken = "ci-secret-token" })
	editor := e.tokens[hindsight.RoleEditor]
	count := func() int {
		all, err := e.store.FindChanges(context.Background(), hindsight.ChangeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	t.Run("BadInput", func(t *testing.T) {
		future := time.Now().AddDate(0, 0, 30).UTC().Format(time.RFC3339)
		for name, body := range map[string]string{
			"UnknownKind": `{"service":"api","kind":"rollout","title":"x","at":"2025-09-30T00:00:00Z"}`,
			"FarFuture":   `{"service":"api","kind":"deploy","title":"x","at":"` + future + `"}`,
			"HugeTitle":   `{"service":"api","kind":"deploy","title":"` + strings.Repeat("t", 1<<20) + `","at":"2025-09-30T00:00:00Z"}`,
			"BadTime":     `{"service":"api","kind":"deploy","title":"x","at":"yesterday"}`,
			"UnknownKey":  `{"service":"api","kind":"deploy","title":"x","sha":"abc"}`,
			"NotJSON":     `service=api`,
			"TooLarge":    `{"service":"api","kind":"deploy","title":"` + strings.Repeat("t", 3<<20) + `"}`,
			"NotUTF8":     "{\"service\":\"api\",\"kind\":\"deploy\",\"title\":\"\xff\xfe\"}",
		} {
			t.Run(name, func(t *testing.T) {
				resp, b := send(t, e, editor, http.MethodPost, "/api/v1/changes", "application/json", []byte(body))
				var er struct{ Error, Code string }
				if resp.StatusCode != http.StatusBadRequest || json.Unmarshal(b, &er) != nil || er.Code != "invalid" || er.Error == "" {
					t.Errorf("status %d, body %.200s; want 400 with a JSON message", resp.StatusCode, b)
				}
			})
		}
		if n := count(); n != 0 {
			t.Errorf("%d changes stored after bad input, want 0", n)
		}
	})
	t.Run("Credentials", func(t *testing.T) {
		body := []byte(`{"service":"api","kind":"config","title":"Raise pool size","at":"2025-09-30T00:00:00Z"}`)
		for who, want := range map[string]int{"": 401, e.tokens[hindsight.RoleViewer]: 403, "wrong-token": 401,
			"ci-secret-token": 201, editor: 201} {
			if resp, b := send(t, e, who, http.MethodPost, "/api/v1/changes", "application/json", body); resp.StatusCode != want {
				t.Errorf("token %q: status %d (%s), want %d", who, resp.StatusCode, b, want)
			}
		}
	})
	t.Run("ListedBeforeIncident", func(t *testing.T) {
		// The draft incident starts 2025-09-30 00:24 on service api.
		for i, at := range []string{"2025-09-29T20:00:00Z", "2025-09-29T21:00:00Z", "2025-09-29T22:30:00Z", "2025-09-29T23:50:00Z",
			"2025-09-30T00:20:00Z", "2025-09-30T00:30:00Z", "2025-09-30T05:00:00Z"} {
			kind := []string{"deploy", "config", "feature-flag"}[i%3]
			body := `{"service":"api","kind":"` + kind + `","title":"change ` + at + `","at":"` + at + `"}`
			if resp, b := send(t, e, "ci-secret-token", http.MethodPost, "/api/v1/changes", "application/json", []byte(body)); resp.StatusCode != 201 {
				t.Fatalf("status %d: %s", resp.StatusCode, b)
			}
		}
		_, b := send(t, e, editor, http.MethodGet, "/api/v1/incidents/"+e.incident+"/postmortem.json", "", nil)
		var pm hindsight.Postmortem
		if err := json.Unmarshal(b, &pm); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range pm.Changes {
			if strings.HasPrefix(c.Title, "change ") {
				got = append(got, strings.TrimPrefix(c.Title, "change "))
			}
		}
		want := "2025-09-30T00:20:00Z 2025-09-29T23:50:00Z 2025-09-29T22:30:00Z 2025-09-29T21:00:00Z 2025-09-29T20:00:00Z"
		if strings.Join(got, " ") != want {
			t.Errorf("listed %v, want the five before the start, latest first", got)
		}
		_, md := send(t, e, editor, http.MethodGet, "/api/v1/incidents/"+e.incident+"/postmortem.md", "", nil)
		if !strings.Contains(string(md), "- **Code Changes**: change 2025-09-29T23:50:00Z (api, 2025-09-29 23:50 UTC)") ||
			strings.Contains(string(md), "2025-09-30T00:30:00Z") {
			t.Errorf("document's changes:\n%s", md)
		}
	})
}

// pngBytes is a valid 1×1 PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func TestAttachmentsAPI(t *testing.T) {
	e := mustOpenUI(t, func(s *hhttp.Server) { s.AttachmentLimit = 64 << 10 })
	editor := e.tokens[hindsight.RoleEditor]
	base := "/api/v1/incidents/" + e.incident + "/attachments"
	upload := func(name string, data []byte) (int, hindsight.Attachment) {
		t.Helper()
		body, ctype := multipartFile(t, name, data)
		resp, b := send(t, e, editor, http.MethodPost, base, ctype, body)
		var a hindsight.Attachment
		_ = json.Unmarshal(b, &a)
		return resp.StatusCode, a
	}
	tests := []struct {
		name, file  string
		data        []byte
		ctype       string // sniffed
		served      string // Content-Type served
		disposition string
	}{
		{"PNGNamedTxt", "screenshot.txt", pngBytes, "image/png", "image/png", "inline"},
		{"HTMLNamedPNG", "graph.png", []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"),
			"text/html; charset=utf-8", "application/octet-stream", "attachment"},
		{"SVGWithScript", "chart.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`),
			"text/xml; charset=utf-8", "application/octet-stream", "attachment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, a := upload(tt.file, tt.data)
			if status != http.StatusCreated || a.ContentType != tt.ctype || a.Size != int64(len(tt.data)) {
				t.Fatalf("upload: %d %+v, want 201 with type %q", status, a, tt.ctype)
			}
			resp, body := send(t, e, editor, http.MethodGet, base+"/"+strconv.FormatInt(a.ID, 10), "", nil)
			h := resp.Header
			if resp.StatusCode != 200 || h.Get("Content-Type") != tt.served || !strings.HasPrefix(h.Get("Content-Disposition"), tt.disposition) ||
				h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("served %d with %v", resp.StatusCode, h)
			}
			if !bytes.Equal(body, tt.data) {
				t.Error("served bytes differ from the upload")
			}
		})
	}
	t.Run("TooLarge", func(t *testing.T) {
		before, _ := e.store.FindAttachments(context.Background(), e.incident)
		body, ctype := multipartFile(t, "big.log", bytes.Repeat([]byte("x"), 64<<10+1))
		resp, b := send(t, e, editor, http.MethodPost, base, ctype, body)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "attachment limit") {
			t.Errorf("status %d (%s), want 413", resp.StatusCode, b)
		}
		after, _ := e.store.FindAttachments(context.Background(), e.incident)
		if len(after) != len(before) {
			t.Errorf("a refused upload was stored")
		}
	})
	t.Run("ViewerCannotUpload", func(t *testing.T) {
		body, ctype := multipartFile(t, "a.log", []byte("x"))
		if resp, _ := send(t, e, e.tokens[hindsight.RoleViewer], http.MethodPost, base, ctype, body); resp.StatusCode != 403 {
			t.Errorf("viewer upload: %d, want 403", resp.StatusCode)
		}
	})
	t.Run("ListedInDocument", func(t *testing.T) {
		_, md := send(t, e, editor, http.MethodGet, "/api/v1/incidents/"+e.incident+"/postmortem.md", "", nil)
		if !strings.Contains(string(md), "- **Screenshots**: [screenshot.txt]("+base+"/") {
			t.Errorf("Data and Evidence does not list the attachments:\n%s", md)
		}
	})
}

func TestGraphs_Served(t *testing.T) {
	e := mustOpenUI(t, nil)
	threshold := 0.1
	start := time.Date(2025, 9, 30, 0, 24, 0, 0, time.UTC)
	imp := hindsight.Impact{Start: start, End: start.Add(10 * time.Minute), Graphs: []hindsight.Graph{{
		Name: hindsight.GraphErrorRatio, Title: "Error ratio", Unit: "%", Query: `x{a="</desc><script>"}`,
		Start: start.Add(-30 * time.Minute), End: start.Add(40 * time.Minute),
		Step: 15 * time.Second, Threshold: &threshold, Points: []hindsight.Point{{T: start, V: 5}, {T: start.Add(15 * time.Second), V: 4}}}}}
	if err := e.store.SaveImpact(context.Background(), &hindsight.ImpactRecord{IncidentID: e.incident, Impact: imp}); err != nil {
		t.Fatal(err)
	}
	editor := e.tokens[hindsight.RoleEditor]
	resp, svg := send(t, e, editor, http.MethodGet, "/api/v1/incidents/"+e.incident+"/graphs/error-ratio.svg", "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("graph: %d %v", resp.StatusCode, resp.Header)
	}
	if bytes.Contains(svg, []byte("<script")) {
		t.Error("the query's text reached the SVG unescaped")
	}
	if resp, _ := send(t, e, editor, http.MethodGet, "/api/v1/incidents/"+e.incident+"/graphs/latency-p95.svg", "", nil); resp.StatusCode != 404 {
		t.Errorf("missing graph: %d, want 404", resp.StatusCode)
	}
	_, page := send(t, e, editor, http.MethodGet, "/api/v1/incidents/"+e.incident+"/postmortem.html", "", nil)
	if !bytes.Contains(page, []byte(`src="data:image/svg+xml;base64,`)) {
		t.Errorf("the HTML export does not show the graph inline")
	}
	_, md := send(t, e, editor, http.MethodGet, "/api/v1/incidents/"+e.incident+"/postmortem.md", "", nil)
	if !strings.Contains(string(md), "![Error ratio]("+e.incident+"/error-ratio.svg)") {
		t.Errorf("the Markdown does not reference the graph file")
	}
}

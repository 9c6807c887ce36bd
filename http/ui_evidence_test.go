package http_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-sre/hindsight"
	hhttp "github.com/hindsight-sre/hindsight/http"
)

// TestUI_Evidence checks the incident page's Evidence panel: a change
// reported before the incident is listed with a one-click form that adds
// it to the timeline as a suspected trigger, and an editor uploads a file
// (a PNG under a .txt name shows inline; one over the limit is refused
// with 413 and nothing stored).
func TestUI_Evidence(t *testing.T) {
	e := mustOpenUI(t, func(s *hhttp.Server) { s.AttachmentLimit = 32 << 10 })
	ctx := context.Background()
	if err := e.store.CreateChange(ctx, &hindsight.Change{Service: "api", Kind: hindsight.ChangeDeploy, Title: "Deploy v1.2.3",
		URL: "https://github.com/example/api/pull/42", Author: "alice", At: time.Date(2025, 9, 30, 0, 10, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	b := e.signedIn(t, hindsight.RoleEditor)
	_, page := b.get("/incidents/" + e.incident)
	form := regexp.MustCompile(`(?s)<form method="post" action="/incidents/[^"]+/timeline" class="inline">(.*?)</form>`).FindStringSubmatch(page)
	if form == nil || !strings.Contains(form[1], `data-change="1"`) {
		t.Fatalf("no suspected-trigger form for the change in the Evidence panel")
	}
	values := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`).FindAllStringSubmatch(form[1], -1) {
		values.Set(m[1], html.UnescapeString(m[2]))
	}
	if resp, body := b.post("/incidents/"+e.incident+"/timeline", values); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("suspected trigger: %d\n%.500s", resp.StatusCode, body)
	}
	events, err := e.store.FindTimeline(ctx, e.incident)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ev := range events {
		if ev.Type == hindsight.EventHypothesis && ev.Event == "Suspected trigger: deploy of api" &&
			strings.Contains(ev.Action, "Deploy v1.2.3 (https://github.com/example/api/pull/42) by alice") && ev.Time.Equal(time.Date(2025, 9, 30, 0, 10, 0, 0, time.UTC)) {
			found = true
		}
	}
	if !found {
		t.Errorf("timeline lacks the suspected trigger: %+v", events)
	}

	upload := func(name string, data []byte) (*http.Response, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf_token", b.csrf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.url+"/incidents/"+e.incident+"/attachments", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return b.do(req)
	}
	if resp, body := upload("screenshot.txt", pngBytes); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%.500s", resp.StatusCode, body)
	}
	if resp, _ := upload("big.log", bytes.Repeat([]byte("x"), 40<<10)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("upload over the limit: %d, want 413", resp.StatusCode)
	}
	list, _ := e.store.FindAttachments(ctx, e.incident)
	if len(list) != 1 || list[0].ContentType != "image/png" || list[0].Name != "screenshot.txt" {
		t.Fatalf("attachments %+v, want the PNG only", list)
	}
	_, page = b.get("/incidents/" + e.incident)
	img := regexp.MustCompile(`<img src="(/incidents/[^"]+/attachments/[0-9]+)"`).FindStringSubmatch(page)
	if img == nil {
		t.Fatal("the PNG is not shown inline on the page")
	}
	// The signed-in browser loads it through the UI route, with its session.
	resp, got := b.get(img[1])
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || got != string(pngBytes) {
		t.Errorf("inline image: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

package markdown

import (
	"crypto/sha256"
	"html/template"
	"strings"
	"testing"
)

// TestToSafeHTML_RenderedOnce: a source is rendered once; its next views
// are served from the cache, and a changed source is rendered anew.
func TestToSafeHTML_RenderedOnce(t *testing.T) {
	src := []byte("# Root cause\n\nA **bad** deploy, unique to this test.\n")
	first, err := ToSafeHTML(src)
	if err != nil || !strings.Contains(string(first), "<strong>bad</strong>") {
		t.Fatalf("first render: %q, %v", first, err)
	}
	// Replace the cached entry: a second call that rendered again would
	// not return it.
	marker := template.HTML("<p>from the cache</p>")
	rendered.mu.Lock()
	rendered.items[sha256.Sum256(src)] = marker
	rendered.mu.Unlock()
	if again, _ := ToSafeHTML(src); again != marker {
		t.Errorf("second view rendered again: %q", again)
	}
	if other, _ := ToSafeHTML(append(src, "More."...)); other == marker || !strings.Contains(string(other), "More.") {
		t.Errorf("a changed source was not rendered: %q", other)
	}
}

// TestToSafeHTML_Unrenderable: text beyond the bounds (stored before they
// were enforced) is shown escaped and preformatted, not rendered.
func TestToSafeHTML_Unrenderable(t *testing.T) {
	src := []byte(strings.Repeat(">", 60000) + "<script>x</script>")
	got, err := ToSafeHTML(src)
	if err != nil || !strings.HasPrefix(string(got), "<pre>") || strings.Contains(string(got), "<script>") {
		t.Errorf("got %.200q, %v", got, err)
	}
}

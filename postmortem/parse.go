package postmortem

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hindsight-sre/hindsight"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// MaxDocumentSize is the largest document Parse reads: 10 MiB, far above
// any real post-mortem, so that a stray binary or log file is refused early.
const MaxDocumentSize = 10 << 20

// ParseOptions tune ParseWithOptions.
type ParseOptions struct {
	// DefaultStart is the incident start used when a document in another
	// layout names no date. Zero means such a document is refused.
	DefaultStart time.Time
}

// Parse reads a post-mortem document back into the domain model. A document
// in Hindsight's (or the seed's) layout maps section by section, and
// Render(Parse(doc)) reproduces a generated-then-edited document. Any other
// Markdown document (the Google SRE book template, free-form notes) is read
// best effort: recognised sections map onto the model and everything else is
// kept verbatim in Narrative.Extra. Errors are EINVALID and name the line.
func Parse(src []byte) (hindsight.Postmortem, error) {
	return ParseWithOptions(src, ParseOptions{})
}

// ParseWithOptions is Parse with options for documents that lack facts the
// model needs, such as a date.
func ParseWithOptions(src []byte, opts ParseOptions) (hindsight.Postmortem, error) {
	if err := checkInput(src); err != nil {
		return hindsight.Postmortem{}, err
	}
	d := newParsedDoc(src)
	if d.hindsightLayout() {
		return d.parseHindsight()
	}
	return d.parseOther(opts)
}

// checkInput refuses what is not a Markdown document: too large, binary,
// not UTF-8, or nested or linked beyond hindsight.CheckDocumentSource.
func checkInput(src []byte) error {
	if len(src) > MaxDocumentSize {
		return hindsight.Errorf(hindsight.EINVALID, "document is %.1f MB; the limit is %d MB: split it or remove attachments",
			float64(len(src))/(1<<20), MaxDocumentSize>>20)
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return hindsight.Errorf(hindsight.EINVALID, "line %d: the document contains a NUL byte: it looks binary, not Markdown", lineAt(src, i))
	}
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, n := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return hindsight.Errorf(hindsight.EINVALID, "line %d: the document is not valid UTF-8: convert it to UTF-8", lineAt(src, off))
	}
	// Parsing costs time quadratic in nesting and in unclosed links:
	// refuse, before parsing, what no post-mortem needs.
	return hindsight.CheckDocumentSource(src)
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(src []byte, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return bytes.Count(src[:off], []byte("\n")) + 1
}

// invalid returns an EINVALID error about a line of the document.
func invalid(line int, format string, args ...any) error {
	return hindsight.Errorf(hindsight.EINVALID, "line %d: %s", line, fmt.Sprintf(format, args...))
}

// markdown is the goldmark parser with GitHub Flavored Markdown (tables,
// task lists), shared because it is safe for concurrent use.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// block is one top-level Markdown block and the source it spans: from the
// start of its first line to the start of the next block.
type block struct {
	node       ast.Node
	start, end int
}

// section is a heading and the blocks up to the next heading.
type section struct {
	level int
	// title is the heading's text, verbatim.
	title string
	// key is the title normalised for lookup: lower case letters and
	// spaces only, emoji and punctuation dropped.
	key string
	// line is the heading's line number; start its offset.
	line, start int
	// headEnd is where the heading's own lines end and the body starts.
	headEnd int
	blocks  []block
	// end is where the section's source ends.
	end int
}

// parsedDoc is a document split into blocks and sections.
type parsedDoc struct {
	src      []byte
	preamble []block
	sections []section
	// footer is the "**Document Status**" paragraph after the last "---".
	footer *block
	// headerEnd is the end of the leading "<!-- … -->" comment, or 0.
	headerEnd int
}

// newParsedDoc parses src with goldmark and splits it into sections.
func newParsedDoc(src []byte) *parsedDoc {
	root := markdown.Parse(text.NewReader(src))
	d := &parsedDoc{src: src, headerEnd: headerCommentEnd(src)}
	var blocks []block
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		start := lineStart(src, nodeStart(n))
		if start < d.headerEnd {
			continue
		}
		blocks = append(blocks, block{node: n, start: start})
	}
	sort.SliceStable(blocks, func(i, j int) bool { return blocks[i].start < blocks[j].start })
	for i := range blocks {
		blocks[i].end = len(src)
		if i+1 < len(blocks) {
			blocks[i].end = blocks[i+1].start
		}
	}
	blocks = d.takeFooter(blocks)
	d.split(blocks)
	return d
}

// takeFooter removes the last "---" followed by a "**Document Status**"
// paragraph from blocks and keeps it as the footer.
func (d *parsedDoc) takeFooter(blocks []block) []block {
	for i := len(blocks) - 2; i >= 0; i-- {
		if blocks[i].node.Kind() != ast.KindThematicBreak || blocks[i+1].node.Kind() != ast.KindParagraph {
			continue
		}
		if !strings.HasPrefix(d.raw(blocks[i+1]), "**Document Status**") {
			continue
		}
		f := blocks[i+1]
		d.footer = &f
		if i > 0 {
			blocks[i-1].end = blocks[i].start
		}
		return append(blocks[:i:i], blocks[i+2:]...)
	}
	return blocks
}

// split groups blocks into the preamble and one section per heading.
func (d *parsedDoc) split(blocks []block) {
	cur := -1
	for _, b := range blocks {
		h, ok := b.node.(*ast.Heading)
		if !ok {
			if cur < 0 {
				d.preamble = append(d.preamble, b)
			} else {
				d.sections[cur].blocks = append(d.sections[cur].blocks, b)
				d.sections[cur].end = b.end
			}
			continue
		}
		title := d.headingText(h)
		d.sections = append(d.sections, section{
			level: h.Level, title: title, key: titleKey(title),
			line: lineAt(d.src, b.start), start: b.start, headEnd: d.headingEnd(h, b), end: b.end,
		})
		cur++
	}
}

// headingText is the heading's text as written, markers left out.
func (d *parsedDoc) headingText(h *ast.Heading) string {
	var parts []string
	for i := 0; i < h.Lines().Len(); i++ {
		seg := h.Lines().At(i)
		parts = append(parts, strings.TrimSpace(string(seg.Value(d.src))))
	}
	return strings.Join(parts, " ")
}

// headingEnd is the end of a heading's own lines: one line for "## Title",
// the text lines and the underline for a Setext heading.
func (d *parsedDoc) headingEnd(h *ast.Heading, b block) int {
	end := lineEnd(d.src, b.start)
	if n := h.Lines().Len(); n > 0 {
		end = lineEnd(d.src, h.Lines().At(n-1).Stop-1)
		if !strings.HasPrefix(strings.TrimSpace(string(d.src[b.start:end])), "#") {
			end = lineEnd(d.src, end) // the Setext underline
		}
	}
	if end > b.end {
		end = b.end
	}
	return end
}

// raw returns a block's source without trailing blank lines and spaces.
func (d *parsedDoc) raw(b block) string {
	return strings.TrimRight(string(d.src[b.start:b.end]), " \t\r\n")
}

// body returns a section's source after its heading, verbatim, without
// surrounding blank lines.
func (d *parsedDoc) body(s section) string {
	if s.end <= s.headEnd {
		return ""
	}
	return trimBlankLines(string(d.src[s.headEnd:s.end]))
}

// nodeStart returns the source offset where n starts.
func nodeStart(n ast.Node) int {
	if t, ok := n.(interface{ Pos() int }); ok {
		if _, isTable := n.(*extensionTable); isTable && n.FirstChild() != nil {
			return nodeStart(n.FirstChild())
		}
		if p := t.Pos(); p >= 0 {
			return p
		}
	}
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	if c := n.FirstChild(); c != nil {
		return nodeStart(c)
	}
	return 0
}

// lineStart returns the offset of the start of the line holding off.
func lineStart(src []byte, off int) int {
	if off > len(src) {
		off = len(src)
	}
	if off < 0 {
		return 0
	}
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// lineEnd returns the offset just after the newline ending the line that
// holds off, or len(src).
func lineEnd(src []byte, off int) int {
	if off < 0 {
		off = 0
	}
	if off >= len(src) {
		return len(src)
	}
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}

// headerCommentEnd returns the end of a leading "<!--" comment that ends on
// a line of its own ("-->"), as Hindsight writes it, or 0.
func headerCommentEnd(src []byte) int {
	if !bytes.HasPrefix(src, []byte("<!--")) {
		return 0
	}
	off := 0
	for off < len(src) {
		end := lineEnd(src, off)
		if strings.TrimSpace(string(src[off:end])) == "-->" {
			return end
		}
		off = end
	}
	return 0
}

// titleKey normalises a heading for lookup: "## 📋 Executive Summary" and
// "executive summary" give "executive summary".
func titleKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// trimBlankLines drops leading and trailing blank lines and trailing spaces.
func trimBlankLines(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 || strings.TrimSpace(s[:i]) != "" {
			return s
		}
		s = s[i+1:]
	}
}

// IsHindsightLayout reports whether src is in Hindsight's (or the seed's)
// layout, which Parse maps section by section; other documents are read
// best effort.
func IsHindsightLayout(src []byte) bool {
	if checkInput(src) != nil {
		return false
	}
	return newParsedDoc(src).hindsightLayout()
}

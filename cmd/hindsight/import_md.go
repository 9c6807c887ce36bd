package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/importer"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// importActor is who the revisions of an import name, unless the context
// already carries a person.
const importActor = "hindsight import"

// importResult is what became of one file: an importer.Result, or one of
// the results only the command knows.
type importResult = importer.Result

// Results, as printed after the file's path.
const (
	resultCreated                = importer.Created
	resultUpdated                = importer.Updated
	resultUnchanged              = importer.Unchanged
	resultNotMD     importResult = "skipped (not Markdown)"
	resultFailed    importResult = "failed"
)

// importSummary counts the results of one run.
type importSummary struct {
	created, updated, skipped, failed int
}

func (s *importSummary) add(r importResult) {
	switch r {
	case resultCreated:
		s.created++
	case resultUpdated:
		s.updated++
	case resultUnchanged, resultNotMD:
		s.skipped++
	default:
		s.failed++
	}
}

// String is the summary line.
func (s importSummary) String() string {
	return fmt.Sprintf("created %d, updated %d, skipped %d, failed %d", s.created, s.updated, s.skipped, s.failed)
}

// mdImport is one run of "hindsight import" over Markdown files.
type mdImport struct {
	g       *globals
	store   hindsight.Store
	summary importSummary
	// seen maps each incident ID read in this run to the file it came from,
	// so that two files claiming one incident are caught.
	seen map[string]string
	// severity is given to documents that name none (other layouts).
	severity hindsight.Severity
}

// importMarkdown imports every Markdown file named by args (files, and
// *.md/*.markdown under directories), each in its own transaction.
func importMarkdown(cmd *cobra.Command, g *globals, dsn, severity string, args []string) error {
	sev, err := hindsight.ParseSeverity(severity)
	if err != nil {
		return &exitCodeError{code: exitError, err: fmt.Errorf("--default-severity %q: use SEV1 to SEV5", severity)}
	}
	s, err := openResolvedStore(cmd, g, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	run := &mdImport{g: g, store: s, seen: map[string]string{}, severity: sev}
	ctx := cmd.Context()
	if hindsight.ActorFromContext(ctx) == hindsight.SystemActor {
		ctx = hindsight.NewContextWithActor(ctx, importActor)
	}
	for _, arg := range args {
		if err := ctx.Err(); err != nil {
			return storeFailure("import interrupted", err)
		}
		run.walk(arg, func(path string) { run.file(ctx, path) })
	}
	fmt.Fprintln(g.stdout, run.summary.String())
	if err := ctx.Err(); err != nil {
		return storeFailure("import interrupted; the files above were imported, run it again for the others", err)
	}
	g.wroteTo()
	if run.summary.failed > 0 {
		return &exitCodeError{code: exitError, err: fmt.Errorf("%d of %d files failed: see the messages above, fix them and import again (imported files are skipped as unchanged)",
			run.summary.failed, run.summary.created+run.summary.updated+run.summary.skipped+run.summary.failed)}
	}
	return nil
}

// walk calls fn for arg if it is a file, or for each Markdown file under it
// if it is a directory, in lexical order. Hidden directories (.git) are not
// entered; other files are reported as skipped.
func (m *mdImport) walk(arg string, fn func(path string)) {
	info, err := os.Stat(arg)
	if err != nil {
		m.fail(arg, fmt.Errorf("cannot read it: %s", pathErrText(err)))
		return
	}
	if !info.IsDir() {
		fn(arg)
		return
	}
	err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			m.fail(path, fmt.Errorf("cannot read it: %s", pathErrText(err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
		case d.IsDir():
			if path != arg && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
		case isMarkdownName(path):
			fn(path)
		default:
			m.report(path, resultNotMD, "")
		}
		return nil
	})
	if err != nil {
		m.fail(arg, err)
	}
}

// isMarkdownName reports whether a file name ends in .md or .markdown.
func isMarkdownName(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".md" || ext == ".markdown"
}

// pathErrText is an fs error without the path, which the message names first.
func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// report prints one file's result on stdout.
func (m *mdImport) report(path string, r importResult, id string) {
	m.summary.add(r)
	if id != "" {
		fmt.Fprintf(m.g.stdout, "%s: %s %s\n", path, r, id)
		return
	}
	fmt.Fprintf(m.g.stdout, "%s: %s\n", path, r)
}

// fail prints "PATH: what is wrong" on stderr and counts a failure.
func (m *mdImport) fail(path string, err error) {
	m.summary.add(resultFailed)
	fmt.Fprintf(m.g.stderr, "%s: %s\n", path, err)
}

// file imports one file and reports the result.
func (m *mdImport) file(ctx context.Context, path string) {
	if ctx.Err() != nil {
		// Interrupted (SIGINT, SIGTERM): the files left are not read.
		return
	}
	src, err := readSource(path)
	if err != nil {
		m.fail(path, err)
		return
	}
	if isBackup(bytes.NewReader(src)) {
		m.fail(path, fmt.Errorf(`this is a JSON backup, not a post-mortem: load it on its own ("hindsight import %s") into an empty store`, path))
		return
	}
	pm, err := postmortem.Parse(src)
	if err != nil {
		m.fail(path, err)
		return
	}
	if pm.Incident.Severity == "" {
		pm.Incident.Severity = m.severity
	}
	id := pm.Incident.ID
	if other, dup := m.seen[id]; dup {
		m.fail(path, fmt.Errorf("incident %s is also in %s: each post-mortem needs its own incident ID; change the ID line or the date and title of one of them", id, other))
		return
	}
	m.seen[id] = path
	r, err := importer.Apply(ctx, m.store, pm, importer.Source{Path: path, Markdown: src})
	if err != nil {
		m.fail(path, fmt.Errorf("cannot store incident %s: %w", id, err))
		return
	}
	m.report(path, r, id)
}

// readSource reads a file after checking its size, so that a huge file is
// refused without being read.
func readSource(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read it: %s", pathErrText(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read it: %s", pathErrText(err))
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file: name a Markdown file or a directory")
	}
	if info.Size() > postmortem.MaxDocumentSize {
		return nil, fmt.Errorf("the file is %.1f MB; a post-mortem may be at most %d MB: it is probably not a post-mortem, or split it and remove attachments",
			float64(info.Size())/(1<<20), postmortem.MaxDocumentSize>>20)
	}
	// The limit guards against a file that grows between Stat and Read.
	src, err := io.ReadAll(io.LimitReader(f, postmortem.MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read it: %s", pathErrText(err))
	}
	return src, nil
}

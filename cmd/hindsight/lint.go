package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/lint"
	"github.com/hindsight-sre/hindsight/postmortem"
)

func init() { register(newLintCmd) }

func newLintCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "lint FILE|DIR…",
		Short: "Check post-mortem documents for placeholders, gaps and impossible figures",
		Long: `Check post-mortem Markdown documents with the rules a review applies:
placeholders left from the template, unanswered whys, timeline rows out of
order or before the start, action items without owner, due date or
verification, due dates before the incident, impossible figures.
Findings print as "file:line: rule: message" (or JSON with --format json).
A DIR is walked: every *.md and *.markdown file under it is checked.
Follow-up metrics are checked only once due, 30 days after the
resolution.
Exit status: 0 clean, 1 with findings, 2 on usage or read errors.
docs/lint.md describes every rule and how to fix it. "-" reads stdin.`,
		Example: `  hindsight lint postmortems/2025-09-30-highapierrorrate.md
  hindsight lint --format json postmortems/*.md
  hindsight lint postmortems/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLint(g, args, format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// runLint checks every file, prints the findings and turns them into the
// exit status. A file that cannot be read is reported and the others are
// still checked.
func runLint(g *globals, files []string, format string) error {
	if format != "text" && format != "json" {
		return &exitCodeError{code: exitError, err: hindsight.Errorf(hindsight.EINVALID,
			"--format %q: use text or json", format)}
	}
	findings := []hindsight.Finding{}
	readFailed := false
	names, err := lintFiles(files)
	if err != nil {
		fmt.Fprintf(g.stderr, "hindsight: %v\n", err)
		readFailed = true
	}
	for _, name := range names {
		src, err := readDocument(g.stdin, name)
		if err != nil {
			fmt.Fprintf(g.stderr, "hindsight: %v\n", err)
			readFailed = true
			continue
		}
		findings = append(findings, lint.Check(name, src)...)
	}
	if err := printFindings(g.stdout, findings, format); err != nil {
		return &exitCodeError{code: exitError, err: err}
	}
	switch {
	case readFailed:
		return &exitCodeError{code: exitError}
	case len(findings) > 0:
		return &exitCodeError{code: exitFindings}
	}
	return nil
}

// lintFiles expands each directory among args into the Markdown files
// under it (*.md, *.markdown, in lexical order, hidden directories such as
// .git left out), as "hindsight import" walks them; files and "-" are kept.
// A directory that cannot be walked is reported and the others are kept.
func lintFiles(args []string) ([]string, error) {
	var out []string
	var errs []error
	for _, arg := range args {
		info, err := os.Stat(arg)
		if arg == "-" || err != nil || !info.IsDir() {
			out = append(out, arg)
			continue
		}
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && path != arg && strings.HasPrefix(d.Name(), "."):
				return fs.SkipDir
			case !d.IsDir() && isMarkdownName(path):
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("cannot read directory %s: %v", arg, err))
		}
	}
	return out, errors.Join(errs...)
}

// readDocument reads a file ("-" for stdin) and refuses what is not a
// Markdown document.
func readDocument(stdin io.Reader, name string) ([]byte, error) {
	var src []byte
	var err error
	if name == "-" {
		src, err = io.ReadAll(io.LimitReader(stdin, postmortem.MaxDocumentSize+1))
	} else {
		src, err = os.ReadFile(name)
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read %s: %v", name, err)
	}
	switch {
	case len(src) > postmortem.MaxDocumentSize:
		return nil, fmt.Errorf("%s: larger than %d MB: not a post-mortem document", name, postmortem.MaxDocumentSize>>20)
	case bytes.IndexByte(src, 0) >= 0:
		return nil, fmt.Errorf("%s: contains NUL bytes: it looks binary, not Markdown", name)
	}
	return src, nil
}

// printFindings writes one "file:line: rule: message" line per finding, or
// a JSON array.
func printFindings(w io.Writer, findings []hindsight.Finding, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(findings)
	}
	for _, f := range findings {
		if _, err := fmt.Fprintln(w, f.String()); err != nil {
			return err
		}
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/chart"
)

// svgToPNG are the converters tried, in order, for a PNG beside each SVG:
// the program and its arguments before the input and output paths.
var svgToPNG = []struct {
	bin  string
	args func(in, out string) []string
}{
	{"rsvg-convert", func(in, out string) []string { return []string{"-o", out, in} }},
	{"inkscape", func(in, out string) []string { return []string{"--export-type=png", "--export-filename=" + out, in} }},
}

// writeGraphs writes the graphs of pm beside a Markdown document in dir, as
// the document references them: dir/INCIDENT-…/error-ratio.svg, and a PNG
// of each where a converter (rsvg-convert, inkscape) is installed. It
// returns the paths written.
func writeGraphs(ctx context.Context, dir string, pm *hindsight.Postmortem) ([]string, error) {
	if pm.Impact == nil || len(pm.Impact.Graphs) == 0 {
		return nil, nil
	}
	var written []string
	for _, in := range chart.ForImpact(*pm.Impact) {
		path := filepath.Join(dir, filepath.FromSlash(hindsight.GraphFile(pm.Incident.ID, in.Graph.Name)))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return written, hindsight.Errorf(hindsight.EINVALID, "cannot write the graphs: %v", err)
		}
		if err := writeFile(path, chart.SVG(in), true); err != nil {
			return written, hindsight.Errorf(hindsight.EINVALID, "cannot write the graphs: %v", err)
		}
		written = append(written, path)
		if png, ok := convertPNG(ctx, path); ok {
			written = append(written, png)
		}
	}
	return written, nil
}

// convertPNG writes a PNG beside svg with the first converter installed;
// false when none is, or it failed (the SVG is enough).
func convertPNG(ctx context.Context, svg string) (string, bool) {
	out := svg[:len(svg)-len(filepath.Ext(svg))] + ".png"
	for _, c := range svgToPNG {
		bin, err := exec.LookPath(c.bin)
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = exec.CommandContext(ctx, bin, c.args(svg, out)...).Run()
		cancel()
		if err == nil {
			return out, true
		}
		_ = os.Remove(out)
	}
	return "", false
}

// graphsNote says what writeGraphs wrote, for stderr.
func graphsNote(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	return fmt.Sprintf("hindsight: wrote %d graph file(s) beside the document, such as %s\n", len(paths), paths[0])
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/hindsight-sre/hindsight"
	"github.com/hindsight-sre/hindsight/chart"
	"github.com/hindsight-sre/hindsight/importer"
	"github.com/hindsight-sre/hindsight/markdown"
	"github.com/hindsight-sre/hindsight/postmortem"
)

// exportPostmortem writes one incident's post-mortem in format (md, html or
// json) to stdout.
func exportPostmortem(cmd *cobra.Command, g *globals, dsn, id, format, graphsDir string) error {
	if format != "md" && format != "html" && format != "json" {
		return storeFailure("", hindsight.Errorf(hindsight.EINVALID, "unknown --format %q: use md, html or json", format))
	}
	cfg, err := g.loadConfig()
	if err != nil {
		return err
	}
	var tmpl *postmortem.Template
	if cfg.Template != "" {
		if tmpl, err = postmortem.LoadTemplate(cfg.Template); err != nil {
			return storeFailure("", err)
		}
	}
	s, err := openResolvedStore(cmd, g, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	pm, err := s.FindPostmortem(cmd.Context(), id)
	if err != nil {
		return storeFailure("export "+id, err)
	}
	if pm.Document.Version == 0 {
		return storeFailure("export "+id, hindsight.Errorf(hindsight.ENOTFOUND,
			"incident %s has no post-mortem document: its severity %s is below draft_min_severity; export the incident with GET /api/v1/incidents/%s", id, pm.Incident.Severity, id))
	}
	// The objectives are configuration, not stored: every format shows the
	// configured ones, as GET …/postmortem.{md,html,json} do.
	pm.SLO = cfg.SLOFor(&pm.Incident)
	docs := &importer.Service{Store: s, Render: func(w io.Writer, pm hindsight.Postmortem) error { return postmortem.Render(w, pm, tmpl) }}
	var md bytes.Buffer
	if record, ok := pm.Record(); ok {
		md.WriteString(record) // an approved post-mortem exports as approved
	} else if err := docs.Export(cmd.Context(), *pm, &md); err != nil {
		return storeFailure("export "+id, err)
	}
	out, err := formatPostmortem(*pm, format, md.Bytes())
	if err != nil {
		return storeFailure("export "+id, err)
	}
	if graphsDir != "" {
		written, err := writeGraphs(cmd.Context(), graphsDir, pm)
		if err != nil {
			return storeFailure("export "+id, err)
		}
		fmt.Fprint(g.stderr, graphsNote(written))
	}
	_, err = g.stdout.Write(out)
	return err
}

// formatPostmortem writes pm, whose Markdown is md, as md, html or json.
func formatPostmortem(pm hindsight.Postmortem, format string, md []byte) ([]byte, error) {
	if format == "json" {
		out, err := json.MarshalIndent(pm, "", "  ")
		return append(out, '\n'), err
	}
	if format == "md" {
		return md, nil
	}
	page, err := markdown.Page(fmt.Sprintf("Post-mortem: %s (%s)", pm.Incident.Title, pm.Incident.ID), md)
	if err != nil {
		return nil, err
	}
	return chart.InlineGraphs(page, pm.Incident.ID, pm.Impact), nil
}

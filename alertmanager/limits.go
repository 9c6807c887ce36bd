package alertmanager

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hindsight-sre/hindsight"
)

// The text of a notification is bounded by the root package's limits, the
// same on both engines: what one store accepts the other can hold.

// validateMessageText adds the notification-level text problems to v.
func validateMessageText(v *hindsight.Validation, m *Message) {
	v.CheckText("groupKey", m.GroupKey, hindsight.MaxKeyBytes)
	v.CheckText("receiver", m.Receiver, hindsight.MaxKeyBytes)
	v.CheckText("externalURL", m.ExternalURL, hindsight.MaxKeyBytes)
	checkMap(v, "", "groupLabels", m.GroupLabels, hindsight.MaxKeyBytes)
	checkMap(v, "", "commonLabels", m.CommonLabels, hindsight.MaxKeyBytes)
	checkMap(v, "", "commonAnnotations", m.CommonAnnotations, hindsight.MaxTextBytes)
	v.CheckText("title", m.Title, hindsight.MaxTextBytes)
	v.CheckText("state", m.State, hindsight.MaxNameBytes)
	v.CheckText("message", m.Message, hindsight.MaxTextBytes)
}

// validateAlertText adds one alert's text problems to v and reports
// whether it had any.
func validateAlertText(v *hindsight.Validation, prefix string, a Alert) bool {
	var av hindsight.Validation
	checkText(&av, a.Name(), hindsight.MaxNameBytes, prefix, "labels.alertname")
	checkMap(&av, prefix, "labels", a.Labels, hindsight.MaxKeyBytes)
	checkMap(&av, prefix, "annotations", a.Annotations, hindsight.MaxTextBytes)
	checkText(&av, a.Fingerprint, hindsight.MaxNameBytes, prefix, "fingerprint")
	for _, f := range [...]struct{ name, s string }{{"generatorURL", a.GeneratorURL}, {"dashboardURL", a.DashboardURL},
		{"panelURL", a.PanelURL}, {"silenceURL", a.SilenceURL}, {"valueString", a.ValueString}} {
		checkText(&av, f.s, hindsight.MaxKeyBytes, prefix, f.name)
	}
	err := av.Err("")
	if err == nil {
		return false
	}
	var e *hindsight.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			v.Add(f.Field, "%s", f.Message)
		}
	}
	return true
}

// checkText is Validation.CheckText of s, with the field named by the
// concatenation of name: built only when s is refused, since a
// notification's every label and annotation passes through here.
func checkText(v *hindsight.Validation, s string, max int, name ...string) {
	if !hindsight.TextOK(s, max) {
		v.CheckText(strings.Join(name, ""), s, max)
	}
}

// checkMap bounds a map's names and values; values up to max bytes.
func checkMap(v *hindsight.Validation, prefix, field string, m map[string]string, max int) {
	for k, val := range m {
		checkText(v, k, hindsight.MaxNameBytes, prefix, field)
		checkText(v, val, max, prefix, field, ".", k)
	}
}

// invalidUTF8 returns an EINVALID error naming where b holds bytes that
// are not UTF-8, or nil. encoding/json would silently turn them into
// U+FFFD, storing text the sender never sent.
func invalidUTF8(b []byte) error {
	if utf8.Valid(b) {
		return nil
	}
	at := 0
	for at < len(b) {
		r, n := utf8.DecodeRune(b[at:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		at += n
	}
	field := fieldAt(b, int64(at))
	if field == "" {
		field = "body"
	}
	return &hindsight.Error{Code: hindsight.EINVALID, Message: "invalid Alertmanager payload", Fields: []hindsight.FieldError{{
		Field: field, Message: fmt.Sprintf("is not valid UTF-8 (byte %d): send text encoded as UTF-8", at)}}}
}

// fieldAt returns the JSON path (alerts[0].labels.job) of the value that
// holds byte offset at of b, or "" when it cannot tell.
func fieldAt(b []byte, at int64) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		object bool
		key    string
		index  int
		expect bool // object: the next string is a key
	}
	var stack []frame
	path := func() string {
		s := ""
		for i, f := range stack {
			switch {
			case f.object && i == 0:
				s += f.key
			case f.object:
				s += "." + f.key
			default:
				s += fmt.Sprintf("[%d]", f.index-1)
			}
		}
		return s
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF || err != nil {
			return ""
		}
		end := dec.InputOffset()
		top := len(stack) - 1
		key, isKey := tok.(string)
		isKey = isKey && top >= 0 && stack[top].object && stack[top].expect
		if isKey {
			stack[top].key, stack[top].expect = key, false
		} else if top >= 0 && !stack[top].object {
			if d, ok := tok.(json.Delim); !ok || (d != ']' && d != '}') {
				stack[top].index++
			}
		}
		if end > at {
			return path()
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{object: true, expect: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if !isKey && len(stack) > 0 && stack[len(stack)-1].object && tok != json.Delim('{') {
			stack[len(stack)-1].expect = true
		}
	}
}

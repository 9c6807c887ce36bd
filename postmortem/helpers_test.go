package postmortem_test

import (
	"strconv"
	"strings"
)

func splitLines(s string) []string { return strings.Split(s, "\n") }
func itoa(n int) string             { return strconv.Itoa(n) }
func quote(s string) string         { return strconv.Quote(s) }

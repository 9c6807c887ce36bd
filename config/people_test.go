package config_test

import (
	"strings"
	"testing"

	"github.com/hindsight-sre/hindsight"
)

func TestPeopleConfig(t *testing.T) {
	t.Run("File", func(t *testing.T) {
		c := MustLoad(t, MustWriteConfig(t, `
people:
  - handle: "@lead"
    name: Ana Lima
    email: ana@example.com
    slack_id: U024BE7LH
    team: SRE
  - handle: bob
`))
		if len(c.People) != 2 {
			t.Fatalf("people = %+v", c.People)
		}
		p := c.People[0].Person()
		if p.Handle != "lead" || p.Name != "Ana Lima" || p.Email != "ana@example.com" || p.SlackID != "U024BE7LH" ||
			p.Team != "SRE" || p.Source != hindsight.PersonFromConfig {
			t.Fatalf("person = %+v", p)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := loadYAML(t, `
people:
  - handle: "not a handle"
    email: nope
  - handle: Lead
  - handle: "@lead"
    slack_id: lowercase
`)
		for _, want := range []string{"people[0].handle", "people[0].email", "people[2].handle", "people[1]'s handle", "people[2].slack_id"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want it to name %s", err, want)
			}
		}
	})
}

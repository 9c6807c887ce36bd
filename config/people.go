package config

import (
	"fmt"

	"github.com/hindsight-sre/hindsight"
)

// PersonConfig is one entry of the people list: a person of the directory
// as the configuration file gives it. "hindsight serve" stores each entry
// at start, so the file wins over an earlier sign-in or admin edit.
type PersonConfig struct {
	// Handle is the person's handle, with or without its "@".
	Handle  string `yaml:"handle" json:"handle"`
	Name    string `yaml:"name" json:"name,omitempty"`
	Email   string `yaml:"email" json:"email,omitempty"`
	SlackID string `yaml:"slack_id" json:"slack_id,omitempty"`
	Team    string `yaml:"team" json:"team,omitempty"`
}

// Person returns the entry as a directory person from the configuration.
func (p PersonConfig) Person() *hindsight.Person {
	out := &hindsight.Person{Handle: p.Handle, Name: p.Name, Email: p.Email, SlackID: p.SlackID,
		Team: p.Team, Source: hindsight.PersonFromConfig}
	out.Normalize()
	return out
}

// people checks the people list: each entry as the directory checks it,
// and no handle twice.
func (v *fieldErrors) people(list []PersonConfig) {
	seen := map[string]int{}
	for i, pc := range list {
		prefix := fmt.Sprintf("people[%d].", i)
		v.nested(prefix, pc.Person().Validate())
		key := hindsight.PersonKey(pc.Handle)
		if j, dup := seen[key]; dup && key != "" {
			v.add(prefix+"handle", "%q is also people[%d]'s handle", pc.Handle, j)
		}
		seen[key] = i
	}
}

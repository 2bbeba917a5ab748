package hookd

import (
	"fmt"
	"strings"
)

// EnvList edits a "KEY=VALUE" list inside a document, such as the create config's Env, in
// place: order and the entries it does not touch are kept, including bare "KEY" entries.
type EnvList struct {
	doc  *Document
	path []string
}

// Env is the create config's (and the update body's) top-level "Env" list.
func (d *Document) Env() EnvList { return d.EnvAt("Env") }

// EnvAt is the env list at path, for example ("Config", "Env") in an inspect-shaped container.
func (d *Document) EnvAt(path ...string) EnvList { return EnvList{doc: d, path: path} }

// List returns the entries. Entries that are not strings are skipped.
func (e EnvList) List() []string {
	value, _ := e.doc.Get(e.path...)
	items, _ := value.([]any)
	env := make([]string, 0, len(items))
	for _, item := range items {
		if entry, isString := item.(string); isString {
			env = append(env, entry)
		}
	}
	return env
}

// Get returns the value of key; a later duplicate wins, as it does for execve.
func (e EnvList) Get(key string) (string, bool) {
	return LookupEnv(e.List(), key)
}

// Set sets key to value: the first entry for key is replaced where it stands and any later
// duplicates are removed; a new key is appended. The list is created if absent.
func (e EnvList) Set(key, value string) error {
	if key == "" || strings.Contains(key, "=") {
		return fmt.Errorf("env: invalid variable name %q", key)
	}
	items, err := e.items()
	if err != nil {
		return err
	}
	entry := key + "=" + value
	updated := make([]any, 0, len(items)+1)
	replaced := false
	for _, item := range items {
		if !isEnvEntryFor(item, key) {
			updated = append(updated, item)
		} else if !replaced {
			updated = append(updated, entry)
			replaced = true
		}
	}
	if !replaced {
		updated = append(updated, entry)
	}
	return e.doc.Set(updated, e.path...)
}

// Unset removes every entry for key ("KEY=..." and a bare "KEY"). It reports whether any was there.
func (e EnvList) Unset(key string) (bool, error) {
	items, err := e.items()
	if err != nil || len(items) == 0 {
		return false, err
	}
	kept := make([]any, 0, len(items))
	for _, item := range items {
		if !isEnvEntryFor(item, key) {
			kept = append(kept, item)
		}
	}
	if len(kept) == len(items) {
		return false, nil
	}
	return true, e.doc.Set(kept, e.path...)
}

func (e EnvList) items() ([]any, error) {
	value, present := e.doc.Get(e.path...)
	if !present || value == nil {
		return nil, nil
	}
	items, isArray := value.([]any)
	if !isArray {
		return nil, fmt.Errorf("env: %s is %s, not a list", formatPath(e.path), describeJSON(value))
	}
	return items, nil
}

func isEnvEntryFor(item any, key string) bool {
	entry, isString := item.(string)
	return isString && (entry == key || strings.HasPrefix(entry, key+"="))
}

// LookupEnv returns the value of key in a "KEY=VALUE" list, such as the env of an endpoint or
// PostUpdate request. A later duplicate wins.
func LookupEnv(env []string, key string) (string, bool) {
	value, found := "", false
	for _, entry := range env {
		if name, rest, hasValue := strings.Cut(entry, "="); hasValue && name == key {
			value, found = rest, true
		}
	}
	return value, found
}

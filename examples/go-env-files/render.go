package main

import (
	"regexp"
	"slices"
	"strings"
)

// The two file formats. Both are rendered from the same list of variables, in env order, and
// both end with a newline; a variable that appears twice is written once, with its last value.

var shellName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

type variable struct{ name, value string }

// selectVariables returns the env's variables minus the excluded ones and bare "NAME" entries,
// plus the names that cannot be exported from a shell (written to instanceInfo only).
func selectVariables(env, exclude []string) (variables []variable, notShellNames []string) {
	index := map[string]int{}
	for _, entry := range env {
		name, value, hasValue := strings.Cut(entry, "=")
		if !hasValue || name == "" || slices.Contains(exclude, name) {
			continue
		}
		if at, seen := index[name]; seen {
			variables[at].value = value
			continue
		}
		index[name] = len(variables)
		variables = append(variables, variable{name, value})
		if !shellName.MatchString(name) {
			notShellNames = append(notShellNames, name)
		}
	}
	return variables, notShellNames
}

const header = "# Written by the hookd plugin go-env-files on every env update. Do not edit: changes are overwritten.\n"

// renderProfile writes `export NAME='value'` lines; single quotes keep every byte literal.
func renderProfile(variables []variable) []byte {
	var out strings.Builder
	out.WriteString(header)
	for _, v := range variables {
		if shellName.MatchString(v.name) {
			out.WriteString("export " + v.name + "='" + strings.ReplaceAll(v.value, "'", `'\''`) + "'\n")
		}
	}
	return []byte(out.String())
}

// renderInstanceInfo writes `NAME=value` lines, escaping what a properties reader would misread.
func renderInstanceInfo(variables []variable) []byte {
	escape := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)
	var out strings.Builder
	out.WriteString(header)
	for _, v := range variables {
		out.WriteString(escape.Replace(v.name) + "=" + escape.Replace(v.value) + "\n")
	}
	return []byte(out.String())
}

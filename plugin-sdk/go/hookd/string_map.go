package hookd

import "fmt"

// StringMap edits a JSON object of strings inside a document, such as Labels, SpecAnnotation or
// an endpoint's GenericParams, in place: keys it does not touch are kept.
type StringMap struct {
	doc  *Document
	path []string
}

// Labels is the top-level "Labels" object of a create config or volume config.
func (d *Document) Labels() StringMap { return d.StringMap("Labels") }

// SpecAnnotations is the top-level "SpecAnnotation" object (Pouch's OCI spec annotations) of a
// create config or update body.
func (d *Document) SpecAnnotations() StringMap { return d.StringMap("SpecAnnotation") }

// StringMap is the string-valued object at path.
func (d *Document) StringMap(path ...string) StringMap { return StringMap{doc: d, path: path} }

// Get returns the value of key, or "" and false if it is absent or not a string.
func (m StringMap) Get(key string) (string, bool) {
	return m.doc.String(append(append([]string{}, m.path...), key)...)
}

// All returns a copy of the string entries.
func (m StringMap) All() map[string]string {
	value, _ := m.doc.Get(m.path...)
	object, _ := value.(map[string]any)
	entries := make(map[string]string, len(object))
	for key, item := range object {
		if text, isString := item.(string); isString {
			entries[key] = text
		}
	}
	return entries
}

// Set sets key to value, creating the object if it is absent or null.
func (m StringMap) Set(key, value string) error {
	if err := m.checkObject(); err != nil {
		return err
	}
	return m.doc.Set(value, append(append([]string{}, m.path...), key)...)
}

// Delete removes key and reports whether it was there.
func (m StringMap) Delete(key string) bool {
	return m.doc.Delete(append(append([]string{}, m.path...), key)...)
}

func (m StringMap) checkObject() error {
	value, present := m.doc.Get(m.path...)
	if _, isObject := value.(map[string]any); present && value != nil && !isObject {
		return fmt.Errorf("%s is %s, not an object", formatPath(m.path), describeJSON(value))
	}
	return nil
}

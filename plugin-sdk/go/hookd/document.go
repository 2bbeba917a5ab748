package hookd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Document is a JSON object that keeps every field it was parsed with.
//
// Values in the tree are what encoding/json produces with UseNumber: map[string]any, []any,
// string, bool, json.Number and nil. Numbers keep their exact text, so a 64-bit
// HostConfig.Memory survives untouched. Set stores any Go value by converting it to that same
// shape, so Get always returns one of those types.
//
// Paths are lists of object keys, one per level: ("HostConfig", "Memory"). Keys are taken
// literally, so a label key with dots ("com.example.team") needs no escaping.
type Document struct {
	root map[string]any
}

// NewDocument returns an empty document ({}).
func NewDocument() *Document {
	return &Document{root: map[string]any{}}
}

// ParseDocument parses a JSON object. Anything else (an array, null, invalid JSON) is an error.
func ParseDocument(data []byte) (*Document, error) {
	value, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	root, isObject := value.(map[string]any)
	if !isObject {
		return nil, fmt.Errorf("expected a JSON object, got %s", describeJSON(value))
	}
	return &Document{root: root}, nil
}

// MarshalJSON returns the document as JSON with object keys sorted.
func (d *Document) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.root)
}

// Bytes is MarshalJSON for callers that know the tree is encodable (it always is, unless a value
// stored with Set was not encodable, which Set refuses).
func (d *Document) Bytes() []byte {
	data, err := json.Marshal(d.root)
	if err != nil {
		panic(fmt.Sprintf("hookd: document is not encodable: %v", err)) // unreachable: Set normalises values
	}
	return data
}

// Clone returns a deep copy.
func (d *Document) Clone() *Document {
	clone, err := ParseDocument(d.Bytes())
	if err != nil {
		panic(fmt.Sprintf("hookd: clone: %v", err)) // unreachable: a document re-parses as itself
	}
	return clone
}

// Get returns the value at path and whether it is present (a present JSON null is (nil, true)).
// An empty path returns the whole tree.
func (d *Document) Get(path ...string) (any, bool) {
	var value any = d.root
	for _, key := range path {
		object, isObject := value.(map[string]any)
		if !isObject {
			return nil, false
		}
		if value, isObject = object[key]; !isObject {
			return nil, false
		}
	}
	return value, true
}

// String returns the string at path, or "" and false when it is absent or not a string.
func (d *Document) String(path ...string) (string, bool) {
	value, _ := d.Get(path...)
	text, isString := value.(string)
	return text, isString
}

// Set stores value at path, creating the objects on the way (a null on the way is replaced by an
// object). Setting inside a value that is not an object, such as an array, is an error, as is a
// value that encoding/json cannot encode.
func (d *Document) Set(value any, path ...string) error {
	if len(path) == 0 {
		return fmt.Errorf("set: empty path (a document's root is always an object)")
	}
	normalised, err := normaliseValue(value)
	if err != nil {
		return fmt.Errorf("set %s: %w", formatPath(path), err)
	}
	parent, err := d.objectAt(path[:len(path)-1], true)
	if err != nil {
		return fmt.Errorf("set %s: %w", formatPath(path), err)
	}
	parent[path[len(path)-1]] = normalised
	return nil
}

// Delete removes the key at path. It reports whether the key was there.
func (d *Document) Delete(path ...string) bool {
	if len(path) == 0 {
		return false
	}
	parent, err := d.objectAt(path[:len(path)-1], false)
	if err != nil || parent == nil {
		return false
	}
	_, had := parent[path[len(path)-1]]
	delete(parent, path[len(path)-1])
	return had
}

// Decode reads the value at path into target with encoding/json, for reading with a typed struct.
// An absent path leaves target unchanged and is not an error. Never write a decoded struct back
// over the document: it would drop the fields the struct does not declare.
func (d *Document) Decode(target any, path ...string) error {
	value, present := d.Get(path...)
	if !present {
		return nil
	}
	data, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("decode %s: %w", formatPath(path), err)
	}
	if err := json.Unmarshal(data, target); err != nil {
		return fmt.Errorf("decode %s: %w", formatPath(path), err)
	}
	return nil
}

// objectAt walks path and returns the object there. With create, missing keys and nulls become
// empty objects; without it, a missing object returns (nil, nil).
func (d *Document) objectAt(path []string, create bool) (map[string]any, error) {
	object := d.root
	for depth, key := range path {
		next, present := object[key]
		if !present || next == nil {
			if !create {
				return nil, nil
			}
			child := map[string]any{}
			object[key] = child
			object = child
			continue
		}
		child, isObject := next.(map[string]any)
		if !isObject {
			return nil, fmt.Errorf("%s is %s, not an object", formatPath(path[:depth+1]), describeJSON(next))
		}
		object = child
	}
	return object, nil
}

func decodeJSON(data []byte) (any, error) {
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber()
	var value any
	if err := decoder.Decode(&value); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if decoder.More() {
		return nil, fmt.Errorf("invalid JSON: more than one value")
	}
	return value, nil
}

// normaliseValue turns any encodable Go value into the tree's shape by a JSON round trip.
func normaliseValue(value any) (any, error) {
	data, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	return decodeJSON(data)
}

func describeJSON(value any) string {
	switch value.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}

func formatPath(path []string) string {
	if len(path) == 0 {
		return "(root)"
	}
	return strings.Join(path, ".")
}

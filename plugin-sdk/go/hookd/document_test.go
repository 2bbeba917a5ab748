package hookd_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

// A create config with fields no SDK type declares, a 64-bit number and a bare env entry.
const createConfig = `{"Image":"busybox","Env":["A=1","PATH=/bin","B","A=2"],` +
	`"HostConfig":{"Memory":9007199254740993,"X-Vendor":{"deep":[1,{"k":true}]}},` +
	`"Labels":{"team":"a","com.example.dotted":"yes"},"FutureField":null}`

func parse(t *testing.T, text string) *hookd.Document {
	t.Helper()
	document, err := hookd.ParseDocument([]byte(text))
	if err != nil {
		t.Fatalf("ParseDocument: %v", err)
	}
	return document
}

// assertSameJSON compares two JSON texts as values, with numbers compared by their text.
func assertSameJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	if !reflect.DeepEqual(decodeExact(t, got), decodeExact(t, []byte(want))) {
		t.Fatalf("JSON differs\n got: %s\nwant: %s", got, want)
	}
}

func decodeExact(t *testing.T, data []byte) any {
	t.Helper()
	document, err := hookd.ParseDocument(data)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	value, _ := document.Get()
	return value
}

func TestDocumentKeepsUnknownFieldsAndExactNumbers(t *testing.T) {
	document := parse(t, createConfig)
	if err := document.Set("busybox:1.36", "Image"); err != nil {
		t.Fatal(err)
	}
	want := `{"Image":"busybox:1.36","Env":["A=1","PATH=/bin","B","A=2"],` +
		`"HostConfig":{"Memory":9007199254740993,"X-Vendor":{"deep":[1,{"k":true}]}},` +
		`"Labels":{"team":"a","com.example.dotted":"yes"},"FutureField":null}`
	assertSameJSON(t, document.Bytes(), want)
	if string(document.Bytes()) == "" || !json.Valid(document.Bytes()) {
		t.Fatal("Bytes is not valid JSON")
	}
	memory, _ := document.Get("HostConfig", "Memory")
	if memory != json.Number("9007199254740993") {
		t.Fatalf("Memory = %#v, want the exact json.Number", memory)
	}
}

func TestDocumentGetSetDeleteByPath(t *testing.T) {
	document := parse(t, createConfig)
	if err := document.Set(int64(1<<30), "HostConfig", "MemorySwap"); err != nil {
		t.Fatal(err)
	}
	if err := document.Set(map[string]int{"Quota": 2}, "HostConfig", "New", "Nested"); err != nil {
		t.Fatal(err)
	}
	if err := document.Set("replaced null", "FutureField", "Inner"); err != nil {
		t.Fatalf("a null on the way is replaced by an object: %v", err)
	}
	if value, _ := document.Get("HostConfig", "MemorySwap"); value != json.Number("1073741824") {
		t.Fatalf("Set values read back in the tree's shape, got %#v", value)
	}
	if value, _ := document.Get("HostConfig", "New", "Nested", "Quota"); value != json.Number("2") {
		t.Fatalf("nested Set: got %#v", value)
	}
	if err := document.Set(1, "HostConfig", "X-Vendor", "deep", "0"); err == nil {
		t.Fatal("Set through an array must fail")
	}
	if err := document.Set(func() {}, "Bad"); err == nil {
		t.Fatal("Set of an unencodable value must fail")
	}
	if !document.Delete("HostConfig", "Memory") || document.Delete("HostConfig", "Memory") {
		t.Fatal("Delete reports whether the key was there")
	}
	if _, present := document.Get("HostConfig", "Memory"); present {
		t.Fatal("deleted key is still present")
	}
	if _, present := document.Get("Image", "NotAnObject"); present {
		t.Fatal("Get below a string must report absent")
	}
	var hostConfig struct{ MemorySwap int64 }
	if err := document.Decode(&hostConfig, "HostConfig"); err != nil || hostConfig.MemorySwap != 1<<30 {
		t.Fatalf("Decode: %v %+v", err, hostConfig)
	}
}

func TestParseDocumentRefusesWhatIsNotAnObject(t *testing.T) {
	for _, text := range []string{`[]`, `null`, `"x"`, `{`, `{} {}`, ``} {
		if _, err := hookd.ParseDocument([]byte(text)); err == nil {
			t.Errorf("ParseDocument(%q) succeeded, want an error", text)
		}
	}
}

func TestEnvSetReplacesInPlaceAndDropsLaterDuplicates(t *testing.T) {
	document := parse(t, createConfig)
	env := document.Env()
	if value, _ := env.Get("A"); value != "2" {
		t.Fatalf("Get returns the last duplicate, got %q", value)
	}
	if err := env.Set("A", "3"); err != nil {
		t.Fatal(err)
	}
	if err := env.Set("NEW", "x=y"); err != nil {
		t.Fatal(err)
	}
	want := []string{"A=3", "PATH=/bin", "B", "NEW=x=y"}
	if got := env.List(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Env = %q, want %q", got, want)
	}
	if removed, err := env.Unset("B"); err != nil || !removed {
		t.Fatalf("Unset of a bare entry: %v %v", removed, err)
	}
	if removed, _ := env.Unset("MISSING"); removed {
		t.Fatal("Unset of a missing key reports false")
	}
	if err := env.Set("BAD=NAME", "x"); err == nil {
		t.Fatal("a key with = must be refused")
	}
	if got := document.Env().List(); !reflect.DeepEqual(got, []string{"A=3", "PATH=/bin", "NEW=x=y"}) {
		t.Fatalf("after Unset: %q", got)
	}
}

func TestEnvIsCreatedWhenAbsentAndRefusedWhenNotAList(t *testing.T) {
	document := parse(t, `{"Image":"x","Config":{"Env":"oops"}}`)
	if err := document.Env().Set("K", "V"); err != nil {
		t.Fatal(err)
	}
	assertSameJSON(t, document.Bytes(), `{"Image":"x","Config":{"Env":"oops"},"Env":["K=V"]}`)
	if err := document.EnvAt("Config", "Env").Set("K", "V"); err == nil {
		t.Fatal("Set on a string must fail")
	}
}

func TestLabelsAndSpecAnnotationsKeepOtherKeys(t *testing.T) {
	document := parse(t, createConfig)
	if err := document.Labels().Set("owner", "me"); err != nil {
		t.Fatal(err)
	}
	if value, _ := document.Labels().Get("com.example.dotted"); value != "yes" {
		t.Fatalf("dotted label key: got %q", value)
	}
	if !document.Labels().Delete("team") {
		t.Fatal("Delete team")
	}
	if err := document.SpecAnnotations().Set("net-priority", "3"); err != nil {
		t.Fatal(err)
	}
	want := `{"Image":"busybox","Env":["A=1","PATH=/bin","B","A=2"],` +
		`"HostConfig":{"Memory":9007199254740993,"X-Vendor":{"deep":[1,{"k":true}]}},` +
		`"Labels":{"owner":"me","com.example.dotted":"yes"},"FutureField":null,` +
		`"SpecAnnotation":{"net-priority":"3"}}`
	assertSameJSON(t, document.Bytes(), want)
	if got := document.Labels().All(); !reflect.DeepEqual(got, map[string]string{"owner": "me", "com.example.dotted": "yes"}) {
		t.Fatalf("All = %v", got)
	}
	if err := document.StringMap("Image").Set("k", "v"); err == nil {
		t.Fatal("a StringMap over a string must fail")
	}
}

func TestLookupEnvOnPlainLists(t *testing.T) {
	env := []string{"A=1", "B", "A=2", "C="}
	if value, found := hookd.LookupEnv(env, "A"); !found || value != "2" {
		t.Fatalf("A: %q %v", value, found)
	}
	if _, found := hookd.LookupEnv(env, "B"); found {
		t.Fatal("a bare entry has no value")
	}
	if value, found := hookd.LookupEnv(env, "C"); !found || value != "" {
		t.Fatalf("C: %q %v", value, found)
	}
}

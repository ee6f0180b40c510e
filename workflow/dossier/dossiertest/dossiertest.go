// Package dossiertest checks the JSON of the case file views for tests: that
// every time in it is written in the firm's zone, and that a test's case sets
// every time field a view has. Both the views' own tests and the end-to-end
// test of `show --json` and `cases --json` use it.
//
// It must not import storage or the mail edge.
package dossiertest

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// CheckZone fails t for every time in the JSON document data (of a value
// of type typ, or a slice of them) that is not one of instants, or not
// written in loc with its offset, and for every time field of typ that data
// does not hold: a field added later must be set in the test's case too.
func CheckZone(t testing.TB, name string, data []byte, typ reflect.Type, loc *time.Location, instants ...time.Time) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s is no JSON: %v\n%s", name, err, data)
	}
	found := map[string]bool{}
	for _, s := range jsonStrings(doc, "") {
		at, err := time.Parse(time.RFC3339Nano, s.value)
		if err != nil {
			continue
		}
		found[s.path] = true
		if !contains(instants, at) {
			t.Errorf("%s: %s = %s: not a fixture time", name, s.path, s.value)
		}
		if want := at.In(loc).Format(time.RFC3339); s.value != want {
			t.Errorf("%s: %s = %s, want %s (%s)", name, s.path, s.value, want, loc)
		}
	}
	for _, path := range timeFields(typ, "") {
		if !found[path] {
			t.Errorf("%s has no time at %s: set it in this test's case", name, path)
		}
	}
}

func contains(instants []time.Time, at time.Time) bool {
	for _, x := range instants {
		if at.Equal(x) {
			return true
		}
	}
	return false
}

type jsonString struct{ path, value string }

// jsonStrings lists every string of a decoded JSON document with its path,
// e.g. "consultations.answered_at" (array indexes left out).
func jsonStrings(v any, path string) []jsonString {
	switch v := v.(type) {
	case string:
		return []jsonString{{path, v}}
	case []any:
		var out []jsonString
		for _, e := range v {
			out = append(out, jsonStrings(e, path)...)
		}
		return out
	case map[string]any:
		var out []jsonString
		for k, e := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			out = append(out, jsonStrings(e, p)...)
		}
		return out
	}
	return nil
}

// timeFields lists the JSON paths of every time.Time and *time.Time field
// reachable from t, as jsonStrings names them.
func timeFields(t reflect.Type, path string) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return []string{path}
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		p := path
		if !f.Anonymous || name != "" {
			if name == "" {
				name = f.Name
			}
			if p != "" {
				p += "."
			}
			p += name
		}
		out = append(out, timeFields(f.Type, p)...)
	}
	sort.Strings(out)
	return out
}

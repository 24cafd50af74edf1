package model

import (
	"encoding/json"
	"sort"
	"strconv"
)

// Helpers over the generic values of a plan (after / after_unknown). They
// never panic on a shape they do not expect; they return the zero value.

func getStr(m map[string]any, key string) string {
	switch v := m[key].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	}
	return ""
}

func getBool(m map[string]any, key string) bool {
	switch v := m[key].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

func getNum(m map[string]any, key string) (float64, bool) {
	switch v := m[key].(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

func getInt(m map[string]any, key string) (int, bool) {
	f, ok := getNum(m, key)
	return int(f), ok
}

// getStrings reads a string or a list/set of strings.
func getStrings(m map[string]any, key string) []string {
	switch v := m[key].(type) {
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// getBlocks reads a nested block list (terraform encodes blocks as lists of
// objects, a single object in old formats).
func getBlocks(m map[string]any, key string) []map[string]any {
	switch v := m[key].(type) {
	case []any:
		out := make([]map[string]any, 0, len(v))
		for _, e := range v {
			if b, ok := e.(map[string]any); ok {
				out = append(out, b)
			}
		}
		return out
	case map[string]any:
		return []map[string]any{v}
	}
	return nil
}

func getBlock(m map[string]any, key string) map[string]any {
	if bs := getBlocks(m, key); len(bs) > 0 {
		return bs[0]
	}
	return nil
}

func getMap(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func getTags(m map[string]any) map[string]string {
	out := map[string]string{}
	for _, key := range []string{"tags_all", "tags"} {
		for k, v := range getMap(m, key) {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}

// unknownAt tells whether after_unknown marks the attribute (or any part of
// it) unknown. u is the after_unknown object of a resource or block.
func unknownAt(u map[string]any, key string) bool {
	return anyTrue(u[key])
}

func anyTrue(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case []any:
		for _, e := range t {
			if anyTrue(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range t {
			if anyTrue(e) {
				return true
			}
		}
	}
	return false
}

// unknownBlocks returns the after_unknown objects of a nested block list,
// aligned with getBlocks.
func unknownBlocks(u map[string]any, key string) []map[string]any {
	return getBlocks(u, key)
}

func sortedUnique(in []string) []string {
	if len(in) == 0 {
		return []string{}
	}
	sort.Strings(in)
	out := in[:1]
	for _, s := range in[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}

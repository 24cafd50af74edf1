package plan

import (
	"encoding/json"
	"errors"
)

// errSplit means the top level is not a well-formed object; the caller then
// asks encoding/json for the precise error and position.
var errSplit = errors.New("malformed top level")

// errDeep: a value nests deeper than encoding/json allows.
var errDeep = errors.New("exceeded max depth")

const maxDepth = 10000

// splitTop splits a top-level JSON object into its keys and values, the
// values as subslices of data (no copies). It is a light scanner: values are
// only delimited here; each used value is fully validated when it is
// decoded, and unused ones with json.Valid. It saves encoding/json a whole
// validating pass over the plan.
func splitTop(data []byte) (map[string]rawRef, error) {
	out := map[string]rawRef{}
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, errSplit
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return out, trailing(data, i+1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, errSplit
		}
		end, err := skipString(data, i)
		if err != nil {
			return nil, err
		}
		var key string
		if err := json.Unmarshal(data[i:end], &key); err != nil {
			return nil, errSplit
		}
		i = skipWS(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, errSplit
		}
		i = skipWS(data, i+1)
		vend, err := skipValue(data, i)
		if err != nil {
			return nil, err
		}
		out[key] = rawRef(data[i:vend]) // full capacity: decode computes the offset from it
		i = skipWS(data, vend)
		if i >= len(data) {
			return nil, errSplit
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return out, trailing(data, i+1)
		default:
			return nil, errSplit
		}
	}
}

func trailing(data []byte, i int) error {
	if skipWS(data, i) != len(data) {
		return errSplit
	}
	return nil
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at data[i] == '"'.
func skipString(data []byte, i int) (int, error) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errSplit
}

// skipValue returns the index after the value starting at data[i].
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, errSplit
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, err := skipString(data, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
				if depth > maxDepth {
					return 0, errDeep
				}
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errSplit
	}
	j := i
	for j < len(data) {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			if j == i {
				return 0, errSplit
			}
			return j, nil
		}
		j++
	}
	return 0, errSplit
}

package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"time"
	"unicode/utf8"

	"github.com/awssql/awssql/vtab"
)

// The stores with types of their own (Parquet, PostgreSQL) keep a
// timestamp as a timestamp and a boolean as a boolean; reading gives back
// what SQLite has: RFC 3339 text and 0/1.

// timeValue reads a timestamp column's value (RFC 3339 text).
func timeValue(col string, v any) (time.Time, bool, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("column %s: %.40q is not an RFC 3339 timestamp", col, v)
		}
		return t.UTC(), true, nil
	}
	return time.Time{}, false, fmt.Errorf("column %s: a %T is not a timestamp", col, v)
}

// timeText is a timestamp as awssql shows it.
func timeText(t time.Time) string { return t.UTC().Format(vtab.TimeFormat) }

// boolValue reads a boolean column's value (0 or 1).
func boolValue(col string, v any) (bool, bool, error) {
	switch v := v.(type) {
	case nil:
		return false, false, nil
	case int64:
		return v != 0, true, nil
	}
	return false, false, fmt.Errorf("column %s: a %T is not a boolean", col, v)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// textValue reads a text or JSON column's value for a store whose text
// must be UTF-8.
func textValue(col string, v any) (string, bool, error) {
	switch v := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	case []byte:
		if utf8.Valid(v) {
			return string(v), true, nil
		}
		return "", false, fmt.Errorf("column %s: a blob that is not UTF-8 text cannot be kept as text", col)
	}
	return "", false, fmt.Errorf("column %s: a %T is not text", col, v)
}

// intValue reads an integer column's value.
func intValue(col string, v any) (int64, bool, error) {
	switch v := v.(type) {
	case nil:
		return 0, false, nil
	case int64:
		return v, true, nil
	}
	return 0, false, fmt.Errorf("column %s: a %T is not an integer", col, v)
}

// realValue reads a real column's value.
func realValue(col string, v any) (float64, bool, error) {
	switch v := v.(type) {
	case nil:
		return 0, false, nil
	case float64:
		return v, true, nil
	case int64:
		return float64(v), true, nil
	}
	return 0, false, fmt.Errorf("column %s: a %T is not a number", col, v)
}

// Equal reports whether two values of a column of type t are the same:
// JSON is compared as JSON (object keys in any order, numbers by value),
// the rest as SQLite has them.
func Equal(t vtab.Type, a, b any) bool {
	if t == vtab.JSON {
		as, aok := a.(string)
		bs, bok := b.(string)
		if aok && bok {
			return as == bs || jsonEqual(as, bs)
		}
	}
	switch a := a.(type) {
	case []byte:
		b, ok := b.([]byte)
		return ok && bytes.Equal(a, b)
	case float64:
		if b, ok := b.(int64); ok {
			return a == float64(b)
		}
	case int64:
		if b, ok := b.(float64); ok {
			return float64(a) == b
		}
	}
	return a == b
}

func jsonEqual(a, b string) bool {
	va, erra := decodeJSON(a)
	vb, errb := decodeJSON(b)
	if erra != nil || errb != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// decodeJSON decodes with numbers as exact decimals, normalised so that 1,
// 1.0 and 1e0 are one number.
func decodeJSON(s string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return normalizeNumbers(v), nil
}

// jsonNumber is a JSON number as an exact fraction: not a string.
type jsonNumber string

func normalizeNumbers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = normalizeNumbers(e)
		}
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(v)); ok {
			return jsonNumber(r.RatString())
		}
	}
	return v
}

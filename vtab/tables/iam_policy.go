package tables

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// IAM policy documents as Steampipe's *_std columns show them, so that SQL
// written against them reads the same here: Statement always a list; in
// each statement Action and NotAction lists of lower-case actions,
// Resource and NotResource lists, a Principal of "*" as {"AWS": ["*"]} and
// every principal a list, condition keys in lower case with lists of
// values as text; every list without repeats and sorted. Names and values
// that IAM compares case-sensitively keep their case.

// policyDocument parses a policy document for a JSON column.
func policyDocument(doc string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("policy document: %w", err)
	}
	return v, nil
}

// canonicalPolicy is a policy document in canonical form.
func canonicalPolicy(doc string) (any, error) {
	v, err := policyDocument(doc)
	if err != nil {
		return nil, err
	}
	p, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("policy document: not an object")
	}
	out := map[string]any{"Version": p["Version"]}
	if id, ok := p["Id"]; ok {
		out["Id"] = id
	}
	var statements []any
	switch st := p["Statement"].(type) {
	case map[string]any:
		statements = []any{st}
	case []any:
		statements = st
	}
	var std []any
	for _, s := range statements {
		st, ok := s.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("policy document: a statement is not an object")
		}
		c := map[string]any{}
		for k, v := range st {
			switch k {
			case "Action", "NotAction":
				c[k] = uniqueSorted(texts(v), strings.ToLower)
			case "Resource", "NotResource":
				c[k] = uniqueSorted(texts(v), nil)
			case "Principal", "NotPrincipal":
				c[k] = canonicalPrincipal(v)
			case "Condition":
				c[k] = canonicalCondition(v)
			default: // Sid, Effect
				c[k] = v
			}
		}
		std = append(std, c)
	}
	out["Statement"] = std
	return out, nil
}

func canonicalPrincipal(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return map[string]any{"AWS": uniqueSorted(texts(v), nil)}
	}
	out := map[string]any{}
	for k, e := range m {
		out[k] = uniqueSorted(texts(e), nil)
	}
	return out
}

func canonicalCondition(v any) any {
	ops, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for op, keys := range ops {
		km, ok := keys.(map[string]any)
		if !ok {
			out[op] = keys
			continue
		}
		c := map[string]any{}
		for k, vals := range km {
			c[strings.ToLower(k)] = uniqueSorted(texts(vals), nil)
		}
		out[op] = c
	}
	return out
}

// texts is a policy value (one, or a list) as a list of text.
func texts(v any) []string {
	var list []any
	if l, ok := v.([]any); ok {
		list = l
	} else {
		list = []any{v}
	}
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		} else {
			out = append(out, fmt.Sprint(e))
		}
	}
	return out
}

func uniqueSorted(vals []string, fold func(string) string) []string {
	out := []string{}
	for _, v := range vals {
		if fold != nil {
			v = fold(v)
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}
